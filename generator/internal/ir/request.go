package ir

import (
	"net/http"
	"slices"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/load"
	"github.com/arazzogen/arazzogen/generator/internal/types"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
)

// parameters compiles the step's parameters (Reusable Objects already expanded and the
// workflow's merged in) into path, query and header values.
func (b *builder) parameters(sc *scope, st *Step, s *load.Step, params []*load.Parameter, op *load.Operation) {
	pathValues := map[string]*Value{}
	given := map[[2]string]bool{}
	for _, p := range params {
		if !p.In.Set() {
			b.errorf(p.Pos, "missing-field", "parameter %q of an operation step needs 'in' (path, query, header or cookie)", p.Name.Value)
			continue
		}
		in := p.In.Value
		decl := findParam(op, p.Name.Value, in)
		// OpenAPI ignores Accept, Content-Type and Authorization header parameters (they are
		// governed by content negotiation and security schemes), so they are never declared.
		implicit := in == "header" && slices.Contains([]string{"accept", "content-type", "authorization"}, strings.ToLower(p.Name.Value))
		if decl == nil && in != "path" && !implicit {
			b.diags.Warnf(p.Name.Pos, "undeclared-parameter", "operation %s does not declare %s parameter %q", op.ID, in, p.Name.Value)
		}
		v := b.value(sc, p.Value, p.Value.Value, load.PosOf(b.file, p.Value))
		if v == nil {
			if in == "path" {
				pathValues[p.Name.Value] = &Value{Kind: VLit, Type: types.Type{Kind: types.String}} // reported; avoid a second error
			}
			continue
		}
		if v.Kind == VObject || v.Kind == VArray {
			b.errorf(load.PosOf(b.file, p.Value), "unsupported", "object and array parameter values are not supported yet")
			continue
		}
		given[[2]string{p.Name.Value, in}] = true
		switch in {
		case "path":
			if !strings.Contains(op.Path, "{"+p.Name.Value+"}") {
				b.errorf(p.Name.Pos, "unknown-parameter", "path %s of operation %s has no parameter {%s}", op.Path, op.ID, p.Name.Value)
				continue
			}
			pathValues[p.Name.Value] = v
		case "query":
			st.Query = append(st.Query, &Param{Name: p.Name.Value, Value: v})
		case "header":
			st.Headers = append(st.Headers, &Param{Name: http.CanonicalHeaderKey(p.Name.Value), Value: v})
		case "cookie", "querystring":
			b.errorf(p.In.Pos, "unsupported", "%s parameters are not supported yet", in)
		default:
			b.errorf(p.In.Pos, "bad-value", "parameter location %q is not one of path, query, header or cookie", in)
		}
	}
	for _, dp := range op.Params {
		if dp.Required == nil || !*dp.Required || given[[2]string{dp.Name, dp.In}] || dp.In == "path" {
			continue
		}
		if dp.In == "header" && slices.Contains([]string{"accept", "content-type", "authorization"}, strings.ToLower(dp.Name)) {
			continue // OpenAPI ignores these definitions; content negotiation and security set them
		}
		// A warning, not an error: the request can still be built, credentials or the
		// server may supply the value, and the server has the last word.
		b.diags.Warnf(s.ID.Pos, "missing-parameter", "step %q does not set required %s parameter %q of operation %s", s.ID.Value, dp.In, dp.Name, op.ID).
			WithHint("add a parameter {name: %s, in: %s, value: …}", dp.Name, dp.In)
	}
	// Split the path template into literal text and parameter values.
	rest := op.Path
	for rest != "" {
		i := strings.IndexByte(rest, '{')
		j := strings.IndexByte(rest, '}')
		if i < 0 || j < i {
			st.PathParts = append(st.PathParts, PathPart{Lit: rest})
			break
		}
		if i > 0 {
			st.PathParts = append(st.PathParts, PathPart{Lit: rest[:i]})
		}
		name := rest[i+1 : j]
		v := pathValues[name]
		if v == nil {
			b.errorf(s.ID.Pos, "missing-parameter", "step %q does not set path parameter %q of operation %s (%s)", s.ID.Value, name, op.ID, op.Path)
			v = &Value{Kind: VLit, Type: types.Type{Kind: types.String}}
		}
		st.PathParts = append(st.PathParts, PathPart{Value: v})
		rest = rest[j+1:]
	}
}

func findParam(op *load.Operation, name, in string) *v3.Parameter {
	for _, p := range op.Params {
		if p.In == in && (p.Name == name || in == "header" && strings.EqualFold(p.Name, name)) {
			return p
		}
	}
	return nil
}

func (b *builder) requestBody(sc *scope, st *Step, s *load.Step, op *load.Operation) {
	rb := s.RequestBody
	if rb == nil {
		if op.Op.RequestBody != nil && op.Op.RequestBody.Required != nil && *op.Op.RequestBody.Required {
			b.diags.Warnf(s.ID.Pos, "missing-body", "operation %s requires a request body but step %q sends none", op.ID, s.ID.Value)
		}
		return
	}
	if rb.Replacements.Set() {
		b.errorf(rb.Replacements.Pos, "unsupported", "payload replacements are not supported yet")
	}
	ct := rb.ContentType.Value
	if ct == "" && op.Op.RequestBody != nil && op.Op.RequestBody.Content != nil {
		for k := range op.Op.RequestBody.Content.KeysFromOldest() {
			ct = k
			break
		}
	}
	if ct == "" {
		ct = "application/json"
	}
	if mt, _, _ := strings.Cut(ct, ";"); !strings.HasSuffix(strings.TrimSpace(mt), "json") {
		b.errorf(rb.ContentType.Pos, "unsupported", "request bodies of type %q are not supported yet (only JSON)", ct)
		return
	}
	st.ContentType = ct
	if rb.Payload == nil {
		return
	}
	st.Body = b.value(sc, rb.Payload, "", load.PosOf(b.file, rb.Payload))
	b.checkPayload(rb, op, ct)
}

// responseSchema is the JSON schema of the operation's success response: the first 2xx
// response in document order, else "default".
func responseSchema(op *v3.Operation) *base.SchemaProxy {
	if op.Responses == nil {
		return nil
	}
	var resp *v3.Response
	if op.Responses.Codes != nil {
		for code, r := range op.Responses.Codes.FromOldest() {
			if strings.HasPrefix(code, "2") {
				resp = r
				break
			}
		}
	}
	if resp == nil {
		resp = op.Responses.Default
	}
	if resp == nil || resp.Content == nil {
		return nil
	}
	for ct, mt := range resp.Content.FromOldest() {
		if strings.Contains(ct, "json") {
			return mt.Schema
		}
	}
	return nil
}
