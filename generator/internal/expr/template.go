package expr

import (
	"errors"
	"strings"
)

// Part is one piece of an expression string: literal text or an embedded expression.
type Part struct {
	Lit  string
	Expr *Expr
	// Offset is the byte offset of the part in the parsed string.
	Offset int
	// Unbraced marks an expression written without braces ("Bearer $steps.a.outputs.t"),
	// accepted leniently; the caller warns about it.
	Unbraced bool
}

// Value is a parsed string value: either one whole expression or a template of parts.
type Value struct {
	// Whole is set when the entire string is one runtime expression ("$inputs.id").
	Whole *Expr
	// Parts holds a template otherwise; it is a single literal part for plain text.
	Parts []Part
}

// IsLiteral reports whether the value contains no expression at all.
func (v Value) IsLiteral() bool {
	if v.Whole != nil {
		return false
	}
	for _, p := range v.Parts {
		if p.Expr != nil {
			return false
		}
	}
	return true
}

// ParseValue parses a string that may be a whole expression, a "{$…}" template, or text with
// unbraced expressions embedded in it.
//
// Following AMB-E2, only a '{' immediately followed by '$' opens an embedded expression; every
// other brace is literal text. Inside literal text, a '$' that starts a known expression root
// is read as an unbraced embedded expression (marked Unbraced) so that the caller can warn.
func ParseValue(s string) (Value, error) {
	if LooksLikeExpression(s) {
		if e, err := Parse(s); err == nil {
			return Value{Whole: &e}, nil
		}
		// Not one whole expression: the template scan below reads it, or reports the error.
	}
	var parts []Part
	lit := strings.Builder{}
	litStart := 0
	flush := func(end int) {
		if lit.Len() > 0 {
			parts = append(parts, Part{Lit: lit.String(), Offset: litStart})
			lit.Reset()
		}
		litStart = end
	}
	for i := 0; i < len(s); {
		switch {
		case s[i] == '{' && i+1 < len(s) && s[i+1] == '$':
			e, n, err := scan(s[i+1:], stopAtBrace)
			if err != nil {
				err.Offset += i + 1
				return Value{}, err
			}
			end := i + 1 + n
			if end >= len(s) || s[end] != '}' {
				return Value{}, errAt(end, "embedded expression {%s is not closed by '}'", s[i+1:end])
			}
			flush(i)
			parts = append(parts, Part{Expr: &e, Offset: i + 1})
			i = end + 1
			litStart = i
		case s[i] == '$' && LooksLikeExpression(s[i:]):
			e, n, err := scan(s[i:], stopInText)
			if err != nil {
				err.Offset += i
				return Value{}, err
			}
			flush(i)
			parts = append(parts, Part{Expr: &e, Offset: i, Unbraced: true})
			i += n
			litStart = i
		default:
			if lit.Len() == 0 {
				litStart = i
			}
			lit.WriteByte(s[i])
			i++
		}
	}
	flush(len(s))
	if len(parts) == 0 {
		parts = []Part{{Lit: "", Offset: 0}}
	}
	return Value{Parts: parts}, nil
}

// Braced renders the value with every expression in "{$…}" form: the strict spelling
// suggested in a lenient-reading warning.
func (v Value) Braced() string {
	if v.Whole != nil {
		return v.Whole.Raw
	}
	var b strings.Builder
	for _, p := range v.Parts {
		if p.Expr != nil {
			b.WriteString("{" + p.Expr.Raw + "}")
		} else {
			b.WriteString(p.Lit)
		}
	}
	return b.String()
}

// ParseBraced splits a regex, JSONPath or XPath condition into literal text and embedded
// "{$…}" expressions. Only "{" directly followed by "$" opens an expression (features
// AMB-E2), so quantifiers such as {2,3} and JSONPath's own "$" stay literal.
func ParseBraced(s string) ([]Part, error) {
	var parts []Part
	lit := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '{' || i+1 >= len(s) || s[i+1] != '$' {
			continue
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return nil, &Error{Offset: i, Msg: "embedded expression has no closing '}'"}
		}
		e, err := Parse(s[i+1 : i+end])
		if err != nil {
			var pe *Error
			if errors.As(err, &pe) {
				pe.Offset += i + 1
				return nil, pe
			}
			return nil, err
		}
		if lit < i {
			parts = append(parts, Part{Lit: s[lit:i], Offset: lit})
		}
		parts = append(parts, Part{Expr: &e, Offset: i + 1})
		i += end
		lit = i + 1
	}
	if lit < len(s) {
		parts = append(parts, Part{Lit: s[lit:], Offset: lit})
	}
	return parts, nil
}
