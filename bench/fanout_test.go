package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/bench/fanout/parallel"
	"github.com/arazzogen/arazzogen/bench/fanout/sequential"
)

// fanOutDelay is how long the fan-out server takes to answer each read.
const fanOutDelay = 20 * time.Millisecond

// fanOutServer answers GET /items/{n} with {"value": n} after delay, and POST /combine,
// at once, with the sum of the values of the object it is sent. It counts the reads in
// flight at once.
type fanOutServer struct {
	delay             time.Duration
	inFlight, maxSeen atomic.Int32
}

func (s *fanOutServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/items/"):
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/items/"))
		if err != nil {
			http.Error(w, "bad item", http.StatusNotFound)
			return
		}
		now := s.inFlight.Add(1)
		for seen := s.maxSeen.Load(); now > seen && !s.maxSeen.CompareAndSwap(seen, now); seen = s.maxSeen.Load() {
		}
		time.Sleep(s.delay)
		s.inFlight.Add(-1)
		fmt.Fprintf(w, `{"value":%d}`, n)
	case r.Method == http.MethodPost && r.URL.Path == "/combine":
		var values map[string]int64
		if err := json.NewDecoder(r.Body).Decode(&values); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var total int64
		for _, v := range values {
			total += v
		}
		fmt.Fprintf(w, `{"total":%d}`, total)
	default:
		http.NotFound(w, r)
	}
}

// fanOut runs one of the fan-out workflows (3 or 10 reads) as generated with or without
// -parallel, and returns the total it computed.
type fanOut func(ctx context.Context) (int64, error)

func fanOutRunner(tb testing.TB, n int, par bool, url string, hc *http.Client) fanOut {
	tb.Helper()
	if par {
		c, err := parallel.NewClient(parallel.WithServerURL("items", url), parallel.WithHTTPClient(hc))
		if err != nil {
			tb.Fatal(err)
		}
		if n == 3 {
			return func(ctx context.Context) (int64, error) {
				out, err := c.FanOut3(ctx, parallel.FanOut3Inputs{})
				if err != nil {
					return 0, err
				}
				return out.Total, nil
			}
		}
		return func(ctx context.Context) (int64, error) {
			out, err := c.FanOut10(ctx, parallel.FanOut10Inputs{})
			if err != nil {
				return 0, err
			}
			return out.Total, nil
		}
	}
	c, err := sequential.NewClient(sequential.WithServerURL("items", url), sequential.WithHTTPClient(hc))
	if err != nil {
		tb.Fatal(err)
	}
	if n == 3 {
		return func(ctx context.Context) (int64, error) {
			out, err := c.FanOut3(ctx, sequential.FanOut3Inputs{})
			if err != nil {
				return 0, err
			}
			return out.Total, nil
		}
	}
	return func(ctx context.Context) (int64, error) {
		out, err := c.FanOut10(ctx, sequential.FanOut10Inputs{})
		if err != nil {
			return 0, err
		}
		return out.Total, nil
	}
}

// fanOutClient is an HTTP client that keeps a connection per read of a run open.
func fanOutClient(srv *httptest.Server) *http.Client {
	hc := srv.Client()
	hc.Transport.(*http.Transport).MaxIdleConnsPerHost = 16
	return hc
}

// BenchmarkFanOut runs the fan-out workflows, N independent reads of 20 ms each and then
// one step that reads them all (answered at once), as generated without and with -parallel:
// BenchmarkFanOut/<N>/<sequential|parallel>. One op is one whole workflow run.
func BenchmarkFanOut(b *testing.B) {
	for _, n := range []int{3, 10} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for _, mode := range []string{"sequential", "parallel"} {
				b.Run(mode, func(b *testing.B) {
					srv := httptest.NewServer(&fanOutServer{delay: fanOutDelay})
					defer srv.Close()
					hc := fanOutClient(srv)
					defer hc.CloseIdleConnections()
					run := fanOutRunner(b, n, mode == "parallel", srv.URL, hc)
					ctx := context.Background()
					want := int64(n * (n + 1) / 2)
					if total, err := run(ctx); err != nil || total != want { // opens the connections
						b.Fatalf("total %d, %v; want %d", total, err, want)
					}
					cpu0 := cpuTime()
					b.ResetTimer()
					for range b.N {
						if _, err := run(ctx); err != nil {
							b.Fatal(err)
						}
					}
					b.StopTimer()
					b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
				})
			}
		})
	}
}

// The fan-out workflows compute the same total both ways; generated with -parallel their
// reads reach the server at once, and without it one at a time.
func TestFanOutSameResult(t *testing.T) {
	for _, n := range []int{3, 10} {
		for _, par := range []bool{false, true} {
			fs := &fanOutServer{delay: 50 * time.Millisecond}
			srv := httptest.NewServer(fs)
			hc := fanOutClient(srv)
			run := fanOutRunner(t, n, par, srv.URL, hc)
			total, err := run(context.Background())
			hc.CloseIdleConnections()
			srv.Close()
			if want := int64(n * (n + 1) / 2); err != nil || total != want {
				t.Errorf("N=%d parallel=%v: total %d, %v; want %d", n, par, total, err, want)
			}
			want := int32(1)
			if par {
				want = int32(n)
			}
			if got := fs.maxSeen.Load(); got != want {
				t.Errorf("N=%d parallel=%v: %d reads in flight at most, want %d", n, par, got, want)
			}
		}
	}
}
