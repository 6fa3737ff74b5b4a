package emit

import (
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/ir"
	. "github.com/dave/jennifer/jen"
)

// bodyStatement declares body ([]byte) from a payload value.
func bodyStatement(b *Group, v *ir.Value) {
	if v.IsLiteral() {
		b.Id("body").Op(":=").Index().Byte().Call(Lit(v.JSON))
		return
	}
	b.List(Id("body"), Err()).Op(":=").Qual(jsonPkg, "Marshal").Call(payloadExpr(v))
}

// paramStatement adds a parameter, skipping it when an optional value is absent.
func paramStatement(b *Group, v *ir.Value, add func(Code) *Statement) {
	if v.Type.Pointer() && (v.Kind == ir.VInput || v.Kind == ir.VStepOutput) && len(v.Pointer) == 0 {
		ref := valueExpr(v)
		b.If(ref.Clone().Op("!=").Nil()).Block(add(stringExpr(&ir.Value{Kind: v.Kind, Type: v.Type.NonNull(), Field: v.Field, Step: v.Step}, Op("*").Add(ref))))
		return
	}
	b.Add(add(stringExpr(v, nil)))
}

func pathExpr(parts []ir.PathPart) *Statement {
	var s *Statement
	for _, p := range parts {
		var c *Statement
		if p.Value == nil {
			c = Lit(p.Lit)
		} else {
			c = Qual("net/url", "PathEscape").Call(stringExpr(p.Value, nil))
		}
		if s == nil {
			s = c
		} else {
			s = s.Op("+").Add(c)
		}
	}
	if s == nil {
		return Lit("")
	}
	return s
}

// payloadExpr renders a JSON payload: objects as anonymous structs (document order is kept
// by encoding/json), arrays as []any, leaves with their Go types.
func payloadExpr(v *ir.Value) *Statement {
	switch v.Kind {
	case ir.VObject:
		if !tagSafeKeys(v.Keys) {
			return Qual(runtimePkg, "Object").ValuesFunc(func(g *Group) {
				for i, k := range v.Keys {
					g.Values(Lit(k), payloadExpr(v.Elems[i]))
				}
			})
		}
		var items []Code
		for i, f := range payloadFields(v) {
			items = append(items, kv(f.name, payloadExpr(v.Elems[i])))
		}
		return payloadType(v).Add(lines(items))
	case ir.VArray:
		return Index().Any().ValuesFunc(func(g *Group) {
			for _, e := range v.Elems {
				g.Add(payloadExpr(e))
			}
		})
	}
	return valueExpr(v)
}

// payloadFields names the struct fields of an object payload and decides their tags: an
// optional workflow input that was not given is left out of the payload.
type payloadField struct {
	name, tag string
}

func payloadFields(v *ir.Value) []payloadField {
	names := v.FieldNames
	out := make([]payloadField, len(v.Keys))
	for i, k := range v.Keys {
		tag := k
		if e := v.Elems[i]; e.Kind == ir.VInput && len(e.Pointer) == 0 && !e.Field.Required {
			tag += ",omitempty"
		}
		out[i] = payloadField{name: names[i], tag: tag}
	}
	return out
}

func payloadType(v *ir.Value) *Statement {
	switch v.Kind {
	case ir.VObject:
		if !tagSafeKeys(v.Keys) {
			return Qual(runtimePkg, "Object")
		}
		return StructFunc(func(g *Group) {
			for i, f := range payloadFields(v) {
				g.Id(f.name).Add(payloadType(v.Elems[i])).Tag(map[string]string{"json": f.tag})
			}
		})
	case ir.VArray:
		return Index().Any()
	case ir.VResponseBody:
		return Any()
	case ir.VLit:
		if v.JSON == "null" {
			return Any()
		}
	}
	return goType(v.Type)
}

// tagSafeKeys reports whether every key can be a json struct tag name (encoding/json's own
// rule); otherwise the object is built as an ordered runtime.Object.
func tagSafeKeys(keys []string) bool {
	for _, k := range keys {
		if k == "" || k == "-" {
			return false
		}
		for _, c := range k {
			switch {
			case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			case c > 127:
			default:
				return false
			}
		}
	}
	return true
}

// request declares the body, query and headers of an operation step and returns the fields
// of its runtime.Request literal. fail renders the failure of an encoding error.
func request(b *Group, st *ir.Step, fail func(reason string) *Statement) []Code {
	req := []Code{
		kv("Workflow", Id("workflow")),
		kv("Step", Lit(st.ID)),
		kv("Method", Lit(st.Method)),
		kv("Path", Lit(st.Path)),
	}
	if st.Body != nil {
		bodyStatement(b, st.Body)
		if !st.Body.IsLiteral() {
			b.If(Err().Op("!=").Nil()).Block(fail("cannot encode the request body"))
		}
	}
	url := Id("c").Dot("servers").Index(Lit(st.Source.Index)).Op("+").Add(pathExpr(st.PathParts))
	if len(st.Query) > 0 {
		b.Var().Id("q").Qual(runtimePkg, "Query")
		for _, q := range st.Query {
			paramStatement(b, q.Value, func(v Code) *Statement { return Id("q").Dot("Add").Call(Lit(q.Name), v) })
		}
		url = url.Op("+").Id("q").Dot("String").Call()
	}
	req = append(req, kv("URL", url))
	if len(st.Headers) > 0 {
		b.Id("h").Op(":=").Make(Qual(httpPkg, "Header"), Lit(len(st.Headers)))
		for _, h := range st.Headers {
			paramStatement(b, h.Value, func(v Code) *Statement { return Id("h").Dot("Add").Call(Lit(h.Name), v) })
		}
		req = append(req, kv("Header", Id("h")))
	}
	if st.Body != nil {
		req = append(req, kv("ContentType", Lit(st.ContentType)), kv("Body", Id("body")))
	}
	return req
}
