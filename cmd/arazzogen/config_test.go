package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// temporal: true in the configuration file writes the Temporal package, as -temporal does;
// without it (or with false) nothing of it is written.
func TestConfigFileTemporal(t *testing.T) {
	for _, tc := range []struct {
		setting string
		want    bool
	}{{"temporal: true\n", true}, {"temporal: false\n", false}, {"", false}} {
		mod := t.TempDir()
		files := map[string]string{
			"go.mod": "module example.com/gen\n\ngo 1.26\n",
			"conf/arazzogen.yaml": "input: ../api/flow.arazzo.yaml\noutput: ../out\npackage: flow\nsources:\n  api: ../api/openapi.yaml\n" +
				tc.setting,
			"api/flow.arazzo.yaml": `arazzo: 1.0.1
info: {title: Flow, version: "1"}
sourceDescriptions:
  - {name: api, url: https://api.example.com/openapi.yaml, type: openapi}
workflows:
  - workflowId: flow
    steps:
      - stepId: get
        operationId: getThing
`,
			"api/openapi.yaml": `openapi: 3.1.0
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
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), []string{"-config", filepath.Join(mod, "conf", "arazzogen.yaml")}, &stdout, &stderr); code != 0 {
			t.Fatalf("%q: exit %d\n%s", tc.setting, code, stderr.String())
		}
		if _, err := os.Stat(filepath.Join(mod, "out", "arazzo.gen.go")); err != nil {
			t.Fatalf("%q: %v", tc.setting, err)
		}
		_, err := os.Stat(filepath.Join(mod, "out", "flowtemporal", "temporal.gen.go"))
		if got := err == nil; got != tc.want {
			t.Errorf("%q: Temporal package written: %v; want %v (%v)", tc.setting, got, tc.want, err)
		}
	}
}

// parallel: true in the configuration file groups independent steps, as -parallel does;
// without it (or with false) the steps run in document order.
func TestConfigFileParallel(t *testing.T) {
	for _, tc := range []struct {
		setting string
		want    bool
	}{{"parallel: true\n", true}, {"parallel: false\n", false}, {"", false}} {
		mod := t.TempDir()
		files := map[string]string{
			"conf/arazzogen.yaml": "input: ../api/flow.arazzo.yaml\noutput: ../out\npackage: flow\ndocs: false\n" + tc.setting,
			"api/flow.arazzo.yaml": `arazzo: 1.0.1
info: {title: Flow, version: "1"}
sourceDescriptions:
  - {name: api, url: ./openapi.yaml, type: openapi}
workflows:
  - workflowId: flow
    steps:
      - stepId: one
        operationId: getThing
      - stepId: two
        operationId: getThing
`,
			"api/openapi.yaml": `openapi: 3.1.0
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
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), []string{"-config", filepath.Join(mod, "conf", "arazzogen.yaml")}, &stdout, &stderr); code != 0 {
			t.Fatalf("%q: exit %d\n%s", tc.setting, code, stderr.String())
		}
		code, err := os.ReadFile(filepath.Join(mod, "out", "arazzo.gen.go"))
		if err != nil {
			t.Fatalf("%q: %v", tc.setting, err)
		}
		if got := bytes.Contains(code, []byte("Group:")); got != tc.want {
			t.Errorf("%q: the steps are grouped: %v, want %v", tc.setting, got, tc.want)
		}
	}
}
