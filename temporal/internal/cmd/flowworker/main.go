// Command flowworker is a Temporal worker for the render-report workflow
// (internal/flows/jobs), for the integration test of the temporal module: the test builds
// it, starts it, kills it with SIGKILL in the middle of a run and starts another.
//
//	flowworker -address 127.0.0.1:7233 -reports http://127.0.0.1:8080 -events events.log
//
// With ARAZZOGEN_KEY set (64 hex digits), payloads are encrypted with that key; without
// it, they are kept in plain text. Observer events are appended to -events, one per line,
// prefixed with the process ID.
package main

import (
	"context"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"os"
	"sync"

	"github.com/arazzogen/arazzogen/runtime"
	"github.com/arazzogen/arazzogen/temporal"
	"github.com/arazzogen/arazzogen/temporal/internal/flows/jobs"
	"github.com/arazzogen/arazzogen/temporal/internal/flows/jobs/jobstemporal"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
)

func main() {
	address := flag.String("address", "127.0.0.1:7233", "Temporal frontend host:port")
	queue := flag.String("task-queue", jobstemporal.TaskQueue, "task queue")
	reports := flag.String("reports", "", "base URL of the reports API")
	events := flag.String("events", "", "append observer events to this file")
	flag.Parse()

	opts := client.Options{HostPort: *address}
	var reg []temporal.Option
	if k := os.Getenv("ARAZZOGEN_KEY"); k != "" {
		key, err := hex.DecodeString(k)
		if err != nil {
			log.Fatal(err)
		}
		if err := temporal.Encrypt(&opts, key); err != nil {
			log.Fatal(err)
		}
		reg = append(reg, temporal.EncryptedPayloads())
	} else {
		reg = append(reg, temporal.AllowPlaintextSecrets())
	}
	c, err := client.Dial(opts)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	jopts := []jobs.Option{jobs.WithServerURL(jobs.SourceReports, *reports)}
	if *events != "" {
		f, err := os.OpenFile(*events, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		jopts = append(jopts, jobs.WithObserver(&lineObserver{f: f, pid: os.Getpid()}))
	}
	jc, err := jobs.NewClient(jopts...)
	if err != nil {
		log.Fatal(err)
	}
	w := worker.New(c, *queue, worker.Options{})
	jobstemporal.Register(w, jc, reg...)
	if err := w.Run(worker.InterruptCh()); err != nil {
		log.Fatal(err)
	}
}

// lineObserver writes one line per event.
type lineObserver struct {
	runtime.NopObserver
	mu  sync.Mutex
	f   *os.File
	pid int
}

func (o *lineObserver) line(format string, args ...any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	fmt.Fprintf(o.f, "%d "+format+"\n", append([]any{o.pid}, args...)...)
}

func (o *lineObserver) WorkflowStart(ctx context.Context, e runtime.WorkflowEvent) context.Context {
	o.line("workflow-start %s", e.Workflow)
	return ctx
}
func (o *lineObserver) WorkflowEnd(_ context.Context, e runtime.WorkflowEvent) {
	o.line("workflow-end %s %v", e.Workflow, e.Err)
}
func (o *lineObserver) StepStart(ctx context.Context, e runtime.StepEvent) context.Context {
	o.line("step-start %s", e.Step)
	return ctx
}
func (o *lineObserver) StepEnd(_ context.Context, e runtime.StepEvent) {
	o.line("step-end %s %v", e.Step, e.Err)
}
func (o *lineObserver) Retry(_ context.Context, e runtime.RetryEvent) {
	o.line("retry %s %d", e.Step, e.Attempt)
}
