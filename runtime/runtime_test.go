package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// rfc6901 is the example document of RFC 6901 §5.
const rfc6901 = `{"foo": ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4, "i\\j": 5, "k\"l": 6, " ": 7, "m~n": 8}`

func TestLookupRFC6901(t *testing.T) {
	tests := []struct {
		tokens []string
		want   string
	}{
		{nil, rfc6901},
		{[]string{"foo"}, `["bar", "baz"]`},
		{[]string{"foo", "0"}, `"bar"`},
		{[]string{"foo", "1"}, `"baz"`},
		{[]string{""}, "0"},
		{[]string{"a/b"}, "1"},
		{[]string{"c%d"}, "2"},
		{[]string{"e^f"}, "3"},
		{[]string{"g|h"}, "4"},
		{[]string{`i\j`}, "5"},
		{[]string{`k"l`}, "6"},
		{[]string{" "}, "7"},
		{[]string{"m~n"}, "8"},
	}
	for _, tt := range tests {
		got, found, err := Lookup([]byte(rfc6901), tt.tokens...)
		if err != nil || !found || string(got) != tt.want {
			t.Errorf("Lookup(%q) = %s, %v, %v; want %s", tt.tokens, got, found, err, tt.want)
		}
	}
	for _, missing := range [][]string{{"nope"}, {"foo", "2"}, {"foo", "01"}, {"foo", "-"}, {"foo", "+0"}, {"foo", " 1"}, {"foo", "0", "x"}} {
		if _, found, err := Lookup([]byte(rfc6901), missing...); found || err != nil {
			t.Errorf("Lookup(%q) found=%v err=%v; want not found", missing, found, err)
		}
	}
	for _, bad := range []string{`{"a":`, `{"a" 1}`, `[1,,2]`, `{"a":tru}`, ``, `{"a":1} x`, `<html>`, `not json`} {
		// Lookup reads only as far as the value it needs; Response checks whole bodies.
		if _, _, err := Lookup([]byte(bad), "a"); err == nil && bad != `{"a":1} x` && bad != `[1,,2]` {
			t.Errorf("Lookup(%q, a) succeeded", bad)
		}
		if _, _, err := Lookup([]byte(bad)); err == nil {
			t.Errorf("Lookup of malformed %q succeeded", bad)
		}
	}
}

// FuzzLookup checks Lookup against encoding/json: on valid JSON it never fails, and what it
// finds is what decoding the whole document and walking it finds.
func FuzzLookup(f *testing.F) {
	f.Add([]byte(rfc6901), "foo", "1")
	f.Add([]byte(`{"a":{"b":[1,{"c":"\u0041"}]}}`), "a", "b")
	f.Add([]byte(`[true,null,"x"]`), "2", "")
	f.Fuzz(func(t *testing.T, doc []byte, tok1, tok2 string) {
		tokens := []string{tok1, tok2}
		if tok2 == "" {
			tokens = tokens[:1]
		}
		raw, found, err := Lookup(doc, tokens...)
		var whole any
		if json.Unmarshal(doc, &whole) != nil {
			return // Lookup only needs to be safe on malformed input
		}
		if err != nil {
			t.Fatalf("Lookup failed on valid JSON %s: %v", doc, err)
		}
		want, wantFound := walk(whole, tokens)
		if found != wantFound {
			t.Fatalf("found=%v, encoding/json walk found=%v (doc %s, tokens %q)", found, wantFound, doc, tokens)
		}
		if found {
			var got any
			if err := json.Unmarshal(raw, &got); err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("Lookup = %s, want %v", raw, want)
			}
		}
	})
}

func walk(v any, tokens []string) (any, bool) {
	for _, tok := range tokens {
		switch x := v.(type) {
		case map[string]any:
			// encoding/json keeps the last of duplicate keys; Lookup the first. Treat
			// documents with duplicates as out of scope by comparing with the first match.
			var ok bool
			if v, ok = x[tok]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) || (len(tok) > 1 && tok[0] == '0') || tok[0] == '+' {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func TestCompare(t *testing.T) {
	tests := []struct {
		a    any
		op   string
		b    any
		want bool
	}{
		{200, "==", float64(200), true},
		{int64(201), "==", float64(200), false},
		{"OK", "==", "ok", true},
		{"abc", "<", "ABD", true},
		{"10", ">", float64(9), true},
		{nil, "==", nil, true},
		{nil, "!=", "x", true},
		{nil, "<", float64(1), false},
		{json.RawMessage(`"Paid"`), "==", "paid", true},
		{json.RawMessage(`{"a":[1,2]}`), "==", map[string]any{"a": []any{float64(1), float64(2)}}, true},
		{true, "==", true, true},
		{true, "<", float64(1), false},
	}
	for _, tt := range tests {
		if got := Compare(tt.a, tt.op, tt.b); got != tt.want {
			t.Errorf("Compare(%v %s %v) = %v", tt.a, tt.op, tt.b, got)
		}
	}
	for v, want := range map[string]bool{`0`: false, `1`: true, `""`: false, `"x"`: true, `[]`: false, `{}`: false, `null`: false, `true`: true} {
		if got := Truthy(json.RawMessage(v)); got != want {
			t.Errorf("Truthy(%s) = %v", v, got)
		}
	}
}

func TestTextQueryObject(t *testing.T) {
	s := "x"
	for v, want := range map[any]string{"a b": "a b", int64(42): "42", 1.5: "1.5", true: "true", &s: "x", (*string)(nil): "null"} {
		if got := Text(v); got != want {
			t.Errorf("Text(%v) = %q, want %q", v, got, want)
		}
	}
	if got := Text(json.RawMessage(`"quoted"`)); got != "quoted" {
		t.Errorf("Text of a JSON string = %q", got)
	}
	if got := Pick(json.RawMessage(`[{"sku":"a"},{"sku":"b"}]`), "1", "sku"); string(got) != `"b"` {
		t.Errorf("Pick = %s", got)
	}
	if got := Pick(json.RawMessage(`[]`), "0"); got != nil {
		t.Errorf("Pick of nothing = %s, want nil", got)
	}
	var q Query
	if q.String() != "" {
		t.Error("empty query must render as nothing")
	}
	q.Add("app id", "a&b")
	q.Add("n", "1")
	if got := q.String(); got != "?app%20id=a%26b&n=1" {
		t.Errorf("query = %q", got)
	}
	b, err := json.Marshal(Object{{"z", 1}, {"a,b", "x"}, {"-", nil}})
	if err != nil || string(b) != `{"z":1,"a,b":"x","-":null}` {
		t.Errorf("Object = %s, %v", b, err)
	}
}

func TestSendLimitsAndErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			w.Write([]byte(strings.Repeat("x", 2048)))
		case "/echo":
			w.Header().Set("X-Got-Type", r.Header.Get("Content-Type"))
			w.Write([]byte(`{"ok":true}`))
		}
	}))
	defer srv.Close()
	req := &Request{Workflow: "w", Step: "s", Method: "GET", Path: "/big", URL: srv.URL + "/big?secret=1"}
	_, err := Send(context.Background(), srv.Client(), req, 1024)
	var se *StepError
	if !errors.As(err, &se) || se.Step != "s" || se.StatusCode != 200 || !strings.Contains(se.Reason, "exceeds 1024 bytes") {
		t.Fatalf("oversized body: %v", err)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("error leaks the query string: %v", err)
	}
	resp, err := Send(context.Background(), srv.Client(), &Request{Method: "POST", URL: srv.URL + "/echo", ContentType: "application/json", Body: []byte(`{}`)}, 0)
	if err != nil || resp.Header.Get("X-Got-Type") != "application/json" {
		t.Fatalf("echo: %v %v", resp, err)
	}
	var ok bool
	if err := resp.Decode(&ok, "ok"); err != nil || !ok {
		t.Errorf("Decode = %v, %v", ok, err)
	}
	html := &Response{StatusCode: 200, Body: []byte(`{"ok":true} <html>`), req: &Request{Step: "s"}}
	if err := html.Decode(&ok, "ok"); err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Errorf("a body with trailing garbage must fail to decode: %v", err)
	}
	var n int64
	if err := resp.Decode(&n, "ok"); err == nil {
		t.Error("decoding a boolean into an integer must fail")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Send(ctx, srv.Client(), &Request{Workflow: "w", Step: "s", Method: "GET", URL: srv.URL + "/echo"}, 0)
	if !errors.Is(err, context.Canceled) || !errors.As(err, &se) || se.Step != "s" {
		t.Errorf("cancelled: %v", err)
	}
}

func BenchmarkLookup(b *testing.B) {
	doc := []byte(`{"access_token":"tok","token_type":"Bearer","expires_in":604800,"data":{"customers":{"nodes":[{"id":"1"},{"id":"2"}]}}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, found, err := Lookup(doc, "data", "customers", "nodes"); !found || err != nil {
			b.Fatal("not found")
		}
	}
}

func TestLength(t *testing.T) {
	for _, c := range []struct {
		in   any
		want any
	}{
		{json.RawMessage(`[1,2,3]`), 3.0},
		{json.RawMessage(`[]`), 0.0},
		{json.RawMessage(`{"a":1,"b":2}`), 2.0},
		{"héllo", 5.0},
		{"😀", 2.0}, // one code point, two UTF-16 code units, as in JavaScript
		{[]any{"x"}, 1.0},
		{json.RawMessage(`7`), nil},
		{nil, nil},
		{json.RawMessage(`not json`), nil},
	} {
		if got := Length(c.in); got != c.want {
			t.Errorf("Length(%#v) = %#v, want %#v", c.in, got, c.want)
		}
	}
	if !Compare(Length(json.RawMessage(`[1]`)), ">", float64(0)) || Compare(Length(nil), "==", float64(0)) {
		t.Error("a missing value must not compare equal to 0 through Length")
	}
}
