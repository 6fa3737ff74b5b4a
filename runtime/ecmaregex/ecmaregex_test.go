package ecmaregex

import (
	"errors"
	"strings"
	"testing"
)

type matchCase struct {
	pattern string
	input   string
	want    bool
}

// ecmaCases are places where ECMAScript (no flags, Annex B) and Go's RE2 syntax disagree,
// or where the non-unicode code unit model shows. Every want is the ECMAScript result.
var ecmaCases = []matchCase{
	// . excludes exactly the four LineTerminators.
	{`a.b`, "a\nb", false},
	{`a.b`, "a\rb", false},
	{`a.b`, "a\u2028b", false},
	{`a.b`, "a\u2029b", false},
	{`a.b`, "a\u0085b", true},
	{`a.b`, "a\tb", true},
	// Without the u flag . and classes match UTF-16 code units.
	{`^.$`, "😀", false},
	{`^..$`, "😀", true},
	{`^.{2}$`, "😀", true},
	{`^[^a]$`, "😀", false},
	{`^[^a]{2}$`, "😀", true},
	{`^\S\S$`, "😀", true},
	{`^\W$`, "😀", false},
	{`^[😀]$`, "😀", false},
	{`^[😀]{2}$`, "😀", true},
	{`[😀]`, "😀", true},
	{`^😀$`, "😀", true},
	{`^😀+$`, "😀😀", false},
	{`^😀{2}$`, "😀😀", false},
	{`\uD83D`, "😀", true},
	{`\uDE00`, "😀", true},
	{`^\uD83D\uDE00$`, "😀", true},
	{`^[\uD800-\uDBFF][\uDC00-\uDFFF]$`, "😀", true},
	{`^[\uD800-\uDBFF][\uDC00-\uDFFF]$`, "\U0010FFFF", true},
	{`^[\uE000-\uFFFF]$`, "\U0010F800", false},
	{`^\uDBFF\uDFFF$`, "\U0010FFFF", true},
	{`^.$`, "\xff", true},
	{`^\uFFFD$`, "\xff", true},
	{`^..$`, "\xff\xfe", true},
	// \s is WhiteSpace and LineTerminator: RE2's \s lacks VT and everything non-ASCII.
	{`^\s$`, "\v", true},
	{`^\s$`, "\u00a0", true},
	{`^\s$`, "\ufeff", true},
	{`^\s$`, "\u3000", true},
	{`^\s$`, "\u2028", true},
	{`^\s$`, "\u2029", true},
	{`^\s$`, "\u1680", true},
	{`^\s$`, "\u2000", true},
	{`^\s$`, "\u200a", true},
	{`^\s$`, "\u202f", true},
	{`^\s$`, "\u205f", true},
	{`^\s$`, "\u0085", false},
	{`^\s$`, "\u200b", false},
	{`^\s$`, "\u180e", false},
	{`^\S$`, "\v", false},
	{`^[^\s]$`, "\u00a0", false},
	{`^\S$`, "\u00e9", true},
	// \d, \w and \b are ASCII.
	{`\d`, "\u0663", false},
	{`\w`, "\u00e9", false},
	{`^\w$`, "_", true},
	{`\b`, "\u00e9", false},
	{`a\b`, "a\u00e9", true},
	{`\bfoo\b`, "a foo b", true},
	{`\bfoo\b`, "afoo", false},
	{`\B`, "ab", true},
	{`^\B$`, "", true},
	// ^ and $ are the ends of the input, never of a line.
	{`a$`, "a\n", false},
	{`^b`, "a\nb", false},
	{`$a`, "a", false},
	{`a^`, "a", false},
	{`^$`, "", true},
	// Escapes.
	{`\u0041`, "A", true},
	{`\u{2}`, "uu", true},
	{`\u{2}`, "\u0002", false},
	{`\u{1F600}`, "😀", false},
	{`\u{1F600}`, "u{1F600}", true},
	{`\u004`, "u004", true},
	{`\x41`, "A", true},
	{`\x4`, "x4", true},
	{`\xg`, "xg", true},
	{`\cJ`, "\n", true},
	{`\cj`, "\n", true},
	{`\c1`, "\\c1", true},
	{`\c`, "\\c", true},
	{`^\c$`, "c", false},
	{`[\c1]`, "\u0011", true},
	{`[\c_]`, "\u001f", true},
	{`^[\c]$`, "c", true},
	{`^[\c]$`, "\\", true},
	{`^[\c*]$`, "*", true},
	{`\0`, "\x00", true},
	{`\0`, "0", false},
	{`^\01$`, "\x01", true},
	{`^\012$`, "\n", true},
	{`^\0123$`, "\n3", true},
	{`^\08$`, "\x008", true},
	{`^\377$`, "\u00ff", true},
	{`^\400$`, " 0", true},
	{`^\8$`, "8", true},
	{`^\9$`, "9", true},
	{`^\89$`, "89", true},
	{`^\1$`, "\x01", true},
	{`^(a)\2$`, "a\x02", true},
	{`^(a)\18$`, "a\x018", true},
	{`^(a)\10$`, "a\b", true},
	{`^[\1]$`, "\x01", true},
	{`^[\12]$`, "\n", true},
	{`^[\8]$`, "8", true},
	{`^[\0]$`, "\x00", true},
	{`\/`, "/", true},
	{`^\a$`, "a", true},
	{`^\e$`, "e", true},
	{`^\z$`, "z", true},
	{`^\Z$`, "Z", true},
	{`^\A$`, "A", true},
	{`^\h$`, "h", true},
	{`\p{L}`, "a", false},
	{`^\p{L}$`, "p{L}", true},
	{`^\pL$`, "pL", true},
	{`^\QaE$`, "QaE", true},
	{`^\-$`, "-", true},
	{`^\k$`, "k", true},
	{`^\k<a>$`, "k<a>", true},
	{`^\v$`, "\v", true},
	{`^\f$`, "\f", true},
	{`^[\b]$`, "\b", true},
	{`[\b]`, "b", false},
	{`^[\B]$`, "B", true},
	{`^[\-]$`, "-", true},
	// Classes.
	{`^[\d-z]$`, "-", true},
	{`^[\d-z]$`, "5", true},
	{`^[\d-z]$`, "z", true},
	{`^[\d-z]$`, "m", false},
	{`^[a-\d]$`, "b", false},
	{`^[a-\d]$`, "-", true},
	{`^[-a]$`, "-", true},
	{`^[a-]$`, "-", true},
	{`^[a-c-e]$`, "d", false},
	{`^[a-c-e]$`, "-", true},
	{`^[--/]$`, ".", true},
	{`[^]`, "\n", true},
	{`[^]`, "", false},
	{`[]`, "", false},
	{`[]`, "a", false},
	{`a|[]`, "a", true},
	{`^[]*$`, "", true},
	{`[[:alpha:]]`, "a", false},
	{`[[:alpha:]]`, "a]", true},
	{`^[^\d\s]$`, "a", true},
	{`^[^\d\s]$`, "\u00a0", false},
	{`^[\s\S]$`, "\n", true},
	{`^[^\W]$`, "a", true},
	// Annex B braces and brackets.
	{`a{,5}`, "a{,5}", true},
	{`a{,5}`, "a", false},
	{`^{$`, "{", true},
	{`^}$`, "}", true},
	{`^]$`, "]", true},
	{`^a{1$`, "a{1", true},
	{`^a{1,$`, "a{1,", true},
	{`^a{x}$`, "a{x}", true},
	{`^x{2,3}$`, "xx", true},
	{`^x{2,3}$`, "x", false},
	{`^x{2,3}$`, "xxxx", false},
	{`^a{0}$`, "", true},
	{`^a{0}$`, "a", false},
	{`^a{0,99999999999999999999}$`, "aaa", true},
	{`^a+?$`, "aa", true},
	{`^(?:a|)*$`, "aa", true},
	// Groups.
	{`^(?<year>\d{4})$`, "2024", true},
	{`^(?<año>\d)$`, "1", true},
	{`^(?<\u0061>x)$`, "x", true},
	{`^(?<a>x)|(?<a>y)$`, "y", true},
	{`^(?:)$`, "", true},
	{`^()$`, "", true},
	{`^\QaE$`, "aE", false},
}

func TestECMAScriptSemantics(t *testing.T) {
	for _, c := range ecmaCases {
		re, err := Compile(c.pattern)
		if err != nil {
			t.Errorf("Compile(%q): %v", c.pattern, err)
			continue
		}
		got, err := re.Match(c.input)
		if err != nil || got != c.want {
			t.Errorf("/%s/.test(%q) = %v, %v; want %v", c.pattern, c.input, got, err, c.want)
		}
		// The backtracker must give the same answer on every table entry.
		bt, err := compile(c.pattern, true)
		if err != nil {
			t.Fatalf("compile(%q, backtrack): %v", c.pattern, err)
		}
		if got, err := bt.Match(c.input); err != nil || got != c.want {
			t.Errorf("backtracking /%s/.test(%q) = %v, %v; want %v", c.pattern, c.input, got, err, c.want)
		}
	}
}

// backtrackCases need lookaround or back references.
var backtrackCases = []matchCase{
	{`^(?=.*\d)(?=.*[a-z]).{6,}$`, "abc123", true},
	{`^(?=.*\d)(?=.*[a-z]).{6,}$`, "abcdef", false},
	{`^(?=.*\d)(?=.*[a-z]).{6,}$`, "12345a", true},
	{`^(?=.*\d)(?=.*[a-z]).{6,}$`, "1a", false},
	{`(?<=\$)\d+`, "$42", true},
	{`(?<=\$)\d+`, "42", false},
	{`(?<=\$)\d+`, "€42", false},
	{`(?<!a)b`, "ab", false},
	{`(?<!a)b`, "cb", true},
	{`(?<!a)b`, "b", true},
	{`(?<!^)a`, "a", false},
	{`(?<!^)a`, "ba", true},
	{`(?<=^|,)x`, "a,x", true},
	{`(?<=^|,)x`, "ax", false},
	{`(?<=a(?=b)b)c`, "abc", true},
	{`(?<=a(?=c)b)c`, "abc", false},
	{`^\d+(?!px)\b`, "12px", false},
	{`^\d+(?!px)\b`, "12em", false},
	{`^\d+(?!px)\b`, "12 em", true},
	{`(a)\1`, "aa", true},
	{`(a)\1`, "ab", false},
	{`\1(a)`, "a", true},
	{`(?:(a)|b)\1`, "b", true},
	{`^(?<a>x)\k<a>$`, "xx", true},
	{`^(?<a>x)\k<a>$`, "x", false},
	{`^\k<a>(?<a>x)$`, "x", true},
	{`^(?:(?<a>x)|(?<a>y))\k<a>$`, "yy", true},
	{`^(?:(?<a>x)|(?<a>y))\k<a>$`, "yx", false},
	{`^([a-z]+)-\1$`, "ab-ab", true},
	{`^([a-z]+)-\1$`, "ab-abc", false},
	// Captures inside a quantified atom are reset at every iteration.
	{`^(?:(a)|b)*\1$`, "aba", false},
	{`^(?:(a)|b)*\1$`, "abaa", true},
	{`^(a\1?){4}$`, "aaaa", true},
	{`^(a\1?){4}$`, "aaaaaaaaaa", false},
	// Captures inside a negative lookahead never survive it.
	{`^(?!(a)b)\1ac$`, "aac", false},
	{`^(?!(a)b)\1ac$`, "ac", true},
	// Positive lookahead captures persist; the lookahead is atomic.
	{`^(?=(a))\1a$`, "aa", true},
	{`^(?=(a))\1a$`, "a", false},
	{`^(?=(a+))\1ab$`, "aab", false},
	{`^(?=(a+))\1b$`, "aab", true},
	{`(?=(a+))a*b\1`, "baaabac", true},
	{`(.*?)a(?!(a+)b\2c)\2(.*)`, "baaabaac", true},
	// Lookbehinds match right to left: the right group is greedy first.
	{`(?<=^(\d+)(\d+))-\1$`, "1053-1", true},
	{`(?<=^(\d+)(\d+))-\1$`, "1053-105", false},
	{`(?<=\1(a))b`, "aab", true},
	{`(?<=\1(a))b`, "ab", false},
	{`(?<=(a)\1)b`, "ab", true},
	// Annex B quantified lookaheads.
	{`^(?=a)*b`, "b", true},
	{`(?=a){2}`, "a", true},
	{`^(?!a)+b`, "b", true},
	{`^(?=a)+b`, "b", false},
}

func TestBacktracker(t *testing.T) {
	for _, c := range backtrackCases {
		re, err := Compile(c.pattern)
		if err != nil {
			t.Errorf("Compile(%q): %v", c.pattern, err)
			continue
		}
		if !re.Backtracking() {
			t.Errorf("/%s/ was translated; it needs the backtracker", c.pattern)
		}
		got, err := re.Match(c.input)
		if err != nil || got != c.want {
			t.Errorf("/%s/.test(%q) = %v, %v; want %v", c.pattern, c.input, got, err, c.want)
		}
	}
}

func TestEngineChoice(t *testing.T) {
	for _, c := range []struct {
		pattern   string
		backtrack bool
	}{
		{`^a.b$`, false},
		{`(?<name>x)\d{2,5}?[^]`, false},
		{`\k<a>`, false},
		{`\1`, false},
		{`x{1000}`, false},
		{`x{1001}`, true},
		{`(?:x{1000}){1000}`, true},
		{`(?=a)`, true},
		{`(?<!a)`, true},
		{`(a)\1`, true},
		{`(?<a>.)\k<a>`, true},
	} {
		re := MustCompile(c.pattern)
		if re.Backtracking() != c.backtrack {
			t.Errorf("/%s/.Backtracking() = %v, want %v", c.pattern, re.Backtracking(), c.backtrack)
		}
		if re.String() != c.pattern {
			t.Errorf("String() = %q, want %q", re.String(), c.pattern)
		}
	}
	re := MustCompile(`^x{1001}$`)
	if !re.MatchString(strings.Repeat("x", 1001)) || re.MatchString(strings.Repeat("x", 1000)) {
		t.Errorf("/^x{1001}$/ miscounts")
	}
}

func TestSyntaxErrors(t *testing.T) {
	for _, c := range []struct {
		pattern string
		offset  int
		msg     string
	}{
		{`(`, 0, "unterminated group"},
		{`a(?:b`, 1, "unterminated group"},
		{`(?<a>x`, 0, "unterminated group"},
		{`a)`, 1, "unmatched ')'"},
		{`(a))`, 3, "unmatched ')'"},
		{`[a`, 0, "unterminated character class"},
		{`x[\]`, 1, "unterminated character class"},
		{`a\`, 1, "\\ at end of pattern"},
		{`[\`, 1, "\\ at end of pattern"},
		{`*a`, 0, "nothing to repeat"},
		{`a**`, 2, "nothing to repeat"},
		{`a|*`, 2, "nothing to repeat"},
		{`a???`, 3, "nothing to repeat"},
		{`a{2}{3}`, 4, "nothing to repeat"},
		{`a*{2}`, 2, "nothing to repeat"},
		{`{1}`, 0, "nothing to repeat"},
		{`{2,1}`, 0, "nothing to repeat"},
		{`^*`, 1, "nothing to repeat"},
		{`$+`, 1, "nothing to repeat"},
		{`\b+`, 2, "nothing to repeat"},
		{`\B{1,}`, 2, "nothing to repeat"},
		{`(?<=a)*`, 6, "invalid quantifier"},
		{`(?<!a){1}`, 6, "invalid quantifier"},
		{`x{3,2}`, 1, "numbers out of order in {} quantifier"},
		// The order check compares the numerals' exact values, as ECMA-262 says, even past
		// the point where counts saturate.
		{`x{99999999999999999999,9999999999999999999}`, 1, "numbers out of order in {} quantifier"},
		{`[z-a]`, 1, "range out of order in character class"},
		{`[ab\x7a-\x61]`, 3, "range out of order in character class"},
		{`[😀-😂]`, 1, "range out of order in character class"},
		{`(?i)a`, 0, "invalid group"},
		{`x(?P<n>a)`, 1, "invalid group"},
		{`(?`, 0, "invalid group"},
		{`(?<1a>x)`, 3, "invalid capture group name"},
		{`(?<a-b>x)`, 4, "invalid capture group name"},
		{`(?<>x)`, 3, "invalid capture group name"},
		{`(?<ab`, 5, "invalid capture group name"},
		{`(?<\x61>x)`, 3, "invalid capture group name"},
		{`(?<a>x)(?<a>y)`, 7, "duplicate capture group name"},
		{`(?<a>a)(?:(?<a>b)|c)`, 10, "duplicate capture group name"},
		{`(?<a>(?<a>b))`, 5, "duplicate capture group name"},
		{`(?<a>x)\k<b>`, 7, "invalid named capture referenced"},
		{`(?<a>x)\k`, 7, "invalid named reference"},
		{`(?<a>x)\ka`, 7, "invalid named reference"},
		{`(?<a>x)\k<`, 10, "invalid capture group name"},
		{`(?<a>x)[\k]`, 8, "invalid escape"},
		{`é(`, 2, "unterminated group"},
		{`😀*(`, 5, "unterminated group"},
		{`😀**`, 5, "nothing to repeat"},
		{"a\xffb", 1, "invalid UTF-8"},
		{strings.Repeat("(", maxDepth+1) + strings.Repeat(")", maxDepth+1), maxDepth, "groups nested too deeply"},
	} {
		_, err := Compile(c.pattern)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Compile(%q) = %v, want a *SyntaxError", c.pattern, err)
			continue
		}
		if se.Offset != c.offset || se.Msg != c.msg {
			t.Errorf("Compile(%q): offset %d %q, want offset %d %q", c.pattern, se.Offset, se.Msg, c.offset, c.msg)
		}
	}
}

func TestDeepNestingWithinLimit(t *testing.T) {
	p := strings.Repeat("(?:", maxDepth) + "a" + strings.Repeat(")", maxDepth)
	re, err := Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !re.MatchString("a") || re.MatchString("b") {
		t.Error("deeply nested pattern mismatches")
	}
}

func TestMustCompilePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustCompile of a malformed pattern did not panic")
		}
	}()
	MustCompile(`(`)
}
