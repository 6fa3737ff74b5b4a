// Package generator compiles an Arazzo document, with the OpenAPI descriptions it
// references, into Go source. Generate is pure: files and configuration in, generated files
// and diagnostics out; only the command line touches the disk.
//
// The stages are load (YAML and OpenAPI → positioned model), ir (checked, Go-shaped model)
// and emit (IR → Go source); see DESIGN.md.
package generator

import (
	"context"
	"errors"
	"fmt"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/arazzogen/arazzogen/generator/internal/diag"
	"github.com/arazzogen/arazzogen/generator/internal/emit"
	"github.com/arazzogen/arazzogen/generator/internal/ir"
	"github.com/arazzogen/arazzogen/generator/internal/load"
)

// Config says what to generate.
type Config struct {
	// File is the Arazzo document's path, as diagnostics should show it.
	File string
	// Package is the Go package name of the generated code.
	Package string
	// Sources maps a sourceDescription name to a local file that replaces its url.
	Sources map[string]string
	// URLs maps a sourceDescription url, exactly as written, to a local file that replaces
	// it; Sources wins for a source that both map.
	URLs map[string]string
	// Cache, when set, shares parsed OpenAPI descriptions with other Generate calls.
	Cache *SourceCache
	// CLI also generates a command in cmd/<Package>/ that runs any workflow from a shell.
	CLI bool
	// ImportPath is the import path of the generated package; the command needs it.
	ImportPath string
	// Strict turns every warning into an error.
	Strict bool
	// Workflows selects the workflows to generate by workflowId; all when empty.
	Workflows []string
	// Allow lists directories, besides the Arazzo document's own directory tree, from which
	// sources that are not mapped by Sources or URLs may be read (see allowedRoots).
	Allow []string
	// ReadFile reads an input file; os.ReadFile when nil.
	ReadFile func(name string) ([]byte, error)
}

// File is a generated file; Path is slash-separated and relative to the output directory.
type File struct {
	Path string
	Data []byte
}

// Diagnostic is a positioned problem in the input documents.
type Diagnostic = diag.Diagnostic

// Severity levels of a Diagnostic.
const (
	Warning = diag.Warning
	Error   = diag.Error
)

// Result holds the generated files (none when there are errors) and every diagnostic,
// sorted by position.
type Result struct {
	Files []File
	Diags []Diagnostic
	// Stats measures the generated code; zero when nothing was generated.
	Stats Stats
}

// HasErrors reports whether any diagnostic is an error.
func (r *Result) HasErrors() bool {
	for _, d := range r.Diags {
		if d.Severity == diag.Error {
			return true
		}
	}
	return false
}

// Generate compiles the document described by cfg. The error is for generator bugs and a
// cancelled ctx only; problems in the documents are reported as diagnostics.
func Generate(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.ReadFile == nil {
		cfg.ReadFile = os.ReadFile
	}
	if !token.IsIdentifier(cfg.Package) || cfg.Package == "_" {
		return nil, fmt.Errorf("package name %q is not a Go identifier", cfg.Package)
	}
	var diags diag.List
	res := &Result{}
	prog := front(ctx, cfg, &diags)
	if cfg.Strict {
		diags.Strict()
	}
	res.Diags = diags.Sorted()
	if prog == nil || diags.HasErrors() {
		return res, ctx.Err()
	}
	out, err := emit.Package(prog)
	if err != nil {
		return nil, err
	}
	res.Files = append(res.Files, File{Path: out.Path, Data: out.Data})
	res.Stats = statsOf(prog)
	if cfg.CLI {
		if cfg.ImportPath == "" {
			return nil, fmt.Errorf("the command needs the import path of package %s", cfg.Package)
		}
		out, err := emit.Command(prog, cfg.ImportPath)
		if err != nil {
			return nil, err
		}
		res.Files = append(res.Files, File{Path: out.Path, Data: out.Data})
	}
	return res, ctx.Err()
}

// front runs the load and ir stages.
func front(ctx context.Context, cfg Config, diags *diag.List) *ir.Program {
	data, err := cfg.ReadFile(cfg.File)
	if err != nil {
		diags.Errorf(diag.Pos{File: cfg.File, Line: 1, Col: 1}, "read", "cannot read the Arazzo document: %s", readError(err))
		return nil
	}
	root := load.ParseYAML(cfg.File, data, diags)
	if root == nil {
		return nil
	}
	doc := load.Decode(cfg.File, root, diags)
	if doc == nil {
		return nil
	}
	for name := range cfg.Sources {
		found := false
		for _, s := range doc.SourceDescriptions {
			found = found || s.Name.Value == name
		}
		if !found {
			diags.Errorf(doc.Pos, "unknown-source", "-source %s=…: the document has no sourceDescription named %q", name, name)
		}
	}
	openapi := map[string]*load.OpenAPI{}
	seen := map[string]bool{}
	for _, s := range doc.SourceDescriptions {
		if ctx.Err() != nil {
			return nil
		}
		if seen[s.Name.Value] {
			diags.Errorf(s.Name.Pos, "duplicate", "sourceDescription name %q is used twice", s.Name.Value)
			continue
		}
		seen[s.Name.Value] = true
		if oa := loadSource(cfg, doc.Self.Value, s, diags); oa != nil {
			openapi[s.Name.Value] = oa
		}
	}
	warnDropped(doc, openapi, diags)
	return ir.Build(ir.Input{Package: cfg.Package, Doc: doc, OpenAPI: openapi, Workflows: cfg.Workflows}, diags)
}

// loadSource reads and parses one OpenAPI source description; self is the document's
// $self, the base of relative urls.
func loadSource(cfg Config, self string, s *load.Source, diags *diag.List) *load.OpenAPI {
	switch s.Type.Value {
	case "", "openapi":
	case "arazzo":
		diags.Errorf(s.Type.Pos, "unsupported", "arazzo source descriptions (sub-workflows in other documents) are not supported yet")
		return nil
	default:
		diags.Errorf(s.Type.Pos, "unsupported", "source description type %q is not supported (want openapi)", s.Type.Value)
		return nil
	}
	file, mapped := cfg.Sources[s.Name.Value]
	if !mapped {
		file, mapped = cfg.URLs[s.URL.Value]
	}
	identity := ""
	if !mapped {
		var remote bool
		file, identity, remote = sourceFile(self, cfg.File, s.URL.Value)
		if remote {
			diags.Errorf(s.URL.Pos, "remote-source", "source %q has a remote url; generation reads only local files", s.Name.Value).
				WithHint("download it and map it with -source %s=PATH", s.Name.Value)
			return nil
		}
		if f, ok := cfg.URLs[identity]; ok && identity != "" {
			file, mapped = f, true
		}
		if !mapped && !cfg.allowed(file) {
			diags.Errorf(s.URL.Pos, "outside-source", "source %q is %s, outside the Arazzo document's directory; generation reads only files under it unless allowed", s.Name.Value, file).
				WithHint("allow its directory with -allow %s, or map the source with -source %s=PATH", filepath.Dir(filepath.FromSlash(file)), s.Name.Value)
			return nil
		}
	}
	data, err := cfg.ReadFile(file)
	if err != nil {
		d := diags.Errorf(s.URL.Pos, "read", "cannot read source %q from %s: %s", s.Name.Value, file, readError(err))
		if identity != "" && !mapped {
			d.WithHint("its url identifies %s (resolved against $self); keep a copy at %s or map it with -source %s=PATH", identity, file, s.Name.Value)
		} else if !mapped {
			d.WithHint("map it to a local file with -source %s=PATH", s.Name.Value)
		}
		return nil
	}
	oa, err := cfg.Cache.parseOpenAPI(file, data)
	var bomb *load.AliasBombError
	if errors.As(err, &bomb) {
		diags.Errorf(diag.Pos{File: file, Line: bomb.Line, Col: bomb.Col}, "too-large", "%s", bomb.Error()).
			WithHint("aliases that repeat aliases grow exponentially; write the values out or reduce the nesting")
		return nil
	}
	if err != nil {
		if line, col, msg := load.YAMLErrorPos(err); line > 0 {
			diags.Errorf(diag.Pos{File: file, Line: line, Col: col}, "yaml", "malformed YAML in source %q: %s", s.Name.Value, msg)
			return nil
		}
		diags.Errorf(s.URL.Pos, "openapi", "cannot load source %q (%s): %s", s.Name.Value, file, err)
		return nil
	}
	// One warning per source, at the first dangling $ref: a large description can have
	// hundreds, and what matters is that the description is at fault, not the workflow.
	if n := len(oa.Unresolved); n > 0 {
		u, more := oa.Unresolved[0], ""
		if n > 1 {
			more = fmt.Sprintf(" (and %d other references)", n-1)
		}
		diags.Warnf(diag.Pos{File: file, Line: u.Line, Col: u.Col}, "openapi-ref", "source %q: $ref %q points at nothing%s; what depends on it is left out or untyped", s.Name.Value, u.Ref, more)
	}
	return oa
}

// readError drops the path that *fs.PathError repeats.
func readError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
