package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	goruntime "runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// newTestTransport returns a Transport with an http.Transport of its own, whose idle
// connections are closed at the end of the test so that goroutine counts can be compared.
func newTestTransport(t *testing.T) (*Transport, *http.Transport) {
	t.Helper()
	ht := &http.Transport{}
	t.Cleanup(ht.CloseIdleConnections)
	return &Transport{Doer: &http.Client{Transport: ht}}, ht
}

func mustStepError(t *testing.T, err error) *StepError {
	t.Helper()
	if err == nil {
		t.Fatal("got no error, want a *StepError")
	}
	var se *StepError
	if !errors.As(err, &se) {
		t.Fatalf("error %T %q is not a *StepError", err, err)
	}
	return se
}

// stall blocks a handler until the client goes away or the test ends.
func stall(r *http.Request, done <-chan struct{}) {
	select {
	case <-r.Context().Done():
	case <-done:
	}
}

func TestTransportTimeouts(t *testing.T) {
	done := make(chan struct{})
	defer close(done)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/headers": // never answers
			stall(r, done)
		case "/body": // answers, then never finishes the body
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			w.Write([]byte(`{"items":[`))
			w.(http.Flusher).Flush()
			stall(r, done)
		}
	}))
	defer srv.Close()
	tr, _ := newTestTransport(t)
	tr.Timeout = 100 * time.Millisecond
	send := func(ctx context.Context, path string, stepTimeout time.Duration) (error, time.Duration) {
		start := time.Now()
		_, err := tr.Send(ctx, &Request{Workflow: "w", Step: "s", Method: "GET", Path: path, URL: srv.URL + path + "?key=abc", Timeout: stepTimeout})
		return err, time.Since(start)
	}
	tests := []struct {
		name    string
		path    string
		ctx     func() (context.Context, context.CancelFunc)
		step    time.Duration
		want    string
		status  int
		wantErr error
	}{
		{"request timeout, no headers", "/headers", nil, 0, "timed out after 100ms (request timeout)", 0, context.DeadlineExceeded},
		{"request timeout, stalled body", "/body", nil, 0, "timed out after 100ms (request timeout) while reading the response body", 200, context.DeadlineExceeded},
		{"step timeout overrides", "/headers", nil, 50 * time.Millisecond, "timed out after 50ms (step timeout)", 0, context.DeadlineExceeded},
		{"caller deadline", "/headers", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 30*time.Millisecond)
		}, 5 * time.Second, "(context deadline)", 0, context.DeadlineExceeded},
		{"caller cancels", "/body", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(30*time.Millisecond, cancel)
			return ctx, cancel
		}, 5 * time.Second, "cancelled while reading the response body", 200, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.ctx != nil {
				var cancel context.CancelFunc
				ctx, cancel = tt.ctx()
				defer cancel()
			}
			err, took := send(ctx, tt.path, tt.step)
			se := mustStepError(t, err)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("errors.Is(%v, %v) is false", err, tt.wantErr)
			}
			if se.Workflow != "w" || se.Step != "s" || se.StatusCode != tt.status || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q (status %d), want workflow w, step s, status %d and %q", err, se.StatusCode, tt.status, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "workflow w: step s (GET "+tt.path+"): ") {
				t.Errorf("error %q does not name the workflow, step and path template first", err)
			}
			if strings.Contains(err.Error(), "abc") || strings.Contains(err.Error(), "127.0.0.1") {
				t.Errorf("error %q leaks the URL", err)
			}
			if took > 2*time.Second {
				t.Errorf("took %s to stop", took)
			}
		})
	}
}

func TestTransportCancelledBeforeSending(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	tr, _ := newTestTransport(t)
	for _, tc := range []struct {
		err  error
		want string
	}{{context.Canceled, "cancelled before the request was sent"}, {context.DeadlineExceeded, "timed out (context deadline) before the request was sent"}} {
		ctx, cancel := context.WithCancel(context.Background())
		if tc.err == context.DeadlineExceeded {
			ctx, cancel = context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
		}
		cancel()
		_, err := tr.Send(ctx, &Request{Workflow: "w", Step: "s", Method: "GET", Path: "/", URL: srv.URL})
		if se := mustStepError(t, err); !errors.Is(err, tc.err) || se.Step != "s" || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %q, want errors.Is %v and %q", err, tc.err, tc.want)
		}
	}
	// A cause the caller gives is kept beside the context's error.
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errors.New("shutting down"))
	_, err := tr.Send(ctx, &Request{Workflow: "w", Step: "s", Method: "GET", URL: srv.URL})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "shutting down") {
		t.Errorf("error %q, want context.Canceled and the cause", err)
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests reached the server after cancellation", hits.Load())
	}
}

// TestHugeBodyBoundedMemory sends a 512 MiB body, streamed with no Content-Length, and one
// that declares 1 GiB: both fail with ErrBodyTooLarge after reading at most the limit, and
// the allocation during the call stays near the 10 MiB limit.
func TestHugeBodyBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams hundreds of megabytes")
	}
	const size = 512 << 20
	var sent atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/declared" {
			w.Header().Set("Content-Length", fmt.Sprint(1<<30))
		}
		chunk := bytes.Repeat([]byte(`"xxxxxxxxxxxxxx",`), 2<<10)
		for sent.Load() < size {
			n, err := w.Write(chunk)
			sent.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	tr, _ := newTestTransport(t)
	for _, path := range []string{"/streamed", "/declared"} {
		sent.Store(0)
		req := &Request{Workflow: "w", Step: "big", Method: "GET", Path: path, URL: srv.URL + path}
		goruntime.GC()
		var before, after goruntime.MemStats
		goruntime.ReadMemStats(&before)
		start := time.Now()
		resp, err := tr.Send(context.Background(), req)
		took := time.Since(start)
		goruntime.ReadMemStats(&after)
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: %.1f MiB allocated, %.1f MiB sent by the server, %s", path, float64(alloc)/(1<<20), float64(sent.Load())/(1<<20), took)
		if resp != nil {
			t.Fatalf("%s: got a response of %d bytes", path, len(resp.Body))
		}
		se := mustStepError(t, err)
		if !errors.Is(err, ErrBodyTooLarge) || se.StatusCode != 200 || se.Step != "big" || !strings.Contains(err.Error(), "exceeds 10485760 bytes") {
			t.Errorf("%s: error %q, want ErrBodyTooLarge with status 200", path, err)
		}
		if alloc > 48<<20 {
			t.Errorf("%s: %d bytes allocated reading a body over a 10 MiB limit", path, alloc)
		}
		if s := sent.Load(); s > size/2 {
			t.Errorf("%s: the server could send %d bytes: the body was read far past the limit", path, s)
		}
	}
}

// endless is a body that never ends, counting what was read and whether it was closed.
type endless struct {
	read   int64
	closed bool
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	e.read += int64(len(p))
	return len(p), nil
}
func (e *endless) Close() error { e.closed = true; return nil }

type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

func TestEndlessBodyIsCutAndClosed(t *testing.T) {
	for _, limit := range []int64{0, 1000} {
		body := &endless{}
		tr := &Transport{MaxBodyBytes: limit, Doer: doerFunc(func(r *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: 200, Header: http.Header{}, Body: body, ContentLength: -1}, nil
		})}
		_, err := tr.Send(context.Background(), &Request{Workflow: "w", Step: "s", Method: "GET", URL: "http://example.test/"})
		want := limit
		if want == 0 {
			want = DefaultMaxBodyBytes
		}
		if !errors.Is(err, ErrBodyTooLarge) || !strings.Contains(err.Error(), fmt.Sprintf("exceeds %d bytes", want)) {
			t.Errorf("limit %d: error %v", limit, err)
		}
		if !body.closed || body.read > want+64<<10 {
			t.Errorf("limit %d: closed=%v after reading %d bytes", limit, body.closed, body.read)
		}
	}
}

func TestTransportDefaults(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"len":%d}`, len(body))
	}))
	defer srv.Close()
	var tr Transport // the zero Transport works: http.DefaultClient, 10 MiB, no timeout
	in := &Request{Method: "POST", URL: srv.URL, ContentType: "application/json", Body: []byte(`{"a":1}`), Header: http.Header{"X-Trace": {"t"}}}
	resp, err := tr.Send(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := resp.Decode(&n, "len"); err != nil || n != 7 {
		t.Errorf("len = %d, %v", n, err)
	}
	if got.Get("Accept") != "application/json" || got.Get("Content-Type") != "application/json" || got.Get("X-Trace") != "t" {
		t.Errorf("request headers %v", got)
	}
	if in.Workflow != "" || in.secrets != nil {
		t.Error("Send changed the caller's Request")
	}
	_, err = tr.Send(context.Background(), &Request{Workflow: "w", Step: "s", Method: "GET", URL: "http://[::1]:namedport/?token=abcdef"})
	if se := mustStepError(t, err); se.Reason != "cannot build request" || strings.Contains(err.Error(), "abcdef") {
		t.Errorf("bad URL: %v", err)
	}
}

// settleGoroutines waits for the goroutine count to fall back to at most want, and fails
// naming what is left.
func settleGoroutines(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := goruntime.NumGoroutine()
		if n <= want {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:goruntime.Stack(buf, true)]
			t.Fatalf("%d goroutines, want at most %d:\n%s", n, want, buf)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestNoGoroutineOutlivesACall runs every fault through a run with an observer, then checks
// that once the connections are closed no goroutine is left behind.
func TestNoGoroutineOutlivesACall(t *testing.T) {
	before := goruntime.NumGoroutine()
	func() {
		srv, done := newFaultServer(t)
		defer srv.Close()
		defer close(done)
		ht := &http.Transport{}
		defer ht.CloseIdleConnections()
		tr := &Transport{Doer: &http.Client{Transport: ht}, Timeout: 100 * time.Millisecond, MaxBodyBytes: 1 << 20,
			Observer: SlogObserver(discardLogger())}
		for range 3 {
			for _, f := range faults {
				run := tr.Start(context.Background(), "w")
				st := run.Step(f.path)
				resp, err := st.Send(&Request{Method: "GET", Path: f.path, URL: srv.URL + f.path})
				if err == nil {
					var v any
					err = resp.Decode(&v, "a")
				}
				run.End(err)
			}
		}
	}()
	settleGoroutines(t, before)
}

// Request.Accept is the Accept header unless the request's headers set one; without either
// the request asks for DefaultAccept.
func TestTransportAccept(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("Accept"))
	}))
	defer srv.Close()
	var tr Transport
	for _, req := range []*Request{
		{Method: "GET", URL: srv.URL, Accept: "text/csv, */*;q=0.1"},
		{Method: "GET", URL: srv.URL, Accept: "text/csv, */*;q=0.1", Header: http.Header{"Accept": {"text/plain"}}},
		{Method: "GET", URL: srv.URL},
	} {
		if _, err := tr.Send(context.Background(), req); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"text/csv, */*;q=0.1", "text/plain", "application/json"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Accept headers %q, want %q", got, want)
	}
}
