package ecmaregex

import (
	"errors"
	"testing"
)

// FuzzCompile checks that Compile never panics, that its errors are positioned inside the
// pattern, and that wherever the pattern is translated for Go's regexp the translation and
// the backtracker agree on the input.
func FuzzCompile(f *testing.F) {
	f.Fuzz(func(t *testing.T, pattern, input string) {
		re, err := Compile(pattern)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Compile(%q) = %T %v, want *SyntaxError", pattern, err, err)
			}
			if se.Offset < 0 || se.Offset > len(pattern) {
				t.Fatalf("Compile(%q): offset %d outside the pattern", pattern, se.Offset)
			}
			return
		}
		if re.String() != pattern {
			t.Fatalf("String() = %q, want %q", re.String(), pattern)
		}
		bt, err := compile(pattern, true)
		if err != nil {
			t.Fatalf("backtracker rejects %q: %v", pattern, err)
		}
		want, btErr := bt.WithBudget(100_000).Match(input)
		if btErr != nil && !errors.Is(btErr, ErrBudget) {
			t.Fatalf("backtracking /%s/ on %q: %v", pattern, input, btErr)
		}
		if re.Backtracking() {
			return
		}
		got, err := re.Match(input)
		if err != nil {
			t.Fatalf("translated /%s/ on %q: %v", pattern, input, err)
		}
		if btErr == nil && got != want {
			t.Fatalf("/%s/ on %q: translation says %v, backtracker %v", pattern, input, got, want)
		}
	})
}
