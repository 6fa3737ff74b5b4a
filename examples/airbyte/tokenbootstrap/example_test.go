package tokenbootstrap_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/arazzogen/arazzogen/examples/airbyte/tokenbootstrap"
	"github.com/arazzogen/arazzogen/internal/fakeapi"
	"github.com/arazzogen/arazzogen/internal/recorder"
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

func okReplies(id string) map[string]recorder.Reply {
	app := `{"id":"` + id + `","name":"` + appName + `","clientId":"` + clientID + `","clientSecret":"` + clientSecret + `","createdAt":1717969830000}`
	return map[string]recorder.Reply{
		"POST /applications":       {Status: 200, Body: app},
		"GET /applications/" + id:  {Status: 200, Body: app},
		"POST /applications/token": {Status: 200, Body: `{"access_token":"` + accessToken + `","token_type":"Bearer","expires_in":180}`},
	}
}

var (
	wantCreate = recorder.Request{Method: "POST", Path: "/applications", ContentType: "application/json", Body: createBody}
	wantGet    = recorder.Request{Method: "GET", Path: "/applications/" + applicationID}
	wantToken  = recorder.Request{Method: "POST", Path: "/applications/token", ContentType: "application/json", Body: tokenBody}
)

func TestBootstrapApplicationToken(t *testing.T) {
	srv, rec := recorder.NewServer(t, okReplies(applicationID))
	out, err := newClient(t, srv).BootstrapApplicationToken(t.Context(), tokenbootstrap.BootstrapApplicationTokenInputs{ApplicationName: appName})
	if err != nil {
		t.Fatalf("BootstrapApplicationToken: %v", err)
	}
	recorder.Check(t, rec.Requests(), []recorder.Request{wantCreate, wantGet, wantToken})
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
	replies["POST /applications"] = recorder.Reply{Status: 200, Body: `{"id":"` + id + `","clientId":"` + clientID + `","clientSecret":"` + clientSecret + `"}`}
	srv, rec := recorder.NewServer(t, replies)
	out, err := newClient(t, srv).BootstrapApplicationToken(t.Context(), tokenbootstrap.BootstrapApplicationTokenInputs{ApplicationName: appName})
	if err != nil {
		t.Fatalf("BootstrapApplicationToken: %v", err)
	}
	recorder.Check(t, rec.Requests(), []recorder.Request{wantCreate, {Method: "GET", Path: "/applications/" + escaped}, wantToken})
	if out.ApplicationID != id {
		t.Errorf("ApplicationID = %q, want %q", out.ApplicationID, id)
	}
}

func TestBootstrapApplicationTokenRefused(t *testing.T) {
	replies := okReplies(applicationID)
	replies["POST /applications/token"] = recorder.Reply{Status: 403, Body: `{"message":"invalid client credentials"}`}
	srv, rec := recorder.NewServer(t, replies)
	out, err := newClient(t, srv).BootstrapApplicationToken(t.Context(), tokenbootstrap.BootstrapApplicationTokenInputs{ApplicationName: appName})
	if out != nil {
		t.Errorf("got outputs %+v with the error", *out)
	}
	se := checkStepError(t, err, "createAccessToken", 403)
	if se.Method != "POST" || se.Path != "/applications/token" {
		t.Errorf("StepError Method, Path = %q, %q, want POST, /applications/token", se.Method, se.Path)
	}
	recorder.Check(t, rec.Requests(), []recorder.Request{wantCreate, wantGet, wantToken})
	checkNoSecrets(t, err)
}

// getApplication's success criterion ($statusCode == 200) fails on a 404: the workflow stops
// there and the credentials are never sent.
func TestBootstrapApplicationTokenApplicationNotFound(t *testing.T) {
	replies := okReplies(applicationID)
	replies["GET /applications/"+applicationID] = recorder.Reply{Status: 404, Body: `{"message":"application not found"}`}
	srv, rec := recorder.NewServer(t, replies)
	_, err := newClient(t, srv).BootstrapApplicationToken(t.Context(), tokenbootstrap.BootstrapApplicationTokenInputs{ApplicationName: appName})
	se := checkStepError(t, err, "getApplication", 404)
	if se.Method != "GET" || se.Path != "/applications/{applicationId}" {
		t.Errorf("StepError Method, Path = %q, %q, want GET, /applications/{applicationId}", se.Method, se.Path)
	}
	recorder.Check(t, rec.Requests(), []recorder.Request{wantCreate, wantGet})
	checkNoSecrets(t, err)
}

func TestBootstrapApplicationTokenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	srv, rec := recorder.NewServer(t, okReplies(applicationID))
	_, err := newClient(t, srv).BootstrapApplicationToken(ctx, tokenbootstrap.BootstrapApplicationTokenInputs{ApplicationName: appName})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	checkStepError(t, err, "createApplication", 0)
	recorder.Check(t, rec.Requests(), nil)
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
