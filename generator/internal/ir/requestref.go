package ir

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/diag"
	"github.com/arazzogen/arazzogen/generator/internal/expr"
	"github.com/arazzogen/arazzogen/generator/internal/types"
)

// requestRef resolves $request.header.<name>, $request.query.<name>, $request.path.<name>
// and $request.body[#ptr]: the request the current operation step sent. They can be used
// where $response can (the step's successCriteria and outputs, its actions' criteria).
//
// The value is decided when the code is generated wherever the step's own parameters and
// payload decide it: a parameter reads the value the step gave it, and the body the payload
// (after the replacements applied then). What only the request as sent knows is read from
// it at run time: headers the step does not set (the Accept default, credentials, a
// multipart boundary) and bodies that are encoded at run time (templated text, run-time
// replacements).
func (b *builder) requestRef(sc *scope, e expr.Expr, pos diag.Pos) *Value {
	st := sc.current
	switch {
	case st == nil:
		b.errorf(pos, "no-request", "%s cannot be used outside a step", e.Raw)
		return nil
	case st.Call != nil:
		b.errorf(pos, "no-request", "%s cannot be used in a step that runs a workflow: it sends no request", e.Raw)
		return nil
	case !sc.hasResp:
		b.errorf(pos, "no-request", "%s cannot be used while the step's request is being built; it reads the request the step sent", e.Raw).
			WithHint("use the value the parameter is given instead")
		return nil
	}
	var v *Value
	switch e.Kind {
	case expr.RequestHeader:
		v = b.requestHeader(st, e, pos)
	case expr.RequestQuery:
		v = requestParam(st.Query, e.Name)
		if v == nil {
			d := b.errorf(pos, "unknown-parameter", "step %q sends no query parameter %q, so %s has no value", st.ID, e.Name, e.Raw)
			hintNames(d, e.Name, paramNames(st.Query), "query parameters of the step")
			return nil
		}
	case expr.RequestPath:
		var params []*Param
		for _, p := range st.PathParts {
			if p.Param != nil {
				params = append(params, p.Param)
			}
		}
		v = requestParam(params, e.Name)
		if v == nil {
			d := b.errorf(pos, "unknown-parameter", "the path %s of step %q has no parameter %q, so %s has no value", st.Path, st.ID, e.Name, e.Raw)
			hintNames(d, e.Name, paramNames(params), "path parameters")
			return nil
		}
	case expr.RequestBody:
		v = b.requestBodyRef(st, e, pos)
	}
	if v == nil {
		return nil
	}
	if v.Kind == VRequestHeader || v.Kind == VRequestBody {
		b.prog.ReadsSentRequest = true
	}
	c := *v
	c.Src = e.Raw
	return &c
}

// requestParam is the value of the parameter of that name; nil when there is none.
func requestParam(params []*Param, name string) *Value {
	for _, p := range params {
		if p.Name == name {
			return p.Value
		}
	}
	return nil
}

func paramNames(params []*Param) []string {
	var names []string
	for _, p := range params {
		names = append(names, p.Name)
	}
	return names
}

// requestHeader resolves $request.header.<name>; header names are case-insensitive.
// Content-Type is the body's content type when the step sends a body (the request carries
// that one, whatever a Content-Type parameter says), else the parameter's value. A step
// without a body and without a Content-Type parameter sends none: Arazzo has no implicit
// Content-Type, and the OpenAPI description's own Content-Type parameters are ignored by
// OpenAPI, so the value is empty, with a warning.
func (b *builder) requestHeader(st *Step, e expr.Expr, pos diag.Pos) *Value {
	name := http.CanonicalHeaderKey(e.Name)
	if name == "Content-Type" && st.HasBody() {
		if st.BodyKind == BodyMultipart || st.BodyKind == BodyMultipartValue {
			// The boundary is chosen at run time.
			return &Value{Kind: VRequestHeader, Name: name, Type: types.Type{Kind: types.String}}
		}
		return stringLiteral(st.ContentType)
	}
	if v := requestParam(st.Headers, name); v != nil {
		return v
	}
	if name == "Content-Type" {
		b.diags.Warnf(pos, "no-content-type", "step %q sends no Content-Type header (it has no request body and no Content-Type parameter), so %s is empty", st.ID, e.Raw).
			WithHint("give the step a requestBody (its contentType is sent), or a header parameter Content-Type")
		return stringLiteral("")
	}
	// Not set by the step: the header as sent, which credentials and the runtime's
	// defaults (Accept) may have added.
	return &Value{Kind: VRequestHeader, Name: name, Type: types.Type{Kind: types.String}}
}

func stringLiteral(s string) *Value {
	q, _ := json.Marshal(s)
	return &Value{Kind: VLit, Type: types.Type{Kind: types.String}, JSON: string(q), Text: s}
}

// requestBodyRef resolves $request.body[#ptr]. A payload known when the code is generated is
// read then, down to the value the pointer selects; a pointer that enters a value known only
// at run time continues into it there. A body encoded only at run time is read as it was
// sent: JSON by its pointer, other media types as their text. Form bodies are read as their
// fields.
func (b *builder) requestBodyRef(st *Step, e expr.Expr, pos diag.Pos) *Value {
	if !st.HasBody() {
		b.errorf(pos, "no-request-body", "step %q sends no request body, so %s has no value", st.ID, e.Raw)
		return nil
	}
	sent := &Value{Kind: VRequestBody, Pointer: e.Pointer, Type: types.Type{Kind: types.Raw}}
	kind := classifyMedia(mediaType(st.ContentType))
	var fields *Value // the payload as an object: JSON payloads and form fields
	switch {
	case len(st.Replacements) > 0:
	case st.BodyKind == BodyJSON, st.BodyKind == BodyForm, st.BodyKind == BodyMultipart:
		fields = st.Body
	case st.BodyKind == BodyText && kind == mediaForm:
		fields, _ = formFields(st.BodyText)
	}
	if fields != nil {
		if v := pointInto(fields, e.Pointer); v != nil {
			return v
		}
	}
	if kind == mediaJSON {
		return sent
	}
	if len(e.Pointer) > 0 {
		what := "a " + st.ContentType + " body"
		if st.BodyKind == BodyMultipartValue || st.BodyKind == BodyFormValue {
			what = "a form encoded at run time"
		}
		b.errorf(pos, "bad-pointer", "%s selects inside the request body, which is %s; a pointer selects inside JSON bodies and form fields", e.Raw, what)
		return nil
	}
	sent.Type = types.Type{Kind: types.String}
	return sent
}

// pointInto selects the value at tokens inside a payload known when the code is generated.
// It returns nil where that cannot be decided then, or where the value there is an object or
// array built at run time (which is read from the body as sent instead).
func pointInto(v *Value, tokens []string) *Value {
	for i, tok := range tokens {
		v = unfold(v)
		switch v.Kind {
		case VObject:
			j := slices.Index(v.Keys, tok)
			if j < 0 {
				return nil
			}
			v = v.Elems[j]
		case VArray:
			j, ok := arrayIndex(tok)
			if !ok || j >= len(v.Elems) {
				return nil
			}
			v = v.Elems[j]
		case VInput, VStepOutput, VCallOutput:
			if len(v.Pointer) > 0 || v.Type.Scalar() {
				return nil
			}
			c := *v
			c.Pointer = slices.Clone(tokens[i:])
			c.Type = types.Type{Kind: types.Raw}
			return &c
		default:
			return nil
		}
	}
	if v = refold(v); v.Kind == VObject || v.Kind == VArray {
		return nil
	}
	return v
}

// formFields reads a form-urlencoded text payload as its fields, in order: each name is
// literal text, and each value literal text, embedded values, or both (a name without '='
// has the empty value). ok is false when a name holds an embedded value or the literal text
// has a malformed percent-encoding.
func formFields(parts []TextPart) (fields *Value, ok bool) {
	obj := &Value{Kind: VObject, Type: types.Type{Kind: types.Raw}}
	names := newNamer()
	var name string
	var value []*Value
	inValue := false
	flush := func() {
		if !inValue && name == "" {
			return // an empty pair ("a=1&&b=2")
		}
		v := &Value{Kind: VTemplate, Type: types.Type{Kind: types.String}, Parts: value}
		obj.Keys = append(obj.Keys, name)
		obj.FieldNames = append(obj.FieldNames, names.name(GoName(name)))
		obj.Elems = append(obj.Elems, mergeLiterals(v))
		name, value, inValue = "", nil, false
	}
	for _, p := range parts {
		if p.Value != nil {
			if !inValue {
				return nil, false
			}
			value = append(value, p.Value)
			continue
		}
		for lit := p.Lit; lit != ""; {
			end := strings.IndexAny(lit, "=&")
			if inValue {
				end = strings.IndexByte(lit, '&')
			}
			text := lit
			if end >= 0 {
				text = lit[:end]
			}
			t, err := url.QueryUnescape(text)
			if err != nil {
				return nil, false
			}
			switch {
			case !inValue:
				name += t
			case t != "":
				value = append(value, stringLiteral(t))
			}
			if end < 0 {
				break
			}
			if lit[end] == '=' {
				inValue = true
			} else {
				flush()
			}
			lit = lit[end+1:]
		}
	}
	flush()
	return obj, true
}

// mergeLiterals joins adjacent literal parts of a template; a template left with one part
// is that part, and one with none the empty string.
func mergeLiterals(t *Value) *Value {
	var parts []*Value
	for _, p := range t.Parts {
		if n := len(parts); n > 0 && p.Kind == VLit && parts[n-1].Kind == VLit {
			parts[n-1] = stringLiteral(parts[n-1].Text + p.Text)
			continue
		}
		parts = append(parts, p)
	}
	switch len(parts) {
	case 0:
		return stringLiteral("")
	case 1:
		return parts[0]
	}
	c := *t
	c.Parts = parts
	return &c
}

// mediaType is the media type of a content type without its parameters, lower-cased.
func mediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}
