package temporal_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/arazzogen/arazzogen/runtime"
	"github.com/arazzogen/arazzogen/temporal"
	"github.com/arazzogen/arazzogen/temporal/internal/flows/jobs"
	"github.com/arazzogen/arazzogen/temporal/internal/flows/jobs/jobstemporal"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
)

// replayKey encrypted the recorded history (a test key, not a secret).
var replayKey = bytes.Repeat([]byte{0x5a}, 32)

// counter counts observer events.
type counter struct {
	runtime.NopObserver
	mu     sync.Mutex
	events map[string]int
}

func (c *counter) add(kind string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.events == nil {
		c.events = map[string]int{}
	}
	c.events[kind]++
}

func (c *counter) WorkflowStart(ctx context.Context, _ runtime.WorkflowEvent) context.Context {
	c.add("workflow-start")
	return ctx
}
func (c *counter) WorkflowEnd(context.Context, runtime.WorkflowEvent) { c.add("workflow-end") }
func (c *counter) Retry(context.Context, runtime.RetryEvent)          { c.add("retry") }

// The current workflow code replays a history recorded on a Temporal server (a run whose
// worker was killed between two polls, payloads encrypted): the code is deterministic for
// runs in flight. A change of the workflow's structure changes its type name, and then this
// test fails until the history is recorded again (TestKilledWorkerResumes with
// ARAZZOGEN_RECORD_HISTORY=testdata/render-report.history.json). While the history replays,
// the observer hears nothing: workflow-level events are reported once, when they happen.
func TestReplayRecordedHistory(t *testing.T) {
	dc, err := temporal.NewDataConverter(replayKey)
	if err != nil {
		t.Fatal(err)
	}
	obs := &counter{}
	c, err := jobs.NewClient(jobs.WithObserver(obs))
	if err != nil {
		t.Fatal(err)
	}
	r, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{DataConverter: dc})
	if err != nil {
		t.Fatal(err)
	}
	jobstemporal.RegisterWorkflows(r, c, temporal.EncryptedPayloads())
	logger := log.NewStructuredLogger(slog.New(slog.DiscardHandler))
	if err := r.ReplayWorkflowHistoryFromJSONFile(logger, "testdata/render-report.history.json"); err != nil {
		t.Fatal(err)
	}
	if len(obs.events) != 0 {
		t.Errorf("events reported while replaying: %v", obs.events)
	}
}
