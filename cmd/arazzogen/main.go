// Command arazzogen compiles an Arazzo document, with the OpenAPI descriptions it
// references, into type-safe Go.
//
//	arazzogen [flags] FILE.arazzo.(yaml|yml|json)
//
// Run it from go generate:
//
//	//go:generate go tool arazzogen -o . -package petstore ../arazzo/petstore.arazzo.yaml
//
// With -lint it only checks the document and prints every diagnostic.
//
// Exit status: 0 ok, 1 errors in the documents (or stale output with -check), 2 usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/arazzogen/arazzogen/generator"
	"gopkg.in/yaml.v3"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

type sourceFlags map[string]string

// listFlag collects the values of a repeatable flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	if v == "" {
		return errors.New("want a directory")
	}
	*l = append(*l, v)
	return nil
}

func (s sourceFlags) String() string { return "" }
func (s sourceFlags) Set(v string) error {
	name, path, ok := strings.Cut(v, "=")
	if !ok || name == "" || path == "" {
		return errors.New("want NAME=PATH")
	}
	s[name] = path
	return nil
}

// fileConfig is arazzogen.yaml: the command-line settings plus workflow selection.
type fileConfig struct {
	Input     string            `yaml:"input"`
	Output    string            `yaml:"output"`
	Package   string            `yaml:"package"`
	Sources   map[string]string `yaml:"sources"`
	Allow     []string          `yaml:"allow"`
	CLI       bool              `yaml:"cli"`
	Temporal  bool              `yaml:"temporal"`
	Parallel  bool              `yaml:"parallel"`
	MCP       bool              `yaml:"mcp"`
	Docs      *bool             `yaml:"docs"`
	Strict    bool              `yaml:"strict"`
	Workflows []string          `yaml:"workflows"`
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("arazzogen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sources := sourceFlags{}
	out := fs.String("o", "", "output `DIR` (default \".\")")
	pkg := fs.String("package", "", "Go package `NAME` (default $GOPACKAGE under go generate, else DIR's base name)")
	fs.Var(sources, "source", "map a sourceDescription to a local file: `NAME=PATH` (repeatable; ARAZZOSOURCE.NAME names a source of the Arazzo document an arazzo source names)")
	var allow listFlag
	fs.Var(&allow, "allow", "also read unmapped sources under `DIR`, besides the document's own directory (repeatable)")
	configFile := fs.String("config", "", "read settings from `FILE` (arazzogen.yaml)")
	cli := fs.Bool("cli", false, "also write a command into DIR/cmd/<package>/")
	temporal := fs.Bool("temporal", false, "also write a package into DIR/<package>temporal/ that runs the workflows on Temporal")
	mcp := fs.Bool("mcp", false, "also write an MCP server into DIR/cmd/<package>-mcp/ (needs the module github.com/arazzogen/arazzogen/mcp)")
	parallel := fs.Bool("parallel", false, "run steps that do not depend on each other at once (default: one after the other, in document order)")
	strict := fs.Bool("strict", false, "treat warnings as errors")
	check := fs.Bool("check", false, "write nothing; exit 1 and print a diff if the output would change")
	lint := fs.Bool("lint", false, "check the document only: print every diagnostic and write nothing")
	graph := fs.Bool("graph", false, "print a Mermaid flowchart of the workflows and write nothing")
	format := fs.String("format", "text", "diagnostics as `text` (standard error), json or sarif (SARIF 2.1.0, standard output)")
	docs := fs.Bool("docs", true, "also write ARAZZO.md (diagrams, signatures, inputs and outputs) into DIR")
	version := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: arazzogen [flags] FILE.arazzo.(yaml|yml|json)\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *version {
		fmt.Fprintln(stdout, "arazzogen", buildVersion())
		return 0
	}
	cfg := fileConfig{Output: *out, Package: *pkg, Sources: map[string]string{}, CLI: *cli, MCP: *mcp, Temporal: *temporal, Parallel: *parallel, Strict: *strict}
	docsSet := false
	fs.Visit(func(f *flag.Flag) { docsSet = docsSet || f.Name == "docs" })
	if *configFile != "" {
		fc, err := readConfig(*configFile)
		if err != nil {
			fmt.Fprintf(stderr, "arazzogen: %v\n", err)
			return 2
		}
		// The command line wins over the file.
		base := filepath.Dir(*configFile)
		if fc.Input != "" {
			fc.Input = filepath.Join(base, fc.Input)
		}
		if fc.Output != "" {
			fc.Output = filepath.Join(base, fc.Output)
		}
		for k, v := range fc.Sources {
			fc.Sources[k] = filepath.Join(base, v)
		}
		for i, v := range fc.Allow {
			fc.Allow[i] = filepath.Join(base, v)
		}
		if cfg.Output == "" {
			cfg.Output = fc.Output
		}
		if cfg.Package == "" {
			cfg.Package = fc.Package
		}
		cfg.Input = fc.Input
		for k, v := range fc.Sources {
			cfg.Sources[k] = v
		}
		cfg.CLI = cfg.CLI || fc.CLI
		cfg.Temporal = cfg.Temporal || fc.Temporal
		cfg.Parallel = cfg.Parallel || fc.Parallel
		cfg.MCP = cfg.MCP || fc.MCP
		if fc.Docs != nil && !docsSet {
			*docs = *fc.Docs
		}
		cfg.Strict = cfg.Strict || fc.Strict
		cfg.Workflows = fc.Workflows
		cfg.Allow = fc.Allow
	}
	cfg.Allow = append(cfg.Allow, allow...)
	for k, v := range sources {
		cfg.Sources[k] = v
	}
	switch fs.NArg() {
	case 0:
		if cfg.Input == "" {
			fs.Usage()
			return 2
		}
	case 1:
		cfg.Input = fs.Arg(0)
	default:
		fmt.Fprintf(stderr, "arazzogen: one Arazzo document at a time (got %d)\n", fs.NArg())
		return 2
	}
	if cfg.Output == "" {
		cfg.Output = "."
	}
	if cfg.Package == "" {
		cfg.Package = os.Getenv("GOPACKAGE")
	}
	if cfg.Package == "" {
		abs, err := filepath.Abs(cfg.Output)
		if err == nil {
			cfg.Package = packageName(filepath.Base(abs))
		}
	}
	if *lint && *graph {
		fmt.Fprintln(stderr, "arazzogen: -lint and -graph exclude each other")
		return 2
	}
	switch *format {
	case "text":
	case "json", "sarif":
		if *graph {
			fmt.Fprintf(stderr, "arazzogen: -graph and -format %s both print on standard output\n", *format)
			return 2
		}
	default:
		fmt.Fprintf(stderr, "arazzogen: -format %q: want text, json or sarif\n", *format)
		return 2
	}
	if *lint || *graph {
		// Linting and drawing need no output directory, command or docs; a fixed package
		// name keeps them independent of where they run.
		cfg.CLI, cfg.MCP, cfg.Temporal = false, false, false
		*docs = false
		if cfg.Package == "" || !token.IsIdentifier(cfg.Package) {
			cfg.Package = "lint"
		}
	}
	importPath := ""
	if cfg.CLI || cfg.MCP || cfg.Temporal {
		var err error
		if importPath, err = importPathOf(cfg.Output); err != nil {
			fmt.Fprintf(stderr, "arazzogen: -cli, -mcp, -temporal: %v\n", err)
			return 2
		}
	}
	res, err := generator.Generate(ctx, generator.Config{
		PackageDocElsewhere: !*lint && !*graph && hasPackageDoc(cfg.Output),
		File:                cfg.Input,
		Package:             cfg.Package,
		Sources:             cfg.Sources,
		Allow:               cfg.Allow,
		CLI:                 cfg.CLI,
		MCP:                 cfg.MCP,
		Temporal:            cfg.Temporal,
		Parallel:            cfg.Parallel,
		ImportPath:          importPath,
		Docs:                *docs,
		Graph:               *graph,
		Strict:              cfg.Strict,
		Workflows:           cfg.Workflows,
	})
	if err != nil {
		fmt.Fprintf(stderr, "arazzogen: %v\n", err)
		return 2
	}
	errs := 0
	for _, d := range res.Diags {
		if d.Severity == generator.Error {
			errs++
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "arazzogen: %v\n", err)
		return 2
	}
	diags := relativePaths(res.Diags, wd)
	if *format == "text" {
		// Under go generate, text diagnostics name absolute paths (see diagnosticBase); the
		// machine-readable formats stay relative to the working directory.
		paths := diagnosticBase()
		for i := range diags {
			diags[i].Pos.File = paths.show(diags[i].Pos.File)
		}
	}
	if err := printDiagnostics(*format, diags, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "arazzogen: %v\n", err)
		return 2
	}
	if *lint {
		fmt.Fprintf(stderr, "%s: %d error(s), %d warning(s)\n", cfg.Input, errs, len(res.Diags)-errs)
	}
	if res.HasErrors() {
		return 1
	}
	if *lint {
		return 0
	}
	if *graph {
		stdout.Write(res.Graph)
		return 0
	}
	if *check {
		return checkFiles(cfg.Output, res.Files, stderr)
	}
	if err := writeFiles(cfg.Output, res.Files); err != nil {
		fmt.Fprintf(stderr, "arazzogen: %v\n", err)
		return 1
	}
	return 0
}

// hasPackageDoc reports whether a Go file in dir that the generator does not write (not
// arazzo.gen.go, not a test) has a package doc comment: then that is the package's, and
// arazzo.gen.go leaves its own out, so that go doc does not show two.
func hasPackageDoc(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") || name == "arazzo.gen.go" {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, name), nil, parser.PackageClauseOnly|parser.ParseComments)
		if err == nil && f.Doc != nil && strings.TrimSpace(f.Doc.Text()) != "" {
			return true
		}
	}
	return false
}

// diagnosticPaths rewrites the relative paths of diagnostics, which are relative to the
// working directory, as absolute paths when abs is set.
type diagnosticPaths struct {
	abs bool
	wd  string
}

// diagnosticBase says how diagnostics name files. Paths are relative to the working
// directory, except under go generate (GOFILE is set): it runs the generator in the
// directory of the package being generated, and tells it neither where go generate was
// started nor where the person reading the messages is (it sets PWD to the package's
// directory), so a relative path would resolve from nowhere they are; there paths are
// absolute.
func diagnosticBase() diagnosticPaths {
	if os.Getenv("GOFILE") == "" {
		return diagnosticPaths{}
	}
	wd, err := os.Getwd()
	if err != nil {
		return diagnosticPaths{}
	}
	return diagnosticPaths{abs: true, wd: wd}
}

func (b diagnosticPaths) show(path string) string {
	if !b.abs || path == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(b.wd, path)
}

func readConfig(path string) (fileConfig, error) {
	var fc fileConfig
	data, err := os.ReadFile(path)
	if err != nil {
		return fc, err
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&fc); err != nil && !errors.Is(err, io.EOF) {
		return fc, fmt.Errorf("%s: %v", path, err)
	}
	return fc, nil
}

func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// packageName makes a Go package name from a directory name.
func packageName(dir string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(dir) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' && b.Len() > 0 || r == '_' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "workflows"
	}
	return b.String()
}

// importPathOf finds the import path of dir from the enclosing go.mod.
func importPathOf(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		data, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil {
			mod := modulePath(string(data))
			if mod == "" {
				return "", fmt.Errorf("%s has no module line", filepath.Join(d, "go.mod"))
			}
			rel, err := filepath.Rel(d, abs)
			if err != nil {
				return "", err
			}
			if rel == "." {
				return mod, nil
			}
			return mod + "/" + filepath.ToSlash(rel), nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod above %s; the command must import the generated package", abs)
		}
	}
}

func modulePath(gomod string) string {
	for _, line := range strings.Split(gomod, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`)
		}
	}
	return ""
}

// writeFiles writes each file that changed, atomically (temporary file and rename), after
// everything was generated, so that a failure never leaves half-written output.
func writeFiles(dir string, files []generator.File) error {
	for _, f := range files {
		path := filepath.Join(dir, filepath.FromSlash(f.Path))
		if old, err := os.ReadFile(path); err == nil && string(old) == string(f.Data) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		tmp, err := os.CreateTemp(filepath.Dir(path), ".arazzogen-*")
		if err != nil {
			return err
		}
		_, werr := tmp.Write(f.Data)
		cerr := tmp.Close()
		if werr == nil {
			werr = cerr
		}
		if werr == nil {
			werr = os.Chmod(tmp.Name(), 0o644)
		}
		if werr == nil {
			werr = os.Rename(tmp.Name(), path)
		}
		if werr != nil {
			os.Remove(tmp.Name())
			return werr
		}
	}
	return nil
}

// checkFiles compares the generated files with those on disk and prints a diff of each
// difference.
func checkFiles(dir string, files []generator.File, stderr io.Writer) int {
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	status := 0
	for _, f := range files {
		path := filepath.Join(dir, filepath.FromSlash(f.Path))
		old, err := os.ReadFile(path)
		if err != nil {
			old = nil
		}
		if string(old) == string(f.Data) {
			continue
		}
		status = 1
		fmt.Fprint(stderr, unifiedDiff(path+" (on disk)", path+" (generated)", string(old), string(f.Data)))
	}
	return status
}
