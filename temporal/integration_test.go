package temporal_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"

	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/temporal"
	"github.com/arazzogen/arazzogen/temporal/internal/devserver"
	"github.com/arazzogen/arazzogen/temporal/internal/flows/jobs"
	"github.com/arazzogen/arazzogen/temporal/internal/flows/jobs/jobstemporal"
	"github.com/arazzogen/arazzogen/temporal/internal/reportsapi"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
)

// devServer starts a Temporal development server for the test, or skips it when the
// temporal command is not installed (never in CI, which installs it).
func devServer(t *testing.T) *devserver.Server {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a Temporal server; skipped in -short mode")
	}
	bin, err := devserver.Find()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%v; .ci/run installs it", err)
		}
		t.Skipf("%v", err)
	}
	log, err := os.Create(filepath.Join(t.TempDir(), "server.log"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	srv, err := devserver.Start(ctx, bin, devserver.Options{DBFile: filepath.Join(t.TempDir(), "temporal.db"), Log: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	return srv
}

// workerProcess is a flowworker process.
type workerProcess struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
}

func startWorker(t *testing.T, bin string, srv *devserver.Server, reports, events string, key []byte) *workerProcess {
	t.Helper()
	cmd := exec.Command(bin, "-address", srv.Address, "-reports", reports, "-events", events)
	cmd.Env = os.Environ()
	if key != nil {
		cmd.Env = append(cmd.Env, "ARAZZOGEN_KEY="+hex.EncodeToString(key))
	}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	cmd.SysProcAttr = devserver.SysProcAttr()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w := &workerProcess{cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(w.done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-w.done
		if t.Failed() && stderr.Len() > 0 {
			t.Logf("worker %d output:\n%s", cmd.Process.Pid, stderr.String())
		}
	})
	return w
}

func (w *workerProcess) kill(t *testing.T) {
	if err := w.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-w.done
}

// buildWorker builds internal/cmd/flowworker.
func buildWorker(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "flowworker")
	cmd := exec.Command("go", "build", "-o", bin, "./internal/cmd/flowworker")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// completed counts the activities of a workflow that completed, and the timers that
// started, as the server recorded them.
func completed(ctx context.Context, t *testing.T, c client.Client, id string) (activities, timers int) {
	t.Helper()
	it := c.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
			activities++
		case enumspb.EVENT_TYPE_TIMER_STARTED:
			timers++
		}
	}
	return activities, timers
}

// On a real Temporal server, a worker killed with SIGKILL while its workflow waits between
// two polls is replaced by a new one: the run completes, every completed step was sent
// once (each poll once), the outputs are those of the in-process method, the observer
// reported the workflow's start and end once across both workers, and the history, kept
// with an encrypting codec, holds no plaintext token.
func TestKilledWorkerResumes(t *testing.T) {
	srv := devServer(t)
	bin := buildWorker(t)
	key := replayKey
	const renders = 4
	api := &reportsapi.Server{Renders: renders, PollRetryAfter: "1"}
	reports := httptest.NewServer(api)
	defer reports.Close()
	events := filepath.Join(t.TempDir(), "events.log")

	opts := client.Options{HostPort: srv.Address}
	if err := temporal.Encrypt(&opts, key); err != nil {
		t.Fatal(err)
	}
	c, err := client.Dial(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	first := startWorker(t, bin, srv, reports.URL, events, key)
	in := jobs.RenderReportInputs{APIToken: reportsapi.Token, Title: "Q3 numbers"}
	run, err := jobstemporal.NewClient(c).StartRenderReport(ctx, client.StartWorkflowOptions{}, in)
	if err != nil {
		t.Fatal(err)
	}
	// Kill the worker once the submission and two polls are recorded as completed and the
	// workflow waits on its timer before the third poll.
	for {
		acts, timers := completed(ctx, t, c, run.ID())
		if acts >= 3 && timers >= 2 {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("the workflow did not reach its second wait")
		}
		time.Sleep(20 * time.Millisecond)
	}
	first.kill(t)
	submits, polls := api.Counts()
	t.Logf("killed worker %d after %d submission(s) and %d poll(s)", first.cmd.Process.Pid, submits, polls)
	time.Sleep(1500 * time.Millisecond) // the timer fires with no worker there
	startWorker(t, bin, srv, reports.URL, events, key)

	out, err := run.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	submits, polls = api.Counts()
	t.Logf("the run completed on worker 2: the reports API got %d submission(s) and %d poll(s) in all", submits, polls)
	if submits != 1 || polls != renders+1 {
		t.Errorf("the reports API got %d submission(s) and %d poll(s); want 1 and %d", submits, polls, renders+1)
	}

	// The same workflow in process, against a fresh fake.
	fresh := httptest.NewServer(&reportsapi.Server{Renders: renders, PollRetryAfter: "0"})
	defer fresh.Close()
	jc, err := jobs.NewClient(jobs.WithServerURL(jobs.SourceReports, fresh.URL))
	if err != nil {
		t.Fatal(err)
	}
	want, err := jc.RenderReport(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("outputs on Temporal %+v; in process %+v", out, want)
	}

	log, err := os.ReadFile(events)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(log), " workflow-start "); n != 1 {
		t.Errorf("%d workflow-start events across both workers; want 1\n%s", n, log)
	}
	if n := strings.Count(string(log), " workflow-end "); n != 1 {
		t.Errorf("%d workflow-end events; want 1\n%s", n, log)
	}
	if n := strings.Count(string(log), " retry poll "); n != renders {
		t.Errorf("%d retry events; want %d\n%s", n, renders, log)
	}

	history, err := srv.Show(ctx, run.ID())
	if err != nil {
		t.Fatal(err)
	}
	if historyShows(t, history, reportsapi.Token) {
		t.Error("the history shows the API token")
	}
	t.Logf("temporal workflow show -w %s: %d bytes of history, no plaintext token", run.ID(), len(history))
	// ARAZZOGEN_RECORD_HISTORY=FILE keeps the history for the replay test
	// (testdata/render-report.history.json).
	if path := os.Getenv("ARAZZOGEN_RECORD_HISTORY"); path != "" {
		if err := os.WriteFile(path, history, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !historyShows(t, history, temporal.EncryptedEncoding) {
		t.Errorf("the history shows no encrypted payload:\n%.2000s", history)
	}
}

// Without a codec the same history shows the token in plain text: the check above can
// fail.
func TestPlaintextHistoryShowsToken(t *testing.T) {
	srv := devServer(t)
	bin := buildWorker(t)
	api := &reportsapi.Server{}
	reports := httptest.NewServer(api)
	defer reports.Close()
	startWorker(t, bin, srv, reports.URL, filepath.Join(t.TempDir(), "events.log"), nil)
	c, err := client.Dial(client.Options{HostPort: srv.Address})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	run, err := jobstemporal.NewClient(c).StartRenderReport(ctx, client.StartWorkflowOptions{}, jobs.RenderReportInputs{APIToken: reportsapi.Token, Title: "Q3"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run.Get(ctx); err != nil {
		t.Fatal(err)
	}
	history, err := srv.Show(ctx, run.ID())
	if err != nil {
		t.Fatal(err)
	}
	if !historyShows(t, history, reportsapi.Token) {
		t.Errorf("a plaintext history does not show the token:\n%.2000s", history)
	}
}

// historyShows reports whether the JSON of `temporal workflow show` shows text anywhere:
// in a string, or in the base64 data of a payload decoded.
func historyShows(t *testing.T, history []byte, text string) bool {
	t.Helper()
	var doc any
	if err := json.Unmarshal(history, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(v any) bool
	walk = func(v any) bool {
		switch v := v.(type) {
		case string:
			if strings.Contains(v, text) {
				return true
			}
			if b, err := base64.StdEncoding.DecodeString(v); err == nil && bytes.Contains(b, []byte(text)) {
				return true
			}
		case []any:
			for _, e := range v {
				if walk(e) {
					return true
				}
			}
		case map[string]any:
			for _, e := range v {
				if walk(e) {
					return true
				}
			}
		}
		return false
	}
	return walk(doc)
}
