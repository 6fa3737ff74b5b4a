package runtime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

func TestSecretName(t *testing.T) {
	secret := []string{
		"token", "accessToken", "access_token", "refreshToken", "refresh_token", "idToken", "id_token",
		"connectToken", "ctok_token", "oauth_token", "accesstoken", "apiKey", "api_key", "APIKey", "x-api-key",
		"X-API-Key", "apikey", "xApiKey", "clientSecret", "client_secret", "secret", "webhookSecret",
		"password", "newPassword", "password_confirmation", "userPassword", "passwd", "pwd", "passphrase",
		"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Auth-Token", "auth", "basicAuth",
		"credentials", "jwt", "bearer", "privateKey", "private_key", "awsSecretAccessKey", "accessKey",
		"signingKey", "X-CSRF-Token", "sessionToken", "otp", "refreshTokens", "secrets",
		// The usual names of keys, PINs, personal access tokens, sessions and signatures.
		"key", "apiKey", "pin", "PIN", "pinCode", "pat", "sessionId", "session_id", "SESSIONID", "JSESSIONID",
		"signature", "X-Signature", "sshKey", "ssh_key", "cookie", "privateKey", "passphrase", "credentials",
		"secretKey", "licenseKey", "encryptionKey", "masterKey", "clientKey", "storageKey", "x-key", "passcode",
		"cvv", "hmac", "mnemonic", "connectionString", "recoveryCodes", "sessionKey", "totp", "pass", "formKey",
	}
	plain := []string{
		"tokenType", "token_type", "tokenUrl", "tokenURL", "token_endpoint", "expiresIn", "expires_in",
		"accessTokenExpiresIn", "refresh_token_expires_at", "tokenExpiresAt", "max_tokens", "prompt_tokens",
		"totalTokens", "nextPageToken", "pageToken", "next_token", "continuationToken", "syncToken",
		"passwordPolicy", "secretName", "apiKeyId", "api_key_name", "authType", "authUrl", "authorizationUrl",
		"cookieName", "scope", "customerId", "name", "idempotencyKey", "Content-Type", "Accept",
		"X-Request-Id", "projectId", "externalId", "author", "", "keyboard", "monkey", "tokenizer",
		// Words that merely contain a secret word, keys that order or identify data, and names
		// that describe a secret.
		"keyword", "keywords", "keys", "hotkey", "turkey", "pattern", "patterns", "path", "patch", "patient",
		"spinner", "pinned", "pinnacle", "passenger", "compass", "session", "sessionTimeout", "sessionIdType",
		"keyId", "key_id", "keyName", "keyType", "sortKey", "partition_key", "primaryKey", "publicKey",
		"cacheKey", "objectKey", "signatureMethod", "signatureCount", "signal", "design", "authority",
	}
	for _, n := range secret {
		if !SecretName(n) {
			t.Errorf("SecretName(%q) = false, want true", n)
		}
	}
	for _, n := range plain {
		if SecretName(n) {
			t.Errorf("SecretName(%q) = true, want false", n)
		}
	}
}

func TestSplitWords(t *testing.T) {
	for in, want := range map[string]string{
		"refreshToken": "refresh token", "X-API-Key": "x api key", "APIKey": "api key", "client_secret": "client secret",
		"oauth2Token": "oauth2 token", "HTTPServerURL": "http server url", "ÄrgerToken": "ärger token",
	} {
		if got := strings.Join(splitWords(in), " "); got != want {
			t.Errorf("splitWords(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRedactString(t *testing.T) {
	tests := []struct {
		s       string
		secrets []string
		want    string
	}{
		{"token abcd1234 twice abcd1234", []string{"abcd1234"}, "token [REDACTED] twice [REDACTED]"},
		// Short values are secrets too, where they stand alone; the empty value is none.
		{"status 401 for x, 4012 and xx", []string{"401", "x", ""}, "status [REDACTED] for [REDACTED], 4012 and xx"},
		{"q=a%2Bb%3Dc&j=\"a+b=c\"", []string{"a+b=c"}, "q=[REDACTED]&j=\"[REDACTED]\""},
		{`{"v":"say \"hi\" now"}`, []string{`say "hi" now`}, `{"v":"[REDACTED]"}`},
		{"outer-secret-value", []string{"secret", "outer-secret-value"}, "[REDACTED]"},
		{"nothing here", nil, "nothing here"},
	}
	for _, tt := range tests {
		if got := RedactString(tt.s, tt.secrets...); got != tt.want {
			t.Errorf("RedactString(%q, %q) = %q, want %q", tt.s, tt.secrets, got, tt.want)
		}
	}
}

func TestRedactHeader(t *testing.T) {
	h := http.Header{
		"Authorization": {"Bearer tok-123456"},
		"Cookie":        {"session=abcdef"},
		"X-Api-Key":     {"k-987654"},
		"X-Custom-Key":  {"custom-key-value"},
		"X-Echo":        {"carries tok-123456 along"},
		"Content-Type":  {"application/json"},
	}
	got := RedactHeader(h, "custom-key-value", "tok-123456")
	want := http.Header{
		"Authorization": {Redacted}, "Cookie": {Redacted}, "X-Api-Key": {Redacted},
		"X-Custom-Key": {Redacted}, "X-Echo": {"carries [REDACTED] along"}, "Content-Type": {"application/json"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("RedactHeader = %v, want %v", got, want)
	}
	if h.Get("Authorization") != "Bearer tok-123456" {
		t.Error("RedactHeader changed its argument")
	}
	if RedactHeader(nil) != nil {
		t.Error("RedactHeader(nil) != nil")
	}
}

func TestRedactBody(t *testing.T) {
	tests := []struct {
		in       string
		want     string
		complete bool
	}{
		{`{"access_token":"abc","token_type":"Bearer","expires_in":3600}`, `{"access_token":"[REDACTED]","token_type":"Bearer","expires_in":3600}`, true},
		{`{ "data" : { "apiKey" : { "v": [1, "x"] }, "list": [{"password": null}, "password"] } }`,
			`{ "data" : { "apiKey":"[REDACTED]", "list": [{"password":"[REDACTED]"}, "password"] } }`, true},
		{`[{"a":1},{"secret":true}]`, `[{"a":1},{"secret":"[REDACTED]"}]`, true},
		{`{"nested":{"a":[1,{"b":2}]},"refreshToken":"r"}`, `{"nested":{"a":[1,{"b":2}]},"refreshToken":"[REDACTED]"}`, true},
		{`{"error":"invalid"}`, `{"error":"invalid"}`, true},
		{`{"a":`, `{"a":`, false},
		{`{"a":1`, `{"a":1`, false},
		{`{"access_token":"abc`, `{"access_token"`, false},
		{`{"access_token":{"x":1`, `{"access_token"`, false},
		{`{"a" 1, "password": "p"}`, `{"a" `, false},
		{`{"a":1} {"password":"p"}`, `{"a":1} {"password":"[REDACTED]"}`, true},
		{`<html>password=hunter2</html>`, `<html>password=hunter2</html>`, true}, // not JSON: left to RedactString
		{`  `, `  `, true},
	}
	for _, tt := range tests {
		got, complete := redactBody([]byte(tt.in))
		if string(got) != tt.want || complete != tt.complete {
			t.Errorf("redactBody(%s) = %s, %v; want %s, %v", tt.in, got, complete, tt.want, tt.complete)
		}
	}
}

// FuzzRedactBody checks that redacting valid JSON yields valid JSON holding no value of a
// secret-named member, and that no input makes it panic.
func FuzzRedactBody(f *testing.F) {
	f.Add([]byte(`{"access_token":"abc","n":[1,{"password":"p"}]}`))
	f.Add([]byte(`[{"secret":{"a":[{}]}},"x"]`))
	f.Add([]byte(`{"a":`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		out, complete := redactBody(doc)
		if !json.Valid(doc) || !bytes.HasPrefix(bytes.TrimLeft(doc, " \t\r\n"), []byte("{")) && !bytes.HasPrefix(bytes.TrimLeft(doc, " \t\r\n"), []byte("[")) {
			return
		}
		if !complete || !json.Valid(out) {
			t.Fatalf("redactBody(%s) = %s, %v: want complete valid JSON", doc, out, complete)
		}
		var v any
		json.Unmarshal(out, &v)
		var walk func(v any)
		walk = func(v any) {
			switch x := v.(type) {
			case map[string]any:
				for k, m := range x {
					if SecretName(k) && m != Redacted {
						t.Fatalf("member %q kept its value %v in %s", k, m, out)
					}
					walk(m)
				}
			case []any:
				for _, e := range x {
					walk(e)
				}
			}
		}
		walk(v)
	})
}

func TestExcerpt(t *testing.T) {
	long := `{"items":"` + strings.Repeat("é", 600) + `"}`
	got := excerpt([]byte(long), nil)
	if !strings.HasSuffix(got, "…") || len(got) > maxExcerpt+len("…") || !strings.HasPrefix(got, `{"items":"éé`) {
		t.Errorf("excerpt of a long body = %q", got)
	}
	if got := excerpt([]byte(`plain text with sekrit-value inside`), []string{"sekrit-value"}); got != "plain text with [REDACTED] inside" {
		t.Errorf("excerpt = %q", got)
	}
	// A secret member beyond the examined window is never shown: the excerpt stops first.
	big := `{"pad":"` + strings.Repeat("x", 10000) + `","password":"p"}`
	if got := excerpt([]byte(big), nil); strings.Contains(got, `"p"`) {
		t.Errorf("excerpt = %q", got)
	}
}

type inputsForTest struct {
	RefreshToken string
	Count        *int64
	Name         string
	Filter       json.RawMessage
	Note         *string
}

func (in inputsForTest) fields() []Field {
	return []Field{
		{Name: "refreshToken", Value: in.RefreshToken, Secret: true},
		{Name: "count", Value: in.Count},
		{Name: "name", Value: in.Name},
		{Name: "filter", Value: in.Filter},
		{Name: "note", Value: in.Note},
	}
}

func (in inputsForTest) String() string       { return FormatFields("Inputs", in.fields()...) }
func (in inputsForTest) GoString() string     { return in.String() }
func (in inputsForTest) LogValue() slog.Value { return LogFields(in.fields()...) }

func TestFormatAndLogFields(t *testing.T) {
	n := int64(3)
	in := inputsForTest{RefreshToken: "rt-secret-1", Count: &n, Name: `a "b"`, Filter: json.RawMessage(`{"apiKey":"k-secret-2","q":"x"}`)}
	want := `Inputs{refreshToken: [REDACTED], count: 3, name: "a \"b\"", filter: {"apiKey":"[REDACTED]","q":"x"}, note: null}`
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if got := fmt.Sprintf(verb, in); got != want {
			t.Errorf("%s: %s\nwant %s", verb, got, want)
		}
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("run", "inputs", in)
	got := buf.String()
	if strings.Contains(got, "secret-1") || strings.Contains(got, "secret-2") {
		t.Errorf("log record leaks a secret: %s", got)
	}
	for _, part := range []string{`"refreshToken":"[REDACTED]"`, `"count":3`, `"filter":{"apiKey":"[REDACTED]","q":"x"}`, `"note":null`, `"name":"a \"b\""`} {
		if !strings.Contains(got, part) {
			t.Errorf("log record %s lacks %s", got, part)
		}
	}
	// A JSON value that cannot be checked whole is cut where the check stopped.
	if got := FormatFields("T", Field{Name: "raw", Value: json.RawMessage(`{"x":1,"password":`)}); got != `T{raw: {"x":1,"password"…}` {
		t.Errorf("FormatFields of malformed JSON = %s", got)
	}
	if got := FormatFields("T", Field{Name: "s", Value: []string{"a"}}, Field{Name: "m", Value: map[string]any{"token": "t"}}); got != `T{s: ["a"], m: {"token":"[REDACTED]"}}` {
		t.Errorf("FormatFields of structured values = %s", got)
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
