package ir

import (
	"strings"
	"testing"

	"github.com/arazzogen/arazzogen/generator/internal/diag"
	"github.com/arazzogen/arazzogen/generator/internal/load"
)

// build compiles one Arazzo document whose only source "api" is the given OpenAPI
// description, and returns the program and the diagnostics as the command prints them.
func build(t *testing.T, arazzo, openapi string) (*Program, string) {
	t.Helper()
	var diags diag.List
	root := load.ParseYAML("wf.yaml", []byte(arazzo), &diags)
	if root == nil {
		t.Fatalf("parse: %v", diags.Sorted())
	}
	doc := load.Decode("wf.yaml", root, &diags)
	oa, err := load.ParseOpenAPI("api.yaml", []byte(openapi))
	if err != nil {
		t.Fatal(err)
	}
	p := Build(Input{Package: "p", Doc: doc, OpenAPI: map[string]*load.OpenAPI{"api": oa}}, &diags)
	var lines []string
	for _, d := range diags.Sorted() {
		lines = append(lines, d.String())
	}
	return p, strings.Join(lines, "\n")
}

const payloadAPI = `openapi: 3.1.0
info: {title: api, version: "1"}
paths:
  /things:
    post:
      operationId: create
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/New"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
components:
  schemas:
    New:
      type: object
      required: [name, id, kind, parts, undeclared]
      properties:
        id: {type: string, readOnly: true}
        name: {type: string}
        kind: {type: string}
        parts:
          type: array
          items:
            type: object
            required: [sku]
            properties:
              sku: {type: string}
        meta:
          type: object
          additionalProperties: {type: object, properties: {n: {type: integer}}, required: [n]}
        free: {type: object}
        choice:
          oneOf: [{type: object, properties: {a: {type: string}}}, {type: string}]
    Thing:
      allOf:
        - {$ref: "#/components/schemas/New"}
        - type: object
          properties:
            created: {type: string, format: date-time}
`

func payloadWorkflow(payload string) string {
	return `arazzo: 1.0.1
info: {title: t, version: "1"}
sourceDescriptions:
  - {name: api, url: api.yaml, type: openapi}
workflows:
  - workflowId: w
    inputs:
      type: object
      properties:
        name: {type: string}
    steps:
      - stepId: s
        operationId: create
        requestBody:
          payload:
` + payload
}

func TestPayloadChecks(t *testing.T) {
	for _, c := range []struct {
		name, payload, want string
	}{
		{
			name: "complete",
			payload: `            name: $inputs.name
            kind: k
            undeclared: 1
            parts: [{sku: a}]
            meta: {x: {n: 1}}
            free: {anything: 1}
            choice: {b: 2}
`,
			// id is readOnly; undeclared is required without being declared; meta admits
			// other members; free and choice say nothing about their members.
		},
		{
			name: "misspelled and missing",
			payload: `            nme: $inputs.name
            kind: k
            undeclared: 1
            parts: [{sku: a}, {skew: b}]
            meta: {x: {}}
`,
			want: `wf.yaml:15:11: warning: operation create requires property "name" in the request body, but the payload does not set it
	hint: the payload sets "nme"; did you mean "name"?
wf.yaml:16:13: warning: the request body schema of operation create has no property "nme"
	hint: did you mean "name"?
wf.yaml:19:31: warning: operation create requires property "sku" in the request body at /parts/1, but the payload does not set it
	hint: the payload sets "skew"; did you mean "sku"?
wf.yaml:19:32: warning: the request body schema of operation create has no property "skew" at /parts/1
	hint: did you mean "sku"?
wf.yaml:20:20: warning: operation create requires property "n" in the request body at /meta/x, but the payload does not set it`,
		},
		{
			name:    "computed payload",
			payload: "            $inputs.name\n",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			wf := payloadWorkflow(c.payload)
			if c.name == "computed payload" {
				wf = strings.Replace(wf, "payload:\n", "payload: ", 1)
			}
			_, got := build(t, wf, payloadAPI)
			if got != c.want {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", got, c.want)
			}
		})
	}
}

func TestTypedInputsAndOutputs(t *testing.T) {
	wf := `arazzo: 1.0.1
info: {title: t, version: "1"}
sourceDescriptions:
  - {name: api, url: api.yaml, type: openapi}
workflows:
  - workflowId: w
    inputs:
      type: object
      required: [name]
      properties:
        name: {type: string}
        level: {type: string, enum: [low, high]}
        when: {type: string, format: date-time}
        extra: {type: object}
    steps:
      - stepId: s
        operationId: create
        requestBody:
          payload: {name: $inputs.name, kind: k, undeclared: 1, parts: []}
        outputs:
          thing: $response.body
          name: $response.body#/name
          created: $response.body#/created
          firstSku: $response.body#/parts/0/sku
          nothing: $response.body#/nothing
    outputs:
      thing: $steps.s.outputs.thing
      sku: $steps.s.outputs.thing#/parts/0/sku
`
	p, diags := build(t, wf, payloadAPI)
	if want := `wf.yaml:25:20: warning: the response schema of operation create has nothing at #/nothing; the value is untyped
	hint: check the pointer against the operation's response schema`; diags != want {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", diags, want)
	}
	fields := func(s *Struct) string {
		var out []string
		for _, f := range s.Fields {
			out = append(out, f.GoName+" "+f.Type.String())
		}
		return strings.Join(out, "; ")
	}
	w := p.Workflows[0]
	for _, c := range []struct{ what, got, want string }{
		{"inputs", fields(w.Inputs), "Name string; Level *WInputsLevel; When *time.Time; Extra json.RawMessage"},
		// What the schema requires is plain (Name, through allOf); what may be absent is a
		// pointer (Created is optional, an array may have no element 0).
		{"step outputs", fields(w.Steps[0].Outputs), "Thing Thing; Name string; Created *time.Time; FirstSku *string; Nothing json.RawMessage"},
		// A pointer into a typed output selects raw JSON.
		{"workflow outputs", fields(w.Outputs), "Thing Thing; Sku json.RawMessage"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %s, want %s", c.what, c.got, c.want)
		}
	}
	var names []string
	for _, n := range p.Types {
		names = append(names, n.Name)
	}
	// Only what the inputs and outputs reach, in order of first use; the members of Thing
	// that come from New are named after Thing, which declares them through allOf.
	if got, want := strings.Join(names, " "), "WInputsLevel Thing ThingPartsItem ThingMetaValue ThingChoice ThingChoiceVariant1"; got != want {
		t.Errorf("types %s, want %s", got, want)
	}
}
