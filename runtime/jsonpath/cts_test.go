package jsonpath

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// ctsPath is the JSONPath Compliance Test Suite as kept next to the repository; clones
// without it skip the conformance test.
var ctsPath = filepath.Join("..", "..", "..", "shared", "corpus", "jsonpath-cts", "cts.json")

type ctsCase struct {
	Name            string              `json:"name"`
	Selector        string              `json:"selector"`
	Document        json.RawMessage     `json:"document"`
	Result          []json.RawMessage   `json:"result"`
	Results         [][]json.RawMessage `json:"results"`
	InvalidSelector bool                `json:"invalid_selector"`
}

// TestCTS runs every case of the suite, both through Select on a document decoded with
// float64 numbers and through SelectJSON (json.Number), and requires a 99% pass rate.
func TestCTS(t *testing.T) {
	raw, err := os.ReadFile(ctsPath)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("JSONPath compliance suite not found at %s (it lives outside the repository); skipping", ctsPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	var suite struct {
		Tests []ctsCase `json:"tests"`
	}
	if err := json.Unmarshal(raw, &suite); err != nil {
		t.Fatal(err)
	}
	if len(suite.Tests) == 0 {
		t.Fatal("the suite has no tests")
	}
	passed := 0
	for _, c := range suite.Tests {
		if msg := runCTSCase(c); msg != "" {
			t.Errorf("%s: %s\n  selector: %q", c.Name, msg, c.Selector)
			continue
		}
		passed++
	}
	rate := float64(passed) / float64(len(suite.Tests)) * 100
	t.Logf("CTS: %d/%d passed (%.2f%%)", passed, len(suite.Tests), rate)
	if rate < 99 {
		t.Fatalf("CTS pass rate %.2f%% is below 99%%", rate)
	}
}

// runCTSCase returns "" when the case passes and the reason otherwise.
func runCTSCase(c ctsCase) string {
	p, err := Parse(c.Selector)
	if c.InvalidSelector {
		if err == nil {
			return "parsed, but the selector is invalid"
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			return "error is not a *SyntaxError: " + err.Error()
		}
		if se.Offset < 0 || se.Offset > len(c.Selector) {
			return "error offset outside the selector: " + err.Error()
		}
		return ""
	}
	if err != nil {
		return "unexpected parse error: " + err.Error()
	}
	if p.String() != c.Selector {
		return "String() does not return the query"
	}
	var want [][]json.RawMessage
	if c.Result != nil {
		want = append(want, c.Result)
	}
	want = append(want, c.Results...)
	if len(want) == 0 {
		return "case has neither result nor results"
	}

	var doc any
	if err := json.Unmarshal(c.Document, &doc); err != nil {
		return "bad document: " + err.Error()
	}
	if got := p.Select(doc); !matchesAny(got, want) {
		return "Select result " + mustJSON(got) + " is none of the expected " + mustJSON(want)
	}
	got, err := p.SelectJSON(c.Document)
	if err != nil {
		return "SelectJSON: " + err.Error()
	}
	if !matchesAny(got, want) {
		return "SelectJSON result " + mustJSON(got) + " is none of the expected " + mustJSON(want)
	}
	return ""
}

// matchesAny compares through a JSON round trip, so that float64 and json.Number results
// are judged by the same standard: the JSON values encoding/json decodes.
func matchesAny(got []any, want [][]json.RawMessage) bool {
	g := normalize(mustJSON(got))
	for _, w := range want {
		if reflect.DeepEqual(g, normalize(mustJSON(w))) {
			return true
		}
	}
	return false
}

func normalize(s string) any {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		panic(err)
	}
	if v == nil {
		v = []any{}
	}
	return v
}

func mustJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return string(bytes.TrimSpace(b.Bytes()))
}
