package ir

import (
	"mime"
	"slices"
	"strconv"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/diag"
	"github.com/arazzogen/arazzogen/generator/internal/expr"
	"github.com/arazzogen/arazzogen/generator/internal/load"
	"github.com/arazzogen/arazzogen/generator/internal/types"
	"github.com/arazzogen/arazzogen/runtime"
	"github.com/arazzogen/arazzogen/runtime/ecmaregex"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
)

// responseView is what the description says of the responses a step's success admits:
// those whose status codes its success criteria allow (2xx when they do not constrain the
// status). Outputs and conditions read the body through it.
type responseView struct {
	// schema is the JSON schema of the body when every admitted response with content
	// agrees on one; nil leaves the body untyped (json.RawMessage, looked up at run time).
	schema *base.SchemaProxy
	// text marks a body that every admitted response declares in a text media type and
	// none in JSON: $response.body is the body's text, a string.
	text bool
	// empty marks responses that declare no content at all: the body is never there.
	empty bool
	// constrained is set when the criteria restrict the status code; codes are the
	// admitted responses' keys, and declared every key of the operation, for messages.
	constrained bool
	codes       []string
	declared    []string
	// undeclared is set when no admitted status has a response of its own (only
	// "default", or nothing, documents it).
	undeclared bool
}

// statusRange is every HTTP status code the analysis considers.
const minStatus, maxStatus = 100, 599

// boxedStatus holds each status code as the float64 that $statusCode is in a comparison,
// already in an interface: the criteria of every step are evaluated for all 500 codes, and
// boxing the code each time was one allocation in thirty of a run over the corpus.
var boxedStatus = func() (b [maxStatus - minStatus + 1]any) {
	for i := range b {
		b[i] = float64(minStatus + i)
	}
	return b
}()

// admittedStatuses evaluates the success criteria for every status code with everything
// but $statusCode unknown, and returns the codes for which they can hold. constrained is
// false when every code can: the criteria do not test the status at all.
func admittedStatuses(criteria []*load.Criterion) (codes []int, constrained bool) {
	var tests []func(int) tri
	for _, c := range criteria {
		if t := statusTest(c); t != nil {
			tests = append(tests, t)
		}
	}
	for code := minStatus; code <= maxStatus; code++ {
		ok := true
		for _, t := range tests {
			if t(code) == triFalse {
				ok = false
				break
			}
		}
		if ok {
			codes = append(codes, code)
		} else {
			constrained = true
		}
	}
	return codes, constrained
}

// tri is a truth value of a condition evaluated with some operands unknown.
type tri int

const (
	triUnknown tri = iota
	triFalse
	triTrue
)

// statusTest returns the criterion as a function of the status code, or nil when it can
// never tell (it does not read $statusCode, or reads it in a way not followed here).
func statusTest(c *load.Criterion) func(int) tri {
	switch c.Type.Value {
	case "", "simple":
		cond, err := expr.ParseCondition(c.Condition.Value)
		if err != nil || !readsStatus(cond) {
			return nil
		}
		return func(code int) tri { return evalStatus(cond, code) }
	case "regex":
		if strings.TrimSpace(c.Context.Value) != "$statusCode" {
			return nil
		}
		re, err := ecmaregex.Compile(c.Condition.Value)
		if err != nil {
			return nil
		}
		return func(code int) tri {
			if re.MatchString(strconv.Itoa(code)) {
				return triTrue
			}
			return triFalse
		}
	}
	return nil
}

func readsStatus(c expr.Cond) bool {
	switch c := c.(type) {
	case *expr.Binary:
		return readsStatus(c.L) || readsStatus(c.R)
	case *expr.Not:
		return readsStatus(c.X)
	case *expr.Ref:
		return c.Expr.Kind == expr.StatusCode
	}
	return false
}

// evalStatus evaluates a condition with $statusCode = code, as generated code would
// (runtime.Compare and runtime.Truthy), and every other expression unknown.
func evalStatus(c expr.Cond, code int) tri {
	switch c := c.(type) {
	case *expr.Binary:
		switch c.Op {
		case "&&", "||":
			l, r := evalStatus(c.L, code), evalStatus(c.R, code)
			if c.Op == "&&" {
				if l == triFalse || r == triFalse {
					return triFalse
				}
				if l == triTrue && r == triTrue {
					return triTrue
				}
				return triUnknown
			}
			if l == triTrue || r == triTrue {
				return triTrue
			}
			if l == triFalse && r == triFalse {
				return triFalse
			}
			return triUnknown
		}
		l, lok := statusOperand(c.L, code)
		r, rok := statusOperand(c.R, code)
		if !lok || !rok {
			return triUnknown
		}
		return truth(runtime.Compare(l, c.Op, r))
	case *expr.Not:
		switch evalStatus(c.X, code) {
		case triTrue:
			return triFalse
		case triFalse:
			return triTrue
		}
		return triUnknown
	}
	v, ok := statusOperand(c, code)
	if !ok {
		return triUnknown
	}
	return truth(runtime.Truthy(v))
}

func truth(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

// statusOperand is the value of a literal or of $statusCode; ok is false for anything else.
func statusOperand(c expr.Cond, code int) (v any, ok bool) {
	switch c := c.(type) {
	case *expr.Lit:
		switch c.Kind {
		case expr.LitNull:
			return nil, true
		case expr.LitBool:
			return c.Bool, true
		case expr.LitNumber:
			return c.Num, true
		case expr.LitString:
			return c.Text, true
		}
	case *expr.Ref:
		if c.Expr.Kind == expr.StatusCode {
			if code >= minStatus && code <= maxStatus {
				return boxedStatus[code-minStatus], true
			}
			return float64(code), true
		}
	}
	return nil, false
}

// responses finds the responses of op that the success criteria admit and what they say
// of the body.
func responses(op *v3.Operation, criteria []*load.Criterion) responseView {
	var view responseView
	if op == nil || op.Responses == nil {
		return view
	}
	byKey := map[string]*v3.Response{}
	var first2xx *v3.Response
	firstKey := ""
	if op.Responses.Codes != nil {
		for key, r := range op.Responses.Codes.FromOldest() {
			byKey[strings.ToUpper(key)] = r
			view.declared = append(view.declared, key)
			if first2xx == nil && strings.HasPrefix(key, "2") {
				first2xx, firstKey = r, key
			}
		}
	}
	if op.Responses.Default != nil {
		view.declared = append(view.declared, "default")
	}
	var admitted []*v3.Response
	codes, constrained := admittedStatuses(criteria)
	view.constrained = constrained
	switch {
	case !constrained && first2xx != nil:
		// Without a test of the status, the first 2xx response is the success response,
		// as descriptions mean it (201 Created before 202 Accepted).
		admitted, view.codes = []*v3.Response{first2xx}, []string{firstKey}
	case !constrained:
		if r := op.Responses.Default; r != nil {
			admitted, view.codes = []*v3.Response{r}, []string{"default"}
		}
	default:
		view.undeclared = len(codes) > 0
		for _, code := range codes {
			key := strconv.Itoa(code)
			r := byKey[key]
			if r == nil {
				key = key[:1] + "XX"
				r = byKey[key]
			}
			if r != nil {
				view.undeclared = false
			} else if r = op.Responses.Default; r != nil {
				key = "default"
			}
			if r == nil || slices.Contains(admitted, r) {
				continue
			}
			admitted = append(admitted, r)
			view.codes = append(view.codes, key)
		}
	}
	view.empty = len(admitted) > 0
	first := true
	for _, r := range admitted {
		schema, text, has := responseBody(r)
		if !has {
			continue // no content: nothing to disagree with
		}
		view.empty = false
		if first {
			view.schema, view.text, first = schema, text, false
			continue
		}
		if text != view.text || !sameSchema(schema, view.schema) {
			view.schema, view.text = nil, false
		}
	}
	return view
}

// responseBody is what a response declares of its body: the schema of its first JSON
// media type, else (text) that the body is text; has is false when it declares no content.
func responseBody(r *v3.Response) (schema *base.SchemaProxy, text, has bool) {
	if r.Content == nil || r.Content.Len() == 0 {
		return nil, false, false
	}
	for ct, mt := range r.Content.FromOldest() {
		if isJSONMediaType(ct) {
			return mt.Schema, false, true
		}
	}
	for ct := range r.Content.KeysFromOldest() {
		if isTextMediaType(ct) {
			return nil, true, true
		}
	}
	return nil, false, true
}

// isJSONMediaType reports whether a media type is JSON (or a range that includes JSON).
func isJSONMediaType(ct string) bool {
	return strings.Contains(strings.ToLower(ct), "json")
}

// isTextMediaType reports whether a response in this media type is text that a string
// holds: text/*, XML, form data, YAML and the like; not images, PDFs or octet streams.
func isTextMediaType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"), mt == "application/xml", strings.HasSuffix(mt, "+xml"),
		mt == "application/x-www-form-urlencoded", strings.HasSuffix(mt, "yaml"), mt == "application/javascript":
		return true
	}
	return false
}

// sameSchema reports whether two schemas (of responses, or of messages) are the same: the
// same component, the same schema object, or objects built from the same node.
func sameSchema(a, b *base.SchemaProxy) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a == b {
		return true
	}
	if ra, rb := a.GetReference(), b.GetReference(); ra != "" && ra == rb {
		return true
	}
	sa, sb := schemaOf(a), schemaOf(b)
	if sa == nil || sb == nil {
		return false
	}
	return sa == sb || sa.GoLow() != nil && sb.GoLow() != nil && sa.GoLow().RootNode == sb.GoLow().RootNode
}

// declaredBody types $response.body (v) by what the admitted responses declare when that
// is not a JSON schema: a text body is a string, which a JSON pointer selects nothing in,
// and an output read from a body no admitted response declares has no value (both with a
// warning; the body is still read, should the server send one). It returns
// nil when the body is JSON or undescribed, for the schema to type it.
func (b *builder) declaredBody(sc *scope, e *expr.Expr, pos diag.Pos, v *Value) *Value {
	view, op := sc.view, sc.current.OperationID
	switch {
	case view.text && len(e.Pointer) == 0:
		v.Type = types.Type{Kind: types.String}
		return v
	case view.text:
		b.diags.Warnf(pos, "text-body", "operation %s answers %s with text, not JSON, so the JSON pointer %s selects nothing in it; %s has no value when the workflow runs (null)", op, responseNames(view.codes), pointerText(e.Pointer), e.Raw).
			WithHint("read the whole body as text with $response.body, or test it with a regex criterion")
		return absent(e.Raw)
	case view.empty && sc.output != "":
		b.diags.Warnf(pos, "no-content", "output %q reads %s, but operation %s declares no content for %s: the output has no value when the workflow runs (null)", sc.output, e.Raw, op, responseNames(view.codes)).
			WithHint("read a header or $statusCode instead, or fix the description if the response has a body")
		v.Type = types.Type{Kind: types.Raw}
		return v
	}
	return nil
}

// responseNames names response keys for messages: "response 204", "responses 200 and 204".
func responseNames(keys []string) string {
	if len(keys) == 1 {
		return "response " + keys[0]
	}
	return "responses " + strings.Join(keys[:len(keys)-1], ", ") + " and " + keys[len(keys)-1]
}

// warnUndeclaredStatus reports success criteria that admit only status codes the operation
// declares no response for ($statusCode == 200 on an operation that answers 201): the step
// can only succeed on a response its description does not document, which is usually a
// wrong code in the criterion.
func (b *builder) warnUndeclaredStatus(st *Step, criteria []*load.Criterion, view responseView) {
	if !view.constrained || !view.undeclared || len(view.declared) == 0 {
		return
	}
	at := criteria[0]
	for _, c := range criteria {
		if statusTest(c) != nil {
			at = c
			break
		}
	}
	codes, _ := admittedStatuses(criteria)
	declared := slices.DeleteFunc(slices.Clone(view.declared), func(k string) bool { return k == "default" })
	what := "declares no response for it"
	if len(declared) > 0 {
		what = "declares responses " + strings.Join(declared, ", ")
	}
	d := b.diags.Warnf(at.Condition.Pos, "undeclared-status", "the success criteria of step %q hold only for status %s, and operation %s %s", st.ID, statusRanges(codes), st.OperationID, what)
	if len(declared) > 0 {
		d.WithHint("test a status the operation declares, such as $statusCode == %s", strings.ReplaceAll(declared[0], "XX", "00"))
	}
}

// statusRanges writes status codes compactly: "200", "200 or 204", "200-299".
func statusRanges(codes []int) string {
	var parts []string
	for i := 0; i < len(codes); {
		j := i
		for j+1 < len(codes) && codes[j+1] == codes[j]+1 {
			j++
		}
		if j == i {
			parts = append(parts, strconv.Itoa(codes[i]))
		} else {
			parts = append(parts, strconv.Itoa(codes[i])+"-"+strconv.Itoa(codes[j]))
		}
		i = j + 1
	}
	if len(parts) > 1 {
		return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
	}
	return strings.Join(parts, "")
}
