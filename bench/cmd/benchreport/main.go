// Command benchreport runs the benchmarks of package bench and prints their results as
// Markdown tables, ending with one summary line that scripts can read:
//
//	bench: generated/hand-written ns/op R allocs/op R; engine/generated ns/op R; corpus generate/parse-floor R; parallel/sequential R
//
// The corpus ratio is of the generation and parse-floor times (medians over -corpus-runs);
// it is "n/a" when the corpus is absent. The parallel/sequential ratio is of the 3-way
// fan-out's wall time per run (BenchmarkFanOut/3), generated with and without -parallel,
// over -fanout-rounds rounds; "n/a" with -fanout-rounds 0.
//
// Each R is a median over rounds of ratios measured within one round; over the four seed
// workflows, the geometric mean of the per-workflow ratios.
//
// The test binary is built once. The workflow benchmarks run in -rounds short passes, so that
// the three implementations of a workflow are always measured seconds, not minutes, apart on
// a machine whose load changes, and each ratio is taken within a pass before the median over
// the passes. Each corpus benchmark runs in a process of its own, whose maximum resident set
// size is its peak memory.
//
//	go run ./bench/cmd/benchreport [-rounds 15] [-benchtime 300ms] [-fanout-rounds 5] [-corpus-runs 3] [-corpus DIR]
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	rounds := flag.Int("rounds", 15, "passes over the workflow benchmarks")
	benchtime := flag.String("benchtime", "300ms", "-benchtime of each workflow benchmark")
	fanOutRounds := flag.Int("fanout-rounds", 5, "rounds of the fan-out benchmark (0: skip it)")
	corpusRuns := flag.Int("corpus-runs", 3, "runs of each corpus benchmark (0: skip the corpus)")
	corpusDir := flag.String("corpus", "", "the corpus (default $CORPUS, else ../shared/corpus/realworld)")
	pkg := flag.String("pkg", "./bench", "the benchmark package")
	verbose := flag.Bool("v", false, "echo the benchmark output")
	flag.Parse()
	if *rounds < 1 {
		fmt.Fprintln(os.Stderr, "benchreport: -rounds must be at least 1")
		os.Exit(2)
	}
	r := &runner{verbose: *verbose, log: os.Stderr}
	if err := r.run(context.Background(), *pkg, *rounds, *benchtime, *fanOutRounds, *corpusRuns, *corpusDir, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

type runner struct {
	verbose bool
	log     io.Writer
	bin     string // the test binary
	dir     string // the package directory, where the test binary runs
}

func (r *runner) run(ctx context.Context, pkg string, nRounds int, benchtime string, fanOutRounds, corpusRuns int, corpusDir string, out io.Writer) error {
	tmp, err := os.MkdirTemp("", "benchreport")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	dir, err := exec.CommandContext(ctx, "go", "list", "-f", "{{.Dir}}", pkg).Output()
	if err != nil {
		return fmt.Errorf("go list %s: %w", pkg, exitError(err))
	}
	r.dir = strings.TrimSpace(string(dir))
	r.bin = filepath.Join(tmp, "bench.test")
	fmt.Fprintf(r.log, "benchreport: building %s\n", pkg)
	if b, err := exec.CommandContext(ctx, "go", "test", "-c", "-o", r.bin, pkg).CombinedOutput(); err != nil {
		return fmt.Errorf("go test -c %s: %v\n%s", pkg, err, b)
	}

	s := samples{}
	var rs rounds
	var all []result
	for i := range nRounds {
		fmt.Fprintf(r.log, "benchreport: workflows, round %d of %d\n", i+1, nRounds)
		res, _, err := r.bench(ctx, "^("+loopback+"|"+inMemory+"|"+exchange+")$", benchtime, nil)
		if err != nil {
			return err
		}
		if len(res) == 0 {
			return errors.New("the workflow benchmarks produced no results")
		}
		s.add(res)
		rs.add(res)
		all = append(all, res...)
	}
	workflows := workflowsOf(all, loopback)
	rat := computeRatios(rs, loopback, workflows)
	writeWorkflowTables(out, fmt.Sprintf("Seed workflows over loopback HTTP (httptest server, keep-alive): medians of %d rounds; one op is one whole workflow run, server included.", nRounds),
		s, loopback, rat, true)
	if _, ok := s[exchangeLoopback]; ok {
		writeSocketTable(out, s, socketRows(rs, workflows))
	}
	if mem := workflowsOf(all, inMemory); len(mem) > 0 {
		writeWorkflowTables(out, "\nThe same with an in-memory transport (the handler called by the client's RoundTripper; no sockets): the client-side cost alone.",
			s, inMemory, computeRatios(rs, inMemory, mem), false)
	}

	fanOutRatio, fanOutMeasured := 0.0, false
	if fanOutRounds > 0 {
		fs := samples{}
		var frs rounds
		for i := range fanOutRounds {
			fmt.Fprintf(r.log, "benchreport: fan-out, round %d of %d\n", i+1, fanOutRounds)
			res, _, err := r.bench(ctx, "^"+fanOut+"$", "10x", nil)
			if err != nil {
				return err
			}
			if len(res) == 0 {
				return errors.New("the fan-out benchmark produced no results")
			}
			fs.add(res)
			frs.add(res)
		}
		writeFanOutTable(out, fs, frs, fanOutRounds, "20 ms")
		fanOutRatio = frs.pairedRatio(fanOutBench(fanOutSizes[0], "parallel"), fanOutBench(fanOutSizes[0], "sequential"), "ns/op")
		fanOutMeasured = true
	} else {
		fmt.Fprintln(out, "\nFan-out: skipped (-fanout-rounds 0).")
	}

	corpusRatio, corpusMeasured := 0.0, false
	if corpusRuns > 0 {
		root, env := corpusRoot(corpusDir, r.dir)
		if _, err := os.Stat(root); err != nil {
			fmt.Fprintf(out, "\nCorpus: skipped, no corpus at %s (set -corpus or $CORPUS, or check out ../shared).\n", root)
		} else {
			cs := samples{}
			var pairs rounds
			rss := map[string][]float64{}
			for i := range corpusRuns {
				var pair []result
				for _, name := range []string{"ParseFloor", "Generate"} {
					fmt.Fprintf(r.log, "benchreport: corpus %s, run %d of %d\n", name, i+1, corpusRuns)
					rs, maxRSS, err := r.bench(ctx, "^BenchmarkCorpus"+name+"$", "1x", env)
					if err != nil {
						return err
					}
					if len(rs) == 0 {
						return fmt.Errorf("BenchmarkCorpus%s produced no results", name)
					}
					cs.add(rs)
					pair = append(pair, rs...)
					rss[name] = append(rss[name], maxRSS)
				}
				pairs.add(pair)
			}
			floor := corpusOf(cs, "ParseFloor", rss["ParseFloor"], "sources")
			gen := corpusOf(cs, "Generate", rss["Generate"], "docs")
			ratio := func(unit string) float64 {
				return pairs.pairedRatio("BenchmarkCorpusGenerate", "BenchmarkCorpusParseFloor", unit)
			}
			writeCorpusTable(out, floor, gen, corpusRuns, ratio("ns/op"), ratio("cpu-ns/op"))
			corpusRatio, corpusMeasured = ratio("ns/op"), true
		}
	} else {
		fmt.Fprintln(out, "\nCorpus: skipped (-corpus-runs 0).")
	}
	fmt.Fprintf(out, "\nEach ratio is the median over the rounds (runs) of the ratio within one; the workflow aggregates are geometric means over the %d workflows.\n", len(workflows))
	fmt.Fprintln(out, summary(rat, corpusRatio, corpusMeasured, fanOutRatio, fanOutMeasured))
	return nil
}

// corpusRoot is the corpus directory and the environment that points the benchmarks at it.
func corpusRoot(flagDir, pkgDir string) (string, []string) {
	dir := flagDir
	if dir == "" {
		dir = os.Getenv("CORPUS")
	}
	if dir == "" {
		dir = filepath.Join(pkgDir, "..", "..", "shared", "corpus", "realworld")
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return dir, []string{"CORPUS=" + dir}
}

// bench runs the test binary for the benchmarks matching pattern and returns their results
// and the process's maximum resident set size in MB.
func (r *runner) bench(ctx context.Context, pattern, benchtime string, env []string) ([]result, float64, error) {
	cmd := exec.CommandContext(ctx, r.bin, "-test.run", "^$", "-test.bench", pattern,
		"-test.benchmem", "-test.benchtime", benchtime, "-test.timeout", "2h")
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), env...)
	var buf bytes.Buffer
	cmd.Stdout = &buf
	cmd.Stderr = &buf
	if r.verbose {
		cmd.Stdout = io.MultiWriter(&buf, r.log)
		cmd.Stderr = cmd.Stdout
	}
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return nil, 0, fmt.Errorf("%s -test.bench %s: %v\n%s", filepath.Base(r.bin), pattern, err, buf.String())
	}
	rs, err := parse(&buf)
	if err != nil {
		return nil, 0, err
	}
	maxRSS := maxRSSMB(cmd.ProcessState)
	fmt.Fprintf(r.log, "benchreport:   %d results in %v\n", len(rs), time.Since(start).Round(time.Second))
	return rs, maxRSS, nil
}

func exitError(err error) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return fmt.Errorf("%v: %s", err, ee.Stderr)
	}
	return err
}
