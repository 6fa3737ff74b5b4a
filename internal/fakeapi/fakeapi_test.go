package fakeapi

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// call sends one request to srv and returns the status code and the decoded JSON body. It fails
// the test if the response is not JSON with Content-Type application/json.
func call(t *testing.T, srv *httptest.Server, method, path, contentType, body string, header map[string]string) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("%s %s: Content-Type = %q, want application/json (body %s)", method, path, ct, raw)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: body is not a JSON object: %v (%s)", method, path, err, raw)
	}
	return resp.StatusCode, out
}

const jsonCT = "application/json"

func wantStatus(t *testing.T, got, want int, body map[string]any) {
	t.Helper()
	if got != want {
		t.Fatalf("status = %d, want %d (body %v)", got, want, body)
	}
}

func wantBody(t *testing.T, got map[string]any, wantJSON string) {
	t.Helper()
	var want map[string]any
	if err := json.Unmarshal([]byte(wantJSON), &want); err != nil {
		t.Fatalf("bad expected JSON %s: %v", wantJSON, err)
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		t.Fatalf("body = %s\nwant   %s", g, wantJSON)
	}
}

// ---------------------------------------------------------------------------
// Prismatic
// ---------------------------------------------------------------------------

const listCustomersQuery = `{"query":"query listCustomers {\n  customers {\n    nodes {\n      id\n      name\n      externalId\n    }\n  }\n}"}`

func TestPrismaticRefreshListAndRevoke(t *testing.T) {
	srv := httptest.NewServer(Prismatic())
	defer srv.Close()

	st, body := call(t, srv, "POST", "/auth/refresh", jsonCT, `{"refresh_token":"demo-refresh-token"}`, nil)
	wantStatus(t, st, 200, body)
	wantBody(t, body, `{"access_token":"demo-access-token","refresh_token":"demo-refresh-token-2","token_type":"Bearer","expires_in":604800}`)

	st, body = call(t, srv, "POST", "/api", jsonCT, listCustomersQuery,
		map[string]string{"Authorization": "Bearer " + body["access_token"].(string)})
	wantStatus(t, st, 200, body)
	wantBody(t, body, `{"data":{"customers":{"nodes":[
		{"id":"Q3VzdG9tZXI6MQ==","name":"Acme Corp","externalId":"acme-123"},
		{"id":"Q3VzdG9tZXI6Mg==","name":"Globex","externalId":"globex-7"}]}}}`)

	st, body = call(t, srv, "POST", "/auth/revoke", jsonCT, `{"refresh_token":"demo-refresh-token"}`, nil)
	wantStatus(t, st, 200, body)
	wantBody(t, body, `{}`)

	// The revoked token can no longer be refreshed or revoked again.
	st, body = call(t, srv, "POST", "/auth/refresh", jsonCT, `{"refresh_token":"demo-refresh-token"}`, nil)
	wantStatus(t, st, 401, body)
	wantBody(t, body, `{"error":"invalid refresh token"}`)
	st, body = call(t, srv, "POST", "/auth/revoke", jsonCT, `{"refresh_token":"demo-refresh-token"}`, nil)
	wantStatus(t, st, 401, body)
	wantBody(t, body, `{"error":"invalid refresh token"}`)

	// Revocation is per handler instance.
	fresh := httptest.NewServer(Prismatic())
	defer fresh.Close()
	st, body = call(t, fresh, "POST", "/auth/refresh", jsonCT, `{"refresh_token":"demo-refresh-token"}`, nil)
	wantStatus(t, st, 200, body)
}

func TestPrismaticRefreshRefusals(t *testing.T) {
	srv := httptest.NewServer(Prismatic())
	defer srv.Close()
	tests := []struct {
		name, ct, body string
		status         int
		want           string
	}{
		{"wrong token", jsonCT, `{"refresh_token":"nope"}`, 401, `{"error":"invalid refresh token"}`},
		{"missing token", jsonCT, `{}`, 401, `{"error":"invalid refresh token"}`},
		{"rotated token is not accepted", jsonCT, `{"refresh_token":"demo-refresh-token-2"}`, 401, `{"error":"invalid refresh token"}`},
		{"malformed JSON", jsonCT, `{"refresh_token":`, 400, ""},
		{"wrong type", jsonCT, `{"refresh_token":42}`, 400, ""},
		{"not JSON", "text/plain", `refresh_token=demo-refresh-token`, 415, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, body := call(t, srv, "POST", "/auth/refresh", tc.ct, tc.body, nil)
			wantStatus(t, st, tc.status, body)
			if tc.want != "" {
				wantBody(t, body, tc.want)
			} else if _, ok := body["error"].(string); !ok {
				t.Fatalf("body %v has no error message", body)
			}
		})
	}
}

func TestPrismaticRevokeWrongToken(t *testing.T) {
	srv := httptest.NewServer(Prismatic())
	defer srv.Close()
	st, body := call(t, srv, "POST", "/auth/revoke", jsonCT, `{"refresh_token":"wrong"}`, nil)
	wantStatus(t, st, 401, body)
	wantBody(t, body, `{"error":"invalid refresh token"}`)
	// A failed revoke must not revoke the real token.
	st, body = call(t, srv, "POST", "/auth/refresh", jsonCT, `{"refresh_token":"demo-refresh-token"}`, nil)
	wantStatus(t, st, 200, body)
}

func TestPrismaticGraphQLRefusals(t *testing.T) {
	srv := httptest.NewServer(Prismatic())
	defer srv.Close()
	auth := map[string]string{"Authorization": "Bearer " + PrismaticAccessToken}

	for name, hdr := range map[string]map[string]string{
		"no header":    nil,
		"wrong token":  {"Authorization": "Bearer other"},
		"wrong scheme": {"Authorization": "Basic " + PrismaticAccessToken},
		"bare token":   {"Authorization": PrismaticAccessToken},
	} {
		t.Run(name, func(t *testing.T) {
			st, body := call(t, srv, "POST", "/api", jsonCT, listCustomersQuery, hdr)
			wantStatus(t, st, 401, body)
			if _, ok := body["error"].(string); !ok {
				t.Fatalf("body %v has no error message", body)
			}
		})
	}

	st, body := call(t, srv, "POST", "/api", jsonCT, `{"query":"query listIntegrations { integrations { nodes { id } } }"}`, auth)
	wantStatus(t, st, 200, body)
	wantBody(t, body, `{"errors":[{"message":"unsupported query"}]}`)

	st, body = call(t, srv, "POST", "/api", jsonCT, `{"variables":{}}`, auth)
	wantStatus(t, st, 400, body)
	wantBody(t, body, `{"errors":[{"message":"query is required"}]}`)

	st, body = call(t, srv, "POST", "/api", "text/plain", `{"query":"customers"}`, auth)
	wantStatus(t, st, 415, body)
}

func TestPrismaticUnknownRoutes(t *testing.T) {
	srv := httptest.NewServer(Prismatic())
	defer srv.Close()
	st, body := call(t, srv, "GET", "/nope", "", "", nil)
	wantStatus(t, st, 404, body)
	wantBody(t, body, `{"error":"not found"}`)

	req, _ := http.NewRequest("GET", srv.URL+"/api", nil)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST" {
		t.Fatalf("GET /api: status %d Allow %q, want 405 POST", resp.StatusCode, resp.Header.Get("Allow"))
	}
	st, body = call(t, srv, "GET", "/auth/refresh", "", "", nil)
	wantStatus(t, st, 405, body)
	wantBody(t, body, `{"error":"method not allowed"}`)
}

// ---------------------------------------------------------------------------
// Airbyte
// ---------------------------------------------------------------------------

const airbyteApp = `{"id":"780d5bd9-a8a0-43cf-8b35-cc2061ad8319","name":"my app",
	"clientId":"b6b159ce-07f4-4699-94b3-3e85b318852e","clientSecret":"demo-client-secret","createdAt":1717969830000}`

func TestAirbyteBootstrap(t *testing.T) {
	// Mounted under /v1 as the OpenAPI servers url suggests.
	mux := http.NewServeMux()
	mux.Handle("/v1/", http.StripPrefix("/v1", Airbyte()))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	st, body := call(t, srv, "POST", "/v1/applications", jsonCT, `{"name":"my app"}`, nil)
	wantStatus(t, st, 200, body)
	wantBody(t, body, airbyteApp)

	st, body = call(t, srv, "GET", "/v1/applications/"+body["id"].(string), "", "", nil)
	wantStatus(t, st, 200, body)
	wantBody(t, body, airbyteApp)

	// The seed workflow's hyphenated key.
	st, body = call(t, srv, "POST", "/v1/applications/token", jsonCT,
		`{"client_id":"b6b159ce-07f4-4699-94b3-3e85b318852e","client_secret":"demo-client-secret","grant-type":"client_credentials"}`, nil)
	wantStatus(t, st, 200, body)
	wantBody(t, body, `{"access_token":"demo-airbyte-access-token","token_type":"Bearer","expires_in":180}`)

	// The schema's underscored key.
	st, body = call(t, srv, "POST", "/v1/applications/token", jsonCT,
		`{"client_id":"b6b159ce-07f4-4699-94b3-3e85b318852e","client_secret":"demo-client-secret","grant_type":"client_credentials"}`, nil)
	wantStatus(t, st, 200, body)
	wantBody(t, body, `{"access_token":"demo-airbyte-access-token","token_type":"Bearer","expires_in":180}`)

	// The form-encoded variant the description also allows.
	form := url.Values{"client_id": {AirbyteClientID}, "client_secret": {AirbyteClientSecret}, "grant_type": {"client_credentials"}}
	st, body = call(t, srv, "POST", "/v1/applications/token", "application/x-www-form-urlencoded", form.Encode(), nil)
	wantStatus(t, st, 200, body)
	if body["access_token"] != AirbyteAccessToken {
		t.Fatalf("form token body = %v", body)
	}
}

func TestAirbyteApplicationRefusals(t *testing.T) {
	srv := httptest.NewServer(Airbyte())
	defer srv.Close()

	// Nothing created yet on this instance.
	st, body := call(t, srv, "GET", "/applications/"+AirbyteApplicationID, "", "", nil)
	wantStatus(t, st, 404, body)
	wantBody(t, body, `{"message":"application not found"}`)

	for name, payload := range map[string]string{
		"missing name": `{}`,
		"empty name":   `{"name":""}`,
		"null name":    `{"name":null}`,
		"wrong type":   `{"name":7}`,
		"not object":   `["name"]`,
		"empty body":   ``,
	} {
		t.Run(name, func(t *testing.T) {
			st, body := call(t, srv, "POST", "/applications", jsonCT, payload, nil)
			wantStatus(t, st, 400, body)
			if _, ok := body["message"].(string); !ok {
				t.Fatalf("body %v has no message", body)
			}
		})
	}

	st, body = call(t, srv, "POST", "/applications", jsonCT, `{"name":"x"}`, nil)
	wantStatus(t, st, 200, body)
	st, body = call(t, srv, "GET", "/applications/some-other-id", "", "", nil)
	wantStatus(t, st, 404, body)

	st, body = call(t, srv, "DELETE", "/applications/"+AirbyteApplicationID, "", "", nil)
	wantStatus(t, st, 405, body)
	wantBody(t, body, `{"message":"method not allowed"}`)
	st, body = call(t, srv, "GET", "/workspaces", "", "", nil)
	wantStatus(t, st, 404, body)
	wantBody(t, body, `{"message":"not found"}`)
}

func TestAirbyteTokenRefusals(t *testing.T) {
	srv := httptest.NewServer(Airbyte())
	defer srv.Close()
	id, secret := AirbyteClientID, AirbyteClientSecret
	tests := []struct {
		name   string
		body   map[string]any
		status int
	}{
		{"wrong secret", map[string]any{"client_id": id, "client_secret": "nope", "grant_type": "client_credentials"}, 403},
		{"wrong id", map[string]any{"client_id": "nope", "client_secret": secret, "grant-type": "client_credentials"}, 403},
		{"missing grant type", map[string]any{"client_id": id, "client_secret": secret}, 400},
		{"wrong grant type", map[string]any{"client_id": id, "client_secret": secret, "grant_type": "password"}, 400},
		{"conflicting grant types", map[string]any{"client_id": id, "client_secret": secret, "grant_type": "client_credentials", "grant-type": "password"}, 400},
		{"missing secret", map[string]any{"client_id": id, "grant_type": "client_credentials"}, 400},
		{"non-string id", map[string]any{"client_id": 1, "client_secret": secret, "grant_type": "client_credentials"}, 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			payload, _ := json.Marshal(tc.body)
			st, body := call(t, srv, "POST", "/applications/token", jsonCT, string(payload), nil)
			wantStatus(t, st, tc.status, body)
			if tc.status == 403 {
				wantBody(t, body, `{"message":"invalid client credentials"}`)
			} else if _, ok := body["message"].(string); !ok {
				t.Fatalf("body %v has no message", body)
			}
		})
	}
	st, body := call(t, srv, "POST", "/applications/token", "text/plain", "x", nil)
	wantStatus(t, st, 415, body)
}

// ---------------------------------------------------------------------------
// Pipedream
// ---------------------------------------------------------------------------

func TestPipedreamMintAndValidate(t *testing.T) {
	srv := httptest.NewServer(Pipedream())
	defer srv.Close()

	st, body := call(t, srv, "POST", "/v1/connect/"+PipedreamProjectID+"/tokens", jsonCT,
		`{"external_user_id":"demo-user-1","project_id":"proj_demo123"}`,
		map[string]string{"x-pd-environment": "production"})
	wantStatus(t, st, 200, body)
	wantBody(t, body, `{"token":"ctok_0123456789abcdef0123456789abcdef",
		"connect_link_url":"https://pipedream.com/_static/connect.html?token=ctok_0123456789abcdef0123456789abcdef",
		"expires_at":"2026-01-01T00:00:00Z"}`)

	st, body = call(t, srv, "GET", "/v1/connect/tokens/"+body["token"].(string)+"/validate?app_id=slack", "", "", nil)
	wantStatus(t, st, 200, body)
	// DeepEqual on decoded maps also checks that the nulls are present as JSON null.
	wantBody(t, body, `{"success":true,"error":null,
		"app":{"id":null,"name_slug":"slack","name":"App slack","auth_type":"oauth","description":null,
			"img_src":"https://assets.pipedream.net/s.v0/slack/logo/orig","custom_fields_json":null,
			"categories":["Communication"],"featured_weight":1},
		"project_id":"proj_demo123","project_environment":"production"}`)
	for _, k := range []string{"error"} {
		if v, ok := body[k]; !ok || v != nil {
			t.Fatalf("%q = %v (present %v), want JSON null", k, v, ok)
		}
	}
}

func TestPipedreamCreateTokenRefusals(t *testing.T) {
	srv := httptest.NewServer(Pipedream())
	defer srv.Close()
	good := `{"external_user_id":"u1","project_id":"proj_demo123"}`
	dev := map[string]string{"x-pd-environment": "development"}
	tests := []struct {
		name, project, ct, body string
		header                  map[string]string
		status                  int
	}{
		{"project id without proj_", "demo123", jsonCT, `{"external_user_id":"u1","project_id":"demo123"}`, dev, 400},
		{"project id with bad chars", "proj_a-b", jsonCT, `{"external_user_id":"u1","project_id":"proj_a-b"}`, dev, 400},
		{"missing environment", "proj_demo123", jsonCT, good, nil, 400},
		{"bad environment", "proj_demo123", jsonCT, good, map[string]string{"x-pd-environment": "staging"}, 400},
		{"missing external_user_id", "proj_demo123", jsonCT, `{"project_id":"proj_demo123"}`, dev, 400},
		{"missing body project_id", "proj_demo123", jsonCT, `{"external_user_id":"u1"}`, dev, 400},
		{"mismatched project_id", "proj_demo123", jsonCT, `{"external_user_id":"u1","project_id":"proj_other"}`, dev, 400},
		{"malformed JSON", "proj_demo123", jsonCT, `{`, dev, 400},
		{"not JSON", "proj_demo123", "text/plain", good, dev, 415},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, body := call(t, srv, "POST", "/v1/connect/"+tc.project+"/tokens", tc.ct, tc.body, tc.header)
			wantStatus(t, st, tc.status, body)
			if _, ok := body["error"].(string); !ok {
				t.Fatalf("body %v has no error", body)
			}
		})
	}
	// None of the refused requests issued a token.
	st, body := call(t, srv, "GET", "/v1/connect/tokens/"+PipedreamConnectToken+"/validate?app_id=slack", "", "", nil)
	wantStatus(t, st, 404, body)
}

func TestPipedreamValidateRefusals(t *testing.T) {
	srv := httptest.NewServer(Pipedream())
	defer srv.Close()

	st, body := call(t, srv, "GET", "/v1/connect/tokens/"+PipedreamConnectToken+"/validate?app_id=slack", "", "", nil)
	wantStatus(t, st, 404, body)
	wantBody(t, body, `{"error":"token not found"}`)

	st, body = call(t, srv, "POST", "/v1/connect/"+PipedreamProjectID+"/tokens", jsonCT,
		`{"external_user_id":"u1","project_id":"proj_demo123"}`, map[string]string{"x-pd-environment": "development"})
	wantStatus(t, st, 200, body)

	st, body = call(t, srv, "GET", "/v1/connect/tokens/"+PipedreamConnectToken+"/validate", "", "", nil)
	wantStatus(t, st, 400, body)
	wantBody(t, body, `{"error":"app_id is required"}`)

	st, body = call(t, srv, "GET", "/v1/connect/tokens/ctok_ffffffffffffffffffffffffffffffff/validate?app_id=slack", "", "", nil)
	wantStatus(t, st, 404, body)
	wantBody(t, body, `{"error":"token not found"}`)

	st, body = call(t, srv, "POST", "/v1/connect/tokens/"+PipedreamConnectToken+"/validate?app_id=slack", "", "", nil)
	wantStatus(t, st, 405, body)
	wantBody(t, body, `{"error":"method not allowed"}`)
	st, body = call(t, srv, "GET", "/v1/connect/"+PipedreamProjectID+"/tokens", "", "", nil)
	wantStatus(t, st, 405, body)
	st, body = call(t, srv, "GET", "/v1/connect/users", "", "", nil)
	wantStatus(t, st, 404, body)
	wantBody(t, body, `{"error":"not found"}`)
}

func TestConcurrentUse(t *testing.T) {
	p := httptest.NewServer(Prismatic())
	defer p.Close()
	a := httptest.NewServer(Airbyte())
	defer a.Close()
	d := httptest.NewServer(Pipedream())
	defer d.Close()

	var wg sync.WaitGroup
	errs := make(chan string, 3*16)
	check := func(srv *httptest.Server, method, path, body string, hdr map[string]string, want int) {
		defer wg.Done()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", jsonCT)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			errs <- err.Error()
			return
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			errs <- method + " " + path + ": " + resp.Status
		}
	}
	for i := 0; i < 16; i++ {
		wg.Add(3)
		go check(p, "POST", "/auth/refresh", `{"refresh_token":"demo-refresh-token"}`, nil, 200)
		go check(a, "POST", "/applications", `{"name":"n"}`, nil, 200)
		go check(d, "POST", "/v1/connect/proj_x/tokens", `{"external_user_id":"u","project_id":"proj_x"}`,
			map[string]string{"x-pd-environment": "development"}, 200)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
