package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// withInputs writes a case's input files into a fresh directory, makes it the working
// directory and returns it.
func withInputs(t *testing.T, c *goldenCase) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range c.inputs {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/golden\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	return dir
}

// TestSARIFValidates runs every golden and error case with -format sarif and validates the
// log against the official SARIF 2.1.0 schema (testdata/sarif), and checks that it holds
// every diagnostic, at its position, with a path relative to the working directory even
// when the document is named by an absolute path.
func TestSARIFValidates(t *testing.T) {
	schemaPath, err := filepath.Abs(filepath.Join("..", "..", "testdata", "sarif", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	compiler := jsonschema.NewCompiler()
	compiler.AssertFormat()
	if err := compiler.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := compiler.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}

	results := 0
	for _, dir := range []string{"golden", "errors"} {
		for _, c := range loadCases(t, dir) {
			if slices.Contains(c.args, "-graph") {
				continue
			}
			t.Run(dir+"/"+c.name, func(t *testing.T) {
				wd := withInputs(t, c)
				args := slices.Clone(c.args)
				// The document by its absolute path: positions must still be relative.
				if last := args[len(args)-1]; strings.HasSuffix(last, ".yaml") || strings.HasSuffix(last, ".yml") || strings.HasSuffix(last, ".json") {
					args[len(args)-1] = filepath.Join(wd, last)
				}
				var stdout, stderr bytes.Buffer
				code := run(context.Background(), append([]string{"-format", "sarif"}, args...), &stdout, &stderr)
				if code == 2 {
					t.Skipf("usage error: %s", stderr.String())
				}
				inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(stdout.Bytes()))
				if err != nil {
					t.Fatalf("not JSON: %v\n%s", err, stdout.String())
				}
				if err := schema.Validate(inst); err != nil {
					t.Fatalf("the log is not valid SARIF 2.1.0: %v\n%s", err, stdout.String())
				}
				var log sarifLog
				if err := json.Unmarshal(stdout.Bytes(), &log); err != nil {
					t.Fatal(err)
				}
				// The text form of the same diagnostics, from the golden file.
				var want []string
				for _, l := range strings.Split(string(c.want["stderr"]), "\n") {
					if diagLine.MatchString(l) {
						want = append(want, l)
					}
				}
				if len(log.Runs) != 1 || len(log.Runs[0].Results) != len(want) {
					t.Fatalf("%d results for %d diagnostics:\n%s\n%s", len(log.Runs[0].Results), len(want), stdout.String(), c.want["stderr"])
				}
				for i, r := range log.Runs[0].Results {
					l := r.Locations[0].PhysicalLocation
					if strings.HasPrefix(l.ArtifactLocation.URI, "/") || strings.Contains(l.ArtifactLocation.URI, wd) {
						t.Errorf("uri %q is not relative to the working directory", l.ArtifactLocation.URI)
					}
					pos := l.ArtifactLocation.URI
					if l.Region != nil {
						pos += ":" + itoa(l.Region.StartLine) + ":" + itoa(l.Region.StartColumn)
					}
					if !strings.HasPrefix(want[i], pos+": "+r.Level+": ") {
						t.Errorf("result %d at %s (%s), diagnostic %q", i, pos, r.Level, want[i])
					}
					results++
				}
			})
		}
	}
	if results == 0 {
		t.Fatal("no case produced a diagnostic")
	}
}

// diagLine matches the first line of a diagnostic in text form.
var diagLine = regexp.MustCompile(`^[^\t].*:\d+:\d+: (error|warning): `)

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestFormatJSON: -format json prints the diagnostics as a JSON array on standard output and
// nothing on standard error but the -lint count.
func TestFormatJSON(t *testing.T) {
	var c *goldenCase
	for _, gc := range loadCases(t, "golden") {
		if gc.name == "habit-unbraced-expression" {
			c = gc
		}
	}
	if c == nil {
		t.Fatal("no golden case habit-unbraced-expression")
	}
	withInputs(t, c)
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), append([]string{"-lint", "-format", "json"}, c.args...), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var diags []jsonDiagnostic
	if err := json.Unmarshal(stdout.Bytes(), &diags); err != nil {
		t.Fatalf("%v\n%s", err, stdout.String())
	}
	if len(diags) == 0 {
		t.Fatal("no diagnostics")
	}
	for _, d := range diags {
		if d.File == "" || d.Line < 1 || d.Column < 1 || d.Severity != "warning" || d.Code == "" || d.Message == "" {
			t.Errorf("incomplete diagnostic %+v", d)
		}
		if !strings.Contains(string(c.want["stderr"]), d.File+":"+itoa(d.Line)+":"+itoa(d.Column)+": warning: "+d.Message) {
			t.Errorf("%+v is not among the text diagnostics:\n%s", d, c.want["stderr"])
		}
	}
	if strings.Contains(stderr.String(), "warning:") {
		t.Errorf("the diagnostics went to standard error too: %s", stderr.String())
	}
}
