package generator_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/arazzogen/arazzogen/generator"
)

// TestUnresolvedRefs checks that a description whose $refs partly point at nothing still
// generates, with one warning at the first such reference.
func TestUnresolvedRefs(t *testing.T) {
	files := newPetFiles()
	files.set("api/pets.yaml", petAPI+`components:
  schemas:
    Owner:
      type: object
      properties:
        pets: {$ref: '#/components/schemas/Pets'}
        home: {$ref: '#/components/schemas/Home'}
`)
	res := generate(t, files, nil, petDocs[0])
	if res.HasErrors() || len(res.Files) == 0 {
		t.Fatalf("no code generated: %v", res.Diags)
	}
	want := []string{`api/pets.yaml:27:16: warning: source "api": $ref "#/components/schemas/Pets" points at nothing (and 1 other reference); what depends on it is left out or untyped`}
	var got []string
	for _, d := range res.Diags {
		got = append(got, d.String())
	}
	if len(got) != len(want) || got[0] != want[0] {
		t.Errorf("diagnostics:\n%q\nwant:\n%q", got, want)
	}
	if want := (generator.Stats{StepOutputs: generator.OutputStats{Typed: 2, Raw: 1}, WorkflowOutputs: generator.OutputStats{Typed: 1}}); res.Stats != want {
		t.Errorf("Stats = %+v, want %+v: the operation does not use the broken schemas", res.Stats, want)
	}
}

// TestIncompleteOperation checks that a step calling an operation whose path item has a
// parameter $ref that points at nothing still generates: only that parameter is lost, and
// the step is told so, naming the reference and where it is.
func TestIncompleteOperation(t *testing.T) {
	files := newPetFiles()
	files.set("api/pets.yaml", strings.Replace(petAPI, "  /pets/{id}:\n", "  /pets/{id}:\n    parameters:\n    - $ref: '#/components/parameters/Trace'\n", 1))
	res := generate(t, files, nil, petDocs[0])
	if res.HasErrors() || len(res.Files) == 0 {
		t.Fatalf("no code generated: %v", res.Diags)
	}
	want := []string{
		"a/one.arazzo.yaml:14:18: warning: operation getPet of source \"api\" is incomplete, because $refs in its description point at nothing: parameter #/components/parameters/Trace is left out (api/pets.yaml:8:7)\n" +
			"\thint: define what the references name in api/pets.yaml; a parameter the step sets that the operation no longer declares is sent in its location's default style",
		`api/pets.yaml:8:7: warning: source "api": $ref "#/components/parameters/Trace" points at nothing; what depends on it is left out or untyped`,
	}
	var got []string
	for _, d := range res.Diags {
		got = append(got, d.String())
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("diagnostics:\n%q\nwant:\n%q", got, want)
	}
}

// TestDroppedOperation checks that a step calling an operation that libopenapi leaves out
// (its path item has a $ref into another document that points at nothing) is told why, at
// the step.
func TestDroppedOperation(t *testing.T) {
	files := newPetFiles()
	files.set("api/pets.yaml", strings.Replace(petAPI, "  /pets/{id}:\n", "  /pets/{id}:\n    parameters:\n    - $ref: 'no-such-file.yaml#/components/parameters/Trace'\n", 1))
	res := generate(t, files, nil, petDocs[0])
	if !res.HasErrors() {
		t.Fatalf("a step calling an operation that is left out generated: %v", res.Diags)
	}
	want := `a/one.arazzo.yaml:14:18: warning: operation "getPet" of source "api" (api/pets.yaml:10) is left out: a $ref in its path item points at nothing`
	found, errorThere := false, false
	for _, d := range res.Diags {
		found = found || d.String() == want
		errorThere = errorThere || d.Severity == generator.Error && d.Pos.String() == "a/one.arazzo.yaml:14:18"
	}
	if !found || !errorThere {
		t.Errorf("want %q next to an error at the same place; got:\n%v", want, res.Diags)
	}
}
