package recorder_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/arazzogen/arazzogen/internal/recorder"
)

// send makes one request to url and returns the status, Content-Type and body of the reply.
func send(t *testing.T, c *http.Client, method, url string, header map[string]string, body string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

func TestRecorderRecordsExactly(t *testing.T) {
	var (
		mu     sync.Mutex // the handler runs on the server's goroutines
		hooked []string
	)
	rec := &recorder.Recorder{
		Replies: map[string]recorder.Reply{
			"POST /items/a%2Fb%20c": {Status: 201, Body: `{"id": "1"}`},
		},
		Headers: []string{"x-extra"}, // any case; recorded under the canonical name
		OnRequest: func(r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			hooked = append(hooked, r.Method+" "+r.URL.EscapedPath())
		},
	}
	srv := recorder.Serve(t, rec)

	const body = "{\"name\": \"x\",\n \"n\":1}"
	status, ctype, got := send(t, srv.Client(), "POST", srv.URL+"/items/a%2Fb%20c?q=a+b&r=%26", map[string]string{
		"Content-Type":  "application/json",
		"Authorization": "Bearer tok",
		"X-Extra":       "extra value",
		"X-Ignored":     "not recorded",
	}, body)
	if status != 201 || ctype != "application/json" || got != `{"id": "1"}` {
		t.Errorf("canned reply: %d %q %q, want 201 \"application/json\" %q", status, ctype, got, `{"id": "1"}`)
	}
	status, ctype, got = send(t, srv.Client(), "GET", srv.URL+"/nowhere", nil, "")
	if status != http.StatusTeapot || ctype != "application/json" || got != recorder.UnexpectedBody {
		t.Errorf("unexpected request: %d %q %q, want 418 \"application/json\" %q", status, ctype, got, recorder.UnexpectedBody)
	}

	reqs := rec.Requests()
	want := []recorder.Request{
		{
			Method:        "POST",
			Path:          "/items/a%2Fb%20c",
			Query:         "q=a+b&r=%26",
			ContentType:   "application/json",
			Authorization: "Bearer tok",
			Header:        map[string]string{"X-Extra": "extra value"},
			Body:          body,
		},
		{Method: "GET", Path: "/nowhere"},
	}
	if d := recorder.Diff(reqs, want); d != nil {
		t.Errorf("Diff(recorded, want) = %q, want none", d)
	}
	// Field by field too, so that a lenient Equal cannot hide a recording mistake.
	if len(reqs) != 2 {
		t.Fatalf("recorded %d requests, want 2: %v", len(reqs), reqs)
	}
	r := reqs[0]
	if r.Method != "POST" || r.Path != "/items/a%2Fb%20c" || r.Query != "q=a+b&r=%26" ||
		r.ContentType != "application/json" || r.Authorization != "Bearer tok" || r.Body != body ||
		len(r.Header) != 1 || r.Header["X-Extra"] != "extra value" {
		t.Errorf("recorded %#v", r)
	}
	if r := reqs[1]; r.Method != "GET" || r.Path != "/nowhere" || r.Query != "" || r.ContentType != "" ||
		r.Authorization != "" || r.Body != "" || len(r.Header) != 0 {
		t.Errorf("recorded %#v", r)
	}
	mu.Lock()
	if fmt.Sprint(hooked) != "[POST /items/a%2Fb%20c GET /nowhere]" {
		t.Errorf("OnRequest saw %v", hooked)
	}
	mu.Unlock()

	// Requests returns a copy.
	reqs[0].Body = "changed"
	if rec.Requests()[0].Body != body {
		t.Error("changing the result of Requests changed the recorder")
	}
}

// fakeT captures what Check reports instead of failing the test.
type fakeT struct {
	testing.TB
	errors []string
}

func (f *fakeT) Helper() {}

func (f *fakeT) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

func TestCheckReportsMismatch(t *testing.T) {
	base := recorder.Request{
		Method:        "POST",
		Path:          "/p",
		Query:         "a=1",
		ContentType:   "application/json",
		Authorization: "Bearer x",
		Header:        map[string]string{"X-Env": "dev"},
		Body:          `{"a":1}`,
	}
	with := func(change func(*recorder.Request)) recorder.Request {
		r := base
		r.Header = map[string]string{"X-Env": "dev"}
		change(&r)
		return r
	}
	for name, got := range map[string]recorder.Request{
		"method":           with(func(r *recorder.Request) { r.Method = "PUT" }),
		"path":             with(func(r *recorder.Request) { r.Path = "/p/" }),
		"query":            with(func(r *recorder.Request) { r.Query = "a=2" }),
		"content type":     with(func(r *recorder.Request) { r.ContentType = "text/plain" }),
		"authorization":    with(func(r *recorder.Request) { r.Authorization = "" }),
		"header value":     with(func(r *recorder.Request) { r.Header["X-Env"] = "prod" }),
		"header missing":   with(func(r *recorder.Request) { r.Header = nil }),
		"header extra":     with(func(r *recorder.Request) { r.Header["X-Other"] = "y" }),
		"body whitespace":  with(func(r *recorder.Request) { r.Body = `{"a": 1}` }),
		"body trailing nl": with(func(r *recorder.Request) { r.Body += "\n" }),
	} {
		t.Run(name, func(t *testing.T) {
			f := &fakeT{TB: t}
			recorder.Check(f, []recorder.Request{got}, []recorder.Request{base})
			if len(f.errors) != 1 || !strings.HasPrefix(f.errors[0], "request 0:\n got ") {
				t.Errorf("Check reported %q, want one mismatch of request 0", f.errors)
			}
		})
	}

	t.Run("missing", func(t *testing.T) {
		f := &fakeT{TB: t}
		recorder.Check(f, []recorder.Request{base}, []recorder.Request{base, {Method: "GET", Path: "/q"}})
		if len(f.errors) != 1 || !strings.HasPrefix(f.errors[0], "request 1: missing, want GET /q?") {
			t.Errorf("Check reported %q, want request 1 missing", f.errors)
		}
	})
	t.Run("unexpected", func(t *testing.T) {
		f := &fakeT{TB: t}
		recorder.Check(f, []recorder.Request{base, {Method: "GET", Path: "/q"}}, []recorder.Request{base})
		if len(f.errors) != 1 || !strings.HasPrefix(f.errors[0], "request 1: unexpected GET /q?") {
			t.Errorf("Check reported %q, want request 1 unexpected", f.errors)
		}
	})
	t.Run("none expected", func(t *testing.T) {
		f := &fakeT{TB: t}
		recorder.Check(f, []recorder.Request{base}, nil)
		if len(f.errors) != 1 {
			t.Errorf("Check reported %q, want one unexpected request", f.errors)
		}
	})
	t.Run("same", func(t *testing.T) {
		f := &fakeT{TB: t}
		// An empty extra header is the same as an absent one.
		got := with(func(r *recorder.Request) { r.Header["X-Absent"] = "" })
		recorder.Check(f, []recorder.Request{got}, []recorder.Request{base})
		recorder.Check(f, nil, nil)
		if f.errors != nil {
			t.Errorf("Check reported %q for equal requests", f.errors)
		}
	})
}

func TestRequestString(t *testing.T) {
	r := recorder.Request{
		Method:      "POST",
		Path:        "/p",
		Query:       "a=1",
		ContentType: "application/json",
		Header:      map[string]string{"X-B": "2", "X-A": "1", "X-Empty": ""},
		Body:        `{"a":1}`,
	}
	const want = `POST /p?a=1 Content-Type="application/json" Authorization="" X-A="1" X-B="2" body="{\"a\":1}"`
	if got := r.String(); got != want {
		t.Errorf("String() = %s\nwant       %s", got, want)
	}
}
