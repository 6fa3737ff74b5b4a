// Package report turns workflow runs into the test reports CI systems read: JUnit XML, TAP
// version 14 and JSON, with one test case per step run. A Recorder is a runtime.Observer,
// so the generated command (-report) and Go code use it the same way:
//
//	rec := report.New("nightly")
//	client, err := refreshcustomers.NewClient(refreshcustomers.WithObserver(rec))
//	…
//	_, runErr := client.RefreshAndListCustomers(ctx, in)
//	f, _ := os.Create("report.xml")
//	err = rec.WriteJUnit(f)
//
// Reports hold no secret the run knew of: messages come from the run's errors, which are
// redacted, response excerpts are StepError.Body, which is redacted, and the values given to
// Recorder.Secret are redacted from everything written.
package report

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/arazzogen/arazzogen/runtime"
)

// Status is the outcome of a step run.
type Status string

const (
	// Passed: the step's success criteria held.
	Passed Status = "passed"
	// Failed: the server answered, but not as the step's success criteria want (or the
	// answer could not be used, such as an output that does not decode).
	Failed Status = "failed"
	// Errored: there was no answer to judge: the request failed, timed out or was
	// cancelled, or a credential could not be had.
	Errored Status = "error"
	// Handled: the step failed, and the workflow's failure actions dealt with it, so the
	// workflow run succeeded. CI reports count it as passed.
	Handled Status = "handled"
)

// Case is one run of a step: a test case.
type Case struct {
	Workflow string
	Step     string
	// Run numbers the runs of the step within its workflow run: 1, and 2… when goto actions
	// ran it again. A retry action's attempts are one run (see Attempts).
	Run      int
	Status   Status
	Start    time.Time
	Duration time.Duration
	// Attempts is how many times the step sent its request (1 + Retries).
	Attempts int
	// Retries counts the retry actions taken in this run.
	Retries int
	// StatusCode is the status of the last response, 0 when none was received.
	StatusCode int
	// Criterion is the success criterion that did not hold, as the document writes it.
	Criterion string
	// Message is why the step failed (the run's redacted error message); "" when it passed.
	Message string
	// Response is a redacted excerpt of the answer that failed the step.
	Response string
}

// Name is the test case name: the step id, with the run number after the first run.
func (c *Case) Name() string {
	if c.Run > 1 {
		return c.Step + " (run " + strconv.Itoa(c.Run) + ")"
	}
	return c.Step
}

// Suite is one workflow run: a test suite.
type Suite struct {
	Workflow string
	// Run numbers the runs of the workflow in the report: 1, and 2… for later runs (a
	// workflow that other steps or dependsOn call more than once).
	Run      int
	Start    time.Time
	Duration time.Duration
	// Err is why the run failed (redacted); "" when it succeeded or has not ended.
	Err   string
	Ended bool
	Cases []*Case
}

// Name is the test suite name: the workflow id, with the run number after the first run.
func (s *Suite) Name() string {
	if s.Run > 1 {
		return s.Workflow + " (run " + strconv.Itoa(s.Run) + ")"
	}
	return s.Workflow
}

// Recorder records workflow runs as test suites and their step runs as test cases. It is a
// runtime.Observer; it is safe for concurrent use.
type Recorder struct {
	runtime.NopObserver
	name string

	mu      sync.Mutex
	suites  []*Suite
	secrets []string
	now     func() time.Time
}

// New returns a Recorder whose reports carry name (the command's or test run's name).
func New(name string) *Recorder {
	return &Recorder{name: name, now: time.Now}
}

// Secret adds values to redact from everything the reports show, beyond what the runs
// redacted themselves (values the caller read from the environment, for example).
func (r *Recorder) Secret(values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range values {
		if v != "" && !slices.Contains(r.secrets, v) {
			r.secrets = append(r.secrets, v)
		}
	}
}

// Suites returns a copy of what was recorded so far, secrets redacted.
func (r *Recorder) Suites() []Suite {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Suite, len(r.suites))
	for i, s := range r.suites {
		out[i] = *s
		out[i].Err = runtime.RedactString(s.Err, r.secrets...)
		out[i].Cases = make([]*Case, len(s.Cases))
		for j, c := range s.Cases {
			cc := *c
			cc.Message = runtime.RedactString(c.Message, r.secrets...)
			cc.Response = runtime.RedactString(c.Response, r.secrets...)
			out[i].Cases[j] = &cc
		}
		// A run that failed before any step did, or whose failure no step carries, still
		// shows as a failing case.
		if s.Err != "" && !slices.ContainsFunc(s.Cases, func(c *Case) bool { return c.Status == Failed || c.Status == Errored }) {
			out[i].Cases = append(out[i].Cases, &Case{
				Workflow: s.Workflow, Step: "(workflow)", Run: 1, Status: Errored,
				Start: s.Start, Duration: s.Duration, Attempts: 1, Message: out[i].Err,
			})
		}
	}
	return out
}

type suiteKey struct{ r *Recorder }
type caseKey struct{ r *Recorder }

func (r *Recorder) suiteOf(ctx context.Context) *Suite {
	s, _ := ctx.Value(suiteKey{r}).(*Suite)
	return s
}

func (r *Recorder) caseOf(ctx context.Context) *Case {
	c, _ := ctx.Value(caseKey{r}).(*Case)
	return c
}

// newSuite records the start of a workflow run; r.mu is held.
func (r *Recorder) newSuite(workflow string) *Suite {
	n := 1
	for _, s := range r.suites {
		if s.Workflow == workflow {
			n++
		}
	}
	s := &Suite{Workflow: workflow, Run: n, Start: r.now()}
	r.suites = append(r.suites, s)
	return s
}

func (r *Recorder) WorkflowStart(ctx context.Context, e runtime.WorkflowEvent) context.Context {
	r.mu.Lock()
	s := r.newSuite(e.Workflow)
	r.mu.Unlock()
	return context.WithValue(ctx, suiteKey{r}, s)
}

func (r *Recorder) WorkflowEnd(ctx context.Context, e runtime.WorkflowEvent) {
	s := r.suiteOf(ctx)
	if s == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s.Duration, s.Ended = e.Duration, true
	if e.Err != nil {
		s.Err = e.Err.Error()
		return
	}
	for _, c := range s.Cases {
		if c.Status == Failed || c.Status == Errored {
			c.Status = Handled
		}
	}
}

func (r *Recorder) StepStart(ctx context.Context, e runtime.StepEvent) context.Context {
	r.mu.Lock()
	s := r.suiteOf(ctx)
	if s == nil {
		s = r.newSuite(e.Workflow)
		ctx = context.WithValue(ctx, suiteKey{r}, s)
	}
	n := 1
	for _, c := range s.Cases {
		if c.Step == e.Step {
			n++
		}
	}
	c := &Case{Workflow: e.Workflow, Step: e.Step, Run: n, Status: Passed, Start: r.now(), Attempts: 1}
	s.Cases = append(s.Cases, c)
	r.mu.Unlock()
	return context.WithValue(ctx, caseKey{r}, c)
}

func (r *Recorder) StepEnd(ctx context.Context, e runtime.StepEvent) {
	c := r.caseOf(ctx)
	if c == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c.Duration = e.Duration
	if e.Err == nil {
		c.Status = Passed
		return
	}
	c.Message = e.Err.Error()
	c.Status = Errored
	var se *runtime.StepError
	if errors.As(e.Err, &se) {
		if se.StatusCode != 0 {
			c.Status = Failed
			c.StatusCode = se.StatusCode
		}
		c.Criterion = se.Criterion
		c.Response = se.Body
		c.Attempts = max(c.Attempts, se.Attempts)
	}
}

func (r *Recorder) Response(ctx context.Context, e runtime.ResponseEvent) {
	if c := r.caseOf(ctx); c != nil && e.StatusCode != 0 {
		r.mu.Lock()
		c.StatusCode = e.StatusCode
		r.mu.Unlock()
	}
}

func (r *Recorder) Retry(ctx context.Context, e runtime.RetryEvent) {
	if c := r.caseOf(ctx); c != nil {
		r.mu.Lock()
		c.Retries++
		c.Attempts = max(c.Attempts, e.Attempt, c.Retries+1)
		r.mu.Unlock()
	}
}

// Counts sums the cases of suites by status.
type Counts struct {
	Tests, Passed, Failed, Errors, Handled int
}

func count(cases []*Case) Counts {
	var n Counts
	for _, c := range cases {
		n.Tests++
		switch c.Status {
		case Passed:
			n.Passed++
		case Failed:
			n.Failed++
		case Errored:
			n.Errors++
		case Handled:
			n.Handled++
		}
	}
	return n
}
