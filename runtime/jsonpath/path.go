package jsonpath

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/arazzogen/arazzogen/runtime/internal/budget"
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
// nodelist in order. Nothing selected yields an empty result. An evaluation that would pass
// DefaultBudget yields nil as well; SelectContext tells the two apart.
func (p *Path) Select(root any) []any {
	nodes, _ := p.SelectContext(context.Background(), root)
	return nodes
}

// SelectContext is Select, stopped with an error when ctx is done or the evaluation would
// pass DefaultBudget (errors.Is(err, ErrBudget)).
func (p *Path) SelectContext(ctx context.Context, root any) ([]any, error) {
	return p.selectWith(newBudget(ctx, 0), root)
}

func (p *Path) selectWith(b *budget.Budget, root any) (nodes []any, err error) {
	if p.q.singular {
		// The common case of a plain path: no intermediate nodelists.
		if v, ok := p.q.single(root, root); ok {
			return []any{v}, nil
		}
		return nil, nil
	}
	err = budget.Run(func() { nodes = p.q.eval(&env{root: root, b: b}, root) })
	if err != nil {
		return nil, err
	}
	return nodes, nil
}

// SelectJSON decodes doc and applies the query to it. Numbers are decoded as json.Number so
// that large integers keep their precision in comparisons and in the values returned.
// A document that is not exactly one JSON value is an error, and so is an evaluation that
// would pass its budget (see SelectJSONContext).
func (p *Path) SelectJSON(doc []byte) ([]any, error) {
	return p.SelectJSONContext(context.Background(), doc)
}

// SelectJSONContext is SelectJSON, stopped with an error when ctx is done or the
// evaluation would pass its budget: DefaultBudget and eight units per byte of doc
// (errors.Is(err, ErrBudget)).
func (p *Path) SelectJSONContext(ctx context.Context, doc []byte) ([]any, error) {
	v, err := decodeDocument(doc)
	if err != nil {
		return nil, err
	}
	return p.selectWith(newBudget(ctx, len(doc)), v)
}

// MatchJSONContext reports whether the query selects at least one node of doc, the way an
// Arazzo jsonpath criterion passes. Only the emptiness of the nodelist is worked out, which
// never takes more than a few visits of each node per segment. The errors are those of
// SelectJSONContext.
func (p *Path) MatchJSONContext(ctx context.Context, doc []byte) (bool, error) {
	v, err := decodeDocument(doc)
	if err != nil {
		return false, err
	}
	return p.matchWith(newBudget(ctx, len(doc)), v)
}

// MatchContext is MatchJSONContext on a value decoded by encoding/json.
func (p *Path) MatchContext(ctx context.Context, root any) (bool, error) {
	return p.matchWith(newBudget(ctx, 0), root)
}

func (p *Path) matchWith(b *budget.Budget, root any) (found bool, err error) {
	if p.q.singular {
		_, ok := p.q.single(root, root)
		return ok, nil
	}
	err = budget.Run(func() { found = p.q.exists(&env{root: root, b: b}, root) })
	return found && err == nil, err
}

// decodeDocument decodes exactly one JSON value, numbers as json.Number.
func decodeDocument(doc []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("jsonpath: invalid JSON document: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("jsonpath: invalid JSON document: data after the top-level value")
	}
	return v, nil
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
