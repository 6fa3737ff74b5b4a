package temporal

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"github.com/arazzogen/arazzogen/runtime"
	"go.temporal.io/sdk/client"
)

// Run is a started workflow run whose outputs are of type O.
type Run[O any] struct {
	WorkflowRun client.WorkflowRun
}

// ID is the run's workflow ID, RunID its first run's ID (look them up in the Temporal UI or
// with `temporal workflow show`).
func (r *Run[O]) ID() string    { return r.WorkflowRun.GetID() }
func (r *Run[O]) RunID() string { return r.WorkflowRun.GetRunID() }

// Get waits for the workflow's outputs, following its continuations. A failed step comes
// back as an error that errors.As turns into the step's *runtime.StepError (redacted, as
// the workflow recorded it) and into the client's own error types.
func (r *Run[O]) Get(ctx context.Context) (*O, error) {
	var out O
	if err := r.WorkflowRun.Get(ctx, &out); err != nil {
		return nil, Error(err)
	}
	return &out, nil
}

// Start starts workflow type name with input in on c. opts.TaskQueue defaults to
// taskQueue, and opts.ID to prefix followed by "-" and 16 random hex digits.
func Start[O any](ctx context.Context, c client.Client, opts client.StartWorkflowOptions, taskQueue, name, prefix string, in any) (*Run[O], error) {
	if opts.TaskQueue == "" {
		opts.TaskQueue = taskQueue
	}
	if opts.ID == "" {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, err
		}
		opts.ID = prefix + "-" + hex.EncodeToString(b[:])
	}
	run, err := c.ExecuteWorkflow(ctx, opts, name, in)
	if err != nil {
		return nil, err
	}
	return &Run[O]{WorkflowRun: run}, nil
}

// Error returns err, the error of a workflow run, with the *runtime.StepError a failed
// step carried restored: errors.As finds both it and the client's error.
func Error(err error) error {
	se := stepError(err)
	if se == nil {
		return err
	}
	return &runError{step: se, err: err}
}

type runError struct {
	step *runtime.StepError
	err  error
}

func (e *runError) Error() string   { return e.step.Error() }
func (e *runError) Unwrap() []error { return []error{e.step, e.err} }
