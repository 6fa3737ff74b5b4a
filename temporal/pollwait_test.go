package temporal_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/runtime"
	"github.com/arazzogen/arazzogen/temporal"
	"go.temporal.io/sdk/workflow"
)

type pollClient struct{ rt runtime.Transport }

// pollState counts the runs of the polled step.
type pollState struct{ Runs int }

// A step that a goto action runs again waits on a durable timer first, as in process: the
// client's poll interval growing by half per run up to 30s, the Retry-After of the response
// that led to the goto winning. The test environment skips the timers and records them.
func TestGotoPollWaitsOnDurableTimers(t *testing.T) {
	retryAfter := map[int]string{3: "60"} // the third response asks for a minute
	copyState := func(dst, src *pollState) { *dst = *src }
	flow := &runtime.Flow[pollClient, pollState]{Workflow: "poll", Version: "test",
		Steps: []runtime.FlowStep[pollClient, pollState]{{ID: "check", Method: "GET", Target: true,
			OnSuccess: []runtime.Action[pollClient, pollState]{{Kind: runtime.ActionGoto, Step: "check"}},
			Run: func(_ *pollClient, _ *runtime.Step, s *pollState) runtime.Outcome {
				s.Runs++
				if s.Runs == 5 {
					return runtime.Outcome{} // done: the flow ends
				}
				h := http.Header{}
				if v, ok := retryAfter[s.Runs]; ok {
					h.Set("Retry-After", v)
				}
				return runtime.Succeeded(0, &runtime.Response{StatusCode: 200, Header: h})
			},
			Reads: copyState, Writes: copyState,
		}},
		Transport: func(c *pollClient) *runtime.Transport { return &c.rt },
	}
	w := temporal.NewWorker(&pollClient{rt: runtime.Transport{PollInterval: 10 * time.Second}})
	env := testEnv()
	temporal.RegisterSteps(env, w, "poll", flow)
	env.RegisterWorkflowWithOptions(func(ctx workflow.Context) (int, error) {
		var s pollState
		_, err := temporal.Execute(ctx, w, "poll", flow, &s, nil)
		return s.Runs, err
	}, workflow.RegisterOptions{Name: "poll"})
	var timers []time.Duration
	env.SetOnTimerScheduledListener(func(_ string, d time.Duration) { timers = append(timers, d) })
	env.ExecuteWorkflow("poll")
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var runs int
	if err := env.GetWorkflowResult(&runs); err != nil || runs != 5 {
		t.Fatalf("runs %d, %v", runs, err)
	}
	if want := []time.Duration{10 * time.Second, 15 * time.Second, time.Minute, 30 * time.Second}; !slices.Equal(timers, want) {
		t.Errorf("timers %v, want %v", timers, want)
	}
}
