package runtime

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/arazzogen/arazzogen/runtime/jsonpath"
	"github.com/arazzogen/arazzogen/runtime/xpath"
)

// This file holds what generated code needs for Arazzo 1.1 Selector Objects and for payload
// replacements whose target is a JSONPath or XPath expression, and what $request
// expressions read when the step's own parameters and payload do not decide the value.

// RequestHeader returns the first value of a header of the request this response answers,
// as it was sent, credentials and defaults (Accept) included; "" when it was not sent.
// Names are case-insensitive. It is what $request.header.<name> reads for a header that the
// step does not set itself.
func (r *Response) RequestHeader(name string) string {
	if r.sent == nil {
		return ""
	}
	return r.sent.Get(name)
}

// RequestBody returns the body of the request this response answers, as it was sent; nil
// when it had none. It is what $request.body reads when the body was built at run time.
func (r *Response) RequestBody() []byte {
	if r.req == nil {
		return nil
	}
	return r.req.Body
}

// SelectJSONPath evaluates a Selector Object of type jsonpath on its context (JSON text, or a
// value encoding/json can marshal). A singular query (one that can select at most one node)
// yields the value it selects, or null when it selects nothing; any other query yields its
// nodelist as a JSON array, empty when it selects nothing. The query's form, known when the
// code is generated, decides the shape, so that the result's type never depends on the data
// (features AMB-B4). A context that is not JSON yields null.
func SelectJSONPath(p *jsonpath.Path, v any) json.RawMessage {
	doc, ok := jsonText(v)
	if !ok {
		return nil
	}
	nodes, err := p.SelectJSON(doc)
	return selectedJSON(p, nodes, err)
}

// selectedJSON is the JSON a jsonpath Selector Object yields for a nodelist.
func selectedJSON(p *jsonpath.Path, nodes []any, err error) json.RawMessage {
	if err != nil {
		return nil
	}
	var out any = nodes
	if p.Singular() {
		if len(nodes) == 0 {
			return nil
		}
		out = nodes[0]
	} else if nodes == nil {
		out = []any{}
	}
	raw, err := json.Marshal(out)
	if err != nil {
		return nil
	}
	return raw
}

// SelectXPath evaluates a Selector Object of type xpath on its context, an XML document:
// bytes (a response body), a string, or a JSON string. Generated code takes the result's
// string, number or boolean as the expression's type says (a node-set gives the
// string-value of its first node). A context that is not an XML document yields the empty
// node-set.
func SelectXPath(x *xpath.Expr, v any) xpath.Value {
	doc, ok := xmlText(v)
	if !ok {
		return xpath.Value{}
	}
	val, err := x.Evaluate(doc)
	if err != nil {
		return xpath.Value{}
	}
	return val
}

// ReplaceJSONPath applies a payload replacement whose target is a JSONPath query to a JSON
// body: the value of every node the query selects is replaced by the JSON encoding of value.
// A node inside another selected node is left to that node, and a query that selects
// nothing leaves the body as it is (features AMB-B4). The rest of the body is kept byte for
// byte.
func ReplaceJSONPath(doc []byte, p *jsonpath.Path, value any) ([]byte, error) {
	locations, err := p.LocateJSON(doc)
	if err != nil {
		return nil, fmt.Errorf("payload replacement at %s: %w", p, err)
	}
	for _, at := range Outermost(locations) {
		if doc, err = ReplaceJSON(doc, value, at...); err != nil {
			return nil, err
		}
	}
	return doc, nil
}

// Outermost drops the locations that lie inside another location of the list (and repeats
// of one), keeping the order of the rest: replacing the outer value replaces what is inside.
func Outermost(locations [][]string) [][]string {
	key := func(at []string) string {
		var b strings.Builder
		for _, t := range at {
			b.WriteString(strconv.Itoa(len(t)))
			b.WriteByte(':')
			b.WriteString(t)
		}
		return b.String()
	}
	selected := make(map[string]bool, len(locations))
	for _, at := range locations {
		selected[key(at)] = true
	}
	var out [][]string
	seen := map[string]bool{}
	for _, at := range locations {
		k := key(at)
		covered := seen[k]
		for n := 0; n < len(at) && !covered; n++ {
			covered = selected[key(at[:n])]
		}
		if !covered {
			seen[k] = true
			out = append(out, at)
		}
	}
	return out
}

// ReplaceXPath applies a payload replacement whose target is an XPath expression to an XML
// body: every element, attribute or text node the expression selects gets the text of value
// (as Text renders it), escaped for where it stands. Selecting nothing leaves the body as it
// is; see xpath.Expr.ReplaceText for the rest.
func ReplaceXPath(doc []byte, x *xpath.Expr, value any) ([]byte, error) {
	out, _, err := x.ReplaceText(doc, Text(value))
	if err != nil {
		return nil, fmt.Errorf("payload replacement at %s: %w", x, err)
	}
	return out, nil
}
