package connecttoken_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/arazzogen/arazzogen/examples/pipedream/connecttoken"
	"github.com/arazzogen/arazzogen/runtime"
)

// The Pipedream description protects createToken with an oauth2 client credentials scheme
// whose token URL is https://api.pipedream.com/v1/oauth/token, so the generated client has
// WithClientCredentials. These tests run it against a local server that plays both the
// token endpoint and the API.

const (
	clientID     = "pd-client-7"
	clientSecret = "pd-secret-0123456789"
	accessToken  = "pd-access-abcdef012345"
)

// pipedream is a local Pipedream: the token endpoint, createToken (which needs the access
// token) and validateToken. A refused request gets a body that echoes what it was sent, as
// careless servers do, so that the tests can check that no secret reaches an error.
type pipedream struct {
	mu sync.Mutex
	// tokenStatus and apiStatus replace 200 for the token endpoint and createToken.
	tokenStatus, apiStatus int
	tokenRequests          []*http.Request
	tokenForms             []url.Values
	createAuth             []string // the Authorization header of each createToken request
	validateAuth           []string
}

func (p *pipedream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	p.mu.Lock()
	defer p.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == "POST" && r.URL.Path == "/v1/oauth/token":
		form, _ := url.ParseQuery(string(body))
		p.tokenRequests = append(p.tokenRequests, r)
		p.tokenForms = append(p.tokenForms, form)
		id, secret, _ := r.BasicAuth()
		if p.tokenStatus != 0 {
			w.WriteHeader(p.tokenStatus)
			fmt.Fprintf(w, `{"error":"invalid_client","error_description":"client %s with secret %s is unknown"}`, id, secret)
			return
		}
		fmt.Fprintf(w, `{"access_token":%q,"token_type":"bearer","expires_in":3600}`, accessToken)
	case r.Method == "POST" && strings.HasPrefix(r.URL.Path, "/v1/connect/"):
		p.createAuth = append(p.createAuth, r.Header.Get("Authorization"))
		if p.apiStatus != 0 {
			w.WriteHeader(p.apiStatus)
			fmt.Fprintf(w, `{"error":"refused %s"}`, r.Header.Get("Authorization"))
			return
		}
		fmt.Fprint(w, tokenReply(connectToken).Body)
	case r.Method == "GET" && strings.HasSuffix(r.URL.Path, "/validate"):
		p.validateAuth = append(p.validateAuth, r.Header.Get("Authorization"))
		fmt.Fprint(w, validation)
	default:
		w.WriteHeader(http.StatusTeapot)
	}
}

// rewrite sends every request to srv whatever its host, standing in for DNS: the token URL
// in the description is absolute.
type rewrite struct{ srv *httptest.Server }

func (d rewrite) Do(r *http.Request) (*http.Response, error) {
	u, _ := url.Parse(d.srv.URL)
	r.URL.Scheme, r.URL.Host, r.Host = u.Scheme, u.Host, u.Host
	return d.srv.Client().Do(r)
}

func credentialClient(t *testing.T, p *pipedream, opts ...connecttoken.Option) (*connecttoken.Client, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	c, err := connecttoken.NewClient(append([]connecttoken.Option{
		connecttoken.WithHTTPClient(rewrite{srv}),
		connecttoken.WithClientCredentials(connecttoken.SourcePipedreamAPI, clientID, clientSecret),
	}, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c, srv
}

func TestClientCredentials(t *testing.T) {
	p := &pipedream{}
	c, _ := credentialClient(t, p)
	for range 2 {
		out, err := c.TokenMintAndValidate(t.Context(), inputs)
		if err != nil {
			t.Fatalf("TokenMintAndValidate: %v", err)
		}
		if out.ConnectToken != connectToken {
			t.Errorf("ConnectToken = %q, want %q", out.ConnectToken, connectToken)
		}
	}
	// One token for both runs: it is cached until it expires.
	if len(p.tokenRequests) != 1 {
		t.Fatalf("%d token requests, want 1 (the token is cached)", len(p.tokenRequests))
	}
	tr := p.tokenRequests[0]
	if id, secret, ok := tr.BasicAuth(); !ok || id != clientID || secret != clientSecret {
		t.Errorf("token request authenticated as %q/%q (%v), want the client id and secret", id, secret, ok)
	}
	if got := p.tokenForms[0].Get("grant_type"); got != "client_credentials" {
		t.Errorf("grant_type = %q, want client_credentials", got)
	}
	// The operation's requirement lists no scopes, so none are asked for.
	if p.tokenForms[0].Has("scope") {
		t.Errorf("token request asks for scope %q, want none", p.tokenForms[0].Get("scope"))
	}
	want := []string{"Bearer " + accessToken, "Bearer " + accessToken}
	if fmt.Sprint(p.createAuth) != fmt.Sprint(want) {
		t.Errorf("createToken Authorization headers %q, want %q", p.createAuth, want)
	}
	// validateToken declares no security requirement: it gets no credential.
	if fmt.Sprint(p.validateAuth) != fmt.Sprint([]string{"", ""}) {
		t.Errorf("validateToken Authorization headers %q, want none", p.validateAuth)
	}
}

func TestClientCredentialsRefusedByTokenEndpoint(t *testing.T) {
	p := &pipedream{tokenStatus: 401}
	c, _ := credentialClient(t, p)
	_, err := c.TokenMintAndValidate(t.Context(), inputs)
	se := checkStepError(t, err, "createConnectToken", 0)
	if se.Reason != "authentication failed" {
		t.Errorf("Reason = %q, want authentication failed", se.Reason)
	}
	var te *runtime.TokenError
	if !errors.As(err, &te) || te.StatusCode != 401 || te.Code != "invalid_client" {
		t.Errorf("error %v does not wrap the token endpoint's refusal (status 401, invalid_client)", err)
	}
	if len(p.createAuth) != 0 {
		t.Errorf("createToken was called %d times without a token", len(p.createAuth))
	}
	if msg := err.Error(); strings.Contains(msg, clientSecret) {
		t.Errorf("error %q contains the client secret", msg)
	}
	if !strings.Contains(err.Error(), "step createConnectToken") || !strings.Contains(err.Error(), "status 401") {
		t.Errorf("error %q should name the step and the token endpoint's status", err)
	}
}

func TestClientCredentialsTokenRefusedByAPI(t *testing.T) {
	p := &pipedream{apiStatus: 401}
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, _ := credentialClient(t, p, connecttoken.WithObserver(runtime.SlogObserver(logger)))
	for range 2 {
		_, err := c.TokenMintAndValidate(t.Context(), inputs)
		se := checkStepError(t, err, "createConnectToken", 401)
		for _, secret := range []string{accessToken, clientSecret} {
			if strings.Contains(err.Error(), secret) || strings.Contains(se.Body, secret) {
				t.Errorf("error %q (body %q) contains %q", err, se.Body, secret)
			}
		}
	}
	// A refused token is not used again: the second run fetched a new one.
	if len(p.tokenRequests) != 2 {
		t.Errorf("%d token requests, want 2 (the refused token is dropped)", len(p.tokenRequests))
	}
	log := logs.String()
	for _, secret := range []string{accessToken, clientSecret} {
		if strings.Contains(log, secret) {
			t.Errorf("the observer's log contains %q:\n%s", secret, log)
		}
	}
	for _, want := range []string{`msg="workflow start" workflow=token-mint-and-validate`, `msg="step start" workflow=token-mint-and-validate step=createConnectToken`, "header.Authorization=[REDACTED]", "status=401"} {
		if !strings.Contains(log, want) {
			t.Errorf("the observer's log lacks %q:\n%s", want, log)
		}
	}
}

func TestOutputsRedacted(t *testing.T) {
	c, _ := credentialClient(t, &pipedream{})
	out, err := c.TokenMintAndValidate(t.Context(), inputs)
	if err != nil {
		t.Fatalf("TokenMintAndValidate: %v", err)
	}
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("outputs", "out", out)
	for _, s := range []string{fmt.Sprint(out), fmt.Sprintf("%v", *out), fmt.Sprintf("%#v", *out), logs.String()} {
		if strings.Contains(s, connectToken) {
			t.Errorf("%q shows the connect token", s)
		}
		if !strings.Contains(s, runtime.Redacted) {
			t.Errorf("%q does not show the connect token as %s", s, runtime.Redacted)
		}
	}
}

func TestUnknownCredentialName(t *testing.T) {
	_, err := connecttoken.NewClient(connecttoken.WithClientCredentials("pipedream", clientID, clientSecret))
	if err == nil || !strings.Contains(err.Error(), `unknown credential "pipedream" (known: pipedreamApi)`) {
		t.Errorf("NewClient error %v, want one naming the known credentials", err)
	}
	if err != nil && strings.Contains(err.Error(), clientSecret) {
		t.Errorf("error %q contains the client secret", err)
	}
}
