package expr

import (
	"strconv"
	"strings"
)

// Cond is a node of a simple condition.
type Cond interface{ Offset() int }

// Binary is a comparison (== != < <= > >=) or a logical operator (&& ||).
type Binary struct {
	Op   string
	L, R Cond
	Off  int // offset of the operator
}

// Not is logical negation.
type Not struct {
	X   Cond
	Off int
}

// LitKind is the type of a literal.
type LitKind int

const (
	LitNull LitKind = iota
	LitBool
	LitNumber
	LitString
)

// Lit is a literal: null, true/false, a number, or a single-quoted (or, leniently,
// double-quoted) string.
type Lit struct {
	Kind  LitKind
	Bool  bool
	Num   float64
	Text  string // the number as written, or the unquoted string
	IsInt bool
	Off   int
	// DoubleQuoted marks a string written "like this": conditions quote strings with
	// single quotes, and the habit is read as if it did (the caller warns).
	DoubleQuoted bool
}

// Ref is a runtime expression used as an operand.
type Ref struct {
	Expr Expr
	Off  int
}

func (b *Binary) Offset() int { return b.Off }
func (n *Not) Offset() int    { return n.Off }
func (l *Lit) Offset() int    { return l.Off }
func (r *Ref) Offset() int    { return r.Off }

// ParseCondition parses a simple condition. The grammar has C-like precedence (AMB-C2):
// '!' binds tightest, then comparisons, then '&&', then '||'; parentheses group. A condition
// wrapped whole in one pair of braces ("{$statusCode == 401}", AMB-C4) is unwrapped.
func ParseCondition(s string) (Cond, error) {
	base := 0
	if t := strings.TrimSpace(s); strings.HasPrefix(t, "{$") && strings.HasSuffix(t, "}") {
		base = strings.Index(s, "{") + 1
		s = s[base:strings.LastIndex(s, "}")]
	}
	p := &condParser{s: s}
	c, err := p.or()
	if err == nil {
		p.space()
		if p.i < len(p.s) {
			err = errAt(p.i, "unexpected %q in condition", p.s[p.i:])
		}
	}
	if err != nil {
		err.Offset += base
		return nil, err
	}
	return c, nil
}

// MaxConditionDepth bounds how deeply a condition nests: parentheses, negations and the
// operands of && and || chains each add a level. The condition becomes a Go expression
// nested as deeply; no real condition comes near, and a hostile one (a hundred thousand
// "!") would otherwise make the generator recurse that deep and write Go that the Go
// parser refuses.
const MaxConditionDepth = 100

type condParser struct {
	s     string
	i     int
	depth int // levels entered so far (see MaxConditionDepth)
}

// enter adds n levels of nesting at offset at, or fails when that is too deep.
func (p *condParser) enter(at, n int) *Error {
	p.depth += n
	if p.depth > MaxConditionDepth {
		return errAt(at, "condition nests deeper than %d levels (parentheses, negations and chained && or || operands)", MaxConditionDepth)
	}
	return nil
}

func (p *condParser) space() {
	for p.i < len(p.s) && isSpace(p.s[p.i]) {
		p.i++
	}
}

func (p *condParser) peek(op string) bool {
	p.space()
	return strings.HasPrefix(p.s[p.i:], op)
}

func (p *condParser) or() (Cond, *Error) { return p.chain("||", p.and) }

func (p *condParser) and() (Cond, *Error) { return p.chain("&&", p.unary) }

// chain parses operands joined by op, left-associative: each operator nests the chain one
// level deeper.
func (p *condParser) chain(op string, operand func() (Cond, *Error)) (Cond, *Error) {
	depth := p.depth
	defer func() { p.depth = depth }()
	l, err := operand()
	for err == nil && p.peek(op) {
		off := p.i
		p.i += 2
		if err = p.enter(off, 1); err != nil {
			break
		}
		var r Cond
		if r, err = operand(); err == nil {
			l = &Binary{Op: op, L: l, R: r, Off: off}
		}
	}
	return l, err
}

func (p *condParser) unary() (Cond, *Error) {
	if p.peek("!") && !p.peek("!=") {
		off := p.i
		p.i++
		if err := p.enter(off, 1); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &Not{X: x, Off: off}, nil
	}
	l, err := p.primary()
	if err != nil {
		return nil, err
	}
	for _, op := range []string{"==", "!=", "<=", ">=", "<", ">"} {
		if p.peek(op) {
			off := p.i
			p.i += len(op)
			r, err := p.primary()
			if err != nil {
				return nil, err
			}
			return &Binary{Op: op, L: l, R: r, Off: off}, nil
		}
	}
	return l, nil
}

func (p *condParser) primary() (Cond, *Error) {
	p.space()
	if p.i >= len(p.s) {
		return nil, errAt(p.i, "expected an operand at the end of the condition")
	}
	start := p.i
	c := p.s[p.i]
	switch {
	case c == '(':
		p.i++
		if err := p.enter(start, 1); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if !p.peek(")") {
			return nil, errAt(p.i, "expected ')' to close '(' at offset %d", start)
		}
		p.i++
		return x, nil
	case c == '$':
		e, n, err := scan(p.s[p.i:], stopInCondition)
		if err != nil {
			err.Offset += p.i
			return nil, err
		}
		p.i += n
		return &Ref{Expr: e, Off: start}, nil
	case c == '\'':
		var b strings.Builder
		p.i++
		for {
			if p.i >= len(p.s) {
				return nil, errAt(start, "string literal is not closed by a single quote")
			}
			if p.s[p.i] == '\'' {
				if p.i+1 < len(p.s) && p.s[p.i+1] == '\'' {
					b.WriteByte('\'')
					p.i += 2
					continue
				}
				p.i++
				break
			}
			b.WriteByte(p.s[p.i])
			p.i++
		}
		return &Lit{Kind: LitString, Text: b.String(), Off: start}, nil
	case c == '"':
		// A double-quoted string ends at the next double quote; it has no escapes, so the
		// reading is the text in between, as a single-quoted literal would hold it.
		end := strings.IndexByte(p.s[p.i+1:], '"')
		if end < 0 {
			return nil, errAt(start, "string literal is not closed by a double quote (and conditions quote strings with single quotes)")
		}
		p.i += end + 2
		return &Lit{Kind: LitString, Text: p.s[start+1 : start+1+end], Off: start, DoubleQuoted: true}, nil
	case c == '-' || c == '+' || c == '.' || '0' <= c && c <= '9':
		end := p.i + 1
		for end < len(p.s) && strings.IndexByte("0123456789.eE+-", p.s[end]) >= 0 {
			if (p.s[end] == '+' || p.s[end] == '-') && p.s[end-1] != 'e' && p.s[end-1] != 'E' {
				break
			}
			end++
		}
		text := p.s[p.i:end]
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, errAt(start, "malformed number %q", text)
		}
		p.i = end
		_, intErr := strconv.ParseInt(text, 10, 64)
		return &Lit{Kind: LitNumber, Num: f, Text: text, IsInt: intErr == nil, Off: start}, nil
	}
	word := p.i
	for word < len(p.s) && isAlnum(p.s[word]) {
		word++
	}
	switch p.s[p.i:word] {
	case "true", "false":
		v := p.s[p.i:word] == "true"
		p.i = word
		return &Lit{Kind: LitBool, Bool: v, Text: p.s[start:word], Off: start}, nil
	case "null":
		p.i = word
		return &Lit{Kind: LitNull, Text: "null", Off: start}, nil
	}
	return nil, errAt(start, "expected a runtime expression, a literal or '(' but found %q", p.s[start:max(word, start+1)])
}
