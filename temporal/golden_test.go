package temporal_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoldenTemporalCompiles builds and vets the output of every golden case of the
// generator that includes a package generated with -temporal (the root module's golden test
// compiles the others, which need no Temporal SDK), in a temporary module that uses this
// repository and this module through replace directives.
func TestGoldenTemporalCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles generated code with the go command; skipped in -short mode")
	}
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	cases, err := filepath.Glob(filepath.Join(repo, "testdata", "golden", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	mod := t.TempDir()
	gomod := "module example.com/golden\n\ngo 1.26\n\nrequire (\n\tgithub.com/arazzogen/arazzogen v0.0.0\n\tgithub.com/arazzogen/arazzogen/temporal v0.0.0\n)\n\n" +
		"replace github.com/arazzogen/arazzogen => " + repo + "\n\nreplace github.com/arazzogen/arazzogen/temporal => " + filepath.Join(repo, "temporal") + "\n"
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, path := range cases {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		files := txtarFiles(data)
		if !hasTemporal(files) {
			continue
		}
		name := strings.TrimSuffix(filepath.Base(path), ".txtar")
		for fname, body := range files {
			if !strings.HasPrefix(fname, "out/") {
				continue
			}
			body = bytes.ReplaceAll(body, []byte(`"example.com/golden/out`), []byte(`"example.com/golden/`+name))
			p := filepath.Join(mod, name, filepath.FromSlash(strings.TrimPrefix(fname, "out/")))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, body, 0o644); err != nil {
				t.Fatal(err)
			}
			n++
		}
	}
	if n == 0 {
		t.Fatal("no golden case generates a Temporal package")
	}
	for _, args := range [][]string{{"mod", "tidy"}, {"vet", "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = mod
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

func hasTemporal(files map[string][]byte) bool {
	for name := range files {
		if dir, _, ok := strings.Cut(strings.TrimPrefix(name, "out/"), "/"); ok && strings.HasPrefix(name, "out/") && strings.HasSuffix(dir, "temporal") {
			return true
		}
	}
	return false
}

// txtarFiles reads the files of a txtar archive ("-- name --" lines start each file).
func txtarFiles(data []byte) map[string][]byte {
	files := map[string][]byte{}
	var name string
	var body []byte
	flush := func() {
		if name != "" {
			files[name] = body
		}
	}
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		l := bytes.TrimRight(line, "\n")
		if bytes.HasPrefix(l, []byte("-- ")) && bytes.HasSuffix(l, []byte(" --")) && len(l) > 6 {
			flush()
			name, body = string(l[3:len(l)-3]), nil
			continue
		}
		if name != "" {
			body = append(body, line...)
		}
	}
	flush()
	return files
}
