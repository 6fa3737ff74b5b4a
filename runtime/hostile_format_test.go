package runtime

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// printed renders v with every verb, alone and nested in exported fields, slices, maps and
// pointers, and with unexported also in an unexported field (where fmt cannot call methods).
func printed(v any, unexported bool) string {
	type holder struct {
		Exported   any
		unexported any
	}
	h := holder{Exported: v}
	if unexported {
		h.unexported = v
	}
	var b strings.Builder
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%d"} {
		for _, x := range []any{v, h, &h, []any{v}, map[string]any{"k": v}} {
			fmt.Fprintf(&b, verb+"\n", x)
		}
	}
	return b.String()
}

// TestFormatNeverPrintsSecrets prints every runtime type that holds secrets after a real
// exchange (a bearer token, an API key in the query, secret inputs, a response echoing
// them) with every fmt verb: no secret may appear.
func TestFormatNeverPrintsSecrets(t *testing.T) {
	const (
		token  = "tok-123-bearer"
		apiKey = "key-456-query"
		input  = "hunter2-input"
		pin    = "pin-7890"
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Set-Cookie", "sid="+token)
		w.WriteHeader(500)
		fmt.Fprintf(w, `{"error":"refused %s %s %s %s","auth":%q}`, r.Header.Get("Authorization"), r.URL.RawQuery, input, pin, r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	tr, _ := newTestTransport(t)
	run := tr.Start(context.Background(), "w")
	run.Secret(input)
	req := &Request{Method: "GET", Path: "/x", URL: srv.URL + "/x?pin=" + pin, Secrets: []string{pin},
		Header: http.Header{"X-Note": {"carries " + pin}},
		Auth:   Credentials(Bearer(StaticToken(token)), APIKey("query", "api_key", StaticToken(apiKey)))}
	st := run.Step("s")
	resp, err := st.Send(req)
	if err != nil {
		t.Fatal(err)
	}
	stepErr := resp.Unmet("$statusCode == 200")
	runErr := run.End(stepErr)
	var se *StepError
	if !errors.As(runErr, &se) {
		t.Fatalf("not a StepError: %v", runErr)
	}
	cc := ClientCredentials("https://auth.example.com/token", "client", "client-secret-xyz", nil, nil)
	cc.token = "cached-token-abc"
	values := map[string]any{
		"*StepError": se, "StepError": *se, "Request": *req, "*Request": req, "*Response": resp, "Response": *resp,
		"*Run": run, "Field": Field{Name: "pin", Value: pin, Secret: true}, "*OAuth2ClientCredentials": cc,
		"OAuth2ClientCredentials": *cc, "wrapped error": fmt.Errorf("wrapped: %w", se), "Err": se.Err,
	}
	for name, v := range values {
		out := printed(v, strings.Contains(name, "StepError") || name == "wrapped error")
		for _, s := range []string{token, apiKey, input, pin, "client-secret-xyz", "cached-token-abc"} {
			if strings.Contains(out, s) {
				i := strings.Index(out, s)
				t.Errorf("%s prints %q: …%s…", name, s, out[max(0, i-120):min(len(out), i+40)])
			}
		}
	}
	if got := fmt.Sprintf("%v", se); got != se.Error() || !strings.Contains(got, "success criterion not met") {
		t.Errorf("%%v = %q, want the message", got)
	}
	if got := fmt.Sprintf("%#v", se); !strings.Contains(got, `StatusCode:500`) || !strings.Contains(got, `Step:"s"`) {
		t.Errorf("%%#v = %s", got)
	}
}
