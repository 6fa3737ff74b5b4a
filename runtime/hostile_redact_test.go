package runtime

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestExcerptRedactsBeforeCutting: a secret that straddles the point where the examined
// part of a body ends must not show its start, wherever redaction of what comes before it
// leaves it in the excerpt.
func TestExcerptRedactsBeforeCutting(t *testing.T) {
	const token = "tok-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ" // 50 characters
	for shift := -60; shift <= 60; shift++ {
		// A secret member whose long value redaction shrinks, then padding up to the
		// token so that it starts at 8 KiB + shift.
		head := `{"password":"` + strings.Repeat("p", 7900) + `","note":"`
		pad := strings.Repeat("n", 8<<10+shift-len(head))
		body := head + pad + token + `"}`
		got := excerpt([]byte(body), []string{token})
		for n := 8; n <= len(token); n++ {
			if strings.Contains(got, token[:n]) {
				t.Fatalf("shift %d: the excerpt shows %q of the token: …%s", shift, token[:n], got[max(0, len(got)-80):])
			}
		}
	}
}

// TestEncodedSecretsAreRedacted: a server that echoes a secret base64-, percent- or
// JSON-encoded (as many APIs do in error messages) gets it redacted from the error's body
// excerpt and message.
func TestEncodedSecretsAreRedacted(t *testing.T) {
	const secret = "s3cr3t/+&ü=hunter2?"
	b64 := func(enc *base64.Encoding, s string) string { return enc.EncodeToString([]byte(s)) }
	forms := map[string]string{
		"plain":            secret,
		"base64":           b64(base64.StdEncoding, secret),
		"base64url":        b64(base64.URLEncoding, secret),
		"raw base64":       b64(base64.RawStdEncoding, secret),
		"raw base64url":    b64(base64.RawURLEncoding, secret),
		"base64 in basic":  b64(base64.StdEncoding, "user:"+secret),
		"base64 offset 2":  b64(base64.StdEncoding, "ab"+secret+"tail"),
		"query escaped":    url.QueryEscape(secret),
		"path escaped":     url.PathEscape(secret),
		"lower-case hex":   strings.ToLower(url.QueryEscape(secret)),
		"json escaped":     `s3cr3t/+\u0026\u00fc=hunter2?`,
		"json slash":       `s3cr3t\/+&ü=hunter2?`,
		"percent all":      "s3cr3t%2F%2B%26%C3%BC%3Dhunter2%3F",
		"double quoted js": strings.ReplaceAll(fmt.Sprintf("%q", secret), `"`, ""),
	}
	for name, form := range forms {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(400)
				fmt.Fprintf(w, "rejected value [%s] for field x", form)
			}))
			defer srv.Close()
			tr, _ := newTestTransport(t)
			resp, err := tr.Send(context.Background(), &Request{Workflow: "w", Step: "s", Method: "GET", URL: srv.URL, Secrets: []string{secret}})
			if err != nil {
				t.Fatal(err)
			}
			err = resp.Unmet("$statusCode == 200")
			se := mustStepError(t, err)
			core := form[1 : len(form)-1] // a form is not shown even without its first and last character
			if strings.Contains(se.Body, core) || strings.Contains(err.Error(), core) {
				t.Errorf("excerpt %q shows %q", se.Body, form)
			}
			if !strings.Contains(se.Body, "rejected value [") || !strings.Contains(se.Body, "] for field x") {
				t.Errorf("excerpt %q lost the text around the secret", se.Body)
			}
		})
	}
}

// TestShortSecretsAreRedacted: a secret shorter than four characters is still a secret: it
// is redacted where it stands as a value of its own (between non-alphanumeric characters),
// and ordinary text that merely contains its characters is left alone.
func TestShortSecretsAreRedacted(t *testing.T) {
	tests := []struct{ s, secret, want string }{
		{`{"pin":"4821","code":"a7","msg":"code a7 rejected"}`, "a7", `{"pin":"4821","code":"[REDACTED]","msg":"code [REDACTED] rejected"}`},
		{"value=x9z&next=1", "x9z", "value=[REDACTED]&next=1"},
		{"pass a%26b given", "a&b", "pass [REDACTED] given"},
		{"the fox9z and ax9z stay", "x9z", "the fox9z and ax9z stay"},
		{"echo eDl6 back", "x9z", "echo [REDACTED] back"}, // base64
	}
	for _, tt := range tests {
		if got := RedactString(tt.s, tt.secret); got != tt.want {
			t.Errorf("RedactString(%q, %q) = %q, want %q", tt.s, tt.secret, got, tt.want)
		}
	}
	e := (&Request{Workflow: "w", Step: "s", secrets: []string{"42z"}}).fail(0, "request failed", fmt.Errorf("server said: bad pin 42z"))
	if strings.Contains(e.Error(), "42z") {
		t.Errorf("error shows the short secret: %s", e)
	}
}
