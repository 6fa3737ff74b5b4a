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
	"sync"

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
	// Sources maps a sourceDescription name to a local file that replaces its url. A source
	// of an Arazzo document that an arazzo source names is named by the arazzo source names
	// that lead to it from this document, joined by dots: "tickets.museum-api".
	Sources map[string]string
	// URLs maps a sourceDescription url, exactly as written in any of the documents, to a
	// local file that replaces it; Sources wins for a source that both map.
	URLs map[string]string
	// Cache, when set, shares parsed OpenAPI descriptions with other Generate calls.
	Cache *SourceCache
	// CLI also generates a command in cmd/<Package>/ that runs any workflow from a shell.
	CLI bool
	// MCP also generates a command in cmd/<Package>-mcp/ that serves every workflow as an
	// MCP tool; it imports github.com/arazzogen/arazzogen/mcp, a module of its own.
	MCP bool
	// Temporal also generates a package in <Package>temporal/ that runs the workflows as
	// Temporal workflows; it imports github.com/arazzogen/arazzogen/temporal, a module of
	// its own.
	Temporal bool
	// Parallel runs steps that the compiler proves independent at once: consecutive
	// operation steps without actions that no action runs and that do not read one another's
	// outputs (runtime.FlowStep.Group). Otherwise steps run one after the other, in
	// document order.
	Parallel bool
	// ImportPath is the import path of the generated package; the commands and the Temporal
	// package need it.
	ImportPath string
	// PackageDocElsewhere says that a file of the package that the generator does not write
	// (a doc.go) has the package's doc comment, so arazzo.gen.go has none: go doc shows one.
	PackageDocElsewhere bool
	// Docs also generates ARAZZO.md: per workflow a Mermaid diagram, the generated method's
	// signature and tables of its inputs and outputs.
	Docs bool
	// Graph sets Result.Graph to a Mermaid flowchart of the workflows.
	Graph bool
	// Strict turns every warning into an error.
	Strict bool
	// Workflows selects the workflows to generate by workflowId; all when empty.
	Workflows []string
	// Allow lists directories from which sources that are not mapped by Sources or URLs,
	// and the files that $refs name, may be read, besides the enclosing module or
	// repository of File (see allow.go).
	Allow []string
	// ReadFile reads an input file in place of the disk. When nil, files are read from the
	// disk, with their real paths (symbolic links resolved) compared with the allowed
	// directories, and only regular files of at most MaxFileBytes; a ReadFile is trusted to
	// serve what it should, and the allowed directories are compared by name.
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
	// Sources names the source descriptions the generated code calls, as WithServerURL and
	// the command's -server take them: the entry document's by their names, those of
	// referenced Arazzo documents as described in the README; empty when nothing was
	// generated.
	Sources []string
	// Graph is a Mermaid flowchart of the entry document's workflows, a subgraph each, when
	// Config.Graph asks for it and nothing stopped generation.
	Graph []byte
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
	if (cfg.CLI || cfg.MCP) && cfg.ImportPath == "" {
		return nil, fmt.Errorf("the commands need the import path of package %s", cfg.Package)
	}
	if cfg.Temporal && cfg.ImportPath == "" {
		return nil, fmt.Errorf("the Temporal package needs the import path of package %s", cfg.Package)
	}
	// The files are emitted at once: each only reads the program, and formatting them is
	// most of what emission costs. They are listed in this order whatever finishes first.
	emitters := []func() (emit.Output, error){func() (emit.Output, error) { return emit.Package(prog, !cfg.PackageDocElsewhere) }}
	if cfg.CLI {
		emitters = append(emitters, func() (emit.Output, error) { return emit.Command(prog, cfg.ImportPath) })
	}
	if cfg.MCP {
		emitters = append(emitters, func() (emit.Output, error) { return emit.MCPCommand(prog, cfg.ImportPath) })
	}
	if cfg.Temporal {
		emitters = append(emitters, func() (emit.Output, error) { return emit.Temporal(prog, cfg.ImportPath) })
	}
	if cfg.Docs {
		emitters = append(emitters, func() (emit.Output, error) { return emit.Docs(prog), nil })
	}
	outs := make([]emit.Output, len(emitters))
	errs := make([]error, len(emitters))
	var wg sync.WaitGroup
	for i, render := range emitters {
		wg.Go(func() { outs[i], errs[i] = render() })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for _, out := range outs {
		res.Files = append(res.Files, File{Path: out.Path, Data: out.Data})
	}
	res.Stats = statsOf(prog)
	for _, s := range prog.Sources {
		res.Sources = append(res.Sources, s.Name)
	}
	if cfg.Graph {
		res.Graph = emit.Graph(prog)
	}
	return res, ctx.Err()
}

// front runs the load and ir stages.
func front(ctx context.Context, cfg Config, diags *diag.List) *ir.Program {
	fa := newFiles(cfg)
	data, err := fa.read(cfg.File, false)
	if err != nil {
		code, msg := readProblem(err)
		diags.Errorf(diag.Pos{File: cfg.File, Line: 1, Col: 1}, code, "cannot read the Arazzo document: %s", msg)
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
	entry := loadSources(ctx, cfg, fa, doc, diags)
	if ctx.Err() != nil {
		return nil
	}
	return ir.Build(ir.Input{Package: cfg.Package, Doc: doc, OpenAPI: entry.OpenAPI, Arazzo: entry.Arazzo, AsyncAPI: entry.AsyncAPI, Workflows: cfg.Workflows, Temporal: cfg.Temporal, MCP: cfg.MCP, Parallel: cfg.Parallel}, diags)
}

// readError drops the path that *fs.PathError repeats.
func readError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
