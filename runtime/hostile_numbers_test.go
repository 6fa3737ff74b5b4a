package runtime

import (
	"math"
	"strings"
	"testing"

	"github.com/arazzogen/arazzogen/runtime/jsonpath"
)

// TestNumbersOutOfRange: a number beyond float64's range is valid JSON; it must not make
// reading another value fail, nor a condition, a JSONPath query or an error excerpt give up
// on the document. Reading the number itself as a float64 fails as a value that does not
// fit, not as malformed JSON.
func TestNumbersOutOfRange(t *testing.T) {
	const body = `{"other":1e400,"neg":-1e400,"list":[1E+999,2],"name":"x","password":"hunter22-secret"}`
	r := &Response{StatusCode: 200, Body: []byte(body), req: &Request{Workflow: "w", Step: "s"}}
	var name string
	if err := r.Decode(&name, "name"); err != nil || name != "x" {
		t.Errorf("Decode(name) = %q, %v", name, err)
	}
	if v := r.Value("name"); v != "x" {
		t.Errorf("Value(name) = %#v", v)
	}
	if !Compare(r.Value("other"), ">", 1e300) || !Compare(r.Value("neg"), "<", -1e300) {
		t.Errorf("Value(other) = %#v, Value(neg) = %#v: want ±Inf", r.Value("other"), r.Value("neg"))
	}
	if v := r.Value("list", "1"); v != float64(2) {
		t.Errorf("Value(list/1) = %#v", v)
	}
	whole, ok := r.Value().(map[string]any)
	if !ok || whole["name"] != "x" || whole["other"] != math.Inf(1) {
		t.Errorf("Value() = %#v", r.Value())
	}
	if !Found([]byte(body), "name") || string(Pick([]byte(body), "name")) != `"x"` {
		t.Errorf("Found/Pick(name) failed")
	}
	if !MatchJSONPath(jsonpath.MustParse(`$[?@.other > 1]`), []byte(`[`+body+`]`)) || string(SelectJSONPath(jsonpath.MustParse("$.name"), []byte(body))) != `"x"` {
		t.Errorf("JSONPath on the document failed")
	}
	var f float64
	err := r.Decode(&f, "other")
	if err == nil || strings.Contains(err.Error(), "malformed") || !strings.Contains(err.Error(), "cannot decode $response.body#/other") {
		t.Errorf("Decode(other) into float64: %v", err)
	}
	ex := r.Unmet("x").(*StepError).Body
	if !strings.Contains(ex, `"name":"x"`) || strings.Contains(ex, "hunter22") || strings.HasSuffix(ex, "…") {
		t.Errorf("excerpt %q: want the whole body with the password redacted", ex)
	}
}
