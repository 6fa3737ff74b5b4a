package runtime

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// maxRedirects is how many redirects a request follows, as net/http's default policy does.
const maxRedirects = 10

// redirectGuard is what the policy knows about one request the runtime sends.
type redirectGuard struct {
	secrets []string // values that must not leave the origin
	// The request's headers and query before its credentials were applied: what the first
	// request of a chain has beyond them, the credentials set.
	ownHeader http.Header
	ownQuery  string
	body      []byte // the body, which a 307 or 308 sends again

	checked bool                                               // the policy saw a redirect of this request
	client  http.Client                                        // the copy of an *http.Client Doer that sends the request
	own     func(req *http.Request, via []*http.Request) error // that client's CheckRedirect
	red     *redactor
	headers []string // the canonical names of the headers the credentials set
	params  []string // the names of the query parameters the credentials set
}

type guardKey struct{}

// CheckRedirect is the runtime's redirect policy (see Transport), as the CheckRedirect of an
// *http.Client that a Doer wraps:
//
//	inner := &http.Client{CheckRedirect: runtime.CheckRedirect}
//
// The runtime applies the policy to an *http.Client Doer by itself; a Doer of another type
// needs this for its requests' credentials to stay with their origin. For a request the
// runtime did not send it removes the usual credential headers on a redirect to another
// origin. It stops after 10 redirects, as net/http's default policy does.
func CheckRedirect(req *http.Request, via []*http.Request) error {
	g, _ := req.Context().Value(guardKey{}).(*redirectGuard)
	if g == nil {
		g = &redirectGuard{}
	}
	if err := g.check(req, via); err != nil {
		return err
	}
	if len(via) >= maxRedirects {
		return errors.New("stopped after 10 redirects")
	}
	return nil
}

// check applies the policy to the upcoming request req of a redirect chain via.
func (g *redirectGuard) check(req *http.Request, via []*http.Request) error {
	g.checked = true
	if len(via) == 0 {
		return nil
	}
	origin := via[0].URL
	away := !sameOrigin(req.URL, origin)
	for _, r := range via[1:] {
		away = away || !sameOrigin(r.URL, origin)
	}
	if !away {
		return nil
	}
	if g.red == nil {
		g.red = newRedactor(g.secrets)
		g.applied(via[0])
	}
	for k, vs := range req.Header {
		if g.credentialHeader(k, vs) {
			delete(req.Header, k)
		}
	}
	req.URL.RawQuery = g.stripQuery(req.URL.RawQuery)
	if u := req.URL.String(); g.red.replace(u) != u {
		return errors.New("redirect to another origin refused: its URL holds a secret")
	}
	if req.Body != nil && req.Body != http.NoBody && len(g.body) > 0 && g.secretBody() {
		return errors.New("redirect to another origin refused: it would send the request body, which holds a secret, again")
	}
	return nil
}

// applied works out which headers and query parameters of first, the first request of the
// chain, its credentials set.
func (g *redirectGuard) applied(first *http.Request) {
	if g.ownHeader == nil && g.ownQuery == "" && len(g.secrets) == 0 {
		return // a request the runtime did not send
	}
	for k := range first.Header {
		if _, own := g.ownHeader[k]; !own && k != "Accept" && k != "Content-Type" {
			g.headers = append(g.headers, k)
		}
	}
	own, _ := url.ParseQuery(g.ownQuery)
	sent, _ := url.ParseQuery(first.URL.RawQuery)
	for k := range sent {
		if _, ok := own[k]; !ok {
			g.params = append(g.params, k)
		}
	}
}

// credentialHeader reports whether a header must not follow a redirect to another origin.
func (g *redirectGuard) credentialHeader(name string, values []string) bool {
	switch http.CanonicalHeaderKey(name) {
	case "Authorization", "Proxy-Authorization", "Cookie", "Cookie2", "Referer":
		return true
	}
	if SensitiveHeader(name) || slices.Contains(g.headers, http.CanonicalHeaderKey(name)) {
		return true
	}
	return slices.ContainsFunc(values, func(v string) bool { return g.red.replace(v) != v })
}

// stripQuery drops the query parameters that are credentials, keeping the encoding of the
// others.
func (g *redirectGuard) stripQuery(raw string) string {
	if raw == "" {
		return raw
	}
	parts := strings.Split(raw, "&")
	kept := parts[:0]
	for _, p := range parts {
		name, value, _ := strings.Cut(p, "=")
		n, err := url.QueryUnescape(name)
		if err != nil {
			n = name
		}
		v, err := url.QueryUnescape(value)
		if err != nil {
			v = value
		}
		if SecretName(n) || slices.Contains(g.params, n) || g.red.replace(p) != p || g.red.replace(v) != v {
			continue
		}
		kept = append(kept, p)
	}
	return strings.Join(kept, "&")
}

// secretBody reports whether the request body holds a secret value or a secret-named JSON
// member.
func (g *redirectGuard) secretBody() bool {
	if s := string(g.body); g.red.replace(s) != s {
		return true
	}
	red, _ := redactBody(g.body)
	return string(red) != string(g.body)
}

// hasCredentials reports whether the request carried anything the policy protects.
func (g *redirectGuard) hasCredentials(hr *http.Request) bool {
	if len(g.secrets) > 0 || hr.URL.RawQuery != g.ownQuery {
		return true
	}
	for k := range hr.Header {
		if _, own := g.ownHeader[k]; SensitiveHeader(k) || !own && k != "Accept" && k != "Content-Type" {
			return true
		}
	}
	return false
}

// sameOrigin reports whether two URLs have the same scheme, host and port (default ports
// spelt out or not).
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "http":
		return "80"
	case "https":
		return "443"
	}
	return ""
}

// checkThenOwn is the CheckRedirect of the copy of an *http.Client Doer: the policy, then the
// client's own CheckRedirect or net/http's default limit.
func (g *redirectGuard) checkThenOwn(req *http.Request, via []*http.Request) error {
	if err := g.check(req, via); err != nil {
		return err
	}
	if g.own != nil {
		return g.own(req, via)
	}
	if len(via) >= maxRedirects {
		return errors.New("stopped after 10 redirects")
	}
	return nil
}

// doGuarded sends hr with d under the redirect policy of g.
func doGuarded(d Doer, hr *http.Request, g *redirectGuard) (*http.Response, error) {
	if hc, ok := d.(*http.Client); ok {
		g.client, g.own = *hc, hc.CheckRedirect // the caller's client is left as it is
		g.client.CheckRedirect = g.checkThenOwn
		return g.client.Do(hr)
	}
	res, err := d.Do(hr.WithContext(context.WithValue(hr.Context(), guardKey{}, g)))
	if err == nil && res.Request != nil && res.Request.URL != nil && !sameOrigin(res.Request.URL, hr.URL) && !g.checked && g.hasCredentials(hr) {
		closeBody(res.Body)
		return nil, errors.New("the HTTP client followed a redirect to another origin without the runtime's redirect policy, " +
			"so it may have sent the request's credentials there; give WithHTTPClient an *http.Client, or use " +
			"runtime.CheckRedirect in the client inside the Doer")
	}
	return res, err
}
