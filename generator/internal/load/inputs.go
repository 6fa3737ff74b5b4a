package load

import (
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v4"
)

// Inputs returns a workflow's inputs schema with the document-local references in it
// ("$ref: '#/components/inputs/pagination'", features §5.4 and §10.4) replaced by what they
// point at, so that the schema can be read without the document around it. References are
// resolved in this document only: components are scoped to the document that defines them.
// A reference that points at nothing, outside the document, or back into itself (a
// recursive schema) is left as it is, and what it stands for stays untyped. n is not
// changed.
func (d *Document) Inputs(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	r := inputRefs{components: d.Components.Node, active: map[*yaml.Node]bool{}}
	return r.copy(n, 0)
}

type inputRefs struct {
	components *yaml.Node
	active     map[*yaml.Node]bool // targets being expanded, to stop recursion
}

// maxInputDepth bounds the copy, as aliases could otherwise make it large.
const maxInputDepth = 200

func (r *inputRefs) copy(n *yaml.Node, depth int) *yaml.Node {
	n = resolveAlias(n)
	if n == nil || depth > maxInputDepth {
		return n
	}
	if n.Kind == yaml.MappingNode {
		if target := r.target(n); target != nil {
			r.active[target] = true
			resolved := r.copy(target, depth+1)
			delete(r.active, target)
			return withSiblings(n, resolved, func(c *yaml.Node) *yaml.Node { return r.copy(c, depth+1) })
		}
	}
	if len(n.Content) == 0 {
		return n // scalars are shared: nothing changes them
	}
	out := *n
	out.Content = make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out.Content[i] = r.copy(c, depth+1)
	}
	return &out
}

// target returns the node that a mapping's $ref points at, when it is a reference this
// document resolves.
func (r *inputRefs) target(n *yaml.Node) *yaml.Node {
	ref := ""
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "$ref" {
			ref = n.Content[i+1].Value
		}
	}
	rest, ok := strings.CutPrefix(ref, "#/components/")
	if !ok || r.components == nil {
		return nil
	}
	cur := r.components
	for _, tok := range strings.Split(rest, "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		cur = child(resolveAlias(cur), tok)
		if cur == nil {
			return nil
		}
	}
	cur = resolveAlias(cur)
	if r.active[cur] {
		return nil
	}
	return cur
}

// child is the value of key in a mapping, or the element at an index of a sequence.
func child(n *yaml.Node, key string) *yaml.Node {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1]
			}
		}
	case yaml.SequenceNode:
		if i, err := strconv.Atoi(key); err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i]
		}
	}
	return nil
}

// withSiblings is the resolved target of a $ref mapping. Keywords beside the $ref (JSON
// Schema 2020-12 applies both) are kept, with the target as an allOf entry, which the type
// mapping reads as the schema it wraps.
func withSiblings(ref, resolved *yaml.Node, copy func(*yaml.Node) *yaml.Node) *yaml.Node {
	if len(ref.Content) == 2 {
		return resolved
	}
	out := *ref
	out.Content = nil
	allOf := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for i := 0; i+1 < len(ref.Content); i += 2 {
		k, v := ref.Content[i], ref.Content[i+1]
		switch k.Value {
		case "$ref":
			continue
		case "allOf":
			if v = copy(v); v.Kind == yaml.SequenceNode {
				allOf.Content = append(allOf.Content, v.Content...)
			}
			continue
		}
		out.Content = append(out.Content, k, copy(v))
	}
	allOf.Content = append(allOf.Content, resolved)
	out.Content = append(out.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "allOf"}, allOf)
	return &out
}
