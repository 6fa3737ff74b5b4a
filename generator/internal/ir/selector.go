package ir

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/expr"
	"github.com/arazzogen/arazzogen/generator/internal/load"
	"github.com/arazzogen/arazzogen/generator/internal/types"
	"github.com/arazzogen/arazzogen/runtime/jsonpath"
	"github.com/arazzogen/arazzogen/runtime/xpath"
	yaml "go.yaml.in/yaml/v4"
)

// Selector Objects (Arazzo 1.1 §Selector Object, features §12.3) pick a value out of
// structured data: {context: <runtime expression>, selector: <query>, type: jsonpath |
// xpath | jsonpointer (or an Expression Type Object)}. They may stand wherever a value can:
// step and workflow outputs, parameter values, anywhere in a payload, replacement values.
//
// A JSON Pointer selector, and a JSONPath query that is a plain path ($.a.b[0]), select
// what the context expression with that pointer selects, so they are compiled exactly like
// it and keep its type (a response schema types them). Other JSONPath queries and XPath
// expressions are compiled into package variables and evaluated when the step runs.

// isSelector reports whether n is a Selector Object: a mapping, in an Arazzo 1.1 document,
// with a context and a selector and no members but the Selector Object's fields and
// extensions. In 1.0 documents such a mapping is plain data.
func (b *builder) isSelector(n *yaml.Node) bool {
	n = resolveNode(n)
	if n == nil || n.Kind != yaml.MappingNode || !strings.HasPrefix(b.in.Doc.Arazzo.Value, "1.1") {
		return false
	}
	var keys []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		if !strings.HasPrefix(k, "x-") && !slices.Contains([]string{"context", "selector", "type"}, k) {
			return false
		}
		keys = append(keys, k)
	}
	return slices.Contains(keys, "context") && slices.Contains(keys, "selector")
}

// selectorFields are the decoded members of a Selector Object.
type selectorFields struct {
	context, selector, typ, version load.Str
}

func (b *builder) selectorFields(n *yaml.Node) (f selectorFields, ok bool) {
	ok = true
	str := func(key string, v *yaml.Node) load.Str {
		v = resolveNode(v)
		if v.Kind != yaml.ScalarNode {
			b.errorf(load.PosOf(b.file, v), "shape", "the %s of a Selector Object must be a string", key)
			ok = false
		}
		return load.Str{Value: v.Value, Pos: load.PosOf(b.file, v), Node: v}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i].Value, resolveNode(n.Content[i+1])
		switch k {
		case "context":
			f.context = str(k, v)
		case "selector":
			f.selector = str(k, v)
		case "type":
			if v.Kind != yaml.MappingNode {
				f.typ = str(k, v)
				continue
			}
			// An Expression Type Object: {type, version}.
			for j := 0; j+1 < len(v.Content); j += 2 {
				switch tk, tv := v.Content[j].Value, v.Content[j+1]; tk {
				case "type":
					f.typ = str("type", tv)
				case "version":
					f.version = str("version", tv)
				default:
					if !strings.HasPrefix(tk, "x-") {
						b.diags.Warnf(load.PosOf(b.file, v.Content[j]), "unknown-field", "unknown field %q in an Expression Type Object", tk)
					}
				}
			}
			if !f.typ.Set() {
				b.errorf(load.PosOf(b.file, v), "missing-field", "the Expression Type Object of a Selector Object needs a type (jsonpath, xpath or jsonpointer)")
				ok = false
			}
		}
	}
	if ok && !f.typ.Set() {
		b.errorf(load.PosOf(b.file, n), "missing-field", "a Selector Object needs a type: jsonpath, xpath or jsonpointer")
		ok = false
	}
	return f, ok
}

// selectorVersions are the versions each selector type allows (Arazzo 1.1 Expression Type
// Object). Every XPath version is read with the XPath 1.0 grammar, which rejects the syntax
// of later versions with a positioned error.
var selectorVersions = map[string][]string{
	"jsonpath":    {"rfc9535", "draft-goessner-dispatch-jsonpath-00"},
	"xpath":       {"xpath-10", "xpath-20", "xpath-30", "xpath-31"},
	"jsonpointer": {"rfc6901"},
}

// selector compiles a Selector Object (isSelector holds for n).
func (b *builder) selector(sc *scope, n *yaml.Node) *Value {
	n = resolveNode(n)
	f, ok := b.selectorFields(n)
	if !ok {
		return nil
	}
	versions, known := selectorVersions[f.typ.Value]
	if !known {
		b.errorf(f.typ.Pos, "bad-value", "selector type %q is not one of jsonpath, xpath or jsonpointer", f.typ.Value)
		return nil
	}
	if f.version.Set() && !slices.Contains(versions, f.version.Value) {
		b.errorf(f.version.Pos, "bad-value", "%s version %q is not one of %s", f.typ.Value, f.version.Value, strings.Join(versions, ", "))
		return nil
	}
	pv, err := expr.ParseValue(f.context.Value)
	if err != nil {
		var pe *expr.Error
		errors.As(err, &pe)
		b.errorf(innerPos(f.context.Node, f.context.Pos, pe.Offset), "expression", "malformed runtime expression: %s", pe.Msg)
		return nil
	}
	if pv.Whole == nil {
		b.errorf(f.context.Pos, "expression", "the context of a Selector Object must be a runtime expression (such as $response.body); %q is not one", f.context.Value)
		return nil
	}
	ctx := *pv.Whole
	switch f.typ.Value {
	case "jsonpointer":
		tokens, _, bad, msg := pointerTokens(f.selector.Value, "selector")
		if msg != "" {
			at := f.selector.Pos
			if bad > 0 {
				at = innerPos(f.selector.Node, f.selector.Pos, bad)
			}
			b.errorf(at, "bad-selector", "%s", msg)
			return nil
		}
		return b.pointerSelect(sc, ctx, tokens, f)
	case "jsonpath":
		text, p, err := b.parseJSONPath(f.selector)
		if err != nil {
			var se *jsonpath.SyntaxError
			errors.As(err, &se)
			b.errorf(innerPos(f.selector.Node, f.selector.Pos, se.Offset), "bad-selector", "malformed JSONPath query: %s", se.Msg)
			return nil
		}
		if tokens, ok := p.Tokens(); ok {
			return b.pointerSelect(sc, ctx, tokens, f)
		}
		context := b.ref(sc, ctx, f.context.Pos)
		if context == nil {
			return nil
		}
		context.Src = ctx.Raw
		return &Value{Kind: VSelect, Type: types.Type{Kind: types.Raw}, Context: context, Query: b.query(JSONPath, text), Src: selectorSrc(f)}
	default: // xpath
		x, err := xpath.Compile(f.selector.Value)
		if err != nil {
			var se *xpath.SyntaxError
			if !errors.As(err, &se) {
				b.errorf(f.selector.Pos, "bad-selector", "malformed XPath expression: %v", err)
				return nil
			}
			b.errorf(innerPos(f.selector.Node, f.selector.Pos, se.Offset), "bad-selector", "malformed XPath expression: %s", se.Msg)
			return nil
		}
		context := b.ref(sc, ctx, f.context.Pos)
		if context == nil {
			return nil
		}
		context.Src = ctx.Raw
		t := types.Type{Kind: types.String} // a node-set gives its first node's string-value
		switch x.Type() {
		case xpath.NumberValue:
			t.Kind = types.Float64
		case xpath.BooleanValue:
			t.Kind = types.Bool
		}
		return &Value{Kind: VSelect, Type: t, Context: context, Query: b.query(XPath, f.selector.Value), Src: selectorSrc(f)}
	}
}

func selectorSrc(f selectorFields) string {
	return fmt.Sprintf("%s selector %s: %s", f.typ.Value, f.context.Value, f.selector.Value)
}

// pointerSelect compiles a selector that is a JSON Pointer into its context: the context
// expression with the pointer appended ($response.body with /data/0 is
// $response.body#/data/0), which keeps the type the context's schema gives.
func (b *builder) pointerSelect(sc *scope, ctx expr.Expr, tokens []string, f selectorFields) *Value {
	if len(tokens) > 0 {
		switch ctx.Kind {
		case expr.Inputs, expr.Outputs, expr.Steps, expr.Workflows, expr.ResponseBody, expr.RequestBody:
		default:
			b.errorf(f.context.Pos, "bad-pointer", "a %s selector selects inside structured data, and %s is not (use $response.body, $request.body, $inputs.<name> or an output)", f.typ.Value, ctx.Raw)
			return nil
		}
		ctx.HasPointer = true
		ctx.Pointer = append(slices.Clone(ctx.Pointer), tokens...)
		ctx.Raw = strings.SplitN(ctx.Raw, "#", 2)[0] + pointerText(ctx.Pointer)
	}
	v := b.ref(sc, ctx, f.context.Pos)
	if v != nil {
		v.Src = ctx.Raw
	}
	return v
}

// query registers a JSONPath query or XPath expression to compile once in generated code.
func (b *builder) query(kind CriterionKind, text string) *Query {
	for _, q := range b.prog.Queries {
		if q.Kind == kind && q.Text == text {
			return q
		}
	}
	prefix := map[CriterionKind]string{JSONPath: "jsonPathSelector", XPath: "xPathSelector"}[kind]
	n := 1
	for _, q := range b.prog.Queries {
		if q.Kind == kind {
			n++
		}
	}
	q := &Query{Kind: kind, Text: text, Var: b.typeNames.name(fmt.Sprintf("%s%d", prefix, n))}
	b.prog.Queries = append(b.prog.Queries, q)
	return q
}

// pointerTokens decodes a JSON Pointer, or its URI fragment form "#/…" (RFC 6901 §6). offs
// are the offsets of the tokens in s; on failure msg says what is wrong with the pointer,
// called what, and bad is its offset (0 for the pointer as a whole).
func pointerTokens(s, what string) (tokens []string, offs []int, bad int, msg string) {
	t, start := s, 0
	if strings.HasPrefix(s, "#") {
		dec, err := urlUnescape(s[1:])
		if err != nil {
			return nil, nil, 0, fmt.Sprintf("malformed percent-encoding in %s %q", what, s)
		}
		t, start = dec, 1
	}
	if t == "" {
		return []string{}, nil, 0, ""
	}
	if t[0] != '/' {
		return nil, nil, 0, fmt.Sprintf("%s %q is not a JSON Pointer (it must start with '/')", what, s)
	}
	pos := start + 1
	for _, raw := range strings.Split(t[1:], "/") {
		if i := badTilde(raw); i >= 0 {
			return nil, nil, pos + i, "'~' in a JSON Pointer must be written ~0 (and '/' as ~1)"
		}
		tokens = append(tokens, strings.ReplaceAll(strings.ReplaceAll(raw, "~1", "/"), "~0", "~"))
		offs = append(offs, pos)
		pos += len(raw) + 1
	}
	return tokens, offs, 0, ""
}
