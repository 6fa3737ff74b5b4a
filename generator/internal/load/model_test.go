package load

import (
	"bytes"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi/datamodel"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	v3low "github.com/pb33f/libopenapi/datamodel/low/v3"
	yaml "go.yaml.in/yaml/v4"
	"golang.org/x/tools/txtar"
)

// eager is what ParseOpenAPI made of a description when it had libopenapi build the whole
// model (CreateDocumentFromConfig and NewDocument): the reference the lazy model must equal.
type eager struct {
	doc        *v3.Document
	ops        []eagerOp
	unresolved []Unresolved
}

type eagerOp struct {
	id, method, path string
	op               *v3.Operation
	params           []*v3.Parameter
	node, itemNode   *yaml.Node
}

func parseEager(t *testing.T, file string, data []byte) *eager {
	t.Helper()
	cfg := &datamodel.DocumentConfiguration{
		BasePath:                            filepath.Dir(file),
		AllowFileReferences:                 true,
		IgnorePolymorphicCircularReferences: true,
		IgnoreArrayCircularReferences:       true,
		Logger:                              slog.New(slog.DiscardHandler),
	}
	doc, err := libopenapi.NewDocumentWithConfiguration(data, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var dangling *danglingRefs
	if bytes.Contains(data, []byte("$ref")) {
		dangling = removeDanglingRefs(doc.GetSpecInfo().RootNode)
	}
	lowDoc, err := v3low.CreateDocumentFromConfig(doc.GetSpecInfo(), cfg)
	if lowDoc == nil {
		t.Fatal(err)
	}
	e := &eager{doc: v3.NewDocument(lowDoc), unresolved: unresolved(err, dangling.unresolved())}
	if e.doc.Paths != nil && e.doc.Paths.PathItems != nil {
		for path, item := range e.doc.Paths.PathItems.FromOldest() {
			for method, op := range item.GetOperations().FromOldest() {
				o := eagerOp{id: op.OperationId, method: strings.ToUpper(method), path: path, op: op, params: mergeParams(item.Parameters, op.Parameters)}
				if low := op.GoLow(); low != nil && low.KeyNode != nil {
					o.node = low.RootNode
				}
				if low := item.GoLow(); low != nil {
					o.itemNode = low.RootNode
				}
				e.ops = append(e.ops, o)
			}
		}
	}
	return e
}

// compareModels reports how the lazy model of a description differs from libopenapi's
// whole build of it.
func compareModels(t *testing.T, file string, data []byte) {
	t.Helper()
	lazy, err := ParseOpenAPI(file, data)
	if err != nil {
		return // refused before any model is built, the same way for both
	}
	want := parseEager(t, file, data)
	same := func(what string, got, want any) {
		t.Helper()
		if g, w := fmt.Sprint(got), fmt.Sprint(want); g != w {
			t.Errorf("%s: %s:\n got %.500s\nwant %.500s", file, what, g, w)
		}
	}
	same("unresolved", lazy.Unresolved, want.unresolved)
	same("servers", render(t, lazy.model.doc.Servers), render(t, want.doc.Servers))
	same("security", render(t, lazy.Security()), render(t, want.doc.Security))
	if want.doc.Components != nil {
		same("security schemes", render(t, lazy.model.doc.Components.SecuritySchemes), render(t, want.doc.Components.SecuritySchemes))
	} else {
		same("components", lazy.model.doc.Components, want.doc.Components)
	}
	if want.doc.Paths != nil {
		for path := range want.doc.Paths.PathItems.KeysFromOldest() {
			if !lazy.HasPath(path) {
				t.Errorf("%s: HasPath(%q) = false", file, path)
			}
		}
		same("paths", len(lazy.model.items), want.doc.Paths.PathItems.Len())
	} else {
		same("paths", lazy.model.items, map[string]*pathItem(nil))
	}
	if len(lazy.Operations) != len(want.ops) {
		t.Errorf("%s: %d operations, want %d", file, len(lazy.Operations), len(want.ops))
		return
	}
	for i, w := range want.ops {
		g := lazy.Operations[i]
		if got := fmt.Sprintf("%s %s %s", g.ID, g.Method, g.Path); got != fmt.Sprintf("%s %s %s", w.id, w.method, w.path) {
			t.Errorf("%s: operation %d is %s, want %s %s %s", file, i, got, w.id, w.method, w.path)
			continue
		}
		where := fmt.Sprintf("%s %s", w.method, w.path)
		same(where+": model", render(t, g.Op()), render(t, w.op))
		same(where+": parameters", render(t, g.Params()), render(t, w.params))
		same(where+": node", pos(g.node), pos(w.node))
		same(where+": path item node", pos(g.itemNode), pos(w.itemNode))
	}
	same("dropped", lazy.Dropped, droppedOperations(parseRoot(t, data), eagerIDs(want.ops)))
}

func eagerIDs(ops []eagerOp) map[string]*Operation {
	ids := map[string]*Operation{}
	for _, o := range ops {
		if o.id != "" {
			ids[o.id] = &Operation{}
		}
	}
	return ids
}

func parseRoot(t *testing.T, data []byte) *yaml.Node {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		t.Fatal(err)
	}
	return &root
}

func render(t *testing.T, v any) string {
	t.Helper()
	out, err := yaml.Marshal(v)
	if err != nil {
		return "render: " + err.Error()
	}
	return string(out)
}

func pos(n *yaml.Node) string {
	if n == nil {
		return "nil"
	}
	return fmt.Sprintf("%d:%d", n.Line, n.Column)
}

// isOpenAPI3 reports whether a file looks like an OpenAPI 3 description.
func isOpenAPI3(data []byte) bool {
	head := data[:min(len(data), 4096)]
	return bytes.Contains(head, []byte("openapi:")) || bytes.Contains(head, []byte(`"openapi"`))
}

// TestLazyModel checks that what ParseOpenAPI builds when it is needed is what libopenapi
// builds of the whole description, for every OpenAPI description in the tests' archives and
// in the real-world corpus: the same operations in the same order and at the same lines,
// each with the same model and parameters, the same servers, security, references that
// point at nothing and dropped operations.
func TestLazyModel(t *testing.T) {
	archives, _ := filepath.Glob("../../../testdata/*/*.txtar")
	if len(archives) == 0 {
		t.Fatal("no test archives under ../../../testdata")
	}
	n := 0
	for _, a := range archives {
		ar, err := txtar.ParseFile(a)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		for _, f := range ar.Files {
			p := filepath.Join(dir, filepath.FromSlash(f.Name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		for _, f := range ar.Files {
			if isOpenAPI3(f.Data) {
				compareModels(t, filepath.Join(dir, filepath.FromSlash(f.Name)), f.Data)
				n++
			}
		}
	}
	t.Logf("%d descriptions from the test archives", n)
	corpus := filepath.Join("..", "..", "..", "..", "shared", "corpus", "realworld")
	if _, err := os.Stat(corpus); err != nil {
		t.Logf("corpus part skipped: no corpus at %s", corpus)
		return
	}
	if testing.Short() {
		t.Log("corpus part skipped in -short mode")
		return
	}
	n = 0
	err := filepath.WalkDir(corpus, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch filepath.Ext(p) {
		case ".yaml", ".yml", ".json":
		default:
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if isOpenAPI3(data) {
			abs, _ := filepath.Abs(p)
			compareModels(t, abs, data)
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d descriptions from the corpus", n)
}
