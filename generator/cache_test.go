package generator_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/arazzogen/arazzogen/generator"
)

// petDoc is an Arazzo document calling getPet of the source at url.
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

// petAPI declares name and age with types and extra without one, so that the outputs of
// petDoc are two typed and one raw on the step, one typed on the workflow.
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

// memFiles is a ReadFile over an in-memory file set that the test may change.
type memFiles struct {
	mu    sync.Mutex
	files map[string]string
}

func (m *memFiles) set(name, data string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files[name] = data
}

func (m *memFiles) read(name string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	data, ok := m.files[name]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return []byte(data), nil
}

func newPetFiles() *memFiles {
	return &memFiles{files: map[string]string{
		"a/one.arazzo.yaml": petDoc("../api/pets.yaml"),
		"b/two.arazzo.yaml": petDoc("../api/pets.yaml"),
		// The same description behind a url that only the URLs mapping resolves.
		"c/three.arazzo.yaml": petDoc("https://pets.example.com/openapi.yaml"),
		"api/pets.yaml":       petAPI,
	}}
}

func generate(t *testing.T, files *memFiles, cache *generator.SourceCache, doc string) *generator.Result {
	t.Helper()
	res, err := generator.Generate(context.Background(), generator.Config{
		File:     doc,
		Package:  "pets",
		URLs:     map[string]string{"https://pets.example.com/openapi.yaml": "api/pets.yaml"},
		Cache:    cache,
		ReadFile: files.read,
		// The documents sit in a/ and b/ and read ../api/: the fake tree's root is allowed.
		Allow: []string{"."},
	})
	if err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	return res
}

var petDocs = []string{"a/one.arazzo.yaml", "b/two.arazzo.yaml", "c/three.arazzo.yaml"}

func TestSourceCacheSharesParses(t *testing.T) {
	files := newPetFiles()
	cache := generator.NewSourceCache()
	for _, doc := range petDocs {
		uncached := generate(t, files, nil, doc)
		cached := generate(t, files, cache, doc)
		if uncached.HasErrors() || len(uncached.Files) == 0 {
			t.Fatalf("%s: no code generated: %v", doc, uncached.Diags)
		}
		if !reflect.DeepEqual(cached, uncached) {
			t.Errorf("%s: the result through the cache differs from the uncached one:\ncached:   %+v\nuncached: %+v", doc, cached, uncached)
		}
	}
	// Three documents, one description behind two paths that resolve to the same file.
	if got, want := cache.Stats(), (generator.CacheStats{Hits: 2, Misses: 1}); got != want {
		t.Errorf("cache stats = %+v, want %+v", got, want)
	}

	// Changed bytes at the same path are parsed again, and their result is not the old one.
	files.set("api/pets.yaml", strings.Replace(petAPI, "age: {type: integer}", "age: {type: string}", 1))
	changed := generate(t, files, cache, petDocs[0])
	if got, want := cache.Stats(), (generator.CacheStats{Hits: 2, Misses: 2}); got != want {
		t.Errorf("after a change, cache stats = %+v, want %+v", got, want)
	}
	if uncached := generate(t, files, nil, petDocs[0]); !reflect.DeepEqual(changed, uncached) {
		t.Errorf("after a change, the cached result differs from the uncached one")
	}
}

// TestSourceCacheErrors checks that a description that does not parse is reported the same
// way, at every document, with or without the cache.
func TestSourceCacheErrors(t *testing.T) {
	files := newPetFiles()
	files.set("api/pets.yaml", "openapi: 3.1.0\npaths: [\n")
	cache := generator.NewSourceCache()
	for _, doc := range petDocs {
		uncached := generate(t, files, nil, doc)
		cached := generate(t, files, cache, doc)
		if !uncached.HasErrors() {
			t.Fatalf("%s: a broken description gave no error", doc)
		}
		if !reflect.DeepEqual(cached.Diags, uncached.Diags) {
			t.Errorf("%s: diagnostics through the cache differ:\ncached:   %v\nuncached: %v", doc, cached.Diags, uncached.Diags)
		}
	}
	if got, want := cache.Stats(), (generator.CacheStats{Hits: 2, Misses: 1}); got != want {
		t.Errorf("cache stats = %+v, want %+v", got, want)
	}
}

// TestSourceCacheConcurrent generates from many goroutines through one cache; run with -race
// it also checks that the later stages only read the shared model.
func TestSourceCacheConcurrent(t *testing.T) {
	files := newPetFiles()
	want := map[string]*generator.Result{}
	for _, doc := range petDocs {
		want[doc] = generate(t, files, nil, doc)
	}
	cache := generator.NewSourceCache()
	const rounds = 4
	var wg sync.WaitGroup
	results := make([]*generator.Result, rounds*len(petDocs))
	for i := range results {
		wg.Go(func() { results[i] = generate(t, files, cache, petDocs[i%len(petDocs)]) })
	}
	wg.Wait()
	for i, res := range results {
		if doc := petDocs[i%len(petDocs)]; !reflect.DeepEqual(res, want[doc]) {
			t.Errorf("%s (goroutine %d): the result differs from the sequential uncached one", doc, i)
		}
	}
	if got, want := cache.Stats(), (generator.CacheStats{Hits: int64(len(results) - 1), Misses: 1}); got != want {
		t.Errorf("cache stats = %+v, want %+v", got, want)
	}
}

func TestStats(t *testing.T) {
	res := generate(t, newPetFiles(), nil, petDocs[0])
	want := generator.Stats{
		StepOutputs:     generator.OutputStats{Typed: 2, Raw: 1}, // name, age; extra has no type
		WorkflowOutputs: generator.OutputStats{Typed: 1},
	}
	if res.Stats != want {
		t.Errorf("Stats = %+v, want %+v", res.Stats, want)
	}
	if got, want := res.Stats.Outputs(), (generator.OutputStats{Typed: 3, Raw: 1}); got != want {
		t.Errorf("Outputs() = %+v, want %+v", got, want)
	}
	broken := newPetFiles()
	broken.set("a/one.arazzo.yaml", strings.Replace(petDoc("../api/pets.yaml"), "getPet", "getPets", 1))
	if res := generate(t, broken, nil, petDocs[0]); res.Stats != (generator.Stats{}) {
		t.Errorf("a document with errors has Stats %+v, want zero", res.Stats)
	}
}

// A ReadFile that reads every file into one reused buffer changes the bytes of an earlier
// call after the fact; the cache must still tell a changed description from the one it
// parsed.
func TestSourceCacheReusedBuffer(t *testing.T) {
	files := newPetFiles()
	var buf []byte
	read := func(name string) ([]byte, error) {
		data, err := files.read(name)
		if err != nil {
			return nil, err
		}
		buf = append(buf[:0], data...)
		return buf, nil
	}
	cache := generator.NewSourceCache()
	gen := func() *generator.Result {
		res, err := generator.Generate(context.Background(), generator.Config{
			File: petDocs[0], Package: "pets", Cache: cache, ReadFile: read,
			Allow: []string{"."}, // the document in a/ reads ../api/
		})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	before := gen()
	// The same length, so that the stale bytes and the new ones differ only in content.
	files.set("api/pets.yaml", strings.Replace(petAPI, "age: {type: integer}", "age: {type: boolean}", 1))
	after := gen()
	if reflect.DeepEqual(before.Files, after.Files) {
		t.Error("a changed description read into the same buffer gave the code of the old one")
	}
	if got, want := cache.Stats(), (generator.CacheStats{Misses: 2}); got != want {
		t.Errorf("cache stats = %+v, want %+v", got, want)
	}
}

// A cache keeps the SourceCacheSize descriptions used most recently: one used again stays,
// the least recently used one is parsed again.
func TestSourceCacheKeepsRecentlyUsed(t *testing.T) {
	files := &memFiles{files: map[string]string{}}
	doc := func(i int) string { return fmt.Sprintf("d%d.arazzo.yaml", i) }
	for i := range generator.SourceCacheSize + 1 {
		files.set(doc(i), petDoc(fmt.Sprintf("api%d.yaml", i)))
		files.set(fmt.Sprintf("api%d.yaml", i), petAPI)
	}
	cache := generator.NewSourceCache()
	want := generator.CacheStats{}
	check := func(i int, hit bool) {
		t.Helper()
		res := generate(t, files, cache, doc(i))
		if res.HasErrors() {
			t.Fatalf("%s: %v", doc(i), res.Diags)
		}
		if hit {
			want.Hits++
		} else {
			want.Misses++
		}
		if got := cache.Stats(); got != want {
			t.Fatalf("after %s: cache stats = %+v, want %+v", doc(i), got, want)
		}
	}
	for i := range generator.SourceCacheSize {
		check(i, false)
	}
	check(0, true) // now the most recently used; 1 is the least
	check(generator.SourceCacheSize, false)
	check(0, true)
	check(1, false) // forgotten to make room
	check(2, false) // forgotten to make room for 1
	check(generator.SourceCacheSize, true)
}

// A description whose $refs name other files is not shared between Generate calls with
// other allowed directories: what its references may read differs. One without such
// references is shared.
func TestSourceCacheAllowedDirectories(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const inline = "              schema:\n                type: object\n"
	if !strings.Contains(petAPI, inline) {
		t.Fatal("petAPI no longer has the schema this test replaces")
	}
	withRefs := write("shared/refs.yaml", strings.Replace(petAPI, inline, "              schema: {$ref: './pet.yaml#/Pet'}\n              x-was:\n                type: object\n", 1))
	write("shared/pet.yaml", "Pet: {type: object, properties: {name: {type: string}}}\n")
	plain := write("shared/plain.yaml", petAPI)
	write("flows/go.mod", "module example.com/flows\n")
	doc := write("flows/pets.arazzo.yaml", petDoc("./api.yaml"))

	cache := generator.NewSourceCache()
	gen := func(api string, allow ...string) *generator.Result {
		res, err := generator.Generate(context.Background(), generator.Config{File: doc, Package: "pets", Cache: cache,
			Sources: map[string]string{"api": api}, Allow: allow})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := gen(withRefs, filepath.Join(dir, "shared")); res.HasErrors() {
		t.Fatalf("allowed: %v", res.Diags)
	}
	res := gen(withRefs)
	if !res.HasErrors() || !strings.Contains(fmt.Sprint(res.Diags), "outside the allowed directories") {
		t.Errorf("the same description without its directory allowed: %v; want its $ref refused", res.Diags)
	}
	before := cache.Stats()
	gen(plain, filepath.Join(dir, "shared"))
	gen(plain)
	if got := cache.Stats(); got.Misses-before.Misses != 1 || got.Hits-before.Hits != 1 {
		t.Errorf("a description without file references: %+v after %+v, want one parse and one reuse", got, before)
	}
}

// Documents generated at once through one cache, with more descriptions than it keeps: what
// the cache does when it forgets one must be safe while others are being parsed and built
// (run with -race), and every result is the uncached one.
func TestSourceCacheConcurrentEvictions(t *testing.T) {
	files := &memFiles{files: map[string]string{}}
	doc := func(i int) string { return fmt.Sprintf("d%d.arazzo.yaml", i) }
	n := 2*generator.SourceCacheSize + 3
	want := make([]*generator.Result, n)
	for i := range n {
		files.set(doc(i), petDoc(fmt.Sprintf("api%d.yaml", i)))
		files.set(fmt.Sprintf("api%d.yaml", i), petAPI)
	}
	for i := range n {
		want[i] = generate(t, files, nil, doc(i))
	}
	cache := generator.NewSourceCache()
	const rounds = 3
	results := make([]*generator.Result, rounds*n)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(results); i += 4 {
				results[i] = generate(t, files, cache, doc(i%n))
			}
		})
	}
	wg.Wait()
	for i, res := range results {
		if !reflect.DeepEqual(res, want[i%n]) {
			t.Errorf("%s (run %d): the result differs from the sequential uncached one", doc(i%n), i)
		}
	}
	if st := cache.Stats(); st.Misses <= int64(generator.SourceCacheSize) {
		t.Errorf("cache stats = %+v: the cache forgot nothing", st)
	}
}
