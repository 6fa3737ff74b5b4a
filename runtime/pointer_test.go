package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The value of a whole document excludes the white space around it: a body read from the
// wire usually ends with a newline, and json.Unmarshal into a json.RawMessage drops it too.
func TestLookupWholeDocumentTrimsWhiteSpace(t *testing.T) {
	for _, doc := range []string{`{"a":1}`, "{\"a\":1}\n", " \t{\"a\":1}\r\n "} {
		raw, found, err := Lookup([]byte(doc))
		if err != nil || !found || string(raw) != `{"a":1}` {
			t.Errorf("Lookup(%q) = %q, %v, %v; want {\"a\":1}", doc, raw, found, err)
		}
		var std json.RawMessage
		if err := json.Unmarshal([]byte(doc), &std); err != nil || string(std) != string(raw) {
			t.Errorf("json.Unmarshal(%q) = %q, %v; Lookup gave %q", doc, std, err, raw)
		}
		r := &Response{Body: []byte(doc), req: &Request{}}
		var out json.RawMessage
		if err := r.Decode(&out); err != nil || string(out) != `{"a":1}` {
			t.Errorf("Decode of %q = %q, %v", doc, out, err)
		}
	}
}

// scalarCases are JSON values for the decodeScalar tests: plain forms it decodes itself and
// forms it must leave to encoding/json.
var scalarCases = []string{
	`null`, `true`, `false`, `0`, `-0`, `42`, `-42`, `9223372036854775807`, `9223372036854775808`,
	`-9223372036854775809`, `1.5`, `-1.5e3`, `1e400`, `1E-2`, `""`, `"abc"`, `"a b/c"`,
	`"\u00e9"`, `"é"`, `"a\"b"`, `"a\\b"`, `"\n"`, "\"\xff\"", `[]`, `{}`, `[1,"a"]`, `{"a":1}`,
}

// TestDecodeScalarMatchesUnmarshal checks that Decode's fast path gives what json.Unmarshal
// gives, value and success alike, for every output type it handles.
func TestDecodeScalarMatchesUnmarshal(t *testing.T) {
	for _, raw := range scalarCases {
		checkDecodeScalar(t, []byte(raw))
	}
}

func FuzzDecodeScalar(f *testing.F) {
	for _, raw := range scalarCases {
		f.Add([]byte(raw))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !json.Valid(raw) {
			return // Decode validates the body before it gets here
		}
		// Lookup hands over a value without the white space around it.
		checkDecodeScalar(t, bytes.TrimSpace(raw))
	})
}

func checkDecodeScalar(t *testing.T, raw []byte) {
	t.Helper()
	dsts := func() []any {
		s, i, f, b, m := "prev", int64(7), 7.5, true, json.RawMessage(`"prev"`)
		return []any{&s, &i, &f, &b, &m}
	}
	fast, std := dsts(), dsts()
	for k := range fast {
		handled := decodeScalar(raw, fast[k])
		err := json.Unmarshal(raw, std[k])
		if !handled {
			continue // Decode falls back to json.Unmarshal itself
		}
		if err != nil {
			t.Errorf("decodeScalar(%s, %T) succeeded; json.Unmarshal fails: %v", raw, fast[k], err)
			continue
		}
		if !reflect.DeepEqual(fast[k], std[k]) {
			t.Errorf("decodeScalar(%s, %T) = %v; json.Unmarshal gives %v", raw, fast[k], deref(fast[k]), deref(std[k]))
		}
	}
}

func deref(p any) any { return reflect.ValueOf(p).Elem().Interface() }

// Decode of a scalar output allocates nothing beyond the string it stores.
func TestDecodeScalarAllocs(t *testing.T) {
	r := &Response{Body: []byte(`{"id":"abc","n":180,"f":1.5,"ok":true}`), req: &Request{}}
	var s string
	var n int64
	var f float64
	var b bool
	allocs := testing.AllocsPerRun(100, func() {
		if r.Decode(&s, "id") != nil || r.Decode(&n, "n") != nil || r.Decode(&f, "f") != nil || r.Decode(&b, "ok") != nil {
			t.Fatal("Decode failed")
		}
	})
	if s != "abc" || n != 180 || f != 1.5 || !b {
		t.Fatalf("decoded %q %d %v %v", s, n, f, b)
	}
	if allocs > 1 {
		t.Errorf("%v allocations per run of four Decodes, want at most 1 (the string)", allocs)
	}
}

// Require fails, naming the value, where Decode would leave the zero value: a member the
// schema requires is absent, or null where the destination cannot hold null.
func TestRequire(t *testing.T) {
	resp := &Response{StatusCode: 200, Body: []byte(`{"id":"o1","paidAt":null,"n":null,"tags":null,"raw":null}`), req: &Request{Workflow: "w", Step: "s", Method: "GET", Path: "/orders"}}
	var id string
	if err := resp.Require(&id, "id"); err != nil || id != "o1" {
		t.Errorf("present: %q, %v", id, err)
	}
	var token string
	err := resp.Require(&token, "access_token")
	if want := "workflow w: step s (GET /orders): status 200 OK: $response.body#/access_token is absent, and the response schema requires it"; err == nil || err.Error() != want {
		t.Errorf("absent: %v\nwant %s", err, want)
	}
	if err := resp.Decode(&token, "access_token"); err != nil || token != "" {
		t.Errorf("Decode of an absent value: %q, %v", token, err)
	}
	var n int64
	if err := resp.Require(&n, "n"); err == nil || !strings.Contains(err.Error(), "$response.body#/n is null, and the response schema does not allow null there") {
		t.Errorf("null into int64: %v", err)
	}
	paid := new(time.Time)
	var tags []string
	var raw json.RawMessage
	if err := resp.Require(&paid, "paidAt"); err != nil || paid != nil {
		t.Errorf("null into *time.Time: %v, %v", paid, err)
	}
	if err := resp.Require(&tags, "tags"); err != nil || tags != nil {
		t.Errorf("null into a slice: %v, %v", tags, err)
	}
	if err := resp.Require(&raw, "raw"); err != nil || string(raw) != "null" {
		t.Errorf("null into raw JSON: %s, %v", raw, err)
	}
	var se *StepError
	if !errors.As(resp.Require(&token, "missing"), &se) || se.Step != "s" {
		t.Error("not a *StepError")
	}
}
