package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoldenBehaviour runs the Go tests that golden cases carry as inputs (top-level files
// named *_test.go, in the generated package) against the expected generated package, in a
// temporary module that uses this repository through a replace directive: the committed
// output must not only compile but do what it says.
func TestGoldenBehaviour(t *testing.T) {
	if testing.Short() {
		t.Skip("runs generated code with the go command; skipped in -short mode")
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
	n := 0
	for _, c := range loadCases(t, "golden") {
		files := map[string][]byte{}
		for name, data := range c.inputs {
			if strings.HasSuffix(name, "_test.go") && !strings.Contains(name, "/") {
				files[name] = data
			}
		}
		if len(files) == 0 {
			continue
		}
		for name, data := range c.want {
			// The package itself; commands (out/cmd/…) are compiled by TestGoldenCompiles.
			if rest, ok := strings.CutPrefix(name, "out/"); ok && !strings.Contains(rest, "/") {
				files[rest] = data
			}
		}
		dir := filepath.Join(mod, c.name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, data := range files {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		n++
	}
	if n == 0 {
		t.Fatal("no golden case carries a behaviour test")
	}
	cmd := exec.Command(gobin, "test", "./...")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go test: %v\n%s", err, out)
	}
}
