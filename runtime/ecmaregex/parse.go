package ecmaregex

import (
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// SyntaxError is a malformed pattern. Offset is the byte offset in the pattern of the
// character the error is about (len(pattern) when the pattern ends too early).
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid regular expression at offset %d: %s", e.Offset, e.Msg)
}

type nodeKind uint8

const (
	nEmpty    nodeKind = iota
	nSet               // one code unit out of set
	nSeq               // subs in order
	nAlt               // subs, first alternative preferred
	nGroup             // capturing group number index around subs[0]
	nRepeat            // subs[0] repeated min..max (max < 0: unbounded)
	nBOL               // ^
	nEOL               // $
	nWordB             // \b
	nNotWordB          // \B
	nLook              // (?=) (?!) (?<=) (?<!) around subs[0]
	nBackref           // \1 or \k<name>; refs lists the groups it may refer to
)

type node struct {
	kind   nodeKind
	set    charSet
	subs   []*node
	min    int
	max    int
	greedy bool
	index  int  // nGroup
	neg    bool // nLook
	behind bool // nLook
	refs   []int
	// groupLo and groupHi delimit the capture groups inside an nRepeat body
	// (groupLo < g <= groupHi); RepeatMatcher resets them at every iteration.
	groupLo, groupHi int
	name             string // nBackref by name, until resolved
	offset           int    // byte offset, for errors found after parsing
}

// maxCount saturates quantifier bounds. An input cannot hold 2^31 code units here, so a
// larger bound behaves exactly like this one.
const maxCount = math.MaxInt32

// tree is a parsed pattern.
type tree struct {
	root    *node
	ngroups int
	names   map[string][]int
}

// parse parses an ECMAScript pattern without flags, Annex B syntax included.
//
// ECMA-262 (ParsePattern) parses once without the NamedCaptureGroups parameter and, when
// the result contains a group name, again with it; Annex B also needs the total number of
// capturing groups to tell a back reference from a legacy octal escape. The first pass
// therefore runs with every decimal escape read as a back reference, which consumes the
// same characters as any other reading, and yields both facts for the second.
func parse(pattern string) (*tree, error) {
	units, offs, err := decodePattern(pattern)
	if err != nil {
		return nil, err
	}
	first := &parser{units: units, offs: offs, end: len(pattern), totalGroups: maxCount}
	if _, err := first.run(); err != nil {
		return nil, err
	}
	second := &parser{units: units, offs: offs, end: len(pattern),
		totalGroups: first.groups, named: len(first.groupNames) > 0}
	return second.run()
}

// decodePattern splits the pattern into UTF-16 code units, remembering the byte offset each
// unit came from; an astral character becomes two units at the same offset, which is what a
// non-unicode pattern is made of.
func decodePattern(p string) ([]uint16, []int, error) {
	units := make([]uint16, 0, len(p))
	offs := make([]int, 0, len(p))
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRuneInString(p[i:])
		if r == utf8.RuneError && size <= 1 {
			return nil, nil, &SyntaxError{i, "invalid UTF-8"}
		}
		if r >= 0x10000 {
			hi, lo := utf16.EncodeRune(r)
			units = append(units, uint16(hi), uint16(lo))
			offs = append(offs, i, i)
		} else {
			units = append(units, uint16(r))
			offs = append(offs, i)
		}
		i += size
	}
	return units, offs, nil
}

type namedGroup struct {
	name  string
	index int
	path  []altStep
	off   int
}

// altStep locates a group inside one alternative of one disjunction; two groups of the
// same name may coexist only when some disjunction holds them in different alternatives.
type altStep struct{ disj, alt int }

// maxDepth bounds group nesting. Parsing, compiling and translating recurse once per level,
// and no real pattern comes near it; Go's regexp has the same limit.
const maxDepth = 1000

type parser struct {
	depth       int
	units       []uint16
	offs        []int
	end         int
	i           int
	named       bool
	totalGroups int
	groups      int
	groupNames  []namedGroup
	refs        []*node
	path        []altStep
	disjs       int
}

func (p *parser) err(i int, msg string) error {
	return &SyntaxError{p.off(i), msg}
}

// off is the byte offset of unit i, or the pattern's length past the end.
func (p *parser) off(i int) int {
	if i < len(p.offs) {
		return p.offs[i]
	}
	return p.end
}

func (p *parser) peekAt(i int) int {
	if i < len(p.units) {
		return int(p.units[i])
	}
	return -1
}

func (p *parser) peek() int { return p.peekAt(p.i) }

func (p *parser) run() (*tree, error) {
	root, err := p.disjunction()
	if err != nil {
		return nil, err
	}
	if p.i < len(p.units) {
		// disjunction stops only at the end or at a ')' it did not open.
		return nil, p.err(p.i, "unmatched ')'")
	}
	names := map[string][]int{}
	for _, g := range p.groupNames {
		for _, other := range p.groupNames {
			if other.index < g.index && other.name == g.name && mightBothParticipate(other.path, g.path) {
				return nil, &SyntaxError{g.off, "duplicate capture group name"}
			}
		}
		names[g.name] = append(names[g.name], g.index)
	}
	for _, r := range p.refs {
		idx, ok := names[r.name]
		if !ok {
			return nil, &SyntaxError{r.offset, "invalid named capture referenced"}
		}
		r.refs = idx
	}
	return &tree{root: root, ngroups: p.groups, names: names}, nil
}

func mightBothParticipate(a, b []altStep) bool {
	for k := 0; k < len(a) && k < len(b); k++ {
		if a[k].disj != b[k].disj {
			return true
		}
		if a[k].alt != b[k].alt {
			return false
		}
	}
	return true
}

func (p *parser) disjunction() (*node, error) {
	p.disjs++
	id := p.disjs
	p.path = append(p.path, altStep{id, 0})
	defer func() { p.path = p.path[:len(p.path)-1] }()
	var alts []*node
	for {
		a, err := p.alternative()
		if err != nil {
			return nil, err
		}
		alts = append(alts, a)
		if p.peek() != '|' {
			break
		}
		p.i++
		p.path[len(p.path)-1].alt++
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	return &node{kind: nAlt, subs: alts}, nil
}

func (p *parser) alternative() (*node, error) {
	var terms []*node
	for {
		c := p.peek()
		if c < 0 || c == '|' || c == ')' {
			break
		}
		ts, err := p.term()
		if err != nil {
			return nil, err
		}
		terms = append(terms, ts...)
	}
	switch len(terms) {
	case 0:
		return &node{kind: nEmpty}, nil
	case 1:
		return terms[0], nil
	}
	return &node{kind: nSeq, subs: terms}, nil
}

// term parses one Term. It returns more than one node only for a literal astral
// character, whose high surrogate is a term of its own: a following quantifier applies to
// the low surrogate alone.
func (p *parser) term() ([]*node, error) {
	start := p.i
	c := p.peek()
	groupsBefore := p.groups
	var atom *node
	quantifiable := true
	switch c {
	case '^', '$':
		p.i++
		atom = &node{kind: nBOL}
		if c == '$' {
			atom.kind = nEOL
		}
		quantifiable = false
	case '\\':
		switch p.peekAt(p.i + 1) {
		case 'b':
			p.i += 2
			atom, quantifiable = &node{kind: nWordB}, false
		case 'B':
			p.i += 2
			atom, quantifiable = &node{kind: nNotWordB}, false
		default:
			a, err := p.atomEscape()
			if err != nil {
				return nil, err
			}
			atom = a
		}
	case '(':
		a, q, err := p.group()
		if err != nil {
			return nil, err
		}
		atom, quantifiable = a, q
	case '.':
		p.i++
		atom = &node{kind: nSet, set: dotSet()}
	case '[':
		a, err := p.class()
		if err != nil {
			return nil, err
		}
		atom = a
	case '*', '+', '?':
		return nil, p.err(p.i, "nothing to repeat")
	case '{':
		if p.quantifierStarts(p.i) {
			return nil, p.err(p.i, "nothing to repeat")
		}
		p.i++
		atom = &node{kind: nSet, set: single('{')}
	default:
		p.i++
		atom = &node{kind: nSet, set: single(uint16(c))}
		if utf16.IsSurrogate(rune(c)) && c < 0xDC00 && p.i < len(p.units) &&
			p.offs[p.i] == p.offs[start] {
			// The low half of the same literal character is the quantifiable atom.
			lo := &node{kind: nSet, set: single(p.units[p.i])}
			p.i++
			rest, err := p.quantify(lo, groupsBefore)
			if err != nil {
				return nil, err
			}
			return []*node{atom, rest}, nil
		}
	}
	if !quantifiable {
		if p.quantifierStarts(p.i) {
			if atom.kind == nLook {
				return nil, p.err(p.i, "invalid quantifier")
			}
			return nil, p.err(p.i, "nothing to repeat")
		}
		return []*node{atom}, nil
	}
	n, err := p.quantify(atom, groupsBefore)
	if err != nil {
		return nil, err
	}
	return []*node{n}, nil
}

// quantifierStarts reports whether a quantifier, well-formed or not, begins at unit i;
// where no quantifier may stand that is an error either way.
func (p *parser) quantifierStarts(i int) bool {
	_, _, _, ok, err := p.quantifierAt(i)
	return ok || err != nil
}

func (p *parser) quantify(atom *node, groupsBefore int) (*node, error) {
	lo, hi, next, ok, err := p.quantifierAt(p.i)
	if err != nil {
		return nil, err
	}
	if !ok {
		return atom, nil
	}
	p.i = next
	greedy := true
	if p.peek() == '?' {
		greedy = false
		p.i++
	}
	return &node{kind: nRepeat, subs: []*node{atom}, min: lo, max: hi, greedy: greedy,
		groupLo: groupsBefore, groupHi: p.groups}, nil
}

// quantifierAt reads a QuantifierPrefix at unit i. A '{' that does not start a complete
// {n}, {n,} or {n,m} is not a quantifier (Annex B makes it a literal).
func (p *parser) quantifierAt(i int) (lo, hi, next int, ok bool, err error) {
	switch p.peekAt(i) {
	case '*':
		return 0, -1, i + 1, true, nil
	case '+':
		return 1, -1, i + 1, true, nil
	case '?':
		return 0, 1, i + 1, true, nil
	case '{':
	default:
		return 0, 0, i, false, nil
	}
	j := i + 1
	loDigits, j := p.digits(j)
	if loDigits == "" {
		return 0, 0, i, false, nil
	}
	hiDigits := loDigits
	unbounded := false
	if p.peekAt(j) == ',' {
		hiDigits, j = p.digits(j + 1)
		unbounded = hiDigits == ""
	}
	if p.peekAt(j) != '}' {
		return 0, 0, i, false, nil
	}
	lo = countValue(loDigits)
	hi = -1
	if !unbounded {
		hi = countValue(hiDigits)
		if compareDigits(loDigits, hiDigits) > 0 {
			return 0, 0, i, false, p.err(i, "numbers out of order in {} quantifier")
		}
	}
	return lo, hi, j + 1, true, nil
}

func (p *parser) digits(i int) (string, int) {
	var b strings.Builder
	for c := p.peekAt(i); '0' <= c && c <= '9'; c = p.peekAt(i) {
		b.WriteByte(byte(c))
		i++
	}
	return b.String(), i
}

func countValue(d string) int {
	v := 0
	for k := 0; k < len(d); k++ {
		v = v*10 + int(d[k]-'0')
		if v > maxCount {
			return maxCount
		}
	}
	return v
}

// compareDigits compares two decimal numerals of any length exactly, so that bounds past
// maxCount are still checked for order.
func compareDigits(a, b string) int {
	a = strings.TrimLeft(a, "0")
	b = strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

// group parses a parenthesised term and reports whether a quantifier may follow it
// (Annex B allows quantified lookaheads, never quantified lookbehinds).
func (p *parser) group() (*node, bool, error) {
	open := p.i
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, false, p.err(open, "groups nested too deeply")
	}
	p.i++
	var n *node
	quantifiable := true
	if p.peek() == '?' {
		switch p.peekAt(p.i + 1) {
		case ':':
			p.i += 2
			n = &node{kind: nGroup, index: 0}
		case '=', '!':
			n = &node{kind: nLook, neg: p.peekAt(p.i+1) == '!'}
			p.i += 2
		case '<':
			switch p.peekAt(p.i + 2) {
			case '=', '!':
				n = &node{kind: nLook, behind: true, neg: p.peekAt(p.i+2) == '!'}
				p.i += 3
				quantifiable = false
			default:
				p.i += 2
				name, err := p.groupName()
				if err != nil {
					return nil, false, err
				}
				p.groups++
				n = &node{kind: nGroup, index: p.groups}
				p.groupNames = append(p.groupNames, namedGroup{name: name, index: p.groups,
					path: append([]altStep(nil), p.path...), off: p.off(open)})
			}
		default:
			return nil, false, p.err(open, "invalid group")
		}
	} else {
		p.groups++
		n = &node{kind: nGroup, index: p.groups}
	}
	body, err := p.disjunction()
	if err != nil {
		return nil, false, err
	}
	if p.peek() != ')' {
		return nil, false, p.err(open, "unterminated group")
	}
	p.i++
	if n.kind == nGroup && n.index == 0 {
		// (?:…) is only grouping.
		return body, true, nil
	}
	n.subs = []*node{body}
	return n, quantifiable, nil
}

// groupName reads RegExpIdentifierName '>' after "(?<" or "\k<". Unicode escapes are
// allowed in names even without the u flag, and surrogate pairs, escaped or literal, form
// one code point.
func (p *parser) groupName() (string, error) {
	var b strings.Builder
	first := true
	for {
		at := p.i
		c := p.peek()
		if c == '>' && !first {
			p.i++
			return b.String(), nil
		}
		if c < 0 {
			return "", p.err(at, "invalid capture group name")
		}
		var r rune
		if c == '\\' {
			p.i++
			v, ok := p.nameEscape()
			if !ok {
				return "", p.err(at, "invalid capture group name")
			}
			r = v
		} else {
			p.i++
			r = rune(c)
			if utf16.IsSurrogate(r) && r < 0xDC00 && p.peek() >= 0xDC00 && p.peek() <= 0xDFFF {
				r = utf16.DecodeRune(r, rune(p.peek()))
				p.i++
			}
		}
		if first && !isIDStart(r) || !first && !isIDContinue(r) {
			return "", p.err(at, "invalid capture group name")
		}
		b.WriteRune(r)
		first = false
	}
}

// nameEscape reads the rest of a RegExpUnicodeEscapeSequence[+UnicodeMode] after '\'.
func (p *parser) nameEscape() (rune, bool) {
	if p.peek() != 'u' {
		return 0, false
	}
	p.i++
	if p.peek() == '{' {
		v, j, ok := p.braceHex(p.i + 1)
		if !ok {
			return 0, false
		}
		p.i = j
		return v, true
	}
	v, ok := p.hex(p.i, 4)
	if !ok {
		return 0, false
	}
	p.i += 4
	if utf16.IsSurrogate(rune(v)) && v < 0xDC00 && p.peek() == '\\' && p.peekAt(p.i+1) == 'u' {
		if lo, ok := p.hex(p.i+2, 4); ok && lo >= 0xDC00 && lo <= 0xDFFF {
			p.i += 6
			return utf16.DecodeRune(rune(v), rune(lo)), true
		}
	}
	return rune(v), true
}

// braceHex reads hex digits and '}' starting at unit i, as in \u{…}.
func (p *parser) braceHex(i int) (rune, int, bool) {
	v := 0
	n := 0
	for {
		c := p.peekAt(i)
		d := hexVal(c)
		if d < 0 {
			break
		}
		v = v*16 + d
		if v > unicode.MaxRune {
			return 0, 0, false
		}
		n++
		i++
	}
	if n == 0 || p.peekAt(i) != '}' {
		return 0, 0, false
	}
	return rune(v), i + 1, true
}

func isIDStart(r rune) bool {
	if r == '$' || r == '_' {
		return true
	}
	if unicode.Is(unicode.Pattern_Syntax, r) || unicode.Is(unicode.Pattern_White_Space, r) {
		return false
	}
	return unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_ID_Start, r)
}

func isIDContinue(r rune) bool {
	if r == 0x200C || r == 0x200D || isIDStart(r) {
		return true
	}
	if unicode.Is(unicode.Pattern_Syntax, r) || unicode.Is(unicode.Pattern_White_Space, r) {
		return false
	}
	return unicode.In(r, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc, unicode.Other_ID_Continue)
}

func hexVal(c int) int {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10
	}
	return -1
}

// hex reads exactly n hex digits at unit i.
func (p *parser) hex(i, n int) (int, bool) {
	v := 0
	for k := 0; k < n; k++ {
		d := hexVal(p.peekAt(i + k))
		if d < 0 {
			return 0, false
		}
		v = v*16 + d
	}
	return v, true
}

// atomEscape parses '\' AtomEscape outside a class (\b and \B are handled by term).
func (p *parser) atomEscape() (*node, error) {
	bs := p.i
	p.i++
	c := p.peek()
	switch {
	case c < 0:
		return nil, p.err(bs, "\\ at end of pattern")
	case c == 'k' && p.named:
		p.i++
		if p.peek() != '<' {
			return nil, p.err(bs, "invalid named reference")
		}
		p.i++
		name, err := p.groupName()
		if err != nil {
			return nil, err
		}
		n := &node{kind: nBackref, name: name, offset: p.off(bs)}
		p.refs = append(p.refs, n)
		return n, nil
	case '1' <= c && c <= '9':
		d, j := p.digits(p.i)
		if compareDigits(d, fmt.Sprint(p.totalGroups)) <= 0 {
			p.i = j
			return &node{kind: nBackref, refs: []int{countValue(d)}}, nil
		}
	}
	if s, ok := p.classEscapeSet(c); ok {
		p.i++
		return &node{kind: nSet, set: s}, nil
	}
	if c == 'c' && !isASCIILetter(p.peekAt(p.i+1)) {
		// Annex B: a '\' before a 'c' that starts no control escape is itself a literal.
		return &node{kind: nSet, set: single('\\')}, nil
	}
	u, err := p.characterEscape(bs, false)
	if err != nil {
		return nil, err
	}
	return &node{kind: nSet, set: single(u)}, nil
}

func (p *parser) classEscapeSet(c int) (charSet, bool) {
	switch c {
	case 'd':
		return digitSet, true
	case 'D':
		return digitSet.negate(), true
	case 's':
		return spaceSet(), true
	case 'S':
		return spaceSet().negate(), true
	case 'w':
		return wordSet, true
	case 'W':
		return wordSet.negate(), true
	}
	return nil, false
}

func isASCIILetter(c int) bool { return 'A' <= c&^0x20 && c&^0x20 <= 'Z' }

// characterEscape parses a CharacterEscape (Annex B form) whose first unit is at p.i;
// bs is the offset of the backslash. inClass allows ClassControlLetter digits and '_'.
func (p *parser) characterEscape(bs int, inClass bool) (uint16, error) {
	c := p.peek()
	switch c {
	case 'f':
		p.i++
		return '\f', nil
	case 'n':
		p.i++
		return '\n', nil
	case 'r':
		p.i++
		return '\r', nil
	case 't':
		p.i++
		return '\t', nil
	case 'v':
		p.i++
		return '\v', nil
	case 'c':
		l := p.peekAt(p.i + 1)
		if isASCIILetter(l) || inClass && ('0' <= l && l <= '9' || l == '_') {
			p.i += 2
			return uint16(l % 32), nil
		}
	case 'x':
		if v, ok := p.hex(p.i+1, 2); ok {
			p.i += 3
			return uint16(v), nil
		}
	case 'u':
		if v, ok := p.hex(p.i+1, 4); ok {
			p.i += 5
			return uint16(v), nil
		}
	case 'k':
		if p.named {
			return 0, p.err(bs, "invalid escape")
		}
	}
	if '0' <= c && c <= '7' {
		// \0 not followed by a digit is NUL; otherwise a LegacyOctalEscapeSequence: up to
		// three octal digits, the third only when the value stays within 0o377.
		v := c - '0'
		p.i++
		if d := p.peek(); '0' <= d && d <= '7' {
			v = v*8 + d - '0'
			p.i++
			if d2 := p.peek(); c <= '3' && '0' <= d2 && d2 <= '7' {
				v = v*8 + d2 - '0'
				p.i++
			}
		}
		return uint16(v), nil
	}
	// IdentityEscape: without the u flag any other code unit stands for itself.
	p.i++
	return uint16(c), nil
}

// class parses a CharacterClass.
func (p *parser) class() (*node, error) {
	open := p.i
	p.i++
	negated := false
	if p.peek() == '^' {
		negated = true
		p.i++
	}
	var rs []unitRange
	for {
		c := p.peek()
		if c < 0 {
			return nil, p.err(open, "unterminated character class")
		}
		if c == ']' {
			p.i++
			break
		}
		at := p.i
		a, aSet, err := p.classAtom()
		if err != nil {
			return nil, err
		}
		if p.peek() == '-' && p.peekAt(p.i+1) != ']' && p.peekAt(p.i+1) >= 0 {
			p.i++
			b, bSet, err := p.classAtom()
			if err != nil {
				return nil, err
			}
			if aSet != nil || bSet != nil {
				// Annex B: a range with a class escape at either end is the union of both
				// ends and '-'.
				rs = append(rs, unitRange{'-', '-'})
				rs = append(rs, asRanges(a, aSet)...)
				rs = append(rs, asRanges(b, bSet)...)
				continue
			}
			if a > b {
				return nil, p.err(at, "range out of order in character class")
			}
			rs = append(rs, unitRange{a, b})
			continue
		}
		rs = append(rs, asRanges(a, aSet)...)
	}
	set := normalize(rs)
	if negated {
		set = set.negate()
	}
	return &node{kind: nSet, set: set}, nil
}

func asRanges(u uint16, s charSet) []unitRange {
	if s != nil {
		return s
	}
	return []unitRange{{u, u}}
}

// classAtom parses a ClassAtom: one code unit, or a class escape's set.
func (p *parser) classAtom() (uint16, charSet, error) {
	c := p.peek()
	if c != '\\' {
		p.i++
		return uint16(c), nil, nil
	}
	bs := p.i
	p.i++
	e := p.peek()
	switch {
	case e < 0:
		return 0, nil, p.err(bs, "\\ at end of pattern")
	case e == 'b':
		p.i++
		return '\b', nil, nil
	case e == 'c' && !isASCIILetter(p.peekAt(p.i+1)) && !isDigitOrUnderscore(p.peekAt(p.i+1)):
		// Annex B: the backslash is a literal and the 'c' is read next.
		return '\\', nil, nil
	case e == '8' || e == '9':
		p.i++
		return uint16(e), nil, nil
	}
	if s, ok := p.classEscapeSet(e); ok {
		p.i++
		return 0, s, nil
	}
	u, err := p.characterEscape(bs, true)
	return u, nil, err
}

func isDigitOrUnderscore(c int) bool { return '0' <= c && c <= '9' || c == '_' }
