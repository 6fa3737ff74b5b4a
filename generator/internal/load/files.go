package load

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/pb33f/libopenapi/index"
	yaml "go.yaml.in/yaml/v4"
)

// The $refs of an OpenAPI description may name other files, which libopenapi reads. Which
// ones a description may reach is decided by the generator (FileAccess): files inside the
// allowed directories, compared as real paths, regular, and no larger than a bound. It is
// enforced twice. Before libopenapi sees the description, every $ref to a file is checked,
// in the description and, in turn, in the files it reaches, so that a refused one is
// reported at its place with its text. And libopenapi reads files only through a
// filesystem that applies the same rules (refFS), so that nothing it resolves on its own
// (a base URI from $id, a reference the walk did not recognise) can read past them.

// FileAccess is what the $refs of a description may read.
type FileAccess struct {
	// Roots are the directories files may be read from, absolute, symbolic links resolved.
	Roots []string
	// MaxBytes bounds the size of each file.
	MaxBytes int64
	// Display shows an absolute path in a diagnostic; nil shows it as it is.
	Display func(string) string
}

// Key identifies the access for a cache of parsed descriptions.
func (a *FileAccess) Key() string {
	if a == nil {
		return ""
	}
	return strings.Join(a.Roots, "\x00")
}

func (a *FileAccess) display(path string) string {
	if a == nil || a.Display == nil {
		return path
	}
	return a.Display(path)
}

// check decides whether the file at path (absolute) may be read: it returns its real path,
// or why not. A file that does not exist is fs.ErrNotExist, which libopenapi reports as a
// reference that points at nothing.
func (a *FileAccess) check(path string) (string, error) {
	if a == nil {
		a = &FileAccess{} // no directory is allowed
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", err
	}
	inside := false
	for _, root := range a.Roots {
		if rel, err := filepath.Rel(root, real); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel) {
			inside = true
			break
		}
	}
	if !inside {
		if real != path {
			return "", fmt.Errorf("leads to %s, outside the allowed directories", a.display(real))
		}
		return "", fmt.Errorf("names %s, outside the allowed directories", a.display(real))
	}
	fi, err := os.Stat(real)
	if err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("names %s, which is not a regular file (a device, a named pipe or a directory)", a.display(real))
	}
	if fi.Size() > a.MaxBytes {
		return "", fmt.Errorf("names %s, %d bytes, larger than the %d-byte limit", a.display(real), fi.Size(), a.MaxBytes)
	}
	return real, nil
}

// RefError is a $ref that names a file the description may not read.
type RefError struct {
	File      string // the file holding the $ref, as the generator names it
	Line, Col int
	Ref       string
	Reason    string
}

func (e *RefError) Error() string {
	if e.Ref == "" {
		return "a $ref reaches " + e.Reason
	}
	return fmt.Sprintf("$ref %q %s", e.Ref, e.Reason)
}

// RefErrors are the refused $refs of a description, in the order found.
type RefErrors []*RefError

func (e RefErrors) Error() string {
	var msgs []string
	for _, r := range e {
		msgs = append(msgs, r.Error())
	}
	return strings.Join(msgs, "; ")
}

// maxRefFiles bounds how many files the references of one description may reach.
const maxRefFiles = 1000

// checkFileRefs walks the $refs to other files, from the description in file (whose YAML
// is root) through every file they reach, and returns those that may not be read.
func checkFileRefs(file string, root *yaml.Node, access *FileAccess) (errs RefErrors, reached bool) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, false
	}
	seen := map[string]bool{abs: true}
	type pending struct {
		shown string // how diagnostics name the file
		path  string // absolute
		root  *yaml.Node
	}
	queue := []pending{{file, abs, root}}
	for len(queue) > 0 && len(seen) <= maxRefFiles {
		cur := queue[0]
		queue = queue[1:]
		walkFileRefs(cur.root, 0, func(n *yaml.Node) {
			target, ok := refFile(filepath.Dir(cur.path), n.Value)
			if !ok {
				return
			}
			reached = true
			real, err := access.check(target)
			if errors.Is(err, fs.ErrNotExist) {
				return // points at nothing: a warning, as for a missing component
			}
			if err != nil {
				errs = append(errs, &RefError{File: cur.shown, Line: n.Line, Col: n.Column, Ref: n.Value, Reason: err.Error()})
				return
			}
			if seen[target] {
				return
			}
			seen[target] = true
			data, err := os.ReadFile(real)
			if err != nil {
				return
			}
			doc, err := parseTree(data)
			if err != nil || aliasBomb(doc) != nil {
				return // libopenapi reports what is wrong with it
			}
			shown := filepath.ToSlash(filepath.Join(filepath.Dir(cur.shown), mustRel(filepath.Dir(cur.path), target)))
			queue = append(queue, pending{shown, target, doc})
		})
	}
	return errs, reached
}

func mustRel(base, target string) string {
	if rel, err := filepath.Rel(base, target); err == nil {
		return rel
	}
	return target
}

// walkFileRefs calls f with the value node of every "$ref" under n.
func walkFileRefs(n *yaml.Node, depth int, f func(*yaml.Node)) {
	if n == nil || depth > maxAliasDepth {
		return
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k, v := n.Content[i], n.Content[i+1]; k.Value == "$ref" && v.Kind == yaml.ScalarNode {
				f(v)
			}
		}
	}
	for _, c := range n.Content {
		walkFileRefs(c, depth+1, f)
	}
}

// refFile is the file a reference names, resolved against dir; ok is false for a reference
// inside the same document and for a remote one (libopenapi is not allowed those).
func refFile(dir, ref string) (string, bool) {
	loc, _, _ := strings.Cut(ref, "#")
	if loc == "" {
		return "", false
	}
	if u, err := url.Parse(loc); err == nil && u.Scheme != "" && len(u.Scheme) > 1 {
		if u.Scheme != "file" {
			return "", false
		}
		loc = u.Path
	}
	if p, err := url.PathUnescape(loc); err == nil {
		loc = p
	}
	loc = filepath.FromSlash(loc)
	if !filepath.IsAbs(loc) {
		loc = filepath.Join(dir, loc)
	}
	return filepath.Clean(loc), true
}

// refFS is the local filesystem libopenapi reads referenced files through: each is checked
// with the FileAccess, then read by libopenapi's own LocalFS (which indexes it). What it
// refuses is kept, for a diagnostic in case the walk before did not report it.
type refFS struct {
	base   string // the description's directory, absolute
	access *FileAccess

	once    sync.Once
	rolodex *index.Rolodex
	inner   *index.LocalFS

	mu      sync.Mutex
	refused []string         // "path: reason"
	asked   bool             // libopenapi asked for a file
	checked map[string]error // the verdict on each path asked for
}

func newRefFS(file string, access *FileAccess) *refFS {
	base, err := filepath.Abs(filepath.Dir(file))
	if err != nil {
		base = filepath.Dir(file)
	}
	return &refFS{base: base, access: access}
}

// SetRolodex is called by libopenapi when it adds the filesystem to the rolodex, before any
// file is opened. The LocalFS shares the rolodex's index configuration, as libopenapi's own
// does, so that the files it reads are indexed and resolved like the description.
func (r *refFS) SetRolodex(rolodex *index.Rolodex) {
	r.rolodex = rolodex
}

func (r *refFS) SetLogger(*slog.Logger) {}

func (r *refFS) local() *index.LocalFS {
	r.once.Do(func() {
		cfg := r.rolodex.GetConfig()
		cfg.AllowFileLookup = true
		r.inner, _ = index.NewLocalFSWithConfig(&index.LocalFSConfig{BaseDirectory: r.base, IndexConfig: cfg, Logger: discardLogger})
		if r.inner != nil {
			r.inner.SetRolodex(r.rolodex)
		}
	})
	return r.inner
}

// path makes a name libopenapi asks for absolute: absolute already, or relative to the
// description's directory.
func (r *refFS) path(name string) string {
	p := filepath.FromSlash(name)
	if !filepath.IsAbs(p) {
		p = filepath.Join(r.base, p)
	}
	return filepath.Clean(p)
}

func (r *refFS) allow(name string) (string, error) {
	p := r.path(name)
	r.mu.Lock()
	r.asked = true
	err, seen := r.checked[p]
	r.mu.Unlock()
	// libopenapi asks about a file once for every reference into it; the file system is
	// asked once per parse.
	if !seen {
		_, err = r.access.check(p)
		r.mu.Lock()
		if _, again := r.checked[p]; !again {
			if r.checked == nil {
				r.checked = map[string]error{}
			}
			r.checked[p] = err
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				r.refused = append(r.refused, r.access.display(p)+" "+err.Error())
			}
		}
		r.mu.Unlock()
	}
	if err != nil {
		return "", &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return p, nil
}

func (r *refFS) Open(name string) (fs.File, error) {
	return r.OpenWithContext(context.Background(), name)
}

// OpenWithContext opens a file for the rolodex (index.RolodexFSWithContext).
func (r *refFS) OpenWithContext(ctx context.Context, name string) (fs.File, error) {
	p, err := r.allow(name)
	if err != nil {
		return nil, err
	}
	inner := r.local()
	if inner == nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errors.New("no filesystem")}
	}
	return inner.OpenWithContext(ctx, p)
}

// Stat answers libopenapi's test of whether a referenced file exists.
func (r *refFS) Stat(name string) (fs.FileInfo, error) {
	p, err := r.allow(name)
	if err != nil {
		return nil, err
	}
	return os.Stat(p)
}

// GetFiles lists the files read so far (index.RolodexFS).
func (r *refFS) GetFiles() map[string]index.RolodexFile {
	if inner := r.local(); inner != nil {
		return inner.GetFiles()
	}
	return map[string]index.RolodexFile{}
}

// wasAsked reports whether libopenapi asked for any file.
func (r *refFS) wasAsked() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.asked
}

// refusals lists what was refused, sorted, once each.
func (r *refFS) refusals() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Clone(r.refused)
	slices.Sort(out)
	return slices.Compact(out)
}

var discardLogger = slog.New(slog.DiscardHandler)
