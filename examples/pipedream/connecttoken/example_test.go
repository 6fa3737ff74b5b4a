package connecttoken_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/arazzogen/arazzogen/examples/pipedream/connecttoken"
	"github.com/arazzogen/arazzogen/internal/fakeapi"
	"github.com/arazzogen/arazzogen/runtime"
)

const (
	workflowID     = "token-mint-and-validate"
	projectID      = "proj_abc123"
	environment    = "development"
	externalUserID = "user-42"
	appID          = "slack"
	connectToken   = "ctok_0a1b2c3d4e5f"

	createBody = `{"external_user_id":"user-42","project_id":"proj_abc123"}`
	// The validate response, with its own spacing: the output must be these very bytes.
	validation = `{"success": true, "error": null, "app": {"name_slug": "slack", "name": "Slack"}, "project_id": "proj_abc123"}`
)

// request is what the test server saw of one request.
type request struct {
	Method        string
	Path          string // as sent on the wire (escaped)
	Query         string
	ContentType   string
	Authorization string
	Environment   string // X-Pd-Environment
	Body          string
}

func (r request) String() string {
	return fmt.Sprintf("%s %s?%s Content-Type=%q Authorization=%q X-Pd-Environment=%q body=%q",
		r.Method, r.Path, r.Query, r.ContentType, r.Authorization, r.Environment, r.Body)
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
		Environment:   r.Header.Get("X-Pd-Environment"),
		Body:          string(body),
	})
	rp, ok := rec.replies[r.Method+" "+r.URL.EscapedPath()]
	rec.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if !ok {
		w.WriteHeader(http.StatusTeapot)
		_, _ = io.WriteString(w, `{"error":"unexpected request"}`)
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

func newClient(t *testing.T, srv *httptest.Server) *connecttoken.Client {
	t.Helper()
	c, err := connecttoken.NewClient(
		connecttoken.WithServerURL(connecttoken.SourcePipedreamAPI, srv.URL),
		connecttoken.WithHTTPClient(srv.Client()),
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

var inputs = connecttoken.TokenMintAndValidateInputs{
	ProjectID:      projectID,
	Environment:    environment,
	ExternalUserID: externalUserID,
	AppID:          appID,
}

func tokenReply(token string) reply {
	return reply{200, `{"token":"` + token + `","connect_link_url":"https://pipedream.com/_static/connect.html?token=` + token + `","expires_at":"2026-01-01T00:00:00Z"}`}
}

func okReplies() map[string]reply {
	return map[string]reply{
		"POST /v1/connect/" + projectID + "/tokens":            tokenReply(connectToken),
		"GET /v1/connect/tokens/" + connectToken + "/validate": {200, validation},
	}
}

var (
	wantCreate = request{
		Method:      "POST",
		Path:        "/v1/connect/" + projectID + "/tokens",
		ContentType: "application/json",
		Environment: environment,
		Body:        createBody,
	}
	wantValidate = request{
		Method: "GET",
		Path:   "/v1/connect/tokens/" + connectToken + "/validate",
		Query:  "app_id=" + appID,
	}
)

func TestTokenMintAndValidate(t *testing.T) {
	srv, rec := newServer(t, okReplies())
	out, err := newClient(t, srv).TokenMintAndValidate(t.Context(), inputs)
	if err != nil {
		t.Fatalf("TokenMintAndValidate: %v", err)
	}
	checkRequests(t, rec.requests(), []request{wantCreate, wantValidate})
	if out.ConnectToken != connectToken {
		t.Errorf("ConnectToken = %q, want %q", out.ConnectToken, connectToken)
	}
	if string(out.Validation) != validation {
		t.Errorf("Validation = %s, want %s", out.Validation, validation)
	}
}

// Path parameters are escaped as one segment each and the query value is query-escaped.
func TestTokenMintAndValidateEscaping(t *testing.T) {
	in := inputs
	in.ProjectID = "proj/a b"
	in.AppID = "a&b=c d"
	const token = "ctok/x?y#z"
	replies := map[string]reply{
		"POST /v1/connect/proj%2Fa%20b/tokens":             tokenReply(token),
		"GET /v1/connect/tokens/ctok%2Fx%3Fy%23z/validate": {200, validation},
	}
	srv, rec := newServer(t, replies)
	out, err := newClient(t, srv).TokenMintAndValidate(t.Context(), in)
	if err != nil {
		t.Fatalf("TokenMintAndValidate: %v", err)
	}
	checkRequests(t, rec.requests(), []request{
		{
			Method:      "POST",
			Path:        "/v1/connect/proj%2Fa%20b/tokens",
			ContentType: "application/json",
			Environment: environment,
			Body:        `{"external_user_id":"user-42","project_id":"proj/a b"}`,
		},
		{
			Method: "GET",
			Path:   "/v1/connect/tokens/ctok%2Fx%3Fy%23z/validate",
			Query:  "app_id=a%26b%3Dc+d",
		},
	})
	if out.ConnectToken != token {
		t.Errorf("ConnectToken = %q, want %q", out.ConnectToken, token)
	}
}

func TestTokenMintAndValidateRefused(t *testing.T) {
	replies := okReplies()
	replies["GET /v1/connect/tokens/"+connectToken+"/validate"] = reply{404, `{"error":"token not found"}`}
	srv, rec := newServer(t, replies)
	out, err := newClient(t, srv).TokenMintAndValidate(t.Context(), inputs)
	if out != nil {
		t.Errorf("got outputs {ConnectToken: %q, Validation: %s} with the error", out.ConnectToken, out.Validation)
	}
	se := checkStepError(t, err, "validateConnectToken", 404)
	if se.Method != "GET" || se.Path != "/v1/connect/tokens/{ctok}/validate" {
		t.Errorf("StepError Method, Path = %q, %q, want GET, /v1/connect/tokens/{ctok}/validate", se.Method, se.Path)
	}
	checkRequests(t, rec.requests(), []request{wantCreate, wantValidate})
	msg := err.Error()
	for _, secret := range []string{connectToken, createBody, "app_id"} {
		if strings.Contains(msg, secret) {
			t.Errorf("error %q contains %q", msg, secret)
		}
	}
}

func TestTokenMintAndValidateCreateRefused(t *testing.T) {
	replies := okReplies()
	replies["POST /v1/connect/"+projectID+"/tokens"] = reply{400, `{"error":"x-pd-environment header must be \"development\" or \"production\""}`}
	srv, rec := newServer(t, replies)
	_, err := newClient(t, srv).TokenMintAndValidate(t.Context(), inputs)
	se := checkStepError(t, err, "createConnectToken", 400)
	if se.Path != "/v1/connect/{project_id}/tokens" {
		t.Errorf("StepError Path = %q, want the template /v1/connect/{project_id}/tokens", se.Path)
	}
	checkRequests(t, rec.requests(), []request{wantCreate})
	if msg := err.Error(); strings.Contains(msg, projectID) || strings.Contains(msg, createBody) {
		t.Errorf("error %q contains the project id or the request body", msg)
	}
}

func TestTokenMintAndValidateCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	srv, rec := newServer(t, okReplies())
	_, err := newClient(t, srv).TokenMintAndValidate(ctx, inputs)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	checkStepError(t, err, "createConnectToken", 0)
	checkRequests(t, rec.requests(), nil)
}

func TestTokenMintAndValidateFakeAPI(t *testing.T) {
	srv := httptest.NewServer(fakeapi.Pipedream())
	t.Cleanup(srv.Close)
	out, err := newClient(t, srv).TokenMintAndValidate(t.Context(), connecttoken.TokenMintAndValidateInputs{
		ProjectID:      fakeapi.PipedreamProjectID,
		Environment:    fakeapi.PipedreamEnvironment,
		ExternalUserID: fakeapi.PipedreamExternalUserID,
		AppID:          fakeapi.PipedreamAppID,
	})
	if err != nil {
		t.Fatalf("TokenMintAndValidate: %v", err)
	}
	if out.ConnectToken != fakeapi.PipedreamConnectToken {
		t.Errorf("ConnectToken = %q, want %q", out.ConnectToken, fakeapi.PipedreamConnectToken)
	}
	var v struct {
		Success   bool   `json:"success"`
		ProjectID string `json:"project_id"`
		App       struct {
			NameSlug string `json:"name_slug"`
		} `json:"app"`
	}
	if err := json.Unmarshal(out.Validation, &v); err != nil {
		t.Fatalf("Validation %s: %v", out.Validation, err)
	}
	if !v.Success || v.ProjectID != fakeapi.PipedreamProjectID || v.App.NameSlug != fakeapi.PipedreamAppID {
		t.Errorf("Validation = %s, want success for project %s and app %s", out.Validation, fakeapi.PipedreamProjectID, fakeapi.PipedreamAppID)
	}
}
