// Package fakeapi is a small, deterministic in-memory stand-in for the Prismatic, Airbyte and
// Pipedream APIs that the example workflows call. It is for demos and tests, never production.
//
// Each constructor returns a fresh handler with its own state (guarded by a mutex, so a handler
// is safe for concurrent use). Every JSON response carries Content-Type: application/json, and
// unknown paths or methods are answered with 404 or 405 and a JSON error body.
package fakeapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// Known credentials and values the fakes accept or return.
const (
	// PrismaticRefreshToken is the refresh token Prismatic accepts (once revoked, refused).
	PrismaticRefreshToken = "demo-refresh-token"
	// PrismaticAccessToken is what /auth/refresh returns and /api requires as "Bearer …".
	PrismaticAccessToken = "demo-access-token"
	// PrismaticNextRefreshToken is the refresh token /auth/refresh hands back. It is only
	// reported, never accepted by the fake.
	PrismaticNextRefreshToken = "demo-refresh-token-2"

	// AirbyteApplicationID is the id of the application POST /applications creates.
	AirbyteApplicationID = "780d5bd9-a8a0-43cf-8b35-cc2061ad8319"
	// AirbyteClientID is the client id of the created application, accepted by /applications/token.
	AirbyteClientID = "b6b159ce-07f4-4699-94b3-3e85b318852e"
	// AirbyteClientSecret is the client secret of the created application, accepted by /applications/token.
	AirbyteClientSecret = "demo-client-secret"
	// AirbyteAccessToken is the bearer token /applications/token returns.
	AirbyteAccessToken = "demo-airbyte-access-token"
	// AirbyteCreatedAt is the creation time (Unix milliseconds) reported for the application.
	AirbyteCreatedAt int64 = 1717969830000

	// PipedreamProjectID is a project id the fake accepts (any id matching ^proj_[a-zA-Z0-9]+$ is accepted).
	PipedreamProjectID = "proj_demo123"
	// PipedreamEnvironment is a valid x-pd-environment value ("development" or "production").
	PipedreamEnvironment = "development"
	// PipedreamExternalUserID is an example end-user id to mint a Connect token for.
	PipedreamExternalUserID = "demo-user-1"
	// PipedreamConnectToken is the Connect token POST /v1/connect/{project_id}/tokens issues.
	PipedreamConnectToken = "ctok_0123456789abcdef0123456789abcdef"
	// PipedreamConnectLinkURL is the connect_link_url returned with the Connect token.
	PipedreamConnectLinkURL = "https://pipedream.com/_static/connect.html?token=" + PipedreamConnectToken
	// PipedreamTokenExpiresAt is the expires_at returned with the Connect token.
	PipedreamTokenExpiresAt = "2026-01-01T00:00:00Z"
	// PipedreamAppID is an example app id to validate the Connect token against (any non-empty id is accepted).
	PipedreamAppID = "slack"
)

// maxBodyBytes bounds every request body the fakes read.
const maxBodyBytes = 1 << 20

// ---------------------------------------------------------------------------
// Routing and JSON helpers
// ---------------------------------------------------------------------------

type handlerFunc func(w http.ResponseWriter, r *http.Request, params map[string]string)

type route struct {
	method  string
	pattern []string // path segments; "{name}" captures a segment
	handle  handlerFunc
}

// router is a tiny method+path router that answers unknown paths with 404 and known paths
// with the wrong method with 405, both as JSON built by errBody.
type router struct {
	routes  []route
	errBody func(msg string) any
}

func (rt *router) add(method, path string, h handlerFunc) {
	rt.routes = append(rt.routes, route{method: method, pattern: splitPattern(path), handle: h})
}

func splitPattern(path string) []string {
	return strings.Split(strings.TrimPrefix(path, "/"), "/")
}

func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw := r.URL.EscapedPath()
	if !strings.HasPrefix(raw, "/") {
		raw = "/" + raw
	}
	segs := strings.Split(strings.TrimPrefix(raw, "/"), "/")
	for i, s := range segs {
		u, err := url.PathUnescape(s)
		if err != nil {
			writeJSON(w, http.StatusNotFound, rt.errBody("not found"))
			return
		}
		segs[i] = u
	}
	var allowed []string
	for _, ro := range rt.routes {
		params, ok := matchPath(ro.pattern, segs)
		if !ok {
			continue
		}
		if ro.method != r.Method {
			allowed = append(allowed, ro.method)
			continue
		}
		ro.handle(w, r, params)
		return
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeJSON(w, http.StatusMethodNotAllowed, rt.errBody("method not allowed"))
		return
	}
	writeJSON(w, http.StatusNotFound, rt.errBody("not found"))
}

func matchPath(pattern, segs []string) (map[string]string, bool) {
	if len(pattern) != len(segs) {
		return nil, false
	}
	params := map[string]string{}
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			if segs[i] == "" {
				return nil, false
			}
			params[p[1:len(p)-1]] = segs[i]
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return params, true
}

// writeJSON writes v as a JSON response with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"error":"internal error"}` + "\n"))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// mediaType returns the request's media type (lower-cased, without parameters), or "".
func mediaType(r *http.Request) string {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return ""
	}
	return strings.ToLower(mt)
}

// bodyError is a client error found while reading a request body.
type bodyError struct {
	status int
	msg    string
}

func (e *bodyError) Error() string { return e.msg }

// decodeJSON strictly reads a single JSON object from the request body into dst. It requires
// Content-Type application/json (415 otherwise) and well-formed JSON of the right shape (400).
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) *bodyError {
	if mediaType(r) != "application/json" {
		return &bodyError{http.StatusUnsupportedMediaType, "content type must be application/json"}
	}
	return decodeJSONBody(w, r, dst)
}

func decodeJSONBody(w http.ResponseWriter, r *http.Request, dst any) *bodyError {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err := dec.Decode(dst); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &bodyError{http.StatusRequestEntityTooLarge, "request body too large"}
		}
		if errors.Is(err, io.EOF) {
			return &bodyError{http.StatusBadRequest, "request body is empty"}
		}
		return &bodyError{http.StatusBadRequest, "invalid JSON body: " + err.Error()}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &bodyError{http.StatusBadRequest, "invalid JSON body: unexpected data after the JSON value"}
	}
	return nil
}

// ---------------------------------------------------------------------------
// Prismatic
// ---------------------------------------------------------------------------

type prismaticError struct {
	Error string `json:"error"`
}

type graphQLError struct {
	Message string `json:"message"`
}

type graphQLErrors struct {
	Errors []graphQLError `json:"errors"`
}

// prismaticCustomer is one customer node returned by the fake's listCustomers query.
type prismaticCustomer struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	ExternalID string `json:"externalId"`
}

var prismaticCustomers = []prismaticCustomer{
	{ID: "Q3VzdG9tZXI6MQ==", Name: "Acme Corp", ExternalID: "acme-123"},
	{ID: "Q3VzdG9tZXI6Mg==", Name: "Globex", ExternalID: "globex-7"},
}

type prismatic struct {
	mu      sync.Mutex
	revoked bool
}

// Prismatic returns a handler for the Prismatic API (server root as in its OpenAPI servers url,
// i.e. paths /api, /auth/refresh, /auth/revoke).
//
// POST /auth/refresh exchanges PrismaticRefreshToken for PrismaticAccessToken; POST /api needs
// "Authorization: Bearer PrismaticAccessToken" and answers the listCustomers query; POST
// /auth/revoke revokes PrismaticRefreshToken for this handler instance.
func Prismatic() http.Handler {
	p := &prismatic{}
	rt := &router{errBody: func(msg string) any { return prismaticError{Error: msg} }}
	rt.add(http.MethodPost, "/api", p.graphql)
	rt.add(http.MethodPost, "/auth/refresh", p.refresh)
	rt.add(http.MethodPost, "/auth/revoke", p.revoke)
	return rt
}

type refreshTokenRequest struct {
	RefreshToken *string `json:"refresh_token"`
}

// validRefreshToken reports whether tok is the known, unrevoked refresh token.
func (p *prismatic) validRefreshToken(tok *string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return tok != nil && *tok == PrismaticRefreshToken && !p.revoked
}

func (p *prismatic) refresh(w http.ResponseWriter, r *http.Request, _ map[string]string) {
	var req refreshTokenRequest
	if e := decodeJSON(w, r, &req); e != nil {
		writeJSON(w, e.status, prismaticError{Error: e.msg})
		return
	}
	if !p.validRefreshToken(req.RefreshToken) {
		writeJSON(w, http.StatusUnauthorized, prismaticError{Error: "invalid refresh token"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token":  PrismaticAccessToken,
		"refresh_token": PrismaticNextRefreshToken,
		"token_type":    "Bearer",
		"expires_in":    604800,
	})
}

func (p *prismatic) revoke(w http.ResponseWriter, r *http.Request, _ map[string]string) {
	var req refreshTokenRequest
	if e := decodeJSON(w, r, &req); e != nil {
		writeJSON(w, e.status, prismaticError{Error: e.msg})
		return
	}
	p.mu.Lock()
	ok := req.RefreshToken != nil && *req.RefreshToken == PrismaticRefreshToken && !p.revoked
	if ok {
		p.revoked = true
	}
	p.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusUnauthorized, prismaticError{Error: "invalid refresh token"})
		return
	}
	writeJSON(w, http.StatusOK, struct{}{})
}

type graphQLRequest struct {
	Query         *string        `json:"query"`
	Variables     map[string]any `json:"variables"`
	OperationName *string        `json:"operationName"`
}

func (p *prismatic) graphql(w http.ResponseWriter, r *http.Request, _ map[string]string) {
	if !bearerIs(r, PrismaticAccessToken) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="prismatic"`)
		writeJSON(w, http.StatusUnauthorized, prismaticError{Error: "invalid or missing access token"})
		return
	}
	var req graphQLRequest
	if e := decodeJSON(w, r, &req); e != nil {
		writeJSON(w, e.status, graphQLErrors{Errors: []graphQLError{{Message: e.msg}}})
		return
	}
	if req.Query == nil || strings.TrimSpace(*req.Query) == "" {
		writeJSON(w, http.StatusBadRequest, graphQLErrors{Errors: []graphQLError{{Message: "query is required"}}})
		return
	}
	if !strings.Contains(*req.Query, "customers") {
		writeJSON(w, http.StatusOK, graphQLErrors{Errors: []graphQLError{{Message: "unsupported query"}}})
		return
	}
	nodes := make([]prismaticCustomer, len(prismaticCustomers))
	copy(nodes, prismaticCustomers)
	writeJSON(w, http.StatusOK, map[string]any{
		"data": map[string]any{
			"customers": map[string]any{"nodes": nodes},
		},
	})
}

// bearerIs reports whether the request carries "Authorization: Bearer <token>" (the scheme is
// matched case-insensitively, the token exactly).
func bearerIs(r *http.Request, token string) bool {
	scheme, cred, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	return ok && strings.EqualFold(scheme, "Bearer") && strings.TrimSpace(cred) == token
}

// ---------------------------------------------------------------------------
// Airbyte
// ---------------------------------------------------------------------------

type airbyteError struct {
	Message string `json:"message"`
}

type airbyteApplication struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
	CreatedAt    int64  `json:"createdAt"`
}

type airbyte struct {
	mu   sync.Mutex
	apps map[string]airbyteApplication
}

// Airbyte returns a handler for the Airbyte API with paths relative to its server url (so
// /applications, /applications/{id}, /applications/token; the caller mounts it at the base URL
// it chooses, e.g. with http.StripPrefix("/v1", fakeapi.Airbyte())).
//
// POST /applications creates the application AirbyteApplicationID (its name taken from the
// body); GET /applications/{id} reads it back once created on this handler instance; POST
// /applications/token exchanges AirbyteClientID and AirbyteClientSecret, with a grant type of
// client_credentials under "grant_type" or "grant-type", for AirbyteAccessToken.
func Airbyte() http.Handler {
	a := &airbyte{apps: map[string]airbyteApplication{}}
	rt := &router{errBody: func(msg string) any { return airbyteError{Message: msg} }}
	rt.add(http.MethodPost, "/applications", a.createApplication)
	rt.add(http.MethodPost, "/applications/token", a.createAccessToken)
	rt.add(http.MethodGet, "/applications/{applicationId}", a.getApplication)
	return rt
}

func (a *airbyte) createApplication(w http.ResponseWriter, r *http.Request, _ map[string]string) {
	var req struct {
		Name *string `json:"name"`
	}
	if e := decodeJSON(w, r, &req); e != nil {
		writeJSON(w, e.status, airbyteError{Message: e.msg})
		return
	}
	if req.Name == nil || strings.TrimSpace(*req.Name) == "" {
		writeJSON(w, http.StatusBadRequest, airbyteError{Message: "name is required"})
		return
	}
	app := airbyteApplication{
		ID:           AirbyteApplicationID,
		Name:         *req.Name,
		ClientID:     AirbyteClientID,
		ClientSecret: AirbyteClientSecret,
		CreatedAt:    AirbyteCreatedAt,
	}
	a.mu.Lock()
	a.apps[app.ID] = app
	a.mu.Unlock()
	writeJSON(w, http.StatusOK, app)
}

func (a *airbyte) getApplication(w http.ResponseWriter, _ *http.Request, params map[string]string) {
	a.mu.Lock()
	app, ok := a.apps[params["applicationId"]]
	a.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, airbyteError{Message: "application not found"})
		return
	}
	writeJSON(w, http.StatusOK, app)
}

func (a *airbyte) createAccessToken(w http.ResponseWriter, r *http.Request, _ map[string]string) {
	fields := map[string]string{}
	switch mediaType(r) {
	case "application/json":
		var raw map[string]any
		if e := decodeJSONBody(w, r, &raw); e != nil {
			writeJSON(w, e.status, airbyteError{Message: e.msg})
			return
		}
		if raw == nil {
			writeJSON(w, http.StatusBadRequest, airbyteError{Message: "request body must be a JSON object"})
			return
		}
		for _, k := range []string{"client_id", "client_secret", "grant_type", "grant-type"} {
			v, present := raw[k]
			if !present {
				continue
			}
			s, ok := v.(string)
			if !ok {
				writeJSON(w, http.StatusBadRequest, airbyteError{Message: k + " must be a string"})
				return
			}
			fields[k] = s
		}
	case "application/x-www-form-urlencoded":
		r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		if err := r.ParseForm(); err != nil {
			writeJSON(w, http.StatusBadRequest, airbyteError{Message: "invalid form body"})
			return
		}
		for _, k := range []string{"client_id", "client_secret", "grant_type", "grant-type"} {
			if vs, ok := r.PostForm[k]; ok && len(vs) > 0 {
				fields[k] = vs[0]
			}
		}
	default:
		writeJSON(w, http.StatusUnsupportedMediaType,
			airbyteError{Message: "content type must be application/json or application/x-www-form-urlencoded"})
		return
	}

	for _, k := range []string{"client_id", "client_secret"} {
		if fields[k] == "" {
			writeJSON(w, http.StatusBadRequest, airbyteError{Message: k + " is required"})
			return
		}
	}
	under, hasUnder := fields["grant_type"]
	hyphen, hasHyphen := fields["grant-type"]
	switch {
	case !hasUnder && !hasHyphen:
		writeJSON(w, http.StatusBadRequest, airbyteError{Message: "grant_type is required"})
		return
	case (hasUnder && under != "client_credentials") || (hasHyphen && hyphen != "client_credentials"):
		writeJSON(w, http.StatusBadRequest, airbyteError{Message: "unsupported grant type: only client_credentials is allowed"})
		return
	}
	if fields["client_id"] != AirbyteClientID || fields["client_secret"] != AirbyteClientSecret {
		writeJSON(w, http.StatusForbidden, airbyteError{Message: "invalid client credentials"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": AirbyteAccessToken,
		"token_type":   "Bearer",
		"expires_in":   180,
	})
}

// ---------------------------------------------------------------------------
// Pipedream
// ---------------------------------------------------------------------------

type pipedreamError struct {
	Error string `json:"error"`
}

var pipedreamProjectIDPattern = regexp.MustCompile(`^proj_[a-zA-Z0-9]+$`)

type pipedreamTokenGrant struct {
	projectID      string
	environment    string
	externalUserID string
}

type pipedream struct {
	mu     sync.Mutex
	tokens map[string]pipedreamTokenGrant
}

// Pipedream returns a handler for the Pipedream API (/v1/connect/{project_id}/tokens,
// /v1/connect/tokens/{ctok}/validate).
//
// POST /v1/connect/{project_id}/tokens issues PipedreamConnectToken for a project id matching
// ^proj_[a-zA-Z0-9]+$, an x-pd-environment header of "development" or "production" and a JSON
// body whose project_id equals the path's; GET /v1/connect/tokens/{ctok}/validate?app_id=…
// validates a token issued by this handler instance.
func Pipedream() http.Handler {
	p := &pipedream{tokens: map[string]pipedreamTokenGrant{}}
	rt := &router{errBody: func(msg string) any { return pipedreamError{Error: msg} }}
	rt.add(http.MethodPost, "/v1/connect/{project_id}/tokens", p.createToken)
	rt.add(http.MethodGet, "/v1/connect/tokens/{ctok}/validate", p.validateToken)
	return rt
}

func (p *pipedream) createToken(w http.ResponseWriter, r *http.Request, params map[string]string) {
	projectID := params["project_id"]
	if !pipedreamProjectIDPattern.MatchString(projectID) {
		writeJSON(w, http.StatusBadRequest, pipedreamError{Error: "invalid project_id: must match ^proj_[a-zA-Z0-9]+$"})
		return
	}
	env := r.Header.Get("x-pd-environment")
	if env != "development" && env != "production" {
		writeJSON(w, http.StatusBadRequest,
			pipedreamError{Error: `x-pd-environment header must be "development" or "production"`})
		return
	}
	var req struct {
		ExternalUserID *string `json:"external_user_id"`
		ProjectID      *string `json:"project_id"`
	}
	if e := decodeJSON(w, r, &req); e != nil {
		writeJSON(w, e.status, pipedreamError{Error: e.msg})
		return
	}
	if req.ExternalUserID == nil || *req.ExternalUserID == "" {
		writeJSON(w, http.StatusBadRequest, pipedreamError{Error: "external_user_id is required"})
		return
	}
	if req.ProjectID == nil || *req.ProjectID == "" {
		writeJSON(w, http.StatusBadRequest, pipedreamError{Error: "project_id is required"})
		return
	}
	if *req.ProjectID != projectID {
		writeJSON(w, http.StatusBadRequest,
			pipedreamError{Error: fmt.Sprintf("project_id %q in the body does not match %q in the path", *req.ProjectID, projectID)})
		return
	}
	p.mu.Lock()
	p.tokens[PipedreamConnectToken] = pipedreamTokenGrant{
		projectID:      projectID,
		environment:    env,
		externalUserID: *req.ExternalUserID,
	}
	p.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"token":            PipedreamConnectToken,
		"connect_link_url": PipedreamConnectLinkURL,
		"expires_at":       PipedreamTokenExpiresAt,
	})
}

// pipedreamApp has every property the App schema requires, so that the typed output of
// a validation is complete.
type pipedreamApp struct {
	ID               *string  `json:"id"`
	NameSlug         string   `json:"name_slug"`
	Name             string   `json:"name"`
	AuthType         string   `json:"auth_type"`
	Description      *string  `json:"description"`
	ImgSrc           string   `json:"img_src"`
	CustomFieldsJSON *string  `json:"custom_fields_json"`
	Categories       []string `json:"categories"`
	FeaturedWeight   float64  `json:"featured_weight"`
}

type pipedreamValidateResponse struct {
	Success            bool          `json:"success"`
	Error              *string       `json:"error"`
	App                *pipedreamApp `json:"app"`
	ProjectID          string        `json:"project_id"`
	ProjectEnvironment string        `json:"project_environment"`
}

func (p *pipedream) validateToken(w http.ResponseWriter, r *http.Request, params map[string]string) {
	appID := r.URL.Query().Get("app_id")
	if appID == "" {
		writeJSON(w, http.StatusBadRequest, pipedreamError{Error: "app_id is required"})
		return
	}
	p.mu.Lock()
	grant, ok := p.tokens[params["ctok"]]
	p.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, pipedreamError{Error: "token not found"})
		return
	}
	writeJSON(w, http.StatusOK, pipedreamValidateResponse{
		Success: true,
		App: &pipedreamApp{
			NameSlug:       appID,
			Name:           "App " + appID,
			AuthType:       "oauth",
			ImgSrc:         "https://assets.pipedream.net/s.v0/" + url.PathEscape(appID) + "/logo/orig",
			Categories:     []string{"Communication"},
			FeaturedWeight: 1,
		},
		ProjectID:          grant.projectID,
		ProjectEnvironment: grant.environment,
	})
}
