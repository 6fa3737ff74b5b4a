package corpus

import (
	"fmt"
	"io"
	"strings"

	"github.com/arazzogen/arazzogen/generator"
)

// Counts are the totals of a report.
type Counts struct {
	Passed, Failed, Panics int
	// Stats sums the output typing of the documents that passed.
	Stats generator.Stats
}

// Counts totals the report.
func (r *Report) Counts() Counts {
	var c Counts
	for _, res := range r.Results {
		switch {
		case res.Passed():
			c.Passed++
			c.Stats = c.Stats.Add(res.Stats)
		default:
			c.Failed++
			if res.Panic {
				c.Panics++
			}
		}
	}
	return c
}

// Write prints one line per failing document, `path: reason`, in path order, then the
// number of panics, the output typing figures and, last, `corpus: N passed, N failed`.
// verbose adds each failure's detail (all diagnostics, compiler output, or the panic's
// stack), indented under its line.
func (r *Report) Write(w io.Writer, verbose bool) error {
	var b strings.Builder
	for _, res := range r.Results {
		if res.Passed() {
			continue
		}
		fmt.Fprintf(&b, "%s: %s\n", res.Path, res.Reason)
		if verbose && res.Detail != "" {
			for _, line := range strings.Split(strings.TrimRight(res.Detail, "\n"), "\n") {
				fmt.Fprintf(&b, "\t%s\n", line)
			}
		}
	}
	c := r.Counts()
	all, steps, wfs := c.Stats.Outputs(), c.Stats.StepOutputs, c.Stats.WorkflowOutputs
	fmt.Fprintf(&b, "panics: %d\n", c.Panics)
	fmt.Fprintf(&b, "outputs: %d typed, %d json.RawMessage (steps %d/%d, workflows %d/%d)\n",
		all.Typed, all.Raw, steps.Typed, steps.Raw, wfs.Typed, wfs.Raw)
	fmt.Fprintf(&b, "corpus: %d passed, %d failed\n", c.Passed, c.Failed)
	_, err := io.WriteString(w, b.String())
	return err
}
