package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A StepError survives JSON with its fields, its message, the sentinels errors.Is found in
// it and whether it is transient, and without a secret it knew.
func TestStepErrorJSON(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"error":"bad token tok-secret-77"}`))
	}))
	defer srv.Close()
	tr := Transport{Doer: http.DefaultClient}
	run := tr.Start(context.Background(), "wf")
	run.Secret("tok-secret-77")
	resp, err := run.Step("s").Send(&Request{Method: "GET", Path: "/x", URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	err = run.End(resp.Unmet("$statusCode == 200"))
	data, jerr := json.Marshal(err)
	if jerr != nil {
		t.Fatal(jerr)
	}
	if strings.Contains(string(data), "tok-secret-77") {
		t.Fatalf("JSON shows the secret: %s", data)
	}
	var back StepError
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Error() != err.Error() || back.StatusCode != 400 || back.Step != "s" || back.Path != "/x" || back.Criterion != "$statusCode == 200" {
		t.Errorf("round trip: %q, want %q", back.Error(), err.Error())
	}

	timedOut := &StepError{Workflow: "wf", Step: "s", Reason: "timed out", Err: context.DeadlineExceeded, secrets: newSecretSet([]string{"x"})}
	data, _ = json.Marshal(timedOut)
	back = StepError{}
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(&back, context.DeadlineExceeded) || errors.Is(&back, context.Canceled) || errors.Is(&back, ErrBodyTooLarge) {
		t.Errorf("sentinels after a round trip: %s", data)
	}
}

// Transient marks the failures that sending the request again may cure: no response, a
// request timeout; not a step timeout, a status, or a refused credential.
func TestStepErrorTransient(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens: connections are refused
	tr := Transport{Doer: http.DefaultClient, Timeout: 50 * time.Millisecond}
	_, err = tr.Send(context.Background(), &Request{Method: "GET", URL: "http://" + addr + "/"})
	var se *StepError
	if !errors.As(err, &se) || !se.Transient() {
		t.Errorf("refused connection: %v transient=%v", err, se != nil && se.Transient())
	}

	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}))
	defer slow.Close()
	_, err = tr.Send(context.Background(), &Request{Method: "GET", URL: slow.URL})
	if !errors.As(err, &se) || !se.Transient() {
		t.Errorf("request timeout: %v", err)
	}
	_, err = tr.Send(context.Background(), &Request{Method: "GET", URL: slow.URL, Timeout: 50 * time.Millisecond})
	if !errors.As(err, &se) || se.Transient() {
		t.Errorf("step timeout: %v transient", err)
	}

	status := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	defer status.Close()
	resp, err := tr.Send(context.Background(), &Request{Method: "GET", URL: status.URL})
	if err != nil {
		t.Fatal(err)
	}
	if errors.As(resp.Unmet("$statusCode == 200"), &se) && se.Transient() {
		t.Error("an unmet criterion is transient")
	}
}

// An Activity run reports its steps and requests but no workflow start or end.
func TestActivityRunReportsNoWorkflow(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	rec := &recorder{}
	tr := Transport{Doer: http.DefaultClient, Observer: rec}
	run := tr.Activity(context.Background(), "wf")
	st := run.Step("s")
	if _, err := st.Send(&Request{Method: "GET", Path: "/", URL: srv.URL}); err != nil {
		t.Fatal(err)
	}
	run.End(nil)
	got := strings.Join(rec.lines, "; ")
	if want := "step start s (context lost workflow); request s GET /; response s 200; step end s ok"; got != want {
		t.Errorf("events\n%s\nwant\n%s", got, want)
	}
}
