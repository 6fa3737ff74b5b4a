package ir

import (
	"errors"
	"slices"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/load"
	"github.com/arazzogen/arazzogen/generator/internal/types"
	"github.com/arazzogen/arazzogen/runtime"
	"github.com/arazzogen/arazzogen/runtime/jsonpath"
	"github.com/arazzogen/arazzogen/runtime/xpath"
)

// queryReplacement compiles a payload replacement whose target is a JSONPath query (over a
// JSON payload) or an XPath expression (over an XML payload): the value goes to every node
// the target selects (features AMB-B4; a node inside another selected node goes with it).
// Where the payload (and, for XML, the value) is known when the code is generated, it is
// applied then, so a constant body stays one and a target that selects nothing is reported;
// otherwise it is applied to the encoded body at run time, and so are the replacements
// after it, to keep their order (atRuntime).
func (b *builder) queryReplacement(sc *scope, st *Step, r *load.Replacement, sel string, kind mediaKind, atRuntime *bool) {
	if v := r.TargetSelectorVersion; v.Set() && !slices.Contains(selectorVersions[sel], v.Value) {
		b.errorf(v.Pos, "bad-value", "%s version %q is not one of %s", sel, v.Value, strings.Join(selectorVersions[sel], ", "))
		return
	}
	var query *Query
	switch sel {
	case "jsonpath":
		if kind != mediaJSON && st.BodyKind != BodyJSON {
			b.errorf(r.Target.Pos, "bad-target", "a JSONPath replacement target selects inside JSON, and this payload is %s", st.ContentType)
			return
		}
		text, p, err := b.parseJSONPath(r.Target)
		if err != nil {
			var se *jsonpath.SyntaxError
			errors.As(err, &se)
			b.errorf(innerPos(r.Target.Node, r.Target.Pos, se.Offset), "bad-target", "malformed JSONPath replacement target: %s", se.Msg)
			return
		}
		val := b.replacementValue(sc, r)
		if val == nil {
			return
		}
		if !*atRuntime && st.Body != nil && st.Body.IsLiteral() {
			b.jsonPathNow(st, r, p, val)
			return
		}
		query = b.query(JSONPath, text)
		st.Replacements = append(st.Replacements, &Replacement{Query: query, Value: val, Target: text})
	case "xpath":
		if kind != mediaXML {
			b.errorf(r.Target.Pos, "bad-target", "an XPath replacement target selects inside XML, and this payload is %s", st.ContentType)
			return
		}
		x, err := xpath.Compile(r.Target.Value)
		if err != nil {
			var se *xpath.SyntaxError
			if !errors.As(err, &se) {
				b.errorf(r.Target.Pos, "bad-target", "malformed XPath replacement target: %v", err)
				return
			}
			b.errorf(innerPos(r.Target.Node, r.Target.Pos, se.Offset), "bad-target", "malformed XPath replacement target: %s", se.Msg)
			return
		}
		if t := x.Type(); t != xpath.NodeSetValue {
			b.errorf(r.Target.Pos, "bad-target", "replacement target %q yields a %s; an XPath target must select the elements, attributes or text nodes to replace", r.Target.Value, t)
			return
		}
		val := b.replacementValue(sc, r)
		if val == nil {
			return
		}
		if doc, ok := literalText(st); ok && val.IsLiteral() && len(st.Replacements) == 0 {
			b.xpathNow(st, r, x, doc, val)
			return
		}
		query = b.query(XPath, r.Target.Value)
		st.Replacements = append(st.Replacements, &Replacement{Query: query, Value: val, Target: r.Target.Value})
	}
	*atRuntime = true
}

func (b *builder) replacementValue(sc *scope, r *load.Replacement) *Value {
	if r.Value == nil {
		return nil // reported by the decoder
	}
	return b.value(sc, r.Value, r.Value.Value, load.PosOf(b.file, r.Value))
}

// jsonPathNow applies a JSONPath replacement to a literal JSON payload.
func (b *builder) jsonPathNow(st *Step, r *load.Replacement, p *jsonpath.Path, val *Value) {
	locations, err := p.LocateJSON([]byte(st.Body.JSON))
	if err != nil {
		return // a literal payload is valid JSON
	}
	locations = runtime.Outermost(locations)
	if len(locations) == 0 {
		b.diags.Warnf(r.Target.Pos, "empty-target", "replacement target %q selects nothing in the payload, so it changes nothing", r.Target.Value)
		return
	}
	for _, at := range locations {
		if out, done, bad, _ := splice(st.Body, at, val); done && bad < 0 {
			st.Body = refold(out)
		}
	}
}

// xpathNow applies an XPath replacement to a literal XML payload.
func (b *builder) xpathNow(st *Step, r *load.Replacement, x *xpath.Expr, doc string, val *Value) {
	text := val.Text
	if val.Type.Kind != types.String {
		text = val.JSON // runtime.Text's rendering: scalars and structures as JSON
	}
	out, n, err := x.ReplaceText([]byte(doc), text)
	if err != nil {
		b.errorf(r.Target.Pos, "bad-target", "replacement target %q cannot be applied to the payload: %v", r.Target.Value, err)
		return
	}
	if n == 0 {
		b.diags.Warnf(r.Target.Pos, "empty-target", "replacement target %q selects nothing in the payload, so it changes nothing", r.Target.Value)
		return
	}
	st.BodyText = []TextPart{{Lit: string(out)}}
}

// literalText is the body of a step whose payload is text known when the code is generated.
func literalText(st *Step) (string, bool) {
	if st.BodyKind != BodyText {
		return "", false
	}
	var sb strings.Builder
	for _, p := range st.BodyText {
		if p.Value != nil {
			return "", false
		}
		sb.WriteString(p.Lit)
	}
	return sb.String(), true
}

// formTextToFields reads a form-urlencoded payload given as text as its fields, in order,
// so that JSON Pointer replacement targets name fields ("/location" is the field location)
// as they do for a form payload given as an object. It reports false (with an error) when
// the text is not name=value pairs with literal names.
func (b *builder) formTextToFields(st *Step, rb *load.RequestBody) bool {
	obj, ok := formFields(st.BodyText)
	if !ok {
		b.errorf(rb.PayloadPos, "bad-payload", "payload replacements need the form text's fields, and this text is not name=value pairs with literal names and well-formed percent-encoding").
			WithHint("give the payload as an object, one member per field")
		return false
	}
	st.Body, st.BodyText, st.BodyKind = refold(obj), nil, BodyForm
	return true
}
