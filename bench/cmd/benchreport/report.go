package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// result is one benchmark line of `go test -bench` output: the name without the
// GOMAXPROCS suffix and every value by unit (ns/op, B/op, allocs/op and custom metrics).
type result struct {
	name   string
	values map[string]float64
}

var procsSuffix = regexp.MustCompile(`-\d+$`)

// parse reads the benchmark lines of `go test -bench` output and ignores everything else.
func parse(r io.Reader) ([]result, error) {
	var out []result
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue // a benchmark's log output, not its result
		}
		res := result{name: procsSuffix.ReplaceAllString(f[0], ""), values: map[string]float64{}}
		if (len(f)-2)%2 != 0 {
			return nil, fmt.Errorf("malformed benchmark line %q", sc.Text())
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("malformed value %q in %q", f[i], sc.Text())
			}
			res.values[f[i+1]] = v
		}
		out = append(out, res)
	}
	return out, sc.Err()
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

func geomean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	sum := 0.0
	for _, x := range xs {
		sum += math.Log(x)
	}
	return math.Exp(sum / float64(len(xs)))
}

// samples collects, per benchmark name and unit, the values of every round.
type samples map[string]map[string][]float64

func (s samples) add(rs []result) {
	for _, r := range rs {
		if s[r.name] == nil {
			s[r.name] = map[string][]float64{}
		}
		for unit, v := range r.values {
			s[r.name][unit] = append(s[r.name][unit], v)
		}
	}
}

// median of one benchmark's unit over the rounds; NaN when never measured.
func (s samples) median(name, unit string) float64 { return median(s[name][unit]) }

const (
	handwritten = "handwritten"
	generated   = "generated"
	engine      = "engine"
)

var implementations = []string{handwritten, generated, engine}

func workflowBench(workflow, impl string) string {
	return "BenchmarkWorkflows/" + workflow + "/" + impl
}

// workflowsOf lists the workflows measured, in the order they were first seen.
func workflowsOf(rs []result) []string {
	var ws []string
	for _, r := range rs {
		rest, ok := strings.CutPrefix(r.name, "BenchmarkWorkflows/")
		if !ok {
			continue
		}
		if w, _, ok := strings.Cut(rest, "/"); ok && !slices.Contains(ws, w) {
			ws = append(ws, w)
		}
	}
	return ws
}

// rounds holds each round's results: name → unit → value.
type rounds []map[string]map[string]float64

func (rs *rounds) add(results []result) {
	round := map[string]map[string]float64{}
	for _, r := range results {
		round[r.name] = r.values
	}
	*rs = append(*rs, round)
}

// pairedRatio is the median over the rounds of num/den within each round: both sides of a
// ratio are always measured in the same round, seconds apart, so that a change of load
// between rounds cancels out. Rounds that lack either side are skipped.
func (rs rounds) pairedRatio(num, den, unit string) float64 {
	var xs []float64
	for _, round := range rs {
		n, okN := round[num][unit]
		d, okD := round[den][unit]
		if okN && okD && d != 0 {
			xs = append(xs, n/d)
		}
	}
	return median(xs)
}

// ratios are the per-workflow ratios and their geometric means.
type ratios struct {
	workflows                      []string
	genHandNs, genHandAllocs       []float64
	engineGenNs, engineGenCPU      []float64
	engineHandNs                   []float64
	meanGenHandNs, meanGenHandAll  float64
	meanEngineGenNs, meanEngineCPU float64
	meanEngineHandNs               float64
}

func computeRatios(rs rounds, workflows []string) ratios {
	r := ratios{workflows: workflows}
	for _, w := range workflows {
		ratio := func(num, den, unit string) float64 {
			return rs.pairedRatio(workflowBench(w, num), workflowBench(w, den), unit)
		}
		r.genHandNs = append(r.genHandNs, ratio(generated, handwritten, "ns/op"))
		r.genHandAllocs = append(r.genHandAllocs, ratio(generated, handwritten, "allocs/op"))
		r.engineGenNs = append(r.engineGenNs, ratio(engine, generated, "ns/op"))
		r.engineGenCPU = append(r.engineGenCPU, ratio(engine, generated, "cpu-ns/op"))
		r.engineHandNs = append(r.engineHandNs, ratio(engine, handwritten, "ns/op"))
	}
	r.meanGenHandNs = geomean(r.genHandNs)
	r.meanGenHandAll = geomean(r.genHandAllocs)
	r.meanEngineGenNs = geomean(r.engineGenNs)
	r.meanEngineCPU = geomean(r.engineGenCPU)
	r.meanEngineHandNs = geomean(r.engineHandNs)
	return r
}

// corpusRun is the median of the corpus benchmarks over their runs, plus the largest
// maximum resident set size of the processes that ran them.
type corpusRun struct {
	ns, cpuNs, bytes, allocs, peakHeapMB float64
	maxRSSMB                             float64
	count                                float64 // documents or sources
}

func corpusOf(s samples, name string, maxRSS []float64, countUnit string) corpusRun {
	b := "BenchmarkCorpus" + name
	return corpusRun{
		ns:         s.median(b, "ns/op"),
		cpuNs:      s.median(b, "cpu-ns/op"),
		bytes:      s.median(b, "B/op"),
		allocs:     s.median(b, "allocs/op"),
		peakHeapMB: s.median(b, "peak-heap-MB"),
		maxRSSMB:   maxOf(maxRSS),
		count:      s.median(b, countUnit),
	}
}

// summary is the last line of the report, in the form scripts read.
func summary(r ratios, corpusRatio float64, corpusMeasured bool) string {
	c := "n/a"
	if corpusMeasured {
		c = fmt.Sprintf("%.2f", corpusRatio)
	}
	return fmt.Sprintf("bench: generated/hand-written ns/op %.2f allocs/op %.2f; engine/generated ns/op %.2f; corpus generate/parse-floor %s",
		r.meanGenHandNs, r.meanGenHandAll, r.meanEngineGenNs, c)
}

func writeWorkflowTable(w io.Writer, s samples, r ratios, rounds int) {
	fmt.Fprintf(w, "Seed workflows: medians of %d rounds; one op is one whole workflow run, in-process server included.\n\n", rounds)
	fmt.Fprintf(w, "| workflow | implementation | ns/op | cpu-ns/op | B/op | allocs/op |\n")
	fmt.Fprintf(w, "|---|---|--:|--:|--:|--:|\n")
	for _, wf := range r.workflows {
		for _, impl := range implementations {
			b := workflowBench(wf, impl)
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", wf, impl,
				num(s.median(b, "ns/op")), num(s.median(b, "cpu-ns/op")), num(s.median(b, "B/op")),
				num(s.median(b, "allocs/op")))
		}
	}
	fmt.Fprintf(w, "\n| workflow | generated/hand-written ns/op | generated/hand-written allocs/op | engine/generated ns/op | engine/generated cpu-ns/op | engine/hand-written ns/op |\n")
	fmt.Fprintf(w, "|---|--:|--:|--:|--:|--:|\n")
	for i, wf := range r.workflows {
		fmt.Fprintf(w, "| %s | %.2f | %.2f | %.2f | %.2f | %.2f |\n", wf, r.genHandNs[i], r.genHandAllocs[i], r.engineGenNs[i], r.engineGenCPU[i], r.engineHandNs[i])
	}
	fmt.Fprintf(w, "| geometric mean | %.2f | %.2f | %.2f | %.2f | %.2f |\n", r.meanGenHandNs, r.meanGenHandAll, r.meanEngineGenNs, r.meanEngineCPU, r.meanEngineHandNs)
	fmt.Fprintf(w, "| target | ≤ 1.10 %s | ≤ 1.25 %s | ≥ 2.00 %s | | |\n",
		verdict(r.meanGenHandNs <= 1.10), verdict(r.meanGenHandAll <= 1.25), verdict(slices.Min(r.engineGenNs) >= 2))
}

func writeCorpusTable(w io.Writer, floor, gen corpusRun, runs int, nsRatio, cpuRatio float64) {
	fmt.Fprintf(w, "\nCorpus: %.0f Arazzo documents, %.0f OpenAPI descriptions; medians of %d runs, each benchmark in a process of its own.\n\n", gen.count, floor.count, runs)
	fmt.Fprintf(w, "| run | s | cpu-s | GB allocated | allocs | peak heap MB | max RSS MB |\n")
	fmt.Fprintf(w, "|---|--:|--:|--:|--:|--:|--:|\n")
	row := func(name string, c corpusRun) {
		fmt.Fprintf(w, "| %s | %.2f | %.2f | %.2f | %s | %.0f | %.0f |\n", name, c.ns/1e9, c.cpuNs/1e9, c.bytes/1e9, num(c.allocs), c.peakHeapMB, c.maxRSSMB)
	}
	row("libopenapi parse, each description once (floor)", floor)
	row("generate every document", gen)
	fmt.Fprintf(w, "| generate/floor | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n",
		nsRatio, cpuRatio, gen.bytes/floor.bytes, gen.allocs/floor.allocs, gen.peakHeapMB/floor.peakHeapMB, gen.maxRSSMB/floor.maxRSSMB)
	fmt.Fprintf(w, "| target | ≤ 1.50 %s | | | | | |\n", verdict(nsRatio <= 1.5))
}

// maxOf is the largest of xs, NaN when there is none.
func maxOf(xs []float64) float64 {
	m := math.NaN()
	for _, x := range xs {
		if math.IsNaN(m) || x > m {
			m = x
		}
	}
	return m
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "missed"
}

// num formats a measurement without a fractional part, or "-" when it was not measured.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	return strconv.FormatFloat(math.Round(v), 'f', -1, 64)
}
