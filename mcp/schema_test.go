package mcp

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"
)

// TestGoldenSchemas resolves every tool schema that the generator's golden cases write
// (../testdata/golden, out/cmd/*-mcp/main.gen.go) as the MCP SDK does when it adds a tool, so
// a schema the SDK would refuse fails here, and checks that each input schema is an object
// schema that admits no other members.
func TestGoldenSchemas(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "golden", "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	n := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for name, src := range txtarFiles(string(data)) {
			if !strings.HasPrefix(name, "out/cmd/") || !strings.HasSuffix(name, "-mcp/main.gen.go") {
				continue
			}
			for key, schema := range schemaLiterals(t, src) {
				var s jsonschema.Schema
				if err := json.Unmarshal([]byte(schema), &s); err != nil {
					t.Fatalf("%s %s: %v", filepath.Base(p), key, err)
				}
				if _, err := s.Resolve(&jsonschema.ResolveOptions{ValidateDefaults: true}); err != nil {
					t.Errorf("%s %s: the SDK's resolver refuses it: %v\n%s", filepath.Base(p), key, err, schema)
				}
				if strings.HasPrefix(key, "InputSchema") && (s.Type != "object" || s.AdditionalProperties == nil) {
					t.Errorf("%s %s: not a closed object schema", filepath.Base(p), key)
				}
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("no golden case has an MCP command")
	}
	t.Logf("%d schemas resolved", n)
}

// txtarFiles splits a txtar archive into its files.
func txtarFiles(archive string) map[string]string {
	files := map[string]string{}
	name := ""
	var body strings.Builder
	for _, line := range strings.SplitAfter(archive, "\n") {
		if strings.HasPrefix(line, "-- ") && strings.HasSuffix(strings.TrimRight(line, "\n"), " --") {
			if name != "" {
				files[name] = body.String()
			}
			name = strings.TrimSuffix(strings.TrimPrefix(strings.TrimRight(line, "\n"), "-- "), " --")
			body.Reset()
			continue
		}
		body.WriteString(line)
	}
	if name != "" {
		files[name] = body.String()
	}
	return files
}

// schemaLiterals returns the InputSchema and OutputSchema strings of a generated command,
// keyed "InputSchema 1", "OutputSchema 1", … in order.
func schemaLiterals(t *testing.T, src string) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "main.gen.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	count := map[string]int{}
	ast.Inspect(f, func(n ast.Node) bool {
		kv, ok := n.(*ast.KeyValueExpr)
		if !ok {
			return true
		}
		key, ok := kv.Key.(*ast.Ident)
		lit, isLit := kv.Value.(*ast.BasicLit)
		if !ok || !isLit || (key.Name != "InputSchema" && key.Name != "OutputSchema") {
			return true
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil {
			t.Fatal(err)
		}
		count[key.Name]++
		out[key.Name+" "+strconv.Itoa(count[key.Name])] = s
		return true
	})
	return out
}
