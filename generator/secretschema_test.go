package generator_test

import (
	"strings"
	"testing"

	"github.com/arazzogen/arazzogen/generator"
)

// TestSecretInputSchemas checks that inputs whose schema is `format: password` or
// `writeOnly: true`, and inputs whose names are secret, are marked secret in the generated
// command (which warns when one is given as an -input argument) and redacted by the inputs
// struct, while an ordinary input is not.
func TestSecretInputSchemas(t *testing.T) {
	files := newPetFiles()
	files.set("a/one.arazzo.yaml", strings.Replace(petDoc("../api/pets.yaml"), "      id: {type: string}\n",
		"      id: {type: string}\n      code: {type: string, format: password}\n      recovery: {type: string, writeOnly: true}\n"+
			"      sessionId: {type: string}\n      keyword: {type: string}\n", 1))
	res := generateWith(t, files, generator.Config{File: "a/one.arazzo.yaml", CLI: true, ImportPath: "example.com/flows", Allow: []string{"."}})
	if res.HasErrors() || len(res.Files) == 0 {
		t.Fatalf("no code generated: %s", diagStrings(res))
	}
	var all strings.Builder
	for _, f := range res.Files {
		all.Write(f.Data)
	}
	code := all.String()
	for _, name := range []string{"code", "recovery", "sessionId"} {
		for _, want := range []string{
			`{Name: "` + name + `", Type: "string", Secret: true}`,
			`{Name: "` + name + `", Value: in.`,
		} {
			i := strings.Index(code, want)
			if i < 0 {
				t.Errorf("input %s: no %s in the generated code", name, want)
				continue
			}
			if line := code[i : strings.IndexByte(code[i:], '\n')+i]; strings.Contains(want, "Value") && !strings.Contains(line, "Secret: true") {
				t.Errorf("input %s is not redacted by the inputs struct: %s", name, line)
			}
		}
	}
	if !strings.Contains(code, `{Name: "keyword", Type: "string"}`) {
		t.Errorf("input keyword is marked secret")
	}
}
