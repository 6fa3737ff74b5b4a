package runtime

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRetryAfterCannotHoldARun: a server that answers every attempt with "Retry-After: 600"
// (ten minutes, the most one wait honours) cannot hold a run without a deadline: the waits
// of a run are bounded in total (DefaultRetryBudget, five minutes), and a wait that would
// pass the bound fails the step at once, naming the step and the bound, instead of sleeping.
func TestRetryAfterCannotHoldARun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background()) // no deadline
	defer cancel()
	run := (&Transport{}).Start(ctx, "wf")
	st := run.Step("poll")
	resp := &Response{StatusCode: 429, Header: http.Header{"Retry-After": {"600"}}}
	cause := &StepError{Workflow: "wf", Step: "poll", StatusCode: 429, Reason: "too many"}
	done := make(chan error, 1)
	go func() {
		// What generated code does for a retry action with retryLimit 1000.
		for attempt := 2; attempt <= 1000; attempt++ {
			if err := Wait(st, attempt, cause, resp, 0); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "step poll") || !strings.Contains(err.Error(), "retry budget") {
			t.Fatalf("error %v: want the step's retry budget named", err)
		}
		if !errors.Is(err, ErrRetryBudget) || !errors.As(err, new(*StepError)) {
			t.Errorf("error %v: want a *StepError matching ErrRetryBudget", err)
		}
	case <-time.After(3 * time.Second):
		cancel()
		<-done
		t.Fatal("Retry-After: 600 held a run without a deadline (still waiting after 3s)")
	}
	_ = run.End(nil)
}
