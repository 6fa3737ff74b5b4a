package rotatetoken_test

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
	"time"

	"github.com/arazzogen/arazzogen/examples/prismatic/rotatetoken"
	"github.com/arazzogen/arazzogen/internal/fakeapi"
	"github.com/arazzogen/arazzogen/runtime"
)

const (
	workflowID   = "rotate-refresh-token"
	refreshToken = "rt-plain-0123456789"
	accessToken  = "at-plain-abcdef"

	refreshBody  = `{"refresh_token":"rt-plain-0123456789"}`
	graphQLQuery = `{"query":"query listCustomers {\n  customers {\n    nodes {\n      id\n      name\n      externalId\n    }\n  }\n}"}`
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
// registered for "METHOD /path"; anything else gets a 418 (and shows in the recorded list).
// onRequest, when set, runs after a request is recorded and before it is answered.
type recorder struct {
	mu        sync.Mutex
	reqs      []request
	replies   map[string]reply
	onRequest func(*http.Request)
}

func newServer(t *testing.T, rec *recorder) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	return srv
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
	if rec.onRequest != nil {
		rec.onRequest(r)
	}
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

func newClient(t *testing.T, srv *httptest.Server) *rotatetoken.Client {
	t.Helper()
	c, err := rotatetoken.NewClient(
		rotatetoken.WithServerURL(rotatetoken.SourcePrismaticGraphqlAPI, srv.URL),
		rotatetoken.WithHTTPClient(srv.Client()),
	)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

func stepError(t *testing.T, err error) *runtime.StepError {
	t.Helper()
	if err == nil {
		t.Fatal("got no error, want a *runtime.StepError")
	}
	var se *runtime.StepError
	if !errors.As(err, &se) {
		t.Fatalf("error %T %q is not a *runtime.StepError", err, err)
	}
	return se
}

func checkStepError(t *testing.T, err error, step string, status int) *runtime.StepError {
	t.Helper()
	se := stepError(t, err)
	if se.Workflow != workflowID || se.Step != step || se.StatusCode != status {
		t.Errorf("StepError{Workflow: %q, Step: %q, StatusCode: %d}, want {%q, %q, %d}",
			se.Workflow, se.Step, se.StatusCode, workflowID, step, status)
	}
	return se
}

func okReplies() map[string]reply {
	return map[string]reply{
		"POST /auth/refresh": {200, `{"access_token":"` + accessToken + `","refresh_token":"rt-next","token_type":"Bearer","expires_in":604800}`},
		"POST /api":          {200, `{"data":{"customers":{"nodes":[{"id":"Q3VzdG9tZXI6MQ==","name":"Acme Corp","externalId":"acme-123"}]}}}`},
		"POST /auth/revoke":  {200, `{}`},
	}
}

var (
	wantRefresh  = request{Method: "POST", Path: "/auth/refresh", ContentType: "application/json", Body: refreshBody}
	wantValidate = request{Method: "POST", Path: "/api", ContentType: "application/json", Authorization: "Bearer " + accessToken, Body: graphQLQuery}
	wantRevoke   = request{Method: "POST", Path: "/auth/revoke", ContentType: "application/json", Body: refreshBody}
)

func TestRotateRefreshToken(t *testing.T) {
	rec := &recorder{replies: okReplies()}
	srv := newServer(t, rec)
	out, err := newClient(t, srv).RotateRefreshToken(t.Context(), rotatetoken.RotateRefreshTokenInputs{RefreshToken: refreshToken})
	if err != nil {
		t.Fatalf("RotateRefreshToken: %v", err)
	}
	checkRequests(t, rec.requests(), []request{wantRefresh, wantValidate, wantRevoke})
	if out.AccessToken != accessToken {
		t.Errorf("AccessToken = %q, want %q", out.AccessToken, accessToken)
	}
	if out.RevokedStatus != int64(200) {
		t.Errorf("RevokedStatus = %d, want 200", out.RevokedStatus)
	}
}

func TestRotateRefreshTokenRefreshRefused(t *testing.T) {
	replies := okReplies()
	replies["POST /auth/refresh"] = reply{401, `{"error":"invalid refresh token"}`}
	rec := &recorder{replies: replies}
	srv := newServer(t, rec)
	out, err := newClient(t, srv).RotateRefreshToken(t.Context(), rotatetoken.RotateRefreshTokenInputs{RefreshToken: refreshToken})
	if out != nil {
		t.Errorf("got outputs %+v with the error", *out)
	}
	se := checkStepError(t, err, "refreshToken", 401)
	if se.Method != "POST" || se.Path != "/auth/refresh" {
		t.Errorf("StepError Method, Path = %q, %q, want POST, /auth/refresh", se.Method, se.Path)
	}
	checkRequests(t, rec.requests(), []request{wantRefresh})
	msg := err.Error()
	for _, secret := range []string{refreshToken, refreshBody} {
		if strings.Contains(msg, secret) {
			t.Errorf("error %q contains %q", msg, secret)
		}
	}
}

// A revoke that does not answer 200 fails the workflow at the last step, after both earlier
// requests were sent.
func TestRotateRefreshTokenRevokeRefused(t *testing.T) {
	replies := okReplies()
	replies["POST /auth/revoke"] = reply{401, `{"error":"invalid refresh token"}`}
	rec := &recorder{replies: replies}
	srv := newServer(t, rec)
	_, err := newClient(t, srv).RotateRefreshToken(t.Context(), rotatetoken.RotateRefreshTokenInputs{RefreshToken: refreshToken})
	checkStepError(t, err, "revokeOldToken", 401)
	checkRequests(t, rec.requests(), []request{wantRefresh, wantValidate, wantRevoke})
	msg := err.Error()
	for _, secret := range []string{refreshToken, refreshBody, accessToken} {
		if strings.Contains(msg, secret) {
			t.Errorf("error %q contains %q", msg, secret)
		}
	}
}

// Cancelling the context while validateToken waits for its response ends the workflow
// promptly with context.Canceled, and the old token is not revoked.
func TestRotateRefreshTokenCancelledInFlight(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	arrived := make(chan struct{})
	release := make(chan struct{})
	rec := &recorder{replies: okReplies()}
	rec.onRequest = func(r *http.Request) {
		if r.URL.Path != "/api" {
			return
		}
		close(arrived)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}
	srv := newServer(t, rec)
	t.Cleanup(func() { close(release) }) // runs before srv.Close
	c := newClient(t, srv)

	done := make(chan error, 1)
	go func() {
		_, err := c.RotateRefreshToken(ctx, rotatetoken.RotateRefreshTokenInputs{RefreshToken: refreshToken})
		done <- err
	}()
	select {
	case <-arrived:
	case err := <-done:
		t.Fatalf("workflow ended before validateToken was sent: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("validateToken was not sent within 10s")
	}
	cancel()
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the workflow did not return within 10s of the cancellation")
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	checkStepError(t, err, "validateToken", 0)
	checkRequests(t, rec.requests(), []request{wantRefresh, wantValidate})
}

func TestRotateRefreshTokenFakeAPI(t *testing.T) {
	srv := httptest.NewServer(fakeapi.Prismatic())
	t.Cleanup(srv.Close)
	c := newClient(t, srv)
	in := rotatetoken.RotateRefreshTokenInputs{RefreshToken: fakeapi.PrismaticRefreshToken}
	out, err := c.RotateRefreshToken(t.Context(), in)
	if err != nil {
		t.Fatalf("RotateRefreshToken: %v", err)
	}
	if out.AccessToken != fakeapi.PrismaticAccessToken || out.RevokedStatus != 200 {
		t.Errorf("outputs %+v, want {AccessToken: %q, RevokedStatus: 200}", *out, fakeapi.PrismaticAccessToken)
	}
	// The refresh token is now revoked: a second rotation is refused at the first step.
	_, err = c.RotateRefreshToken(t.Context(), in)
	checkStepError(t, err, "refreshToken", 401)
}
