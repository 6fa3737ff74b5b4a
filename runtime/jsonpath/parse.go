package jsonpath

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxNesting bounds parentheses, function arguments and nested filters, so that a hostile
// query cannot exhaust the stack; real queries stay far below it.
const maxNesting = 256

// maxInt is the largest magnitude of an index or slice bound (RFC 9535 §2.1, I-JSON range).
const maxInt = 1<<53 - 1

type parser struct {
	s     string
	i     int
	depth int
}

// parseErr unwinds the recursive descent to parse, which turns it back into an error.
type parseErr struct{ err *SyntaxError }

func (p *parser) fail(off int, format string, args ...any) {
	panic(parseErr{&SyntaxError{Offset: off, Msg: fmt.Sprintf(format, args...)}})
}

func parse(src string) (q *query, err error) {
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(parseErr)
			if !ok {
				panic(r)
			}
			q, err = nil, pe.err
		}
	}()
	p := &parser{s: src}
	if !utf8.ValidString(src) {
		off := 0
		for off < len(src) {
			r, n := utf8.DecodeRuneInString(src[off:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			off += n
		}
		p.fail(off, "invalid UTF-8")
	}
	switch {
	case src == "":
		p.fail(0, "empty query; a query starts with '$'")
	case isBlank(src[0]):
		p.fail(0, "leading whitespace is not allowed")
	case src[0] != '$':
		p.fail(0, "a query starts with '$'")
	}
	p.i = 1
	q = p.segments(true)
	if p.i < len(src) {
		if strings.TrimLeft(src[p.i:], " \t\n\r") == "" {
			p.fail(p.i, "trailing whitespace is not allowed")
		}
		// Whitespace may precede a segment; what follows it is the problem.
		p.ws()
		p.fail(p.i, "unexpected %s", p.describe())
	}
	return q, nil
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (p *parser) ws() bool {
	start := p.i
	for p.i < len(p.s) && isBlank(p.s[p.i]) {
		p.i++
	}
	return p.i > start
}

func (p *parser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *parser) peekAt(k int) byte {
	if p.i+k < len(p.s) {
		return p.s[p.i+k]
	}
	return 0
}

// describe names the input at the current offset for error messages.
func (p *parser) describe() string {
	if p.i >= len(p.s) {
		return "end of query"
	}
	r, _ := utf8.DecodeRuneInString(p.s[p.i:])
	return strconv.QuoteRune(r)
}

func (p *parser) expect(c byte) {
	if p.peek() != c {
		p.fail(p.i, "expected '%c', found %s", c, p.describe())
	}
	p.i++
}

// segments parses *(S segment) after the identifier that starts a query.
func (p *parser) segments(absolute bool) *query {
	q := &query{absolute: absolute, singular: true, strictSingular: true}
	for {
		save := p.i
		p.ws()
		var seg segment
		switch {
		case p.peek() == '.' && p.peekAt(1) == '.':
			p.i += 2
			seg = p.descendant()
		case p.peek() == '.':
			p.i++
			seg = p.dotted()
		case p.peek() == '[':
			seg = p.bracketed()
		default:
			p.i = save
			return q
		}
		if seg.descendant || len(seg.sels) != 1 || seg.sels[0].kind != selName && seg.sels[0].kind != selIndex {
			q.singular = false
			q.strictSingular = false
		} else if seg.spaced {
			q.strictSingular = false
		}
		q.segs = append(q.segs, seg)
	}
}

func (p *parser) descendant() segment {
	switch c := p.peek(); {
	case c == '[':
		seg := p.bracketed()
		seg.descendant = true
		return seg
	case c == '*':
		p.i++
		return segment{descendant: true, sels: []selector{{kind: selWildcard}}}
	case p.atNameFirst():
		return segment{descendant: true, sels: []selector{{kind: selName, name: p.shorthandName()}}}
	}
	p.fail(p.i, "expected a member name, '*' or '[' after '..', found %s", p.describe())
	return segment{}
}

func (p *parser) dotted() segment {
	if p.peek() == '*' {
		p.i++
		return segment{sels: []selector{{kind: selWildcard}}}
	}
	if p.atNameFirst() {
		return segment{sels: []selector{{kind: selName, name: p.shorthandName()}}}
	}
	p.fail(p.i, "expected a member name or '*' after '.', found %s", p.describe())
	return segment{}
}

// atNameFirst matches name-first: ALPHA / "_" / any non-ASCII scalar value.
func (p *parser) atNameFirst() bool {
	c := p.peek()
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func (p *parser) shorthandName() string {
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80 {
			p.i++
			continue
		}
		break
	}
	return p.s[start:p.i]
}

// bracketed parses "[" S selector *(S "," S selector) S "]".
func (p *parser) bracketed() segment {
	p.i++ // '['
	var seg segment
	for {
		if p.ws() {
			seg.spaced = true
		}
		seg.sels = append(seg.sels, p.selector())
		if p.ws() {
			seg.spaced = true
		}
		switch p.peek() {
		case ',':
			p.i++
			continue
		case ']':
			p.i++
			return seg
		}
		p.fail(p.i, "expected ',' or ']', found %s", p.describe())
	}
}

func (p *parser) selector() selector {
	switch c := p.peek(); {
	case c == '\'' || c == '"':
		return selector{kind: selName, name: p.stringLit()}
	case c == '*':
		p.i++
		return selector{kind: selWildcard}
	case c == '?':
		p.i++
		p.ws()
		return selector{kind: selFilter, filter: p.filterExpr()}
	case c == '-' || c >= '0' && c <= '9' || c == ':':
		return p.indexOrSlice()
	}
	p.fail(p.i, "expected a selector (name, '*', index, slice or filter), found %s", p.describe())
	return selector{}
}

// indexOrSlice parses index-selector or slice-selector:
// [start S] ":" S [end S] [":" [S step]].
func (p *parser) indexOrSlice() selector {
	var sel selector
	if p.peek() != ':' {
		sel.start, sel.hasStart = p.integer(), true
	}
	save := p.i
	p.ws()
	if p.peek() != ':' {
		p.i = save
		return selector{kind: selIndex, index: sel.start}
	}
	sel.kind = selSlice
	p.i++
	p.ws()
	save = p.i
	if c := p.peek(); c == '-' || c >= '0' && c <= '9' {
		sel.end, sel.hasEnd = p.integer(), true
		save = p.i
		p.ws()
	}
	if p.peek() != ':' {
		p.i = save
		return sel
	}
	p.i++
	save = p.i
	p.ws()
	if c := p.peek(); c == '-' || c >= '0' && c <= '9' {
		sel.step, sel.hasStep = p.integer(), true
	} else {
		p.i = save
	}
	return sel
}

// integer parses int = "0" / (["-"] DIGIT1 *DIGIT) within ±(2^53-1).
func (p *parser) integer() int64 {
	start := p.i
	if p.peek() == '-' {
		p.i++
	}
	c := p.peek()
	if c < '0' || c > '9' {
		p.fail(p.i, "expected a digit, found %s", p.describe())
	}
	if c == '0' {
		p.i++
		if p.s[start] == '-' {
			p.fail(start, "-0 is not a valid index")
		}
		if d := p.peek(); d >= '0' && d <= '9' {
			p.fail(start, "leading zeros are not allowed")
		}
		return 0
	}
	for d := p.peek(); d >= '0' && d <= '9'; d = p.peek() {
		p.i++
	}
	n, err := strconv.ParseInt(p.s[start:p.i], 10, 64)
	if err != nil || n > maxInt || n < -maxInt {
		p.fail(start, "integer %s is out of range ±(2^53-1)", p.s[start:p.i])
	}
	return n
}

// stringLit parses a single- or double-quoted string literal (RFC 9535 §2.3.1.1).
func (p *parser) stringLit() string {
	quote := p.s[p.i]
	start := p.i
	p.i++
	var b strings.Builder
	for {
		if p.i >= len(p.s) {
			p.fail(start, "unterminated string")
		}
		c := p.s[p.i]
		switch {
		case c == quote:
			p.i++
			return b.String()
		case c < 0x20:
			p.fail(p.i, "control character U+%04X must be escaped in a string", c)
		case c == '\\':
			p.escape(quote, &b)
		default:
			r, n := utf8.DecodeRuneInString(p.s[p.i:])
			b.WriteRune(r)
			p.i += n
		}
	}
}

func (p *parser) escape(quote byte, b *strings.Builder) {
	esc := p.i
	p.i++
	c := p.peek()
	switch c {
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case '/', '\\':
		b.WriteByte(c)
	case '\'', '"':
		// Only the delimiting quote may be escaped.
		if c != quote {
			p.fail(esc, "invalid escape \\%c in a %s-quoted string", c, quoteName(quote))
		}
		b.WriteByte(c)
	case 'u':
		p.i++
		r := p.hex4(esc)
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			p.fail(esc, "unpaired low surrogate \\u%04X", r)
		case r >= 0xD800 && r <= 0xDBFF:
			if p.peek() != '\\' || p.peekAt(1) != 'u' {
				p.fail(esc, "high surrogate \\u%04X must be followed by a \\u low surrogate", r)
			}
			low := p.i
			p.i += 2
			r2 := p.hex4(low)
			if r2 < 0xDC00 || r2 > 0xDFFF {
				p.fail(low, "high surrogate \\u%04X must be followed by a low surrogate", r)
			}
			r = 0x10000 + (r-0xD800)<<10 + (r2 - 0xDC00)
		}
		b.WriteRune(r)
		return
	default:
		p.fail(esc, "invalid escape sequence in a string")
	}
	p.i++
}

func quoteName(q byte) string {
	if q == '"' {
		return "double"
	}
	return "single"
}

func (p *parser) hex4(esc int) rune {
	if p.i+4 > len(p.s) {
		p.fail(esc, "\\u needs four hexadecimal digits")
	}
	var r rune
	for k := 0; k < 4; k++ {
		c := p.s[p.i+k]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			p.fail(esc, "\\u needs four hexadecimal digits")
		}
		r = r<<4 | rune(d)
	}
	p.i += 4
	return r
}

// operand is a parsed expression before its use decides its type: a literal, a query, a
// function call, or an expression that is already logical.
type operand struct {
	pos   int
	lit   *literalExpr
	q     *query
	fn    *funcCall
	logic logical
}

func (p *parser) enter(pos int) {
	p.depth++
	if p.depth > maxNesting {
		p.fail(pos, "expression nested too deeply")
	}
}

func (p *parser) filterExpr() logical {
	pos := p.i
	return p.toLogical(p.or(), pos)
}

// toLogical applies the typing rules for a test expression (RFC 9535 §2.4.3): a query
// tests for existence; a function must return LogicalType or NodesType.
func (p *parser) toLogical(o operand, pos int) logical {
	switch {
	case o.logic != nil:
		return o.logic
	case o.q != nil:
		return existsExpr{o.q}
	case o.fn != nil:
		if o.fn.def.result == typeLogical {
			return o.fn
		}
		p.fail(o.pos, "the result of %s() is a value; compare it rather than test it", o.fn.name)
	}
	p.fail(o.pos, "a literal cannot be used as a test; compare it with something")
	return nil
}

func (p *parser) or() operand {
	p.enter(p.i)
	defer func() { p.depth-- }()
	first := p.and()
	var items orExpr
	for {
		save := p.i
		p.ws()
		if p.peek() != '|' || p.peekAt(1) != '|' {
			p.i = save
			break
		}
		if items == nil {
			items = orExpr{p.toLogical(first, first.pos)}
		}
		p.i += 2
		p.ws()
		pos := p.i
		items = append(items, p.toLogical(p.and(), pos))
	}
	if items == nil {
		return first
	}
	return operand{pos: first.pos, logic: items}
}

func (p *parser) and() operand {
	first := p.basic()
	var items andExpr
	for {
		save := p.i
		p.ws()
		if p.peek() != '&' || p.peekAt(1) != '&' {
			p.i = save
			break
		}
		if items == nil {
			items = andExpr{p.toLogical(first, first.pos)}
		}
		p.i += 2
		p.ws()
		pos := p.i
		items = append(items, p.toLogical(p.basic(), pos))
	}
	if items == nil {
		return first
	}
	return operand{pos: first.pos, logic: items}
}

// basic parses paren-expr, test-expr or comparison-expr.
func (p *parser) basic() operand {
	pos := p.i
	switch p.peek() {
	case '!':
		p.i++
		p.ws()
		inner := p.i
		switch p.peek() {
		case '(':
			return operand{pos: pos, logic: notExpr{p.noCompare(p.paren())}}
		case '!':
			p.fail(inner, "'!' cannot be repeated; use '!(!...)'")
		}
		o := p.primary()
		if o.lit != nil {
			p.fail(inner, "'!' applies to a query, a function or a parenthesized expression")
		}
		x := notExpr{p.toLogical(o, inner)}
		save := p.i
		p.ws()
		if at := p.i; p.atCompareOp() {
			p.fail(at, "'!' cannot negate a comparison without parentheses")
		}
		p.i = save
		return operand{pos: pos, logic: x}
	case '(':
		return operand{pos: pos, logic: p.noCompare(p.paren())}
	}
	left := p.primary()
	save := p.i
	p.ws()
	opPos := p.i
	op, ok := p.compareOp()
	if !ok {
		p.i = save
		return left
	}
	p.ws()
	rpos := p.i
	if c := p.peek(); c == '(' || c == '!' {
		p.fail(rpos, "a comparison operand must be a literal, a singular query or a function")
	}
	right := p.primary()
	cmp := compareExpr{op: op, l: p.comparable(left, opPos), r: p.comparable(right, opPos)}
	save = p.i
	p.ws()
	if at := p.i; p.atCompareOp() {
		p.fail(at, "comparisons cannot be chained; use && or parentheses")
	}
	p.i = save
	return operand{pos: pos, logic: cmp}
}

// noCompare rejects a comparison operator after a parenthesized expression, which is
// logical and so cannot be compared; the check only improves the message.
func (p *parser) noCompare(x logical) logical {
	save := p.i
	p.ws()
	if at := p.i; p.atCompareOp() {
		p.fail(at, "a parenthesized expression is logical and cannot be compared")
	}
	p.i = save
	return x
}

func (p *parser) paren() logical {
	p.i++ // '('
	p.ws()
	pos := p.i
	x := p.toLogical(p.or(), pos)
	p.ws()
	p.expect(')')
	return x
}

func (p *parser) atCompareOp() bool {
	switch p.peek() {
	case '<', '>':
		return true
	case '=', '!':
		return p.peekAt(1) == '='
	}
	return false
}

func (p *parser) compareOp() (cmpOp, bool) {
	c, d := p.peek(), p.peekAt(1)
	switch {
	case c == '=' && d == '=':
		p.i += 2
		return opEq, true
	case c == '!' && d == '=':
		p.i += 2
		return opNe, true
	case c == '<' && d == '=':
		p.i += 2
		return opLe, true
	case c == '>' && d == '=':
		p.i += 2
		return opGe, true
	case c == '<':
		p.i++
		return opLt, true
	case c == '>':
		p.i++
		return opGt, true
	case c == '=':
		p.fail(p.i, "'=' is not an operator; equality is '=='")
	}
	return 0, false
}

// comparable applies the typing rules for a comparison operand (RFC 9535 §2.4.3).
func (p *parser) comparable(o operand, opPos int) valueExpr {
	switch {
	case o.lit != nil:
		return o.lit
	case o.q != nil:
		if !o.q.strictSingular {
			p.fail(o.pos, "only a singular query (name and index selectors, no whitespace inside brackets) can be compared")
		}
		return singularExpr{o.q}
	case o.fn != nil:
		if o.fn.def.result != typeValue {
			p.fail(o.pos, "the result of %s() is not a value and cannot be compared", o.fn.name)
		}
		return o.fn
	}
	p.fail(opPos, "a logical expression cannot be compared")
	return nil
}

// primary parses a literal, a query or a function call.
func (p *parser) primary() operand {
	pos := p.i
	switch c := p.peek(); {
	case c == '@' || c == '$':
		p.i++
		return operand{pos: pos, q: p.segments(c == '$')}
	case c == '\'' || c == '"':
		return operand{pos: pos, lit: &literalExpr{p.stringLit()}}
	case c == '-' || c >= '0' && c <= '9':
		return operand{pos: pos, lit: &literalExpr{p.number()}}
	case c >= 'a' && c <= 'z':
		for p.i < len(p.s) {
			d := p.s[p.i]
			if !(d >= 'a' && d <= 'z' || d >= '0' && d <= '9' || d == '_') {
				break
			}
			p.i++
		}
		name := p.s[pos:p.i]
		if p.peek() == '(' {
			return operand{pos: pos, fn: p.call(name, pos)}
		}
		switch name {
		case "true":
			return operand{pos: pos, lit: &literalExpr{true}}
		case "false":
			return operand{pos: pos, lit: &literalExpr{false}}
		case "null":
			return operand{pos: pos, lit: &literalExpr{nil}}
		}
		if isBlank(p.peek()) {
			if j := strings.TrimLeft(p.s[p.i:], " \t\n\r"); j != "" && j[0] == '(' {
				p.fail(p.i, "no whitespace is allowed between a function name and '('")
			}
		}
		p.fail(pos, "unexpected name %q; expected a query, a literal or a function call", name)
	}
	p.fail(pos, "expected a query, a literal or a function call, found %s", p.describe())
	return operand{}
}

// number parses a number literal: (int / "-0") [ frac ] [ exp ].
func (p *parser) number() json.Number {
	start := p.i
	if p.peek() == '-' {
		p.i++
	}
	switch c := p.peek(); {
	case c == '0':
		p.i++
		if d := p.peek(); d >= '0' && d <= '9' {
			p.fail(start, "leading zeros are not allowed")
		}
	case c >= '1' && c <= '9':
		p.digits()
	default:
		p.fail(p.i, "expected a digit, found %s", p.describe())
	}
	if p.peek() == '.' {
		p.i++
		if !p.digits() {
			p.fail(p.i, "expected a digit after '.', found %s", p.describe())
		}
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		p.i++
		if c := p.peek(); c == '+' || c == '-' {
			p.i++
		}
		if !p.digits() {
			p.fail(p.i, "expected a digit in the exponent, found %s", p.describe())
		}
	}
	return json.Number(p.s[start:p.i])
}

func (p *parser) digits() bool {
	start := p.i
	for d := p.peek(); d >= '0' && d <= '9'; d = p.peek() {
		p.i++
	}
	return p.i > start
}

// call parses a function's arguments and checks them against its declared parameter types.
func (p *parser) call(name string, pos int) *funcCall {
	def := functions[name]
	if def == nil {
		p.fail(pos, "unknown function %s()", name)
	}
	p.enter(pos)
	defer func() { p.depth-- }()
	p.i++ // '('
	p.ws()
	var ops []operand
	if p.peek() != ')' {
		for {
			ops = append(ops, p.argument())
			p.ws()
			if p.peek() == ',' {
				p.i++
				p.ws()
				continue
			}
			if p.peek() != ')' {
				p.fail(p.i, "expected ',' or ')' in the arguments of %s(), found %s", name, p.describe())
			}
			break
		}
	}
	p.i++ // ')'
	if len(ops) != len(def.params) {
		p.fail(pos, "%s() takes %d argument%s, not %d", name, len(def.params), plural(len(def.params)), len(ops))
	}
	fc := &funcCall{name: name, def: def}
	for k, o := range ops {
		fc.args = append(fc.args, p.typeArg(fc, k, o))
	}
	if def.kind == fnMatch || def.kind == fnSearch {
		if lit, ok := fc.args[1].val.(*literalExpr); ok {
			fc.constPattern = true
			if s, ok := lit.v.(string); ok {
				fc.constRe = compileIRegexp(s, def.kind == fnMatch)
			}
		} else {
			fc.cache = &regexCache{}
		}
	}
	return fc
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// argument parses function-argument = literal / filter-query / logical-expr / function-expr;
// the parameter's declared type then decides which readings are well-typed.
func (p *parser) argument() operand {
	return p.or()
}

func (p *parser) typeArg(fc *funcCall, k int, o operand) fnArg {
	switch fc.def.params[k] {
	case typeValue:
		switch {
		case o.lit != nil:
			return fnArg{val: o.lit}
		case o.q != nil:
			if !o.q.strictSingular {
				p.fail(o.pos, "argument %d of %s() must be a value: only a singular query (name and index selectors, no whitespace inside brackets) qualifies", k+1, fc.name)
			}
			return fnArg{val: singularExpr{o.q}}
		case o.fn != nil:
			if o.fn.def.result != typeValue {
				p.fail(o.pos, "argument %d of %s() must be a value, and %s() does not return one", k+1, fc.name, o.fn.name)
			}
			return fnArg{val: o.fn}
		}
		p.fail(o.pos, "argument %d of %s() must be a value, not a logical expression", k+1, fc.name)
	case typeNodes:
		if o.q != nil {
			return fnArg{nodes: o.q}
		}
		p.fail(o.pos, "argument %d of %s() must be a query", k+1, fc.name)
	}
	return fnArg{}
}
