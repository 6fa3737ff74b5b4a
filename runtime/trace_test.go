package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestStepErrorCountsAttempts: a step whose retry actions sent its request four times fails
// saying so, and names the criterion that did not hold.
func TestStepErrorCountsAttempts(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	tr := &Transport{Doer: srv.Client()}
	run := tr.Start(context.Background(), "wf")
	st := run.Step("poll")
	var last error
	for attempt := 1; attempt <= 4; attempt++ {
		resp, err := st.Send(&Request{Method: "GET", Path: "/jobs", URL: srv.URL + "/jobs"})
		if err != nil {
			t.Fatal(err)
		}
		last = resp.Unmet("$statusCode == 200")
	}
	err := run.End(last)
	var se *StepError
	if !errors.As(err, &se) {
		t.Fatalf("got %v", err)
	}
	if se.Attempts != 4 || se.Criterion != "$statusCode == 200" {
		t.Errorf("Attempts %d, Criterion %q; want 4 and the condition", se.Attempts, se.Criterion)
	}
	want := "workflow wf: step poll (GET /jobs): status 503 Service Unavailable: success criterion not met: $statusCode == 200 (after 4 attempts)"
	if err.Error() != want {
		t.Errorf("message\n%s\nwant\n%s", err, want)
	}

	// A step that sent once says nothing about attempts.
	run = tr.Start(context.Background(), "wf")
	st = run.Step("once")
	resp, err := st.Send(&Request{Method: "GET", Path: "/jobs", URL: srv.URL + "/jobs"})
	if err != nil {
		t.Fatal(err)
	}
	err = run.End(resp.Unmet("$statusCode == 200"))
	if errors.As(err, &se); se.Attempts != 0 || strings.Contains(err.Error(), "attempt") {
		t.Errorf("one attempt: Attempts %d, message %q", se.Attempts, err)
	}
}

func TestStepErrorProblem(t *testing.T) {
	tests := []struct {
		body          string
		title, detail string
	}{
		{`{"type":"https://example.com/probs/out-of-credit","title":"You do not have enough credit.","detail":"Your balance is 30, but that costs 50.","status":403}`,
			"You do not have enough credit.", "Your balance is 30, but that costs 50."},
		{`{"title":"Bad token","status":401,"extra":{"deep":[1,2,3]},"detail":"expired`, "Bad token", ""}, // cut short
		{`{"errors":[{"message":"Not authorized"}]}`, "", ""},
		{`["title","detail"]`, "", ""},
		{`title: plain text`, "", ""},
		{`{"title":42,"detail":"only the detail"}`, "", "only the detail"},
	}
	for _, tt := range tests {
		title, detail := (&StepError{Body: tt.body}).Problem()
		if title != tt.title || detail != tt.detail {
			t.Errorf("%s: got %q, %q; want %q, %q", tt.body, title, detail, tt.title, tt.detail)
		}
	}
}

// traceServer answers every request with a JSON body holding a secret member and a long
// header.
func traceServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Long", strings.Repeat("x", 5000))
		fmt.Fprintf(w, `{"access_token":"issued-token-77","name":"%s"}`, strings.Repeat("n", 6000))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestSlogTraceObserverShowsRedactedURLAndBodies: -v shows the URL as sent and the bodies,
// with every secret redacted and every value bounded.
func TestSlogTraceObserverShowsRedactedURLAndBodies(t *testing.T) {
	srv := traceServer(t)
	var logs bytes.Buffer
	obs := SlogTraceObserver(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	tr := &Transport{Doer: srv.Client(), Observer: obs}
	run := tr.Start(context.Background(), "wf")
	run.Secret("input-secret-5")
	st := run.Step("s")
	body := []byte(`{"refresh_token":"named-secret-1","note":"has input-secret-5 inside","page":2}`)
	_, err := st.Send(&Request{
		Method: "POST", Path: "/items/{id}",
		URL:         srv.URL + "/items/42?page=2&api_key=q-secret-9&filter=input-secret-5",
		ContentType: "application/json", Body: body,
		Auth: APIKey("header", "X-Api-Key", StaticToken("header-secret-3")),
	})
	if err != nil {
		t.Fatal(err)
	}
	st.End(nil)
	_ = run.End(nil)
	out := logs.String()
	for _, want := range []string{
		"url=\"" + srv.URL + "/items/42?page=2&api_key=[REDACTED]&filter=[REDACTED]\"",
		`body="{\"refresh_token\":\"[REDACTED]\",\"note\":\"has [REDACTED] inside\",\"page\":2}"`,
		`body="{\"access_token\":\"[REDACTED]\",\"name\":\"nnnn`,
		"header.X-Long=" + strings.Repeat("x", MaxLoggedHeaderBytes) + "…",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %s:\n%s", want, out)
		}
	}
	for _, secret := range []string{"named-secret-1", "input-secret-5", "q-secret-9", "header-secret-3", "issued-token-77", strings.Repeat("x", MaxLoggedHeaderBytes+1)} {
		if strings.Contains(out, secret) {
			t.Errorf("trace shows %.40s:\n%s", secret, out)
		}
	}
	// The response body is cut to TraceBodyBytes.
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "msg=response") && (len(line) > TraceBodyBytes+2000 || !strings.Contains(line, "n…\"")) {
			t.Errorf("response line of %d bytes, want the body cut to %d and marked:\n%.300s", len(line), TraceBodyBytes, line)
		}
	}
}

// TestSlogObserverKeepsURLsAndBodiesOut: the plain observer logs neither.
func TestSlogObserverKeepsURLsAndBodiesOut(t *testing.T) {
	srv := traceServer(t)
	var logs bytes.Buffer
	obs := SlogObserver(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	tr := &Transport{Doer: srv.Client(), Observer: obs}
	if _, err := tr.Send(context.Background(), &Request{Method: "GET", Path: "/items/{id}", URL: srv.URL + "/items/42?q=1"}); err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	if strings.Contains(out, "url=") || strings.Contains(out, "body=") || strings.Contains(out, "/items/42") {
		t.Errorf("SlogObserver logged a URL or body:\n%s", out)
	}
	if !strings.Contains(out, "header.X-Long="+strings.Repeat("x", MaxLoggedHeaderBytes)+"…") {
		t.Errorf("header value not cut to %d bytes:\n%.2000s", MaxLoggedHeaderBytes, out)
	}
}

// TestEventDetailNotPrinted: no fmt verb (%v, %#v, and %s, %q, %x, which follow a pointer)
// nor JSON of an event shows its URL or body.
func TestEventDetailNotPrinted(t *testing.T) {
	e := RequestEvent{Method: "POST", detail: refDetail(&exchangeDetail{body: []byte(`{"password":"pw-secret-1"}`), secrets: []string{"pw-secret-1"}})}
	j, _ := json.Marshal(e)
	printed := []string{string(j)}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		printed = append(printed, fmt.Sprintf(verb, e), fmt.Sprintf(verb, &e))
	}
	for _, s := range printed {
		if strings.Contains(s, "pw-secret-1") || strings.Contains(s, "password") {
			t.Errorf("event printed its detail: %s", s)
		}
	}
	if got := e.BodyExcerpt(); got != `{"password":"[REDACTED]"}` {
		t.Errorf("BodyExcerpt = %s", got)
	}
	if (RequestEvent{}).URL() != "" || (ResponseEvent{}).BodyExcerpt() != "" {
		t.Error("an event the runtime did not make must render as empty")
	}
}

func TestFormBodyExcerptRedactsSecretFields(t *testing.T) {
	d := &exchangeDetail{body: []byte("grant_type=client_credentials&client_secret=plain-value&scope=a+b"), contentType: "application/x-www-form-urlencoded; charset=utf-8"}
	if got, want := d.excerpt(), "grant_type=client_credentials&client_secret=[REDACTED]&scope=a+b"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestExcerptRedactsRepeatedSecretValues: a value that is secret in one member is redacted
// where the body repeats it.
func TestExcerptRedactsRepeatedSecretValues(t *testing.T) {
	body := `{"token":"ctok_0123456789abcdef","connect_link_url":"https://example.com/connect?token=ctok_0123456789abcdef","list":[{"apiKey":"nested-key-12345"}],"note":"nested-key-12345 again","auth":"none","kind":"none"}`
	got := excerptN([]byte(body), nil, TraceBodyBytes)
	want := `{"token":"[REDACTED]","connect_link_url":"https://example.com/connect?token=[REDACTED]","list":[{"apiKey":"[REDACTED]"}],"note":"[REDACTED] again","auth":"[REDACTED]","kind":"none"}`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
