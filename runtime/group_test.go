package runtime

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The steps of a group run at once: each waits until all of them have started, which
// would never happen if they ran one after the other.
func TestGroupRunsStepsAtOnce(t *testing.T) {
	rec := &recorder{}
	run := (&Transport{Observer: rec}).Start(context.Background(), "wf")
	const n = 5
	var started sync.WaitGroup
	started.Add(n)
	all := make(chan struct{})
	go func() { started.Wait(); close(all) }()
	g := run.Group()
	for i := range n {
		g.Go(fmt.Sprintf("s%d", i), func(st *Step) error {
			started.Done()
			select {
			case <-all:
			case <-time.After(10 * time.Second):
				return errors.New("the other steps did not start")
			}
			st.End(nil)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if err := run.End(nil); err != nil {
		t.Fatal(err)
	}
	// StepStart in document order, before any step ends; every step ends once, ok.
	var starts, ends []string
	for _, l := range rec.lines {
		switch {
		case strings.HasPrefix(l, "step start "):
			if len(ends) > 0 {
				t.Errorf("%q after a step ended: %q", l, rec.lines)
			}
			starts = append(starts, strings.TrimPrefix(l, "step start "))
		case strings.HasPrefix(l, "step end "):
			ends = append(ends, l)
		case strings.Contains(l, "context lost"):
			t.Errorf("event without its context: %q", l)
		}
	}
	if want := []string{"s0", "s1", "s2", "s3", "s4"}; !slices.Equal(starts, want) {
		t.Errorf("steps started in the order %q, want %q", starts, want)
	}
	slices.Sort(ends)
	if want := []string{"step end s0 ok", "step end s1 ok", "step end s2 ok", "step end s3 ok", "step end s4 ok"}; !slices.Equal(ends, want) {
		t.Errorf("step ends %q, want %q", ends, want)
	}
}

// A failing step cancels the contexts of the steps after it, with a cause naming it; Wait
// returns its error, leaves its step open for Run.End and ends the cancelled step with its
// own error.
func TestGroupFailureCancelsTheOthers(t *testing.T) {
	rec := &recorder{}
	run := (&Transport{Observer: rec}).Start(context.Background(), "wf")
	boom := errors.New("boom")
	var cause error
	g := run.Group()
	g.Go("failing", func(st *Step) error { return boom })
	g.Go("slow", func(st *Step) error {
		select {
		case <-st.Context().Done():
			cause = context.Cause(st.Context())
			return st.Err()
		case <-time.After(10 * time.Second):
			return errors.New("not cancelled")
		}
	})
	err := g.Wait()
	if err != boom {
		t.Fatalf("Wait = %v, want the failing step's error", err)
	}
	if cause == nil || cause.Error() != `step "failing" of the same parallel group failed` {
		t.Errorf("the slow step was cancelled with cause %v", cause)
	}
	var ended []string
	for _, l := range rec.lines {
		if strings.HasPrefix(l, "step end") {
			ended = append(ended, l)
		}
	}
	if want := []string{"step end slow failed"}; !slices.Equal(ended, want) {
		t.Errorf("before Run.End, steps ended: %q, want %q", ended, want)
	}
	var se *StepError
	if slow := rec.events[slices.Index(rec.lines, "step end slow failed")].(StepEvent); !errors.As(slow.Err, &se) || !errors.Is(slow.Err, context.Canceled) || se.Step != "slow" {
		t.Errorf("the slow step ended with %v, want its own cancellation", slow.Err)
	}
	run.End(err)
	if !slices.Contains(rec.lines, "step end failing failed") {
		t.Errorf("Run.End did not end the failing step: %q", rec.lines)
	}
}

// When several steps fail on their own, Wait returns the earliest in document order,
// whichever failed first.
func TestGroupEarliestFailureInDocumentOrder(t *testing.T) {
	for round := range 30 {
		run := (&Transport{}).Start(context.Background(), "wf")
		g := run.Group()
		const n = 4
		for i := range n {
			g.Go(fmt.Sprintf("s%d", i), func(st *Step) error {
				// Every step fails on its own account before any sees a cancellation: the
				// later steps in document order first.
				time.Sleep(time.Duration(n-i) * time.Millisecond * time.Duration(1+round%3))
				return fmt.Errorf("s%d failed", i)
			})
		}
		if err := g.Wait(); err == nil || err.Error() != "s0 failed" {
			t.Fatalf("round %d: Wait = %v, want s0's error", round, err)
		}
		run.End(nil)
	}
}

// A step before the failing one in document order is not cancelled: it runs to its end,
// and when it fails too, its error is the group's, as it would be in document order,
// however late it fails.
func TestGroupEarlierStepRunsOn(t *testing.T) {
	run := (&Transport{}).Start(context.Background(), "wf")
	g := run.Group()
	laterFailed := make(chan struct{})
	var earlierCtxErr error
	g.Go("earlier", func(st *Step) error {
		<-laterFailed
		time.Sleep(20 * time.Millisecond)
		earlierCtxErr = st.Context().Err()
		return errors.New("earlier failed")
	})
	g.Go("later", func(st *Step) error {
		defer close(laterFailed)
		return errors.New("later failed")
	})
	if err := g.Wait(); err == nil || err.Error() != "earlier failed" {
		t.Fatalf("Wait = %v, want the earlier step's error", err)
	}
	if earlierCtxErr != nil {
		t.Errorf("the earlier step was cancelled: %v", earlierCtxErr)
	}
	run.End(nil)
}

// Cancelling the run's context cancels every step of the group; Wait returns the earliest
// step's cancellation.
func TestGroupRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	run := (&Transport{}).Start(ctx, "wf")
	g := run.Group()
	var started sync.WaitGroup
	started.Add(2)
	for _, name := range []string{"a", "b"} {
		g.Go(name, func(st *Step) error {
			started.Done()
			<-st.Context().Done()
			return st.Err()
		})
	}
	started.Wait()
	cancel()
	err := g.Wait()
	var se *StepError
	if !errors.As(err, &se) || se.Step != "a" || !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v, want step a's cancellation", err)
	}
}

// No goroutine of a group outlives Wait, even when a step ignores the cancellation for a
// while.
func TestGroupWaitsForEveryStep(t *testing.T) {
	before := runtime.NumGoroutine()
	run := (&Transport{}).Start(context.Background(), "wf")
	var finished atomic.Int32
	g := run.Group()
	g.Go("fails", func(*Step) error { return errors.New("no") })
	for _, name := range []string{"stubborn1", "stubborn2"} {
		g.Go(name, func(*Step) error {
			time.Sleep(50 * time.Millisecond) // does not look at its context
			finished.Add(1)
			return nil
		})
	}
	if err := g.Wait(); err == nil {
		t.Fatal("Wait = nil, want the failure")
	}
	if n := finished.Load(); n != 2 {
		t.Fatalf("Wait returned while %d steps were still running", 2-n)
	}
	run.End(nil)
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after Wait, %d before", n, before)
	}
}

// A panic in a step is raised by Wait in the caller's goroutine, after the other steps
// have returned.
func TestGroupPanic(t *testing.T) {
	run := (&Transport{}).Start(context.Background(), "wf")
	var other atomic.Bool
	g := run.Group()
	g.Go("panics", func(*Step) error { panic("step panicked") })
	g.Go("other", func(st *Step) error {
		<-st.Context().Done() // cancelled by the panic
		time.Sleep(10 * time.Millisecond)
		other.Store(true)
		return st.Err()
	})
	defer func() {
		if r := recover(); r != "step panicked" {
			t.Errorf("recovered %v, want the step's panic", r)
		}
		if !other.Load() {
			t.Error("Wait panicked before the other step returned")
		}
	}()
	g.Wait()
	t.Fatal("Wait returned")
}

// Steps of a group send their requests at once through the same Transport and run: the
// server sees both requests before it answers either, and the secrets each step adds reach
// the run.
func TestGroupSendsAtOnce(t *testing.T) {
	var arrived sync.WaitGroup
	arrived.Add(2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Done()
		arrived.Wait()
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	rec := &recorder{}
	run := (&Transport{Doer: srv.Client(), Observer: rec}).Start(context.Background(), "wf")
	g := run.Group()
	for _, name := range []string{"a", "b"} {
		g.Go(name, func(st *Step) error {
			resp, err := st.Send(&Request{Method: "GET", Path: "/" + name, URL: srv.URL + "/" + name})
			if err != nil {
				return err
			}
			if resp.StatusCode != 200 {
				return resp.Unmet("$statusCode == 200")
			}
			run.Secret("secret-" + name)
			st.End(nil)
			return nil
		})
	}
	done := make(chan error, 1)
	go func() { done <- g.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the requests were not sent at once")
	}
	if got := run.secretList(); len(got) != 2 {
		t.Errorf("secrets %q, want both steps'", got)
	}
	run.End(nil)
	for _, step := range []string{"a", "b"} {
		var seq []string
		for _, l := range rec.lines {
			if strings.Contains(l, " "+step) && !strings.HasPrefix(l, "workflow") {
				seq = append(seq, l)
			}
		}
		want := []string{"step start " + step, "request " + step + " GET /" + step, "response " + step + " 200", "step end " + step + " ok"}
		if !slices.Equal(seq, want) {
			t.Errorf("events of step %s: %q, want %q", step, seq, want)
		}
	}
}
