package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

type ctxMark string

// recorder is an Observer that records each event as a line, and marks the contexts it
// returns so that the test can see them threaded through.
type recorder struct {
	mu     sync.Mutex
	lines  []string
	events []any
}

func (o *recorder) add(ctx context.Context, kind string, want ctxMark, e any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	line := kind
	if want != "" && ctx.Value(want) == nil {
		line += " (context lost " + string(want) + ")"
	}
	o.lines = append(o.lines, line)
	o.events = append(o.events, e)
}

func errText(err error) string {
	if err == nil {
		return "ok"
	}
	return "failed"
}

func (o *recorder) WorkflowStart(ctx context.Context, e WorkflowEvent) context.Context {
	o.add(ctx, "workflow start "+e.Workflow, "", e)
	return context.WithValue(ctx, ctxMark("workflow"), true)
}
func (o *recorder) WorkflowEnd(ctx context.Context, e WorkflowEvent) {
	o.add(ctx, "workflow end "+e.Workflow+" "+errText(e.Err), "workflow", e)
}
func (o *recorder) StepStart(ctx context.Context, e StepEvent) context.Context {
	o.add(ctx, "step start "+e.Step, "workflow", e)
	return context.WithValue(ctx, ctxMark("step"), true)
}
func (o *recorder) StepEnd(ctx context.Context, e StepEvent) {
	o.add(ctx, "step end "+e.Step+" "+errText(e.Err), "step", e)
}
func (o *recorder) Request(ctx context.Context, e RequestEvent) context.Context {
	o.add(ctx, fmt.Sprintf("request %s %s %s", e.Step, e.Method, e.Path), "step", e)
	return context.WithValue(ctx, ctxMark("request"), true)
}
func (o *recorder) Response(ctx context.Context, e ResponseEvent) {
	o.add(ctx, fmt.Sprintf("response %s %d", e.Step, e.StatusCode), "request", e)
}
func (o *recorder) Retry(ctx context.Context, e RetryEvent) {
	o.add(ctx, fmt.Sprintf("retry %s %d %s %d", e.Step, e.Attempt, e.Delay, e.StatusCode), "step", e)
}

const (
	refreshSecret = "refresh-secret-1"
	accessSecret  = "at-secret-999"
	keySecret     = "key-secret-42"
)

// tokenAPI hands out accessSecret for refreshSecret, then refuses it, echoing it back.
func tokenAPI(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/refresh":
			w.Header().Set("Set-Cookie", "sid="+accessSecret)
			fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer"}`, accessSecret)
		case "/list":
			if r.Context().Value(ctxMark("request")) != nil {
				t.Error("the server saw a client context value")
			}
			w.WriteHeader(401)
			fmt.Fprintf(w, `{"error":"token %s refused"}`, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// runWorkflow is what a generated two-step workflow method does with a Run.
func runWorkflow(ctx context.Context, tr *Transport, base string) (err error) {
	run := tr.Start(ctx, "w")
	defer func() { err = run.End(err) }()
	run.Secret(refreshSecret, "")

	st := run.Step("refresh")
	resp, err := st.Send(&Request{Method: "POST", Path: "/refresh", URL: base + "/refresh", ContentType: "application/json",
		Body: []byte(`{"refresh_token":"` + refreshSecret + `"}`), Auth: APIKey("header", "X-Key", StaticToken(keySecret))})
	if err != nil {
		return err
	}
	var access string
	if err := resp.Decode(&access, "access_token"); err != nil {
		return err
	}
	run.Secret(access)
	st.End(nil)

	st = run.Step("list")
	h := http.Header{"Authorization": {"Bearer " + access}}
	resp, err = st.Send(&Request{Method: "GET", Path: "/list/{id}", URL: base + "/list", Header: h})
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		return resp.Unmet("$statusCode == 200")
	}
	return nil
}

// ctxCheckingDoer fails a request whose context lacks the observer's request mark.
type ctxCheckingDoer struct{ d Doer }

func (c ctxCheckingDoer) Do(r *http.Request) (*http.Response, error) {
	if r.Context().Value(ctxMark("request")) == nil {
		return nil, errors.New("request context lost")
	}
	return c.d.Do(r)
}

func TestRunObservesWithoutSecrets(t *testing.T) {
	srv := tokenAPI(t)
	obs := &recorder{}
	tr, _ := newTestTransport(t)
	tr.Doer = ctxCheckingDoer{tr.Doer}
	tr.Observer = obs
	err := runWorkflow(context.Background(), tr, srv.URL)
	se := mustStepError(t, err)
	if se.Step != "list" || se.StatusCode != 401 {
		t.Errorf("error %q", err)
	}
	want := []string{
		"workflow start w",
		"step start refresh", "request refresh POST /refresh", "response refresh 200", "step end refresh ok",
		"step start list", "request list GET /list/{id}", "response list 401", "step end list failed",
		"workflow end w failed",
	}
	if strings.Join(obs.lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(obs.lines, "\n"), strings.Join(want, "\n"))
	}
	everything := fmt.Sprintf("%+v\n%s\n%s", obs.events, err, se.Body)
	for _, s := range []string{refreshSecret, accessSecret, keySecret} {
		if strings.Contains(everything, s) {
			t.Errorf("secret %q appears in events or the error:\n%s", s, everything)
		}
	}
	if !strings.Contains(se.Body, `"error":"token [REDACTED] refused"`) {
		t.Errorf("body excerpt %q: want the echoed token redacted", se.Body)
	}
	req := obs.events[2].(RequestEvent)
	if req.Header.Get("X-Key") != Redacted || req.BodyBytes != 36 || req.Server != srv.URL {
		t.Errorf("request event %+v", req)
	}
	if obs.events[3].(ResponseEvent).Header.Get("Set-Cookie") != Redacted {
		t.Errorf("response event %+v", obs.events[3])
	}
	if got := obs.events[6].(RequestEvent).Header.Get("Authorization"); got != Redacted {
		t.Errorf("Authorization in the event is %q", got)
	}
}

func TestSlogObserver(t *testing.T) {
	srv := tokenAPI(t)
	var buf bytes.Buffer
	tr, _ := newTestTransport(t)
	tr.Observer = SlogObserver(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	err := runWorkflow(context.Background(), tr, srv.URL)
	if err == nil {
		t.Fatal("want the list step to fail")
	}
	out := buf.String()
	for _, s := range []string{refreshSecret, accessSecret, keySecret} {
		if strings.Contains(out, s) {
			t.Errorf("secret %q logged:\n%s", s, out)
		}
	}
	var got []string
	for line := range strings.Lines(out) {
		var rec struct {
			Level, Msg, Step string
			Status           int
			Header           map[string]string
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not JSON: %s", line)
		}
		s := rec.Level + " " + rec.Msg + " " + rec.Step
		if rec.Status != 0 {
			s += fmt.Sprint(" ", rec.Status)
		}
		if a := rec.Header["Authorization"]; a != "" {
			s += " Authorization=" + a
		}
		got = append(got, strings.TrimSpace(s))
	}
	want := []string{
		"INFO workflow start", "DEBUG step start refresh", "DEBUG request refresh", "DEBUG response refresh 200",
		"DEBUG step end refresh", "DEBUG step start list", "DEBUG request list Authorization=[REDACTED]",
		"DEBUG response list 401", "WARN step end list", "ERROR workflow end",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("records:\n%s\nwant:\n%s\n\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), out)
	}
	// At Info, only the run is logged.
	buf.Reset()
	tr.Observer = SlogObserver(slog.New(slog.NewTextHandler(&buf, nil)))
	runWorkflow(context.Background(), tr, srv.URL)
	if n := strings.Count(buf.String(), "\n"); n != 3 || !strings.Contains(buf.String(), "level=WARN msg=\"step end\"") {
		t.Errorf("at Info level:\n%s", buf.String())
	}
}

func TestStepErrRetryAndEndOnce(t *testing.T) {
	obs := &recorder{}
	tr := &Transport{Observer: MultiObserver(nil, obs, NopObserver{})}
	ctx, cancel := context.WithCancel(context.Background())
	run := tr.Start(ctx, "w")
	run.Secret("retry-secret-7")
	st := run.Step("poll")
	if st.Err() != nil {
		t.Fatal("Err before cancellation")
	}
	cause := &StepError{Workflow: "w", Step: "poll", StatusCode: 429, Reason: "echoed retry-secret-7"}
	st.Retry(2, 1500*time.Millisecond, cause)
	cancel()
	err := st.Err()
	if se := mustStepError(t, err); se.Step != "poll" || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "workflow w: step poll: cancelled") {
		t.Errorf("Err after cancel = %v", err)
	}
	st.End(err)
	st.End(nil)
	wrapped := fmt.Errorf("wrapped: %w", &StepError{Workflow: "w", Step: "poll", Reason: "saw retry-secret-7 and later-secret-8"})
	run.Secret("later-secret-8")
	got := run.End(wrapped)
	run.End(nil)
	var se *StepError
	if !errors.As(got, &se) || strings.Contains(got.Error(), "secret-7") || strings.Contains(got.Error(), "secret-8") {
		t.Errorf("End returned %v", got)
	}
	want := "workflow start w\nstep start poll\nretry poll 2 1.5s 429\nstep end poll failed\nworkflow end w failed"
	if strings.Join(obs.lines, "\n") != want {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(obs.lines, "\n"), want)
	}
	if s := fmt.Sprintf("%+v", obs.events); strings.Contains(s, "retry-secret-7") {
		t.Errorf("events leak a secret: %s", s)
	}
	// A step left open is ended with the run's error.
	obs.lines = nil
	run = tr.Start(context.Background(), "w")
	run.Step("a")
	run.End(errors.New("boom"))
	if want := "workflow start w\nstep start a\nstep end a failed\nworkflow end w failed"; strings.Join(obs.lines, "\n") != want {
		t.Errorf("events:\n%s", strings.Join(obs.lines, "\n"))
	}
}

// Without an observer, a run of a short workflow allocates the Run and nothing else: its
// first three steps, the list of open steps and its first three secrets live in the Run. Steps past those it
// has room for still work.
func TestRunAllocations(t *testing.T) {
	tr := &Transport{}
	ctx := context.Background()
	names, secrets := []string{"a", "b", "c"}, []string{"secret-a", "secret-b", ""} // empty: ignored
	allocs := testing.AllocsPerRun(100, func() {
		run := tr.Start(ctx, "w")
		run.Secret("input-secret")
		for i, name := range names {
			st := run.Step(name)
			run.Secret(secrets[i])
			st.End(nil)
		}
		if err := run.End(nil); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 1 {
		t.Errorf("a three-step run allocates %v times, want 1 (the Run)", allocs)
	}

	run := tr.Start(ctx, "w")
	var steps []*Step
	for i := range 10 {
		steps = append(steps, run.Step(fmt.Sprint("s", i)))
	}
	for i, st := range steps {
		if st.name != fmt.Sprint("s", i) || st.run != run {
			t.Errorf("step %d is %q of %p", i, st.name, st.run)
		}
	}
	steps[9].End(nil)
	err := run.End(errors.New("boom"))
	for i, st := range steps {
		if !st.ended {
			t.Errorf("step %d not ended by the run's End (%v)", i, err)
		}
	}
}
