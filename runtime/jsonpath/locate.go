package jsonpath

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Locate applies the query to a value decoded by encoding/json, like Select, and returns
// where each node of the resulting nodelist is instead of its value: its normalized path
// (RFC 9535 §2.7) as RFC 6901 JSON Pointer reference tokens, unescaped, in nodelist order.
// "$" yields one empty location. Arazzo payload replacements use it to set a value at every
// node a JSONPath target selects.
func (p *Path) Locate(root any) [][]string {
	nodes := p.q.locate(&env{root: root}, root)
	out := make([][]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.at
	}
	return out
}

// LocateJSON decodes doc (numbers as json.Number, as SelectJSON does) and locates the
// query's nodes in it. A document that is not exactly one JSON value is an error.
func (p *Path) LocateJSON(doc []byte) ([][]string, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("jsonpath: invalid JSON document: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("jsonpath: invalid JSON document: data after the top-level value")
	}
	return p.Locate(v), nil
}

// located is a node with its location.
type located struct {
	v  any
	at []string
}

// child is the location of a child of a node at at; the parent's slice is never shared
// for writing, so sibling locations stay independent.
func child(at []string, tok string) []string {
	return append(at[:len(at):len(at)], tok)
}

// locate is eval with locations. A Path's query is always absolute.
func (q *query) locate(e *env, root any) []located {
	nodes := []located{{v: root, at: []string{}}}
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
	for k := range seg.sels {
		out = seg.sels[k].applyLocated(e, n, out)
	}
	return out
}

// descendLocated visits nodes in the order descend does.
func (seg *segment) descendLocated(e *env, n located, out []located) []located {
	out = seg.applyLocated(e, n, out)
	switch v := n.v.(type) {
	case []any:
		for i, c := range v {
			out = seg.descendLocated(e, located{c, child(n.at, strconv.Itoa(i))}, out)
		}
	case map[string]any:
		for _, k := range sortedKeys(v) {
			out = seg.descendLocated(e, located{v[k], child(n.at, k)}, out)
		}
	}
	return out
}

func (sel *selector) applyLocated(e *env, n located, out []located) []located {
	switch sel.kind {
	case selName:
		if m, ok := n.v.(map[string]any); ok {
			if c, ok := m[sel.name]; ok {
				out = append(out, located{c, child(n.at, sel.name)})
			}
		}
	case selWildcard:
		switch v := n.v.(type) {
		case []any:
			for i, c := range v {
				out = append(out, located{c, child(n.at, strconv.Itoa(i))})
			}
		case map[string]any:
			for _, k := range sortedKeys(v) {
				out = append(out, located{v[k], child(n.at, k)})
			}
		}
	case selIndex:
		if a, ok := n.v.([]any); ok {
			if i, ok := normIndex(sel.index, len(a)); ok {
				out = append(out, located{a[i], child(n.at, strconv.Itoa(i))})
			}
		}
	case selSlice:
		if a, ok := n.v.([]any); ok {
			sel.eachSliced(len(a), func(i int) {
				out = append(out, located{a[i], child(n.at, strconv.Itoa(i))})
			})
		}
	case selFilter:
		switch v := n.v.(type) {
		case []any:
			for i, c := range v {
				if sel.filter.test(e, c) {
					out = append(out, located{c, child(n.at, strconv.Itoa(i))})
				}
			}
		case map[string]any:
			for _, k := range sortedKeys(v) {
				if c := v[k]; sel.filter.test(e, c) {
					out = append(out, located{c, child(n.at, k)})
				}
			}
		}
	}
	return out
}
