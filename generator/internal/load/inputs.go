package load

import (
	"context"
	"strconv"
	"strings"

	"github.com/pb33f/libopenapi/datamodel/high/base"
	"github.com/pb33f/libopenapi/datamodel/low"
	lowbase "github.com/pb33f/libopenapi/datamodel/low/base"
	"github.com/pb33f/libopenapi/index"
	yaml "go.yaml.in/yaml/v4"
)

// inputSchemas sets the InputsSchema of every workflow. A "$ref" in an inputs schema (the
// whole schema, as in `inputs: {$ref: "#/components/inputs/x"}`, or any schema inside it)
// is resolved against the Arazzo document itself; one that points at nothing there, or
// outside the document, is an error at the reference.
func (d *decoder) inputSchemas(doc *Document, root *yaml.Node) {
	var idx *index.SpecIndex
	for _, w := range doc.Workflows {
		if w.Inputs == nil {
			continue
		}
		refs, bad := d.checkRefs(root, w.Inputs)
		if bad {
			w.InputsUnresolved = true
			continue
		}
		if !refs {
			w.InputsSchema = SchemaFromNode(w.Inputs)
			continue
		}
		if idx == nil {
			idx = index.NewSpecIndexWithConfig(root, index.CreateClosedAPIIndexConfig())
		}
		lsp := new(lowbase.SchemaProxy)
		if err := lsp.Build(context.Background(), nil, w.Inputs, idx); err != nil {
			continue
		}
		w.InputsSchema = base.NewSchemaProxy(&low.NodeReference[*lowbase.SchemaProxy]{Value: lsp, ValueNode: w.Inputs})
	}
}

// checkRefs reports the "$ref"s under n that do not point inside the document; found
// tells whether n holds any "$ref" at all, bad whether one was reported.
func (d *decoder) checkRefs(root, n *yaml.Node) (found, bad bool) {
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > maxSchemaDepth {
			return
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if k.Value != "$ref" || v.Kind != yaml.ScalarNode {
					continue
				}
				found = true
				switch {
				case !strings.HasPrefix(v.Value, "#"):
					bad = true
					d.diags.Errorf(d.pos(v), "bad-ref", "$ref %q points outside the Arazzo document; references in workflow inputs are resolved inside it", v.Value).
						WithHint("move the schema into components.inputs and refer to it as #/components/inputs/<name>")
				case pointerTarget(root, v.Value[1:]) == nil:
					bad = true
					d.diags.Errorf(d.pos(v), "bad-ref", "$ref %q points at nothing in the document", v.Value)
				}
			}
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return found, bad
}

// maxSchemaDepth bounds the walk of an inputs schema (its nodes are a tree once aliases
// are expanded, which MaxExpandedNodes bounds in size).
const maxSchemaDepth = 256

// pointerTarget follows a JSON Pointer ("/components/inputs/x") from the document's root.
func pointerTarget(root *yaml.Node, ptr string) *yaml.Node {
	n := root
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if ptr == "" {
		return n
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		n = resolveAlias(n)
		switch {
		case n == nil:
			return nil
		case n.Kind == yaml.MappingNode:
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == tok {
					next = n.Content[i+1]
					break
				}
			}
			n = next
		case n.Kind == yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil
			}
			n = n.Content[i]
		default:
			return nil
		}
	}
	return resolveAlias(n)
}
