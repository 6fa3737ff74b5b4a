package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Credential applies the credentials of one OpenAPI security scheme to a request. The
// constructors below cover the scheme types of OpenAPI 3: http bearer and basic, apiKey in
// a header, query parameter or cookie, and oauth2 client credentials. Each leaves a request
// alone when the workflow already set the same header, parameter or cookie itself: an
// explicit Authorization parameter in the document wins.
//
// A Credential's Apply must be safe for concurrent use; the ctx it gets is the request's,
// so a slow token source is bounded by the request's timeout. A custom Credential calls
// MarkSecret with each value it applies so that the value is redacted from errors and events.
type Credential interface {
	Apply(ctx context.Context, r *http.Request) error
}

// TokenFunc returns a secret (a bearer token, an API key) for one request. Generated
// options take one, so a token can come from a vault or be rotated while a client lives.
type TokenFunc func(ctx context.Context) (string, error)

// StaticToken returns a TokenFunc that always returns v.
func StaticToken(v string) TokenFunc {
	return func(context.Context) (string, error) { return v, nil }
}

type secretsKey struct{}

// secretSink collects the values credentials applied to one request.
type secretSink struct{ values []string }

// MarkSecret records values a Credential applied to the current request, so that they are
// redacted from the request's errors and observer events. Outside a Transport's Send it does
// nothing.
func MarkSecret(ctx context.Context, values ...string) {
	if s, ok := ctx.Value(secretsKey{}).(*secretSink); ok {
		s.values = append(s.values, values...)
	}
}

type credentialFunc func(ctx context.Context, r *http.Request) error

func (f credentialFunc) Apply(ctx context.Context, r *http.Request) error { return f(ctx, r) }

// Bearer is the http "bearer" scheme: "Authorization: Bearer <token>", the token taken
// from token for each request.
func Bearer(token TokenFunc) Credential {
	return credentialFunc(func(ctx context.Context, r *http.Request) error {
		if r.Header.Get("Authorization") != "" {
			return nil
		}
		tok, err := token(ctx)
		if err != nil {
			return fmt.Errorf("bearer token: %w", err)
		}
		if tok == "" {
			return errors.New("bearer token is empty")
		}
		MarkSecret(ctx, tok)
		r.Header.Set("Authorization", "Bearer "+tok)
		return nil
	})
}

// Basic is the http "basic" scheme (RFC 7617).
func Basic(user, password string) Credential {
	return credentialFunc(func(ctx context.Context, r *http.Request) error {
		if r.Header.Get("Authorization") != "" {
			return nil
		}
		r.SetBasicAuth(user, password)
		MarkSecret(ctx, password, strings.TrimPrefix(r.Header.Get("Authorization"), "Basic "))
		return nil
	})
}

// APIKey is the "apiKey" scheme: the key sent in a header, query parameter or cookie (in is
// "header", "query" or "cookie") named name.
func APIKey(in, name string, key TokenFunc) Credential {
	return credentialFunc(func(ctx context.Context, r *http.Request) error {
		switch in {
		case "header":
			if r.Header.Get(name) != "" {
				return nil
			}
		case "query":
			if r.URL.Query().Has(name) {
				return nil
			}
		case "cookie":
			if _, err := r.Cookie(name); err == nil {
				return nil
			}
		default:
			return fmt.Errorf("api key %s: unknown location %q (want header, query or cookie)", name, in)
		}
		v, err := key(ctx)
		if err != nil {
			return fmt.Errorf("api key %s: %w", name, err)
		}
		if v == "" {
			return fmt.Errorf("api key %s is empty", name)
		}
		MarkSecret(ctx, v)
		switch in {
		case "header":
			r.Header.Set(name, v)
		case "query":
			// Appended, so that the encoding of the parameters already there is kept.
			q := url.QueryEscape(name) + "=" + url.QueryEscape(v)
			if r.URL.RawQuery != "" {
				q = r.URL.RawQuery + "&" + q
			}
			r.URL.RawQuery = q
		case "cookie":
			// http.Request.AddCookie would log and drop invalid bytes, naming them; refuse
			// instead, without showing the value.
			if !validCookieValue(v) {
				return fmt.Errorf("api key %s holds characters a cookie cannot carry", name)
			}
			c := name + "=" + v
			if old := r.Header.Get("Cookie"); old != "" {
				c = old + "; " + c
			}
			r.Header.Set("Cookie", c)
		}
		return nil
	})
}

// validCookieValue follows RFC 6265 §4.1.1 cookie-octet.
func validCookieValue(v string) bool {
	for i := 0; i < len(v); i++ {
		b := v[i]
		if b < 0x21 || b > 0x7e || b == '"' || b == ',' || b == ';' || b == '\\' {
			return false
		}
	}
	return true
}

// Credentials applies several credentials, in order: an operation whose security
// requirement names several schemes at once needs all of them. Nil credentials are skipped;
// with none left it returns nil.
func Credentials(creds ...Credential) Credential {
	var list credentialList
	for _, c := range creds {
		if c != nil {
			list = append(list, c)
		}
	}
	switch len(list) {
	case 0:
		return nil
	case 1:
		return list[0]
	}
	return list
}

type credentialList []Credential

func (l credentialList) Apply(ctx context.Context, r *http.Request) error {
	for _, c := range l {
		if err := c.Apply(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

func (l credentialList) invalidate(r *http.Request) {
	for _, c := range l {
		if inv, ok := c.(invalidator); ok {
			inv.invalidate(r)
		}
	}
}

// invalidator is a credential that drops a cached token the server refused (status 401).
type invalidator interface{ invalidate(r *http.Request) }

// AuthStyle says how ClientCredentials authenticates the client to the token endpoint.
type AuthStyle int

const (
	// AuthStyleAuto tries HTTP Basic first and, when the endpoint refuses it with status
	// 400 or 401, the form body, then keeps to whichever worked.
	AuthStyleAuto AuthStyle = iota
	// AuthStyleHeader sends client_id and client_secret as HTTP Basic
	// (client_secret_basic, RFC 6749 §2.3.1).
	AuthStyleHeader
	// AuthStyleBody sends them as form fields (client_secret_post).
	AuthStyleBody
)

// TokenExpiryMargin is how long before its expiry a cached OAuth2 token is replaced, so a
// token is never sent in its last moments (capped at a quarter of the token's lifetime).
const TokenExpiryMargin = 30 * time.Second

// DefaultTokenLifetime is how long a token whose response has no expires_in is reused.
const DefaultTokenLifetime = time.Minute

// maxTokenBody bounds the token endpoint's response.
const maxTokenBody = 1 << 20

// OAuth2ClientCredentials is the oauth2 "clientCredentials" flow (RFC 6749 §4.4): a token
// fetched from the token URL, cached until shortly before it expires, fetched again after
// that or after the API refused it with status 401. It is safe for concurrent use: callers
// wait for one fetch instead of each fetching. Create it with ClientCredentials; set the
// exported fields before its first use.
type OAuth2ClientCredentials struct {
	// EndpointParams are extra form fields for the token request (such as "audience").
	EndpointParams url.Values
	// AuthStyle says how the client authenticates to the token endpoint.
	AuthStyle AuthStyle

	tokenURL, clientID, clientSecret string
	scopes                           []string
	doer                             Doer
	now                              func() time.Time

	lock   chan struct{} // a mutex that a waiter can give up on when its ctx ends
	token  string
	expiry time.Time
	style  AuthStyle // the style that worked, under AuthStyleAuto
}

// ClientCredentials returns the oauth2 client credentials credential for a token URL (the
// scheme's flows.clientCredentials.tokenUrl) and the scopes the operations need. doer sends
// the token requests; nil means the Doer of the Transport whose request needs the token.
func ClientCredentials(tokenURL, clientID, clientSecret string, scopes []string, doer Doer) *OAuth2ClientCredentials {
	return &OAuth2ClientCredentials{
		tokenURL:     tokenURL,
		clientID:     clientID,
		clientSecret: clientSecret,
		scopes:       scopes,
		doer:         doer,
		now:          time.Now,
		lock:         make(chan struct{}, 1),
	}
}

// String names the token endpoint and client, never the secret or token, so that printing
// the credential by mistake leaks nothing.
func (c OAuth2ClientCredentials) String() string {
	return fmt.Sprintf("oauth2 client credentials (client %s at %s)", c.clientID, endpointName(c.tokenURL))
}

// Apply sets "Authorization: Bearer <token>" unless the request already has an
// Authorization header.
func (c *OAuth2ClientCredentials) Apply(ctx context.Context, r *http.Request) error {
	MarkSecret(ctx, c.clientSecret)
	if r.Header.Get("Authorization") != "" {
		return nil
	}
	tok, err := c.Token(ctx)
	if err != nil {
		return err
	}
	MarkSecret(ctx, tok)
	r.Header.Set("Authorization", "Bearer "+tok)
	return nil
}

// Token returns a valid access token, fetching one when none is cached or the cached one is
// about to expire.
func (c *OAuth2ClientCredentials) Token(ctx context.Context) (string, error) {
	select {
	case c.lock <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-c.lock }()
	if c.token != "" && c.now().Before(c.expiry) {
		return c.token, nil
	}
	c.token = ""
	tok, lifetime, err := c.fetch(ctx)
	if err != nil {
		return "", err
	}
	margin := min(TokenExpiryMargin, lifetime/4)
	c.token, c.expiry = tok, c.now().Add(lifetime-margin)
	return tok, nil
}

// invalidate drops the cached token when it is the one r carried, which the API refused.
// It never waits: a fetch in progress replaces the token anyway.
func (c *OAuth2ClientCredentials) invalidate(r *http.Request) {
	select {
	case c.lock <- struct{}{}:
	default:
		return
	}
	defer func() { <-c.lock }()
	if c.token != "" && r.Header.Get("Authorization") == "Bearer "+c.token {
		c.token = ""
	}
}

// TokenError is a refusal or malformed answer from an OAuth2 token endpoint. Its message
// names the endpoint (without query or user info), the status and the OAuth2 error code and
// description, never the client secret.
type TokenError struct {
	Endpoint    string
	StatusCode  int    // 0 when no response was received
	Code        string // the "error" member, such as invalid_client
	Description string // the "error_description" member
	Err         error
}

func (e *TokenError) Error() string {
	var b strings.Builder
	b.WriteString("oauth2 token endpoint " + e.Endpoint)
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, ": status %d", e.StatusCode)
		if t := http.StatusText(e.StatusCode); t != "" {
			b.WriteString(" " + t)
		}
	}
	if e.Code != "" {
		b.WriteString(": " + e.Code)
	}
	if e.Description != "" {
		b.WriteString(": " + e.Description)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *TokenError) Unwrap() error { return e.Err }

func (c *OAuth2ClientCredentials) fetch(ctx context.Context) (string, time.Duration, error) {
	style := c.AuthStyle
	if style == AuthStyleAuto && c.style != AuthStyleAuto {
		style = c.style
	}
	if style != AuthStyleAuto {
		return c.fetchWith(ctx, style)
	}
	tok, life, err := c.fetchWith(ctx, AuthStyleHeader)
	var te *TokenError
	if errors.As(err, &te) && (te.StatusCode == http.StatusBadRequest || te.StatusCode == http.StatusUnauthorized) {
		tok, life, err = c.fetchWith(ctx, AuthStyleBody)
		if err == nil {
			c.style = AuthStyleBody
		}
		return tok, life, err
	}
	if err == nil {
		c.style = AuthStyleHeader
	}
	return tok, life, err
}

func (c *OAuth2ClientCredentials) fetchWith(ctx context.Context, style AuthStyle) (string, time.Duration, error) {
	fail := func(status int, code, desc string, err error) (string, time.Duration, error) {
		return "", 0, &TokenError{
			Endpoint:    endpointName(c.tokenURL),
			StatusCode:  status,
			Code:        RedactString(code, c.clientSecret),
			Description: RedactString(desc, c.clientSecret),
			Err:         redactErr(err, c.clientSecret),
		}
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	if len(c.scopes) > 0 {
		form.Set("scope", strings.Join(c.scopes, " "))
	}
	for k, v := range c.EndpointParams {
		form[k] = v
	}
	if style == AuthStyleBody {
		form.Set("client_id", c.clientID)
		form.Set("client_secret", c.clientSecret)
	}
	encoded := form.Encode()
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, c.tokenURL, strings.NewReader(encoded))
	if err != nil {
		return fail(0, "", "", errors.New("invalid token URL"))
	}
	hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hr.Header.Set("Accept", "application/json")
	if style == AuthStyleHeader {
		hr.SetBasicAuth(url.QueryEscape(c.clientID), url.QueryEscape(c.clientSecret))
	}
	d := c.doer
	if d == nil {
		d = doerFrom(ctx)
	}
	// The client secret stays with the token endpoint's origin (see CheckRedirect).
	guard := &redirectGuard{secrets: []string{c.clientSecret, url.QueryEscape(c.clientSecret)}, body: []byte(encoded)}
	res, err := doGuarded(d, hr, guard)
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return fail(0, "", "", stripURL(err))
	}
	defer closeBody(res.Body)
	body, err := readLimited(res.Body, res.ContentLength, maxTokenBody)
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return fail(res.StatusCode, "", "", fmt.Errorf("reading the response: %w", stripURL(err)))
	}
	var tr struct {
		AccessToken string          `json:"access_token"`
		TokenType   string          `json:"token_type"`
		ExpiresIn   json.RawMessage `json:"expires_in"`
		Error       string          `json:"error"`
		Description string          `json:"error_description"`
	}
	jsonErr := json.Unmarshal(body, &tr)
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fail(res.StatusCode, tr.Error, tr.Description, nil)
	}
	if jsonErr != nil {
		return fail(res.StatusCode, "", "", errors.New("the response is not a JSON token response"))
	}
	if tr.AccessToken == "" {
		return fail(res.StatusCode, tr.Error, tr.Description, errors.New("the response has no access_token"))
	}
	if tr.TokenType != "" && !strings.EqualFold(tr.TokenType, "bearer") {
		return fail(res.StatusCode, "", "", fmt.Errorf("token_type %q is not bearer", tr.TokenType))
	}
	lifetime := DefaultTokenLifetime
	// expires_in is a number, but some servers send it as a string.
	if s := strings.Trim(string(tr.ExpiresIn), `"`); s != "" && s != "null" {
		n, err := strconv.ParseFloat(s, 64)
		if err != nil || n < 0 {
			return fail(res.StatusCode, "", "", errors.New("expires_in is not a number of seconds"))
		}
		lifetime = time.Duration(n * float64(time.Second))
	}
	return tr.AccessToken, lifetime, nil
}

// endpointName is a URL without user info, query or fragment, safe for messages.
func endpointName(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}

// closeBody drains a little of what is left, so that the connection can be reused when the
// rest is short, and closes the body. The drain is bounded: a huge or endless body is cut.
func closeBody(b io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, b, 4<<10)
	_ = b.Close()
}
