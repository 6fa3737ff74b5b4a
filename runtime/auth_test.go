package runtime

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// echoServer answers with what authenticates a request: the Authorization header, the
// Cookie header, the query string and the X-Api-Key header, as JSON.
func echoServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"authorization":%q,"cookie":%q,"query":%q,"apiKey":%q}`,
			r.Header.Get("Authorization"), r.Header.Get("Cookie"), r.URL.RawQuery, r.Header.Get("X-Api-Key"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestCredentials(t *testing.T) {
	srv := echoServer(t)
	tr, _ := newTestTransport(t)
	static := StaticToken("s3cr3t-value")
	tests := []struct {
		name   string
		auth   Credential
		query  string
		header http.Header
		field  string
		want   string
	}{
		{"bearer", Bearer(static), "", nil, "authorization", "Bearer s3cr3t-value"},
		{"explicit Authorization wins over bearer", Bearer(static), "", http.Header{"Authorization": {"Bearer from-workflow"}}, "authorization", "Bearer from-workflow"},
		{"basic", Basic("user", "pa:ss"), "", nil, "authorization", "Basic dXNlcjpwYTpzcw=="},
		{"explicit Authorization wins over basic", Basic("user", "pass"), "", http.Header{"Authorization": {"Token x"}}, "authorization", "Token x"},
		{"api key header", APIKey("header", "X-Api-Key", static), "", nil, "apiKey", "s3cr3t-value"},
		{"api key header set by the workflow", APIKey("header", "X-Api-Key", static), "", http.Header{"X-Api-Key": {"mine"}}, "apiKey", "mine"},
		{"api key query", APIKey("query", "api key", static), "?a=1%2B1", nil, "query", "a=1%2B1&api+key=s3cr3t-value"},
		{"api key query set by the workflow", APIKey("query", "key", static), "?key=mine", nil, "query", "key=mine"},
		{"api key cookie", APIKey("cookie", "sid", static), "", http.Header{"Cookie": {"a=b"}}, "cookie", "a=b; sid=s3cr3t-value"},
		{"api key cookie set by the workflow", APIKey("cookie", "sid", static), "", http.Header{"Cookie": {"sid=mine"}}, "cookie", "sid=mine"},
		{"several", Credentials(nil, APIKey("header", "X-Api-Key", StaticToken("k1234")), Bearer(static)), "", nil, "authorization", "Bearer s3cr3t-value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := tr.Send(context.Background(), &Request{Workflow: "w", Step: "s", Method: "GET", URL: srv.URL + "/" + tt.query, Header: tt.header, Auth: tt.auth})
			if err != nil {
				t.Fatal(err)
			}
			var got string
			if err := resp.Decode(&got, tt.field); err != nil || got != tt.want {
				t.Errorf("%s = %q, %v; want %q (body %s)", tt.field, got, err, tt.want, resp.Body)
			}
		})
	}
	if Credentials(nil, nil) != nil {
		t.Error("Credentials of nothing must be nil, so that Request.Auth stays nil")
	}
}

func TestCredentialFailuresNameNoSecret(t *testing.T) {
	srv := echoServer(t)
	tr, _ := newTestTransport(t)
	failing := func(context.Context) (string, error) {
		return "", errors.New("vault refused token tok-abcdef123")
	}
	tests := []struct {
		auth Credential
		want string
	}{
		{Bearer(failing), "bearer token: vault refused token [REDACTED]"},
		{Bearer(StaticToken("")), "bearer token is empty"},
		{APIKey("header", "X-Api-Key", StaticToken("")), "api key X-Api-Key is empty"},
		{APIKey("body", "k", StaticToken("v")), `unknown location "body"`},
		{APIKey("cookie", "sid", StaticToken("bad;value tok-abcdef123")), "api key sid holds characters a cookie cannot carry"},
	}
	for _, tt := range tests {
		_, err := tr.Send(context.Background(), &Request{Workflow: "w", Step: "s", Method: "GET", URL: srv.URL, Auth: tt.auth, Secrets: []string{"tok-abcdef123"}})
		se := mustStepError(t, err)
		if se.Reason != "authentication failed" || se.StatusCode != 0 || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "tok-abcdef123") {
			t.Errorf("error %q, want authentication failed: %s", err, tt.want)
		}
	}
}

// tokenServer is an OAuth2 token endpoint for client "cid" with secret "csecret-123456",
// issuing numbered tokens that live for lifetime seconds, and an API that accepts only the
// latest token.
type tokenServer struct {
	*httptest.Server
	issued   atomic.Int32
	lifetime string // the expires_in JSON value
	style    string // "header", "body" or "" (both) accepted
	refuse   atomic.Bool
	mu       sync.Mutex
	forms    []url.Values
}

func newTokenServer(t *testing.T) *tokenServer {
	ts := &tokenServer{lifetime: "3600"}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/token":
			r.ParseForm()
			ts.mu.Lock()
			ts.forms = append(ts.forms, r.PostForm)
			ts.mu.Unlock()
			user, pass, basic := r.BasicAuth()
			okHeader := basic && user == "cid" && pass == "csecret-123456" && ts.style != "body"
			okBody := r.PostForm.Get("client_id") == "cid" && r.PostForm.Get("client_secret") == "csecret-123456" && ts.style != "header"
			w.Header().Set("Content-Type", "application/json")
			if ts.refuse.Load() || r.PostForm.Get("grant_type") != "client_credentials" || !(okHeader || okBody) {
				w.WriteHeader(401)
				// Some servers echo what they were sent; the secret must still not show.
				fmt.Fprintf(w, `{"error":"invalid_client","error_description":"bad client %s/%s"}`, r.PostForm.Get("client_id"), r.PostForm.Get("client_secret"))
				return
			}
			time.Sleep(10 * time.Millisecond) // let concurrent callers pile up
			n := ts.issued.Add(1)
			fmt.Fprintf(w, `{"access_token":"at-%d-xyz","token_type":"Bearer","expires_in":%s}`, n, ts.lifetime)
		case "/api":
			if r.Header.Get("Authorization") != fmt.Sprintf("Bearer at-%d-xyz", ts.issued.Load()) {
				w.WriteHeader(401)
				return
			}
			w.Write([]byte(`{}`))
		}
	}))
	t.Cleanup(ts.Close)
	return ts
}

func TestClientCredentialsCachesAndRefreshes(t *testing.T) {
	ts := newTokenServer(t)
	tr, _ := newTestTransport(t)
	cc := ClientCredentials(ts.URL+"/token?tenant=1", "cid", "csecret-123456", []string{"read", "write"}, nil)
	cc.EndpointParams = url.Values{"audience": {"api"}}
	now := time.Unix(1_000_000, 0)
	var clock sync.Mutex
	cc.now = func() time.Time { clock.Lock(); defer clock.Unlock(); return now }
	call := func() (int, error) {
		resp, err := tr.Send(context.Background(), &Request{Workflow: "w", Step: "s", Method: "GET", URL: ts.URL + "/api", Auth: cc})
		if err != nil {
			return 0, err
		}
		return resp.StatusCode, nil
	}
	// Many concurrent first calls make one token request.
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if status, err := call(); err != nil || status != 200 {
				t.Errorf("status %d, %v", status, err)
			}
		})
	}
	wg.Wait()
	if n := ts.issued.Load(); n != 1 {
		t.Fatalf("%d tokens issued for concurrent calls, want 1", n)
	}
	f := ts.forms[0]
	if f.Get("scope") != "read write" || f.Get("audience") != "api" || f.Get("client_secret") != "" {
		t.Errorf("token request form %v: want scope, audience, and the secret in the header only", f)
	}
	// Until the expiry less the margin the token is reused; after it a new one is fetched.
	clock.Lock()
	now = now.Add(time.Hour - TokenExpiryMargin - time.Second)
	clock.Unlock()
	call()
	if n := ts.issued.Load(); n != 1 {
		t.Errorf("%d tokens issued before expiry, want 1", n)
	}
	clock.Lock()
	now = now.Add(2 * time.Second)
	clock.Unlock()
	if status, err := call(); err != nil || status != 200 || ts.issued.Load() != 2 {
		t.Errorf("after expiry: status %d, %v, %d tokens issued; want a second token", status, err, ts.issued.Load())
	}
	// A token the API refuses is dropped, and the next call fetches another.
	ts.issued.Add(1) // the API now wants a token that was never handed out
	if status, _ := call(); status != 401 {
		t.Fatalf("status %d, want 401", status)
	}
	if status, err := call(); err != nil || status != 200 || ts.issued.Load() != 4 {
		t.Errorf("after a 401: status %d, %v, %d tokens issued", status, err, ts.issued.Load())
	}
	if s := fmt.Sprintf("%v %+v %s", cc, cc, cc); strings.Contains(s, "csecret") || strings.Contains(s, "at-") || strings.Contains(s, "tenant") {
		t.Errorf("printing the credential shows %s", s)
	}
}

func TestClientCredentialsRefused(t *testing.T) {
	ts := newTokenServer(t)
	ts.refuse.Store(true)
	tr, _ := newTestTransport(t)
	cc := ClientCredentials(ts.URL+"/token", "cid", "csecret-123456", nil, nil)
	_, err := tr.Send(context.Background(), &Request{Workflow: "w", Step: "list", Method: "GET", Path: "/api", URL: ts.URL + "/api", Auth: cc})
	se := mustStepError(t, err)
	msg := err.Error()
	want := fmt.Sprintf("workflow w: step list (GET /api): authentication failed: oauth2 token endpoint %s/token: status 401 Unauthorized: invalid_client: bad client cid/[REDACTED]", ts.URL)
	if msg != want {
		t.Errorf("error\n%s\nwant\n%s", msg, want)
	}
	var te *TokenError
	if se.StatusCode != 0 || !errors.As(err, &te) || te.StatusCode != 401 || te.Code != "invalid_client" {
		t.Errorf("StepError status %d, TokenError %+v", se.StatusCode, te)
	}
	if strings.Contains(msg, "csecret") {
		t.Errorf("error leaks the client secret: %s", msg)
	}
}

func TestClientCredentialsAuthStyles(t *testing.T) {
	for _, tc := range []struct {
		server string
		style  AuthStyle
		ok     bool
		tries  int // token requests for two fetches
	}{
		{"body", AuthStyleAuto, true, 3},    // header refused then body, which is remembered
		{"header", AuthStyleAuto, true, 2},  // header works at once
		{"body", AuthStyleBody, true, 2},    // as configured
		{"body", AuthStyleHeader, false, 2}, // as configured, refused each time, no fallback
	} {
		ts := newTokenServer(t)
		ts.style = tc.server
		tr, _ := newTestTransport(t)
		cc := ClientCredentials(ts.URL+"/token", "cid", "csecret-123456", nil, nil)
		cc.AuthStyle = tc.style
		for i := range 2 {
			if i == 1 {
				cc.token = "" // force a second fetch
			}
			_, err := tr.Send(context.Background(), &Request{Method: "GET", URL: ts.URL + "/api", Auth: cc})
			if (err == nil) != tc.ok {
				t.Errorf("server %s, style %d: %v", tc.server, tc.style, err)
			}
		}
		ts.mu.Lock()
		tries := len(ts.forms)
		ts.mu.Unlock()
		if tries != tc.tries {
			t.Errorf("server %s, style %d: %d token requests, want %d", tc.server, tc.style, tries, tc.tries)
		}
	}
}

func TestClientCredentialsBadResponses(t *testing.T) {
	for body, want := range map[string]string{
		`not json`:                "the response is not a JSON token response",
		`{"token_type":"Bearer"}`: "the response has no access_token",
		`{"access_token":"a-123456","token_type":"mac"}`: `token_type "mac" is not bearer`,
		`{"access_token":"a-123456","expires_in":"x"}`:   "expires_in is not a number of seconds",
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) }))
		cc := ClientCredentials(srv.URL, "cid", "csecret-123456", nil, srv.Client())
		_, err := cc.Token(context.Background())
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "a-123456") {
			t.Errorf("token response %s: %v, want %q", body, err, want)
		}
		srv.Close()
	}
	// expires_in as a string, and absent.
	for body, life := range map[string]time.Duration{
		`{"access_token":"a","expires_in":"120"}`: 120*time.Second - TokenExpiryMargin,
		`{"access_token":"a","expires_in":8}`:     6 * time.Second,
		`{"access_token":"a"}`:                    DefaultTokenLifetime - DefaultTokenLifetime/4,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) }))
		cc := ClientCredentials(srv.URL, "cid", "s", nil, srv.Client())
		now := time.Unix(0, 0)
		cc.now = func() time.Time { return now }
		if _, err := cc.Token(context.Background()); err != nil || cc.expiry.Sub(now) != life {
			t.Errorf("%s: token cached for %s, %v; want %s", body, cc.expiry.Sub(now), err, life)
		}
		srv.Close()
	}
}

func TestClientCredentialsWaitHonoursContext(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		w.Write([]byte(`{"access_token":"a"}`))
	}))
	defer srv.Close()
	defer close(release)
	cc := ClientCredentials(srv.URL, "cid", "s", nil, srv.Client())
	go cc.Token(context.Background()) // holds the lock while the endpoint stalls
	time.Sleep(50 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := cc.Token(ctx); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
		t.Errorf("waiting for another fetch: %v after %s", err, time.Since(start))
	}
}
