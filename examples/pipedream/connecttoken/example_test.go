package connecttoken_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/arazzogen/arazzogen/examples/pipedream/connecttoken"
	"github.com/arazzogen/arazzogen/internal/fakeapi"
	"github.com/arazzogen/arazzogen/internal/recorder"
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
	// The validate response; the output is its typed form (wantValidation).
	validation = `{"success": true, "error": null, "app": {"name_slug": "slack", "name": "Slack", "auth_type": "oauth"}, "project_id": "proj_abc123"}`
)

// wantValidation is validation decoded into the ValidateTokenResponse schema type: null and
// absent properties are nil, the enum property is typed.
var wantValidation = connecttoken.ValidateTokenResponse{
	Success:   true,
	App:       &connecttoken.App{NameSlug: "slack", Name: "Slack", AuthType: ptr(connecttoken.AppAuthTypeOauth)},
	ProjectID: ptr(projectID),
}

func ptr[T any](v T) *T { return &v }

// envHeader is the header that carries the Pipedream environment; the tests check it too.
const envHeader = "X-Pd-Environment"

// newServer starts a recorder that also records the environment header.
func newServer(t *testing.T, replies map[string]recorder.Reply) (*httptest.Server, *recorder.Recorder) {
	t.Helper()
	rec := &recorder.Recorder{Replies: replies, Headers: []string{envHeader}}
	return recorder.Serve(t, rec), rec
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

func tokenReply(token string) recorder.Reply {
	return recorder.Reply{Status: 200, Body: `{"token":"` + token + `","connect_link_url":"https://pipedream.com/_static/connect.html?token=` + token + `","expires_at":"2026-01-01T00:00:00Z"}`}
}

func okReplies() map[string]recorder.Reply {
	return map[string]recorder.Reply{
		"POST /v1/connect/" + projectID + "/tokens":            tokenReply(connectToken),
		"GET /v1/connect/tokens/" + connectToken + "/validate": {Status: 200, Body: validation},
	}
}

var (
	wantCreate = recorder.Request{
		Method:      "POST",
		Path:        "/v1/connect/" + projectID + "/tokens",
		ContentType: "application/json",
		Header:      map[string]string{envHeader: environment},
		Body:        createBody,
	}
	wantValidate = recorder.Request{
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
	recorder.Check(t, rec.Requests(), []recorder.Request{wantCreate, wantValidate})
	if out.ConnectToken != connectToken {
		t.Errorf("ConnectToken = %q, want %q", out.ConnectToken, connectToken)
	}
	if !reflect.DeepEqual(out.Validation, wantValidation) {
		t.Errorf("Validation = %s, want %s", jsonText(out.Validation), jsonText(wantValidation))
	}
	// The typed value writes back the members the server sent, null included.
	if got, want := jsonText(out.Validation), `{"app":{"name_slug":"slack","name":"Slack","auth_type":"oauth","img_src":"","custom_fields_json":null,"categories":null,"featured_weight":0},"error":null,"project_id":"proj_abc123","success":true}`; got != want {
		t.Errorf("Validation encodes as %s, want %s", got, want)
	}
}

// Path parameters are escaped as one segment each and the query value is query-escaped.
func TestTokenMintAndValidateEscaping(t *testing.T) {
	in := inputs
	in.ProjectID = "proj/a b"
	in.AppID = "a&b=c d"
	const token = "ctok/x?y#z"
	replies := map[string]recorder.Reply{
		"POST /v1/connect/proj%2Fa%20b/tokens":             tokenReply(token),
		"GET /v1/connect/tokens/ctok%2Fx%3Fy%23z/validate": {Status: 200, Body: validation},
	}
	srv, rec := newServer(t, replies)
	out, err := newClient(t, srv).TokenMintAndValidate(t.Context(), in)
	if err != nil {
		t.Fatalf("TokenMintAndValidate: %v", err)
	}
	recorder.Check(t, rec.Requests(), []recorder.Request{
		{
			Method:      "POST",
			Path:        "/v1/connect/proj%2Fa%20b/tokens",
			ContentType: "application/json",
			Header:      map[string]string{envHeader: environment},
			Body:        `{"external_user_id":"user-42","project_id":"proj/a b"}`,
		},
		{
			Method: "GET",
			Path:   "/v1/connect/tokens/ctok%2Fx%3Fy%23z/validate",
			Query:  "app_id=a%26b%3Dc%20d", // RFC 3986: a space is %20 in a query
		},
	})
	if out.ConnectToken != token {
		t.Errorf("ConnectToken = %q, want %q", out.ConnectToken, token)
	}
}

func TestTokenMintAndValidateRefused(t *testing.T) {
	replies := okReplies()
	replies["GET /v1/connect/tokens/"+connectToken+"/validate"] = recorder.Reply{Status: 404, Body: `{"error":"token not found"}`}
	srv, rec := newServer(t, replies)
	out, err := newClient(t, srv).TokenMintAndValidate(t.Context(), inputs)
	if out != nil {
		t.Errorf("got outputs {ConnectToken: %q, Validation: %s} with the error", out.ConnectToken, jsonText(out.Validation))
	}
	se := checkStepError(t, err, "validateConnectToken", 404)
	if se.Method != "GET" || se.Path != "/v1/connect/tokens/{ctok}/validate" {
		t.Errorf("StepError Method, Path = %q, %q, want GET, /v1/connect/tokens/{ctok}/validate", se.Method, se.Path)
	}
	recorder.Check(t, rec.Requests(), []recorder.Request{wantCreate, wantValidate})
	msg := err.Error()
	for _, secret := range []string{connectToken, createBody, "app_id"} {
		if strings.Contains(msg, secret) {
			t.Errorf("error %q contains %q", msg, secret)
		}
	}
}

func TestTokenMintAndValidateCreateRefused(t *testing.T) {
	replies := okReplies()
	replies["POST /v1/connect/"+projectID+"/tokens"] = recorder.Reply{Status: 400, Body: `{"error":"x-pd-environment header must be \"development\" or \"production\""}`}
	srv, rec := newServer(t, replies)
	_, err := newClient(t, srv).TokenMintAndValidate(t.Context(), inputs)
	se := checkStepError(t, err, "createConnectToken", 400)
	if se.Path != "/v1/connect/{project_id}/tokens" {
		t.Errorf("StepError Path = %q, want the template /v1/connect/{project_id}/tokens", se.Path)
	}
	recorder.Check(t, rec.Requests(), []recorder.Request{wantCreate})
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
	recorder.Check(t, rec.Requests(), nil)
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
	v := out.Validation
	if !v.Success || v.ProjectID == nil || *v.ProjectID != fakeapi.PipedreamProjectID || v.App == nil || v.App.NameSlug != fakeapi.PipedreamAppID {
		t.Errorf("Validation = %s, want success for project %s and app %s", jsonText(v), fakeapi.PipedreamProjectID, fakeapi.PipedreamAppID)
	}
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}
