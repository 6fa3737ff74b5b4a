package runtime

import (
	"encoding/json"
	"testing"
)

func TestTextBody(t *testing.T) {
	r := &Response{StatusCode: 200, Body: []byte("pong"), req: &Request{Method: "GET", Path: "/ping"}}
	if got := r.Value(); got != "pong" {
		t.Errorf("Value() = %#v, want the text", got)
	}
	if got := r.Value("a"); got != nil {
		t.Errorf("Value(a) = %#v, want nil: a pointer selects nothing in text", got)
	}
	if !Compare(r.Value(), "==", "PONG") {
		t.Error("a text body does not compare as a string")
	}
	var s string
	if err := r.Decode(&s); err != nil || s != "pong" {
		t.Errorf("Decode(*string) = %q, %v", s, err)
	}
	var ps *string
	if err := r.Decode(&ps); err != nil || ps == nil || *ps != "pong" {
		t.Errorf("Decode(**string) = %v, %v", ps, err)
	}
	var raw json.RawMessage
	if err := r.Decode(&raw); err != nil || string(raw) != `"pong"` {
		t.Errorf("Decode(*json.RawMessage) = %s, %v", raw, err)
	}
	var n int64
	if err := r.Decode(&n); err == nil {
		t.Error("Decode(*int64) of a text body succeeded")
	}
	if err := r.Decode(&s, "a"); err == nil {
		t.Error("Decode at a pointer into a text body succeeded")
	}
	empty := &Response{StatusCode: 204}
	if got := empty.Value(); got != nil {
		t.Errorf("Value() of an empty body = %#v, want nil", got)
	}
}
