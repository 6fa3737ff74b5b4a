package load

import (
	"testing"

	"github.com/arazzogen/arazzogen/generator/internal/diag"
	yaml "go.yaml.in/yaml/v4"
)

func TestInputsResolvesComponentReferences(t *testing.T) {
	src := `arazzo: 1.0.1
info: {title: T, version: "1"}
sourceDescriptions: [{name: a, url: a.yaml}]
workflows:
  - workflowId: w
    inputs:
      $ref: '#/components/inputs/order'
    steps: [{stepId: s, operationId: op}]
components:
  inputs:
    order:
      type: object
      properties:
        store:
          $ref: '#/components/inputs/store'
          description: where
        tree: {$ref: '#/components/inputs/node'}
        gone: {$ref: '#/components/inputs/missing'}
        remote: {$ref: 'other.yaml#/components/inputs/store'}
    store: {type: string}
    node:
      type: object
      properties:
        children: {type: array, items: {$ref: '#/components/inputs/node'}}
`
	var diags diag.List
	doc := Decode("f.yaml", ParseYAML("f.yaml", []byte(src), &diags), &diags)
	if diags.HasErrors() {
		t.Fatal(diags.Sorted())
	}
	original, _ := yaml.Marshal(doc.Workflows[0].Inputs)
	got, err := yaml.Marshal(doc.Inputs(doc.Workflows[0].Inputs))
	if err != nil {
		t.Fatal(err)
	}
	// The store keeps its description beside the schema it references; a recursive schema
	// is expanded once and then left as a reference; references to nothing or to other
	// documents stay as they are.
	want := `type: object
properties:
    store:
        description: where
        allOf:
            - {type: string}
    tree:
        type: object
        properties:
            children: {type: array, items: {$ref: '#/components/inputs/node'}}
    gone: {$ref: '#/components/inputs/missing'}
    remote: {$ref: 'other.yaml#/components/inputs/store'}
`
	if string(got) != want {
		t.Errorf("resolved:\n%s\nwant:\n%s", got, want)
	}
	if after, _ := yaml.Marshal(doc.Workflows[0].Inputs); string(after) != string(original) {
		t.Errorf("the document's inputs changed:\n%s\nwas:\n%s", after, original)
	}
}
