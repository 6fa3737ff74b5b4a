package otel

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/runtime"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

const (
	refreshSecret = "refresh-secret-1"
	accessSecret  = "at-secret-999"
)

// server issues accessSecret on /refresh, then refuses it on /list, echoing it back.
func server(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/refresh":
			fmt.Fprintf(w, `{"access_token":%q}`, accessSecret)
		case "/list":
			w.WriteHeader(401)
			fmt.Fprintf(w, `{"error":"token %s refused"}`, r.Header.Get("Authorization"))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// workflow does what a generated two-step workflow method does.
func workflow(ctx context.Context, tr *runtime.Transport, base string) (err error) {
	run := tr.Start(ctx, "refresh-and-list")
	defer func() { err = run.End(err) }()
	run.Secret(refreshSecret)
	st := run.Step("refresh")
	resp, err := st.Send(&runtime.Request{Method: "POST", Path: "/refresh", URL: base + "/refresh", Body: []byte(`{"t":"` + refreshSecret + `"}`)})
	if err != nil {
		return err
	}
	var access string
	if err := resp.Decode(&access, "access_token"); err != nil {
		return err
	}
	run.Secret(access)
	st.Retry(2, 250*time.Millisecond, resp.Unmet("pretend"))
	st.End(nil)
	st = run.Step("list")
	resp, err = st.Send(&runtime.Request{Method: "GET", Path: "/list", URL: base + "/list", Auth: runtime.Bearer(runtime.StaticToken(access))})
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		return resp.Unmet("$statusCode == 200")
	}
	return nil
}

func TestSpans(t *testing.T) {
	srv := server(t)
	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	var sawSpan bool
	doer := doerFunc(func(r *http.Request) (*http.Response, error) {
		// The request's context carries its client span, for trace propagation.
		sawSpan = sawSpan || trace.SpanFromContext(r.Context()).SpanContext().IsValid()
		return http.DefaultClient.Do(r)
	})
	tr := &runtime.Transport{Doer: doer, Observer: NewObserver(tp)}
	if err := workflow(context.Background(), tr, srv.URL); err == nil {
		t.Fatal("want the list step to fail")
	}
	if !sawSpan {
		t.Error("the Doer saw no span in the request context")
	}
	spans := sr.Ended()
	byName := map[string]sdktrace.ReadOnlySpan{}
	var names []string
	for _, s := range spans {
		byName[s.Name()] = s
		names = append(names, s.Name())
	}
	// Spans end innermost first.
	want := "POST /refresh,step refresh,GET /list,step list,workflow refresh-and-list"
	if strings.Join(names, ",") != want {
		t.Fatalf("spans %s, want %s", strings.Join(names, ","), want)
	}
	wf, refresh, post, list, get := byName["workflow refresh-and-list"], byName["step refresh"], byName["POST /refresh"], byName["step list"], byName["GET /list"]
	parent := func(child, p sdktrace.ReadOnlySpan) {
		t.Helper()
		if child.Parent().SpanID() != p.SpanContext().SpanID() || child.SpanContext().TraceID() != wf.SpanContext().TraceID() {
			t.Errorf("%s is not a child of %s", child.Name(), p.Name())
		}
	}
	parent(refresh, wf)
	parent(list, wf)
	parent(post, refresh)
	parent(get, list)
	if post.SpanKind() != trace.SpanKindClient || refresh.SpanKind() != trace.SpanKindInternal {
		t.Errorf("kinds %v, %v", post.SpanKind(), refresh.SpanKind())
	}
	attrs := func(s sdktrace.ReadOnlySpan) map[attribute.Key]string {
		m := map[attribute.Key]string{}
		for _, kv := range s.Attributes() {
			m[kv.Key] = kv.Value.Emit()
		}
		return m
	}
	a := attrs(get)
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	for k, v := range map[attribute.Key]string{
		"http.request.method": "GET", "url.template": "/list", "url.scheme": "http", "server.address": "127.0.0.1",
		"server.port": port, "http.response.status_code": "401", "error.type": "401", WorkflowKey: "refresh-and-list", StepKey: "list",
	} {
		if a[k] != v {
			t.Errorf("GET /list %s = %q, want %q (all: %v)", k, a[k], v, a)
		}
	}
	if get.Status().Code != codes.Error || post.Status().Code != codes.Unset {
		t.Errorf("statuses %v, %v", get.Status(), post.Status())
	}
	if attrs(post)["http.response.body.size"] != fmt.Sprint(len(`{"access_token":"`+accessSecret+`"}`)) {
		t.Errorf("POST /refresh attributes %v", attrs(post))
	}
	if list.Status().Code != codes.Error || !strings.Contains(list.Status().Description, "step list (GET /list): status 401 Unauthorized") || wf.Status().Code != codes.Error {
		t.Errorf("step list status %v, workflow status %v", list.Status(), wf.Status())
	}
	if len(refresh.Events()) != 1 || refresh.Events()[0].Name != "arazzo.retry" {
		t.Fatalf("step refresh events %v", refresh.Events())
	}
	ev := map[attribute.Key]string{}
	for _, kv := range refresh.Events()[0].Attributes {
		ev[kv.Key] = kv.Value.Emit()
	}
	if ev[AttemptKey] != "2" || ev[DelayKey] != "250" || ev["http.response.status_code"] != "200" {
		t.Errorf("retry event %v", ev)
	}
	// Nothing recorded holds a secret.
	for _, s := range spans {
		dump := fmt.Sprintf("%s %v %v %v", s.Name(), s.Attributes(), s.Events(), s.Status())
		for _, secret := range []string{refreshSecret, accessSecret} {
			if strings.Contains(dump, secret) {
				t.Errorf("span %s holds %q: %s", s.Name(), secret, dump)
			}
		}
	}
}

func TestTimeoutSpan(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer srv.Close()
	sr := tracetest.NewSpanRecorder()
	tr := &runtime.Transport{Timeout: 50 * time.Millisecond, Observer: NewObserver(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr)))}
	run := tr.Start(context.Background(), "w")
	_, err := run.Step("s").Send(&runtime.Request{Method: "GET", Path: "/slow", URL: srv.URL})
	run.End(err)
	for _, s := range sr.Ended() {
		var typ string
		for _, kv := range s.Attributes() {
			if kv.Key == "error.type" {
				typ = kv.Value.AsString()
			}
		}
		if s.Status().Code != codes.Error || typ != "timeout" || !strings.Contains(s.Status().Description, "timed out after 50ms") {
			t.Errorf("span %s: status %v, error.type %q", s.Name(), s.Status(), typ)
		}
	}
	if len(sr.Ended()) != 3 {
		t.Errorf("%d spans ended, want 3", len(sr.Ended()))
	}
}

type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }
