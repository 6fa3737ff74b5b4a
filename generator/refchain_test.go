package generator_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/generator"
)

const refDoc = `arazzo: 1.0.1
info: {title: T, version: 1.0.0}
sourceDescriptions:
  - {name: api, url: ./api.yaml, type: openapi}
workflows:
  - workflowId: w
    steps:
      - stepId: one
        operationId: get
        successCriteria: [{condition: $statusCode == 200}]
        outputs: {v: $response.body}
    outputs: {v: $steps.one.outputs.v}
`

const refAPI = `openapi: 3.1.0
info: {title: T, version: "1"}
servers: [{url: https://api.example.com}]
paths:
  /x:
    get:
      operationId: get
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/S0"}
components:
  schemas:
`

func generateRefs(t *testing.T, schemas string) (*generator.Result, time.Duration) {
	t.Helper()
	files := map[string]string{"wf.arazzo.yaml": refDoc, "api.yaml": refAPI + schemas}
	start := time.Now()
	res, err := generator.Generate(context.Background(), generator.Config{
		File: "wf.arazzo.yaml", Package: "x",
		ReadFile: func(name string) ([]byte, error) {
			if d, ok := files[name]; ok {
				return []byte(d), nil
			}
			return nil, fmt.Errorf("no file %s", name)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return res, time.Since(start)
}

// A chain of 10,000 schemas that are each a reference to the next generates in about the
// time of a description of that size: each reference is followed once (before, every
// reference was followed to the end of the chain, 16 to 37 seconds). The schema keeps the
// name the operation uses.
func TestLongRefChain(t *testing.T) {
	var b strings.Builder
	const n = 10000
	for i := range n {
		fmt.Fprintf(&b, "    S%d: {$ref: \"#/components/schemas/S%d\"}\n", i, i+1)
	}
	fmt.Fprintf(&b, "    S%d: {type: object, properties: {a: {type: string}}}\n", n)
	res, took := generateRefs(t, b.String())
	if res.HasErrors() || len(res.Diags) > 0 {
		t.Fatalf("diagnostics: %v", res.Diags)
	}
	if !strings.Contains(string(res.Files[0].Data), "\tV S0 `json:\"v\"`") {
		t.Errorf("the output is not typed S0:\n%s", res.Files[0].Data)
	}
	// Far above the time it takes (well under a second), far below what it took.
	if took > 8*time.Second {
		t.Errorf("a chain of %d references took %v", n, took)
	}
}

// Schemas that are only references to each other point at nothing: a warning at the
// reference, and the output is untyped. Before, libopenapi followed them until the stack
// overflowed and the process died.
func TestRefCycle(t *testing.T) {
	for name, schemas := range map[string]string{
		"self":     "    S0: {$ref: \"#/components/schemas/S0\"}\n",
		"pair":     "    S0: {$ref: \"#/components/schemas/S1\"}\n    S1: {$ref: \"#/components/schemas/S0\"}\n",
		"sibling":  "    S0: {$ref: \"#/components/schemas/S1\", description: d}\n    S1: {$ref: \"#/components/schemas/S0\"}\n",
		"via-tail": "    S0: {$ref: \"#/components/schemas/S1\"}\n    S1: {$ref: \"#/components/schemas/S2\"}\n    S2: {$ref: \"#/components/schemas/S1\"}\n",
	} {
		t.Run(name, func(t *testing.T) {
			res, _ := generateRefs(t, schemas)
			if res.HasErrors() {
				t.Fatalf("errors: %v", res.Diags)
			}
			var found bool
			for _, d := range res.Diags {
				if strings.Contains(d.Msg, "lead back to it") && d.Pos.File == "api.yaml" && d.Pos.Line > 0 {
					found = true
				}
			}
			if !found {
				t.Errorf("no positioned warning about the cycle: %v", res.Diags)
			}
		})
	}
}
