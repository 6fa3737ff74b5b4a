package rotatetoken_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/examples/prismatic/rotatetoken"
	"github.com/arazzogen/arazzogen/internal/fakeapi"
	"github.com/arazzogen/arazzogen/internal/recorder"
	"github.com/arazzogen/arazzogen/runtime"
)

const (
	workflowID   = "rotate-refresh-token"
	refreshToken = "rt-plain-0123456789"
	accessToken  = "at-plain-abcdef"

	refreshBody  = `{"refresh_token":"rt-plain-0123456789"}`
	graphQLQuery = `{"query":"query listCustomers {\n  customers {\n    nodes {\n      id\n      name\n      externalId\n    }\n  }\n}"}`
)

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

func okReplies() map[string]recorder.Reply {
	return map[string]recorder.Reply{
		"POST /auth/refresh": {Status: 200, Body: `{"access_token":"` + accessToken + `","refresh_token":"rt-next","token_type":"Bearer","expires_in":604800}`},
		"POST /api":          {Status: 200, Body: `{"data":{"customers":{"nodes":[{"id":"Q3VzdG9tZXI6MQ==","name":"Acme Corp","externalId":"acme-123"}]}}}`},
		"POST /auth/revoke":  {Status: 200, Body: `{}`},
	}
}

var (
	wantRefresh  = recorder.Request{Method: "POST", Path: "/auth/refresh", ContentType: "application/json", Body: refreshBody}
	wantValidate = recorder.Request{Method: "POST", Path: "/api", ContentType: "application/json", Authorization: "Bearer " + accessToken, Body: graphQLQuery}
	wantRevoke   = recorder.Request{Method: "POST", Path: "/auth/revoke", ContentType: "application/json", Body: refreshBody}
)

func TestRotateRefreshToken(t *testing.T) {
	rec := &recorder.Recorder{Replies: okReplies()}
	srv := recorder.Serve(t, rec)
	out, err := newClient(t, srv).RotateRefreshToken(t.Context(), rotatetoken.RotateRefreshTokenInputs{RefreshToken: refreshToken})
	if err != nil {
		t.Fatalf("RotateRefreshToken: %v", err)
	}
	recorder.Check(t, rec.Requests(), []recorder.Request{wantRefresh, wantValidate, wantRevoke})
	if out.AccessToken == nil || *out.AccessToken != accessToken {
		t.Errorf("AccessToken = %q, want %q", runtime.Text(out.AccessToken), accessToken)
	}
	if out.RevokedStatus != int64(200) {
		t.Errorf("RevokedStatus = %d, want 200", out.RevokedStatus)
	}
}

func TestRotateRefreshTokenRefreshRefused(t *testing.T) {
	replies := okReplies()
	replies["POST /auth/refresh"] = recorder.Reply{Status: 401, Body: `{"error":"invalid refresh token"}`}
	rec := &recorder.Recorder{Replies: replies}
	srv := recorder.Serve(t, rec)
	out, err := newClient(t, srv).RotateRefreshToken(t.Context(), rotatetoken.RotateRefreshTokenInputs{RefreshToken: refreshToken})
	if out != nil {
		t.Errorf("got outputs %+v with the error", *out)
	}
	se := checkStepError(t, err, "refreshToken", 401)
	if se.Method != "POST" || se.Path != "/auth/refresh" {
		t.Errorf("StepError Method, Path = %q, %q, want POST, /auth/refresh", se.Method, se.Path)
	}
	recorder.Check(t, rec.Requests(), []recorder.Request{wantRefresh})
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
	replies["POST /auth/revoke"] = recorder.Reply{Status: 401, Body: `{"error":"invalid refresh token"}`}
	rec := &recorder.Recorder{Replies: replies}
	srv := recorder.Serve(t, rec)
	_, err := newClient(t, srv).RotateRefreshToken(t.Context(), rotatetoken.RotateRefreshTokenInputs{RefreshToken: refreshToken})
	checkStepError(t, err, "revokeOldToken", 401)
	recorder.Check(t, rec.Requests(), []recorder.Request{wantRefresh, wantValidate, wantRevoke})
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
	rec := &recorder.Recorder{Replies: okReplies()}
	rec.OnRequest = func(r *http.Request) {
		if r.URL.Path != "/api" {
			return
		}
		close(arrived)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}
	srv := recorder.Serve(t, rec)
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
	recorder.Check(t, rec.Requests(), []recorder.Request{wantRefresh, wantValidate})
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
	if runtime.Text(out.AccessToken) != fakeapi.PrismaticAccessToken || out.RevokedStatus != 200 {
		t.Errorf("outputs {AccessToken: %q, RevokedStatus: %d}, want {AccessToken: %q, RevokedStatus: 200}", runtime.Text(out.AccessToken), out.RevokedStatus, fakeapi.PrismaticAccessToken)
	}
	// The refresh token is now revoked: a second rotation is refused at the first step.
	_, err = c.RotateRefreshToken(t.Context(), in)
	checkStepError(t, err, "refreshToken", 401)
}
