package temporal

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/arazzogen/arazzogen/runtime"
	"go.temporal.io/sdk/activity"
	sdktemporal "go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
)

// StepInput is the input of a step's activity: the part of the run's state the step
// reads, and how often the activity may be tried for a transport failure.
type StepInput[S any] struct {
	State    S
	Attempts int32 `json:",omitempty"`
}

// StepResult is what a step's activity gives back: the step's outputs (its part of the
// state), why it failed when it did (redacted), and the actions whose criteria hold. The
// response itself stays in the worker.
type StepResult[S any] struct {
	State         S
	Err           *runtime.StepError `json:",omitempty"`
	Actions       []int              `json:",omitempty"`
	RetryAfter    time.Duration      `json:",omitempty"`
	HasRetryAfter bool               `json:",omitempty"`
}

// StepActivityName is the activity type of a step of the workflow type name.
func StepActivityName(name, step string) string { return name + "/" + step }

// CallActivityName is the activity type of the k-th call of a workflow of another Arazzo
// document in the workflow type name.
func CallActivityName(name string, k int) string { return name + "/call-" + strconv.Itoa(k) }

// RegisterSteps registers the activities of flow f of the workflow type name: one per
// operation step, and one per call of a workflow of another Arazzo document (which runs in
// process, inside that activity).
func RegisterSteps[C, S any](r worker.ActivityRegistry, w *Worker[C], name string, f *runtime.Flow[C, S]) {
	for i := range f.Steps {
		if f.Steps[i].Call == nil {
			r.RegisterActivityWithOptions(stepActivity(w, f, i), activity.RegisterOptions{Name: StepActivityName(name, f.Steps[i].ID)})
		}
	}
	for k, call := range activityCalls(f) {
		r.RegisterActivityWithOptions(callActivity(w, f, call), activity.RegisterOptions{Name: CallActivityName(name, k)})
	}
}

// stepActivity runs step i of f once, with the worker's client: the same step function the
// in-process method runs. The observer sees the step, its request and its response; the
// run's secrets (those of the state it was given, and what the step learns) are redacted
// from its error. A transport failure of a request that may be sent again is returned as a
// retryable error while attempts remain, so that Temporal's retry policy sends it again;
// every other outcome is a result, for the workflow's actions to handle.
func stepActivity[C, S any](w *Worker[C], f *runtime.Flow[C, S], i int) func(context.Context, StepInput[S]) (*StepResult[S], error) {
	fs := &f.Steps[i]
	return func(ctx context.Context, in StepInput[S]) (*StepResult[S], error) {
		s := &in.State
		run := f.Transport(w.Client).Activity(ctx, f.Workflow)
		if f.Secrets != nil {
			run.Secret(f.Secrets(s)...)
		}
		o := fs.Run(w.Client, run.Step(fs.ID), s)
		err := run.End(o.Err)
		res := &StepResult[S]{Actions: o.Actions, RetryAfter: o.RetryAfter, HasRetryAfter: o.HasRetryAfter}
		fs.Writes(&res.State, s)
		if err == nil {
			return res, nil
		}
		var se *runtime.StepError
		if !errors.As(err, &se) {
			se = &runtime.StepError{Workflow: f.Workflow, Step: fs.ID, Err: err}
		}
		if se.Transient() && activity.GetInfo(ctx).Attempt < in.Attempts {
			return nil, sdktemporal.NewApplicationError(se.Error(), StepErrorType, se)
		}
		res.Err = se
		return res, nil
	}
}

// callActivity runs a call of a workflow of another Arazzo document in process: the
// generated package does not export such workflows, so they cannot be child workflows.
// Its input is the calling run's state.
func callActivity[C, S any](w *Worker[C], f *runtime.Flow[C, S], call *runtime.Call[C, S]) func(context.Context, S) (json.RawMessage, error) {
	return func(ctx context.Context, s S) (json.RawMessage, error) {
		in, err := call.Inputs(&s)
		if err != nil {
			return nil, err
		}
		out, err := call.Run(w.Client, ctx, in)
		if err != nil {
			var se *runtime.StepError
			if errors.As(err, &se) {
				return nil, sdktemporal.NewNonRetryableApplicationError(se.Error(), StepErrorType, nil, se)
			}
			return nil, err
		}
		return json.Marshal(out)
	}
}
