package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/arazzogen/arazzogen/generator"
)

// tempPrefix starts the name of every temporary file the generator writes; a run removes
// those it finds in the directories it writes to (left by a run that was killed).
const tempPrefix = ".arazzogen-"

// pendingFile is one output file on its way: written to tmp, renamed to path.
type pendingFile struct {
	path, tmp string
	old       []byte // the file it replaces; nil when there was none
	existed   bool
}

// writeFiles writes the output as one set, after everything was generated: every file that
// changed is first written to a temporary file beside it, and only when all of them are
// written are they renamed into place. A failure (or ctx cancelled, by Ctrl-C or SIGTERM)
// before the renames removes the temporary files and leaves the old files as they were; a
// rename that fails puts back the files already replaced. Nothing is written through a
// symbolic link inside dir that leads outside it.
func writeFiles(ctx context.Context, dir string, files []generator.File) (err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root, err := realDir(dir)
	if err != nil {
		return err
	}
	var pending []*pendingFile
	defer func() {
		if err != nil {
			for _, p := range pending {
				if p.tmp != "" {
					os.Remove(p.tmp)
				}
			}
		}
	}()
	cleaned := map[string]bool{}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		path := filepath.Join(dir, filepath.FromSlash(f.Path))
		// The nearest directory that exists decides where the rest is created.
		existing := filepath.Dir(path)
		for {
			if _, err := os.Lstat(existing); err == nil || filepath.Dir(existing) == existing {
				break
			}
			existing = filepath.Dir(existing)
		}
		real, err := realDir(existing)
		if err != nil {
			return err
		}
		if !within(root, real) {
			return fmt.Errorf("%s leads to %s, outside the output directory %s; not writing through it", existing, real, dir)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		parent, err := realDir(filepath.Dir(path))
		if err != nil {
			return err
		}
		if !cleaned[parent] {
			cleaned[parent] = true
			removeStaleTemps(parent)
		}
		p := &pendingFile{path: path}
		if fi, err := os.Lstat(path); err == nil {
			if !fi.Mode().IsRegular() {
				return fmt.Errorf("%s is not a regular file; not replacing it", path)
			}
			if p.old, err = os.ReadFile(path); err != nil {
				return err
			}
			p.existed = true
			if string(p.old) == string(f.Data) {
				continue
			}
		}
		tmp, err := os.CreateTemp(filepath.Dir(path), tempPrefix+"*")
		if err != nil {
			return err
		}
		p.tmp = tmp.Name()
		pending = append(pending, p)
		_, werr := tmp.Write(f.Data)
		if cerr := tmp.Close(); werr == nil {
			werr = cerr
		}
		if werr == nil {
			werr = os.Chmod(tmp.Name(), 0o644)
		}
		if werr != nil {
			return werr
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for i, p := range pending {
		if rerr := os.Rename(p.tmp, p.path); rerr != nil {
			for _, done := range pending[:i] {
				restore(done)
			}
			return rerr
		}
		p.tmp = ""
	}
	return nil
}

// restore puts back the file that p replaced.
func restore(p *pendingFile) {
	if !p.existed {
		os.Remove(p.path)
		return
	}
	os.WriteFile(p.path, p.old, 0o644)
}

// realDir is dir, absolute, with symbolic links resolved.
func realDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// removeStaleTemps removes the temporary files a killed run left in dir.
func removeStaleTemps(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempPrefix) && e.Type().IsRegular() {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
