package jsonpath

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Path is a parsed JSONPath query. It is immutable and safe for concurrent use.
type Path struct {
	src string
	q   *query
}

// SyntaxError reports a query that is not well-formed or not well-typed (RFC 9535 §2.4.3).
type SyntaxError struct {
	Offset int    // byte offset in the query where the problem was found
	Msg    string // what was expected or what is wrong
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("jsonpath: offset %d: %s", e.Offset, e.Msg)
}

// Parse parses an RFC 9535 JSONPath query. Every error it returns is a *SyntaxError.
func Parse(query string) (*Path, error) {
	q, err := parse(query)
	if err != nil {
		return nil, err
	}
	return &Path{src: query, q: q}, nil
}

// MustParse is Parse for queries already validated (for example at generation time); it
// panics on a syntax error.
func MustParse(query string) *Path {
	p, err := Parse(query)
	if err != nil {
		panic(err)
	}
	return p
}

// String returns the query exactly as it was given to Parse.
func (p *Path) String() string { return p.src }

// Select applies the query to a value decoded by encoding/json (nil, bool, float64 or
// json.Number, string, []any, map[string]any) and returns the values of the resulting
// nodelist in order. Nothing selected yields an empty result.
func (p *Path) Select(root any) []any {
	if p.q.singular {
		// The common case of a plain path: no intermediate nodelists.
		if v, ok := p.q.single(root, root); ok {
			return []any{v}
		}
		return nil
	}
	return p.q.eval(&env{root: root}, root)
}

// SelectJSON decodes doc and applies the query to it. Numbers are decoded as json.Number so
// that large integers keep their precision in comparisons and in the values returned.
// A document that is not exactly one JSON value is an error.
func (p *Path) SelectJSON(doc []byte) ([]any, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("jsonpath: invalid JSON document: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("jsonpath: invalid JSON document: data after the top-level value")
	}
	return p.Select(v), nil
}

// Singular reports whether the query can select at most one node: it is made of child
// segments that each hold a single name or index selector (RFC 9535 §2.3.5.1). "$" is
// singular.
func (p *Path) Singular() bool { return p.q.singular }

// Tokens returns the RFC 6901 JSON Pointer reference tokens (unescaped) equivalent to a
// singular query made only of name and non-negative index selectors, so that
// $.data.items[0].id becomes ["data", "items", "0", "id"]; "$" yields an empty list.
//
// ok is false for any other query, and also for a name that is itself an RFC 6901 array
// index ("0", "12"): a pointer would select an array element with it where the name selector
// selects nothing. The one difference that remains is the converse: an index token applied
// to an object finds a member of that name, where an index selector selects nothing.
func (p *Path) Tokens() (tokens []string, ok bool) {
	if !p.q.singular {
		return nil, false
	}
	tokens = make([]string, 0, len(p.q.segs))
	for _, seg := range p.q.segs {
		sel := &seg.sels[0]
		switch sel.kind {
		case selName:
			if isArrayIndexToken(sel.name) {
				return nil, false
			}
			tokens = append(tokens, sel.name)
		case selIndex:
			if sel.index < 0 {
				return nil, false
			}
			tokens = append(tokens, strconv.FormatInt(sel.index, 10))
		default:
			return nil, false
		}
	}
	return tokens, true
}

// isArrayIndexToken matches RFC 6901's array-index: "0" or digits without a leading zero.
func isArrayIndexToken(s string) bool {
	if s == "" || len(s) > 1 && s[0] == '0' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
