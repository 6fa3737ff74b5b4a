package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultMaxRuns bounds how often a step that goto or retry actions can repeat may run in
// one workflow call. Arazzo allows loops on purpose (polling with goto), and leaves guarding
// against a loop that never ends to the tool.
const DefaultMaxRuns = 1000

// TooManyRuns is the error of a step that would run more than max times in one call.
func TooManyRuns(workflow, step string, max int) error {
	return &StepError{Workflow: workflow, Step: step, Reason: fmt.Sprintf("step would run more than %d times; the workflow's goto or retry actions loop without end (raise the bound with WithMaxStepRuns)", max)}
}

// Unmet reports that a success criterion of a step that runs another workflow did not hold.
func Unmet(workflow, step, criterion string) error {
	return &StepError{Workflow: workflow, Step: step, Reason: "success criterion not met: " + criterion, Criterion: criterion}
}

// DefaultPollInterval is the wait before a step that a goto action runs again (a poll loop:
// goto back to the step until a status is reached), before its second run. Each further run
// waits half as long again (1s, 1.5s, 2.25s, …) up to MaxPollInterval; a Retry-After header
// on the response that led to the goto wins. Generated clients start with it
// (WithPollInterval changes it, the command's -poll-interval too).
const DefaultPollInterval = time.Second

// MaxPollInterval caps the growing wait between runs of a polled step (an interval set
// longer than it is used as it is).
const MaxPollInterval = 30 * time.Second

// PollDelay is the wait before the next run of a step that has run runs times so far, for a
// first interval: interval, growing by half per further run up to MaxPollInterval (or
// interval, when that is longer). It is 0 for a step that has not run yet, or interval 0.
func PollDelay(interval time.Duration, runs int) time.Duration {
	if runs < 1 || interval <= 0 {
		return 0
	}
	limit := max(MaxPollInterval, interval)
	d := float64(interval)
	for i := 1; i < runs && d < float64(limit); i++ {
		d *= 1.5
	}
	return min(time.Duration(d), limit)
}

// PollWait is what decides the wait before a step that a goto action runs again, when it
// has run already in the workflow call (a poll loop: goto back to the step until a status
// is reached), so that a server polled in a loop is never hammered. Drive hands it to the
// Engine, which waits for Delay of the client's poll interval: in process on a timer that
// the step's context ends, on a durable engine on a durable timer.
type PollWait struct {
	Runs int // how often the step has run in this workflow call so far (1 or more)
	// RetryAfter is the delay a Retry-After header of the response that led to the goto
	// asked for (at most MaxRetryWait), when HasRetryAfter is set.
	RetryAfter    time.Duration `json:",omitempty"`
	HasRetryAfter bool          `json:",omitempty"`
}

// Delay is the wait for a first poll interval: the Retry-After the server asked for, else
// interval growing with the runs (see PollDelay).
func (w PollWait) Delay(interval time.Duration) time.Duration {
	if w.HasRetryAfter {
		return min(max(w.RetryAfter, 0), MaxRetryWait)
	}
	return PollDelay(interval, w.Runs)
}

// pause sleeps for d unless the step's context ends first; it returns st.Err() then (the
// *StepError naming the step), and also when d is 0 and the context has ended already.
func (s *Step) pause(d time.Duration) error {
	if d <= 0 {
		return s.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-s.ctx.Done():
		return s.Err()
	}
}

// MaxRetryWait bounds the wait a server's Retry-After header can ask for.
const MaxRetryWait = 10 * time.Minute

// DefaultRetryBudget bounds the total time one workflow call (the workflows its steps call
// included) may spend waiting before retries, unless Transport.RetryBudget sets another
// bound (generated clients: WithRetryBudget). Without it a server answering every attempt
// with "Retry-After: 600" could hold a call without a deadline for days.
const DefaultRetryBudget = 5 * time.Minute

// ErrRetryBudget is matched (errors.Is) by the *StepError of a retry whose wait would pass
// the run's retry budget (see DefaultRetryBudget).
var ErrRetryBudget = errors.New("retry budget spent")

// budgetError is the Err of a StepError for a spent retry budget: the failure that led to
// the retry, matching ErrRetryBudget as well.
type budgetError struct{ cause error }

func (e *budgetError) Error() string {
	if e.cause == nil {
		return ErrRetryBudget.Error()
	}
	return "the last attempt: " + e.cause.Error()
}
func (e *budgetError) Unwrap() error        { return e.cause }
func (e *budgetError) Is(target error) bool { return target == ErrRetryBudget }

// Wait reports that step st is about to be tried again and sleeps before that attempt:
// for the Retry-After header of resp when the server sent one (it overrules the document's
// retryAfter, as Arazzo says it SHOULD), else for after. attempt is the attempt about to
// start (2 for the first retry) and cause why the previous one failed; both go to the
// observer's Retry event, with the delay actually waited.
//
// The wait selects on the step's context, so a cancelled or timed-out workflow stops at
// once: Wait then returns st.Err(), the *StepError naming the step. A wait of zero still
// returns that error when the context is already done, so a retry loop cannot outlive it.
//
// The waits of a run are bounded in total by its retry budget (Transport.RetryBudget, else
// DefaultRetryBudget), shared with the workflows its steps call: a wait that would pass it
// is not started, and Wait returns a *StepError matching ErrRetryBudget at once.
func Wait(st *Step, attempt int, cause error, resp *Response, after time.Duration) error {
	if resp != nil {
		if d, ok := RetryAfter(resp.Header, time.Now()); ok {
			after = min(d, MaxRetryWait)
		}
	}
	return WaitFor(st, attempt, cause, after)
}

// RetryAfter reads a Retry-After header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
func RetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseUint(v, 10, 63); err == nil {
		if n > uint64(MaxRetryWait/time.Second) {
			return MaxRetryWait, true
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// Empty reports whether a value is no value for a path parameter: nil, a nil pointer, JSON
// null, an empty string, or an empty array or object.
func Empty(v any) bool {
	s := flatten(v)
	return s.kind == undefined || s.kind == scalar && s.text == ""
}

// NoPathValue is the error of a step whose path parameter name has no value (src is the
// expression that was to give it): the request is not sent, since a path with an empty
// segment names another resource ("/carts//items").
func NoPathValue(workflow, step, method, path, name, src string) error {
	reason := fmt.Sprintf("path parameter %s has no value", name)
	if src != "" {
		reason += fmt.Sprintf(" (%s is null or empty)", src)
	}
	return &StepError{Workflow: workflow, Step: step, Method: method, Path: path, Reason: reason + "; the request was not sent"}
}

// Ptr returns a pointer to v, for an optional input set from a required value.
func Ptr[T any](v T) *T { return &v }

// Convert turns a value into type T through its JSON form, for a value passed to a called
// workflow's input whose Go type differs (a number given as a string, an object given as
// raw JSON). A value that does not fit T is an error.
func Convert[T any](v any) (T, error) {
	var out T
	data, err := json.Marshal(v)
	if err != nil {
		return out, err
	}
	err = json.Unmarshal(data, &out)
	return out, err
}

// Deref returns *p, or the zero value when p is nil (an optional input that was not given,
// passed to a called workflow's required input).
func Deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
