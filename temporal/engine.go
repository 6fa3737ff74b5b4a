package temporal

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/arazzogen/arazzogen/runtime"
	sdktemporal "go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// StepErrorType is the type of the application errors that carry a *runtime.StepError:
// a step's failure from its activity, and a workflow's failure to its starter.
const StepErrorType = "arazzogen.StepError"

// Worker is what the workflows and activities of a generated package run with: the
// generated Client (its credentials, servers, timeouts and observer) and the Options.
type Worker[C any] struct {
	Client  *C
	Options *Options
}

// NewWorker returns a Worker for client c; c may be nil where only workflow code runs (a
// replayer), which then reports no events and bounds step runs by runtime.DefaultMaxRuns.
func NewWorker[C any](c *C, opts ...Option) *Worker[C] {
	return &Worker[C]{Client: c, Options: NewOptions(opts...)}
}

// Execute runs flow f of the workflow type name in workflow code, from state s: the body
// of a generated workflow function. cont is nil for a new run, and the continuation of a
// run that continued as new. done is as for runtime.Drive (s holds the outputs then); err is
// a *temporal.ApplicationError carrying the *runtime.StepError (see StepErrorType), or
// the continue-as-new error to return as it is.
func Execute[C, S any](ctx workflow.Context, w *Worker[C], name string, f *runtime.Flow[C, S], s *S, cont *Continuation[S]) (done bool, err error) {
	if w == nil {
		w = NewWorker[C](nil)
	}
	e := &engine[C, S]{ctx: ctx, w: w, o: w.Options, name: name, f: f, s: s, started: workflow.Now(ctx)}
	if w.Client != nil {
		e.obs = f.Transport(w.Client).Observer
	}
	var p runtime.Position
	if cont != nil {
		p, e.calls, e.started = cont.Position, cont.Calls, cont.Started
	} else {
		e.report(func(o runtime.Observer) {
			o.WorkflowStart(context.Background(), runtime.WorkflowEvent{Workflow: f.Workflow})
		})
		if f.Defaults != nil {
			err = f.Defaults(s)
		}
	}
	maxRuns := runtime.DefaultMaxRuns
	if f.MaxRuns != nil && w.Client != nil {
		maxRuns = f.MaxRuns(w.Client)
	}
	if err == nil {
		done, err = runtime.Drive(f, e, &p, maxRuns)
	}
	var can *workflow.ContinueAsNewError
	if errors.As(err, &can) {
		return false, err
	}
	e.report(func(o runtime.Observer) {
		o.WorkflowEnd(context.Background(), runtime.WorkflowEvent{Workflow: f.Workflow, Duration: workflow.Now(ctx).Sub(e.started), Err: err})
	})
	return done, workflowError(err)
}

// workflowError turns a step's error into the application error a workflow fails with, its
// details the StepError (redacted), so that a starter gets a *runtime.StepError back.
func workflowError(err error) error {
	var se *runtime.StepError
	if err == nil || !errors.As(err, &se) {
		return err
	}
	return sdktemporal.NewNonRetryableApplicationError(se.Error(), StepErrorType, nil, se)
}

// engine drives a flow in workflow code: steps are activities, retries wait on durable
// timers, called workflows are child workflows.
type engine[C, S any] struct {
	ctx     workflow.Context
	w       *Worker[C]
	o       *Options
	name    string
	f       *runtime.Flow[C, S]
	s       *S
	obs     runtime.Observer
	calls   int
	started time.Time
	attempt int // which time the running step is tried (its retries count)
}

// report tells the observer about a workflow-level event, once: not again while the
// workflow code replays its history.
func (e *engine[C, S]) report(event func(runtime.Observer)) {
	if e.obs != nil && !workflow.IsReplaying(e.ctx) {
		event(e.obs)
	}
}

func (e *engine[C, S]) Begin(_ int, again bool) {
	if again {
		e.attempt++
	} else {
		e.attempt = 1
	}
}

func (e *engine[C, S]) End(int, error) {}

func (e *engine[C, S]) Exec(i int) runtime.Outcome {
	fs := &e.f.Steps[i]
	if fs.Call != nil {
		in, err := fs.Call.Inputs(e.s)
		if err != nil {
			return fs.Finish(nil, e.s, nil, err)
		}
		out := fs.Call.Outputs()
		err = e.call(fs.Call, e.s, in, out, fs.ID, fs.Timeout)
		if err != nil {
			out = nil
		}
		return fs.Finish(nil, e.s, out, err)
	}
	in := StepInput[S]{Attempts: e.o.attempts(fs.Method)}
	fs.Reads(&in.State, e.s)
	timeout := e.o.StepTimeout
	if fs.Timeout > 0 {
		timeout = fs.Timeout + time.Second
	}
	ctx := workflow.WithActivityOptions(e.ctx, workflow.ActivityOptions{
		StartToCloseTimeout: timeout,
		RetryPolicy:         e.o.retryPolicy(fs.Method),
		Summary:             fs.ID,
	})
	var res StepResult[S]
	if err := workflow.ExecuteActivity(ctx, StepActivityName(e.name, fs.ID), in).Get(ctx, &res); err != nil {
		return runtime.Outcome{Err: e.activityError(fs.ID, timeout, err)}
	}
	fs.Writes(e.s, &res.State)
	o := runtime.Outcome{Actions: res.Actions, RetryAfter: res.RetryAfter, HasRetryAfter: res.HasRetryAfter}
	if res.Err != nil {
		if e.attempt > 1 && res.Err.Step == fs.ID {
			// Each attempt is an activity of its own; count them as one step's sends.
			res.Err.Attempts = e.attempt
		}
		o.Err = res.Err
	}
	return o
}

// activityError is the StepError of a step whose activity failed: the step's own error
// when it came back as one (a transport failure after the last attempt), else a timeout
// or cancellation of the activity.
func (e *engine[C, S]) activityError(step string, timeout time.Duration, err error) *runtime.StepError {
	if se := stepError(err); se != nil {
		return se
	}
	var te *sdktemporal.TimeoutError
	if errors.As(err, &te) {
		return &runtime.StepError{Workflow: e.f.Workflow, Step: step,
			Reason: fmt.Sprintf("timed out after %s (activity %s timeout)", timeout, te.TimeoutType()), Err: context.DeadlineExceeded}
	}
	var ce *sdktemporal.CanceledError
	if errors.As(err, &ce) {
		return &runtime.StepError{Workflow: e.f.Workflow, Step: step, Reason: "cancelled", Err: context.Canceled}
	}
	return &runtime.StepError{Workflow: e.f.Workflow, Step: step, Reason: "activity failed", Err: err}
}

// stepError returns the *runtime.StepError an activity or child workflow failed with,
// or nil.
func stepError(err error) *runtime.StepError {
	var app *sdktemporal.ApplicationError
	if errors.As(err, &app) && app.Type() == StepErrorType && app.HasDetails() {
		var se runtime.StepError
		if app.Details(&se) == nil {
			return &se
		}
	}
	return nil
}

func (e *engine[C, S]) Wait(i, attempt int, delay time.Duration, cause error) error {
	step := e.f.Steps[i].ID
	e.report(func(o runtime.Observer) {
		ev := runtime.RetryEvent{Workflow: e.f.Workflow, Step: step, Attempt: attempt, Delay: delay, Err: cause}
		var se *runtime.StepError
		if errors.As(cause, &se) {
			ev.StatusCode = se.StatusCode
		}
		o.Retry(context.Background(), ev)
	})
	if delay <= 0 {
		return nil
	}
	return workflow.NewTimerWithOptions(e.ctx, delay, workflow.TimerOptions{Summary: fmt.Sprintf("retry %s: attempt %d", step, attempt)}).Get(e.ctx, nil)
}

// Poll waits on a durable timer before a step that a goto action runs again: the poll
// interval of the worker's client (runtime.DefaultPollInterval without one), growing with
// the step's runs, or the Retry-After of the response that led to the goto. Workers of one
// task queue should agree on the interval, as on the other options the workflow code reads.
func (e *engine[C, S]) Poll(i int, w runtime.PollWait) error {
	interval := runtime.DefaultPollInterval
	if e.w.Client != nil {
		interval = e.f.Transport(e.w.Client).PollInterval
	}
	d := w.Delay(interval)
	if d <= 0 {
		return nil
	}
	return workflow.NewTimerWithOptions(e.ctx, d, workflow.TimerOptions{Summary: fmt.Sprintf("poll %s: run %d", e.f.Steps[i].ID, w.Runs+1)}).Get(e.ctx, nil)
}

func (e *engine[C, S]) Call(call *runtime.Call[C, S], step int, inStep bool) error {
	in, err := call.Inputs(e.s)
	if err != nil {
		return err
	}
	out := call.Outputs()
	label := "dependsOn"
	if step >= 0 {
		label = e.f.Steps[step].ID
	}
	if err := e.call(call, e.s, in, out, label, 0); err != nil {
		return err
	}
	if call.Store != nil {
		call.Store(e.s, out)
	}
	return nil
}

// call runs another workflow: a workflow of the package as a child workflow whose ID is
// the parent's, the calling step and a sequence number (deterministic, so a replay finds
// it again), one of another Arazzo document in process, as one activity.
func (e *engine[C, S]) call(call *runtime.Call[C, S], s *S, in, out any, label string, timeout time.Duration) error {
	e.calls++
	if call.Version == "" {
		k := callIndex(e.f, call)
		ctx := workflow.WithActivityOptions(e.ctx, workflow.ActivityOptions{
			StartToCloseTimeout: max(timeout, e.o.StepTimeout),
			RetryPolicy:         &sdktemporal.RetryPolicy{MaximumAttempts: 1},
			Summary:             label + ": " + call.Workflow,
		})
		err := workflow.ExecuteActivity(ctx, CallActivityName(e.name, k), *s).Get(ctx, out)
		if se := stepError(err); se != nil {
			return se
		}
		return err
	}
	opts := workflow.ChildWorkflowOptions{
		WorkflowID:    fmt.Sprintf("%s/%d-%s-%s", workflow.GetInfo(e.ctx).WorkflowExecution.ID, e.calls, label, call.Workflow),
		StaticSummary: label + ": " + call.Workflow,
	}
	if timeout > 0 {
		opts.WorkflowRunTimeout = timeout
	}
	ctx := workflow.WithChildOptions(e.ctx, opts)
	err := workflow.ExecuteChildWorkflow(ctx, WorkflowName(call.Workflow, call.Version), in).Get(ctx, out)
	if se := stepError(err); se != nil {
		return se
	}
	return err
}

// Jump continues the run as new when its history has grown long (or the server suggests
// it), carrying the state and the position: loops are where a history grows without bound.
func (e *engine[C, S]) Jump(p *runtime.Position) error {
	info := workflow.GetInfo(e.ctx)
	if info.GetCurrentHistoryLength() < e.o.ContinueAsNewAfter && !info.GetContinueAsNewSuggested() {
		return nil
	}
	return workflow.NewContinueAsNewError(e.ctx, e.name+ContinuedSuffix, Continuation[S]{State: *e.s, Position: *p, Calls: e.calls, Started: e.started})
}

// callIndex numbers the calls of a flow that run as activities, in the order
// RegisterActivities registers them.
func callIndex[C, S any](f *runtime.Flow[C, S], call *runtime.Call[C, S]) int {
	for k, c := range activityCalls(f) {
		if c == call {
			return k
		}
	}
	return -1
}

// activityCalls lists the calls of workflows of other Arazzo documents in a flow: its
// dependsOn entries, workflowId steps and actions, in that order.
func activityCalls[C, S any](f *runtime.Flow[C, S]) []*runtime.Call[C, S] {
	var out []*runtime.Call[C, S]
	add := func(c *runtime.Call[C, S]) {
		if c != nil && c.Version == "" {
			out = append(out, c)
		}
	}
	for _, d := range f.DependsOn {
		add(d)
	}
	for i := range f.Steps {
		add(f.Steps[i].Call)
		for _, a := range f.Steps[i].OnSuccess {
			add(a.Call)
		}
		for _, a := range f.Steps[i].OnFailure {
			add(a.Call)
		}
	}
	return out
}
