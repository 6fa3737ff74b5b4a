// Command benchdurable measures the generated Temporal workflow of a seed
// (refresh-and-list-customers) against the same workflow written by hand, its activities
// written directly around net/http (internal/bench), and prints Markdown tables ending with
// one summary line that scripts can read:
//
//	bench-durable: generated/hand-written test-env ns/op R cpu-ns/op R allocs/op R; dev-server ns/op R cpu-ns/op R allocs/op R
//
// Two settings: the SDK's in-process test environment (one op: a new environment, the
// workflow and its activities registered, one run), and a Temporal development server started
// here on loopback ports, with a worker per implementation in this process (one op: a
// workflow started through the client and its outputs awaited). Both send their requests to
// the same local fake of the Prismatic API. The development server is skipped, with a
// message, when the temporal command is not installed.
//
// cpu-ns/op is this process's CPU time per op (on the development server, the worker's and the
// starter's, not the server's). Each ratio is the median over -rounds of the ratio within one round, the two
// implementations measured one after the other (their order alternating between rounds).
//
//	make bench   (or: cd temporal && go run ./internal/cmd/benchdurable [-rounds 5] [-benchtime 1s])
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	goruntime "runtime"
	"slices"
	"time"

	"github.com/arazzogen/arazzogen/internal/fakeapi"
	"github.com/arazzogen/arazzogen/temporal/internal/bench"
	"github.com/arazzogen/arazzogen/temporal/internal/devserver"
	"github.com/arazzogen/arazzogen/temporal/internal/seeds/refreshcustomers/refreshcustomerstemporal"
	"go.temporal.io/sdk/client"
)

func main() {
	rounds := flag.Int("rounds", 5, "rounds (each measures both implementations in both settings)")
	benchtime := flag.Duration("benchtime", time.Second, "time each implementation runs per round and setting")
	server := flag.Bool("server", true, "measure on a development server too (when the temporal command is installed)")
	flag.Parse()
	if *rounds < 1 {
		fmt.Fprintln(os.Stderr, "benchdurable: -rounds must be at least 1")
		os.Exit(2)
	}
	if err := run(os.Stdout, os.Stderr, *rounds, *benchtime, *server); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchdurable:", err)
	os.Exit(1)
}

// setting is where the workflows run: its name and one op of each implementation.
type setting struct {
	name, title       string
	generated, handwr func() error
}

// measurement is one implementation's result in one round.
type measurement struct{ ns, cpuNs, allocs, bytes float64 }

func run(out, log io.Writer, rounds int, benchtime time.Duration, withServer bool) error {
	fake := httptest.NewServer(fakeapi.Prismatic())
	defer fake.Close()
	w, err := bench.New(fake.URL)
	if err != nil {
		return err
	}
	settings := []setting{{
		name:  "test-env",
		title: "In-process test environment (testsuite.TestWorkflowEnvironment, time skipping): one op is a new environment, the workflow and its activities registered, one run.",
		generated: func() error {
			_, err := w.TestEnvGenerated()
			return err
		},
		handwr: func() error {
			_, err := w.TestEnvHandwritten()
			return err
		},
	}}
	serverNote := ""
	if withServer {
		bin, err := devserver.Find()
		if err != nil {
			serverNote = fmt.Sprintf("Development server: skipped, %v.", err)
		} else {
			ctx := context.Background()
			fmt.Fprintln(log, "benchdurable: starting the Temporal development server")
			// In memory: with a database file, SQLite's writes take most of each run, and
			// vary the most on a shared machine.
			srv, err := devserver.Start(ctx, bin, devserver.Options{})
			if err != nil {
				return err
			}
			defer srv.Stop()
			c, err := client.Dial(client.Options{HostPort: srv.Address, Logger: bench.Quiet})
			if err != nil {
				return err
			}
			defer c.Close()
			stop, err := w.StartWorkers(c)
			if err != nil {
				return err
			}
			defer stop()
			gc := refreshcustomerstemporal.NewClient(c)
			settings = append(settings, setting{
				name: "dev-server",
				title: fmt.Sprintf("Development server (temporal %s, `start-dev` in memory, history.transferProcessorMaxPollRPS=1000), "+
					"worker and starter in this process: one op is a workflow started and its outputs awaited.", devserver.Version),
				generated: func() error {
					_, err := bench.ServerGenerated(ctx, gc)
					return err
				},
				handwr: func() error {
					_, err := bench.ServerHandwritten(ctx, c)
					return err
				},
			})
		}
	} else {
		serverNote = "Development server: skipped (-server=false)."
	}

	// results[setting][impl] lists the rounds' measurements.
	results := map[string]map[string][]measurement{}
	for r := range rounds {
		for _, s := range settings {
			order := []string{"generated", "handwritten"}
			if r%2 == 1 {
				slices.Reverse(order)
			}
			for _, impl := range order {
				op := s.generated
				if impl == "handwritten" {
					op = s.handwr
				}
				fmt.Fprintf(log, "benchdurable: round %d of %d, %s, %s\n", r+1, rounds, s.name, impl)
				m, err := measure(op, benchtime)
				if err != nil {
					return fmt.Errorf("%s, %s: %w", s.name, impl, err)
				}
				if results[s.name] == nil {
					results[s.name] = map[string][]measurement{}
				}
				results[s.name][impl] = append(results[s.name][impl], m)
			}
		}
	}

	summary := "bench-durable: generated/hand-written"
	for i, s := range settings {
		gen, hand := results[s.name]["generated"], results[s.name]["handwritten"]
		nsRatio := medianRatio(gen, hand, func(m measurement) float64 { return m.ns })
		allocRatio := medianRatio(gen, hand, func(m measurement) float64 { return m.allocs })
		fmt.Fprintf(out, "\n%s Medians of %d rounds.\n\n", s.title, rounds)
		cpuRatio := medianRatio(gen, hand, func(m measurement) float64 { return m.cpuNs })
		fmt.Fprintln(out, "| implementation | ns/op | cpu-ns/op | B/op | allocs/op |")
		fmt.Fprintln(out, "|---|--:|--:|--:|--:|")
		for _, impl := range []string{"handwritten", "generated"} {
			ms := results[s.name][impl]
			fmt.Fprintf(out, "| %s | %.0f | %.0f | %.0f | %.0f |\n", impl,
				median(ms, func(m measurement) float64 { return m.ns }),
				median(ms, func(m measurement) float64 { return m.cpuNs }),
				median(ms, func(m measurement) float64 { return m.bytes }),
				median(ms, func(m measurement) float64 { return m.allocs }))
		}
		fmt.Fprintf(out, "| generated/hand-written | %.2f | %.2f | %.2f | %.2f |\n", nsRatio, cpuRatio,
			medianRatio(gen, hand, func(m measurement) float64 { return m.bytes }), allocRatio)
		fmt.Fprintf(out, "| target | ≤ 1.10 %s | ≤ 1.10 %s | | |\n", metOrMissed(nsRatio <= 1.10), metOrMissed(cpuRatio <= 1.10))
		if i > 0 {
			summary += ";"
		}
		summary += fmt.Sprintf(" %s ns/op %.2f cpu-ns/op %.2f allocs/op %.2f", s.name, nsRatio, cpuRatio, allocRatio)
	}
	if serverNote != "" {
		fmt.Fprintf(out, "\n%s\n", serverNote)
		summary += "; dev-server n/a"
	}
	fmt.Fprintf(out, "\nEach ratio is the median over the rounds of the ratio within one round.\n%s\n", summary)
	return nil
}

// measure runs op once to warm up, then for at least benchtime (and at least three times),
// and returns the wall-clock time, the process's CPU time, and the allocations per op.
func measure(op func() error, benchtime time.Duration) (measurement, error) {
	if err := op(); err != nil {
		return measurement{}, err
	}
	goruntime.GC()
	var before, after goruntime.MemStats
	goruntime.ReadMemStats(&before)
	cpu := cpuTime()
	start := time.Now()
	n := 0
	for n < 3 || time.Since(start) < benchtime {
		if err := op(); err != nil {
			return measurement{}, err
		}
		n++
	}
	wall := time.Since(start)
	cpu = cpuTime() - cpu
	goruntime.ReadMemStats(&after)
	per := func(v float64) float64 { return v / float64(n) }
	return measurement{
		ns:     per(float64(wall.Nanoseconds())),
		cpuNs:  per(float64(cpu.Nanoseconds())),
		allocs: per(float64(after.Mallocs - before.Mallocs)),
		bytes:  per(float64(after.TotalAlloc - before.TotalAlloc)),
	}, nil
}

func median(ms []measurement, f func(measurement) float64) float64 {
	vs := make([]float64, len(ms))
	for i, m := range ms {
		vs[i] = f(m)
	}
	return medianOf(vs)
}

// medianRatio is the median over the rounds of the ratio gen/hand within each round.
func medianRatio(gen, hand []measurement, f func(measurement) float64) float64 {
	vs := make([]float64, len(gen))
	for i := range gen {
		vs[i] = f(gen[i]) / f(hand[i])
	}
	return medianOf(vs)
}

func medianOf(vs []float64) float64 {
	slices.Sort(vs)
	n := len(vs)
	if n%2 == 1 {
		return vs[n/2]
	}
	return (vs[n/2-1] + vs[n/2]) / 2
}

func metOrMissed(ok bool) string {
	if ok {
		return "met"
	}
	return "missed"
}
