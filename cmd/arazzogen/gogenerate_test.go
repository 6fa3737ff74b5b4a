package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDiagnosticPathsUnderGoGenerate: go generate runs the generator in the package's
// directory (and sets PWD there), so a warning that named the document relative to that
// directory would not resolve from where go generate, or make, was run. The path must
// resolve from there.
func TestDiagnosticPathsUnderGoGenerate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the generator and runs go generate; skipped in -short mode")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	bin := filepath.Join(t.TempDir(), "arazzogen")
	if out, err := exec.Command(gobin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	mod := t.TempDir()
	files := map[string]string{
		"go.mod":         "module example.com/gen\n\ngo 1.26\n",
		"api/gen/doc.go": "package gen\n\n//go:generate " + bin + " -allow ../openapi -o . -package gen ../arazzo/flow.arazzo.yaml\n",
		"api/arazzo/flow.arazzo.yaml": `arazzo: 1.0.1
info: {title: Flow, version: "1"}
sourceDescriptions:
  - {name: api, url: ../openapi/api.yaml, type: openapi}
workflows:
  - workflowId: flow
    inputs: {type: object, properties: {token: {type: string}}}
    steps:
      - stepId: get
        operationId: getThing
        parameters:
          - {name: Authorization, in: header, value: "Bearer $inputs.token"}
`,
		"api/openapi/api.yaml": `openapi: 3.1.0
info: {title: API, version: "1"}
servers: [{url: "https://api.example.com"}]
paths:
  /thing:
    get:
      operationId: getThing
      responses: {"200": {description: ok}}
`,
	}
	for name, data := range files {
		p := filepath.Join(mod, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(gobin, "generate", "./...")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go generate: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`(?m)^(\S+):(\d+):(\d+): warning: runtime expression \$inputs\.token is embedded in text without braces`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("no warning about the unbraced expression:\n%s", out)
	}
	path := m[1]
	if !filepath.IsAbs(path) {
		path = filepath.Join(mod, path) // relative to where go generate ran
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the warning names %s, which does not resolve from where go generate ran: %v\n%s", m[1], err, out)
	}
	if !strings.Contains(string(data), "workflowId: flow") {
		t.Errorf("the warning names %s, which is not the document", m[1])
	}
}
