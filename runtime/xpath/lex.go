package xpath

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

type tokKind uint8

const (
	tEOF tokKind = iota
	tLParen
	tRParen
	tLBracket
	tRBracket
	tDot
	tDotDot
	tAt
	tComma
	tColonColon
	tNameTest // prefix, local ("*" for a wildcard)
	tNodeType // local: comment, text, processing-instruction or node
	tFuncName // prefix, local
	tAxisName // local
	tLiteral  // local holds the value
	tNumber   // num
	tVar      // prefix, local
	tErr      // a lexical error, in err

	// Operators; every kind from tAnd on counts as an Operator for the §3.7 rules.
	tAnd
	tOr
	tMod
	tDiv
	tMul
	tSlash
	tSlashSlash
	tPipe
	tPlus
	tMinus
	tEq
	tNeq
	tLt
	tLe
	tGt
	tGe
)

func (k tokKind) isOperator() bool { return k >= tAnd }

var punct = map[tokKind]string{
	tLParen: "(", tRParen: ")", tLBracket: "[", tRBracket: "]", tDot: ".", tDotDot: "..",
	tAt: "@", tComma: ",", tColonColon: "::", tAnd: "and", tOr: "or", tMod: "mod",
	tDiv: "div", tMul: "*", tSlash: "/", tSlashSlash: "//", tPipe: "|", tPlus: "+",
	tMinus: "-", tEq: "=", tNeq: "!=", tLt: "<", tLe: "<=", tGt: ">", tGe: ">=",
}

type token struct {
	kind   tokKind
	off    int // byte offset of the token's first byte
	prefix string
	local  string
	num    float64
	err    *SyntaxError // for tErr
}

func (t token) qname() string {
	if t.prefix != "" {
		return t.prefix + ":" + t.local
	}
	return t.local
}

// describe names a token in error messages.
func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of expression"
	case tNameTest:
		return "name test " + t.qname()
	case tNodeType:
		return t.local + "()"
	case tFuncName:
		return "function " + t.qname() + "()"
	case tAxisName:
		return "axis " + t.local + "::"
	case tLiteral:
		return "string literal " + strconv.Quote(t.local)
	case tNumber:
		return "number " + formatNumber(t.num)
	case tVar:
		return "variable $" + t.qname()
	}
	return "'" + punct[t.kind] + "'"
}

var nodeTypes = map[string]bool{"comment": true, "text": true, "processing-instruction": true, "node": true}

// operatorHints explains names of later XPath versions that appear where XPath 1.0 wants an
// operator, so that an expression written for Arazzo's default XPath 3.1 fails with a reason.
var operatorHints = map[string]string{
	"eq":        "the value comparison 'eq' is XPath 2.0; use =",
	"ne":        "the value comparison 'ne' is XPath 2.0; use !=",
	"lt":        "the value comparison 'lt' is XPath 2.0; use <",
	"le":        "the value comparison 'le' is XPath 2.0; use <=",
	"gt":        "the value comparison 'gt' is XPath 2.0; use >",
	"ge":        "the value comparison 'ge' is XPath 2.0; use >=",
	"is":        "the node comparison 'is' is XPath 2.0",
	"to":        "range expressions ('to') are XPath 2.0",
	"union":     "the 'union' keyword is XPath 2.0; use |",
	"intersect": "'intersect' is XPath 2.0",
	"except":    "'except' is XPath 2.0",
	"idiv":      "'idiv' is XPath 2.0; use floor(a div b)",
	"instance":  "'instance of' is XPath 2.0",
	"treat":     "'treat as' is XPath 2.0",
	"castable":  "'castable as' is XPath 2.0",
	"cast":      "'cast as' is XPath 2.0",
	"otherwise": "'otherwise' is XPath 4.0",
	"in":        "for, some and every expressions are XPath 2.0",
	"satisfies": "some and every expressions are XPath 2.0",
	"return":    "for and let expressions are XPath 2.0 and 3.0",
	"then":      "if expressions are XPath 2.0",
	"else":      "if expressions are XPath 2.0",
}

type lexer struct {
	src  string
	pos  int
	toks []token
}

// lex splits src into tokens. A lexical error does not stop compilation at once: it ends
// the token list with a tErr token carrying the error, so that a syntax error earlier in
// the expression is still the one reported and errors always come in source order.
func lex(src string) []token {
	l := &lexer{src: src}
	for {
		l.skipSpace()
		if l.pos >= len(src) {
			return append(l.toks, token{kind: tEOF, off: len(src)})
		}
		if err := l.next(); err != nil {
			se := err.(*SyntaxError)
			return append(l.toks, token{kind: tErr, off: se.Offset, err: se})
		}
	}
}

func (l *lexer) skipSpace() {
	for l.pos < len(l.src) && isSpace(l.src[l.pos]) {
		l.pos++
	}
}

func (l *lexer) peek(i int) byte {
	if l.pos+i < len(l.src) {
		return l.src[l.pos+i]
	}
	return 0
}

func (l *lexer) emit(k tokKind, n int) {
	l.toks = append(l.toks, token{kind: k, off: l.pos})
	l.pos += n
}

func (l *lexer) errf(off int, format string, args ...any) error {
	return &SyntaxError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// operatorExpected applies the first disambiguation rule of XPath 1.0 §3.7: after a token
// that ends an operand, '*' is multiplication and an NCName must be an operator name.
func (l *lexer) operatorExpected() bool {
	if len(l.toks) == 0 {
		return false
	}
	switch k := l.toks[len(l.toks)-1].kind; {
	case k == tAt, k == tColonColon, k == tLParen, k == tLBracket, k == tComma, k.isOperator():
		return false
	}
	return true
}

func (l *lexer) next() error {
	c := l.src[l.pos]
	switch c {
	case '(':
		if l.peek(1) == ':' {
			return l.errf(l.pos, "comments (: … :) are XPath 2.0; XPath 1.0 has none")
		}
		l.emit(tLParen, 1)
	case ')':
		l.emit(tRParen, 1)
	case '[':
		l.emit(tLBracket, 1)
	case ']':
		l.emit(tRBracket, 1)
	case ',':
		l.emit(tComma, 1)
	case '@':
		l.emit(tAt, 1)
	case '|':
		if l.peek(1) == '|' {
			return l.errf(l.pos, "the || string concatenation operator is XPath 3.0; use concat()")
		}
		l.emit(tPipe, 1)
	case '+':
		l.emit(tPlus, 1)
	case '-':
		l.emit(tMinus, 1)
	case '=':
		if l.peek(1) == '>' {
			return l.errf(l.pos, "the => arrow operator is XPath 3.1")
		}
		l.emit(tEq, 1)
	case '!':
		if l.peek(1) != '=' {
			return l.errf(l.pos, "the ! simple map operator is XPath 3.0 (for negation use not() or !=)")
		}
		l.emit(tNeq, 2)
	case '<':
		switch l.peek(1) {
		case '=':
			l.emit(tLe, 2)
		case '<':
			return l.errf(l.pos, "the node order comparison << is XPath 2.0")
		default:
			l.emit(tLt, 1)
		}
	case '>':
		switch l.peek(1) {
		case '=':
			l.emit(tGe, 2)
		case '>':
			return l.errf(l.pos, "the node order comparison >> is XPath 2.0")
		default:
			l.emit(tGt, 1)
		}
	case '/':
		if l.peek(1) == '/' {
			l.emit(tSlashSlash, 2)
		} else {
			l.emit(tSlash, 1)
		}
	case ':':
		switch l.peek(1) {
		case ':':
			l.emit(tColonColon, 2)
		case '=':
			return l.errf(l.pos, "':=' (let) is XPath 3.0")
		default:
			return l.errf(l.pos, "unexpected ':'")
		}
	case '.':
		switch {
		case l.peek(1) == '.':
			l.emit(tDotDot, 2)
		case isDigit(l.peek(1)):
			return l.number()
		default:
			l.emit(tDot, 1)
		}
	case '"', '\'':
		return l.literal(c)
	case '$':
		return l.variable()
	case '*':
		if l.operatorExpected() {
			l.emit(tMul, 1)
		} else {
			l.toks = append(l.toks, token{kind: tNameTest, off: l.pos, local: "*"})
			l.pos++
		}
	case '{', '}':
		return l.errf(l.pos, "%q: map, array and function constructors and Q{uri}name are XPath 3.x", c)
	case '?':
		return l.errf(l.pos, "the ? lookup operator and ? placeholders are XPath 3.x")
	case '#':
		return l.errf(l.pos, "named function references (name#arity) are XPath 3.0")
	default:
		if isDigit(c) {
			return l.number()
		}
		r, size := utf8.DecodeRuneInString(l.src[l.pos:])
		switch {
		case r == utf8.RuneError && size == 1:
			return l.errf(l.pos, "invalid UTF-8")
		case isNameStart(r):
			return l.name()
		}
		return l.errf(l.pos, "unexpected character %q", r)
	}
	return nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (l *lexer) number() error {
	start := l.pos
	for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
		l.pos++
	}
	if l.pos < len(l.src) && l.src[l.pos] == '.' && l.peek(1) != '.' {
		l.pos++
		for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
			l.pos++
		}
	}
	if c := l.peek(0); c == 'e' || c == 'E' {
		if d := l.peek(1); isDigit(d) || ((d == '+' || d == '-') && isDigit(l.peek(2))) {
			return l.errf(l.pos, "exponent notation (%se…) is XPath 2.0; write the number out", l.src[start:l.pos])
		}
	}
	f, err := strconv.ParseFloat(l.src[start:l.pos], 64)
	if err != nil && f == 0 { // a range error still yields ±Inf, which XPath accepts
		return l.errf(start, "invalid number %q", l.src[start:l.pos])
	}
	l.toks = append(l.toks, token{kind: tNumber, off: start, num: f})
	return nil
}

func (l *lexer) literal(q byte) error {
	start := l.pos
	end := -1
	for i := start + 1; i < len(l.src); i++ {
		if l.src[i] == q {
			end = i
			break
		}
	}
	if end < 0 {
		return l.errf(start, "unterminated string literal")
	}
	if end+1 < len(l.src) && l.src[end+1] == q {
		return l.errf(end, "a doubled quote inside a literal is XPath 2.0 escaping; in XPath 1.0 delimit with the other quote character or use concat()")
	}
	value := l.src[start+1 : end]
	if !utf8.ValidString(value) {
		for i, r := range value {
			if r == utf8.RuneError {
				if _, size := utf8.DecodeRuneInString(value[i:]); size == 1 {
					return l.errf(start+1+i, "invalid UTF-8")
				}
			}
		}
	}
	l.toks = append(l.toks, token{kind: tLiteral, off: start, local: value})
	l.pos = end + 1
	return nil
}

// ncname scans an NCName at the current position, returning "" if there is none.
func (l *lexer) ncname() string {
	start := l.pos
	for l.pos < len(l.src) {
		r, size := utf8.DecodeRuneInString(l.src[l.pos:])
		// U+FFFD is a name character, but not when it stands for an invalid byte.
		if r == utf8.RuneError && size == 1 || l.pos == start && !isNameStart(r) || l.pos > start && !isNameChar(r) {
			break
		}
		l.pos += size
	}
	return l.src[start:l.pos]
}

func (l *lexer) variable() error {
	start := l.pos
	l.pos++
	prefix, local := "", l.ncname()
	if local == "" {
		return l.errf(l.pos, "expected a variable name after '$'")
	}
	if l.peek(0) == ':' && l.peek(1) != ':' {
		l.pos++
		prefix = local
		if local = l.ncname(); local == "" {
			return l.errf(l.pos, "expected a local name after %q", prefix+":")
		}
	}
	l.toks = append(l.toks, token{kind: tVar, off: start, prefix: prefix, local: local})
	return nil
}

func (l *lexer) name() error {
	start := l.pos
	name := l.ncname()
	if name == "Q" && l.peek(0) == '{' {
		return l.errf(start, "Q{uri}local names are XPath 3.0; bind a prefix with Namespaces")
	}
	if l.operatorExpected() {
		switch name {
		case "and":
			l.toks = append(l.toks, token{kind: tAnd, off: start})
		case "or":
			l.toks = append(l.toks, token{kind: tOr, off: start})
		case "mod":
			l.toks = append(l.toks, token{kind: tMod, off: start})
		case "div":
			l.toks = append(l.toks, token{kind: tDiv, off: start})
		default:
			if hint, ok := operatorHints[name]; ok {
				return l.errf(start, "%q is not an XPath 1.0 operator: %s", name, hint)
			}
			return l.errf(start, "expected an operator or the end of the expression, found %q", name)
		}
		return nil
	}
	prefix := ""
	if l.peek(0) == ':' && l.peek(1) != ':' {
		l.pos++
		if l.peek(0) == '*' {
			l.pos++
			l.toks = append(l.toks, token{kind: tNameTest, off: start, prefix: name, local: "*"})
			return nil
		}
		prefix = name
		if name = l.ncname(); name == "" {
			return l.errf(l.pos, "expected a local name or '*' after %q", prefix+":")
		}
	}
	// Look past whitespace for '(' or '::', the other two §3.7 rules.
	i := l.pos
	for i < len(l.src) && isSpace(l.src[i]) {
		i++
	}
	switch {
	case i < len(l.src) && l.src[i] == '(' && !(i+1 < len(l.src) && l.src[i+1] == ':'):
		kind := tFuncName
		if prefix == "" && nodeTypes[name] {
			kind = tNodeType
		}
		l.toks = append(l.toks, token{kind: kind, off: start, prefix: prefix, local: name})
	case i+1 < len(l.src) && l.src[i] == ':' && l.src[i+1] == ':':
		if prefix != "" {
			return l.errf(start, "an axis name cannot have a prefix (%s:%s::)", prefix, name)
		}
		if _, ok := axisByName[name]; !ok {
			return l.errf(start, "unknown axis %q", name)
		}
		l.toks = append(l.toks, token{kind: tAxisName, off: start, local: name})
	default:
		l.toks = append(l.toks, token{kind: tNameTest, off: start, prefix: prefix, local: name})
	}
	return nil
}

// isNameStart and isNameChar are the XML 1.0 (fifth edition) NameStartChar and NameChar
// productions without ':', i.e. NCName characters.
func isNameStart(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_':
		return true
	case r < 0xC0:
		return false
	}
	return r <= 0xD6 || r >= 0xD8 && r <= 0xF6 || r >= 0xF8 && r <= 0x2FF ||
		r >= 0x370 && r <= 0x37D || r >= 0x37F && r <= 0x1FFF || r >= 0x200C && r <= 0x200D ||
		r >= 0x2070 && r <= 0x218F || r >= 0x2C00 && r <= 0x2FEF || r >= 0x3001 && r <= 0xD7FF ||
		r >= 0xF900 && r <= 0xFDCF || r >= 0xFDF0 && r <= 0xFFFD || r >= 0x10000 && r <= 0xEFFFF
}

func isNameChar(r rune) bool {
	switch {
	case isNameStart(r), r == '-', r == '.', r >= '0' && r <= '9', r == 0xB7:
		return true
	}
	return r >= 0x300 && r <= 0x36F || r >= 0x203F && r <= 0x2040
}

// isNCName reports whether s is a non-empty NCName.
func isNCName(s string) bool {
	for i, r := range s {
		if i == 0 && !isNameStart(r) || !isNameChar(r) {
			return false
		}
	}
	return s != ""
}
