package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/arazzogen/arazzogen/internal/fakeapi"
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
					srv, cs := serve(b, w, false)
					hc := srv.Client()
					benchRuns(b, impl.build(b, w, basesFor(srv.URL), hc), cs)
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
					cs := newCannedServer(w.replies)
					hc := &http.Client{Transport: handlerTransport{cs}}
					benchRuns(b, impl.build(b, w, basesFor("http://api.test"), hc), cs)
				})
			}
		})
	}
}

// benchRuns measures r. Besides cpu-ns/op it reports exchanges/op, the requests cs answered
// per run.
func benchRuns(b *testing.B, r run, cs *cannedServer) {
	ctx := context.Background()
	// One run outside the measurement opens the connection and fills any cache the
	// implementation keeps (the engine's parsed expressions).
	if _, err := r(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0, req0 := cpuTime(), cs.requests.Load()
	for b.Loop() {
		out, err := r(ctx)
		if err != nil || out == nil {
			b.Fatalf("run: %v, outputs %v", err, out)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(cs.requests.Load()-req0)/float64(b.N), "exchanges/op")
}

// exchangeReplies is the one reply of BenchmarkExchange: a token response, as the workflows'
// first steps get.
var exchangeReplies = map[string]string{"POST /exchange": prismaticRefreshReply}

// exchangeBody is the request body of BenchmarkExchange, the size of a workflow's token
// request.
var exchangeBody = []byte(`{"refresh_token":"` + fakeapi.PrismaticRefreshToken + `"}`)

// BenchmarkExchange is the least any client does for one step: one POST of a small JSON body
// with Content-Type and Accept, and the whole response read, status checked, nothing decoded;
// one op is one exchange, server included, to the same server as BenchmarkWorkflows
// ("loopback") and through the handler transport of BenchmarkWorkflowsInMemory
// ("in-memory"). A workflow making n exchanges over loopback costs any client at least n
// loopback ops; the difference between the two is what sockets, connection goroutines and
// HTTP/1.1 on the wire cost per exchange.
func BenchmarkExchange(b *testing.B) {
	b.Run("loopback", func(b *testing.B) {
		srv, cs := serveReplies(b, exchangeReplies, false)
		hc := srv.Client()
		benchRuns(b, exchangeRun(hc, srv.URL+"/exchange"), cs)
		hc.CloseIdleConnections()
	})
	b.Run("in-memory", func(b *testing.B) {
		cs := newCannedServer(exchangeReplies)
		benchRuns(b, exchangeRun(&http.Client{Transport: handlerTransport{cs}}, "http://api.test/exchange"), cs)
	})
}

func exchangeRun(hc *http.Client, url string) run {
	return func(ctx context.Context) (any, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(exchangeBody))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("status %d", resp.StatusCode)
		}
		return data, nil
	}
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
