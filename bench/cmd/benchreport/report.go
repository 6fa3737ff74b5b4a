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

// The two workflow benchmarks: over loopback HTTP (the one the targets and the summary are
// about) and with an in-memory transport (client-side cost alone).
const (
	loopback = "BenchmarkWorkflows"
	inMemory = "BenchmarkWorkflowsInMemory"
)

func workflowBench(bench, workflow, impl string) string {
	return bench + "/" + workflow + "/" + impl
}

// workflowsOf lists the workflows measured by bench, in the order they were first seen.
func workflowsOf(rs []result, bench string) []string {
	var ws []string
	for _, r := range rs {
		rest, ok := strings.CutPrefix(r.name, bench+"/")
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

// A ratioColumn is one ratio of the workflow tables, with its target if it has one: at most
// max, judged on the geometric mean over the workflows, or at least min, judged on every
// workflow.
type ratioColumn struct {
	num, den, unit string
	max, min       float64
}

func (c ratioColumn) title() string {
	name := map[string]string{handwritten: "hand-written", generated: "generated", engine: "engine"}
	return name[c.num] + "/" + name[c.den] + " " + c.unit
}

var ratioColumns = []ratioColumn{
	{num: generated, den: handwritten, unit: "ns/op", max: 1.10},
	{num: generated, den: handwritten, unit: "cpu-ns/op", max: 1.10},
	{num: generated, den: handwritten, unit: "allocs/op", max: 1.25},
	{num: engine, den: generated, unit: "ns/op", min: 2},
	{num: engine, den: generated, unit: "cpu-ns/op", min: 2},
	{num: engine, den: handwritten, unit: "ns/op"},
}

// Indexes into ratioColumns of the ratios the summary line reports.
const (
	colGenHandNs     = 0
	colGenHandAllocs = 2
	colEngineGenNs   = 3
)

// ratios are, per column of ratioColumns, the per-workflow ratios and their geometric mean.
type ratios struct {
	workflows []string
	values    [][]float64 // [column][workflow]
	mean      []float64   // [column]
}

func computeRatios(rs rounds, bench string, workflows []string) ratios {
	r := ratios{workflows: workflows}
	for _, c := range ratioColumns {
		var vs []float64
		for _, w := range workflows {
			vs = append(vs, rs.pairedRatio(workflowBench(bench, w, c.num), workflowBench(bench, w, c.den), c.unit))
		}
		r.values = append(r.values, vs)
		r.mean = append(r.mean, geomean(vs))
	}
	return r
}

// verdict says whether column i meets its target; "" when it has none.
func (r ratios) verdict(i int) string {
	c := ratioColumns[i]
	switch {
	case c.max > 0:
		return fmt.Sprintf("≤ %.2f %s", c.max, metOrMissed(r.mean[i] <= c.max))
	case c.min > 0:
		return fmt.Sprintf("≥ %.2f %s", c.min, metOrMissed(slices.Min(r.values[i]) >= c.min))
	}
	return ""
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

// summary is the last line of the report, in the form scripts read; fanOut is the
// parallel/sequential ratio of the 3-way fan-out.
func summary(r ratios, corpusRatio float64, corpusMeasured bool, fanOut float64, fanOutMeasured bool) string {
	opt := func(v float64, ok bool) string {
		if !ok {
			return "n/a"
		}
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("bench: generated/hand-written ns/op %.2f allocs/op %.2f; engine/generated ns/op %.2f; corpus generate/parse-floor %s; parallel/sequential %s",
		r.mean[colGenHandNs], r.mean[colGenHandAllocs], r.mean[colEngineGenNs], opt(corpusRatio, corpusMeasured), opt(fanOut, fanOutMeasured))
}

// BenchmarkFanOut: N independent reads, then one step that reads them all, generated
// without and with -parallel.
const fanOut = "BenchmarkFanOut"

// fanOutSizes are the Ns of BenchmarkFanOut; the summary shows the first.
var fanOutSizes = []int{3, 10}

func fanOutBench(n int, mode string) string { return fmt.Sprintf("%s/%d/%s", fanOut, n, mode) }

// fanOutTarget is the largest parallel/sequential ratio accepted for N reads: 1/N plus 10%.
func fanOutTarget(n int) float64 { return 1.1 / float64(n) }

// writeFanOutTable writes the fan-out medians and the parallel/sequential ratios (medians
// of the ratios within a round) against their targets.
func writeFanOutTable(w io.Writer, s samples, rs rounds, nRounds int, delay string) {
	fmt.Fprintf(w, "\nFan-out (BenchmarkFanOut): N independent GETs that the server answers after %s each, then one POST that reads them all (answered at once), generated without and with -parallel; medians of %d rounds, one op is one whole workflow run.\n\n", delay, nRounds)
	fmt.Fprintf(w, "| N | sequential ms/op | parallel ms/op | sequential cpu-ms/op | parallel cpu-ms/op | parallel/sequential | target (1/N + 10%%) |\n")
	fmt.Fprintf(w, "|--:|--:|--:|--:|--:|--:|---|\n")
	for _, n := range fanOutSizes {
		seq, par := fanOutBench(n, "sequential"), fanOutBench(n, "parallel")
		ratio := rs.pairedRatio(par, seq, "ns/op")
		fmt.Fprintf(w, "| %d | %.1f | %.1f | %.2f | %.2f | %.3f | ≤ %.3f %s |\n", n,
			s.median(seq, "ns/op")/1e6, s.median(par, "ns/op")/1e6, s.median(seq, "cpu-ns/op")/1e6, s.median(par, "cpu-ns/op")/1e6,
			ratio, fanOutTarget(n), metOrMissed(ratio <= fanOutTarget(n)))
	}
}

// writeWorkflowTables writes the medians of every benchmark of bench and the table of ratios,
// with the targets when targets is set.
func writeWorkflowTables(w io.Writer, title string, s samples, bench string, r ratios, targets bool) {
	fmt.Fprintf(w, "%s\n\n", title)
	fmt.Fprintf(w, "| workflow | implementation | ns/op | cpu-ns/op | B/op | allocs/op |\n")
	fmt.Fprintf(w, "|---|---|--:|--:|--:|--:|\n")
	for _, wf := range r.workflows {
		for _, impl := range implementations {
			b := workflowBench(bench, wf, impl)
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", wf, impl,
				num(s.median(b, "ns/op")), num(s.median(b, "cpu-ns/op")), num(s.median(b, "B/op")),
				num(s.median(b, "allocs/op")))
		}
	}
	row := func(cells ...string) { fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | ")) }
	head, rule := []string{"workflow"}, []string{"---"}
	for _, c := range ratioColumns {
		head, rule = append(head, c.title()), append(rule, "--:")
	}
	fmt.Fprintln(w)
	row(head...)
	row(rule...)
	for i, wf := range r.workflows {
		cells := []string{wf}
		for c := range ratioColumns {
			cells = append(cells, fmt.Sprintf("%.2f", r.values[c][i]))
		}
		row(cells...)
	}
	cells := []string{"geometric mean"}
	for c := range ratioColumns {
		cells = append(cells, fmt.Sprintf("%.2f", r.mean[c]))
	}
	row(cells...)
	if targets {
		cells := []string{"target"}
		for c := range ratioColumns {
			cells = append(cells, r.verdict(c))
		}
		row(cells...)
	}
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
	fmt.Fprintf(w, "| target | ≤ 1.50 %s | ≤ 1.50 %s | | | | |\n", metOrMissed(nsRatio <= 1.5), metOrMissed(cpuRatio <= 1.5))
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

func metOrMissed(ok bool) string {
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

// BenchmarkExchange: one bare exchange (the least a client does per step), over loopback and
// in memory.
const (
	exchange         = "BenchmarkExchange"
	exchangeLoopback = exchange + "/loopback"
	exchangeInMemory = exchange + "/in-memory"
)

// socketRow is what loopback costs one workflow (medians over the rounds of values taken
// within a round).
type socketRow struct {
	workflow  string
	exchanges float64 // per run, as the server counted them for the generated client
	// floorNs is exchanges × a bare exchange over loopback: the least any client spends on
	// one run.
	floorNs float64
	// socketShare is the part of the generated client's ns/op that sockets cost:
	// exchanges × (bare exchange over loopback − in memory) / generated ns/op.
	socketShare float64
	engineGen   float64 // engine/generated ns/op
	// ceiling is engine ns/op / floorNs: engine/generated for a generated client that cost no
	// more than bare exchanges.
	ceiling float64
}

func socketRows(rs rounds, workflows []string) []socketRow {
	var rows []socketRow
	for _, w := range workflows {
		gen, eng := workflowBench(loopback, w, generated), workflowBench(loopback, w, engine)
		var ex, floor, share, ceil []float64
		for _, round := range rs {
			k := round[gen]["exchanges/op"]
			loop, okL := round[exchangeLoopback]["ns/op"]
			mem, okM := round[exchangeInMemory]["ns/op"]
			g, e := round[gen]["ns/op"], round[eng]["ns/op"]
			if k == 0 || !okL || g == 0 || e == 0 {
				continue
			}
			ex = append(ex, k)
			floor = append(floor, k*loop)
			ceil = append(ceil, e/(k*loop))
			if okM {
				share = append(share, k*(loop-mem)/g)
			}
		}
		rows = append(rows, socketRow{workflow: w, exchanges: median(ex), floorNs: median(floor),
			socketShare: median(share), engineGen: rs.pairedRatio(eng, gen, "ns/op"), ceiling: median(ceil)})
	}
	return rows
}

// writeSocketTable says how much of each loopback run is the exchanges themselves, and the
// largest engine/generated ratio that leaves possible.
func writeSocketTable(w io.Writer, s samples, rows []socketRow) {
	fmt.Fprintf(w, "\nBare exchanges (BenchmarkExchange: one POST and its response read, nothing decoded, server included): %s ns over loopback, %s ns in memory (medians).\n\n",
		num(s.median(exchangeLoopback, "ns/op")), num(s.median(exchangeInMemory, "ns/op")))
	fmt.Fprintf(w, "| workflow | exchanges | bare exchanges ns | sockets' share of generated ns/op | engine/generated ns/op | ceiling: engine / bare exchanges |\n")
	fmt.Fprintf(w, "|---|--:|--:|--:|--:|--:|\n")
	var engineGen, ceilings []float64
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %.0f | %s | %.0f%% | %.2f | %.2f |\n", r.workflow, r.exchanges, num(r.floorNs), 100*r.socketShare, r.engineGen, r.ceiling)
		engineGen, ceilings = append(engineGen, r.engineGen), append(ceilings, r.ceiling)
	}
	fmt.Fprintf(w, "| geometric mean | | | | %.2f | %.2f |\n", geomean(engineGen), geomean(ceilings))
}
