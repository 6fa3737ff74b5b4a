package corpus

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/arazzogen/arazzogen/generator"
)

// petDoc is an Arazzo document calling getPet of the source at url; its step has two typed
// outputs and one raw, its workflow one typed.
func petDoc(url string) string {
	return `arazzo: 1.0.1
info: {title: Pets, version: 1.0.0}
sourceDescriptions:
- {name: api, url: "` + url + `", type: openapi}
workflows:
- workflowId: get-pet
  inputs:
    type: object
    required: [id]
    properties:
      id: {type: string}
  steps:
  - stepId: get
    operationId: getPet
    parameters:
    - {name: id, in: path, value: $inputs.id}
    successCriteria:
    - condition: $statusCode == 200
    outputs:
      name: $response.body#/name
      age: $response.body#/age
      extra: $response.body#/extra
  outputs:
    name: $steps.get.outputs.name
`
}

// petDocJSON is petDoc as JSON, with a qualified operationId.
const petDocJSON = `{
  "arazzo": "1.0.1",
  "info": {"title": "Pets", "version": "1.0.0"},
  "sourceDescriptions": [{"name": "api", "url": "../openapi/pets.yaml", "type": "openapi"}],
  "workflows": [{
    "workflowId": "get-pet",
    "inputs": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
    "steps": [{
      "stepId": "get",
      "operationId": "$sourceDescriptions.api.getPet",
      "parameters": [{"name": "id", "in": "path", "value": "$inputs.id"}],
      "successCriteria": [{"condition": "$statusCode == 200"}],
      "outputs": {"name": "$response.body#/name", "age": "$response.body#/age", "extra": "$response.body#/extra"}
    }],
    "outputs": {"name": "$steps.get.outputs.name"}
  }]
}
`

const petAPI = `openapi: 3.1.0
info: {title: Pets, version: "1"}
servers:
- url: https://pets.example.com
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: the pet
          content:
            application/json:
              schema:
                type: object
                properties:
                  name: {type: string}
                  age: {type: integer}
                  extra: {}
`

// tinyCorpus writes a corpus that exercises every kind of result and returns its root.
func tinyCorpus(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"good/arazzo/pets.yaml":      petDoc("../openapi/pets.yaml"),
		"good/arazzo/pets.json":      petDocJSON,
		"good/openapi/pets.yaml":     petAPI,
		"good/arazzo/notes.yaml":     "title: notes about arazzo\n", // mentions arazzo, is no document
		"good/arazzo/README.md":      "arazzo: 1.0.1\n",             // not a YAML or JSON file name
		"mapped/flows/remote.yml":    petDoc("https://pets.example.com/openapi.yaml"),
		"mapped/_remote/pets.yaml":   petAPI,
		"mapped/url-map.json":        `{"flows/remote.yml": {"https://pets.example.com/openapi.yaml": "_remote/pets.yaml"}}`,
		"broken/missing-source.yaml": petDoc("../nowhere/pets.yaml"),
		"broken/remote.yaml":         petDoc("https://unmapped.example.com/openapi.yaml"),
		"broken/syntax.yaml":         "arazzo: 1.0.1\ninfo: [\n",
		"inject/build.yaml":          petDoc("../good/openapi/pets.yaml"),
		"inject/error.yaml":          petDoc("../good/openapi/pets.yaml"),
		"inject/panic.yaml":          petDoc("../good/openapi/pets.yaml"),
		"inject/vet.yaml":            petDoc("../good/openapi/pets.yaml"),
	}
	for name, data := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// injecting wraps generator.Generate to fail in the ways the generator should not: code that
// does not compile, code that does not vet, an error, a panic.
func injecting(ctx context.Context, cfg generator.Config) (*generator.Result, error) {
	name := filepath.ToSlash(cfg.File)
	switch {
	case strings.HasSuffix(name, "inject/panic.yaml"):
		panic("injected")
	case strings.HasSuffix(name, "inject/error.yaml"):
		return nil, errors.New("injected error")
	}
	res, err := generator.Generate(ctx, cfg)
	if err != nil || res.HasErrors() {
		return res, err
	}
	switch {
	case strings.HasSuffix(name, "inject/build.yaml"):
		res.Files = append(res.Files, generator.File{Path: "zz_inject.go", Data: []byte("package " + cfg.Package + "\n\nvar _ = corpusUndefined\n")})
	case strings.HasSuffix(name, "inject/vet.yaml"):
		res.Files = append(res.Files, generator.File{Path: "zz_inject.go", Data: []byte("package " + cfg.Package + "\n\nimport \"fmt\"\n\nfunc _() { fmt.Printf(\"%d\\n\", \"x\") }\n")})
	}
	return res, nil
}

func repoRoot(t *testing.T) string {
	t.Helper()
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return repo
}

func TestRunTinyCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles generated code with the go command; skipped in -short mode")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found")
	}
	generate = injecting
	defer func() { generate = generator.Generate }()

	root := tinyCorpus(t)
	rep, err := Run(context.Background(), Options{Dir: root, Repo: repoRoot(t), Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := rep.Write(&out, false); err != nil {
		t.Fatal(err)
	}
	// Packages are numbered in path order: broken/missing-source.yaml is p0001, …,
	// inject/build.yaml p0006, inject/vet.yaml p0009.
	want := []string{
		`broken/missing-source.yaml: broken/missing-source.yaml:4:20: error: cannot read source "api" from nowhere/pets.yaml: no such file or directory`,
		`broken/remote.yaml: broken/remote.yaml:4:20: error: source "api" has a remote url; generation reads only local files`,
		`broken/syntax.yaml: broken/syntax.yaml:3:1: error: malformed YAML: did not find expected node content (while parsing a flow node)`,
		`inject/build.yaml: go build: p0006/zz_inject.go:3:9: undefined: corpusUndefined`,
		`inject/error.yaml: generator: injected error`,
		`inject/panic.yaml: panic: injected`,
		`inject/vet.yaml: go vet: p0009/zz_inject.go:5:24: fmt.Printf format %d has arg "x" of wrong type string`,
		`panics: 1`,
		// Three documents pass, each with name and age typed and extra raw on the step,
		// and name typed on the workflow; the failed ones do not count.
		`outputs: 9 typed, 3 json.RawMessage (steps 6/3, workflows 3/0)`,
		`corpus: 3 passed, 7 failed`,
	}
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if !slices.Equal(got, want) {
		t.Errorf("output:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	c := rep.Counts()
	if c.Passed != 3 || c.Failed != 7 || c.Panics != 1 {
		t.Errorf("counts = %+v, want 3 passed, 7 failed, 1 panic", c)
	}
	var passed []string
	for _, r := range rep.Results {
		if r.Passed() {
			passed = append(passed, r.Path)
		}
	}
	if want := []string{"good/arazzo/pets.json", "good/arazzo/pets.yaml", "mapped/flows/remote.yml"}; !slices.Equal(passed, want) {
		t.Errorf("passed = %q, want %q", passed, want)
	}
	// Three documents read good/openapi/pets.yaml and five more would have, had they
	// generated; the mapped one reads its own copy.
	if rep.Cache.Misses != 2 {
		t.Errorf("OpenAPI descriptions parsed %d times, want 2 (one per distinct file)", rep.Cache.Misses)
	}

	var verbose bytes.Buffer
	if err := rep.Write(&verbose, true); err != nil {
		t.Fatal(err)
	}
	for _, detail := range []string{
		"\thint: map it to a local file with -source api=PATH\n",
		"\tgoroutine ",
		"\tp0006/zz_inject.go:3:9: undefined: corpusUndefined\n",
	} {
		if !strings.Contains(verbose.String(), detail) {
			t.Errorf("verbose output lacks %q:\n%s", detail, verbose.String())
		}
	}
}

func TestDiscover(t *testing.T) {
	root := tinyCorpus(t)
	docs, err := Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, d := range docs {
		paths = append(paths, d.Path)
		want := map[string]string(nil)
		if d.Path == "mapped/flows/remote.yml" {
			want = map[string]string{"https://pets.example.com/openapi.yaml": "mapped/_remote/pets.yaml"}
		}
		if !reflect.DeepEqual(d.URLs, want) {
			t.Errorf("%s: URLs = %v, want %v", d.Path, d.URLs, want)
		}
	}
	want := []string{
		"broken/missing-source.yaml", "broken/remote.yaml", "broken/syntax.yaml",
		"good/arazzo/pets.json", "good/arazzo/pets.yaml",
		"inject/build.yaml", "inject/error.yaml", "inject/panic.yaml", "inject/vet.yaml",
		"mapped/flows/remote.yml",
	}
	if !slices.Equal(paths, want) {
		t.Errorf("documents:\n%q\nwant:\n%q", paths, want)
	}
}

func TestDiscoverBadURLMap(t *testing.T) {
	for name, urlMap := range map[string]string{
		"unknown document":  `{"flows/other.yml": {"https://pets.example.com/openapi.yaml": "_remote/pets.yaml"}}`,
		"missing copy":      `{"flows/remote.yml": {"https://pets.example.com/openapi.yaml": "_remote/gone.yaml"}}`,
		"not JSON":          `{"flows/remote.yml": `,
		"flat missing copy": `{"https://pets.example.com/openapi.yaml": "_remote/gone.yaml"}`,
		"neither shape":     `{"flows/remote.yml": 42}`,
	} {
		t.Run(name, func(t *testing.T) {
			root := tinyCorpus(t)
			if err := os.WriteFile(filepath.Join(root, "mapped", URLMapFile), []byte(urlMap), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := Discover(root); err == nil {
				t.Errorf("no error for url-map.json %s", urlMap)
			}
		})
	}
}

// TestDiscoverFlatURLMap checks the flat shape at the corpus root: one url mapped for every
// document, comments skipped, and a label's own file winning for the same url.
func TestDiscoverFlatURLMap(t *testing.T) {
	root := tinyCorpus(t)
	rootMap := `{"_comment": "maps for all", "https://pets.example.com/openapi.yaml": "good/openapi/pets.yaml"}`
	if err := os.WriteFile(filepath.Join(root, URLMapFile), []byte(rootMap), 0o644); err != nil {
		t.Fatal(err)
	}
	docs, err := Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	const url = "https://pets.example.com/openapi.yaml"
	for _, d := range docs {
		want := "good/openapi/pets.yaml"
		if d.Path == "mapped/flows/remote.yml" {
			want = "mapped/_remote/pets.yaml" // the label's own url-map.json
		}
		if got := d.URLs[url]; got != want {
			t.Errorf("%s: %s mapped to %q, want %q", d.Path, url, got, want)
		}
		if _, ok := d.URLs["_comment"]; ok {
			t.Errorf("%s: the _comment key was read as a url", d.Path)
		}
	}
}

func TestAttribute(t *testing.T) {
	build := `# corpus.example/gen/p0003
p0003/arazzo.gen.go:12:3: undefined: x
p0003/arazzo.gen.go:14:3: declared and not used: y
# corpus.example/gen/p0012/cmd/p0012
./p0012/cmd/p0012/main.gen.go:5:2: undefined: p0012.Run
p0012/cmd/p0012/main.gen.go:6:2: too many errors
go: a line of the go command's own
package corpus.example/gen/p0040: invalid package name
`
	want := map[string][]string{
		"p0003": {"p0003/arazzo.gen.go:12:3: undefined: x", "p0003/arazzo.gen.go:14:3: declared and not used: y"},
		"p0012": {"./p0012/cmd/p0012/main.gen.go:5:2: undefined: p0012.Run", "p0012/cmd/p0012/main.gen.go:6:2: too many errors"},
		"p0040": {"package corpus.example/gen/p0040: invalid package name"},
	}
	if got := attribute(build); !reflect.DeepEqual(got, want) {
		t.Errorf("build output attributed as %q, want %q", got, want)
	}
	vet := `# corpus.example/gen/p0007
# [corpus.example/gen/p0007]
vet: p0007/arazzo.gen.go:20:2: unreachable code
`
	if got, want := attribute(vet), map[string][]string{"p0007": {"p0007/arazzo.gen.go:20:2: unreachable code"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("vet output attributed as %q, want %q", got, want)
	}
}

// TestDiscoverRealWorld checks discovery over ../shared/corpus/realworld: every document its
// INDEX.md lists is found, and its url-map.json files apply. The full run is `make corpus`,
// too long for go test.
func TestDiscoverRealWorld(t *testing.T) {
	root := filepath.Join(repoRoot(t), "..", "shared", "corpus", "realworld")
	index, err := os.Open(filepath.Join(root, "INDEX.md"))
	if err != nil {
		t.Skipf("the real-world corpus is not present (a fresh clone has no ../shared): %v", err)
	}
	defer index.Close()
	var listed []string
	sc := bufio.NewScanner(index)
	for sc.Scan() {
		// Table rows: | path | wfs | steps | …
		cells := strings.Split(sc.Text(), "|")
		if len(cells) > 2 && strings.Contains(cells[1], "/") {
			if p := strings.TrimSpace(cells[1]); path.Ext(p) != "" {
				listed = append(listed, p)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(listed) == 0 {
		t.Fatal("INDEX.md lists no documents")
	}
	docs, err := Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]*Document{}
	for _, d := range docs {
		found[d.Path] = d
	}
	for _, p := range listed {
		if found[p] == nil {
			t.Errorf("%s is listed in INDEX.md but was not discovered", p)
		}
	}
	mapped := 0
	for _, d := range docs {
		if len(d.URLs) > 0 {
			mapped++
		}
	}
	if mapped == 0 {
		t.Error("no document got a url mapping from url-map.json")
	}
	t.Logf("%d documents discovered, %d listed in INDEX.md, %d with url mappings", len(docs), len(listed), mapped)
}
