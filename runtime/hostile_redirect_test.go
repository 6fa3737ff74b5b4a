package runtime

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// The credentials of the redirect tests: a bearer token, an API key in the query, one in
// a cookie, a secret input in a header of the workflow's own, and a header whose name marks
// it secret.
const (
	rdToken   = "tok-redirect-1111"
	rdQueryK  = "qkey-redirect-2222"
	rdCookieK = "ckey-redirect-3333"
	rdInput   = "input-redirect-4444"
	rdHeaderK = "hkey-redirect-5555"
)

var rdSecrets = []string{rdToken, rdQueryK, rdCookieK, rdInput, rdHeaderK}

// sink is a server that records every request it gets, whole.
type sink struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string
}

func newSink(t *testing.T, tls bool, answer http.HandlerFunc) *sink {
	s := &sink{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var dump strings.Builder
		fmt.Fprintf(&dump, "%s %s\n", r.Method, r.URL.RequestURI())
		r.Header.Write(&dump)
		dump.Write(body)
		s.mu.Lock()
		s.seen = append(s.seen, dump.String())
		s.mu.Unlock()
		if answer != nil {
			answer(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"ok":true}`)
	})
	if tls {
		s.Server = httptest.NewTLSServer(h)
	} else {
		s.Server = httptest.NewServer(h)
	}
	t.Cleanup(s.Close)
	return s
}

func (s *sink) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.seen...)
}

// leaked lists the secrets that reached the sink.
func (s *sink) leaked() []string {
	var out []string
	all := strings.Join(s.requests(), "\n")
	for _, v := range rdSecrets {
		if strings.Contains(all, v) {
			out = append(out, v)
		}
	}
	return out
}

// redirector answers every request with a redirect to target (a function of the request,
// so that it can keep the query) with the given status.
func redirector(status int, target func(r *http.Request) string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target(r), status)
	}
}

// credentialedRequest is a request that carries every kind of credential the runtime adds
// or knows as secret.
func credentialedRequest(method, rawURL string, body []byte) *Request {
	return &Request{
		Workflow: "w", Step: "s", Method: method, Path: "/start", URL: rawURL, Body: body,
		Header: http.Header{"X-Note": {"note " + rdInput}, "X-Api-Key": {rdHeaderK}, "X-Trace": {"trace-1"}},
		Auth: Credentials(Bearer(StaticToken(rdToken)), APIKey("query", "api_key", StaticToken(rdQueryK)),
			APIKey("cookie", "sid", StaticToken(rdCookieK))),
		Secrets: []string{rdInput},
	}
}

// clientFor returns a client that trusts both test servers' certificates.
func clientFor(servers ...*sink) *http.Client {
	for _, s := range servers {
		if s.TLS != nil {
			return s.Client()
		}
	}
	return &http.Client{}
}

// TestRedirectToAnotherOriginCarriesNoCredential: for every redirect status, a redirect to
// another origin (another port, another host, https to http) reaches the target without
// any credential, the API key in the query included even when the server keeps the query
// in its Location; the target's answer is the response.
func TestRedirectToAnotherOriginCarriesNoCredential(t *testing.T) {
	for _, status := range []int{301, 302, 303, 307, 308} {
		for _, kind := range []string{"port", "host", "https to http"} {
			t.Run(fmt.Sprintf("%d %s", status, kind), func(t *testing.T) {
				other := newSink(t, false, nil)
				target := other.URL
				if kind == "host" {
					target = strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
				}
				origin := newSink(t, kind == "https to http", redirector(status, func(r *http.Request) string {
					return target + "/landed?" + r.URL.RawQuery // a server that keeps the query
				}))
				tr := &Transport{Doer: clientFor(origin)}
				resp, err := tr.Send(context.Background(), credentialedRequest("GET", origin.URL+"/start?page=2", nil))
				if err != nil {
					t.Fatal(err)
				}
				if resp.StatusCode != 200 || len(other.requests()) != 1 {
					t.Fatalf("status %d, %d requests at the target", resp.StatusCode, len(other.requests()))
				}
				if l := other.leaked(); len(l) > 0 {
					t.Errorf("the other origin received %q:\n%s", l, other.requests()[0])
				}
				got := other.requests()[0]
				if !strings.Contains(got, "page=2") || !strings.Contains(got, "X-Trace: trace-1") {
					t.Errorf("what is not a credential should follow:\n%s", got)
				}
				if strings.Contains(got, "Referer") {
					t.Errorf("a Referer (the original URL, query included) followed:\n%s", got)
				}
			})
		}
	}
}

// TestRedirectWithinTheOriginKeepsCredentials: a redirect to the same origin (a relative
// Location, or an absolute one with the default port spelt out) keeps every credential.
func TestRedirectWithinTheOriginKeepsCredentials(t *testing.T) {
	for _, status := range []int{301, 302, 303, 307, 308} {
		var origin *sink
		origin = newSink(t, false, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/start" {
				http.Redirect(w, r, "/moved?"+r.URL.RawQuery, status)
				return
			}
			fmt.Fprintf(w, `{"auth":%q}`, r.Header.Get("Authorization"))
		})
		tr := &Transport{Doer: &http.Client{}}
		resp, err := tr.Send(context.Background(), credentialedRequest("GET", origin.URL+"/start", nil))
		if err != nil {
			t.Fatal(err)
		}
		reqs := origin.requests()
		if resp.StatusCode != 200 || len(reqs) != 2 {
			t.Fatalf("%d: status %d, %d requests", status, resp.StatusCode, len(reqs))
		}
		for _, v := range []string{rdToken, rdQueryK, rdCookieK, rdHeaderK} {
			if !strings.Contains(reqs[1], v) {
				t.Errorf("%d: the same origin lost %q:\n%s", status, v, reqs[1])
			}
		}
	}
}

// TestRedirectChainBackToTheOrigin: once a chain of redirects has left the origin, the
// credentials do not come back when it returns there: the other origin chose that request.
func TestRedirectChainBackToTheOrigin(t *testing.T) {
	var origin *sink
	other := newSink(t, false, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, origin.URL+"/back", http.StatusFound)
	})
	origin = newSink(t, false, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/start" {
			http.Redirect(w, r, other.URL+"/away", http.StatusTemporaryRedirect)
			return
		}
		fmt.Fprint(w, `{}`)
	})
	tr := &Transport{}
	if _, err := tr.Send(context.Background(), credentialedRequest("GET", origin.URL+"/start", nil)); err != nil {
		t.Fatal(err)
	}
	reqs := origin.requests()
	if len(reqs) != 2 || !strings.HasPrefix(reqs[1], "GET /back") {
		t.Fatalf("origin saw %q", reqs)
	}
	for _, v := range rdSecrets {
		if strings.Contains(reqs[1], v) || strings.Contains(strings.Join(other.requests(), ""), v) {
			t.Errorf("%q came back after the chain left the origin:\n%s", v, reqs[1])
		}
	}
}

// TestRedirectResendingASecretBodyIsRefused: a 307 or 308 to another origin would resend the
// body; when it holds a secret (a secret value, or a member whose name is secret) the
// redirect is refused and the other origin gets nothing. A body without one follows.
func TestRedirectResendingASecretBodyIsRefused(t *testing.T) {
	for _, tt := range []struct {
		body   string
		refuse bool
	}{
		{`{"note":"` + rdInput + `"}`, true},
		{`{"password":"literal-from-the-document"}`, true},
		{`{"name":"Rex"}`, false},
	} {
		other := newSink(t, false, nil)
		origin := newSink(t, false, redirector(307, func(*http.Request) string { return other.URL + "/landed" }))
		req := credentialedRequest("POST", origin.URL+"/start", []byte(tt.body))
		req.ContentType = "application/json"
		_, err := (&Transport{}).Send(context.Background(), req)
		if tt.refuse {
			if err == nil || !strings.Contains(err.Error(), "redirect to another origin refused") || len(other.requests()) != 0 {
				t.Errorf("%s: err %v, the other origin got %q", tt.body, err, other.requests())
			}
			if err != nil && strings.Contains(err.Error(), rdInput) {
				t.Errorf("the error shows the secret: %v", err)
			}
			continue
		}
		if err != nil || len(other.requests()) != 1 || !strings.Contains(other.requests()[0], tt.body) || len(other.leaked()) > 0 {
			t.Errorf("%s: err %v, the other origin got %q", tt.body, err, other.requests())
		}
	}
}

// TestRedirectPolicyWithTheUsersClient: a client given with WithHTTPClient keeps its own
// redirect policy, which sees the redirect with the credentials already removed, and gets
// the same protection; a Doer that is not an *http.Client is protected when the client
// inside it uses runtime.CheckRedirect, and one that follows a redirect away without it
// fails the step instead of handing back another origin's answer.
func TestRedirectPolicyWithTheUsersClient(t *testing.T) {
	other := newSink(t, false, nil)
	origin := newSink(t, false, redirector(302, func(r *http.Request) string { return other.URL + "/landed?" + r.URL.RawQuery }))

	var sawAuth []string
	own := &http.Client{CheckRedirect: func(req *http.Request, via []*http.Request) error {
		sawAuth = append(sawAuth, req.Header.Get("Authorization")+req.URL.RawQuery)
		return nil
	}}
	if _, err := (&Transport{Doer: own}).Send(context.Background(), credentialedRequest("GET", origin.URL+"/start", nil)); err != nil {
		t.Fatal(err)
	}
	if len(sawAuth) != 1 || strings.Contains(sawAuth[0], rdToken) || strings.Contains(sawAuth[0], rdQueryK) {
		t.Errorf("the client's own CheckRedirect saw %q", sawAuth)
	}
	if l := other.leaked(); len(l) > 0 {
		t.Errorf("with the user's client, the other origin received %q", l)
	}
	if own.CheckRedirect == nil || fmt.Sprint(own.Jar) != "<nil>" {
		t.Error("the user's client was changed")
	}

	stop := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := (&Transport{Doer: stop}).Send(context.Background(), credentialedRequest("GET", origin.URL+"/start", nil))
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Errorf("a client that does not follow: %v, %v", resp, err)
	}

	before := len(other.requests())
	wrapped := doerFunc(func(r *http.Request) (*http.Response, error) {
		return (&http.Client{CheckRedirect: CheckRedirect}).Do(r)
	})
	if _, err := (&Transport{Doer: wrapped}).Send(context.Background(), credentialedRequest("GET", origin.URL+"/start", nil)); err != nil {
		t.Fatal(err)
	}
	if len(other.requests()) != before+1 || len(other.leaked()) > 0 {
		t.Errorf("a Doer using runtime.CheckRedirect: the other origin received %q", other.leaked())
	}

	careless := doerFunc(func(r *http.Request) (*http.Response, error) { return (&http.Client{}).Do(r) })
	_, err = (&Transport{Doer: careless}).Send(context.Background(), credentialedRequest("GET", origin.URL+"/start", nil))
	if err == nil || !strings.Contains(err.Error(), "followed a redirect to another origin") {
		t.Errorf("a Doer that follows redirects on its own: %v", err)
	}
}

// TestTokenEndpointRedirect: an OAuth2 token endpoint that redirects to another origin never
// passes on the client secret: not in the Basic header, not in a resent form body.
func TestTokenEndpointRedirect(t *testing.T) {
	const clientSecret = "client-secret-redirect-6666"
	for _, style := range []AuthStyle{AuthStyleHeader, AuthStyleBody} {
		other := newSink(t, false, nil)
		auth := newSink(t, false, redirector(307, func(*http.Request) string { return other.URL + "/token" }))
		api := newSink(t, false, nil)
		cc := ClientCredentials(auth.URL+"/token", "client-1", clientSecret, nil, nil)
		cc.AuthStyle = style
		_, err := (&Transport{}).Send(context.Background(), &Request{Workflow: "w", Step: "s", Method: "GET", URL: api.URL, Auth: cc})
		if err == nil {
			t.Errorf("style %d: no error", style)
		}
		for _, r := range other.requests() {
			if strings.Contains(r, clientSecret) || strings.Contains(r, "Authorization") {
				t.Errorf("style %d: the other origin received the client's credentials:\n%s", style, r)
			}
		}
	}
}

// TestSameOrigin checks the origin comparison the policy relies on.
func TestSameOrigin(t *testing.T) {
	same := [][2]string{
		{"https://api.example.com/a", "https://API.example.com:443/b?x"},
		{"http://api.example.com/a", "http://api.example.com:80/"},
		{"http://[::1]:8080/", "http://[::1]:8080/x"},
	}
	other := [][2]string{
		{"https://api.example.com/", "http://api.example.com/"},
		{"http://api.example.com/", "https://api.example.com/"},
		{"https://api.example.com/", "https://api.example.com:8443/"},
		{"https://api.example.com/", "https://evil.example.com/"},
		{"https://api.example.com/", "https://sub.api.example.com/"},
		{"http://127.0.0.1:8080/", "http://localhost:8080/"},
	}
	for _, p := range same {
		a, _ := url.Parse(p[0])
		b, _ := url.Parse(p[1])
		if !sameOrigin(a, b) {
			t.Errorf("%s and %s: want the same origin", p[0], p[1])
		}
	}
	for _, p := range other {
		a, _ := url.Parse(p[0])
		b, _ := url.Parse(p[1])
		if sameOrigin(a, b) {
			t.Errorf("%s and %s: want other origins", p[0], p[1])
		}
	}
}
