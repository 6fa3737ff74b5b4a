package report

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// WriteJUnit writes the report as JUnit XML: a <testsuites> element holding one <testsuite>
// per workflow run (its package the Recorder's name), one <testcase> per step run (classname the
// workflow id, name the step id), with a <failure> when the server's answer failed the
// step and an <error> when there was none. The document satisfies both schemas CI systems
// validate JUnit reports with, Jenkins' (junit-10.xsd) and Apache Ant's (JUnit.xsd, which
// asks for properties, system-out and system-err in every suite). Handled failures are
// passing test cases, noted in the suite's properties; so are the attempts of steps that
// retried.
func (r *Recorder) WriteJUnit(w io.Writer) error {
	suites := r.Suites()
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	var doc junitSuites
	for i, s := range suites {
		n := count(s.Cases)
		js := junitSuite{
			Name: s.Name(), Package: r.name, ID: i,
			Tests: n.Tests, Failures: n.Failed, Errors: n.Errors,
			Time: seconds(s.Duration), Timestamp: s.Start.UTC().Format("2006-01-02T15:04:05"), Hostname: host,
		}
		js.Properties.List = append(js.Properties.List, junitProperty{Name: "workflow", Value: s.Workflow})
		var out strings.Builder
		for _, c := range s.Cases {
			jc := junitCase{Name: c.Name(), Classname: c.Workflow, Time: seconds(c.Duration)}
			switch c.Status {
			case Failed:
				jc.Failure = &junitProblem{Message: c.Message, Type: problemType(c), Text: details(c)}
			case Errored:
				jc.Error = &junitProblem{Message: c.Message, Type: problemType(c), Text: details(c)}
			case Handled:
				js.Properties.List = append(js.Properties.List, junitProperty{Name: "handled: " + c.Name(), Value: c.Message})
			}
			if c.Attempts > 1 {
				js.Properties.List = append(js.Properties.List, junitProperty{Name: "attempts: " + c.Name(), Value: strconv.Itoa(c.Attempts)})
			}
			js.Cases = append(js.Cases, jc)
			fmt.Fprintf(&out, "%s\n", summary(c))
		}
		if s.Err != "" {
			fmt.Fprintf(&out, "workflow %s failed: %s\n", s.Workflow, s.Err)
		}
		js.SystemOut = out.String()
		doc.Suites = append(doc.Suites, js)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n")
	return err
}

// junitSuites is the root: without attributes, which Ant's schema does not allow there (the
// totals are in each suite).
type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string `xml:"name,attr"`
	Package    string `xml:"package,attr"`
	ID         int    `xml:"id,attr"`
	Tests      int    `xml:"tests,attr"`
	Failures   int    `xml:"failures,attr"`
	Errors     int    `xml:"errors,attr"`
	Time       string `xml:"time,attr"`
	Timestamp  string `xml:"timestamp,attr"`
	Hostname   string `xml:"hostname,attr"`
	Properties struct {
		List []junitProperty `xml:"property"`
	} `xml:"properties"`
	Cases     []junitCase `xml:"testcase"`
	SystemOut string      `xml:"system-out"`
	SystemErr string      `xml:"system-err"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Error     *junitProblem `xml:"error,omitempty"`
	Failure   *junitProblem `xml:"failure,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

// problemType classifies a failure for the type attribute of JUnit and TAP.
func problemType(c *Case) string {
	switch {
	case c.Criterion != "":
		return "criterion"
	case c.Status == Failed:
		return "response"
	default:
		return "error"
	}
}

// details is the text of a failure: the message, then what else is known, one item a line.
func details(c *Case) string {
	var b strings.Builder
	b.WriteString(c.Message)
	if c.StatusCode != 0 {
		fmt.Fprintf(&b, "\nstatus: %d", c.StatusCode)
	}
	if c.Criterion != "" {
		fmt.Fprintf(&b, "\ncriterion: %s", c.Criterion)
	}
	if c.Attempts > 1 {
		fmt.Fprintf(&b, "\nattempts: %d", c.Attempts)
	}
	if c.Response != "" {
		fmt.Fprintf(&b, "\nresponse: %s", c.Response)
	}
	return b.String()
}

// summary is a one-line account of a case.
func summary(c *Case) string {
	s := fmt.Sprintf("%s: %s in %s", c.Name(), c.Status, c.Duration.Round(time.Millisecond))
	if c.StatusCode != 0 {
		s += fmt.Sprintf(", status %d", c.StatusCode)
	}
	if c.Attempts > 1 {
		s += fmt.Sprintf(", %d attempts", c.Attempts)
	}
	return s
}

// WriteTAP writes the report as TAP version 14: one test point per step run, described as
// "WORKFLOW STEP", with a YAML block giving the status, duration and attempts, and for a
// failure the message, status code, criterion and response excerpt. Handled failures are
// "ok" points whose block says so.
func (r *Recorder) WriteTAP(w io.Writer) error {
	var b strings.Builder
	b.WriteString("TAP version 14\n")
	var cases []*Case
	for _, s := range r.Suites() {
		cases = append(cases, s.Cases...)
	}
	fmt.Fprintf(&b, "1..%d\n", len(cases))
	for i, c := range cases {
		ok := "ok"
		if c.Status == Failed || c.Status == Errored {
			ok = "not ok"
		}
		fmt.Fprintf(&b, "%s %d - %s %s\n", ok, i+1, tapText(c.Workflow), tapText(c.Name()))
		b.WriteString("  ---\n")
		yamlLine(&b, "status", string(c.Status))
		fmt.Fprintf(&b, "  duration_ms: %s\n", millis(c.Duration))
		fmt.Fprintf(&b, "  attempts: %d\n", c.Attempts)
		if c.StatusCode != 0 {
			fmt.Fprintf(&b, "  statusCode: %d\n", c.StatusCode)
		}
		if c.Message != "" {
			yamlLine(&b, "message", c.Message)
			yamlLine(&b, "type", problemType(c))
		}
		if c.Criterion != "" {
			yamlLine(&b, "criterion", c.Criterion)
		}
		if c.Response != "" {
			yamlLine(&b, "response", c.Response)
		}
		b.WriteString("  ...\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// tapText makes text fit a TAP description: one line, with # and \ escaped (an unescaped
// # would start a directive).
func tapText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.NewReplacer(`\`, `\\`, "#", `\#`).Replace(s)
}

// yamlLine writes a YAML mapping entry whose value is a double-quoted scalar (JSON string
// syntax is valid YAML).
func yamlLine(b *strings.Builder, key, value string) {
	q, _ := json.Marshal(value)
	fmt.Fprintf(b, "  %s: %s\n", key, q)
}

func millis(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 3, 64)
}

// WriteJSON writes the report as one JSON object:
//
//	{"name": "…", "tests": 2, "passed": 1, "failed": 1, "errors": 0, "handled": 0,
//	 "durationMs": 12.5,
//	 "workflows": [{"workflow": "…", "run": 1, "status": "failed", "start": "RFC 3339",
//	   "durationMs": 12.5, "error": "…",
//	   "steps": [{"name": "…", "step": "…", "run": 1, "status": "passed|failed|error|handled",
//	     "start": "…", "durationMs": 3.1, "attempts": 1, "retries": 0, "statusCode": 200,
//	     "criterion": "…", "message": "…", "response": "…"}]}]}
//
// Empty members are left out.
func (r *Recorder) WriteJSON(w io.Writer) error {
	doc := jsonReport{Name: r.name, Workflows: []jsonWorkflow{}}
	var total time.Duration
	for _, s := range r.Suites() {
		n := count(s.Cases)
		doc.Tests += n.Tests
		doc.Passed += n.Passed
		doc.Failed += n.Failed
		doc.Errors += n.Errors
		doc.Handled += n.Handled
		total += s.Duration
		status := "passed"
		if s.Err != "" {
			status = "failed"
		} else if !s.Ended {
			status = "running"
		}
		jw := jsonWorkflow{Workflow: s.Workflow, Run: s.Run, Status: status, Start: s.Start.UTC().Format(time.RFC3339Nano),
			DurationMs: json.Number(millis(s.Duration)), Error: s.Err, Steps: []jsonStep{}}
		for _, c := range s.Cases {
			jw.Steps = append(jw.Steps, jsonStep{
				Name: c.Name(), Step: c.Step, Run: c.Run, Status: string(c.Status),
				Start: c.Start.UTC().Format(time.RFC3339Nano), DurationMs: json.Number(millis(c.Duration)),
				Attempts: c.Attempts, Retries: c.Retries, StatusCode: c.StatusCode,
				Criterion: c.Criterion, Message: c.Message, Response: c.Response,
			})
		}
		doc.Workflows = append(doc.Workflows, jw)
	}
	doc.DurationMs = json.Number(millis(total))
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

type jsonReport struct {
	Name       string         `json:"name"`
	Tests      int            `json:"tests"`
	Passed     int            `json:"passed"`
	Failed     int            `json:"failed"`
	Errors     int            `json:"errors"`
	Handled    int            `json:"handled"`
	DurationMs json.Number    `json:"durationMs"`
	Workflows  []jsonWorkflow `json:"workflows"`
}

type jsonWorkflow struct {
	Workflow   string      `json:"workflow"`
	Run        int         `json:"run"`
	Status     string      `json:"status"`
	Start      string      `json:"start"`
	DurationMs json.Number `json:"durationMs"`
	Error      string      `json:"error,omitempty"`
	Steps      []jsonStep  `json:"steps"`
}

type jsonStep struct {
	Name       string      `json:"name"`
	Step       string      `json:"step"`
	Run        int         `json:"run"`
	Status     string      `json:"status"`
	Start      string      `json:"start"`
	DurationMs json.Number `json:"durationMs"`
	Attempts   int         `json:"attempts"`
	Retries    int         `json:"retries"`
	StatusCode int         `json:"statusCode,omitempty"`
	Criterion  string      `json:"criterion,omitempty"`
	Message    string      `json:"message,omitempty"`
	Response   string      `json:"response,omitempty"`
}
