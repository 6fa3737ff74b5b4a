package generator

import (
	"os"
	"path/filepath"
	"testing"
)

// The default allowed directory is the nearest one at or above the document holding go.mod
// or .git, and the document's own directory when there is neither.
func TestDefaultRoot(t *testing.T) {
	base := t.TempDir()
	mk := func(p string) string {
		p = filepath.Join(base, filepath.FromSlash(p))
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	mod, repo, bare := mk("mod/arazzo/deep"), mk("repo/flows"), mk("bare/flows")
	mk("repo/.git")
	if err := os.WriteFile(filepath.Join(base, "mod", "go.mod"), []byte("module m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		filepath.Join(mod, "w.arazzo.yaml"):  filepath.Join(base, "mod"),
		filepath.Join(repo, "w.arazzo.yaml"): filepath.Join(base, "repo"),
	}
	// The bare case needs a temporary directory with neither marker above it.
	if above := defaultRoot(base + "/x"); above == base {
		cases[filepath.Join(bare, "w.arazzo.yaml")] = bare
	} else {
		t.Logf("%s holds go.mod or .git above the temporary directory; the bare case is not checked", above)
	}
	for doc, want := range cases {
		if got := defaultRoot(doc); got != want {
			t.Errorf("defaultRoot(%s) = %s, want %s", doc, got, want)
		}
	}
}
