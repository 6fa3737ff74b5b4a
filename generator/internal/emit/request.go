package emit

import (
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/ir"
	"github.com/arazzogen/arazzogen/generator/internal/types"
	. "github.com/dave/jennifer/jen"
)

// runtimeStyles names the runtime constant of each OpenAPI style.
var runtimeStyles = map[string]string{
	"simple": "StyleSimple", "label": "StyleLabel", "matrix": "StyleMatrix", "form": "StyleForm",
	"spaceDelimited": "StyleSpaceDelimited", "pipeDelimited": "StylePipeDelimited", "deepObject": "StyleDeepObject",
}

// plainScalar reports whether a value is one string, number or boolean (possibly an
// optional one), which every style serializes as just its escaped text: the fast path that
// needs no runtime serializer.
func plainScalar(v *ir.Value) bool {
	return v.Type.Scalar() && v.Kind != ir.VObject && v.Kind != ir.VArray && v.Kind != ir.VResponseBody
}

// anyValue is the Go expression handed to a runtime serializer that takes any: structured
// payload values as their marshalled form, everything else with its own type (pointers
// included: a nil one is an undefined value).
func anyValue(v *ir.Value) *Statement {
	switch v.Kind {
	case ir.VObject, ir.VArray:
		return payloadExpr(v)
	case ir.VTemplate:
		return stringExpr(v, nil)
	}
	return valueExpr(v)
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

// paramText adds a parameter whose value is one text: a plain scalar, or a value sent in a
// JSON media type (the parameter declares content instead of a style).
func paramText(b *Group, p *ir.Param, add func(Code) *Statement) bool {
	if p.MediaType != "" && isJSONMedia(p.MediaType) {
		if p.Value.Type.Pointer() {
			ref := anyValue(p.Value)
			b.If(ref.Clone().Op("!=").Nil()).Block(add(Qual(runtimePkg, "JSONValue").Call(ref)))
			return true
		}
		b.Add(add(Qual(runtimePkg, "JSONValue").Call(anyValue(p.Value))))
		return true
	}
	if !plainScalar(p.Value) {
		return false
	}
	paramStatement(b, p.Value, add)
	return true
}

func isJSONMedia(mt string) bool {
	mt = strings.ToLower(strings.TrimSpace(strings.SplitN(mt, ";", 2)[0]))
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

func pathExpr(parts []ir.PathPart) *Statement {
	var s *Statement
	for _, p := range parts {
		var c *Statement
		switch {
		case p.Value == nil:
			c = Lit(p.Lit)
		case p.Param != nil && p.Param.MediaType != "" && isJSONMedia(p.Param.MediaType):
			c = Qual("net/url", "PathEscape").Call(Qual(runtimePkg, "JSONValue").Call(anyValue(p.Value)))
		case p.Param != nil && p.Param.AllowReserved && plainScalar(p.Value):
			c = Qual(runtimePkg, "PathReserved").Call(stringExpr(p.Value, nil))
		case p.Param == nil || (p.Param.Style == "simple" || p.Param.Style == "") && plainScalar(p.Value):
			c = Qual("net/url", "PathEscape").Call(stringExpr(p.Value, nil))
		default:
			c = Qual(runtimePkg, "PathParam").Call(Lit(p.Param.Name), Qual(runtimePkg, runtimeStyles[p.Param.Style]), Lit(p.Param.Explode), anyValue(p.Value))
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
					// Keyed: vet's composites check refuses unkeyed fields of an imported struct.
					g.Values(Dict{Id("Key"): Lit(k), Id("Value"): payloadExpr(v.Elems[i])})
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

// requestBuilder renders the statements that prepare one request.
type requestBuilder struct {
	b    *Group
	st   *ir.Step
	fail func(reason string) *Statement
}

// body declares body ([]byte) and, for multipart bodies, contentType. Encoding that can
// fail runs in a block of its own, so that its err does not clash with the err the request
// itself declares next.
func (r *requestBuilder) body() {
	st, b := r.st, r.b
	switch {
	case st.BodyKind == ir.BodyJSON && st.Body.IsLiteral() && len(st.Replacements) == 0:
		b.Id("body").Op(":=").Index().Byte().Call(Lit(st.Body.JSON))
		return
	case st.BodyKind == ir.BodyText && len(st.Replacements) == 0:
		b.Id("body").Op(":=").Index().Byte().Call(textExpr(st.BodyText))
		return
	case st.BodyKind == ir.BodyBytes && len(st.Replacements) == 0:
		b.Id("body").Op(":=").Index().Byte().Call(stringExpr(st.Body, nil))
		return
	}
	b.Var().Id("body").Index().Byte()
	multipart := st.BodyKind == ir.BodyMultipart || st.BodyKind == ir.BodyMultipartValue
	if multipart {
		b.Var().Id("contentType").String()
	}
	b.BlockFunc(func(g *Group) {
		g.Var().Err().Error()
		check := func(reason string) { g.If(Err().Op("!=").Nil()).Block(r.fail(reason)) }
		switch st.BodyKind {
		case ir.BodyJSON:
			if st.Body.IsLiteral() {
				g.Id("body").Op("=").Index().Byte().Call(Lit(st.Body.JSON))
			} else {
				g.List(Id("body"), Err()).Op("=").Qual(jsonPkg, "Marshal").Call(payloadExpr(st.Body))
				check("cannot encode the request body")
			}
		case ir.BodyText:
			g.Id("body").Op("=").Index().Byte().Call(textExpr(st.BodyText))
		case ir.BodyBytes:
			g.Id("body").Op("=").Index().Byte().Call(stringExpr(st.Body, nil))
		case ir.BodyFormValue:
			g.List(Id("body"), Err()).Op("=").Qual(runtimePkg, "FormBody").Call(anyValue(st.Body))
			check("cannot encode the form body")
		case ir.BodyMultipartValue:
			g.List(Id("body"), Id("contentType"), Err()).Op("=").Qual(runtimePkg, "MultipartBody").Call(anyValue(st.Body))
			check("cannot encode the multipart body")
		case ir.BodyForm:
			g.Var().Id("form").Qual(runtimePkg, "Form")
			fields(g, st, "form")
			g.List(Id("body"), Err()).Op("=").Id("form").Dot("Encode").Call()
			check("cannot encode the form body")
		case ir.BodyMultipart:
			g.Var().Id("parts").Qual(runtimePkg, "Multipart")
			fields(g, st, "parts")
			g.List(Id("body"), Id("contentType"), Err()).Op("=").Id("parts").Dot("Encode").Call()
			check("cannot encode the multipart body")
		}
		for _, rp := range st.Replacements {
			var replace *Statement
			switch {
			case rp.Query == nil:
				args := []Code{Id("body"), anyValue(rp.Value)}
				for _, t := range rp.Pointer {
					args = append(args, Lit(t))
				}
				replace = Qual(runtimePkg, "ReplaceJSON").Call(args...)
			case rp.Query.Kind == ir.JSONPath:
				replace = Qual(runtimePkg, "ReplaceJSONPath").Call(Id("body"), Id(rp.Query.Var), anyValue(rp.Value))
			default:
				replace = Qual(runtimePkg, "ReplaceXPath").Call(Id("body"), Id(rp.Query.Var), anyValue(rp.Value))
			}
			g.List(Id("body"), Err()).Op("=").Add(replace).Add(srcComment(rp.Value))
			check("cannot apply the payload replacement at " + rp.Target)
		}
	})
}

// fields adds the form fields or multipart parts of an object payload to the builder
// variable named by to: plain text values with Add, the rest with AddValue and their
// Encoding Object.
func fields(b *Group, st *ir.Step, to string) {
	for _, f := range st.BodyFields {
		enc := f.Encoding
		textual := enc.Style == "" && (enc.ContentType == "" || to == "form" && !isJSONMedia(enc.ContentType))
		if textual && plainScalar(f.Value) {
			paramStatement(b, f.Value, func(v Code) *Statement { return Id(to).Dot("Add").Call(Lit(f.Name), v) })
			continue
		}
		b.Id(to).Dot("AddValue").Call(Lit(f.Name), anyValue(f.Value), encodingLit(enc)).Add(srcComment(f.Value))
	}
}

func encodingLit(e ir.FieldEncoding) *Statement {
	var items []Code
	if e.Style != "" {
		items = append(items, kv("Style", Qual(runtimePkg, runtimeStyles[e.Style])))
	}
	if e.Explode {
		items = append(items, kv("Explode", True()))
	}
	if e.AllowReserved {
		items = append(items, kv("AllowReserved", True()))
	}
	if e.ContentType != "" {
		items = append(items, kv("ContentType", Lit(e.ContentType)))
	}
	return Qual(runtimePkg, "Encoding").Values(items...)
}

// textExpr concatenates a templated body, each value escaped for where it stands.
func textExpr(parts []ir.TextPart) *Statement {
	var s *Statement
	for _, p := range parts {
		var c *Statement
		if p.Value == nil {
			c = Lit(p.Lit)
		} else {
			switch p.Escape {
			case ir.EscapeJSONString:
				c = Qual(runtimePkg, "JSONString").Call(stringExpr(p.Value, nil))
			case ir.EscapeJSONValue:
				if k := p.Value.Type.Kind; !p.Value.Type.Pointer() && (k == types.Int64 || k == types.Bool) && p.Value.Kind != ir.VResponseBody {
					c = stringExpr(p.Value, nil) // the same text in JSON
				} else {
					c = Qual(runtimePkg, "JSONValue").Call(anyValue(p.Value))
				}
			case ir.EscapeXML:
				c = Qual(runtimePkg, "XMLEscape").Call(stringExpr(p.Value, nil))
			case ir.EscapeXMLElement:
				c = Qual(runtimePkg, "XMLElement").Call(Lit(p.Element), anyValue(p.Value))
			case ir.EscapeForm:
				c = Qual("net/url", "QueryEscape").Call(stringExpr(p.Value, nil))
			default:
				c = stringExpr(p.Value, nil)
			}
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

// request declares the body, query, headers and cookies of an operation step and returns
// the fields of its runtime.Request literal. fail renders the failure of an encoding error.
func request(b *Group, st *ir.Step, fail func(reason string) *Statement) []Code {
	req := []Code{
		kv("Workflow", Id("workflow")),
		kv("Step", Lit(st.ID)),
		kv("Method", Lit(st.Method)),
		kv("Path", Lit(st.Path)),
	}
	rb := &requestBuilder{b: b, st: st, fail: fail}
	if st.HasBody() {
		rb.body()
	}
	var url *Statement
	switch {
	case st.Source != nil:
		url = Id("c").Dot("servers").Index(Lit(st.Source.Index)).Op("+").Add(pathExpr(st.PathParts))
	case len(st.PathParts) == 0:
		url = stringExpr(st.BaseURL, nil) // an x-operation url that is one runtime expression
	case strings.HasPrefix(st.PathParts[0].Lit, "/"):
		// The runtime-built start of an x-operation url is a base URL: like a server's, a
		// trailing '/' would double the path's first one.
		url = Qual(runtimePkg, "ServerURL").Call(stringExpr(st.BaseURL, nil)).Op("+").Add(pathExpr(st.PathParts))
	default:
		url = stringExpr(st.BaseURL, nil).Op("+").Add(pathExpr(st.PathParts))
	}
	if len(st.Query) > 0 || st.QueryLiteral != "" {
		b.Var().Id("q").Qual(runtimePkg, "Query")
		if st.QueryLiteral != "" {
			b.Id("q").Dot("AddEncoded").Call(Lit(st.QueryLiteral))
		}
		for _, q := range st.Query {
			add := func(v Code) *Statement { return Id("q").Dot("Add").Call(Lit(q.Name), v) }
			if q.AllowReserved {
				add = func(v Code) *Statement { return Id("q").Dot("AddReserved").Call(Lit(q.Name), v) }
			}
			if !paramText(b, q, add) {
				b.Id("q").Dot("AddStyled").Call(Lit(q.Name), Qual(runtimePkg, runtimeStyles[q.Style]), Lit(q.Explode), Lit(q.AllowReserved), anyValue(q.Value)).Add(srcComment(q.Value))
			}
		}
		url = url.Op("+").Id("q").Dot("String").Call()
	}
	if qs := st.QueryString; qs != nil {
		url = url.Op("+").Qual(runtimePkg, "QueryString").Call(Lit(qs.MediaType), anyValue(qs.Value))
	}
	req = append(req, kv("URL", url))
	if len(st.Cookies) > 0 {
		b.Var().Id("cookies").Qual(runtimePkg, "Cookies")
		for _, ck := range st.Cookies {
			if !paramText(b, ck, func(v Code) *Statement { return Id("cookies").Dot("Add").Call(Lit(ck.Name), v) }) {
				b.Id("cookies").Dot("AddStyled").Call(Lit(ck.Name), Lit(ck.Explode), anyValue(ck.Value)).Add(srcComment(ck.Value))
			}
		}
	}
	if len(st.Headers) > 0 || len(st.Cookies) > 0 {
		b.Id("h").Op(":=").Make(Qual(httpPkg, "Header"), Lit(len(st.Headers)+min(len(st.Cookies), 1)))
		for _, h := range st.Headers {
			if !paramText(b, h, func(v Code) *Statement { return Id("h").Dot("Add").Call(Lit(h.Name), v) }) {
				b.If(List(Id("v"), Id("ok")).Op(":=").Qual(runtimePkg, "HeaderValue").Call(Lit(h.Explode), anyValue(h.Value)), Id("ok")).Block(
					Id("h").Dot("Add").Call(Lit(h.Name), Id("v")),
				)
			}
		}
		if len(st.Cookies) > 0 {
			b.If(Id("v").Op(":=").Id("cookies").Dot("String").Call(), Id("v").Op("!=").Lit("")).Block(
				Id("h").Dot("Set").Call(Lit("Cookie"), Id("v")),
			)
		}
		req = append(req, kv("Header", Id("h")))
	}
	if st.Accept != "" {
		req = append(req, kv("Accept", Lit(st.Accept)))
	}
	if st.HasBody() {
		ct := Lit(st.ContentType)
		if st.BodyKind == ir.BodyMultipart || st.BodyKind == ir.BodyMultipartValue {
			ct = Id("contentType")
		}
		req = append(req, kv("ContentType", ct), kv("Body", Id("body")))
	}
	return req
}
