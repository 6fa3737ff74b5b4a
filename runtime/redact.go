package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Redacted replaces every secret in errors, observer events, log records and the String and
// LogValue output of generated input and output structs.
const Redacted = "[REDACTED]"

// minSecretLen is the shortest value RedactString replaces: replacing a one- or
// two-character value everywhere would mangle every message (status codes, names) while
// such a value protects nothing.
const minSecretLen = 4

// SecretName reports whether an input, output, parameter, header or JSON member name marks
// its value as secret. Generated code uses the same rule (together with the schema's
// `format: password`) to decide which fields its String and LogValue methods redact, and the
// runtime uses it for headers and JSON members in errors and events.
//
// The name is split into lower-case words at case changes and at any non-alphanumeric
// character ("refreshToken", "X-API-Key", "client_secret"). It is secret when a word is one
// of token, tokens, secret, password, passwd, passphrase, pwd, credential, cookie,
// authorization, auth, jwt, bearer, apikey or otp (or their plurals), when a word ends in
// "token" or contains "secret", "password", "passwd", "passphrase", "apikey", "accesskey",
// "privatekey" or "signingkey", or when two words in a row are "api key", "access key",
// "private key" or "signing key". It is not secret when a later word says the value
// describes the secret rather than being it ("tokenType", "tokenUrl", "passwordPolicy",
// "tokenExpiresIn", "secretName", "apiKeyId": type, url, uri, endpoint, expires, expiry,
// expiration, exp, ttl, lifetime, length, count, scope, hint, kind, format, name, id,
// required, enabled, policy, method, mode, scheme, provider, location, style, created,
// updated, issued), for the pagination cursors "pageToken", "nextToken",
// "continuationToken", "paginationToken", "syncToken", and for the counts of language-model
// APIs ("tokens" alone or after max, min, total, num, prompt, completion, input, output,
// cached, reasoning, used, remaining).
//
// The rule errs towards secrecy: redacting a value that was not secret costs a log line
// some detail, missing a secret leaks it.
func SecretName(name string) bool {
	words := splitWords(name)
	for i := 0; i < len(words); i++ {
		w := words[i]
		end := i
		hit := secretWords[w] || strings.HasSuffix(w, "token") || containsAny(w, secretParts)
		if !hit && i+1 < len(words) && secretPairs[w+" "+words[i+1]] {
			hit, end = true, i+1
		}
		if !hit {
			continue
		}
		if slices.ContainsFunc(words[end+1:], func(d string) bool { return descriptorWords[d] }) {
			continue
		}
		if i > 0 && cursorPrefixes[words[i-1]] && strings.HasSuffix(w, "token") {
			continue
		}
		if w == "tokens" && (i == 0 || countPrefixes[words[i-1]]) {
			continue
		}
		return true
	}
	return false
}

var secretWords = set("token", "tokens", "secret", "secrets", "password", "passwords", "passwd", "passphrase",
	"pwd", "credential", "credentials", "cookie", "cookies", "authorization", "auth", "jwt", "bearer",
	"apikey", "apikeys", "otp")

var secretParts = []string{"secret", "password", "passwd", "passphrase", "apikey", "accesskey", "privatekey", "signingkey"}

var secretPairs = set("api key", "api keys", "access key", "private key", "signing key")

var descriptorWords = set("type", "types", "url", "uri", "urls", "endpoint", "expires", "expiry",
	"expiration", "exp", "ttl", "lifetime", "length", "count", "scope", "scopes", "hint", "kind",
	"format", "name", "names", "id", "ids", "required", "enabled", "policy", "method", "mode",
	"scheme", "provider", "location", "style", "created", "updated", "issued")

var cursorPrefixes = set("page", "next", "continuation", "pagination", "sync")

// countPrefixes precede "tokens" where it counts language-model tokens ("max_tokens",
// "prompt_tokens") rather than holding credentials ("refreshTokens").
var countPrefixes = set("max", "min", "total", "num", "prompt", "completion", "input", "output",
	"cached", "reasoning", "used", "remaining")

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

func containsAny(s string, parts []string) bool {
	for _, p := range parts {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// splitWords splits "XAuthToken", "x-api-key", "refresh_token", "APIKey" into lower-case
// words: at non-alphanumerics, before an upper-case letter that follows a lower-case letter
// or digit, and before the last capital of an acronym followed by a lower-case letter.
func splitWords(name string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(name)
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		if unicode.IsUpper(r) && len(cur) > 0 {
			prev := cur[len(cur)-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return words
}

// RedactString replaces every occurrence of each secret value in s (also in its
// query-escaped and JSON-escaped forms) with Redacted. Values shorter than four bytes are
// left alone: they would match ordinary text everywhere.
func RedactString(s string, secrets ...string) string {
	if len(secrets) == 0 || s == "" {
		return s
	}
	var forms []string
	for _, v := range secrets {
		if len(v) < minSecretLen {
			continue
		}
		forms = append(forms, v)
		if q := url.QueryEscape(v); q != v {
			forms = append(forms, q)
		}
		if j, err := json.Marshal(v); err == nil && string(j[1:len(j)-1]) != v {
			forms = append(forms, string(j[1:len(j)-1]))
		}
	}
	// Longest first, so that a secret containing another is replaced whole.
	slices.SortFunc(forms, func(a, b string) int { return len(b) - len(a) })
	for _, f := range forms {
		if strings.Contains(s, f) {
			s = strings.ReplaceAll(s, f, Redacted)
		}
	}
	return s
}

// SensitiveHeader reports whether a header's value is always redacted: Authorization,
// Proxy-Authorization, Cookie, Set-Cookie, and any header SecretName marks ("X-API-Key",
// "X-Auth-Token").
func SensitiveHeader(name string) bool {
	switch http.CanonicalHeaderKey(name) {
	case "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie":
		return true
	}
	return SecretName(name)
}

// RedactHeader returns a copy of h fit for logs: the values of sensitive headers (see
// SensitiveHeader) are Redacted, and the secret values given are replaced in the others.
func RedactHeader(h http.Header, secrets ...string) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		c := make([]string, len(vs))
		for i, v := range vs {
			if SensitiveHeader(k) {
				c[i] = Redacted
			} else {
				c[i] = RedactString(v, secrets...)
			}
		}
		out[k] = c
	}
	return out
}

// redactBody prepares a response body for an error message. A body that looks like JSON has
// the value of every member that SecretName marks replaced by "[REDACTED]"; if it is
// malformed or cut short, only the part before the problem is kept (what follows could not be
// checked) and complete is false. Other bodies are returned as they are.
func redactBody(b []byte) (out []byte, complete bool) {
	trimmed := bytes.TrimLeft(b, " \t\r\n")
	if len(trimmed) == 0 || (trimmed[0] != '{' && trimmed[0] != '[') {
		return b, true
	}
	return redactJSON(b)
}

func redactJSON(b []byte) ([]byte, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	type frame struct{ object, wantKey bool }
	var stack []frame
	var out []byte
	last := 0 // b[last:] is not copied to out yet
	done := func(upTo int64) []byte { return append(out, b[last:upTo]...) }
	for {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			// The decoder reports a document cut between tokens as a plain EOF.
			return done(int64(len(b))), len(stack) == 0
		}
		if err != nil {
			// Keep what the decoder read: a body cut short was read whole, a syntax error
			// up to the offending byte. Neither can hold a secret member's value, which is
			// only ever read below.
			keep := before
			var syn *json.SyntaxError
			switch {
			case errors.Is(err, io.ErrUnexpectedEOF):
				keep = int64(len(b))
			case errors.As(err, &syn) && syn.Offset > before && syn.Offset <= int64(len(b)):
				keep = syn.Offset
			}
			return done(keep), false
		}
		top := len(stack) - 1
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				if top >= 0 && stack[top].object {
					stack[top].wantKey = true // after this value comes a key
				}
				stack = append(stack, frame{object: d == '{', wantKey: d == '{'})
			default:
				stack = stack[:top]
			}
			continue
		}
		if top < 0 || !stack[top].object {
			continue // a scalar in an array or at the top
		}
		if !stack[top].wantKey {
			stack[top].wantKey = true // a scalar member value
			continue
		}
		stack[top].wantKey = false
		key, _ := tok.(string)
		if !SecretName(key) {
			continue
		}
		// Skip the member's value, however deep, and replace it.
		start := dec.InputOffset()
		depth := 0
		for {
			v, err := dec.Token()
			if err != nil {
				return done(start), false
			}
			if d, ok := v.(json.Delim); ok {
				if d == '{' || d == '[' {
					depth++
				} else {
					depth--
				}
			}
			if depth == 0 {
				break
			}
		}
		out = append(done(start), `:"`+Redacted+`"`...)
		last = int(dec.InputOffset())
		stack[top].wantKey = true
	}
}

// Field is one named value of a generated input or output struct, for FormatFields and
// LogFields. Generated code marks Secret by SecretName or the schema's `format: password`.
type Field struct {
	Name   string // the Arazzo name
	Value  any
	Secret bool
}

// FormatFields renders a struct's fields for its String and GoString methods:
//
//	Inputs{refreshToken: [REDACTED], pageSize: 50, name: "x", filter: {"apiKey":"[REDACTED]"}}
//
// Secret fields show Redacted; JSON values (json.RawMessage, slices, maps, structs) have
// their secret members redacted by name.
func FormatFields(typeName string, fields ...Field) string {
	var b strings.Builder
	b.WriteString(typeName)
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(f.Name)
		b.WriteString(": ")
		if f.Secret {
			b.WriteString(Redacted)
			continue
		}
		switch v := f.Value.(type) {
		case string:
			b.WriteString(strconv.Quote(v))
		case *string:
			if v == nil {
				b.WriteString("null")
			} else {
				b.WriteString(strconv.Quote(*v))
			}
		default:
			b.WriteString(redactedText(v))
		}
	}
	b.WriteByte('}')
	return b.String()
}

// LogFields renders a struct's fields as an slog group for its LogValue method, with the
// same redaction as FormatFields. Structured values are logged as JSON.
func LogFields(fields ...Field) slog.Value {
	attrs := make([]slog.Attr, 0, len(fields))
	for _, f := range fields {
		if f.Secret {
			attrs = append(attrs, slog.String(f.Name, Redacted))
			continue
		}
		var a slog.Attr
		switch v := f.Value.(type) {
		case string:
			a = slog.String(f.Name, v)
		case int64:
			a = slog.Int64(f.Name, v)
		case int:
			a = slog.Int(f.Name, v)
		case float64:
			a = slog.Float64(f.Name, v)
		case bool:
			a = slog.Bool(f.Name, v)
		case nil:
			a = slog.Any(f.Name, nil)
		case *string:
			a = slog.Any(f.Name, nil)
			if v != nil {
				a = slog.String(f.Name, *v)
			}
		case *int64:
			a = slog.Any(f.Name, nil)
			if v != nil {
				a = slog.Int64(f.Name, *v)
			}
		case *float64:
			a = slog.Any(f.Name, nil)
			if v != nil {
				a = slog.Float64(f.Name, *v)
			}
		case *bool:
			a = slog.Any(f.Name, nil)
			if v != nil {
				a = slog.Bool(f.Name, *v)
			}
		default:
			a = slog.Any(f.Name, json.RawMessage(redactedText(v)))
		}
		attrs = append(attrs, a)
	}
	return slog.GroupValue(attrs...)
}

// redactedText renders a value as Text does (a json.RawMessage as the JSON it holds), with
// the secret members of a JSON value redacted; a JSON value that cannot be checked whole is
// shown only as far as it could be checked.
func redactedText(v any) string {
	s := Text(v)
	if raw, ok := v.(json.RawMessage); ok && len(raw) > 0 {
		s = string(raw)
	}
	out, complete := redactBody([]byte(s))
	if !complete {
		return string(out) + "…"
	}
	return string(out)
}

// RedactJSON returns a JSON value with the value of every member whose name SecretName marks
// replaced by "[REDACTED]", at any depth. When data is not one well-formed JSON value,
// complete is false and out holds only the part before the problem, which could be checked.
func RedactJSON(data []byte) (out []byte, complete bool) { return redactJSON(data) }
