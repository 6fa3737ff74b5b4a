package jsonpath

import (
	"context"
	"github.com/arazzogen/arazzogen/runtime/internal/budget"
	"strconv"
)

// Locate applies the query to a value decoded by encoding/json, like Select, and returns
// where each node of the resulting nodelist is instead of its value: its normalized path
// (RFC 9535 §2.7) as RFC 6901 JSON Pointer reference tokens, unescaped, in nodelist order.
// "$" yields one empty location. Arazzo payload replacements use it to set a value at every
// node a JSONPath target selects. Like Select, it yields nil when the evaluation would pass
// DefaultBudget; LocateContext says so.
func (p *Path) Locate(root any) [][]string {
	out, _ := p.LocateContext(context.Background(), root)
	return out
}

// LocateContext is Locate, stopped with an error when ctx is done or the evaluation would
// pass DefaultBudget (errors.Is(err, ErrBudget)). Each location costs its length.
func (p *Path) LocateContext(ctx context.Context, root any) ([][]string, error) {
	return p.locateWith(newBudget(ctx, 0), root)
}

func (p *Path) locateWith(b *budget.Budget, root any) (out [][]string, err error) {
	err = budget.Run(func() {
		e := &env{root: root, b: b}
		nodes := p.q.locate(e, root)
		out = make([][]string, len(nodes))
		for i, n := range nodes {
			out[i] = n.at.tokens(e)
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// LocateJSON decodes doc (numbers as json.Number, as SelectJSON does) and locates the
// query's nodes in it. A document that is not exactly one JSON value is an error.
func (p *Path) LocateJSON(doc []byte) ([][]string, error) {
	return p.LocateJSONContext(context.Background(), doc)
}

// LocateJSONContext is LocateJSON, stopped with an error when ctx is done or the
// evaluation would pass its budget (DefaultBudget and eight units per byte of doc).
func (p *Path) LocateJSONContext(ctx context.Context, doc []byte) ([][]string, error) {
	v, err := decodeDocument(doc)
	if err != nil {
		return nil, err
	}
	return p.locateWith(newBudget(ctx, len(doc)), v)
}

// location is where a node is: the token that leads to it from its parent's location. A
// child shares its parent's location, so a node costs one token however deep it lies; the
// tokens are written out only for the nodes selected.
type location struct {
	parent *location
	tok    string
	depth  int
}

func (l *location) child(tok string) *location {
	d := 1
	if l != nil {
		d = l.depth + 1
	}
	return &location{parent: l, tok: tok, depth: d}
}

func (l *location) tokens(e *env) []string {
	if l == nil {
		return []string{}
	}
	e.b.Spend(l.depth)
	out := make([]string, l.depth)
	for x := l; x != nil; x = x.parent {
		out[x.depth-1] = x.tok
	}
	return out
}

// located is a node with its location.
type located struct {
	v  any
	at *location
}

// locate is eval with locations. A Path's query is always absolute.
func (q *query) locate(e *env, root any) []located {
	nodes := []located{{v: root}}
	for k := range q.segs {
		seg := &q.segs[k]
		var next []located
		for _, n := range nodes {
			if seg.descendant {
				next = seg.descendLocated(e, n, next)
			} else {
				next = seg.applyLocated(e, n, next)
			}
		}
		nodes = next
		if len(nodes) == 0 {
			break
		}
	}
	return nodes
}

func (seg *segment) applyLocated(e *env, n located, out []located) []located {
	before := len(out)
	for k := range seg.sels {
		out = seg.sels[k].applyLocated(e, n, out)
	}
	e.b.Spend(1 + 8*(len(out)-before))
	return out
}

// descendLocated visits nodes in the order descend does.
func (seg *segment) descendLocated(e *env, n located, out []located) []located {
	out = seg.applyLocated(e, n, out)
	switch v := n.v.(type) {
	case []any:
		for i, c := range v {
			out = seg.descendLocated(e, located{c, n.at.child(strconv.Itoa(i))}, out)
		}
	case map[string]any:
		for _, k := range sortedKeys(e, v) {
			out = seg.descendLocated(e, located{v[k], n.at.child(k)}, out)
		}
	}
	return out
}

func (sel *selector) applyLocated(e *env, n located, out []located) []located {
	switch sel.kind {
	case selName:
		if m, ok := n.v.(map[string]any); ok {
			if c, ok := m[sel.name]; ok {
				out = append(out, located{c, n.at.child(sel.name)})
			}
		}
	case selWildcard:
		switch v := n.v.(type) {
		case []any:
			for i, c := range v {
				out = append(out, located{c, n.at.child(strconv.Itoa(i))})
			}
		case map[string]any:
			for _, k := range sortedKeys(e, v) {
				out = append(out, located{v[k], n.at.child(k)})
			}
		}
	case selIndex:
		if a, ok := n.v.([]any); ok {
			if i, ok := normIndex(sel.index, len(a)); ok {
				out = append(out, located{a[i], n.at.child(strconv.Itoa(i))})
			}
		}
	case selSlice:
		if a, ok := n.v.([]any); ok {
			sel.eachSliced(len(a), func(i int) {
				out = append(out, located{a[i], n.at.child(strconv.Itoa(i))})
			})
		}
	case selFilter:
		switch v := n.v.(type) {
		case []any:
			e.b.Spend(len(v))
			for i, c := range v {
				if sel.filter.test(e, c) {
					out = append(out, located{c, n.at.child(strconv.Itoa(i))})
				}
			}
		case map[string]any:
			for _, k := range sortedKeys(e, v) {
				if c := v[k]; sel.filter.test(e, c) {
					out = append(out, located{c, n.at.child(k)})
				}
			}
		}
	}
	return out
}
