package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"

	"github.com/arazzogen/arazzogen/runtime"
)

// errDryRun is the error of every request a dry run refuses to send.
var errDryRun = errors.New("dry run: nothing is sent")

// dryRun is how -dry-run runs a workflow without sending anything: it is the run's Observer,
// recording each request as the runtime describes it (URL, headers and body redacted), and
// the transport of its HTTP client, refusing every request and cancelling the run, so that
// the first step's request is built exactly as a real run builds it and no action (retry,
// goto) runs after it.
type dryRun struct {
	runtime.NopObserver
	cancel context.CancelCauseFunc

	mu       sync.Mutex
	requests []runtime.RequestEvent
	refused  []string // requests the observer did not see (credential requests): METHOD URL without query
}

func (d *dryRun) Request(ctx context.Context, e runtime.RequestEvent) context.Context {
	d.mu.Lock()
	d.requests = append(d.requests, e)
	d.mu.Unlock()
	return ctx
}

func (d *dryRun) RoundTrip(r *http.Request) (*http.Response, error) {
	u := *r.URL
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	d.mu.Lock()
	d.refused = append(d.refused, r.Method+" "+u.String())
	d.mu.Unlock()
	if r.Body != nil {
		r.Body.Close()
	}
	d.cancel(errDryRun)
	return nil, errDryRun
}

// Publish refuses to publish and ends the run, as RoundTrip does for a request: the step's
// message was built, and its Request event recorded, exactly as a real run does.
func (d *dryRun) Publish(context.Context, *runtime.Message) error {
	d.cancel(errDryRun)
	return errDryRun
}

// Subscribe subscribes to nothing: a dry run receives no message.
func (d *dryRun) Subscribe(context.Context, string, func(*runtime.Message) bool) (runtime.Subscription, error) {
	return drySubscription{}, nil
}

func (d *dryRun) Close() error { return nil }

type drySubscription struct{}

func (drySubscription) Next(ctx context.Context) (*runtime.Message, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func (drySubscription) Close() error { return nil }

// print writes what the run would have sent first, then the plan of wf's steps.
func (d *dryRun) print(w io.Writer, wf Workflow, secrets []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	red := func(s string) string { return runtime.RedactString(s, secrets...) }
	fmt.Fprintf(w, "dry run of workflow %s: nothing was sent\n\n", wf.ID)
	switch {
	case len(d.requests) > 0:
		first := d.requests[0]
		for _, e := range d.requests {
			if e.Workflow != first.Workflow || e.Step != first.Step {
				break
			}
			step := e.Step
			if e.Workflow != wf.ID {
				step = e.Workflow + "/" + e.Step
			}
			fmt.Fprintf(w, "step %s would send:\n  %s %s\n", step, e.Method, red(e.URL()))
			names := make([]string, 0, len(e.Header))
			for k := range e.Header {
				names = append(names, k)
			}
			slices.Sort(names)
			for _, k := range names {
				for _, v := range e.Header[k] {
					fmt.Fprintf(w, "  %s: %s\n", k, red(runtime.CutText(v, runtime.MaxLoggedHeaderBytes)))
				}
			}
			if b := e.BodyExcerpt(); b != "" {
				fmt.Fprintf(w, "\n  %s\n", red(b))
			}
			fmt.Fprintln(w)
		}
	case len(d.refused) > 0:
		fmt.Fprintf(w, "the run would first request a credential: %s\n(its request is not shown: it carries the client secret)\n\n", red(d.refused[0]))
	default:
		fmt.Fprintln(w, "the run would send no request before it stops (see the error above)")
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "plan of workflow %s:\n", wf.ID)
	writePlan(w, wf)
}
