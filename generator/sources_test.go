package generator_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/arazzogen/arazzogen/generator"
)

// flowDoc is an Arazzo document with the given sources and workflows (YAML list items).
func flowDoc(sources, workflows string) string {
	return "arazzo: 1.0.1\ninfo: {title: Flows, version: 1.0.0}\nsourceDescriptions:\n" + sources + "workflows:\n" + workflows
}

// getPetWorkflow is a workflow that calls getPet of source src.
func getPetWorkflow(id, src string) string {
	return `- workflowId: ` + id + `
  steps:
  - stepId: get
    operationId: $sourceDescriptions.` + src + `.getPet
    parameters:
    - {name: id, in: path, value: "1"}
    outputs:
      name: $response.body#/name
  outputs:
    name: $steps.get.outputs.name
`
}

// callStep is a workflowId step.
func callStep(id, workflowID string) string {
	return "  - {stepId: " + id + ", workflowId: " + workflowID + "}\n"
}

func generateWith(t *testing.T, files *memFiles, cfg generator.Config) *generator.Result {
	t.Helper()
	cfg.Package = "flows"
	if cfg.ReadFile == nil {
		cfg.ReadFile = files.read
	}
	res, err := generator.Generate(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func diagStrings(res *generator.Result) string {
	var sb strings.Builder
	for _, d := range res.Diags {
		sb.WriteString(d.String() + "\n")
	}
	return sb.String()
}

// TestArazzoSourcesLoadOnce checks that documents that name each other, and one document
// named by two sources, are each read once and compiled once, that a source without a type
// is read as the Arazzo document it is, that Config.URLs maps urls of referenced documents
// too, and that one description under one name is one source however many documents name it.
func TestArazzoSourcesLoadOnce(t *testing.T) {
	files := &memFiles{files: map[string]string{
		"main.arazzo.yaml": flowDoc(`- {name: api, url: ./api/pets.yaml, type: openapi}
- {name: flows, url: ./flows/flows.arazzo.yaml, type: arazzo}
- {name: again, url: flows/flows.arazzo.yaml, type: arazzo}
`, `- workflowId: main
  steps:
`+callStep("one", "$sourceDescriptions.flows.first")+callStep("two", "$sourceDescriptions.again.first")+callStep("three", "$sourceDescriptions.flows.round-trip")+
			getPetWorkflow("helper", "api")),
		// It names the entry document back, and a third document without a type.
		"flows/flows.arazzo.yaml": flowDoc(`- {name: api, url: ../api/pets.yaml, type: openapi}
- {name: entry, url: ../main.arazzo.yaml, type: arazzo}
- {name: deeper, url: ./deeper.arazzo.yaml}
`, getPetWorkflow("first", "api")+`- workflowId: round-trip
  steps:
`+callStep("back", "$sourceDescriptions.entry.helper")+callStep("down", "$sourceDescriptions.deeper.quote")),
		"flows/deeper.arazzo.yaml": flowDoc("- {name: api, url: 'https://pets.example.com/openapi.yaml', type: openapi}\n", getPetWorkflow("quote", "api")),
		"api/pets.yaml":            petAPI,
	}}
	reads := map[string]int{}
	res := generateWith(t, files, generator.Config{
		File: "main.arazzo.yaml",
		URLs: map[string]string{"https://pets.example.com/openapi.yaml": "api/pets.yaml"},
		ReadFile: func(name string) ([]byte, error) {
			reads[name]++
			return files.read(name)
		},
	})
	if res.HasErrors() || len(res.Files) == 0 {
		t.Fatalf("no code generated:\n%s", diagStrings(res))
	}
	for name, n := range reads {
		if n != 1 {
			t.Errorf("%s read %d times, want once", name, n)
		}
	}
	if len(reads) != 4 {
		t.Errorf("read %v, want the three documents and the description", reads)
	}
	code := string(res.Files[0].Data)
	for decl, want := range map[string]int{
		"func (c *Client) Main(":                1,
		"func (c *Client) Helper(":              1,
		"func (c *Client) flowsFirst(":          1, // one method for flows.first and again.first
		"c.flowsFirst(":                         2,
		"func (c *Client) flowsRoundTrip(":      1,
		"func (c *Client) flowsDeeperQuote(":    1, // named by the sources that lead to it
		"c.Helper(":                             1, // the entry document's workflow, reached back
		"func (c *Client) againFirst(":          0,
		`const workflow = "flows.deeper.quote"`: 1,
	} {
		if got := strings.Count(code, decl); got != want {
			t.Errorf("%q occurs %d times in the generated code, want %d", decl, got, want)
		}
	}
	if !slices.Equal(res.Sources, []string{"api"}) {
		t.Errorf("Sources = %q, want one source for the one description", res.Sources)
	}
}

// TestArazzoSourceNames checks the names of the sources of a referenced document: a name
// that another description has already is qualified by the arazzo source that leads to the
// document, a new name is kept.
func TestArazzoSourceNames(t *testing.T) {
	files := &memFiles{files: map[string]string{
		"main.arazzo.yaml": flowDoc(`- {name: api, url: ./api/pets.yaml, type: openapi}
- {name: flows, url: ./flows.arazzo.yaml, type: arazzo}
`, `- workflowId: main
  steps:
  - {stepId: own, operationId: getPet, parameters: [{name: id, in: path, value: "1"}]}
`+callStep("other", "$sourceDescriptions.flows.both")),
		"flows.arazzo.yaml": flowDoc(`- {name: api, url: ./other/pets.yaml, type: openapi}
- {name: zoo, url: ./api/pets.yaml, type: openapi}
`, `- workflowId: both
  steps:
  - {stepId: a, operationId: $sourceDescriptions.api.getPet, parameters: [{name: id, in: path, value: "1"}]}
  - {stepId: b, operationId: $sourceDescriptions.zoo.getPet, parameters: [{name: id, in: path, value: "1"}]}
`),
		"api/pets.yaml":   petAPI,
		"other/pets.yaml": strings.Replace(petAPI, "https://pets.example.com", "https://other.example.com", 1),
	}}
	res := generateWith(t, files, generator.Config{File: "main.arazzo.yaml"})
	if res.HasErrors() {
		t.Fatalf("errors:\n%s", diagStrings(res))
	}
	if want := []string{"api", "flows.api", "zoo"}; !slices.Equal(res.Sources, want) {
		t.Errorf("Sources = %q, want %q", res.Sources, want)
	}
	if code := string(res.Files[0].Data); !strings.Contains(code, `SourceFlowsAPI = "flows.api"`) || !strings.Contains(code, `"https://other.example.com"`) {
		t.Errorf("the qualified source is not declared with its own server:\n%s", code)
	}
}

// TestArazzoSourceMapping checks -source for a source of a referenced document: its name
// qualified by the arazzo source, in the hint when it cannot be read and in the mapping.
func TestArazzoSourceMapping(t *testing.T) {
	files := &memFiles{files: map[string]string{
		"main.arazzo.yaml": flowDoc("- {name: flows, url: ./flows.arazzo.yaml, type: arazzo}\n", `- workflowId: main
  steps:
`+callStep("call", "$sourceDescriptions.flows.get")),
		"flows.arazzo.yaml": flowDoc("- {name: api, url: 'https://pets.example.com/openapi.yaml'}\n", getPetWorkflow("get", "api")),
		"local/pets.yaml":   petAPI,
	}}
	res := generateWith(t, files, generator.Config{File: "main.arazzo.yaml"})
	want := "flows.arazzo.yaml:4:20: error: source \"api\" has a remote url; generation reads only local files\n\thint: download it and map it with -source flows.api=PATH\n"
	if got := diagStrings(res); got != want {
		t.Errorf("unmapped:\n%s\nwant:\n%s", got, want)
	}
	res = generateWith(t, files, generator.Config{File: "main.arazzo.yaml", Sources: map[string]string{"flows.api": "local/pets.yaml"}})
	if res.HasErrors() || len(res.Files) == 0 {
		t.Errorf("mapped with -source flows.api=…:\n%s", diagStrings(res))
	}
	res = generateWith(t, files, generator.Config{File: "main.arazzo.yaml", Sources: map[string]string{"flows.api": "local/pets.yaml", "flows.nope": "x"}})
	if got := diagStrings(res); !strings.Contains(got, `main.arazzo.yaml:1:1: error: -source flows.nope=…: no document that the arazzo sources reach has a sourceDescription "flows.nope"`) {
		t.Errorf("an unknown qualified source is not reported:\n%s", got)
	}
}

// TestArazzoSourceTypes checks that a declared type that the file contradicts is an error at
// the type.
func TestArazzoSourceTypes(t *testing.T) {
	files := &memFiles{files: map[string]string{
		"main.arazzo.yaml": flowDoc(`- {name: api, url: ./flows.arazzo.yaml, type: openapi}
- {name: flows, url: ./other.yaml, type: arazzo}
- {name: again, url: ./api/pets.yaml, type: arazzo}
`, getPetWorkflow("main", "api")),
		"flows.arazzo.yaml": flowDoc("- {name: api, url: ./api/pets.yaml}\n", getPetWorkflow("get", "api")),
		"api/pets.yaml":     petAPI,
		"other.yaml":        petAPI,
	}}
	res := generateWith(t, files, generator.Config{File: "main.arazzo.yaml"})
	got := diagStrings(res)
	for _, want := range []string{
		`main.arazzo.yaml:4:47: error: source "api" is declared as openapi, but flows.arazzo.yaml is an Arazzo document`,
		`main.arazzo.yaml:5:42: error: source "flows" is declared as arazzo, but other.yaml is not an Arazzo document (it has no top-level arazzo field)`,
		// The description flows.arazzo.yaml loaded already:
		`main.arazzo.yaml:6:45: error: source "again" is declared as arazzo, but api/pets.yaml is an OpenAPI description`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
}
