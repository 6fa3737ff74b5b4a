package tokenbootstrap_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/arazzogen/arazzogen/examples/airbyte/tokenbootstrap"
	"github.com/arazzogen/arazzogen/internal/fakeapi"
	"github.com/arazzogen/arazzogen/runtime"
)

const (
	workflowID    = "bootstrap-application-token"
	appName       = "ci-bootstrap"
	applicationID = "app-780d5bd9"
	clientID      = "client-b6b159ce"
	clientSecret  = "secret-9f8e7d6c5b4a"
	accessToken   = "at-airbyte-123456"

	createBody = `{"name":"ci-bootstrap"}`
	tokenBody  = `{"client_id":"client-b6b159ce","client_secret":"secret-9f8e7d6c5b4a","grant-type":"client_credentials"}`
)

// request is what the test server saw of one request.
type request struct {
	Method        string
	Path          string // as sent on the wire (escaped)
	Query         string
	ContentType   string
	Authorization string
	Body          string
}

func (r request) String() string {
	return fmt.Sprintf("%s %s?%s Content-Type=%q Authorization=%q body=%q",
		r.Method, r.Path, r.Query, r.ContentType, r.Authorization, r.Body)
}

type reply struct {
	Status int
	Body   string
}

// recorder is an HTTP handler that records every request and answers with the canned reply
// registered for "METHOD /path" (the escaped path); anything else gets a 418 (and shows in the
// recorded list).
type recorder struct {
	mu      sync.Mutex
	reqs    []request
	replies map[string]reply
}

func newServer(t *testing.T, replies map[string]reply) (*httptest.Server, *recorder) {
	t.Helper()
	rec := &recorder{replies: replies}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	return srv, rec
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		body = []byte("<read error: " + err.Error() + ">")
	}
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, request{
		Method:        r.Method,
		Path:          r.URL.EscapedPath(),
		Query:         r.URL.RawQuery,
		ContentType:   r.Header.Get("Content-Type"),
		Authorization: r.Header.Get("Authorization"),
		Body:          string(body),
	})
	rp, ok := rec.replies[r.Method+" "+r.URL.EscapedPath()]
	rec.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if !ok {
		w.WriteHeader(http.StatusTeapot)
		_, _ = io.WriteString(w, `{"message":"unexpected request"}`)
		return
	}
	w.WriteHeader(rp.Status)
	_, _ = io.WriteString(w, rp.Body)
}

func (rec *recorder) requests() []request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]request(nil), rec.reqs...)
}

func checkRequests(t *testing.T, got, want []request) {
	t.Helper()
	n := max(len(got), len(want))
	for i := range n {
		switch {
		case i >= len(got):
			t.Errorf("request %d: missing, want %v", i, want[i])
		case i >= len(want):
			t.Errorf("request %d: unexpected %v", i, got[i])
		case got[i] != want[i]:
			t.Errorf("request %d:\n got %v\nwant %v", i, got[i], want[i])
		}
	}
}

func newClient(t *testing.T, srv *httptest.Server) *tokenbootstrap.Client {
	t.Helper()
	c, err := tokenbootstrap.NewClient(
		tokenbootstrap.WithServerURL(tokenbootstrap.SourceAirbyteAPI, srv.URL),
		tokenbootstrap.WithHTTPClient(srv.Client()),
	)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

func checkStepError(t *testing.T, err error, step string, status int) *runtime.StepError {
	t.Helper()
	if err == nil {
		t.Fatal("got no error, want a *runtime.StepError")
	}
	var se *runtime.StepError
	if !errors.As(err, &se) {
		t.Fatalf("error %T %q is not a *runtime.StepError", err, err)
	}
	if se.Workflow != workflowID || se.Step != step || se.StatusCode != status {
		t.Errorf("StepError{Workflow: %q, Step: %q, StatusCode: %d}, want {%q, %q, %d}",
			se.Workflow, se.Step, se.StatusCode, workflowID, step, status)
	}
	return se
}

func checkNoSecrets(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	for _, secret := range []string{clientSecret, tokenBody} {
		if strings.Contains(msg, secret) {
			t.Errorf("error %q contains %q", msg, secret)
		}
	}
}

func okReplies(id string) map[string]reply {
	app := `{"id":"` + id + `","name":"` + appName + `","clientId":"` + clientID + `","clientSecret":"` + clientSecret + `","createdAt":1717969830000}`
	return map[string]reply{
		"POST /applications":       {200, app},
		"GET /applications/" + id:  {200, app},
		"POST /applications/token": {200, `{"access_token":"` + accessToken + `","token_type":"Bearer","expires_in":180}`},
	}
}

var (
	wantCreate = request{Method: "POST", Path: "/applications", ContentType: "application/json", Body: createBody}
	wantGet    = request{Method: "GET", Path: "/applications/" + applicationID}
	wantToken  = request{Method: "POST", Path: "/applications/token", ContentType: "application/json", Body: tokenBody}
)

func TestBootstrapApplicationToken(t *testing.T) {
	srv, rec := newServer(t, okReplies(applicationID))
	out, err := newClient(t, srv).BootstrapApplicationToken(t.Context(), tokenbootstrap.BootstrapApplicationTokenInputs{ApplicationName: appName})
	if err != nil {
		t.Fatalf("BootstrapApplicationToken: %v", err)
	}
	checkRequests(t, rec.requests(), []request{wantCreate, wantGet, wantToken})
	want := tokenbootstrap.BootstrapApplicationTokenOutputs{ApplicationID: applicationID, ClientID: clientID, AccessToken: accessToken}
	if *out != want {
		t.Errorf("outputs %+v, want %+v", *out, want)
	}
}

// The application id returned by createApplication is escaped as one path segment.
func TestBootstrapApplicationTokenPathEscaping(t *testing.T) {
	const id = "app/1 x?y"
	const escaped = "app%2F1%20x%3Fy"
	replies := okReplies(escaped)
	replies["POST /applications"] = reply{200, `{"id":"` + id + `","clientId":"` + clientID + `","clientSecret":"` + clientSecret + `"}`}
	srv, rec := newServer(t, replies)
	out, err := newClient(t, srv).BootstrapApplicationToken(t.Context(), tokenbootstrap.BootstrapApplicationTokenInputs{ApplicationName: appName})
	if err != nil {
		t.Fatalf("BootstrapApplicationToken: %v", err)
	}
	checkRequests(t, rec.requests(), []request{wantCreate, {Method: "GET", Path: "/applications/" + escaped}, wantToken})
	if out.ApplicationID != id {
		t.Errorf("ApplicationID = %q, want %q", out.ApplicationID, id)
	}
}

func TestBootstrapApplicationTokenRefused(t *testing.T) {
	replies := okReplies(applicationID)
	replies["POST /applications/token"] = reply{403, `{"message":"invalid client credentials"}`}
	srv, rec := newServer(t, replies)
	out, err := newClient(t, srv).BootstrapApplicationToken(t.Context(), tokenbootstrap.BootstrapApplicationTokenInputs{ApplicationName: appName})
	if out != nil {
		t.Errorf("got outputs %+v with the error", *out)
	}
	se := checkStepError(t, err, "createAccessToken", 403)
	if se.Method != "POST" || se.Path != "/applications/token" {
		t.Errorf("StepError Method, Path = %q, %q, want POST, /applications/token", se.Method, se.Path)
	}
	checkRequests(t, rec.requests(), []request{wantCreate, wantGet, wantToken})
	checkNoSecrets(t, err)
}

// getApplication's success criterion ($statusCode == 200) fails on a 404: the workflow stops
// there and the credentials are never sent.
func TestBootstrapApplicationTokenApplicationNotFound(t *testing.T) {
	replies := okReplies(applicationID)
	replies["GET /applications/"+applicationID] = reply{404, `{"message":"application not found"}`}
	srv, rec := newServer(t, replies)
	_, err := newClient(t, srv).BootstrapApplicationToken(t.Context(), tokenbootstrap.BootstrapApplicationTokenInputs{ApplicationName: appName})
	se := checkStepError(t, err, "getApplication", 404)
	if se.Method != "GET" || se.Path != "/applications/{applicationId}" {
		t.Errorf("StepError Method, Path = %q, %q, want GET, /applications/{applicationId}", se.Method, se.Path)
	}
	checkRequests(t, rec.requests(), []request{wantCreate, wantGet})
	checkNoSecrets(t, err)
}

func TestBootstrapApplicationTokenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	srv, rec := newServer(t, okReplies(applicationID))
	_, err := newClient(t, srv).BootstrapApplicationToken(ctx, tokenbootstrap.BootstrapApplicationTokenInputs{ApplicationName: appName})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	checkStepError(t, err, "createApplication", 0)
	checkRequests(t, rec.requests(), nil)
}

func TestBootstrapApplicationTokenFakeAPI(t *testing.T) {
	srv := httptest.NewServer(fakeapi.Airbyte())
	t.Cleanup(srv.Close)
	out, err := newClient(t, srv).BootstrapApplicationToken(t.Context(), tokenbootstrap.BootstrapApplicationTokenInputs{ApplicationName: appName})
	if err != nil {
		t.Fatalf("BootstrapApplicationToken: %v", err)
	}
	want := tokenbootstrap.BootstrapApplicationTokenOutputs{
		ApplicationID: fakeapi.AirbyteApplicationID,
		ClientID:      fakeapi.AirbyteClientID,
		AccessToken:   fakeapi.AirbyteAccessToken,
	}
	if *out != want {
		t.Errorf("outputs %+v, want %+v", *out, want)
	}
}
