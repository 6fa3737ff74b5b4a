package jsonpath

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"
)

// compileIRegexp translates an RFC 9485 I-Regexp into Go regexp syntax and compiles it,
// anchored at both ends for match() and unanchored for search(). It returns nil when the
// pattern is not an I-Regexp or Go cannot run it (a repetition count above 1000, a reversed
// range); match and search then yield LogicalFalse (RFC 9535 §2.4.6, §2.4.7).
func compileIRegexp(pattern string, anchored bool) *regexp.Regexp {
	if !utf8.ValidString(pattern) {
		return nil
	}
	t := reTranslator{s: pattern}
	if !t.alternation() || t.i != len(t.s) {
		return nil
	}
	var src string
	if anchored {
		src = `\A(?:` + t.out.String() + `)\z`
	} else {
		src = t.out.String()
	}
	re, err := regexp.Compile(src)
	if err != nil {
		return nil
	}
	return re
}

// reTranslator is a recursive-descent reader of the I-Regexp ABNF (RFC 9485 §5) that writes
// the equivalent Go syntax as it goes.
type reTranslator struct {
	s     string
	i     int
	depth int
	out   strings.Builder
}

func (t *reTranslator) peek() byte {
	if t.i < len(t.s) {
		return t.s[t.i]
	}
	return 0
}

// alternation: branch *( "|" branch ).
func (t *reTranslator) alternation() bool {
	if !t.branch() {
		return false
	}
	for t.peek() == '|' && t.i < len(t.s) {
		t.i++
		t.out.WriteByte('|')
		if !t.branch() {
			return false
		}
	}
	return true
}

// branch: *piece; piece: atom [ quantifier ].
func (t *reTranslator) branch() bool {
	for t.i < len(t.s) && t.s[t.i] != '|' && t.s[t.i] != ')' {
		if !t.atom() || !t.quantifier() {
			return false
		}
	}
	return true
}

func (t *reTranslator) quantifier() bool {
	switch t.peek() {
	case '*', '+', '?':
		t.out.WriteByte(t.s[t.i])
		t.i++
	case '{':
		// "{" QuantExact [ "," [ QuantExact ] ] "}"
		start := t.i
		t.i++
		if !t.digits() {
			return false
		}
		if t.peek() == ',' {
			t.i++
			t.digits()
		}
		if t.peek() != '}' {
			return false
		}
		t.i++
		t.out.WriteString(t.s[start:t.i])
	}
	return true
}

func (t *reTranslator) digits() bool {
	start := t.i
	for c := t.peek(); c >= '0' && c <= '9' && t.i < len(t.s); c = t.peek() {
		t.i++
	}
	return t.i > start
}

func (t *reTranslator) atom() bool {
	switch c := t.s[t.i]; c {
	case '(':
		t.depth++
		if t.depth > maxNesting {
			return false
		}
		t.i++
		t.out.WriteString("(?:")
		if !t.alternation() || t.peek() != ')' || t.i >= len(t.s) {
			return false
		}
		t.i++
		t.depth--
		t.out.WriteByte(')')
		return true
	case '.':
		// I-Regexp's dot excludes only line feed and carriage return.
		t.i++
		t.out.WriteString(`[^\n\r]`)
		return true
	case '[':
		return t.class()
	case '\\':
		if n := t.i + 1; n < len(t.s) && (t.s[n] == 'p' || t.s[n] == 'P') {
			return t.categoryEscape()
		}
		r, ok := t.singleCharEsc()
		if !ok {
			return false
		}
		t.out.WriteString(regexp.QuoteMeta(string(r)))
		return true
	case '^', '$':
		// The ABNF of RFC 9485 admits ^ and $ as NormalChar, but its own mappings to
		// ECMAScript and PCRE (§5.3, §5.4) pass them through as anchors, and that is what the
		// compliance suite requires ("explicit caret", "explicit dollar"). Go's ^ and $ match
		// only at the ends of the text, as no multi-line flag is set.
		t.i++
		t.out.WriteByte(c)
		return true
	case ')', '*', '+', '?', '{', '}', ']', '|':
		return false
	}
	// NormalChar.
	r, n := utf8.DecodeRuneInString(t.s[t.i:])
	t.i += n
	t.out.WriteString(regexp.QuoteMeta(string(r)))
	return true
}

// singleCharEsc reads SingleCharEsc: "\" followed by one of ()*+-.?[\]^{|} or n, r, t.
func (t *reTranslator) singleCharEsc() (rune, bool) {
	if t.i+1 >= len(t.s) {
		return 0, false
	}
	c := t.s[t.i+1]
	t.i += 2
	switch c {
	case '(', ')', '*', '+', '-', '.', '?', '[', '\\', ']', '^', '{', '|', '}':
		return rune(c), true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	}
	return 0, false
}

// categories are the charProp names of RFC 9485; Go knows them all, Cn included.
var categories = map[string]bool{
	"L": true, "Ll": true, "Lm": true, "Lo": true, "Lt": true, "Lu": true,
	"M": true, "Mc": true, "Me": true, "Mn": true,
	"N": true, "Nd": true, "Nl": true, "No": true,
	"P": true, "Pc": true, "Pd": true, "Pe": true, "Pf": true, "Pi": true, "Po": true, "Ps": true,
	"Z": true, "Zl": true, "Zp": true, "Zs": true,
	"S": true, "Sc": true, "Sk": true, "Sm": true, "So": true,
	"C": true, "Cc": true, "Cf": true, "Cn": true, "Co": true,
}

// categoryEscape reads "\p{" charProp "}" or "\P{" charProp "}".
func (t *reTranslator) categoryEscape() bool {
	rest := t.s[t.i:]
	if len(rest) < 4 || rest[2] != '{' {
		return false
	}
	end := strings.IndexByte(rest, '}')
	if end < 0 || !categories[rest[3:end]] {
		return false
	}
	t.out.WriteString(rest[:end+1])
	t.i += end + 1
	return true
}

// class reads charClassExpr: "[" [ "^" ] ( "-" / CCE1 ) *CCE1 [ "-" ] "]".
func (t *reTranslator) class() bool {
	t.i++
	t.out.WriteByte('[')
	if t.peek() == '^' && t.i < len(t.s) {
		t.i++
		t.out.WriteByte('^')
	}
	first := true
	for {
		if t.i >= len(t.s) {
			return false
		}
		switch c := t.s[t.i]; {
		case c == ']':
			if first {
				return false
			}
			t.i++
			t.out.WriteByte(']')
			return true
		case c == '-':
			// A hyphen is literal only first or last.
			if !first && (t.i+1 >= len(t.s) || t.s[t.i+1] != ']') {
				return false
			}
			t.i++
			t.out.WriteString(`\-`)
		case c == '\\' && t.i+1 < len(t.s) && (t.s[t.i+1] == 'p' || t.s[t.i+1] == 'P'):
			if !t.categoryEscape() {
				return false
			}
		default:
			lo, ok := t.ccChar()
			if !ok {
				return false
			}
			writeClassRune(&t.out, lo)
			if t.peek() == '-' && t.i+1 < len(t.s) && t.s[t.i+1] != ']' {
				t.i++
				hi, ok := t.ccChar()
				if !ok {
					return false
				}
				t.out.WriteByte('-')
				writeClassRune(&t.out, hi)
			}
		}
		first = false
	}
}

// ccChar reads CCchar: any character but - [ \ ], or a SingleCharEsc.
func (t *reTranslator) ccChar() (rune, bool) {
	if t.i >= len(t.s) {
		return 0, false
	}
	switch t.s[t.i] {
	case '\\':
		return t.singleCharEsc()
	case '-', '[', ']':
		return 0, false
	}
	r, n := utf8.DecodeRuneInString(t.s[t.i:])
	t.i += n
	return r, true
}

// writeClassRune writes a character inside a Go class as a hexadecimal escape, which is
// never special there.
func writeClassRune(b *strings.Builder, r rune) {
	fmt.Fprintf(b, `\x{%x}`, r)
}

// regexCache keeps the compiled patterns that match or search take from the document, so
// that a filter over many nodes compiles each pattern once. It is bounded because the
// patterns come from input.
type regexCache struct {
	mu sync.Mutex
	m  map[regexKey]*regexp.Regexp
}

type regexKey struct {
	pattern  string
	anchored bool
}

const regexCacheSize = 64

func (c *regexCache) get(pattern string, anchored bool) *regexp.Regexp {
	key := regexKey{pattern, anchored}
	c.mu.Lock()
	re, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return re
	}
	re = compileIRegexp(pattern, anchored)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= regexCacheSize {
		c.m = make(map[regexKey]*regexp.Regexp)
	}
	c.m[key] = re
	c.mu.Unlock()
	return re
}
