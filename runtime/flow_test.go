package runtime

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestResolveURL(t *testing.T) {
	for _, c := range []struct{ base, ref, want string }{
		{"https://api.example.com", "/oauth/token", "https://api.example.com/oauth/token"},
		{"https://api.example.com/v2", "/oauth/token", "https://api.example.com/oauth/token"},
		{"https://api.example.com/v2/", "oauth/token", "https://api.example.com/v2/oauth/token"},
		{"https://api.example.com/v2", "oauth/token", "https://api.example.com/oauth/token"},
		{"https://api.example.com", "https://auth.example.com/token", "https://auth.example.com/token"},
		{"", "/oauth/token", "/oauth/token"},
	} {
		if got := ResolveURL(c.base, c.ref); got != c.want {
			t.Errorf("ResolveURL(%q, %q) = %q, want %q", c.base, c.ref, got, c.want)
		}
	}
}

// retryRecorder records the Retry events of a run.
type retryRecorder struct {
	NopObserver
	retries []RetryEvent
}

func (r *retryRecorder) Retry(_ context.Context, e RetryEvent) { r.retries = append(r.retries, e) }

func TestWaitReportsRetry(t *testing.T) {
	obs := &retryRecorder{}
	tr := &Transport{Observer: obs}
	run := tr.Start(context.Background(), "wf")
	st := run.Step("poll")
	resp := &Response{StatusCode: 429, Header: http.Header{"Retry-After": {"0"}}}
	cause := &StepError{Workflow: "wf", Step: "poll", StatusCode: 429}
	// Retry-After: 0 overrules the document's hour.
	if err := Wait(st, 2, cause, resp, time.Hour); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if err := Wait(st, 3, cause, nil, time.Millisecond); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	_ = run.End(nil)
	if len(obs.retries) != 2 {
		t.Fatalf("got %d retry events, want 2", len(obs.retries))
	}
	first, second := obs.retries[0], obs.retries[1]
	if first.Step != "poll" || first.Attempt != 2 || first.Delay != 0 || first.StatusCode != 429 {
		t.Errorf("first retry event %+v, want step poll, attempt 2, delay 0, status 429", first)
	}
	if second.Attempt != 3 || second.Delay != time.Millisecond {
		t.Errorf("second retry event %+v, want attempt 3, delay 1ms", second)
	}
}

func TestWaitStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	tr := &Transport{}
	run := tr.Start(ctx, "wf")
	st := run.Step("poll")
	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	err := Wait(st, 2, nil, nil, 4*time.Minute) // long, within the retry budget
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Wait returned after %s, want at once after the cancellation", d)
	}
	var se *StepError
	if !errors.As(err, &se) || se.Step != "poll" || !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait error %v, want a *StepError for step poll matching context.Canceled", err)
	}
	// A wait of zero after the cancellation fails too, so a retry loop cannot go on.
	if err := Wait(st, 3, nil, nil, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("zero wait after cancellation: %v, want context.Canceled", err)
	}
	_ = run.End(err)
}

func TestWaitDeadlineNamesStep(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	run := (&Transport{}).Start(ctx, "wf")
	st := run.Step("poll")
	err := Wait(st, 2, nil, nil, 4*time.Minute) // long, within the retry budget
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait error %v, want context.DeadlineExceeded", err)
	}
	if msg := err.Error(); msg == "" || !strings.Contains(msg, "step poll") || !strings.Contains(msg, "timed out") {
		t.Errorf("error %q should name the step and say it timed out", msg)
	}
	_ = run.End(err)
}
