package generator

import (
	"path/filepath"
	"strings"
)

// allowedRoots are the directories an unmapped local source may be read from: the Arazzo
// document's own directory tree and every Config.Allow directory. A document is input that
// arazzogen may not trust (a published workflow, a pull request), and `go generate` runs with
// the developer's rights; a source url like ../../.ssh/id_rsa must not be read, and its
// content echoed in diagnostics, just because a document names it.
func (cfg Config) allowedRoots() []string {
	roots := []string{filepath.Dir(cfg.File)}
	roots = append(roots, cfg.Allow...)
	for i, r := range roots {
		if abs, err := filepath.Abs(r); err == nil {
			roots[i] = abs
		}
	}
	return roots
}

// allowed reports whether file lies inside one of the allowed roots. The test is lexical:
// a path is cleaned, not resolved through symbolic links.
func (cfg Config) allowed(file string) bool {
	abs, err := filepath.Abs(filepath.FromSlash(file))
	if err != nil {
		return false
	}
	for _, root := range cfg.allowedRoots() {
		if within(root, abs) {
			return true
		}
	}
	return false
}

// within reports whether path is root or lies under it; both are absolute and clean.
func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
