package corpus

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/arazzogen/arazzogen/generator"
)

// Options configure a run.
type Options struct {
	// Dir is the corpus root.
	Dir string
	// Repo is the root of this repository: the generated code is compiled against its
	// runtime through a replace directive.
	Repo string
	// Jobs bounds the documents generated at once and the go command's parallelism;
	// GOMAXPROCS when less than 1.
	Jobs int
	// Keep leaves the temporary module in place (Report.Module names it) for inspection.
	Keep bool
	// Log receives progress and timings; nothing when nil.
	Log io.Writer
}

// Result is the outcome for one document.
type Result struct {
	Path string // relative to the corpus root, slash-separated
	// Package is the generated package's directory in the temporary module.
	Package string
	// Reason is the first problem, empty when the document passed: the first error
	// diagnostic, the first go build or go vet error in its package, or the panic.
	Reason string
	Panic  bool
	// Detail is everything behind Reason: all diagnostics with hints, the package's whole
	// compiler output, or the panic's stack.
	Detail string
	// Diags are the generator's diagnostics with hints, whether or not it passed.
	Diags string
	Stats generator.Stats
}

// Passed reports whether the document generated code that compiles and vets.
func (r *Result) Passed() bool { return r.Reason == "" }

// Report is the outcome of a run, one Result per document in path order.
type Report struct {
	Results []*Result
	// Module is the temporary module's directory when Options.Keep was set.
	Module string
	// Cache counts how often a parsed OpenAPI description was reused.
	Cache generator.CacheStats
}

// generate is generator.Generate; tests replace it to inject failures the generator does
// not produce on purpose (panics, code that does not compile).
var generate = generator.Generate

// modulePath is the temporary module's path; package directories are p0001, p0002, …
const modulePath = "corpus.example/gen"

// Run generates every document under opts.Dir into one temporary module, compiles and vets
// the module, and reports per document. The error is for problems with the run itself (no
// corpus, no go command), not with documents.
func Run(ctx context.Context, opts Options) (*Report, error) {
	if opts.Jobs < 1 {
		opts.Jobs = runtime.GOMAXPROCS(0)
	}
	logf := func(format string, args ...any) {
		if opts.Log != nil {
			fmt.Fprintf(opts.Log, format+"\n", args...)
		}
	}
	// An absolute root makes the prefix that relativizer removes unambiguous ("./" would
	// also match inside "../").
	root, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	opts.Dir = root
	if fi, err := os.Stat(opts.Dir); err != nil {
		return nil, err
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", opts.Dir)
	}
	start := time.Now()
	docs, err := Discover(opts.Dir)
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("no Arazzo documents under %s", opts.Dir)
	}
	logf("corpus: %d documents under %s (%s)", len(docs), opts.Dir, time.Since(start).Round(time.Millisecond))

	mod, err := os.MkdirTemp("", "arazzogen-corpus-")
	if err != nil {
		return nil, err
	}
	rep := &Report{}
	if opts.Keep {
		rep.Module = mod
	} else {
		defer os.RemoveAll(mod)
	}
	if err := writeModule(mod, opts.Repo); err != nil {
		return nil, err
	}

	start = time.Now()
	cache := generator.NewSourceCache()
	rep.Results = make([]*Result, len(docs))
	width := max(4, len(fmt.Sprint(len(docs))))
	var wg sync.WaitGroup
	next := make(chan int)
	for range opts.Jobs {
		wg.Go(func() {
			for i := range next {
				pkg := fmt.Sprintf("p%0*d", width, i+1)
				rep.Results[i] = generateDoc(ctx, opts.Dir, mod, pkg, docs[i], cache)
			}
		})
	}
	for i := range docs {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rep.Cache = cache.Stats()
	generated := 0
	for _, r := range rep.Results {
		if r.Passed() {
			generated++
		}
	}
	logf("corpus: generated %d of %d documents (%s; OpenAPI descriptions parsed %d times, reused %d times)",
		generated, len(docs), time.Since(start).Round(time.Millisecond), rep.Cache.Misses, rep.Cache.Hits)

	start = time.Now()
	if err := compile(ctx, mod, opts.Jobs, rep.Results, logf); err != nil {
		return nil, err
	}
	logf("corpus: compiled and vetted (%s)", time.Since(start).Round(time.Millisecond))
	return rep, nil
}

// writeModule creates the temporary module. go.sum is the repository's own, so the go
// command needs neither the network nor `go mod tidy` to use the runtime.
func writeModule(dir, repo string) error {
	repoMod, err := os.ReadFile(filepath.Join(repo, "go.mod"))
	if err != nil {
		return fmt.Errorf("repository root: %v", err)
	}
	goLine := "go 1.26"
	for _, line := range strings.Split(string(repoMod), "\n") {
		if strings.HasPrefix(line, "go ") {
			goLine = strings.TrimSpace(line)
		}
	}
	gomod := fmt.Sprintf("module %s\n\n%s\n\nrequire github.com/arazzogen/arazzogen v0.0.0\n\nreplace github.com/arazzogen/arazzogen => %s\n", modulePath, goLine, repo)
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		return fmt.Errorf("repository root: %v", err)
	}
	// The commands of documents with AsyncAPI steps import the broker module.
	if brokerSum, err := os.ReadFile(filepath.Join(repo, "broker", "go.sum")); err == nil {
		gomod += fmt.Sprintf("\nrequire github.com/arazzogen/arazzogen/broker v0.0.0\n\nreplace github.com/arazzogen/arazzogen/broker => %s\n", filepath.Join(repo, "broker"))
		sum = append(sum, brokerSum...)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644)
}

// generateDoc generates one document into mod/pkg. A panic in the generator becomes the
// document's failure; the other documents go on.
func generateDoc(ctx context.Context, root, mod, pkg string, doc *Document, cache *generator.SourceCache) (res *Result) {
	res = &Result{Path: doc.Path, Package: pkg}
	defer func() {
		if r := recover(); r != nil {
			res.Panic = true
			res.Reason = fmt.Sprintf("panic: %v", r)
			res.Detail = string(debug.Stack())
		}
	}()
	var urls map[string]string
	if len(doc.URLs) > 0 {
		urls = map[string]string{}
		for url, local := range doc.URLs {
			urls[url] = filepath.Join(root, filepath.FromSlash(local))
		}
	}
	out, err := generate(ctx, generator.Config{
		File:    filepath.Join(root, filepath.FromSlash(doc.Path)),
		Package: pkg,
		URLs:    urls,
		// Documents of a corpus read descriptions from elsewhere in it (../openapi/).
		Allow:      []string{root},
		Cache:      cache,
		CLI:        true,
		ImportPath: modulePath + "/" + pkg,
	})
	if err != nil {
		res.Reason = "generator: " + err.Error()
		return res
	}
	// Paths are shown relative to the corpus root, so that the output of two runs, or of
	// two machines, can be compared line by line.
	rel := relativizer(root)
	var detail strings.Builder
	for _, d := range out.Diags {
		d.Pos.File = rel(d.Pos.File)
		d.Msg = rel(d.Msg)
		d.Hint = rel(d.Hint)
		if d.Severity == generator.Error && res.Reason == "" {
			res.Reason, _, _ = strings.Cut(d.String(), "\n")
		}
		detail.WriteString(d.String() + "\n")
	}
	res.Diags = detail.String()
	if res.Reason != "" {
		res.Detail = res.Diags
		return res
	}
	if len(out.Files) == 0 {
		res.Reason = "generator: no error and no files"
		return res
	}
	for _, f := range out.Files {
		p := filepath.Join(mod, pkg, filepath.FromSlash(path.Clean(f.Path)))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			res.Reason = err.Error()
			return res
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			res.Reason = err.Error()
			return res
		}
	}
	res.Stats = out.Stats
	return res
}

// relativizer returns a function that removes the corpus root from the paths in a string.
func relativizer(root string) func(string) string {
	prefixes := []string{filepath.Clean(root) + string(filepath.Separator)}
	if slash := filepath.ToSlash(prefixes[0]); slash != prefixes[0] {
		prefixes = append(prefixes, slash)
	}
	return func(s string) string {
		for _, p := range prefixes {
			s = strings.ReplaceAll(s, p, "")
		}
		return s
	}
}
