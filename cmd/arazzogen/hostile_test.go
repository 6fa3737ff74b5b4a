//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/internal/gencheck"
	"golang.org/x/tools/txtar"
)

// TestHostile runs the cases of testdata/hostile: documents, descriptions and output
// directories made by an attacker, one vector each. A case is a txtar archive:
//
//	-- args --     the command line, one argument per line
//	-- dir --      where the command runs, relative to the case's directory (default ".")
//	-- setup --    what a txtar file cannot hold, one per line:
//	               symlink LINK TARGET | fifo PATH | sparse PATH BYTES | dir PATH
//	-- <files> --  the inputs, written before the run; $WORK stands for the case's directory
//	-- exit --     the expected exit status
//	-- stderr --   the expected standard error, exactly ($WORK for the case's directory);
//	               -update writes it
//
// The command runs in a process of its own, with its address space limited to 3 GiB and
// a time budget, so that a crash, a memory blow-up or a hang fails the case, not the test
// binary. Whatever the case, no temporary file may be left behind. A case that fails must
// leave every file as it was and add none (nothing half-written, nothing written through a
// symbolic link). The Go files a case generates must be inert (gencheck.Inert); all of them
// are then compiled and vetted together, and `go generate` run over them must do nothing.
func TestHostile(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "hostile", "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no cases in testdata/hostile: %v", err)
	}
	generated := map[string]map[string][]byte{} // case name → the generated package's files
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".txtar")
		t.Run(name, func(t *testing.T) {
			if files := runHostile(t, p); files != nil {
				generated[name] = files
			}
		})
	}
	if len(generated) > 0 {
		t.Run("compile-and-generate", func(t *testing.T) { compileHostile(t, generated) })
	}
}

// hostileBudget is how long a case may take. Every vector is refused or handled in well
// under a second; the budget leaves room for a loaded machine.
const hostileBudget = 5 * time.Second

// runHostile runs one case and returns the Go files it generated under out/, by their
// paths relative to out/.
func runHostile(t *testing.T, path string) map[string][]byte {
	a, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	if work, err = filepath.EvalSymlinks(work); err != nil {
		t.Fatal(err)
	}
	sub := func(s string) string { return strings.ReplaceAll(s, "$WORK", work) }
	var args []string
	dir, wantExit, wantStderr, haveStderr := ".", "", "", false
	inputs := map[string][]byte{}
	for _, f := range a.Files {
		switch f.Name {
		case "args":
			for _, l := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
				if l = strings.TrimSpace(l); l != "" {
					args = append(args, sub(l))
				}
			}
		case "dir":
			dir = strings.TrimSpace(string(f.Data))
		case "exit":
			wantExit = strings.TrimSpace(string(f.Data))
		case "stderr":
			wantStderr, haveStderr = string(f.Data), true
		case "setup":
		default:
			data := []byte(sub(string(f.Data)))
			inputs[f.Name] = data
			p := filepath.Join(work, filepath.FromSlash(f.Name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, f := range a.Files {
		if f.Name == "setup" {
			setupHostile(t, work, sub(string(f.Data)))
		}
	}
	if args == nil || wantExit == "" {
		t.Fatalf("%s: a case needs args and exit", path)
	}
	before := listTree(t, work)

	ctx, cancel := context.WithTimeout(context.Background(), 4*hostileBudget)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Dir = filepath.Join(work, filepath.FromSlash(dir))
	cmd.Env = append(os.Environ(), childEnv+"=1", "GOPACKAGE=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	took := time.Since(start)
	exit := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("running the command: %v", err)
		}
		exit = ee.ExitCode()
	}
	gotStderr := strings.ReplaceAll(stderr.String(), work, "$WORK")
	t.Logf("exit %d after %v", exit, took.Round(time.Millisecond))
	if ctx.Err() != nil {
		t.Fatalf("still running after %v; killed", 4*hostileBudget)
	}
	if strconv.Itoa(exit) != wantExit {
		t.Fatalf("exit %d, want %s; stderr:\n%s", exit, wantExit, cut(gotStderr))
	}
	if *update {
		updateStderr(t, path, a, gotStderr)
	} else if haveStderr && gotStderr != wantStderr {
		t.Errorf("stderr differs (rerun with -update and review the diff):\n%s", unifiedDiff("want", "got", wantStderr, gotStderr))
	}
	if took > hostileBudget {
		t.Errorf("took %v, more than %v", took, hostileBudget)
	}

	after := listTree(t, work)
	for p := range after {
		if strings.HasPrefix(filepath.Base(p), ".arazzogen") {
			t.Errorf("temporary file %s was left behind", p)
		}
	}
	if exit != 0 {
		for p := range after {
			if _, ok := before[p]; !ok {
				t.Errorf("a failed run added %s", p)
			}
		}
		for name, data := range inputs {
			got, err := os.ReadFile(filepath.Join(work, filepath.FromSlash(name)))
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("a failed run changed %s", name)
			}
		}
		return nil
	}
	files := map[string][]byte{}
	for p := range after {
		if _, ok := before[p]; ok || !strings.HasSuffix(p, ".go") {
			continue
		}
		src, err := os.ReadFile(filepath.Join(work, p))
		if err != nil {
			t.Fatal(err)
		}
		if err := gencheck.Inert(p, src); err != nil {
			t.Errorf("generated code is not inert:\n%v", err)
		}
		rel, err := filepath.Rel("out", p)
		if err != nil || strings.HasPrefix(rel, "..") {
			t.Fatalf("generated %s, outside out/", p)
		}
		files[rel] = src
	}
	if files["arazzo.gen.go"] == nil {
		t.Errorf("the run succeeded but generated no package in out/")
		return nil
	}
	return files
}

// updateStderr writes what the command printed into the case's stderr section.
func updateStderr(t *testing.T, path string, a *txtar.Archive, stderr string) {
	files := a.Files[:0:0]
	for _, f := range a.Files {
		if f.Name != "stderr" {
			files = append(files, f)
		}
	}
	a.Files = append(files, txtar.File{Name: "stderr", Data: []byte(stderr)})
	if err := os.WriteFile(path, txtar.Format(a), 0o644); err != nil {
		t.Fatal(err)
	}
}

func cut(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

func setupHostile(t *testing.T, work, setup string) {
	t.Helper()
	for _, l := range strings.Split(setup, "\n") {
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		at := func(p string) string { return filepath.Join(work, filepath.FromSlash(p)) }
		var err error
		switch {
		case f[0] == "symlink" && len(f) == 3:
			if err = os.MkdirAll(filepath.Dir(at(f[1])), 0o755); err == nil {
				err = os.Symlink(f[2], at(f[1]))
			}
		case f[0] == "fifo" && len(f) == 2:
			if err = os.MkdirAll(filepath.Dir(at(f[1])), 0o755); err == nil {
				err = syscall.Mkfifo(at(f[1]), 0o644)
			}
		case f[0] == "sparse" && len(f) == 3:
			var n int64
			if n, err = strconv.ParseInt(f[2], 10, 64); err == nil {
				if err = os.MkdirAll(filepath.Dir(at(f[1])), 0o755); err == nil {
					err = os.Truncate(at(f[1]), 0)
					if errors.Is(err, fs.ErrNotExist) {
						err = os.WriteFile(at(f[1]), nil, 0o644)
					}
					if err == nil {
						err = os.Truncate(at(f[1]), n)
					}
				}
			}
		case f[0] == "dir" && len(f) == 2:
			err = os.MkdirAll(at(f[1]), 0o755)
		default:
			err = fmt.Errorf("unknown setup line %q", l)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// listTree lists every entry under root (symbolic links are listed, not followed).
func listTree(t *testing.T, root string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel != "." {
			out[rel] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// compileHostile builds and vets every generated package in one module and runs `go
// generate` over them, which must create nothing: a directive in a comment would run.
func compileHostile(t *testing.T, generated map[string]map[string][]byte) {
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
	gomod := "module example.com/hostilecheck\n\ngo 1.26\n\nrequire github.com/arazzogen/arazzogen v0.0.0\n\nreplace github.com/arazzogen/arazzogen => " + repo + "\n"
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(generated))
	for n := range generated {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		for rel, data := range generated[name] {
			// Cases generate into package out of module example.com/hostile.
			data = bytes.ReplaceAll(data, []byte(`"example.com/hostile/out"`), []byte(`"example.com/hostilecheck/`+name+`"`))
			dst := filepath.Join(mod, name, filepath.FromSlash(rel))
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dst, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	before := listTree(t, mod)
	for _, args := range [][]string{{"mod", "tidy"}, {"vet", "./..."}, {"generate", "./..."}} {
		cmd := exec.Command(gobin, args...)
		cmd.Dir = mod
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	for p := range listTree(t, mod) {
		if !before[p] && p != "go.sum" {
			t.Errorf("go generate over the generated code created %s: a comment ran as a directive", p)
		}
	}
}
