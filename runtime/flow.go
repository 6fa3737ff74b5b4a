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
