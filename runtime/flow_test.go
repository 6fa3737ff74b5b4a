package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
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

// A token URL on the source's default server follows the server WithServerURL sets; one on
// another origin stays; an explicit one wins.
func TestTokenURL(t *testing.T) {
	const def = "https://api.example.com/v1"
	for _, c := range []struct{ explicit, declared, server, want string }{
		{"", "https://api.example.com/v1/oauth/token", def, "https://api.example.com/v1/oauth/token"},
		{"", "https://api.example.com/v1/oauth/token", "http://localhost:8080/v1", "http://localhost:8080/v1/oauth/token"},
		{"", "https://api.example.com/v1/oauth/token", "http://localhost:8080", "http://localhost:8080/oauth/token"},
		{"", "https://api.example.com/v1/oauth/token", "https://staging.example.com/api/v1/", "https://staging.example.com/api/v1/oauth/token"},
		{"", "https://api.example.com:443/oauth/token?x=1", "http://127.0.0.1:9000/v1", "http://127.0.0.1:9000/oauth/token?x=1"},
		{"", "https://api.example.com/v1x/token", "http://localhost:8080/v1", "http://localhost:8080/v1x/token"},
		{"", "https://auth.example.com/token", "http://localhost:8080/v1", "https://auth.example.com/token"},
		{"", "http://api.example.com/v1/token", "http://localhost:8080/v1", "http://api.example.com/v1/token"},
		{"", "/oauth/token", "http://localhost:8080/v1", "http://localhost:8080/oauth/token"},
		{"http://idp.test/token", "https://api.example.com/v1/oauth/token", "http://localhost:8080/v1", "http://idp.test/token"},
		{"/token", "https://auth.example.com/token", "http://localhost:8080/v1", "http://localhost:8080/token"},
	} {
		if got := TokenURL(c.explicit, c.declared, def, c.server); got != c.want {
			t.Errorf("TokenURL(%q, %q, %q, %q) = %q, want %q", c.explicit, c.declared, def, c.server, got, c.want)
		}
	}
	if got := TokenURL("", "https://api.example.com/token", "", "http://localhost"); got != "https://api.example.com/token" {
		t.Errorf("without a default server: %q", got)
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

func TestPollDelay(t *testing.T) {
	for _, c := range []struct {
		interval time.Duration
		runs     int
		want     time.Duration
	}{
		{time.Second, 0, 0},
		{time.Second, 1, time.Second},
		{time.Second, 2, 1500 * time.Millisecond},
		{time.Second, 3, 2250 * time.Millisecond},
		{time.Second, 9, 25628906250 * time.Nanosecond},
		{time.Second, 10, MaxPollInterval},
		{time.Second, 1000, MaxPollInterval},
		{time.Minute, 5, time.Minute},
		{0, 5, 0},
	} {
		if got := PollDelay(c.interval, c.runs); got != c.want {
			t.Errorf("PollDelay(%s, %d) = %s, want %s", c.interval, c.runs, got, c.want)
		}
	}
}

type pollClient struct{ rt Transport }

// pollState records when each run of the polled step started.
type pollState struct{ starts []time.Time }

// pollFlow is a flow of one step "poll" whose goto action runs it again until its sixth
// run; run returns the outcome of run number n (from 1) that is not the last.
func pollFlow(onFailure bool, run func(n int) Outcome) *Flow[pollClient, pollState] {
	again := []Action[pollClient, pollState]{{Kind: ActionGoto, Step: "poll"}}
	st := FlowStep[pollClient, pollState]{ID: "poll", Target: true,
		Run: func(_ *pollClient, _ *Step, s *pollState) Outcome {
			s.starts = append(s.starts, time.Now())
			if len(s.starts) == 6 {
				return Outcome{}
			}
			return run(len(s.starts))
		},
	}
	if onFailure {
		st.OnFailure = again
	} else {
		st.OnSuccess = again
	}
	return &Flow[pollClient, pollState]{Workflow: "wf", Steps: []FlowStep[pollClient, pollState]{st},
		Transport: func(c *pollClient) *Transport { return &c.rt }}
}

// A step that a goto action runs again waits first: the poll interval growing by half per
// run, a Retry-After header of the response that led to the goto winning (0 included), from
// success and failure actions alike, and nothing before its first run. The clock is
// synctest's, so the waits take no real time.
func TestGotoPollWaits(t *testing.T) {
	headers := []http.Header{nil, {}, {"Retry-After": {"7"}}, {"Retry-After": {"0"}}, nil}
	want := []time.Duration{0, 2 * time.Second, 3 * time.Second, 7 * time.Second, 0, 10125 * time.Millisecond}
	for _, onFailure := range []bool{false, true} {
		synctest.Test(t, func(t *testing.T) {
			f := pollFlow(onFailure, func(n int) Outcome {
				resp := &Response{StatusCode: 200, Header: headers[n-1]}
				if onFailure {
					o := Failed(errors.New("not yet"), resp)
					o.Actions = Take(0)
					return o
				}
				return Succeeded(0, resp)
			})
			var s pollState
			start := time.Now()
			done, err := RunFlow(t.Context(), &pollClient{rt: Transport{PollInterval: 2 * time.Second}}, f, &s)
			if !done || err != nil {
				t.Fatalf("RunFlow: %v, %v", done, err)
			}
			var got []time.Duration
			for _, at := range s.starts {
				got = append(got, at.Sub(start))
				start = at
			}
			if !slices.Equal(got, want) {
				t.Errorf("onFailure %v: waits before each run %v, want %v", onFailure, got, want)
			}
		})
	}
}

// The poll wait ends when the workflow is cancelled, with the error of the step it was
// waiting to run; a step bounded by WithMaxStepRuns fails before it would wait again (an
// interval longer than MaxPollInterval does not grow: two waits of a minute).
func TestGotoPollStops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		f := pollFlow(false, func(int) Outcome { return Succeeded(0, nil) })
		time.AfterFunc(time.Second, cancel)
		start := time.Now()
		var s pollState
		_, err := RunFlow(ctx, &pollClient{rt: Transport{PollInterval: time.Minute}}, f, &s)
		var se *StepError
		if d := time.Since(start); d != time.Second || !errors.As(err, &se) || se.Step != "poll" || !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled poll: after %s, %v", d, err)
		}

		f.MaxRuns = func(*pollClient) int { return 3 }
		start = time.Now()
		s = pollState{}
		_, err = RunFlow(t.Context(), &pollClient{rt: Transport{PollInterval: time.Minute}}, f, &s)
		if d := time.Since(start); d != 2*time.Minute || len(s.starts) != 3 || err == nil || !strings.Contains(err.Error(), "step would run more than 3 times") {
			t.Errorf("bounded poll: %d runs in %s, %v", len(s.starts), d, err)
		}
	})
}

func TestEmptyPathValue(t *testing.T) {
	s, zero := "x", ""
	var nilString *string
	for _, c := range []struct {
		v    any
		want bool
	}{
		{nil, true}, {"", true}, {nilString, true}, {&zero, true}, {json.RawMessage(`null`), true},
		{json.RawMessage(``), true}, {json.RawMessage(`""`), true}, {[]string{}, true}, {json.RawMessage(`{}`), true},
		{"a", false}, {&s, false}, {int64(0), false}, {false, false}, {json.RawMessage(`0`), false}, {[]string{"a"}, false},
	} {
		if got := Empty(c.v); got != c.want {
			t.Errorf("Empty(%#v) = %v, want %v", c.v, got, c.want)
		}
	}
	err := NoPathValue("shop", "addItem", "POST", "/carts/{cartId}/items", "cartId", "$steps.createCart.outputs.cartId")
	if want := "workflow shop: step addItem (POST /carts/{cartId}/items): path parameter cartId has no value ($steps.createCart.outputs.cartId is null or empty); the request was not sent"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}
