package ir

import (
	"errors"
	"fmt"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/expr"
	"github.com/arazzogen/arazzogen/generator/internal/load"
	"github.com/arazzogen/arazzogen/generator/internal/types"
	"github.com/arazzogen/arazzogen/runtime/ecmaregex"
	"github.com/arazzogen/arazzogen/runtime/jsonpath"
	"github.com/arazzogen/arazzogen/runtime/xpath"
)

// patternCriterion compiles a regex, jsonpath or xpath criterion. The pattern is compiled
// here with the same packages the generated code uses, so a malformed one is a positioned
// error now rather than a failed step later.
func (b *builder) patternCriterion(sc *scope, c *load.Criterion) *Criterion {
	cr := &Criterion{Text: strings.TrimSpace(c.Condition.Value)}
	switch c.Type.Value {
	case "regex":
		cr.Kind = Regex
	case "jsonpath":
		cr.Kind = JSONPath
		if c.Version.Set() && c.Version.Value != "rfc9535" && c.Version.Value != "draft-goessner-dispatch-jsonpath-00" {
			b.errorf(c.Version.Pos, "bad-value", "JSONPath version %q is not rfc9535 or draft-goessner-dispatch-jsonpath-00", c.Version.Value)
			return nil
		}
	case "xpath":
		cr.Kind = XPath
		switch c.Version.Value {
		case "", "xpath-10", "xpath-20", "xpath-30", "xpath-31":
		default:
			b.errorf(c.Version.Pos, "bad-value", "XPath version %q is not xpath-10, xpath-20, xpath-30 or xpath-31", c.Version.Value)
			return nil
		}
	}
	if !c.Context.Set() && sc.message != nil && sc.message.exists {
		b.diags.Warnf(c.Type.Pos, "missing-context", "a %s criterion needs a context; using $message.payload", c.Type.Value).
			WithHint("add context: $message.payload")
		cr.Context = b.messageRef(sc, &expr.Expr{Kind: expr.MessagePayload, Raw: "$message.payload"}, c.Pos)
	} else if !c.Context.Set() {
		if !sc.hasResp {
			b.errorf(c.Pos, "missing-field", "a %s criterion needs a context (the value it applies to)", c.Type.Value)
			return nil
		}
		b.diags.Warnf(c.Type.Pos, "missing-context", "a %s criterion needs a context; using $response.body", c.Type.Value).
			WithHint("add context: $response.body")
		cr.Context = &Value{Kind: VResponseBody, Type: types.Type{Kind: types.Raw}, Src: "$response.body"}
	} else {
		cr.Context = b.value(sc, c.Context.Node, c.Context.Value, c.Context.Pos)
		if cr.Context == nil {
			return nil
		}
		if cr.Context.Kind == VLit || cr.Context.Kind == VTemplate {
			b.errorf(c.Context.Pos, "expression", "context %q is not a runtime expression", c.Context.Value)
			return nil
		}
	}
	parts, err := expr.ParseBraced(c.Condition.Value)
	if err != nil {
		var pe *expr.Error
		errors.As(err, &pe)
		b.errorf(innerPos(c.Condition.Node, c.Condition.Pos, pe.Offset), "expression", "malformed runtime expression: %s", pe.Msg)
		return nil
	}
	if len(parts) > 1 || len(parts) == 1 && parts[0].Expr != nil {
		// The expressions are evaluated and substituted first; the result is compiled
		// when the step runs (features §11.5).
		t := &Value{Kind: VTemplate, Type: types.Type{Kind: types.String}, Src: c.Condition.Value}
		for _, p := range parts {
			if p.Expr == nil {
				t.Parts = append(t.Parts, &Value{Kind: VLit, Type: types.Type{Kind: types.String}, Text: p.Lit})
				continue
			}
			v := b.ref(sc, *p.Expr, innerPos(c.Condition.Node, c.Condition.Pos, p.Offset))
			if v == nil {
				return nil
			}
			t.Parts = append(t.Parts, v)
		}
		cr.Template = t
		return cr
	}
	cr.Pattern = c.Condition.Value
	var offset int
	var msg string
	switch cr.Kind {
	case Regex:
		if _, err := ecmaregex.Compile(cr.Pattern); err != nil {
			var se *ecmaregex.SyntaxError
			if !errors.As(err, &se) {
				return b.patternError(c, 0, err.Error())
			}
			offset, msg = se.Offset, se.Msg
		}
	case JSONPath:
		text, p, err := b.parseJSONPath(c.Condition)
		if err == nil {
			cr.Pattern = text
			b.warnRootFilter(c, cr, p)
		}
		if err != nil {
			if lenient := b.jsonPathComparison(sc, c, cr); lenient != nil {
				return lenient
			}
			var se *jsonpath.SyntaxError
			if !errors.As(err, &se) {
				return b.patternError(c, 0, err.Error())
			}
			offset, msg = se.Offset, se.Msg
		} else if tokens, ok := p.Tokens(); ok && rawContext(cr.Context) {
			cr.Tokens, cr.Singular = tokens, true
		}
	case XPath:
		if _, err := xpath.Compile(cr.Pattern); err != nil {
			var se *xpath.SyntaxError
			if !errors.As(err, &se) {
				return b.patternError(c, 0, err.Error())
			}
			offset, msg = se.Offset, se.Msg
		}
	}
	if msg != "" {
		return b.patternError(c, offset, msg)
	}
	if cr.Singular {
		return cr // evaluated as a pointer lookup; nothing to compile
	}
	cr.Var = b.patternVar(cr.Kind)
	b.prog.Patterns = append(b.prog.Patterns, cr)
	return cr
}

func (b *builder) patternError(c *load.Criterion, offset int, msg string) *Criterion {
	names := map[string]string{"regex": "regular expression", "jsonpath": "JSONPath query", "xpath": "XPath expression"}
	b.errorf(innerPos(c.Condition.Node, c.Condition.Pos, offset), "condition", "malformed %s: %s", names[c.Type.Value], msg)
	return nil
}

func (b *builder) patternVar(k CriterionKind) string {
	prefix := map[CriterionKind]string{Regex: "regex", JSONPath: "jsonPath", XPath: "xPath"}[k]
	n := 1
	for _, p := range b.prog.Patterns {
		if p.Kind == k {
			n++
		}
	}
	return b.typeNames.name(fmt.Sprintf("%s%d", prefix, n))
}

// rawContext reports whether the context holds JSON text (the response body or an untyped
// value), which a JSON Pointer lookup can read directly.
func rawContext(v *Value) bool {
	return v.Kind == VResponseBody || v.Type.Kind == types.Raw
}

// jsonPathComparison reads the common "JSONPath comparison" habit (STATS.md, habit 1):
// singular queries compared with literals and joined by && and ||, as in
// `$.status == "running" || $.status == 'pending'`. RFC 9535 allows comparisons only inside
// a filter, so this is not a query; the author meant a simple condition on values of the
// context. Each query becomes the context expression with a JSON Pointer, double-quoted
// strings become single-quoted, and the result is compiled as a simple condition (with a
// warning naming it). It returns nil when the condition does not have that shape.
func (b *builder) jsonPathComparison(sc *scope, c *load.Criterion, cr *Criterion) *Criterion {
	if !rawContext(cr.Context) || cr.Context.Src == "" || len(cr.Context.Pointer) > 0 {
		return nil
	}
	text := c.Condition.Value
	var out strings.Builder
	queries := 0
	// The references written with a trailing `.length`: JavaScript's length of the value,
	// not a member named "length" (see countLengths).
	counted := map[string]bool{}
	for i := 0; i < len(text); {
		ch := text[i]
		switch {
		case ch == '"':
			end := strings.IndexByte(text[i+1:], '"')
			if end < 0 {
				return nil
			}
			out.WriteString("'" + strings.ReplaceAll(text[i+1:i+1+end], "'", "''") + "'")
			i += end + 2
		case ch == '\'':
			end := strings.IndexByte(text[i+1:], '\'')
			if end < 0 {
				return nil
			}
			out.WriteString(text[i : i+end+2])
			i += end + 2
		case ch == '$' && i+1 < len(text) && (text[i+1] == '.' || text[i+1] == '['):
			end := queryEnd(text, i)
			p, err := jsonpath.Parse(text[i:end])
			if err != nil {
				return nil
			}
			tokens, ok := p.Tokens()
			if !ok {
				return nil
			}
			ref := contextQuery(cr.Context, tokens)
			if strings.HasSuffix(text[i:end], ".length") {
				counted[ref] = true
			}
			out.WriteString(ref)
			queries++
			i = end
		default:
			out.WriteByte(ch)
			i++
		}
	}
	if queries == 0 {
		return nil
	}
	simple := out.String()
	cond, err := expr.ParseCondition(simple)
	if err != nil {
		return nil
	}
	// Positions inside the rewritten text do not match the document; point at the condition.
	at := load.Str{Value: simple, Pos: c.Condition.Pos}
	compiled := b.cond(sc, cond, at)
	if compiled == nil {
		return nil
	}
	if countLengths(compiled, counted) {
		b.diags.Warnf(c.Condition.Pos, "jsonpath-comparison", "condition %q is not a JSONPath query (RFC 9535 allows comparisons only inside a filter); reading it as the simple condition %s, with the trailing /length read as the number of elements (JavaScript .length)", c.Condition.Value, simple).
			WithHint("a simple condition has no length; to test for a non-empty array, use a jsonpath criterion such as $.items[0]")
		return &Criterion{Text: simple, Kind: Simple, Cond: compiled}
	}
	b.diags.Warnf(c.Condition.Pos, "jsonpath-comparison", "condition %q is not a JSONPath query (RFC 9535 allows comparisons only inside a filter); reading it as the simple condition %s", c.Condition.Value, simple).
		WithHint("write the criterion as a simple condition: condition: %s", simple)
	return &Criterion{Text: simple, Kind: Simple, Cond: compiled}
}

// countLengths turns each operand of c whose source is in counted, and whose pointer ends
// in "length", into the length of the value before it. In the habit, `$.items.length` is
// JavaScript's array length: a JSON Pointer to a member named "length" would never be found
// in an array, and the condition would silently never hold. It reports whether it turned any.
func countLengths(c *Cond, counted map[string]bool) bool {
	if c == nil {
		return false
	}
	l, r := countLengths(c.L, counted), countLengths(c.R, counted)
	v := c.Value
	if v == nil || !counted[v.Src] || len(v.Pointer) == 0 || v.Pointer[len(v.Pointer)-1] != "length" {
		return l || r
	}
	v.Pointer = v.Pointer[:len(v.Pointer)-1]
	v.Length = true
	return true
}

// queryEnd finds where a JSONPath query that starts at i ends inside a condition: at the
// first space or operator character outside brackets and quotes.
func queryEnd(s string, i int) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch c := s[j]; {
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '\'' || c == '"':
			if depth > 0 {
				if k := strings.IndexByte(s[j+1:], c); k >= 0 {
					j += k + 1
				}
			}
		case depth == 0 && strings.IndexByte(" \t=!<>&|()", c) >= 0:
			return j
		}
	}
	return len(s)
}

// contextQuery spells the value at tokens inside a criterion's context as a runtime
// expression. Inside the whole inputs object (habit WholeInputs) the first token is the
// input, which the grammar can name: "$inputs.files#/0" rather than "$inputs#/files/0".
func contextQuery(ctx *Value, tokens []string) string {
	if ctx.Kind == VObject && ctx.Src == "$inputs" && len(tokens) > 0 {
		return expr.Expr{Kind: expr.Inputs, Name: tokens[0], HasPointer: len(tokens) > 1, Pointer: tokens[1:]}.Strict()
	}
	if len(tokens) == 0 {
		return ctx.Src
	}
	return ctx.Src + pointerText(tokens)
}
