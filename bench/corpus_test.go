package bench

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/generator"
	"github.com/arazzogen/arazzogen/internal/corpus"
	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi/datamodel"
	v3high "github.com/pb33f/libopenapi/datamodel/high/v3"
	lowbase "github.com/pb33f/libopenapi/datamodel/low/base"
	v3low "github.com/pb33f/libopenapi/datamodel/low/v3"
)

// The corpus benchmarks compare generating every Arazzo document of the real-world corpus
// with the least a generator built on libopenapi must do: parse each OpenAPI description
// the documents use once. Both read the files from memory (loaded before the timer starts),
// so disk I/O is in neither. They skip when the corpus is absent.

// corpusRoot is $CORPUS, else ../shared/corpus/realworld beside the repository.
func corpusRoot() string {
	if dir := os.Getenv("CORPUS"); dir != "" {
		return dir
	}
	return filepath.Join("..", "..", "shared", "corpus", "realworld")
}

// corpusDoc is an Arazzo document of the corpus, with the local copies of its source urls
// that are not relative paths (from its label's url-map.json).
type corpusDoc struct {
	path string            // absolute
	urls map[string]string // source url → absolute local path
	root string            // the corpus root, from which sources may be read
}

// loadedCorpus is the corpus loaded into memory.
type loadedCorpus struct {
	docs  []corpusDoc
	files map[string][]byte // absolute path → contents, for every file generation reads
	// sources are the OpenAPI descriptions generation parses, each once, in the order it
	// first reads them.
	sources []string
}

var (
	corpusOnce sync.Once
	corpusData *loadedCorpus
	corpusErr  error
)

// loadCorpus discovers the documents, then runs the generator over them once, untimed, to
// learn which files it reads; those are kept in memory for the timed runs. The sources the
// generator reads are, by construction, the descriptions the floor parses.
func loadCorpus(tb testing.TB) *loadedCorpus {
	tb.Helper()
	root := corpusRoot()
	if _, err := os.Stat(root); err != nil {
		tb.Skipf("corpus benchmarks skipped: no corpus at %s (set CORPUS, or check out ../shared)", root)
	}
	corpusOnce.Do(func() { corpusData, corpusErr = readCorpus(root) })
	if corpusErr != nil {
		tb.Fatal(corpusErr)
	}
	return corpusData
}

func readCorpus(root string) (*loadedCorpus, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	docs, err := discover(root)
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, errors.New("no Arazzo documents under " + root)
	}
	c := &loadedCorpus{docs: docs, files: map[string][]byte{}}
	isDoc := map[string]bool{}
	for _, d := range docs {
		isDoc[d.path] = true
	}
	seen := map[string]bool{}
	read := func(name string) ([]byte, error) {
		name = filepath.Clean(name)
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		c.files[name] = data
		if !isDoc[name] && !seen[name] {
			seen[name] = true
			c.sources = append(c.sources, name)
		}
		return data, nil
	}
	// ReadFile is called for every source before the cache is consulted, so a cached run
	// reads the same files as an uncached one, only sooner.
	cache := generator.NewSourceCache()
	for _, d := range docs {
		if _, err := generate(d, cache, read); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// cleanSlate drops what earlier work left in memory, so that a corpus benchmark starts from
// the same state whichever ran before it. libopenapi keeps every parse tree reachable from
// process-wide caches until ClearAllCaches is called (about 3 GB after one uncached pass over
// the corpus).
func cleanSlate() {
	libopenapi.ClearAllCaches()
	runtime.GC()
}

// warmUp runs one pass of a benchmark's own work, untimed, and cleans the slate after it:
// the timed passes then find the heap as that work leaves it, not as the discovery pass (the
// generator, whatever it does) left it. How much memory the process already has mapped
// changes a pass's time by half.
func warmUp(pass func()) {
	cleanSlate()
	pass()
	cleanSlate()
}

// discover lists the corpus's documents with internal/corpus, the discovery `make corpus`
// uses, and makes their paths absolute.
func discover(root string) ([]corpusDoc, error) {
	found, err := corpus.Discover(root)
	if err != nil {
		return nil, err
	}
	docs := make([]corpusDoc, 0, len(found))
	for _, d := range found {
		cd := corpusDoc{path: filepath.Join(root, filepath.FromSlash(d.Path)), root: root}
		if len(d.URLs) > 0 {
			cd.urls = map[string]string{}
			for u, local := range d.URLs {
				cd.urls[u] = filepath.Join(root, filepath.FromSlash(local))
			}
		}
		docs = append(docs, cd)
	}
	return docs, nil
}

// generate runs the generator on one document as `make corpus` does: the package and the
// command (-cli).
func generate(d corpusDoc, cache *generator.SourceCache, read func(string) ([]byte, error)) (*generator.Result, error) {
	return generator.Generate(context.Background(), generator.Config{
		File:       d.path,
		Package:    "gen",
		URLs:       d.urls,
		Allow:      []string{d.root},
		Cache:      cache,
		CLI:        true,
		ImportPath: "example.com/corpus/gen",
		ReadFile:   read,
	})
}

func (c *loadedCorpus) readFile(name string) ([]byte, error) {
	if data, ok := c.files[filepath.Clean(name)]; ok {
		return data, nil
	}
	return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
}

// timePasses runs pass once untimed (warmUp), then times it, and reports its CPU time and
// the largest heap it reached.
func timePasses(b *testing.B, pass func()) {
	warmUp(pass)
	b.ReportAllocs()
	peak := startPeakHeap()
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		pass()
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(peak.stop()/(1<<20), "peak-heap-MB")
}

// BenchmarkCorpusGenerate generates every document of the corpus, sharing parsed OpenAPI
// descriptions between documents through a generator.SourceCache as a run over many
// documents should. One operation is the whole corpus.
func BenchmarkCorpusGenerate(b *testing.B) {
	c := loadCorpus(b)
	var generated, failed int
	pass := func() {
		generated, failed = 0, 0
		cache := generator.NewSourceCache()
		for _, d := range c.docs {
			res, err := generate(d, cache, c.readFile)
			if err != nil {
				b.Fatalf("%s: %v", d.path, err)
			}
			if len(res.Files) > 0 {
				generated++
			} else {
				failed++
			}
		}
	}
	timePasses(b, pass)
	b.ReportMetric(float64(len(c.docs)), "docs")
	b.ReportMetric(float64(generated), "generated")
	b.ReportMetric(float64(failed), "refused")
}

// BenchmarkCorpusParseFloor parses each OpenAPI description the corpus's documents use once,
// with the configuration the generator gives libopenapi, and keeps nothing. One operation is
// the whole set.
func BenchmarkCorpusParseFloor(b *testing.B) {
	c := loadCorpus(b)
	pass := func() {
		for _, file := range c.sources {
			parseOpenAPI(file, c.files[file])
		}
	}
	timePasses(b, pass)
	b.ReportMetric(float64(len(c.sources)), "sources")
}

// parseOpenAPI is what a generator has to ask of libopenapi for one description: the
// document, with the configuration the generator gives it, and its v3 model. The model is
// built even when some $refs do not resolve (doc.BuildV3Model gives up then), since real-world
// descriptions often have a few where no workflow looks and a generator cannot refuse them.
// Errors are part of the work, not a failure.
func parseOpenAPI(file string, data []byte) {
	cfg := &datamodel.DocumentConfiguration{
		BasePath:                            filepath.Dir(file),
		AllowFileReferences:                 true,
		IgnorePolymorphicCircularReferences: true,
		IgnoreArrayCircularReferences:       true,
		Logger:                              slog.New(slog.DiscardHandler),
	}
	doc, err := libopenapi.NewDocumentWithConfiguration(data, cfg)
	if err != nil || !strings.HasPrefix(doc.GetVersion(), "3.") {
		return
	}
	low, _ := v3low.CreateDocumentFromConfig(doc.GetSpecInfo(), cfg)
	if low == nil {
		return
	}
	lowbase.ClearSchemaQuickHashMap() // as BuildV3Model does once the model is built
	_ = v3high.NewDocument(low)
}

// peakHeap samples the heap's size every few milliseconds, from a goroutine, and keeps the
// largest value: the Go-visible peak of a run (the process's maximum RSS, which cmd/benchreport
// reads, includes the runtime's own overhead on top).
type peakHeap struct {
	done chan struct{}
	wg   sync.WaitGroup
	max  uint64
}

func startPeakHeap() *peakHeap {
	p := &peakHeap{done: make(chan struct{})}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			p.max = max(p.max, sample[0].Value.Uint64())
			select {
			case <-p.done:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

func (p *peakHeap) stop() float64 {
	close(p.done)
	p.wg.Wait()
	return float64(p.max)
}

// TestCorpusDiscovery checks the harness's view of the corpus: the documents are found and
// every url map entry names a document and a local copy that exist.
func TestCorpusDiscovery(t *testing.T) {
	root := corpusRoot()
	if _, err := os.Stat(root); err != nil {
		t.Skipf("no corpus at %s", root)
	}
	docs, err := discover(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) < 400 {
		t.Errorf("%d Arazzo documents found, want the whole corpus (over 400)", len(docs))
	}
	mapped := 0
	for _, d := range docs {
		if filepath.Base(d.path) == "url-map.json" {
			t.Errorf("%s is not an Arazzo document", d.path)
		}
		for u, local := range d.urls {
			mapped++
			if _, err := os.Stat(local); err != nil {
				t.Errorf("%s: the local copy of %s: %v", d.path, u, err)
			}
		}
	}
	if mapped == 0 {
		t.Error("no url-map.json entry applies to any document")
	}
}
