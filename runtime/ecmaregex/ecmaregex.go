package ecmaregex

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// DefaultBudget is the number of backtracking steps a Match may take before it gives up
// with ErrBudget. A step is roughly one instruction or one code unit examined, so the
// default is a few milliseconds of work.
const DefaultBudget = 1_000_000

// ErrBudget is wrapped by the error Match returns when the backtracking engine runs out of
// steps. The translated engine never returns it: it runs in time linear in the input.
var ErrBudget = errors.New("ecmaregex: backtracking step budget exhausted")

// Regexp is a compiled ECMAScript pattern. It is safe for concurrent use.
type Regexp struct {
	src    string
	re2    *regexp.Regexp // nil when the backtracker runs the pattern
	prog   *program
	budget int
}

// Compile parses an ECMAScript regular expression pattern, as written between the slashes
// of a literal with no flags. A malformed pattern yields a *SyntaxError.
func Compile(pattern string) (*Regexp, error) {
	return compile(pattern, false)
}

// MustCompile is Compile for patterns known to be valid, such as ones checked when the
// calling code was generated; it panics on a malformed pattern.
func MustCompile(pattern string) *Regexp {
	re, err := Compile(pattern)
	if err != nil {
		panic(fmt.Sprintf("ecmaregex: Compile(%q): %v", pattern, err))
	}
	return re
}

// compile builds the Regexp; forceBacktrack skips the translation so tests can run both
// engines on one pattern.
func compile(pattern string, forceBacktrack bool) (*Regexp, error) {
	t, err := parse(pattern)
	if err != nil {
		return nil, err
	}
	re := &Regexp{src: pattern, budget: DefaultBudget}
	if !forceBacktrack {
		var b strings.Builder
		if translate(t.root, &b) {
			// Go may still refuse a translation, for instance one whose nested counted
			// repetitions expand past its size limit; the backtracker takes those.
			if r, err := regexp.Compile(b.String()); err == nil {
				re.re2 = r
				return re, nil
			}
		}
	}
	re.prog = compileProgram(t)
	return re, nil
}

// WithBudget returns a copy of re whose backtracking searches give up after steps steps
// (DefaultBudget when steps <= 0). Patterns run by the translated engine ignore it.
func (re *Regexp) WithBudget(steps int) *Regexp {
	if steps <= 0 {
		steps = DefaultBudget
	}
	c := *re
	c.budget = steps
	return &c
}

// String returns the source pattern.
func (re *Regexp) String() string { return re.src }

// Backtracking reports whether re runs on the bounded backtracking engine, which is the
// case exactly when the pattern uses lookahead, lookbehind or back references, or
// repetition counts beyond what Go's regexp accepts.
func (re *Regexp) Backtracking() bool { return re.re2 == nil }

// Match reports whether s contains a match of re, searching from every position as
// RegExp.prototype.test does without flags; anchor with ^ and $ for a whole-string match.
// The error, which wraps ErrBudget, is non-nil only when the backtracker ran out of steps;
// the result is then false.
func (re *Regexp) Match(s string) (bool, error) {
	if re.re2 != nil {
		if hasAstral(s) {
			s = toStandIns(s)
		}
		return re.re2.MatchString(s), nil
	}
	ok, err := re.prog.match(s, re.budget)
	if err != nil {
		return false, fmt.Errorf("%w after %d steps matching /%s/", err, re.budget, re.src)
	}
	return ok, nil
}

// MatchString is Match without the error: a search that exhausts the budget reports false.
func (re *Regexp) MatchString(s string) bool {
	ok, _ := re.Match(s)
	return ok
}
