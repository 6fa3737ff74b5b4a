package runtime

import (
	"context"
	"encoding/json"

	"github.com/arazzogen/arazzogen/runtime/ecmaregex"
	"github.com/arazzogen/arazzogen/runtime/jsonpath"
	"github.com/arazzogen/arazzogen/runtime/xpath"
)

// The criteria below follow Arazzo's rule that an evaluation error (a null context, a
// context that is not JSON or XML, a pattern that fails to compile) makes the criterion
// fail rather than the workflow stop with a different error (features §11.6).

// MatchRegex reports whether re matches the context: a string as it is, raw bytes (a
// response body) as text, any other value as its text form. A null context fails.
func MatchRegex(re *ecmaregex.Regexp, v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case []byte:
		return re.MatchString(string(v))
	case json.RawMessage:
		if string(v) == "null" {
			return false
		}
		var s string
		if json.Unmarshal(v, &s) == nil {
			return re.MatchString(s)
		}
		return re.MatchString(string(v))
	case string:
		return re.MatchString(v)
	}
	return re.MatchString(Text(v))
}

// MatchRegexText compiles a pattern built at run time and matches it.
func MatchRegexText(pattern string, v any) bool {
	re, err := ecmaregex.Compile(pattern)
	return err == nil && MatchRegex(re, v)
}

// MatchJSONPath reports whether the query selects at least one node of the context (JSON
// text, or a value encoding/json can marshal). The evaluation is bounded by
// jsonpath.DefaultBudget; Step.MatchJSONPath also stops with the step's context and reports a
// spent budget.
func MatchJSONPath(p *jsonpath.Path, v any) bool {
	doc, ok := jsonText(v)
	if !ok {
		return false
	}
	found, err := p.MatchJSONContext(context.Background(), doc)
	return err == nil && found
}

// MatchJSONPathText parses a query built at run time and matches it.
func MatchJSONPathText(query string, v any) bool {
	p, err := jsonpath.Parse(query)
	return err == nil && MatchJSONPath(p, v)
}

// Found reports whether a JSON Pointer finds a value in the context, which is how a singular
// JSONPath query ($.a.b[0]) is evaluated without decoding the whole document.
func Found(v any, tokens ...string) bool {
	doc, ok := jsonText(v)
	if !ok {
		return false
	}
	_, found, err := Lookup(doc, tokens...)
	return err == nil && found
}

// MatchXPath reports whether the XPath expression, applied to the context as an XML document,
// is true by XPath's boolean() rules.
func MatchXPath(x *xpath.Expr, v any) bool {
	doc, ok := xmlText(v)
	if !ok {
		return false
	}
	ok, err := x.Match(doc)
	return err == nil && ok
}

// xmlText returns the context as XML text: bytes (a response body) or a string as they are,
// a JSON string's content; any other value has none.
func xmlText(v any) ([]byte, bool) {
	switch v := v.(type) {
	case []byte:
		return v, true
	case string:
		return []byte(v), true
	case json.RawMessage:
		var s string
		if json.Unmarshal(v, &s) != nil {
			return nil, false
		}
		return []byte(s), true
	}
	return nil, false
}

// MatchXPathText compiles an expression built at run time and matches it.
func MatchXPathText(expr string, v any) bool {
	x, err := xpath.Compile(expr)
	return err == nil && MatchXPath(x, v)
}

// jsonText returns the context as JSON text; a null or absent context has none.
func jsonText(v any) ([]byte, bool) {
	switch v := v.(type) {
	case nil:
		return nil, false
	case []byte:
		return v, json.Valid(v)
	case json.RawMessage:
		return v, len(v) > 0 && string(v) != "null"
	}
	doc, err := json.Marshal(v)
	return doc, err == nil
}
