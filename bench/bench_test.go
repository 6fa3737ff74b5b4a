package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Besides ns/op, B/op and allocs/op, each benchmark reports cpu-ns/op: the process CPU time
// (client, server, garbage collector) per run. See cpuTime.

// BenchmarkWorkflows runs every seed workflow with every implementation:
// BenchmarkWorkflows/<workflowId>/<generated|handwritten|engine>. One operation is one whole
// workflow run (two or three HTTP exchanges over a kept-alive loopback connection to an
// httptest server), server included.
func BenchmarkWorkflows(b *testing.B) {
	for _, w := range workflows {
		b.Run(w.id, func(b *testing.B) {
			for _, impl := range implementations {
				b.Run(impl.name, func(b *testing.B) {
					srv, _ := serve(b, w, false)
					hc := srv.Client()
					benchRuns(b, impl.build(b, w, basesFor(srv.URL), hc))
					hc.CloseIdleConnections()
				})
			}
		})
	}
}

// BenchmarkWorkflowsInMemory is BenchmarkWorkflows with the server's handler called directly
// by the client's http.RoundTripper: no sockets, no connection goroutines, no HTTP/1.1 on the
// wire. It isolates what each implementation costs on the client side, which the loopback
// round trips of BenchmarkWorkflows dwarf.
func BenchmarkWorkflowsInMemory(b *testing.B) {
	for _, w := range workflows {
		b.Run(w.id, func(b *testing.B) {
			for _, impl := range implementations {
				b.Run(impl.name, func(b *testing.B) {
					hc := &http.Client{Transport: handlerTransport{newCannedServer(w.replies)}}
					benchRuns(b, impl.build(b, w, basesFor("http://api.test"), hc))
				})
			}
		})
	}
}

func benchRuns(b *testing.B, r run) {
	ctx := context.Background()
	// One run outside the measurement opens the connection and fills any cache the
	// implementation keeps (the engine's parsed expressions).
	if _, err := r(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		out, err := r(ctx)
		if err != nil || out == nil {
			b.Fatalf("run: %v, outputs %v", err, out)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}

// handlerTransport answers requests by calling a handler in the same goroutine.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil {
		r.Body = http.NoBody // a server always hands its handlers a body
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}
