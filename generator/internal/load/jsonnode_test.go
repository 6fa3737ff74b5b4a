package load

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi/datamodel"
	"go.yaml.in/yaml/v4"
)

// sameTree compares two node trees field by field and says where they first differ.
func sameTree(path string, a, b *yaml.Node) error {
	if a == nil || b == nil {
		if a != b {
			return fmt.Errorf("%s: one node is nil", path)
		}
		return nil
	}
	if a.Kind != b.Kind || a.Style != b.Style || a.Tag != b.Tag || a.Value != b.Value || a.Anchor != b.Anchor ||
		a.Line != b.Line || a.Column != b.Column || a.HeadComment != b.HeadComment || a.LineComment != b.LineComment ||
		a.FootComment != b.FootComment || a.Alias != nil || b.Alias != nil || a.Stream != nil || b.Stream != nil {
		return fmt.Errorf("%s: kind %v/%v style %v/%v tag %q/%q value %q/%q at %d:%d/%d:%d", path, a.Kind, b.Kind,
			a.Style, b.Style, a.Tag, b.Tag, a.Value, b.Value, a.Line, a.Column, b.Line, b.Column)
	}
	if len(a.Content) != len(b.Content) {
		return fmt.Errorf("%s: %d children, want %d", path, len(a.Content), len(b.Content))
	}
	for i := range a.Content {
		if err := sameTree(fmt.Sprintf("%s/%d", path, i), a.Content[i], b.Content[i]); err != nil {
			return err
		}
	}
	return nil
}

// checkJSONNode requires jsonNodeTree, when it reads data, to give exactly yaml.Unmarshal's
// tree, and says whether it read it.
func checkJSONNode(t *testing.T, name string, data []byte) bool {
	t.Helper()
	got, ok := jsonNodeTree(data)
	if !ok {
		return false
	}
	var want yaml.Node
	if err := yaml.Unmarshal(data, &want); err != nil {
		t.Errorf("%s: read as JSON, but the YAML parser refuses it: %v", name, err)
		return true
	}
	if err := sameTree("", got, &want); err != nil {
		t.Errorf("%s: %v", name, err)
	}
	return true
}

func TestJSONNodeIsYAMLs(t *testing.T) {
	read := []string{
		`{}`, `[]`, "\n\n   {\"a\": 1}\n  ", `{"a":{"b":[1,2,{"c":null}]},"d":[]}`,
		`{"n": [0, -0, 1, -1, 1.5, -1.5e3, 1E+2, 2e-2, 9223372036854775807, 9223372036854775808, 18446744073709551616, -9223372036854775809, 1e999, 0.0]}`,
		`{"b": [true, false, null]}`,
		`{"s": ["", " x ", "a\"b", "a\\b", "\b\f\n\r\t", "\u00e9\u4e2d\u0000\u0041", "#x", "- y", "a: b", "{[,]}", "&a *b !c"]}`,
		`{"é": "日本語", "k": "ü", "after": "x"}`,
		`{"a": 1, "a": 2}`,
		"{\n  \"openapi\": \"3.1.0\",\n  \"paths\": {\n    \"/x\": {\"get\": {\"operationId\": \"x\"}}\n  }\n}\n",
		`{"<<": {"a": 1}, "~": "~", "yes": "on"}`,
		`[1, "two", [3], {"four": 4}]`,
	}
	for _, s := range read {
		if !checkJSONNode(t, s, []byte(s)) {
			t.Errorf("%q: not read as JSON", s)
		}
	}
	left := []string{
		``, `   `, `1`, `"s"`, `{`, `{"a":}`, `{"a":1,}`, `[1,]`, `{"a" 1}`, `{'a': 1}`, `{a: 1}`, `{"a":01}`, `{"a":1.}`,
		`{"a":-}`, `{"a":.5}`, `{"a":+1}`, `{"a":tru}`, `{"a":1} x`, `{"a":"\x"}`, `{"a":"\u12"}`, "{\"a\":\"\t\"}",
		"{\"a\":\t1}", "\t{\"a\":1}", "{\"a\":1}\r\n", "{\"a\"\n:1}", `{"a":"\/"}`, `{"a":"\ud83d\ude00"}`, `{"a":"\ud800"}`,
		"\ufeff{\"a\":1}", "{\"a\":\"\u0085\"}", "{\"a\":\"\u2028\"}", "{\"a\":\"\x7f\"}", "{\"a\":\"\xff\"}",
		"{\"a\":\"😀\"}", `{"` + strings.Repeat("k", 1001) + `":1}`, strings.Repeat("[", 1002) + strings.Repeat("]", 1002),
	}
	for _, s := range left {
		if _, ok := jsonNodeTree([]byte(s)); ok {
			t.Errorf("%q: read as JSON; it should be left to the YAML parser", s)
		}
	}
}

// TestJSONNodeCorpus holds the reader to the YAML parser, and the SpecInfo to libopenapi's,
// on every JSON file of the real-world corpus, when it is beside the project.
func TestJSONNodeCorpus(t *testing.T) {
	root := filepath.Join("..", "..", "..", "..", "shared", "corpus", "realworld")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("no corpus at %s", root)
	}
	var readAsJSON, descriptions, files int
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if trimmed := bytes.TrimSpace(data); len(trimmed) == 0 || trimmed[0] != '{' {
			return nil
		}
		files++
		if jsonSpecInfo(data) != nil {
			descriptions++
			readAsJSON++
			compareSpecInfo(t, path, data)
		} else if checkJSONNode(t, path, data) {
			readAsJSON++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d of %d JSON files read without the YAML parser, %d of them OpenAPI descriptions", readAsJSON, files, descriptions)
	if files > 0 && (readAsJSON*2 < files || descriptions == 0) {
		t.Errorf("only %d of %d JSON files read without the YAML parser", readAsJSON, files)
	}
}

func FuzzJSONNode(f *testing.F) {
	for _, s := range []string{`{"a":[1,-0.5e3,true,null,"\u00e9\n"]}`, "{\n \"k\": {\"x\": []}\n}", `[{"é":"ü"}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkJSONNode(t, "input", data)
	})
}

// compareSpecInfo requires jsonSpecInfo to read data and give libopenapi's SpecInfo.
func compareSpecInfo(t *testing.T, name string, data []byte) {
	t.Helper()
	cfg := &datamodel.DocumentConfiguration{Logger: slog.New(slog.DiscardHandler)}
	got := jsonSpecInfo(data)
	if got == nil {
		t.Errorf("%s: not read", name)
		return
	}
	want, err := datamodel.ExtractSpecInfoWithConfig(data, cfg)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := sameTree("", got.RootNode, want.RootNode); err != nil {
		t.Errorf("%s: %v", name, err)
	}
	if !bytes.Equal(*got.SpecBytes, *want.SpecBytes) {
		t.Errorf("%s: SpecBytes differ", name)
	}
	// Every other exported field (a new one in libopenapi shows up here as a difference).
	fields := func(i *datamodel.SpecInfo) string {
		v := reflect.ValueOf(i).Elem()
		var b strings.Builder
		for f := range v.NumField() {
			sf := v.Type().Field(f)
			if sf.IsExported() && sf.Name != "RootNode" && sf.Name != "SpecBytes" {
				fmt.Fprintf(&b, "%s=%.40v ", sf.Name, v.Field(f).Interface())
			}
		}
		return b.String()
	}
	if g, w := fields(got), fields(want); g != w {
		t.Errorf("%s:\n got %s\nwant %s", name, g, w)
	}
}

// TestJSONSpecInfo: for a JSON description, the SpecInfo made without the YAML parser is
// libopenapi's own, field for field; descriptions it should not read are left to libopenapi.
func TestJSONSpecInfo(t *testing.T) {
	compare := func(name string, data []byte) { compareSpecInfo(t, name, data) }
	for _, s := range []string{
		`{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}`,
		"{\n    \"openapi\": \"3.1.0\",\n    \"$self\": \"https://example.com/api\",\n    \"paths\": {}\n}\n",
		`{"openapi": " 3.2.0 ", "$self": "https://example.com/x", "paths": {}}`,
		"  {\"openapi\":\"3.0.0\"}\n\n",
		`{"openapi": 3.1}`, `{"openapi": "3.0.0", "x": {"asyncapi": "2.6.0"}}`,
	} {
		compare(s, []byte(s))
	}
	for _, s := range []string{
		`{"swagger": "2.0"}`, `{"openapi": "2.0"}`, `{"openapi": "3.0.0", "asyncapi": "2.6.0"}`,
		`[{"openapi": "3.0.0"}]`, `openapi: "3.0.0"`, `{"openapi": "3.0.0", "x": "\/"}`,
	} {
		if jsonSpecInfo([]byte(s)) != nil {
			t.Errorf("%s: read without libopenapi", s)
		}
	}
}
