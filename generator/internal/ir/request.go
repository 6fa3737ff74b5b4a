package ir

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/diag"
	"github.com/arazzogen/arazzogen/generator/internal/expr"
	"github.com/arazzogen/arazzogen/generator/internal/load"
	"github.com/arazzogen/arazzogen/generator/internal/types"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	yaml "go.yaml.in/yaml/v4"
)

// BodyKind says how a step's request body is encoded.
type BodyKind int

const (
	// BodyJSON marshals Body as JSON (constant bytes when it is a literal).
	BodyJSON BodyKind = iota
	// BodyText concatenates BodyText, each value escaped for where it stands (templated
	// JSON, XML, form or plain text).
	BodyText
	// BodyBytes sends Body, a whole runtime expression, as bytes: a string as it is, any
	// other value as its text.
	BodyBytes
	// BodyForm encodes BodyFields as application/x-www-form-urlencoded.
	BodyForm
	// BodyFormValue encodes Body, a whole runtime expression, as a form (an object) or sends
	// it as it is (a string).
	BodyFormValue
	// BodyMultipart encodes BodyFields as multipart/form-data parts.
	BodyMultipart
	// BodyMultipartValue encodes Body, a whole runtime expression holding an object, as
	// multipart/form-data.
	BodyMultipartValue
)

// Escape says how a value inserted into a templated body is escaped.
type Escape int

const (
	EscapeNone       Escape = iota // the value's text as it is (text/plain, octet-stream)
	EscapeJSONString               // inside a JSON string: JSON string escapes
	EscapeJSONValue                // outside a JSON string: the value's JSON encoding
	EscapeXML                      // XML character data
	EscapeForm                     // a form-urlencoded field name or value
	EscapeXMLElement               // XML elements named Element, converted at run time
)

// TextPart is literal text or an inserted value of a templated body.
type TextPart struct {
	Lit     string
	Value   *Value
	Escape  Escape
	Element string // EscapeXMLElement: the element name
}

// BodyField is a form field or multipart part: a member of an object payload.
type BodyField struct {
	Name     string
	Value    *Value
	Encoding FieldEncoding
}

// FieldEncoding is the OpenAPI Encoding Object of a form or multipart field.
type FieldEncoding struct {
	Style         string // "" unless the Encoding Object sets style, explode or allowReserved
	Explode       bool
	AllowReserved bool
	ContentType   string
}

// Replacement is a payload replacement applied to the encoded body at run time, because
// its target lies inside a value known only then: a JSON Pointer (Pointer) into a JSON body,
// or a JSONPath query or an XPath expression (Query) selecting the nodes to replace in a
// JSON or XML body.
type Replacement struct {
	Pointer []string
	Query   *Query
	Value   *Value
	Target  string // the target as written, for messages
}

// operationName names an operation in messages: its operationId, or method and path.
func operationName(op *load.Operation) string {
	if op.ID != "" {
		return op.ID
	}
	return op.Method + " " + op.Path
}

// defaultStyles are the OpenAPI default style of each parameter location, and allowed the
// styles OpenAPI defines there ("cookie" is OpenAPI 3.2's cookie style, which is how form
// cookies are sent here anyway).
var (
	defaultStyles = map[string]string{"path": "simple", "query": "form", "header": "simple", "cookie": "form"}
	allowedStyles = map[string][]string{
		"path":   {"simple", "label", "matrix"},
		"query":  {"form", "spaceDelimited", "pipeDelimited", "deepObject"},
		"header": {"simple"},
		"cookie": {"form", "cookie"},
	}
)

// parameters compiles the step's parameters (Reusable Objects already expanded and the
// workflow's merged in) into path, query, header, cookie and querystring values, each with
// the serialization its OpenAPI parameter declares.
func (b *builder) parameters(sc *scope, st *Step, s *load.Step, params []*load.Parameter, op *load.Operation) {
	if st.OperationID == "" {
		st.OperationID = operationName(op) // an operationPath step to an operation without an id
	}
	pathParams := map[string]*Param{}
	given := map[[2]string]bool{}
	var queryStringAt diag.Pos
	for _, p := range params {
		if !p.In.Set() {
			b.errorf(p.Pos, "missing-field", "parameter %q of an operation step needs 'in' (path, query, header, cookie or querystring)", p.Name.Value)
			continue
		}
		in := p.In.Value
		if _, known := defaultStyles[in]; !known && in != "querystring" {
			b.errorf(p.In.Pos, "bad-value", "parameter location %q is not one of path, query, header, cookie or querystring", in)
			continue
		}
		decl := findParam(op, p.Name.Value, in)
		// OpenAPI ignores Accept, Content-Type and Authorization header parameters (they are
		// governed by content negotiation and security schemes), so they are never declared.
		implicit := in == "header" && slices.Contains([]string{"accept", "content-type", "authorization"}, strings.ToLower(p.Name.Value))
		if decl == nil && in != "path" && !implicit && !op.Undescribed {
			b.diags.Warnf(p.Name.Pos, "undeclared-parameter", "operation %s does not declare %s parameter %q", operationName(op), in, p.Name.Value)
		}
		if p.Value == nil {
			continue // reported by the decoder
		}
		if in == "path" {
			b.needValue = fmt.Sprintf("path parameter %q", p.Name.Value)
		}
		v := b.value(sc, p.Value, p.Value.Value, load.PosOf(b.file, p.Value))
		b.needValue = ""
		if v != nil && in == "path" && v.Kind == VLit && v.JSON == "null" {
			b.errorf(load.PosOf(b.file, p.Value), "bad-value", "path parameter %q cannot be null: a path segment needs a value", p.Name.Value)
			v = nil
		}
		if v == nil {
			if in == "path" {
				pathParams[p.Name.Value] = &Param{Name: p.Name.Value, Value: &Value{Kind: VLit, Type: types.Type{Kind: types.String}}} // reported; avoid a second error
			}
			continue
		}
		given[[2]string{p.Name.Value, in}] = true
		param := &Param{Name: p.Name.Value, Value: v}
		b.paramStyle(param, in, decl, p)
		switch in {
		case "path":
			if path, _, _ := strings.Cut(op.Path, "?"); !strings.Contains(path, "{"+p.Name.Value+"}") && !strings.Contains(path, "{+"+p.Name.Value+"}") {
				b.errorf(p.Name.Pos, "unknown-parameter", "path %s of operation %s has no parameter {%s}", op.Path, operationName(op), p.Name.Value)
				continue
			}
			pathParams[p.Name.Value] = param
		case "query":
			st.Query = append(st.Query, param)
		case "header":
			param.Name = http.CanonicalHeaderKey(p.Name.Value)
			st.Headers = append(st.Headers, param)
		case "cookie":
			st.Cookies = append(st.Cookies, param)
		case "querystring":
			if st.QueryString != nil {
				b.errorf(p.In.Pos, "duplicate", "step %q has a second querystring parameter (the first is at %s); the query string is one value", s.ID.Value, queryStringAt)
				continue
			}
			st.QueryString, queryStringAt = param, p.In.Pos
		}
	}
	if st.QueryString != nil && len(st.Query) > 0 {
		b.errorf(queryStringAt, "bad-value", "a querystring parameter holds the whole query string, so it cannot be combined with query parameters (%s)", st.Query[0].Name)
	}
	for _, dp := range op.Params() {
		if dp.Required == nil || !*dp.Required || given[[2]string{dp.Name, dp.In}] || dp.In == "path" {
			continue
		}
		if dp.In == "header" && slices.Contains([]string{"accept", "content-type", "authorization"}, strings.ToLower(dp.Name)) {
			continue // OpenAPI ignores these definitions; content negotiation and security set them
		}
		// A warning, not an error: the request can still be built, credentials or the
		// server may supply the value, and the server has the last word.
		b.diags.Warnf(s.ID.Pos, "missing-parameter", "step %q does not set required %s parameter %q of operation %s", s.ID.Value, dp.In, dp.Name, operationName(op)).
			WithHint("add a parameter {name: %s, in: %s, value: …}", dp.Name, dp.In)
	}
	// Split the path template into literal text and parameter values. Some descriptions
	// (Amazon's) put a query in the path key, "/{Bucket}/{Key+}?uploadId={uploadId}": its
	// templated pairs are the operation's query parameters, set like any other; its fixed
	// pairs ("?acl") are sent as they are, unless the step sets a query parameter of the
	// same name ("?list-type=2" and a list-type parameter): each parameter is sent once,
	// with the step's value.
	rest, query, _ := strings.Cut(op.Path, "?")
	var fixed []string
	for _, item := range strings.Split(query, "&") {
		if item == "" || strings.Contains(item, "{") {
			continue
		}
		name, _, _ := strings.Cut(item, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if slices.ContainsFunc(st.Query, func(q *Param) bool { return q.Name == name }) {
			continue
		}
		fixed = append(fixed, item)
	}
	st.QueryLiteral = strings.Join(fixed, "&")
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
		// "{+name}" is RFC 6570 reserved expansion, which some descriptions (Google's) use
		// for parameters that hold a path ("projects/p/locations/l"): '/' and the other
		// reserved characters stay as they are.
		reserved := strings.HasPrefix(name, "+")
		name = strings.TrimPrefix(name, "+")
		// "{Key+}" is Amazon's greedy label: the value may span segments, so '/' stays.
		reserved = reserved || strings.HasSuffix(name, "+")
		param := pathParams[name]
		if param == nil {
			b.errorf(s.ID.Pos, "missing-parameter", "step %q does not set path parameter %q of operation %s (%s)", s.ID.Value, name, operationName(op), op.Path).
				WithHint("add a parameter {name: %s, in: path, value: …}", name)
			param = &Param{Name: name, Value: &Value{Kind: VLit, Type: types.Type{Kind: types.String}}}
		}
		if reserved {
			c := *param
			c.AllowReserved = true
			param = &c
		}
		st.PathParts = append(st.PathParts, PathPart{Value: param.Value, Param: param})
		rest = rest[j+1:]
	}
}

// paramStyle copies the serialization of the declared OpenAPI parameter (the location's
// defaults when the operation does not declare it).
func (b *builder) paramStyle(param *Param, in string, decl *v3.Parameter, p *load.Parameter) {
	if in == "querystring" {
		param.MediaType = "application/x-www-form-urlencoded"
		if decl != nil && decl.Content != nil {
			for mt := range decl.Content.KeysFromOldest() {
				param.MediaType = mt
				break
			}
		}
		return
	}
	param.Style = defaultStyles[in]
	if decl == nil {
		param.Explode = param.Style == "form"
		return
	}
	if decl.Schema == nil && decl.Content != nil {
		for mt := range decl.Content.KeysFromOldest() {
			param.MediaType = mt
			break
		}
	}
	if decl.Style != "" {
		if slices.Contains(allowedStyles[in], decl.Style) {
			param.Style = decl.Style
		} else {
			b.diags.Warnf(p.Name.Pos, "parameter-style", "the OpenAPI description declares style %q for %s parameter %q, which OpenAPI does not define for %s parameters; using %s", decl.Style, in, p.Name.Value, in, param.Style)
		}
	}
	if param.Style == "cookie" {
		param.Style = "form"
	}
	param.Explode = param.Style == "form"
	if decl.Explode != nil {
		param.Explode = *decl.Explode
	}
	param.AllowReserved = decl.AllowReserved
}

func findParam(op *load.Operation, name, in string) *v3.Parameter {
	for _, p := range op.Params() {
		if p.In == in && (p.Name == name || in == "header" && strings.EqualFold(p.Name, name)) {
			return p
		}
	}
	return nil
}

// mediaKind classifies a request content type.
type mediaKind int

const (
	mediaJSON mediaKind = iota
	mediaForm
	mediaMultipart
	mediaXML
	mediaText
	mediaOther
)

func classifyMedia(mt string) mediaKind {
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return mediaJSON
	case mt == "application/x-www-form-urlencoded":
		return mediaForm
	case mt == "multipart/form-data":
		return mediaMultipart
	case mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml"):
		return mediaXML
	case strings.HasPrefix(mt, "text/"):
		return mediaText
	}
	return mediaOther
}

// requestContentTypes lists the media types of the operation's request body in order.
func requestContentTypes(op *load.Operation) []string {
	var out []string
	if op.Op().RequestBody != nil && op.Op().RequestBody.Content != nil {
		for k := range op.Op().RequestBody.Content.KeysFromOldest() {
			out = append(out, k)
		}
	}
	return out
}

// matchMedia finds the declared media type that covers mt ("application/*" and "*/*"
// ranges included); "" when none does.
func matchMedia(mt string, declared []string) string {
	for _, d := range declared {
		dm, _, err := mime.ParseMediaType(d)
		if err != nil {
			continue
		}
		if dm == mt {
			return d
		}
	}
	for _, d := range declared {
		dm, _, _ := mime.ParseMediaType(d)
		if dm == "*/*" || strings.HasSuffix(dm, "/*") && strings.HasPrefix(mt, strings.TrimSuffix(dm, "*")) {
			return d
		}
	}
	return ""
}

func (b *builder) requestBody(sc *scope, st *Step, s *load.Step, op *load.Operation) {
	rb := s.RequestBody
	if rb == nil {
		if op.Op().RequestBody != nil && op.Op().RequestBody.Required != nil && *op.Op().RequestBody.Required {
			b.diags.Warnf(s.ID.Pos, "missing-body", "operation %s requires a request body but step %q sends none", operationName(op), s.ID.Value)
		}
		return
	}
	declared := requestContentTypes(op)
	ct := rb.ContentType.Value
	if ct == "" && len(declared) == 0 {
		// With no media type declared (an x-operation, say), a Content-Type header the
		// step sets is the only word on what the payload is; the request's content type
		// would otherwise replace it.
		for _, h := range st.Headers {
			if h.Name == "Content-Type" && h.Value.Kind == VLit && h.Value.Type.Kind == types.String {
				ct = h.Value.Text
			}
		}
	}
	if ct == "" {
		ct = defaultContentType(declared)
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		b.errorf(rb.ContentType.Pos, "bad-value", "content type %q is malformed: %v", ct, err)
		return
	}
	if strings.Contains(mt, "*") {
		concrete, why := b.rangeContentType(sc, mt, declared, rb.Payload)
		if concrete == "" {
			b.errorf(rb.ContentType.Pos, "bad-value", "content type %q is a range; a request needs one media type", ct).
				WithHint("set requestBody.contentType to the media type to send")
			return
		}
		b.diags.Warnf(rb.ContentType.Pos, "content-type-range", "content type %q is a range, but a request is sent as one media type; sending %s, %s", ct, concrete, why).
			WithHint("write contentType: %s", concrete)
		ct, mt = concrete, concrete
	}
	matched := matchMedia(mt, declared)
	if rb.ContentType.Set() && len(declared) > 0 && matched == "" {
		b.diags.Warnf(rb.ContentType.Pos, "undeclared-content-type", "operation %s does not declare request content type %q (it declares %s)", operationName(op), ct, strings.Join(declared, ", "))
	}
	st.ContentType = ct
	if rb.Payload == nil {
		if len(rb.Replacements) > 0 {
			b.errorf(rb.Replacements[0].Pos, "bad-value", "payload replacements need a payload to replace into")
		}
		return
	}
	var encodings map[string]*v3.Encoding
	if matched != "" {
		if m := op.Op().RequestBody.Content.GetOrZero(matched); m != nil && m.Encoding != nil {
			encodings = map[string]*v3.Encoding{}
			for k, e := range m.Encoding.FromOldest() {
				encodings[k] = e
			}
		}
	}
	kind := classifyMedia(mt)
	n := resolveNode(rb.Payload)
	pos := load.PosOf(b.file, n)
	isString := n.Kind == yaml.ScalarNode && n.Tag == "!!str"
	switch {
	case kind == mediaJSON && isString:
		b.jsonStringBody(sc, st, n, pos)
	case kind == mediaJSON:
		st.BodyKind, st.Body = BodyJSON, b.value(sc, n, n.Value, pos)
	case isString, b.isSelector(n):
		// A Selector Object is a whole value, like a runtime expression.
		b.stringBody(sc, st, n, pos, kind)
	case kind == mediaForm || kind == mediaMultipart:
		if n.Kind != yaml.MappingNode {
			b.errorf(pos, "bad-value", "a %s payload must be an object (one field per member) or a string", mt)
			return
		}
		st.Body = b.value(sc, n, "", pos)
		st.BodyKind = BodyForm
		if kind == mediaMultipart {
			st.BodyKind = BodyMultipart
		}
	case kind == mediaXML && n.Kind == yaml.MappingNode:
		var schema *base.SchemaProxy
		if matched != "" {
			if m := op.Op().RequestBody.Content.GetOrZero(matched); m != nil {
				schema = m.Schema
			}
		}
		obj := b.value(sc, n, "", pos)
		if obj == nil {
			return
		}
		parts, _, ok := xmlBody(schema, obj)
		if !ok {
			b.errorf(pos, "bad-value", "an object payload for %s needs a root element name, and the operation's request body schema gives none (no xml.name, not a named component)", mt).
				WithHint("give the payload as a string holding the XML text")
			return
		}
		st.BodyKind, st.BodyText = BodyText, parts
	case kind == mediaXML:
		b.errorf(pos, "bad-value", "an XML request body needs a string payload holding the XML text, an object, or a runtime expression")
		return
	case n.Kind == yaml.ScalarNode:
		// A number, boolean or null sent as text/plain or octet-stream: its text.
		v := b.value(sc, n, n.Value, pos)
		if v == nil {
			return
		}
		st.BodyKind, st.BodyText = BodyText, []TextPart{{Lit: v.JSON}}
	default:
		b.diags.Warnf(pos, "structured-payload", "the payload of this %s body is structured; it is sent as its JSON text", mt).
			WithHint("give the payload as a string in the format %s expects, or use contentType: application/json", mt)
		st.BodyKind, st.Body = BodyJSON, b.value(sc, n, "", pos)
	}
	if !st.HasBody() {
		return // the payload had errors, reported
	}
	b.replacements(sc, st, rb, kind)
	if st.BodyKind == BodyForm || st.BodyKind == BodyMultipart {
		b.bodyFields(st, encodings)
	}
	if kind == mediaJSON {
		b.checkPayload(rb, op, st.ContentType)
	}
}

// rangeContentType reads a media range given as contentType ("*/*", "application/*"),
// which a request cannot be sent as. The reading, with the reason for it:
//  1. the media types the operation declares inside the range, chosen among as when
//     contentType is absent (JSON first);
//  2. else by the payload's shape: application/json for structured values (objects,
//     arrays, numbers, booleans, null, and expressions of those types), and for strings
//     (text, templates, string or byte expressions) text/plain in a text/* range and
//     application/octet-stream otherwise.
//
// It returns "" when the range covers none of these.
func (b *builder) rangeContentType(sc *scope, rangeMT string, declared []string, payload *yaml.Node) (mediaType, why string) {
	var inside []string
	for _, d := range declared {
		dm, _, err := mime.ParseMediaType(d)
		if err == nil && !strings.Contains(dm, "*") && matchMedia(dm, []string{rangeMT}) != "" {
			inside = append(inside, d)
		}
	}
	switch len(inside) {
	case 0:
	case 1:
		return inside[0], "the operation's media type inside the range"
	default:
		return defaultContentType(inside), "the first of the operation's media types inside the range, JSON ones first"
	}
	want, shape := "application/json", "a structured value"
	if b.stringPayload(sc, resolveNode(payload)) {
		want, shape = "application/octet-stream", "a string"
		if rangeMT == "text/*" {
			want = "text/plain"
		}
	}
	if matchMedia(want, []string{rangeMT}) == "" {
		return "", ""
	}
	return want, "by the payload's shape (" + shape + "), as the operation declares no media type inside the range"
}

// stringPayload reports whether a payload is a string: literal text, a template, or an
// expression whose value is a string or bytes. The expression is resolved quietly here;
// compiling the body reports its problems once.
func (b *builder) stringPayload(sc *scope, n *yaml.Node) bool {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		return false
	}
	pv, err := expr.ParseValue(n.Value)
	if err != nil || pv.Whole == nil {
		return true
	}
	saved := b.diags
	b.diags = &diag.List{}
	v := b.ref(sc, *pv.Whole, load.PosOf(b.file, n))
	b.diags = saved
	return v != nil && (v.Type.Kind == types.String || v.Type.Kind == types.Bytes)
}

// defaultContentType picks the media type of a body whose contentType is absent (features
// AMB-B2): the operation's first JSON media type, else its first media type that is not a
// range, else JSON.
func defaultContentType(declared []string) string {
	var first string
	for _, d := range declared {
		dm, _, err := mime.ParseMediaType(d)
		if err != nil || strings.Contains(dm, "*") {
			continue
		}
		if classifyMedia(dm) == mediaJSON {
			return d
		}
		if first == "" {
			first = d
		}
	}
	if first == "" {
		return "application/json"
	}
	return first
}

// HasBody reports whether the step sends a request body.
func (st *Step) HasBody() bool { return st.Body != nil || st.BodyText != nil }

func resolveNode(n *yaml.Node) *yaml.Node {
	for depth := 0; n != nil && n.Kind == yaml.AliasNode && depth < 100; depth++ {
		n = n.Alias
	}
	return n
}

// bodyFields turns an object payload into form fields or multipart parts, each with the
// request body's Encoding Object for that property.
func (b *builder) bodyFields(st *Step, encodings map[string]*v3.Encoding) {
	obj := unfold(st.Body)
	if obj.Kind != VObject {
		return // a replacement turned the payload into something else; reported there
	}
	for i, k := range obj.Keys {
		f := &BodyField{Name: k, Value: obj.Elems[i]}
		if e := encodings[k]; e != nil {
			f.Encoding.ContentType = e.ContentType
			// OpenAPI: style, explode and allowReserved serialize the field only when one of
			// them is given explicitly; otherwise contentType (or the value's default) does.
			if e.Style != "" || e.Explode != nil || e.AllowReserved {
				f.Encoding.Style = e.Style
				if f.Encoding.Style == "" {
					f.Encoding.Style = "form"
				}
				f.Encoding.Explode = f.Encoding.Style == "form"
				if e.Explode != nil {
					f.Encoding.Explode = *e.Explode
				}
				f.Encoding.AllowReserved = e.AllowReserved
			}
		}
		st.BodyFields = append(st.BodyFields, f)
	}
}

// jsonStringBody compiles a string payload for a JSON content type. A whole runtime
// expression keeps its type. Text that is JSON (with embedded "{$…}" expressions or not) is
// sent as that JSON, each value inserted so that the body stays valid JSON: escaped inside a
// string, in its JSON encoding elsewhere. Any other text is a JSON string.
func (b *builder) jsonStringBody(sc *scope, st *Step, n *yaml.Node, pos diag.Pos) {
	pv, err := expr.ParseValue(n.Value)
	if err != nil || pv.Whole != nil {
		st.BodyKind, st.Body = BodyJSON, b.value(sc, n, n.Value, pos) // reports the error
		return
	}
	skeleton, inString, spans := jsonSkeleton(pv.Parts)
	serr := validJSON(skeleton)
	if serr != nil {
		trimmed := strings.TrimSpace(n.Value)
		if strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[") {
			off := spans.original(max(serr.offset-1, 0)) // Offset counts the offending byte
			b.errorf(innerPos(n, pos, off), "bad-payload", "the payload is JSON text for content type %s but is not valid JSON: %s", st.ContentType, serr.msg)
			return
		}
		// Plain text: a JSON string.
		st.BodyKind, st.Body = BodyJSON, b.value(sc, n, n.Value, pos)
		return
	}
	if pv.IsLiteral() {
		st.BodyKind, st.Body = BodyJSON, &Value{Kind: VLit, Type: types.Type{Kind: types.Raw}, JSON: n.Value}
		return
	}
	v := b.value(sc, n, n.Value, pos)
	if v == nil {
		return
	}
	st.BodyKind = BodyText
	for i, part := range pv.Parts {
		if part.Expr == nil {
			st.BodyText = append(st.BodyText, TextPart{Lit: part.Lit})
			continue
		}
		pval := v.Parts[i]
		esc := EscapeJSONValue
		if inString[i] {
			esc = EscapeJSONString
			// Only a type known to be structured is warned about: an untyped value (a
			// json.RawMessage) is usually a string the schema did not describe.
			if wholeString(pv.Parts, i) && !pval.Type.Scalar() && pval.Type.Kind != types.Raw {
				b.diags.Warnf(innerPos(n, pos, part.Offset), "quoted-structure", "%s fills a quoted JSON string, so its %s value is sent as a string holding JSON text (features AMB-E3)", part.Expr.Raw, typeWord(pval.Type)).
					WithHint("drop the quotes around {%s} to send the value itself, or use an object payload", part.Expr.Raw)
			}
		}
		st.BodyText = append(st.BodyText, TextPart{Value: pval, Escape: esc})
	}
}

func typeWord(t types.Type) string {
	if t.Kind == types.Slice {
		return "array"
	}
	return "structured"
}

// wholeString reports whether expression part i is the entire content of a JSON string:
// the literal before it ends with the opening quote and the one after starts with the
// closing quote.
func wholeString(parts []expr.Part, i int) bool {
	return i > 0 && i+1 < len(parts) && parts[i-1].Expr == nil && parts[i+1].Expr == nil &&
		strings.HasSuffix(parts[i-1].Lit, `"`) && strings.HasPrefix(parts[i+1].Lit, `"`)
}

// offsetSpans maps byte offsets in a template's JSON skeleton back to the template text.
type offsetSpans []struct{ skel, orig, n int }

func (s offsetSpans) original(off int) int {
	best := 0
	for _, sp := range s {
		if off >= sp.skel {
			best = sp.orig + min(off-sp.skel, sp.n)
		}
	}
	return best
}

// jsonSkeleton renders a template's literal text with each expression replaced by what
// stands for it in JSON: nothing inside a string, null elsewhere. It reports, per part,
// whether the part lies inside a JSON string.
func jsonSkeleton(parts []expr.Part) (skeleton string, inString []bool, spans offsetSpans) {
	var sb strings.Builder
	in, esc := false, false
	inString = make([]bool, len(parts))
	for i, p := range parts {
		if p.Expr != nil {
			inString[i] = in
			if !in {
				sb.WriteString("null")
			}
			continue
		}
		spans = append(spans, struct{ skel, orig, n int }{sb.Len(), p.Offset, len(p.Lit)})
		for j := 0; j < len(p.Lit); j++ {
			c := p.Lit[j]
			switch {
			case in && esc:
				esc = false
			case in && c == '\\':
				esc = true
			case c == '"':
				in = !in
			}
		}
		sb.WriteString(p.Lit)
	}
	return sb.String(), inString, spans
}

type jsonError struct {
	offset int
	msg    string
}

// validJSON checks that s is exactly one JSON value.
func validJSON(s string) *jsonError {
	dec := json.NewDecoder(strings.NewReader(s))
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return &jsonError{offset: int(se.Offset), msg: se.Error()}
		}
		return &jsonError{offset: len(s), msg: "unexpected end of JSON text"}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &jsonError{offset: int(dec.InputOffset()), msg: "text after the JSON value"}
	}
	return nil
}

// stringBody compiles a string payload for a content type other than JSON: a whole runtime
// expression sent as its bytes (a form or multipart payload given as an object is encoded),
// or a template whose values are escaped for the format.
func (b *builder) stringBody(sc *scope, st *Step, n *yaml.Node, pos diag.Pos, kind mediaKind) {
	v := b.value(sc, n, n.Value, pos)
	if v == nil {
		return
	}
	if v.Kind != VLit && v.Kind != VTemplate {
		switch {
		case kind == mediaForm && !(v.Type.Kind == types.String && !v.Type.Pointer()):
			st.BodyKind, st.Body = BodyFormValue, v
		case kind == mediaMultipart && v.Type.Scalar():
			b.errorf(pos, "bad-value", "a multipart/form-data payload must be an object (one part per member); %s is %s", v.Src, v.Type)
		case kind == mediaMultipart:
			st.BodyKind, st.Body = BodyMultipartValue, v
		default:
			st.BodyKind, st.Body = BodyBytes, v
		}
		return
	}
	if kind == mediaMultipart {
		if _, params, _ := mime.ParseMediaType(st.ContentType); params["boundary"] == "" {
			b.errorf(pos, "bad-value", "a multipart/form-data payload must be an object (one part per member); text needs the boundary in contentType")
			return
		}
	}
	st.BodyKind = BodyText
	if v.Kind == VLit {
		st.BodyText = []TextPart{{Lit: v.Text}}
		return
	}
	esc := EscapeNone
	switch kind {
	case mediaXML:
		esc = EscapeXML
	case mediaForm:
		esc = EscapeForm
	}
	pv, _ := expr.ParseValue(n.Value) // parsed without error by b.value; its parts match v.Parts
	for i, part := range pv.Parts {
		if part.Expr == nil {
			st.BodyText = append(st.BodyText, TextPart{Lit: part.Lit})
			continue
		}
		st.BodyText = append(st.BodyText, TextPart{Value: v.Parts[i], Escape: esc})
	}
}

// replacements applies the payload replacements in order. Where the target lies inside
// values known at generation time the new value is set in the payload itself, so the body
// is encoded once (and stays a constant when everything is literal); a target inside a value
// known only at run time (an input, an output) is applied to the encoded JSON body then, and
// so is every later replacement, to keep their order.
func (b *builder) replacements(sc *scope, st *Step, rb *load.RequestBody, kind mediaKind) {
	if len(rb.Replacements) > 0 && kind == mediaForm && st.BodyKind == BodyText && !b.formTextToFields(st, rb) {
		return
	}
	atRuntime := st.BodyKind == BodyText || st.BodyKind == BodyBytes || st.Body != nil && st.Body.Kind != VLit && st.Body.Kind != VObject && st.Body.Kind != VArray
	for _, r := range rb.Replacements {
		sel := r.TargetSelectorType.Value
		if !r.TargetSelectorType.Set() {
			sel = "jsonpointer"
			if kind == mediaXML {
				sel = "xpath"
			}
		}
		switch sel {
		case "jsonpointer":
		case "jsonpath", "xpath":
			b.queryReplacement(sc, st, r, sel, kind, &atRuntime)
			continue
		default:
			b.errorf(r.TargetSelectorType.Pos, "bad-value", "targetSelectorType %q is not one of jsonpointer, jsonpath or xpath", sel)
			continue
		}
		tokens, offs, ok := b.replacementPointer(r)
		if !ok || r.Value == nil {
			continue
		}
		val := b.value(sc, r.Value, r.Value.Value, load.PosOf(b.file, r.Value))
		if val == nil {
			continue
		}
		jsonBody := kind == mediaJSON || st.BodyKind == BodyJSON
		if !jsonBody && st.BodyKind != BodyForm && st.BodyKind != BodyMultipart {
			d := b.errorf(r.Pos, "unsupported", "JSON Pointer replacement targets apply to JSON payloads and to form and multipart payloads; this payload is %s text", st.ContentType)
			if kind == mediaXML {
				d.WithHint("target the XML with an XPath expression (targetSelectorType: xpath, the default for XML)")
			}
			continue
		}
		if !atRuntime {
			out, done, bad, msg := splice(st.Body, tokens, val)
			if bad >= 0 {
				b.errorf(innerPos(r.Target.Node, r.Target.Pos, offs[bad]), "bad-target", "replacement target %q cannot exist in the payload: %s", r.Target.Value, msg)
				continue
			}
			if done {
				st.Body = refold(out)
				continue
			}
			atRuntime = true
		}
		if !jsonBody {
			b.errorf(innerPos(r.Target.Node, r.Target.Pos, 0), "unsupported", "replacement target %q lies inside a value known only at run time, which can be replaced into only in a JSON body", r.Target.Value)
			continue
		}
		st.Replacements = append(st.Replacements, &Replacement{Pointer: tokens, Value: val, Target: r.Target.Value})
	}
}

// replacementPointer decodes a replacement target: a JSON Pointer, or its URI fragment
// form "#/…" (RFC 6901 §6). offs are the offsets of the tokens in the target text.
func (b *builder) replacementPointer(r *load.Replacement) (tokens []string, offs []int, ok bool) {
	tokens, offs, bad, msg := pointerTokens(r.Target.Value, "replacement target")
	if msg == "" {
		return tokens, offs, true
	}
	at := r.Target.Pos
	if bad > 0 {
		at = innerPos(r.Target.Node, r.Target.Pos, bad)
	}
	b.errorf(at, "bad-target", "%s", msg)
	return nil, nil, false
}

// splice sets repl at tokens inside the payload v where the path runs through values known
// at generation time (objects, arrays, literals). done is false when the path enters a value
// known only at run time; bad is the index of the token that cannot exist (msg says why),
// or -1.
func splice(v *Value, tokens []string, repl *Value) (out *Value, done bool, bad int, msg string) {
	return spliceAt(v, tokens, 0, repl)
}

func spliceAt(v *Value, tokens []string, i int, repl *Value) (*Value, bool, int, string) {
	if i == len(tokens) {
		return repl, true, -1, ""
	}
	v = unfold(v)
	tok := tokens[i]
	last := i == len(tokens)-1
	switch v.Kind {
	case VObject:
		c := *v
		c.Keys, c.FieldNames, c.Elems = slices.Clone(v.Keys), slices.Clone(v.FieldNames), slices.Clone(v.Elems)
		for j, k := range c.Keys {
			if k == tok {
				e, done, bad, msg := spliceAt(c.Elems[j], tokens, i+1, repl)
				if !done || bad >= 0 {
					return nil, done, bad, msg
				}
				c.Elems[j] = e
				return &c, true, -1, ""
			}
		}
		if !last {
			return nil, false, i, "the object has no member " + strconv.Quote(tok)
		}
		names := newNamer(c.FieldNames...)
		c.Keys = append(c.Keys, tok)
		c.FieldNames = append(c.FieldNames, names.name(GoName(tok)))
		c.Elems = append(c.Elems, repl)
		return &c, true, -1, ""
	case VArray:
		c := *v
		c.Elems = slices.Clone(v.Elems)
		if tok == "-" && last {
			c.Elems = append(c.Elems, repl)
			return &c, true, -1, ""
		}
		idx, ok := arrayIndex(tok)
		if !ok || idx >= len(c.Elems) {
			return nil, false, i, fmt.Sprintf("the array has %d element(s) and %q is not one of their indexes", len(c.Elems), tok)
		}
		e, done, bad, msg := spliceAt(c.Elems[idx], tokens, i+1, repl)
		if !done || bad >= 0 {
			return nil, done, bad, msg
		}
		c.Elems[idx] = e
		return &c, true, -1, ""
	case VLit, VTemplate:
		return nil, false, i, "the value there is " + literalWord(v) + ", which has no members"
	}
	// A value known only at run time: its Go type may still rule the target out.
	switch {
	case v.Type.Scalar():
		return nil, false, i, "the value there (" + v.Src + ") is " + v.Type.String() + ", which has no members"
	case v.Type.Kind == types.Slice:
		if _, ok := arrayIndex(tok); !ok && !(tok == "-" && last) {
			return nil, false, i, "the value there (" + v.Src + ") is an array and " + strconv.Quote(tok) + " is not an index"
		}
	}
	return nil, false, -1, ""
}

func literalWord(v *Value) string {
	switch {
	case v.Kind == VTemplate || v.Type.Kind == types.String:
		return "a string"
	case v.JSON == "null":
		return "null"
	case v.Type.Kind == types.Bool:
		return "a boolean"
	}
	return "a number"
}

// arrayIndex parses an RFC 6901 array index (no sign, no leading zero).
func arrayIndex(tok string) (int, bool) {
	if tok == "" || len(tok) > 1 && tok[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(tok); i++ {
		if tok[i] < '0' || tok[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(tok)
	return n, err == nil
}

// unfold turns a literal JSON object or array into a VObject or VArray of literals, so that
// it can be edited member by member; other values are returned as they are.
func unfold(v *Value) *Value {
	if v == nil || v.Kind != VLit || v.JSON == "" || v.JSON[0] != '{' && v.JSON[0] != '[' {
		return v
	}
	dec := json.NewDecoder(strings.NewReader(v.JSON))
	dec.UseNumber()
	out, err := literalTree(dec)
	if err != nil {
		return v
	}
	return out
}

func literalTree(dec *json.Decoder) (*Value, error) {
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch x := t.(type) {
	case json.Delim:
		v := &Value{Kind: VArray, Type: types.Type{Kind: types.Raw}}
		names := newNamer()
		if x == '{' {
			v.Kind = VObject
		}
		for dec.More() {
			if v.Kind == VObject {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v.Keys = append(v.Keys, k.(string))
				v.FieldNames = append(v.FieldNames, names.name(GoName(k.(string))))
			}
			e, err := literalTree(dec)
			if err != nil {
				return nil, err
			}
			v.Elems = append(v.Elems, e)
		}
		_, err := dec.Token() // the closing delimiter
		return v, err
	case string:
		q, _ := json.Marshal(x)
		return &Value{Kind: VLit, Type: types.Type{Kind: types.String}, JSON: string(q), Text: x}, nil
	case json.Number:
		if _, err := strconv.ParseInt(x.String(), 10, 64); err == nil {
			return &Value{Kind: VLit, Type: types.Type{Kind: types.Int64}, JSON: x.String()}, nil
		}
		return &Value{Kind: VLit, Type: types.Type{Kind: types.Float64}, JSON: x.String()}, nil
	case bool:
		return &Value{Kind: VLit, Type: types.Type{Kind: types.Bool}, JSON: strconv.FormatBool(x)}, nil
	}
	return &Value{Kind: VLit, Type: types.Type{Kind: types.Raw}, JSON: "null"}, nil
}

// refold folds objects and arrays made only of literals back into one literal.
func refold(v *Value) *Value {
	if v.Kind != VObject && v.Kind != VArray {
		return v
	}
	c := *v
	c.Elems = make([]*Value, len(v.Elems))
	for i, e := range v.Elems {
		c.Elems[i] = refold(e)
	}
	return foldLiteral(&c)
}

func urlUnescape(s string) (string, error) {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			sb.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", errors.New("truncated escape")
		}
		n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", err
		}
		sb.WriteByte(byte(n))
		i += 2
	}
	return sb.String(), nil
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

// acceptHeader is the Accept header of an operation's requests: the media types its
// responses declare (those of success responses first), JSON ones first and the others at a
// slightly lower quality (when there are JSON ones), then "*/*;q=0.1" as the last resort, so that a server which
// negotiates (or a validating mock) answers in a declared type rather than 406. It is ""
// when the responses declare no media type, or none but application/json: the runtime then
// sends its default, application/json.
func acceptHeader(op *v3.Operation) string {
	if op == nil || op.Responses == nil {
		return ""
	}
	var declared []string
	seen := map[string]bool{}
	add := func(r *v3.Response) {
		if r == nil || r.Content == nil {
			return
		}
		for ct := range r.Content.KeysFromOldest() {
			mt, params, err := mime.ParseMediaType(ct)
			if err != nil {
				continue
			}
			ct = mime.FormatMediaType(mt, params)
			if ct != "" && !seen[ct] {
				seen[ct] = true
				declared = append(declared, ct)
			}
		}
	}
	if op.Responses.Codes != nil {
		for _, success := range []bool{true, false} {
			for code, r := range op.Responses.Codes.FromOldest() {
				if strings.HasPrefix(code, "2") == success {
					add(r)
				}
			}
		}
	}
	add(op.Responses.Default)
	if len(declared) == 0 || len(declared) == 1 && declared[0] == "application/json" {
		return ""
	}
	var parts []string
	for _, ct := range declared {
		if classifyMedia(strings.SplitN(ct, ";", 2)[0]) == mediaJSON {
			parts = append(parts, ct)
		}
	}
	lower := ""
	if len(parts) > 0 {
		lower = ";q=0.9"
	}
	for _, ct := range declared {
		if classifyMedia(strings.SplitN(ct, ";", 2)[0]) != mediaJSON && ct != "*/*" {
			parts = append(parts, ct+lower)
		}
	}
	return strings.Join(append(parts, "*/*;q=0.1"), ", ")
}
