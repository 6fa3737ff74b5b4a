package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// The command's own failures (usage, no corpus) exit 2, apart from documents failing (1).
func TestRunUsage(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"extra"}, `corpus: unexpected arguments ["extra"]`},
		{[]string{"-j"}, "flag needs an argument: -j"},
		{[]string{"-dir", missing}, "corpus: stat " + missing + ": no such file or directory"},
		{[]string{"-dir", t.TempDir()}, "corpus: no Arazzo documents under "},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), tt.args, &stdout, &stderr); code != 2 {
			t.Errorf("%q: exit %d, want 2", tt.args, code)
		}
		if !strings.Contains(stderr.String(), tt.stderr) {
			t.Errorf("%q: stderr %q lacks %q", tt.args, stderr.String(), tt.stderr)
		}
		if stdout.Len() > 0 {
			t.Errorf("%q: stdout %q, want nothing", tt.args, stdout.String())
		}
	}
}

// $CORPUS names the corpus when -dir does not.
func TestRunCorpusEnv(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "from-env")
	t.Setenv("CORPUS", missing)
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), nil, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), missing) {
		t.Errorf("exit %d, stderr %q: want 2 and a message naming %s", code, stderr.String(), missing)
	}
}
