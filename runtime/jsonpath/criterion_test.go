package jsonpath

import (
	"context"
	"testing"
)

// TestMatchCriterion checks the Arazzo criterion reading of a root filter: on a context
// that is not an array the filter tests the context itself (the specification's example
// $[?count(@.pets) > 0] on {"pets": [...]}); an array's elements are filtered as RFC 9535
// says; other queries are read as they are.
func TestMatchCriterion(t *testing.T) {
	tests := []struct {
		query, doc string
		want, rfc  bool // the criterion reading, and RFC 9535's
	}{
		{`$[?count(@.pets) > 0]`, `{"pets": [{"name": "Rex"}]}`, true, false},
		{`$[?count(@.pets) > 0]`, `{"cats": []}`, false, false},
		{`$[?count($.pets) > 0]`, `{"pets": []}`, true, true},
		{`$[?@.state == 'done']`, `{"state": "done"}`, true, false},
		{`$[?@.state == 'done']`, `{"state": "running"}`, false, false},
		{`$[?@.state == 'done'].id`, `{"state": "done", "id": 7}`, true, false},
		{`$[?@.state == 'done'].id`, `{"state": "done"}`, false, false},
		// An object whose members are objects: the context is what is tested.
		{`$[?@.x == 1]`, `{"m": {"x": 1}}`, false, true},
		// Arrays are filtered element by element, as RFC 9535 says.
		{`$[?@.state == 'done']`, `[{"state": "running"}, {"state": "done"}]`, true, true},
		{`$[?@.state == 'done']`, `[{"state": "running"}]`, false, false},
		// Not a root filter: read as it is.
		{`$.pets[?@.name == 'Rex']`, `{"pets": [{"name": "Rex"}]}`, true, true},
		{`$[0, ?@.x]`, `{"x": 1}`, false, false},
		{`$..[?@.x]`, `{"x": 1}`, false, false},
	}
	for _, tt := range tests {
		p := MustParse(tt.query)
		got, err := p.MatchCriterionJSONContext(context.Background(), []byte(tt.doc))
		if err != nil || got != tt.want {
			t.Errorf("%s on %s: criterion match %v (%v), want %v", tt.query, tt.doc, got, err, tt.want)
		}
		rfc, err := p.MatchJSONContext(context.Background(), []byte(tt.doc))
		if err != nil || rfc != tt.rfc {
			t.Errorf("%s on %s: RFC 9535 match %v (%v), want %v", tt.query, tt.doc, rfc, err, tt.rfc)
		}
	}
	if !MustParse(`$[?@.a]`).RootFilter() || MustParse(`$.a[?@.b]`).RootFilter() || MustParse(`$[?@.a, 0]`).RootFilter() {
		t.Error("RootFilter misreads $[?@.a], $.a[?@.b] or $[?@.a, 0]")
	}
}
