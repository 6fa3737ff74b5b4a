package generator

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/load"
)

// A document decides which files the generator reads, and a document may come from anyone
// (a published workflow, a vendor's description, a pull request), while `go generate` runs
// with the developer's rights. So the files a document names are read only inside the
// allowed directories (the roots), compared as real paths: a source url like
// ../../.ssh/id_rsa, or a link inside the repository that leads out of it, is refused
// rather than read and echoed in diagnostics. Every file, whoever names it, must be a
// regular file (a device such as /dev/zero never ends, a named pipe may never answer) of at
// most MaxFileBytes.
//
// The roots are the enclosing module or repository of the Arazzo document (the nearest
// directory at or above it holding go.mod or .git; the document's own directory when there
// is none) and every Config.Allow directory. The entry document and the files that
// Config.Sources and Config.URLs map were chosen by the user and may be anywhere; what they
// name in turn is confined. The $refs of OpenAPI descriptions are confined the same way
// (load.FileAccess).

// MaxFileBytes bounds the size of every file the generator reads: documents, descriptions
// and the files their $refs name.
const MaxFileBytes = load.MaxDocumentBytes

// files reads the generator's input files under the rules above.
type files struct {
	cfg Config
	// roots are the allowed directories, absolute; real holds them with symbolic links
	// resolved (a root that does not exist is kept as it is).
	roots, real []string
}

func newFiles(cfg Config) *files {
	f := &files{cfg: cfg}
	f.roots = append([]string{defaultRoot(cfg.File)}, cfg.Allow...)
	for i, r := range f.roots {
		if abs, err := filepath.Abs(r); err == nil {
			f.roots[i] = abs
		}
		real := f.roots[i]
		if r, err := filepath.EvalSymlinks(real); err == nil {
			real = r
		}
		f.real = append(f.real, real)
	}
	return f
}

// defaultRoot is the nearest directory at or above the document that holds go.mod or .git,
// or the document's own directory.
func defaultRoot(doc string) string {
	dir, err := filepath.Abs(filepath.Dir(doc))
	if err != nil {
		return filepath.Dir(doc)
	}
	for d := dir; ; d = filepath.Dir(d) {
		for _, marker := range []string{"go.mod", ".git"} {
			if _, err := os.Stat(filepath.Join(d, marker)); err == nil {
				return d
			}
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

// onDisk reports whether files are read from the disk (Config.ReadFile is nil), where links
// are resolved and file types known. A Config.ReadFile is trusted to serve what it should;
// the roots are then compared by name.
func (f *files) onDisk() bool { return f.cfg.ReadFile == nil }

// outsideError is a file whose path, or real path, lies outside the roots.
type outsideError struct {
	file string // as named
	real string // with links resolved; empty when the name itself is outside
}

func (e *outsideError) Error() string {
	if e.real != "" {
		return fmt.Sprintf("%s leads to %s, outside the allowed directories", e.file, e.real)
	}
	return fmt.Sprintf("%s is outside the allowed directories", e.file)
}

// errNotRegular is a file that is a device, a named pipe, a socket or a directory.
var errNotRegular = errors.New("not a regular file (a device, a named pipe or a directory)")

// tooLargeError is a file larger than MaxFileBytes.
type tooLargeError struct{ size int64 }

func (e *tooLargeError) Error() string {
	if e.size > 0 {
		return fmt.Sprintf("%d bytes, larger than the %d-byte (64 MiB) limit", e.size, MaxFileBytes)
	}
	return fmt.Sprintf("larger than the %d-byte (64 MiB) limit", MaxFileBytes)
}

// read reads a file; confined files must lie inside the roots.
func (f *files) read(file string, confined bool) ([]byte, error) {
	if confined && !f.within(file) {
		return nil, &outsideError{file: file}
	}
	if !f.onDisk() {
		return f.cfg.ReadFile(file)
	}
	abs, err := filepath.Abs(filepath.FromSlash(file))
	if err != nil {
		return nil, err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, err
	}
	if confined && !withinAny(f.real, real) {
		return nil, &outsideError{file: file, real: displayPath(real)}
	}
	return readRegular(real)
}

// readRegular reads a regular file of at most MaxFileBytes. The type is checked before the
// file is opened: opening a named pipe waits for a writer.
func readRegular(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errNotRegular
	}
	if fi.Size() > MaxFileBytes {
		return nil, &tooLargeError{size: fi.Size()}
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	// A file may grow after the Stat, or report no size at all.
	data, err := io.ReadAll(io.LimitReader(fh, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileBytes {
		return nil, &tooLargeError{}
	}
	return data, nil
}

// within reports whether file, by name, lies inside one of the roots.
func (f *files) within(file string) bool {
	abs, err := filepath.Abs(filepath.FromSlash(file))
	return err == nil && withinAny(f.roots, abs)
}

// refAccess is what the $refs of an OpenAPI description may read: files inside the roots,
// whoever named the description (a description mapped with -source from elsewhere needs
// its directory allowed for its references to other files).
func (f *files) refAccess() *load.FileAccess {
	return &load.FileAccess{Roots: f.real, MaxBytes: MaxFileBytes, Display: displayPath}
}

func withinAny(roots []string, path string) bool {
	for _, root := range roots {
		if within(root, path) {
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

// displayPath shows an absolute path relative to the working directory, as diagnostics
// show paths, when it lies below it; as it is otherwise ("/dev/zero" says more than
// "../../../dev/zero").
func displayPath(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(wd, path); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(path)
}

// rootsList lists the roots for a diagnostic, relative to the working directory.
func (f *files) rootsList() string {
	var out []string
	for _, r := range f.roots {
		out = append(out, displayPath(r))
	}
	return strings.Join(out, ", ")
}

// readProblem says what went wrong reading a file, for a diagnostic: the code and the text.
func readProblem(err error) (code, msg string) {
	var outside *outsideError
	var large *tooLargeError
	switch {
	case errors.As(err, &outside):
		return "outside-source", err.Error()
	case errors.Is(err, errNotRegular):
		return "read", err.Error()
	case errors.As(err, &large):
		return "too-large", err.Error()
	}
	return "read", readError(err)
}
