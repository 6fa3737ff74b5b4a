package report

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/arazzogen/arazzogen/internal/junittest"
	"github.com/arazzogen/arazzogen/runtime"
)

const (
	inputSecret = "refresh-input-secret-1"
	envSecret   = "value-from-env-2"
)

// api: /token answers 200, /poll 503 twice then 200, /list a problem+json 401 that echoes
// the secrets back.
func api(t *testing.T) *httptest.Server {
	var polls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/token":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"access_token":"issued-3"}`)
		case "/poll":
			if polls.Add(1) <= 2 {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			fmt.Fprint(w, `{}`)
		case "/list":
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"title":"Token rejected","detail":"token %s is not valid for %s","access_token":"issued-3"}`, inputSecret, envSecret)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// record runs three workflows the way generated code does, observed by a Recorder:
// "sync" (token passes, poll passes after two retries, list fails its criterion), "down"
// (its server is gone) and "lenient" (a failure its actions handle).
func record(t *testing.T) *Recorder {
	srv := api(t)
	rec := New("cmdname")
	rec.Secret(envSecret)
	tr := &runtime.Transport{Doer: srv.Client(), Observer: rec}
	ctx := context.Background()
	send := func(st *runtime.Step, path string) *runtime.Response {
		resp, err := st.Send(&runtime.Request{Method: "GET", Path: path, URL: srv.URL + path})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}

	run := tr.Start(ctx, "sync")
	run.Secret(inputSecret)
	st := run.Step("token")
	send(st, "/token")
	st.End(nil)
	st = run.Step("poll")
	for attempt := 1; ; attempt++ {
		resp := send(st, "/poll")
		if resp.StatusCode == 200 {
			break
		}
		if err := runtime.Wait(st, attempt+1, resp.Unmet("$statusCode == 200"), resp, 0); err != nil {
			t.Fatal(err)
		}
	}
	st.End(nil)
	st = run.Step("list")
	resp := send(st, "/list")
	_ = run.End(resp.Unmet("$statusCode == 200"))

	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	run = tr.Start(ctx, "down")
	st = run.Step("ping")
	_, err := st.Send(&runtime.Request{Method: "GET", Path: "/ping", URL: down.URL + "/ping"})
	_ = run.End(err)

	run = tr.Start(ctx, "lenient")
	run.Secret(inputSecret)
	st = run.Step("list")
	st.End(send(st, "/list").Unmet("$statusCode == 200"))
	st = run.Step("fallback")
	send(st, "/token")
	st.End(nil)
	_ = run.End(nil)
	return rec
}

func noSecrets(t *testing.T, what, out string) {
	t.Helper()
	for _, s := range []string{inputSecret, envSecret, "issued-3"} {
		if strings.Contains(out, s) {
			t.Errorf("%s shows the secret %s:\n%s", what, s, out)
		}
	}
}

// junitReader reads a JUnit report the way CI report readers do.
type junitReader struct {
	Suites []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Props    []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []struct {
			Name      string  `xml:"name,attr"`
			Classname string  `xml:"classname,attr"`
			Time      float64 `xml:"time,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
			} `xml:"error"`
		} `xml:"testcase"`
		SystemOut string `xml:"system-out"`
	} `xml:"testsuite"`
}

func TestJUnit(t *testing.T) {
	var buf bytes.Buffer
	if err := record(t).WriteJUnit(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	noSecrets(t, "JUnit report", out)
	validateJUnit(t, buf.Bytes())

	var doc junitReader
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(doc.Suites) != 3 {
		t.Fatalf("%d suites, want 3:\n%s", len(doc.Suites), out)
	}
	sync := doc.Suites[0]
	if sync.Name != "sync" || sync.Tests != 3 || sync.Failures != 1 || sync.Errors != 0 || len(sync.Cases) != 3 {
		t.Errorf("suite sync: %+v", sync)
	}
	if c := sync.Cases[2]; c.Name != "list" || c.Classname != "sync" || c.Failure == nil || c.Failure.Type != "criterion" ||
		!strings.Contains(c.Failure.Message, "status 401 Unauthorized: success criterion not met: $statusCode == 200") ||
		!strings.Contains(c.Failure.Text, "criterion: $statusCode == 200") ||
		!strings.Contains(c.Failure.Text, `response: {"title":"Token rejected","detail":"token [REDACTED] is not valid for [REDACTED]","access_token":"[REDACTED]"}`) {
		t.Errorf("case list: %+v", c)
	}
	if c := sync.Cases[1]; c.Name != "poll" || c.Failure != nil || c.Error != nil {
		t.Errorf("case poll passed after retries: %+v", c)
	}
	props := map[string]string{}
	for _, p := range sync.Props {
		props[p.Name] = p.Value
	}
	if props["attempts: poll"] != "3" || props["workflow"] != "sync" {
		t.Errorf("properties %v, want attempts: poll = 3", props)
	}
	if !strings.Contains(sync.SystemOut, "poll: passed in") || !strings.Contains(sync.SystemOut, "status 200, 3 attempts") {
		t.Errorf("system-out: %s", sync.SystemOut)
	}
	down := doc.Suites[1]
	if down.Errors != 1 || down.Failures != 0 || down.Cases[0].Error == nil || !strings.Contains(down.Cases[0].Error.Message, "request failed") {
		t.Errorf("suite down: %+v", down)
	}
	lenient := doc.Suites[2]
	if lenient.Failures != 0 || lenient.Errors != 0 || lenient.Cases[0].Failure != nil {
		t.Errorf("a handled failure must pass: %+v", lenient)
	}
}

// validateJUnit validates a report against the JUnit schema.
func validateJUnit(t *testing.T, report []byte) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "report.xml")
	if err := os.WriteFile(file, report, 0o644); err != nil {
		t.Fatal(err)
	}
	junittest.Validate(t, file)
}

// TestJUnitSchemaRefuses: the schema check can fail.
func TestJUnitSchemaRefuses(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not installed")
	}
	for name, doc := range map[string]string{
		"no classname":      `<testsuites><testsuite name="a" package="p" id="0" timestamp="2026-01-02T03:04:05" hostname="h" tests="1" failures="0" errors="0" time="0"><properties/><testcase name="x" time="0"/><system-out/><system-err/></testsuite></testsuites>`,
		"time not a number": `<testsuites><testsuite name="a" package="p" id="0" timestamp="2026-01-02T03:04:05" hostname="h" tests="1" failures="0" errors="0" time="1s"><properties/><testcase name="x" classname="a" time="0"/><system-out/><system-err/></testsuite></testsuites>`,
		"no properties":     `<testsuites><testsuite name="a" package="p" id="0" timestamp="2026-01-02T03:04:05" hostname="h" tests="1" failures="0" errors="0" time="0"><testcase name="x" classname="a" time="0"/><system-out/><system-err/></testsuite></testsuites>`,
	} {
		file := filepath.Join(t.TempDir(), "bad.xml")
		os.WriteFile(file, []byte(doc), 0o644)
		if out, err := exec.Command(xmllint, "--noout", "--schema", junittest.Schema(), file).CombinedOutput(); err == nil {
			t.Errorf("%s: the schema accepted it:\n%s", name, out)
		}
	}
}

var tapLine = regexp.MustCompile(`^(ok|not ok) (\d+) - (\S+) (.+)$`)

func TestTAP(t *testing.T) {
	var buf bytes.Buffer
	if err := record(t).WriteTAP(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	noSecrets(t, "TAP report", out)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if lines[0] != "TAP version 14" || lines[1] != "1..6" {
		t.Fatalf("header:\n%s", out)
	}
	// A TAP consumer: test points numbered in order, each followed by a YAML block.
	var points []string
	n := 0
	for i := 2; i < len(lines); i++ {
		m := tapLine.FindStringSubmatch(lines[i])
		if m == nil {
			t.Fatalf("line %d is not a test point: %q\n%s", i+1, lines[i], out)
		}
		n++
		if num, _ := strconv.Atoi(m[2]); num != n {
			t.Errorf("test point %d numbered %s", n, m[2])
		}
		points = append(points, m[1]+" "+m[3]+" "+m[4])
		if lines[i+1] != "  ---" {
			t.Fatalf("no YAML block after %q", lines[i])
		}
		for i++; lines[i] != "  ..."; i++ {
			if !strings.HasPrefix(lines[i], "  ") {
				t.Fatalf("YAML block line %q", lines[i])
			}
		}
	}
	want := []string{"ok sync token", "ok sync poll", "not ok sync list", "not ok down ping", "ok lenient list", "ok lenient fallback"}
	if strings.Join(points, "|") != strings.Join(want, "|") {
		t.Errorf("points %q, want %q", points, want)
	}
	for _, s := range []string{
		"  status: \"failed\"\n  duration_ms: ",
		"  attempts: 3\n  statusCode: 200\n",
		"  criterion: \"$statusCode == 200\"\n",
		"  status: \"handled\"\n",
		`  response: "{\"title\":\"Token rejected\"`,
	} {
		if !strings.Contains(out, s) {
			t.Errorf("TAP lacks %q:\n%s", s, out)
		}
	}
}

func TestJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := record(t).WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	noSecrets(t, "JSON report", buf.String())
	var doc struct {
		Name                                   string
		Tests, Passed, Failed, Errors, Handled int
		Workflows                              []struct {
			Workflow, Status, Error string
			Steps                   []struct {
				Name, Status, Criterion, Message, Response string
				Attempts, Retries, StatusCode              int
				DurationMs                                 float64
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Name != "cmdname" || doc.Tests != 6 || doc.Passed != 3 || doc.Failed != 1 || doc.Errors != 1 || doc.Handled != 1 {
		t.Errorf("totals: %+v", doc)
	}
	sync := doc.Workflows[0]
	if sync.Status != "failed" || !strings.Contains(sync.Error, "step list") {
		t.Errorf("workflow sync: %+v", sync)
	}
	if p := sync.Steps[1]; p.Name != "poll" || p.Attempts != 3 || p.Retries != 2 || p.StatusCode != 200 || p.Status != "passed" {
		t.Errorf("step poll: %+v", p)
	}
	if l := sync.Steps[2]; l.Status != "failed" || l.StatusCode != 401 || l.Criterion != "$statusCode == 200" || !strings.Contains(l.Response, "Token rejected") {
		t.Errorf("step list: %+v", l)
	}
	if doc.Workflows[2].Status != "passed" || doc.Workflows[2].Steps[0].Status != "handled" {
		t.Errorf("workflow lenient: %+v", doc.Workflows[2])
	}
}

// TestWorkflowFailureWithoutStep: a run that fails before any step still fails the report.
func TestWorkflowFailureWithoutStep(t *testing.T) {
	rec := New("x")
	ctx := rec.WorkflowStart(context.Background(), runtime.WorkflowEvent{Workflow: "w"})
	rec.WorkflowEnd(ctx, runtime.WorkflowEvent{Workflow: "w", Err: errors.New("inputs: bad")})
	var buf bytes.Buffer
	if err := rec.WriteJUnit(&buf); err != nil {
		t.Fatal(err)
	}
	validateJUnit(t, buf.Bytes())
	if !strings.Contains(buf.String(), `errors="1"`) || !strings.Contains(buf.String(), `<error message="inputs: bad" type="error">`) {
		t.Errorf("report:\n%s", buf.String())
	}
}
