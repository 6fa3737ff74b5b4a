package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite golden files with the current output")

// A golden case is a txtar archive:
//
//	-- args --        the command line, one argument per line (run in the archive's directory)
//	-- <input files>  the Arazzo document, OpenAPI descriptions, …
//	-- exit --        expected exit status
//	-- stderr --      expected standard error, exactly
//	-- stdout --      expected standard output, when there is any (-graph)
//	-- out/<file> --  expected generated files (testdata/golden only)
//	-- in/<path> --   an input file at <path>, for inputs under out/ (a package's doc.go)
//
// testdata/golden holds documents that generate; testdata/errors holds documents that must
// fail with positioned diagnostics and write nothing.
type goldenCase struct {
	name    string
	path    string
	archive *txtar.Archive
	args    []string
	inputs  map[string][]byte
	want    map[string][]byte // exit, stderr, out/…
}

func loadCases(t *testing.T, dir string) []*goldenCase {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", "testdata", dir))
	if err != nil {
		t.Fatal(err)
	}
	paths, err := filepath.Glob(filepath.Join(root, "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden cases in testdata/%s: %v", dir, err)
	}
	var cases []*goldenCase
	for _, p := range paths {
		a, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c := &goldenCase{name: strings.TrimSuffix(filepath.Base(p), ".txtar"), path: p, archive: a, inputs: map[string][]byte{}, want: map[string][]byte{}}
		for _, f := range a.Files {
			switch {
			case f.Name == "args":
				for _, l := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
					if l = strings.TrimSpace(l); l != "" {
						c.args = append(c.args, l)
					}
				}
			case strings.HasPrefix(f.Name, "in/"):
				c.inputs[strings.TrimPrefix(f.Name, "in/")] = f.Data
			case f.Name == "exit" || f.Name == "stderr" || f.Name == "stdout" || strings.HasPrefix(f.Name, "out/"):
				c.want[f.Name] = f.Data
			default:
				c.inputs[f.Name] = f.Data
			}
		}
		if c.args == nil {
			t.Fatalf("%s: no args section", p)
		}
		cases = append(cases, c)
	}
	return cases
}

// runCase extracts the inputs into a fresh directory, runs the command there and returns
// what it produced: exit, stderr, and out/… for every file written under out/.
func runCase(t *testing.T, c *goldenCase) map[string][]byte {
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
	// The command needs a go.mod above out/ to compute the import path of -cli output.
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/golden\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), c.args, &stdout, &stderr)
	got := map[string][]byte{
		"exit":   []byte(strconv.Itoa(code) + "\n"),
		"stderr": stderr.Bytes(),
	}
	if stdout.Len() > 0 {
		got["stdout"] = stdout.Bytes()
	}
	_ = filepath.WalkDir(filepath.Join(dir, "out"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		if _, input := c.inputs[filepath.ToSlash(rel)]; input {
			return nil // a file of the package the case starts with (out/doc.go)
		}
		data, _ := os.ReadFile(p)
		got[filepath.ToSlash(rel)] = data
		return nil
	})
	return got
}

func compareCase(t *testing.T, c *goldenCase, got map[string][]byte) {
	t.Helper()
	if *update {
		var files []txtar.File
		for _, f := range c.archive.Files {
			if f.Name == "exit" || f.Name == "stderr" || f.Name == "stdout" || strings.HasPrefix(f.Name, "out/") {
				continue
			}
			files = append(files, f)
		}
		var names []string
		for n := range got {
			names = append(names, n)
		}
		sort.Slice(names, func(i, j int) bool {
			return order(names[i]) < order(names[j]) || order(names[i]) == order(names[j]) && names[i] < names[j]
		})
		for _, n := range names {
			files = append(files, txtar.File{Name: n, Data: got[n]})
		}
		c.archive.Files = files
		if err := os.WriteFile(c.path, txtar.Format(c.archive), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for name, want := range c.want {
		if g, ok := got[name]; !ok {
			t.Errorf("%s: %s was not produced", c.name, name)
		} else if !bytes.Equal(g, want) {
			t.Errorf("%s: %s differs (rerun with -update and review the diff):\n%s", c.name, name, unifiedDiff("want", "got", string(want), string(g)))
		}
	}
	for name := range got {
		if _, ok := c.want[name]; !ok {
			t.Errorf("%s: unexpected output %s:\n%s", c.name, name, got[name])
		}
	}
}

func order(name string) int {
	switch name {
	case "exit":
		return 0
	case "stderr":
		return 1
	case "stdout":
		return 2
	}
	return 3
}

func TestGolden(t *testing.T) {
	for _, c := range loadCases(t, "golden") {
		t.Run(c.name, func(t *testing.T) {
			got := runCase(t, c)
			if string(got["exit"]) != "0\n" && !*update {
				t.Fatalf("exit %s; stderr:\n%s", got["exit"], got["stderr"])
			}
			compareCase(t, c, got)
		})
	}
}

func TestErrors(t *testing.T) {
	for _, c := range loadCases(t, "errors") {
		t.Run(c.name, func(t *testing.T) {
			got := runCase(t, c)
			if string(got["exit"]) == "0\n" {
				t.Fatalf("the command succeeded; an error case must fail")
			}
			for name := range got {
				if strings.HasPrefix(name, "out/") {
					t.Errorf("a failing run wrote %s", name)
				}
			}
			if !*update && !strings.Contains(string(got["stderr"]), ": error: ") && string(got["exit"]) == "1\n" {
				t.Errorf("stderr has no positioned error:\n%s", got["stderr"])
			}
			compareCase(t, c, got)
		})
	}
}

// TestDeterministic generates every golden case twice and requires identical bytes.
func TestDeterministic(t *testing.T) {
	for _, c := range loadCases(t, "golden") {
		t.Run(c.name, func(t *testing.T) {
			first := runCase(t, c)
			second := runCase(t, c)
			for name, data := range first {
				if !bytes.Equal(data, second[name]) {
					t.Errorf("%s differs between two runs", name)
				}
			}
		})
	}
}

// TestGoldenCompiles builds and vets every golden output in a temporary module that uses
// this repository through a replace directive.
func TestGoldenCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles generated code with the go command; skipped in -short mode")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	mod := t.TempDir()
	gomod := "module example.com/golden\n\ngo 1.26\n\nrequire github.com/arazzogen/arazzogen v0.0.0\n\nreplace github.com/arazzogen/arazzogen => " + repo + "\n"
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	n, brokers := 0, false
	for _, c := range loadCases(t, "golden") {
		for name, data := range c.want {
			if !strings.HasPrefix(name, "out/") {
				continue
			}
			if strings.Contains(name, "-mcp/") {
				continue // imports the mcp module, whose TestGoldenSchemas checks these files
			}
			if dir, _, ok := strings.Cut(strings.TrimPrefix(name, "out/"), "/"); ok && strings.HasSuffix(dir, "temporal") {
				continue // needs the Temporal SDK: the temporal module compiles it (TestGoldenTemporalCompiles)
			}
			// Each case becomes its own package directory; commands import it by that path.
			data = bytes.ReplaceAll(data, []byte(`"example.com/golden/out"`), []byte(`"example.com/golden/`+c.name+`"`))
			p := filepath.Join(mod, c.name, filepath.FromSlash(strings.TrimPrefix(name, "out/")))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			brokers = brokers || bytes.Contains(data, []byte(`"github.com/arazzogen/arazzogen/broker"`))
			n++
		}
	}
	if n == 0 {
		t.Fatal("no golden output to compile")
	}
	if brokers {
		// Commands of documents with AsyncAPI steps import the broker module.
		gomod += "\nrequire github.com/arazzogen/arazzogen/broker v0.0.0\n\nreplace github.com/arazzogen/arazzogen/broker => " + filepath.Join(repo, "broker") + "\n"
		if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte(gomod), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"mod", "tidy"}, {"vet", "./..."}} {
		cmd := exec.Command(gobin, args...)
		cmd.Dir = mod
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
