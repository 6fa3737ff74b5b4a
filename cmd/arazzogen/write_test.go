package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arazzogen/arazzogen/generator"
)

// readTree lists the files under dir with their contents.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			out[filepath.ToSlash(rel)] = string(data)
		}
		return nil
	})
	return out
}

func oldOutput(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range map[string]string{"arazzo.gen.go": "old package", "cmd/x/main.gen.go": "old command"} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// A failure while the output is written leaves the old files as they were and no
// temporary file: here the last file cannot be written (its path is a directory).
func TestWriteFilesAllOrNothing(t *testing.T) {
	dir := oldOutput(t)
	if err := os.MkdirAll(filepath.Join(dir, "ARAZZO.md"), 0o755); err != nil {
		t.Fatal(err)
	}
	before := readTree(t, dir)
	err := writeFiles(context.Background(), dir, []generator.File{
		{Path: "arazzo.gen.go", Data: []byte("new package")},
		{Path: "cmd/x/main.gen.go", Data: []byte("new command")},
		{Path: "ARAZZO.md", Data: []byte("docs")},
	})
	if err == nil {
		t.Fatal("writing over a directory succeeded")
	}
	if after := readTree(t, dir); !equalTrees(before, after) {
		t.Errorf("a failed write changed the output:\nbefore %v\nafter  %v", before, after)
	}
}

// A cancelled run (Ctrl-C, SIGTERM) writes nothing and leaves no temporary file.
func TestWriteFilesCancelled(t *testing.T) {
	dir := oldOutput(t)
	before := readTree(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := writeFiles(ctx, dir, []generator.File{{Path: "arazzo.gen.go", Data: []byte("new")}}); err == nil {
		t.Fatal("a cancelled write succeeded")
	}
	if after := readTree(t, dir); !equalTrees(before, after) {
		t.Errorf("a cancelled write changed the output: %v", after)
	}
}

// A symbolic link inside the output directory that leads out of it is not written
// through, and nothing is written at all.
func TestWriteFilesSymlinkOut(t *testing.T) {
	dir := oldOutput(t)
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "cmd", "evil")); err != nil {
		t.Fatal(err)
	}
	err := writeFiles(context.Background(), dir, []generator.File{
		{Path: "arazzo.gen.go", Data: []byte("new package")},
		{Path: "cmd/evil/sub/main.gen.go", Data: []byte("planted")},
	})
	if err == nil || !strings.Contains(err.Error(), "outside the output directory") {
		t.Fatalf("err = %v, want a refusal", err)
	}
	if got := readTree(t, outside); len(got) != 0 {
		t.Errorf("wrote outside the output directory: %v", got)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("created %v outside the output directory", entries)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "arazzo.gen.go")); string(data) != "old package" {
		t.Errorf("arazzo.gen.go = %q; a refused set must leave every file as it was", data)
	}
}

// A run writes the set, and removes the temporary files a killed run left behind.
func TestWriteFilesReplacesAndCleans(t *testing.T) {
	dir := oldOutput(t)
	stale := filepath.Join(dir, tempPrefix+"123456")
	os.WriteFile(stale, []byte("half"), 0o644)
	err := writeFiles(context.Background(), dir, []generator.File{
		{Path: "arazzo.gen.go", Data: []byte("new package")},
		{Path: "cmd/x/main.gen.go", Data: []byte("old command")},
		{Path: "ARAZZO.md", Data: []byte("docs")},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"arazzo.gen.go": "new package", "cmd/x/main.gen.go": "old command", "ARAZZO.md": "docs"}
	if got := readTree(t, dir); !equalTrees(got, want) {
		t.Errorf("output = %v, want %v", got, want)
	}
}

func equalTrees(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
