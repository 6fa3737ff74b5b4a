package load

import (
	"slices"
	"testing"

	"github.com/arazzogen/arazzogen/generator/internal/diag"
)

// Workflow inputs given as a $ref into components.inputs, whole or per property, are
// resolved against the document; a recursive reference stays a reference.
func TestInputsSchemaRefs(t *testing.T) {
	src := `arazzo: 1.0.1
info: {title: t, version: "1"}
sourceDescriptions: [{name: s, url: ./s.yaml}]
workflows:
  - workflowId: whole
    inputs: {$ref: "#/components/inputs/order"}
    steps: [{stepId: a, operationId: x}]
  - workflowId: inline
    inputs:
      type: object
      properties:
        id: {type: string}
    steps: [{stepId: a, operationId: x}]
components:
  inputs:
    order:
      type: object
      properties:
        id: {type: string}
        filter: {$ref: "#/components/inputs/filter"}
    filter:
      type: object
      properties:
        q: {type: integer}
        parent: {$ref: "#/components/inputs/filter"}
`
	var diags diag.List
	root := ParseYAML("wf.yaml", []byte(src), &diags)
	doc := Decode("wf.yaml", root, &diags)
	if diags.HasErrors() || doc == nil {
		t.Fatalf("decode: %v", diags.Sorted())
	}
	whole := doc.Workflows[0].InputsSchema.Schema()
	if whole == nil || whole.Properties == nil {
		t.Fatal("inputs: {$ref} was not resolved")
	}
	var names []string
	for name := range whole.Properties.KeysFromOldest() {
		names = append(names, name)
	}
	if !slices.Equal(names, []string{"id", "filter"}) {
		t.Fatalf("inputs properties %v, want [id filter]", names)
	}
	filter := whole.Properties.GetOrZero("filter")
	if filter.GetReference() != "#/components/inputs/filter" || filter.Schema() == nil {
		t.Fatalf("nested $ref %q not resolved", filter.GetReference())
	}
	q := filter.Schema().Properties.GetOrZero("q").Schema()
	if q == nil || !slices.Equal(q.Type, []string{"integer"}) {
		t.Errorf("filter.q = %+v, want an integer schema", q)
	}
	parent := filter.Schema().Properties.GetOrZero("parent")
	if parent.GetReference() != "#/components/inputs/filter" {
		t.Errorf("the recursive reference reads %q", parent.GetReference())
	}
	if s := doc.Workflows[1].InputsSchema.Schema(); s == nil || s.Properties.GetOrZero("id") == nil {
		t.Error("inline inputs without $ref lost their properties")
	}
}
