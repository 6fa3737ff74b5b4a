package runtime

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestRetryBudgetIsTheRunsAndConfigurable: the budget set on the Transport bounds the sum of
// a run's waits, those of the workflows its steps call included.
func TestRetryBudgetIsTheRunsAndConfigurable(t *testing.T) {
	tr := &Transport{RetryBudget: 150 * time.Millisecond}
	run := tr.Start(context.Background(), "wf")
	st := run.Step("poll")
	if err := Wait(st, 2, nil, nil, 100*time.Millisecond); err != nil {
		t.Fatalf("first wait: %v", err)
	}
	// A workflow that the step calls shares the run's budget.
	sub := tr.Start(st.Context(), "sub")
	start := time.Now()
	// A wait far beyond the budget, so that having waited at all cannot pass for a slow machine.
	err := Wait(sub.Step("inner"), 2, nil, nil, 5*time.Second)
	if !errors.Is(err, ErrRetryBudget) || time.Since(start) > 2*time.Second {
		t.Errorf("a called workflow's wait beyond the run's budget: %v after %s", err, time.Since(start))
	}
	if !strings.Contains(err.Error(), "150ms") || !strings.Contains(err.Error(), "WithRetryBudget") {
		t.Errorf("message %q: want the budget and how to raise it", err)
	}
	_ = sub.End(err)
	// Waits of zero are always allowed, also once the budget is spent.
	if err := Wait(st, 3, nil, nil, 0); err != nil {
		t.Errorf("zero wait: %v", err)
	}
	_ = run.End(nil)
	// Another run has a budget of its own.
	run = tr.Start(context.Background(), "wf")
	if err := Wait(run.Step("poll"), 2, nil, nil, 100*time.Millisecond); err != nil {
		t.Errorf("a new run: %v", err)
	}
	_ = run.End(nil)
}
