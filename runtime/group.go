package runtime

import (
	"context"
	"errors"
	"strconv"
	"sync"
)

// Group runs steps of one workflow run at once: steps that neither read each other's
// outputs nor can change which step runs next (arazzogen -parallel). It is meant for
// generated code:
//
//	g := run.Group()
//	g.Go("getUser", func(st *runtime.Step) error { …; st.End(nil); return nil })
//	g.Go("getOrders", func(st *runtime.Step) error { … })
//	if err := g.Wait(); err != nil {
//		return nil, err
//	}
//
// Go begins each step (the observer's StepStart) in the order Go is called, which is
// document order, then runs it in a goroutine of its own. A step that fails cancels the
// contexts of the steps after it in document order: whatever they do, the run fails with
// its error or an earlier step's. The steps before it run on, because one of them failing
// would decide the error, as it would have run first in document order; so the error does
// not depend on which step happened to fail first. Wait waits for every step (no goroutine
// outlives it) and returns the error of the earliest step in document order that failed
// on its own account, not because an earlier step's failure cancelled it; that step stays
// open for Run.End, as a failed step of a sequential run does, and every other step that
// failed is ended with its own error. A panic in a step cancels every other step and is
// raised again by Wait, in the caller's goroutine, once every step has returned.
//
// The observer sees the events of one step in their order (StepStart, its requests and
// responses, StepEnd), the group's StepStart events in document order, and StepEnd events
// as the steps finish; the events of different steps of a group may come from different
// goroutines at once.
type Group struct {
	run *Run
	wg  sync.WaitGroup

	mu     sync.Mutex
	steps  []*groupStep   // in the order of Go
	failed *siblingFailed // the cause for steps begun after a step failed
}

type groupStep struct {
	st     *Step
	ctx    context.Context
	cancel context.CancelCauseFunc
	// err is what the step's function returned; cancelled is set when that is the
	// cancellation an earlier step's failure caused.
	err       error
	cancelled bool
	panicked  bool
	panicVal  any
}

// siblingFailed is the cause with which a group cancels its steps when one fails.
type siblingFailed struct{ step string }

func (e *siblingFailed) Error() string {
	return "step " + strconv.Quote(e.step) + " of the same parallel group failed"
}

// Group begins a group of steps of the run.
func (r *Run) Group() *Group { return &Group{run: r} }

// Go begins step name and runs f with it in a goroutine of its own. The step's context
// is cancelled when a step of the group begun before it fails (any step, when one
// panics), as well as with the run's.
func (g *Group) Go(name string, f func(st *Step) error) {
	ctx, cancel := context.WithCancelCause(g.run.ctx)
	gs := &groupStep{ctx: ctx, cancel: cancel}
	gs.st = g.run.step(ctx, name)
	st := gs.st
	g.mu.Lock()
	g.steps = append(g.steps, gs)
	if g.failed != nil { // a step begun before this one has failed already
		cancel(g.failed)
	}
	g.mu.Unlock()
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		returned := false
		defer func() {
			if returned {
				return
			}
			v := recover()
			g.mu.Lock()
			gs.panicked, gs.panicVal = true, v
			g.mu.Unlock()
			g.cancelAfter(nil, name)
		}()
		err := f(st)
		returned = true
		if err == nil {
			return
		}
		var sf *siblingFailed
		cancelled := errors.Is(err, context.Canceled) && errors.As(context.Cause(ctx), &sf)
		g.mu.Lock()
		gs.err, gs.cancelled = err, cancelled
		g.mu.Unlock()
		if !cancelled {
			g.cancelAfter(gs, name)
		}
	}()
}

// cancelAfter cancels the steps begun after failed, because step name failed; every step
// when failed is nil (a step panicked).
func (g *Group) cancelAfter(failed *groupStep, name string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	cause := &siblingFailed{step: name}
	if g.failed == nil {
		g.failed = cause
	}
	after := failed == nil
	for _, s := range g.steps {
		if after {
			s.cancel(cause)
		}
		after = after || s == failed
	}
}

// Wait waits for every step of the group and returns the error of the earliest one in
// document order that failed, other than by the cancellation a sibling's failure caused;
// nil when every step succeeded.
func (g *Group) Wait() error {
	g.wg.Wait()
	g.mu.Lock()
	steps := g.steps
	g.mu.Unlock()
	for _, s := range steps {
		s.cancel(nil)
	}
	for _, s := range steps {
		if s.panicked {
			panic(s.panicVal)
		}
	}
	var failed *groupStep
	for _, s := range steps {
		if s.err != nil && !s.cancelled {
			failed = s
			break
		}
	}
	if failed == nil {
		// Only cancellations, which a sibling's failure or the run's own context caused;
		// without a sibling's failure they are the run's, the earliest first.
		for _, s := range steps {
			if s.err != nil {
				failed = s
				break
			}
		}
	}
	if failed == nil {
		return nil
	}
	for _, s := range steps {
		if s.err != nil && s != failed {
			s.st.End(s.err)
		}
	}
	return failed.err
}
