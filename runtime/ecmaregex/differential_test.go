package ecmaregex

import (
	"errors"
	"math/rand"
	"strings"
	"testing"
)

// patternGen builds random patterns from the constructs both engines support, over a small
// alphabet so that random inputs hit matches, near misses, and the places where the code
// unit model matters (astral characters, line terminators, Unicode spaces).
type patternGen struct{ r *rand.Rand }

var (
	genAtoms = []string{
		"a", "b", ".", `\d`, `\s`, `\S`, `\w`, `\W`, "[ab]", "[^a]", "[a-c]", "[^]", "[]",
		`\b`, `\B`, "^", "$", "😀", `\uD83D`, `\uDE00`, `[\uD800-\uDBFF]`, `\n`, `\r`, "{",
		"}", "]", `\0`, `\x61`, `\u00a0`, " ", "1", `[\s\d]`, `[😀]`, `[^\s]`, `\1`,
	}
	genQuants = []string{"", "", "", "*", "+", "?", "{2}", "{0,2}", "{1,}", "*?", "+?", "??", "{1,2}?"}
	genInputs = []string{"a", "b", "c", " ", "\n", "\r", "\u2028", "\u00a0", "\ufeff", "😀", "1", "_", "aa", "ab", "\xff"}
)

func (g *patternGen) pattern(depth int) string {
	var alts []string
	for k := 0; k < 1+g.r.Intn(2); k++ {
		var b strings.Builder
		for i := 0; i < 1+g.r.Intn(3); i++ {
			b.WriteString(g.term(depth))
		}
		alts = append(alts, b.String())
	}
	return strings.Join(alts, "|")
}

func (g *patternGen) term(depth int) string {
	q := genQuants[g.r.Intn(len(genQuants))]
	if depth < 3 && g.r.Intn(3) == 0 {
		body := g.pattern(depth + 1)
		switch g.r.Intn(3) {
		case 0:
			return "(?:" + body + ")" + q
		case 1:
			return "(" + body + ")" + q
		default:
			return "(?<g" + string(rune('a'+g.r.Intn(26))) + ">" + body + ")" + q
		}
	}
	a := genAtoms[g.r.Intn(len(genAtoms))]
	if a == "^" || a == "$" || a == `\b` || a == `\B` {
		return a // assertions take no quantifier
	}
	return a + q
}

func (g *patternGen) input() string {
	var b strings.Builder
	for j := g.r.Intn(8); j > 0; j-- {
		b.WriteString(genInputs[g.r.Intn(len(genInputs))])
	}
	return b.String()
}

// TestDifferential checks that the RE2 translation and the backtracker agree wherever both
// can run a pattern. The backtracker implements the ECMAScript matcher directly, so this is
// what makes the translation trustworthy.
func TestDifferential(t *testing.T) {
	g := &patternGen{r: rand.New(rand.NewSource(1))}
	patterns, translated, matches, exhausted := 0, 0, 0, 0
	for patterns < 4000 {
		p := g.pattern(0)
		re, err := Compile(p)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Compile(%q): %v", p, err)
			}
			continue // duplicate group names, mostly
		}
		patterns++
		if re.Backtracking() {
			continue // \1 with a group: no translation to compare with
		}
		translated++
		bt, err := compile(p, true)
		if err != nil {
			t.Fatalf("compile(%q, backtrack): %v", p, err)
		}
		for i := 0; i < 25; i++ {
			in := g.input()
			want, err := bt.Match(in)
			if err != nil {
				// Random nested quantifiers can be exponential for a backtracker.
				if !errors.Is(err, ErrBudget) {
					t.Fatalf("backtracking /%s/ on %q: %v", p, in, err)
				}
				exhausted++
				continue
			}
			if want {
				matches++
			}
			if got, _ := re.Match(in); got != want {
				t.Errorf("/%s/ on %q: translation says %v, backtracker %v", p, in, got, want)
			}
		}
	}
	// Guard against a generator that stops exercising anything.
	if translated < patterns/2 || matches < translated*2 || exhausted > translated/100 {
		t.Fatalf("weak sample: %d patterns, %d translated, %d matches, %d over budget",
			patterns, translated, matches, exhausted)
	}
}
