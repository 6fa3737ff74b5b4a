package runtime

import (
	"encoding/json"
	"testing"
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
