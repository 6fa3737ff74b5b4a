package runtime

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// newFaultServer serves the misbehaviours of the faults table; done releases stalled
// handlers.
func newFaultServer(t *testing.T) (*httptest.Server, chan struct{}) {
	t.Helper()
	done := make(chan struct{})
	raw := func(w http.ResponseWriter, resp string, reset bool) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		buf.WriteString(resp)
		buf.Flush()
		if tc, ok := conn.(*net.TCPConn); ok && reset {
			tc.SetLinger(0) // close with RST instead of FIN
		}
		conn.Close()
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		switch r.URL.Path {
		case "/reset":
			raw(w, "", true)
		case "/reset-body":
			raw(w, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"a\":", true)
		case "/cut":
			raw(w, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"a\":", false)
		case "/500":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(500)
			w.Write([]byte(`{"error":"boom","access_token":"leaked-token-123"}`))
		case "/429-retry-after":
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(429)
		case "/429":
			w.WriteHeader(429)
		case "/stall":
			stall(r, done)
		case "/truncated-json":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"a":`))
		case "/malformed-json":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"a" 1}`))
		case "/wrong-type":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(`<html><body>Service Unavailable</body></html>`))
		case "/huge":
			w.Header().Set("Content-Type", "application/json")
			chunk := bytes.Repeat([]byte("x"), 32<<10)
			for range 2048 { // 64 MiB
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}
	}))
	return srv, done
}

// faults is each misbehaviour with the documented outcome, for a Transport with a 1s
// timeout and a 1 MiB body limit. check gets what Send returned and, when Send succeeded,
// what decoding "a" from the body returned.
var faults = []struct {
	path  string
	check func(t *testing.T, resp *Response, err error)
}{
	{"/reset", func(t *testing.T, resp *Response, err error) {
		se := mustStepError(t, err)
		if se.StatusCode != 0 || se.Reason != "request failed" || se.Err == nil {
			t.Errorf("error %q, want status 0 and %q", err, "request failed")
		}
	}},
	{"/reset-body", func(t *testing.T, resp *Response, err error) {
		if se := mustStepError(t, err); se.StatusCode != 200 || se.Reason != "reading response body failed" {
			t.Errorf("error %q, want status 200 and %q", err, "reading response body failed")
		}
	}},
	{"/cut", func(t *testing.T, resp *Response, err error) {
		if se := mustStepError(t, err); se.StatusCode != 200 || se.Reason != "reading response body failed" || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("error %q, want status 200, %q and io.ErrUnexpectedEOF", err, "reading response body failed")
		}
	}},
	{"/500", func(t *testing.T, resp *Response, err error) {
		if err != nil {
			t.Fatalf("a 500 response is a response: %v", err)
		}
		unmet := resp.Unmet("$statusCode == 200")
		se := mustStepError(t, unmet)
		if se.StatusCode != 500 || !strings.Contains(unmet.Error(), "status 500 Internal Server Error: success criterion not met: $statusCode == 200") {
			t.Errorf("Unmet = %q", unmet)
		}
		if strings.Contains(se.Body, "leaked-token-123") || !strings.Contains(se.Body, `"error":"boom"`) || !strings.Contains(se.Body, Redacted) {
			t.Errorf("body excerpt %q: want the error kept and the token redacted", se.Body)
		}
	}},
	{"/429-retry-after", func(t *testing.T, resp *Response, err error) {
		if err != nil {
			t.Fatal(err)
		}
		// The header is kept for the retry logic of generated code.
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
			t.Errorf("status %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		if unmet := resp.Unmet("$statusCode == 200"); !strings.Contains(unmet.Error(), "status 429 Too Many Requests") {
			t.Errorf("Unmet = %q", unmet)
		}
	}},
	{"/429", func(t *testing.T, resp *Response, err error) {
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "" || len(resp.Body) != 0 {
			t.Errorf("status %d, Retry-After %q, body %q", resp.StatusCode, resp.Header.Get("Retry-After"), resp.Body)
		}
	}},
	{"/stall", func(t *testing.T, resp *Response, err error) {
		if se := mustStepError(t, err); se.StatusCode != 0 || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "timed out after 1s (request timeout)") {
			t.Errorf("error %q, want a timeout after 1s", err)
		}
	}},
	{"/truncated-json", func(t *testing.T, resp *Response, err error) {
		if se := mustStepError(t, err); se.StatusCode != 200 || !strings.Contains(err.Error(), "response body is not valid JSON") || se.Body != `{"a":…` {
			t.Errorf("error %q, body %q, want status 200 and not valid JSON", err, se.Body)
		}
	}},
	{"/malformed-json", func(t *testing.T, resp *Response, err error) {
		if se := mustStepError(t, err); se.StatusCode != 200 || !strings.Contains(err.Error(), "response body is not valid JSON") {
			t.Errorf("error %q, want status 200 and not valid JSON", err)
		}
	}},
	{"/wrong-type", func(t *testing.T, resp *Response, err error) {
		se := mustStepError(t, err)
		if se.StatusCode != 200 || !strings.Contains(err.Error(), "response body is not valid JSON (response Content-Type is text/html; charset=utf-8)") {
			t.Errorf("error %q, want status 200, not valid JSON, and the content type", err)
		}
		if !strings.Contains(se.Body, "Service Unavailable") {
			t.Errorf("body excerpt %q", se.Body)
		}
	}},
	{"/huge", func(t *testing.T, resp *Response, err error) {
		if se := mustStepError(t, err); se.StatusCode != 200 || !errors.Is(err, ErrBodyTooLarge) {
			t.Errorf("error %q, want ErrBodyTooLarge", err)
		}
	}},
}

func TestFaults(t *testing.T) {
	srv, done := newFaultServer(t)
	defer srv.Close()
	defer close(done)
	tr, _ := newTestTransport(t)
	tr.Timeout = time.Second // long enough to read 1 MiB on a loaded machine
	tr.MaxBodyBytes = 1 << 20
	for _, f := range faults {
		t.Run(strings.TrimPrefix(f.path, "/"), func(t *testing.T) {
			start := time.Now()
			resp, err := tr.Send(context.Background(), &Request{Workflow: "w", Step: "s", Method: "GET", Path: f.path, URL: srv.URL + f.path})
			if err == nil && resp.StatusCode == 200 {
				var v any
				err = resp.Decode(&v, "a")
			}
			if err != nil {
				if se := mustStepError(t, err); se.Workflow != "w" || se.Step != "s" || !strings.HasPrefix(err.Error(), "workflow w: step s (GET "+f.path+")") {
					t.Errorf("error %q does not name workflow, step and path", err)
				}
			}
			f.check(t, resp, err)
			if took := time.Since(start); took > 3*time.Second {
				t.Errorf("took %s", took)
			}
		})
	}
}
