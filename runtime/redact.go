package runtime

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Redacted replaces every secret in errors, observer events, log records and the String and
// LogValue output of generated input and output structs.
const Redacted = "[REDACTED]"

// minSecretLen is the shortest value RedactString replaces wherever it occurs; a shorter
// one is replaced only where it stands alone: replacing a two-character value inside words
// would mangle every message (status codes, names), and hides nothing that could be told
// apart from any other text.
const minSecretLen = 4

// SecretName reports whether an input, output, parameter, header or JSON member name marks
// its value as secret. Generated code uses the same rule (together with the schema's
// `format: password`) to decide which fields its String and LogValue methods redact, and the
// runtime uses it for headers and JSON members in errors and events.
//
// The name is split into lower-case words at case changes and at any non-alphanumeric
// character ("refreshToken", "X-API-Key", "client_secret"). It is secret when a word is one
// of token, tokens, secret, password, passwd, passphrase, passcode, pass, pwd, pin, pincode,
// pat, otp, totp, credential, cookie, authorization, auth, jwt, bearer, apikey, key,
// signature, sig, hmac, csrf, xsrf, cvv, cvc, mnemonic, sessionid or sessid (or their
// plurals, except "keys"), when a word ends in "token" or contains "secret", "password",
// "passwd", "passphrase", "apikey", "accesskey", "privatekey" or "signingkey", or when two
// words in a row are "api key", "session id", "session key", "ssh key", "private key" or
// "connection string" (and the like, or their plurals). A "key" after a word that names
// what the key orders, finds or identifies ("sortKey", "partitionKey", "primaryKey",
// "publicKey", "idempotencyKey", "cacheKey", "objectKey") is not secret. It is not secret
// either when a later word says the value describes the secret rather than being it
// ("tokenType", "tokenUrl", "passwordPolicy", "tokenExpiresIn", "secretName", "apiKeyId",
// "keyId": type, url, uri, endpoint, expires, expiry, expiration, exp, ttl, lifetime, length,
// count, scope, hint, kind, format, name, id, required, enabled, policy, method, mode, scheme,
// provider, location, style, created, updated, issued), for the pagination cursors
// "pageToken", "nextToken", "continuationToken", "paginationToken", "syncToken", and for the
// counts of language-model APIs ("tokens" alone or after max, min, total, num, prompt,
// completion, input, output, cached, reasoning, used, remaining). Words are compared whole:
// "keyword", "monkey", "pattern", "spinner" and "author" are not secret.
//
// The rule errs towards secrecy: redacting a value that was not secret costs a log line
// some detail, missing a secret leaks it.
func SecretName(name string) bool {
	words := splitWords(name)
	nw := secretNameWords()
	secretWords, secretPairs, descriptorWords := nw.secretWords, nw.secretPairs, nw.descriptorWords
	cursorPrefixes, countPrefixes, keyPrefixes := nw.cursorPrefixes, nw.countPrefixes, nw.keyPrefixes
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
		if w == "key" && i > 0 && keyPrefixes[words[i-1]] {
			continue
		}
		return true
	}
	return false
}

var secretParts = []string{"secret", "password", "passwd", "passphrase", "apikey", "accesskey", "privatekey", "signingkey"}

// nameWords are the word sets SecretName reads.
type nameWords struct {
	secretWords, secretPairs, descriptorWords, cursorPrefixes, countPrefixes, keyPrefixes map[string]bool
}

// secretNameWords builds the word sets on SecretName's first call rather than when the
// program starts: a command that shows its help or runs a workflow without naming anything
// secret needs none of them.
var secretNameWords = sync.OnceValue(func() *nameWords {
	return &nameWords{
		secretWords: set("token", "tokens", "secret", "secrets", "password", "passwords", "passwd", "passphrase",
			"passphrases", "passcode", "passcodes", "pass", "pwd", "pin", "pins", "pincode", "pat", "pats", "otp",
			"totp", "credential", "credentials", "cookie", "cookies", "authorization", "auth", "jwt", "bearer",
			"apikey", "apikeys", "key", "signature", "signatures", "sig", "hmac", "csrf", "xsrf", "cvv", "cvv2",
			"cvc", "mnemonic", "sessionid", "sessid", "jsessionid", "phpsessid"),

		secretPairs: set("api key", "api keys", "access key", "access keys", "private key", "private keys",
			"signing key", "signing keys", "ssh key", "ssh keys", "session id", "session ids", "session key",
			"session keys", "session cookie", "connection string", "connection strings", "recovery code",
			"recovery codes", "backup code", "backup codes", "security code", "verification code"),

		descriptorWords: set("type", "types", "url", "uri", "urls", "endpoint", "expires", "expiry",
			"expiration", "exp", "ttl", "lifetime", "length", "count", "scope", "scopes", "hint", "kind",
			"format", "name", "names", "id", "ids", "required", "enabled", "policy", "method", "mode",
			"scheme", "provider", "location", "style", "created", "updated", "issued"),

		cursorPrefixes: set("page", "next", "continuation", "pagination", "sync"),

		// countPrefixes precede "tokens" where it counts language-model tokens ("max_tokens",
		// "prompt_tokens") rather than holding credentials ("refreshTokens").
		countPrefixes: set("max", "min", "total", "num", "prompt", "completion", "input", "output",
			"cached", "reasoning", "used", "remaining"),

		// keyPrefixes precede "key" where it orders, finds or identifies data ("sortKey",
		// "primaryKey", "idempotencyKey") or is public ("publicKey") rather than opening anything.
		keyPrefixes: set("sort", "partition", "primary", "foreign", "composite", "unique", "hash", "range",
			"row", "cache", "object", "routing", "idempotency", "dedup", "deduplication", "lookup", "map",
			"group", "index", "search", "shard", "sharding", "public", "lock", "message", "translation",
			"i18n", "label", "field", "property", "entry", "node", "item", "event"),
	}
})

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

// RedactString replaces every occurrence of each secret value in s with Redacted: the value
// as it is and in the encodings a server may echo it in (percent-encoded as a query, a path
// or with every reserved byte, upper- or lower-case hex; JSON-escaped, also with "\/";
// base64 in the standard and URL alphabets, padded or raw, also inside a longer base64 text
// such as an HTTP Basic credential). A value shorter than four bytes is replaced only where
// it stands alone, between characters that are not letters or digits: "a7" is redacted in
// `"code":"a7"` but not in "a7b" or "fa7", where it could be any text.
func RedactString(s string, secrets ...string) string {
	if len(secrets) == 0 || s == "" {
		return s
	}
	return newRedactor(secrets).replace(s)
}

// redactor holds the forms of a list of secrets, worked out once for many strings.
type redactor struct {
	forms   []string // longest first: replaced wherever they occur
	short   []string // the forms of values shorter than minSecretLen: replaced where they stand alone
	longest int      // the length of the longest form of either kind
}

func newRedactor(secrets []string) *redactor {
	r := &redactor{}
	seen := map[string]bool{}
	for _, v := range secrets {
		if v == "" {
			continue
		}
		for _, f := range encodedForms(v) {
			if f == "" || seen[f] {
				continue
			}
			seen[f] = true
			if len(v) < minSecretLen {
				r.short = append(r.short, f)
			} else {
				r.forms = append(r.forms, f)
			}
			r.longest = max(r.longest, len(f))
		}
	}
	// Longest first, so that a secret containing another is replaced whole.
	longestFirst := func(a, b string) int { return len(b) - len(a) }
	slices.SortStableFunc(r.forms, longestFirst)
	slices.SortStableFunc(r.short, longestFirst)
	return r
}

// encodedForms lists v and the encodings of it that RedactString replaces.
func encodedForms(v string) []string {
	pct := escape(v) // every byte outside the unreserved set, upper-case hex
	forms := []string{v, url.QueryEscape(v), url.PathEscape(v), pct, lowerHex(pct)}
	var jb bytes.Buffer
	enc := json.NewEncoder(&jb)
	for _, html := range []bool{true, false} {
		jb.Reset()
		enc.SetEscapeHTML(html)
		if enc.Encode(v) == nil {
			j := strings.TrimSuffix(jb.String(), "\n")
			j = j[1 : len(j)-1]
			for _, j := range []string{j, asciiJSON(j)} {
				forms = append(forms, j, strings.ReplaceAll(j, "/", `\/`))
			}
		}
	}
	for _, e := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		forms = append(forms, e.EncodeToString([]byte(v)))
		raw := e.WithPadding(base64.NoPadding)
		forms = append(forms, raw.EncodeToString([]byte(v)))
		if len(v) >= minSecretLen {
			forms = append(forms, base64Cores(raw, v)...)
		}
	}
	return forms
}

// base64Cores are the parts of the base64 encoding of a longer text that depend only on v,
// for each of the three alignments v can have in it ("user:" + password in a Basic
// credential): the characters at either end, which share bits with the bytes around v, are
// left out. Cores shorter than six characters would match too much ordinary text.
func base64Cores(enc *base64.Encoding, v string) []string {
	var cores []string
	buf := make([]byte, 0, len(v)+4)
	for k := 0; k < 3; k++ {
		buf = append(append(append(buf[:0], make([]byte, k)...), v...), 0, 0)
		text := enc.EncodeToString(buf)
		from := (8*k + 5) / 6      // the first character made only of v's bits
		to := 8 * (k + len(v)) / 6 // the end of the last one
		if to-from >= 6 {
			cores = append(cores, text[from:to])
		}
	}
	return cores
}

// asciiJSON escapes the non-ASCII characters of JSON string content as \uXXXX (lower-case
// hex, surrogate pairs beyond the BMP), as encoders that keep their output ASCII do.
func asciiJSON(j string) string {
	var b strings.Builder
	for _, c := range j {
		switch {
		case c < utf8.RuneSelf:
			b.WriteRune(c)
		case c > 0xFFFF:
			r1, r2 := utf16.EncodeRune(c)
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
		default:
			fmt.Fprintf(&b, `\u%04x`, c)
		}
	}
	return b.String()
}

// lowerHex writes the hex digits of percent-encoded triples in lower case.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			for j := i + 1; j <= i+2; j++ {
				if 'A' <= b[j] && b[j] <= 'F' {
					b[j] += 'a' - 'A'
				}
			}
		}
	}
	return string(b)
}

// replace redacts s.
func (r *redactor) replace(s string) string {
	for _, f := range r.forms {
		if strings.Contains(s, f) {
			s = strings.ReplaceAll(s, f, Redacted)
		}
	}
	for _, f := range r.short {
		s = replaceAlone(s, f)
	}
	return s
}

// replaceAlone replaces the occurrences of f in s that have no letter or digit right before
// or after them.
func replaceAlone(s, f string) string {
	var b strings.Builder
	last := 0
	for i := 0; i+len(f) <= len(s); {
		j := strings.Index(s[i:], f)
		if j < 0 {
			break
		}
		at, end := i+j, i+j+len(f)
		if (at == 0 || !alnum(s[at-1])) && (end == len(s) || !alnum(s[end])) {
			b.WriteString(s[last:at])
			b.WriteString(Redacted)
			last = end
			i = end
			continue
		}
		i = at + 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func alnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c >= 0x80
}

// cutTail drops the end of s, a text cut from a longer one, when it could be the start of a
// form: a secret the cut split shows only its start, which no form matches whole.
func (r *redactor) cutTail(s string) string {
	drop := 0
	for _, forms := range [][]string{r.forms, r.short} {
		for _, f := range forms {
			for k := min(len(f)-1, len(s)); k > drop; k-- {
				if strings.HasSuffix(s, f[:k]) {
					drop = k
					break
				}
			}
		}
	}
	return s[:len(s)-drop]
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
	var red *redactor
	if len(secrets) > 0 {
		red = newRedactor(secrets)
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		c := make([]string, len(vs))
		for i, v := range vs {
			switch {
			case SensitiveHeader(k):
				c[i] = Redacted
			case red != nil:
				c[i] = red.replace(v)
			default:
				c[i] = v
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
	dec.UseNumber() // a number beyond float64's range is still JSON
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
