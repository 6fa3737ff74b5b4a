package jsonpath

import (
	"context"
	"errors"
	"testing"
)

// fuzzDoc gives the evaluator something to walk for every query the parser accepts.
var fuzzDoc = map[string]any{
	"a": []any{1.0, "x", nil, true, map[string]any{"b": "ab", "c": []any{}}},
	"b": map[string]any{"": 2.0, "0": "zero", "d": []any{[]any{3.0}}},
	"p": "a.*",
}

func FuzzParse(f *testing.F) {
	for _, q := range []string{
		"$", "$.a[0].b", "$..*", "$['a',\"b\"][1:-1:2]", "$[?@.a == 1 || !(@.b < 'x')]",
		"$[?match(@, $.p) && count(@.*) > 0]", "$[?length(value(@..c)) >= 0]", "$['\\uD83D\\uDE00']",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		p, err := Parse(q)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error %T is not a *SyntaxError", q, err)
			}
			if se.Offset < 0 || se.Offset > len(q) {
				t.Fatalf("Parse(%q) offset %d outside the query", q, se.Offset)
			}
			return
		}
		if p.String() != q {
			t.Fatalf("String() = %q, want %q", p.String(), q)
		}
		if _, ok := p.Tokens(); ok && !p.Singular() {
			t.Fatalf("%q has Tokens but is not singular", q)
		}
		got, err := p.SelectContext(context.Background(), fuzzDoc)
		if err != nil {
			t.Fatalf("%q on a small document: %v", q, err)
		}
		if p.Singular() && len(got) > 1 {
			t.Fatalf("singular %q selected %d nodes", q, len(got))
		}
		// The existence test works on sets; it must agree with the nodelist.
		if found, err := p.MatchContext(context.Background(), fuzzDoc); err != nil || found != (len(got) > 0) {
			t.Fatalf("%q: MatchContext %v (%v), Select selected %d nodes", q, found, err, len(got))
		}
	})
}
