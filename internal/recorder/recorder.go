// Package recorder is a test helper: an HTTP handler that records the requests a client sends
// and answers them with canned replies, plus helpers that compare the recorded requests with
// the expected ones. It is for tests only and depends on the standard library alone.
//
// A typical test starts a server, runs the code under test against it and checks what was sent:
//
//	srv, rec := recorder.NewServer(t, map[string]recorder.Reply{
//		"POST /items": {Status: 200, Body: `{"id":"1"}`},
//	})
//	// ... point the client at srv.URL and run it ...
//	recorder.Check(t, rec.Requests(), []recorder.Request{
//		{Method: "POST", Path: "/items", ContentType: "application/json", Body: `{"name":"x"}`},
//	})
package recorder

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
)

// UnexpectedBody is the JSON body of the 418 reply sent to a request that has no canned reply.
const UnexpectedBody = `{"error":"unexpected request"}`

// Request is what the server saw of one request. Compare two with [Request.Equal]; the Header
// map makes == unavailable on purpose.
type Request struct {
	Method        string
	Path          string // as sent on the wire (escaped), without the query
	Query         string // the raw query, without the '?'
	ContentType   string // the Content-Type header
	Authorization string // the Authorization header
	// Header holds the extra headers the Recorder was asked to record (Recorder.Headers),
	// keyed by canonical name. A missing key and an empty value mean the same: the header was
	// absent or empty.
	Header map[string]string
	Body   string // the exact body bytes
}

// Equal reports whether r and o agree on every field: method, escaped path, raw query,
// Content-Type, Authorization, each extra header (a missing key counting as "") and the exact
// body.
func (r Request) Equal(o Request) bool {
	if r.Method != o.Method || r.Path != o.Path || r.Query != o.Query ||
		r.ContentType != o.ContentType || r.Authorization != o.Authorization || r.Body != o.Body {
		return false
	}
	for k, v := range r.Header {
		if o.Header[k] != v {
			return false
		}
	}
	for k, v := range o.Header {
		if r.Header[k] != v {
			return false
		}
	}
	return true
}

// String formats r on one line: method, path and query, the headers (extra ones with a
// non-empty value, sorted by name) and the quoted body.
func (r Request) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s?%s Content-Type=%q Authorization=%q", r.Method, r.Path, r.Query, r.ContentType, r.Authorization)
	for _, k := range slices.Sorted(maps.Keys(r.Header)) {
		if v := r.Header[k]; v != "" {
			fmt.Fprintf(&b, " %s=%q", k, v)
		}
	}
	fmt.Fprintf(&b, " body=%q", r.Body)
	return b.String()
}

// Reply is a canned response: a status code and a body, sent as application/json.
type Reply struct {
	Status int
	Body   string
}

// Recorder is an http.Handler that records every request it serves and answers with the
// Reply registered in Replies under "METHOD /path" (the escaped path, without the query).
// A request with no registered reply is answered 418 I'm a teapot with [UnexpectedBody]; it is
// recorded like any other, so a [Check] against the expected requests reports it.
//
// Set the exported fields before the server starts; a Recorder is safe for concurrent requests.
type Recorder struct {
	// Replies maps "METHOD /escaped/path" to the reply for it.
	Replies map[string]Reply
	// Headers names the headers, besides Content-Type and Authorization, to record in
	// Request.Header.
	Headers []string
	// OnRequest, when set, runs after a request is recorded and before it is answered (for
	// example, to hold a reply back until the test releases it).
	OnRequest func(*http.Request)

	mu   sync.Mutex
	reqs []Request
}

// ServeHTTP records r and writes the canned reply for it.
func (rec *Recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		body = []byte("<read error: " + err.Error() + ">")
	}
	req := Request{
		Method:        r.Method,
		Path:          r.URL.EscapedPath(),
		Query:         r.URL.RawQuery,
		ContentType:   r.Header.Get("Content-Type"),
		Authorization: r.Header.Get("Authorization"),
		Body:          string(body),
	}
	for _, name := range rec.Headers {
		if v := r.Header.Get(name); v != "" {
			if req.Header == nil {
				req.Header = make(map[string]string)
			}
			req.Header[http.CanonicalHeaderKey(name)] = v
		}
	}
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, req)
	rp, ok := rec.Replies[r.Method+" "+r.URL.EscapedPath()]
	rec.mu.Unlock()
	if rec.OnRequest != nil {
		rec.OnRequest(r)
	}
	w.Header().Set("Content-Type", "application/json")
	if !ok {
		w.WriteHeader(http.StatusTeapot)
		_, _ = io.WriteString(w, UnexpectedBody)
		return
	}
	w.WriteHeader(rp.Status)
	_, _ = io.WriteString(w, rp.Body)
}

// Requests returns a copy of the requests recorded so far, in the order they arrived.
func (rec *Recorder) Requests() []Request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return slices.Clone(rec.reqs)
}

// Serve starts an httptest.Server backed by rec and closes it when the test ends.
func Serve(t testing.TB, rec *Recorder) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	return srv
}

// NewServer is Serve for a new Recorder answering with replies and recording no extra headers.
func NewServer(t testing.TB, replies map[string]Reply) (*httptest.Server, *Recorder) {
	t.Helper()
	rec := &Recorder{Replies: replies}
	return Serve(t, rec), rec
}

// Diff compares got with want position by position and describes each difference: a request
// that differs, a wanted request that is missing, or an extra request that was not wanted.
// It returns nil when they are the same.
func Diff(got, want []Request) []string {
	var diffs []string
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			diffs = append(diffs, fmt.Sprintf("request %d: missing, want %v", i, want[i]))
		case i >= len(want):
			diffs = append(diffs, fmt.Sprintf("request %d: unexpected %v", i, got[i]))
		case !got[i].Equal(want[i]):
			diffs = append(diffs, fmt.Sprintf("request %d:\n got %v\nwant %v", i, got[i], want[i]))
		}
	}
	return diffs
}

// Check reports, with t.Errorf, each difference [Diff] finds between got and want.
func Check(t testing.TB, got, want []Request) {
	t.Helper()
	for _, d := range Diff(got, want) {
		t.Errorf("%s", d)
	}
}
