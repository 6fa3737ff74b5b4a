package temporal_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/runtime"
	"github.com/arazzogen/arazzogen/temporal"
	"github.com/arazzogen/arazzogen/temporal/internal/flows/chain"
	"github.com/arazzogen/arazzogen/temporal/internal/flows/chain/chaintemporal"
	"github.com/arazzogen/arazzogen/temporal/internal/flows/jobs"
	"github.com/arazzogen/arazzogen/temporal/internal/flows/jobs/jobstemporal"
	"github.com/arazzogen/arazzogen/temporal/internal/reportsapi"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
)

// jobsEnv registers the render-report workflow, with a client of api, on a test
// environment whose clock skips ahead whenever the workflow waits.
func jobsEnv(t *testing.T, api *reportsapi.Server, opts ...temporal.Option) *testsuite.TestWorkflowEnvironment {
	t.Helper()
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	c, err := jobs.NewClient(jobs.WithServerURL(jobs.SourceReports, srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	env := suite.NewTestWorkflowEnvironment()
	jobstemporal.Register(env, c, append([]temporal.Option{temporal.AllowPlaintextSecrets()}, opts...)...)
	return env
}

func renderReport(t *testing.T, env *testsuite.TestWorkflowEnvironment, token string) (*jobs.RenderReportOutputs, error) {
	t.Helper()
	env.ExecuteWorkflow(jobstemporal.RenderReportWorkflowName, jobs.RenderReportInputs{APIToken: token, Title: "Q3"})
	if !env.IsWorkflowCompleted() {
		t.Fatal("workflow did not complete")
	}
	if err := env.GetWorkflowError(); err != nil {
		return nil, temporal.Error(err)
	}
	var out jobs.RenderReportOutputs
	if err := env.GetWorkflowResult(&out); err != nil {
		t.Fatal(err)
	}
	return &out, nil
}

// A poll that retries every 30 minutes until the report is rendered: six hours of waiting
// on durable timers, which the test environment skips.
func TestPollForHours(t *testing.T) {
	api := &reportsapi.Server{Renders: 12}
	env := jobsEnv(t, api)
	began, clock := time.Now(), env.Now()
	out, err := renderReport(t, env, reportsapi.Token)
	wall := time.Since(began)
	if err != nil {
		t.Fatal(err)
	}
	if out.ReportID != "rep-1" || runtime.Text(out.Pages) != "12" || runtime.Text(out.URL) != "https://reports.example.com/files/rep-1.pdf" {
		t.Errorf("outputs = %s", runtime.Text(out))
	}
	if submits, polls := api.Counts(); submits != 1 || polls != 13 {
		t.Errorf("requests: %d submissions, %d polls; want 1 and 13", submits, polls)
	}
	if waited := env.Now().Sub(clock); waited < 6*time.Hour {
		t.Errorf("workflow clock advanced %s; want the 12 retries of 30 minutes", waited)
	}
	t.Logf("%s of polling ran in %s", env.Now().Sub(clock).Round(time.Minute), wall)
	// Six hours of timers must be skipped, not slept; the bound leaves room for a loaded machine.
	if wall > 60*time.Second {
		t.Errorf("took %s", wall)
	}
}

// A submission refused twice as busy succeeds on the third attempt, each retry after the
// server's Retry-After (1s, overriding the document's 60s).
func TestRetrySucceedsOnThirdAttempt(t *testing.T) {
	api := &reportsapi.Server{Busy: 2}
	env := jobsEnv(t, api)
	clock := env.Now()
	out, err := renderReport(t, env, reportsapi.Token)
	if err != nil {
		t.Fatal(err)
	}
	if out.ReportID != "rep-1" {
		t.Errorf("outputs = %+v", out)
	}
	if submits, polls := api.Counts(); submits != 3 || polls != 1 {
		t.Errorf("requests: %d submissions, %d polls; want 3 and 1", submits, polls)
	}
	if waited := env.Now().Sub(clock); waited < 2*time.Second || waited >= time.Minute {
		t.Errorf("workflow clock advanced %s; want two waits of the server's Retry-After (1s)", waited)
	}
}

// A refused credential fails the first step: the run ends with the step's
// *runtime.StepError, its status and step intact, and the token nowhere in it.
func TestRefusedCredentialIsStepError(t *testing.T) {
	api := &reportsapi.Server{}
	env := jobsEnv(t, api)
	_, err := renderReport(t, env, "wrong-token-5521")
	var se *runtime.StepError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is no *runtime.StepError", err, err)
	}
	if se.Step != "submit" || se.StatusCode != 401 || se.Workflow != "render-report" {
		t.Errorf("step error = %+v", se)
	}
	if msg := err.Error(); msg == "" || strings.Contains(msg, "wrong-token-5521") {
		t.Errorf("message %q", msg)
	}
	if submits, _ := api.Counts(); submits != 1 {
		t.Errorf("%d submissions; want 1 (a 401 is not retried)", submits)
	}
}

// A poll whose connection drops is sent again by Temporal's retry policy (GET is
// idempotent); a submission whose connection drops is not (POST is not), and fails.
func TestTransportRetries(t *testing.T) {
	t.Run("GET retried", func(t *testing.T) {
		api := &reportsapi.Server{DropPolls: 1}
		env := jobsEnv(t, api)
		if _, err := renderReport(t, env, reportsapi.Token); err != nil {
			t.Fatal(err)
		}
		if submits, polls := api.Counts(); submits != 1 || polls != 2 {
			t.Errorf("requests: %d submissions, %d polls; want 1 and 2", submits, polls)
		}
	})
	t.Run("POST not retried", func(t *testing.T) {
		api := &reportsapi.Server{DropSubmits: 1}
		env := jobsEnv(t, api)
		_, err := renderReport(t, env, reportsapi.Token)
		var se *runtime.StepError
		if !errors.As(err, &se) || se.Step != "submit" || !se.Transient() {
			t.Fatalf("error %v; want the submit step's transport failure", err)
		}
		if submits, _ := api.Counts(); submits != 1 {
			t.Errorf("%d submissions; want 1", submits)
		}
	})
	t.Run("POST retried when allowed", func(t *testing.T) {
		api := &reportsapi.Server{DropSubmits: 1}
		env := jobsEnv(t, api, temporal.WithRetryNonIdempotent())
		if _, err := renderReport(t, env, reportsapi.Token); err != nil {
			t.Fatal(err)
		}
		if submits, _ := api.Counts(); submits != 2 {
			t.Errorf("%d submissions; want 2", submits)
		}
	})
}

// A poll loop whose history grows long continues as new at a loop, carrying its state and
// position: the continued runs send no step again, and the last one gives the outputs.
func TestLongPollContinuesAsNew(t *testing.T) {
	api := &reportsapi.Server{Renders: 60}
	srv := httptest.NewServer(api)
	defer srv.Close()
	c, err := jobs.NewClient(jobs.WithServerURL(jobs.SourceReports, srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	var name any = jobstemporal.RenderReportWorkflowName
	args := []any{jobs.RenderReportInputs{APIToken: reportsapi.Token, Title: "Q3"}}
	runs := 0
	for {
		runs++
		env := testEnv()
		jobstemporal.Register(env, c, temporal.AllowPlaintextSecrets(), temporal.WithContinueAsNewAfter(100))
		// The test environment counts no history: after ten hours of polling (20 polls),
		// say that it reached 200 events.
		env.RegisterDelayedCallback(func() { env.SetCurrentHistoryLength(200) }, 10*time.Hour)
		env.ExecuteWorkflow(name, args...)
		err := env.GetWorkflowError()
		var can *workflow.ContinueAsNewError
		if !errors.As(err, &can) {
			if err != nil {
				t.Fatal(err)
			}
			var out jobs.RenderReportOutputs
			if err := env.GetWorkflowResult(&out); err != nil || runtime.Text(out.Pages) != "12" {
				t.Fatalf("outputs %s, %v", runtime.Text(out), err)
			}
			break
		}
		if want := jobstemporal.RenderReportWorkflowName + temporal.ContinuedSuffix; can.WorkflowType.Name != want {
			t.Fatalf("continued as %q; want %q", can.WorkflowType.Name, want)
		}
		var cont temporal.Continuation[jobs.RenderReportState]
		if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &cont); err != nil {
			t.Fatal(err)
		}
		if cont.State.Submit.ReportID != "rep-1" || cont.Position.Step != 1 || !cont.Position.Again {
			t.Fatalf("continuation %+v", cont)
		}
		name, args = can.WorkflowType.Name, []any{cont}
		if runs > 20 {
			t.Fatal("no end after 20 runs")
		}
	}
	t.Logf("%d runs", runs)
	if runs < 3 {
		t.Errorf("%d runs; a history of 60 polls should continue as new at 100 events more than once", runs)
	}
	if submits, polls := api.Counts(); submits != 1 || polls != 61 {
		t.Errorf("requests: %d submissions, %d polls; want 1 and 61", submits, polls)
	}
}

// A submission refused more often than its retry budget allows fails with the same error,
// attempts counted, on Temporal as in process.
func TestRetriesExhaustedSameError(t *testing.T) {
	api := &reportsapi.Server{Busy: 10}
	env := jobsEnv(t, api)
	_, err := renderReport(t, env, reportsapi.Token)
	var se *runtime.StepError
	if !errors.As(err, &se) || se.Attempts != 6 || se.StatusCode != 503 {
		t.Fatalf("error %v; want the submission's 503 after 6 attempts", err)
	}
	if submits, _ := api.Counts(); submits != 6 {
		t.Errorf("%d submissions; want 6 (5 retries)", submits)
	}
	local := httptest.NewServer(&reportsapi.Server{Busy: 10})
	defer local.Close()
	c, err := jobs.NewClient(jobs.WithServerURL(jobs.SourceReports, local.URL))
	if err != nil {
		t.Fatal(err)
	}
	_, inProcess := c.RenderReport(context.Background(), jobs.RenderReportInputs{APIToken: reportsapi.Token, Title: "Q3"})
	if inProcess == nil || inProcess.Error() != se.Error() {
		t.Errorf("on Temporal\n%v\nin process\n%v", se, inProcess)
	}
}

// A workflow that runs another first (dependsOn), then as a step (workflowId), then one of
// another Arazzo document, then ends on a success action: on Temporal the document's
// workflows are child workflows and the other document's runs in process inside one
// activity, and the outputs are those of the in-process method.
func TestChildWorkflows(t *testing.T) {
	in := chain.RenderTwiceInputs{APIToken: reportsapi.Token, Title: "Q3"}
	api := &reportsapi.Server{Renders: 1}
	srv := httptest.NewServer(api)
	defer srv.Close()
	c, err := chain.NewClient(chain.WithServerURL(chain.SourceReports, srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	env := testEnv()
	chaintemporal.Register(env, c, temporal.AllowPlaintextSecrets())
	var children []string
	env.SetOnChildWorkflowStartedListener(func(info *workflow.Info, _ workflow.Context, _ converter.EncodedValues) {
		children = append(children, info.WorkflowType.Name+" "+info.WorkflowExecution.ID)
	})
	env.ExecuteWorkflow(chaintemporal.RenderTwiceWorkflowName, in)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(temporal.Error(err))
	}
	var got chain.RenderTwiceOutputs
	if err := env.GetWorkflowResult(&got); err != nil {
		t.Fatal(err)
	}
	want := []string{
		chaintemporal.RenderWorkflowName + " default-test-workflow-id/1-dependsOn-render",
		chaintemporal.RenderWorkflowName + " default-test-workflow-id/2-again-render",
	}
	if !reflect.DeepEqual(children, want) {
		t.Errorf("child workflows\n%q\nwant\n%q", children, want)
	}

	local := httptest.NewServer(&reportsapi.Server{Renders: 1})
	defer local.Close()
	lc, err := chain.NewClient(chain.WithServerURL(chain.SourceReports, local.URL))
	if err != nil {
		t.Fatal(err)
	}
	inProcess, err := lc.RenderTwice(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&got, inProcess) || runtime.Text(got.Pages) != "12" || runtime.Text(got.Peeked) != "12" || got.First == nil || *got.First == "" || got.Second == nil || *got.Second == "" {
		t.Errorf("on Temporal %s; in process %s", runtime.Text(got), runtime.Text(inProcess))
	}
	if submits, polls := api.Counts(); submits != 2 || polls != 5 {
		t.Errorf("requests: %d submissions, %d polls; want 2 and 5 (the first render polled twice, the fake renders once only; the second once; a peek and a check)", submits, polls)
	}
}
