package emit

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/arazzogen/arazzogen/generator/internal/ir"
)

// Graph renders the entry document's workflows as one Mermaid flowchart, a subgraph each
// (arazzogen -graph). WorkflowGraph renders one workflow on its own (ARAZZO.md). Both are
// drawn from the IR, so the picture shows what the generated code does: steps with their
// operation, success and failure edges with their criteria, goto and retry loops, end,
// calls of other workflows, and the inputs and outputs.
//
// Every text that comes from a document is data: labels are quoted and escaped by
// mermaidText, so no document can end a label, start a statement or inject markup. Node
// ids are the renderer's own.

// Graph renders every workflow of the entry document as one flowchart.
func Graph(p *ir.Program) []byte {
	g := &graph{}
	g.line(0, "flowchart TD")
	for i, w := range entryWorkflows(p) {
		g.prefix = fmt.Sprintf("w%d_", i+1)
		g.line(1, "subgraph %s[%s]", g.prefix+"workflow", mermaidLabel("workflow "+w.ID))
		g.line(2, "direction TB")
		g.workflow(w, 2)
		g.line(1, "end")
	}
	g.classes()
	return []byte(g.b.String())
}

// WorkflowGraph renders one workflow as a flowchart of its own.
func WorkflowGraph(w *ir.Workflow) []byte {
	g := &graph{}
	g.line(0, "flowchart TD")
	g.workflow(w, 1)
	g.classes()
	return []byte(g.b.String())
}

// entryWorkflows are the workflows of the entry document: those of other documents are
// internal to the package and appear only as the steps that call them.
func entryWorkflows(p *ir.Program) []*ir.Workflow {
	var out []*ir.Workflow
	for _, w := range p.Workflows {
		if !w.External() {
			out = append(out, w)
		}
	}
	return out
}

type graph struct {
	b      strings.Builder
	prefix string // node id prefix of the current workflow
	calls  int    // call nodes of the current workflow
}

func (g *graph) line(indent int, format string, a ...any) {
	g.b.WriteString(strings.Repeat("    ", indent))
	fmt.Fprintf(&g.b, format, a...)
	g.b.WriteByte('\n')
}

// Node ids: fixed words and numbers only, never document text.
func (g *graph) stepID(w *ir.Workflow, st *ir.Step) string {
	for i, s := range w.Steps {
		if s == st {
			return g.prefix + "step" + strconv.Itoa(i+1)
		}
	}
	panic("emit: step " + st.ID + " is not in workflow " + w.ID) // the IR links steps of one workflow only
}

func (g *graph) newCall() string {
	g.calls++
	return g.prefix + "call" + strconv.Itoa(g.calls)
}

func (g *graph) classes() {
	g.line(1, "classDef ioNode fill:#eef6ff,stroke:#5b8def")
	g.line(1, "classDef failNode fill:#fdecec,stroke:#d04437")
	g.line(1, "classDef callNode fill:#f3f0ff,stroke:#7a5cc8")
	g.line(1, "classDef skippedNode stroke-dasharray:4 4,color:#888")
}

func (g *graph) workflow(w *ir.Workflow, in int) {
	g.calls = 0
	inputs, outputs, failed := g.prefix+"inputs", g.prefix+"outputs", g.prefix+"failed"

	lines := []string{"inputs"}
	for _, f := range w.Inputs.Fields {
		lines = append(lines, fieldLine(f, true))
	}
	if len(w.Inputs.Fields) == 0 {
		lines[0] = "no inputs"
	}
	g.line(in, "%s[/%s/]:::ioNode", inputs, mermaidLines(lines))
	lines = []string{"outputs"}
	for i, f := range w.Outputs.Fields {
		l := fieldLine(f, false)
		if src := w.OutputValues[i].Src; src != "" {
			l += " = " + src
		}
		lines = append(lines, l)
	}
	if len(w.Outputs.Fields) == 0 {
		lines[0] = "done (no outputs)"
	}
	g.line(in, "%s([%s]):::ioNode", outputs, mermaidLines(lines))

	// Steps, in document order.
	for _, st := range w.Steps {
		id := g.stepID(w, st)
		lines := []string{st.ID}
		switch {
		case st.Call != nil:
			lines = append(lines, "workflow "+st.Call.Workflow.Name())
		case st.OperationID != "":
			lines = append(lines, st.Method+" "+st.Path, st.OperationID)
		default:
			lines = append(lines, st.Method+" "+st.Path)
		}
		if st.Timeout > 0 {
			lines = append(lines, fmt.Sprintf("timeout %dms", st.Timeout))
		}
		shape, class := "[%s]", ""
		if st.Call != nil {
			shape, class = "[[%s]]", ":::callNode"
		}
		if st.Unreachable {
			lines = append(lines, "never runs")
			class = ":::skippedNode"
		}
		g.line(in, "%s"+shape+"%s", id, mermaidLines(lines), class)
	}

	// From the inputs through dependsOn to the first step.
	from := inputs
	for _, d := range w.DependsOn {
		id := g.newCall()
		g.line(in, "%s[[%s]]:::callNode", id, mermaidLines([]string{"dependsOn", "workflow " + d.Workflow.Name()}))
		g.line(in, "%s --> %s", from, id)
		from = id
	}
	first := outputs
	if len(w.Steps) > 0 {
		first = g.stepID(w, w.Steps[0])
	}
	g.line(in, "%s --> %s", from, first)

	fails := false
	for i, st := range w.Steps {
		if st.Unreachable {
			continue
		}
		id := g.stepID(w, st)
		next := outputs
		if i+1 < len(w.Steps) {
			next = g.stepID(w, w.Steps[i+1])
		}
		success := criteriaText(st.Criteria)
		if success == "" {
			success = "success"
		}
		onSuccess := ir.Tried(st.OnSuccess)
		for _, a := range onSuccess {
			g.action(w, in, id, "-->", []string{success, actionText("on success", a)}, a, outputs, failed)
		}
		if len(onSuccess) == 0 || len(onSuccess[len(onSuccess)-1].Criteria) > 0 {
			label := []string{success}
			if len(onSuccess) > 0 {
				label = append(label, "no action applies")
			}
			g.line(in, "%s -->|%s| %s", id, mermaidLines(label), next)
		}
		onFailure := ir.Tried(st.OnFailure)
		for _, a := range onFailure {
			g.action(w, in, id, "-.->", []string{"failure", actionText("on failure", a)}, a, outputs, failed)
		}
		if len(onFailure) == 0 || len(onFailure[len(onFailure)-1].Criteria) > 0 || onFailure[len(onFailure)-1].Kind == ir.Retry {
			label := []string{"failure"}
			if len(onFailure) > 0 {
				label = append(label, "no action applies")
			}
			g.line(in, "%s -.->|%s| %s", id, mermaidLines(label), failed)
			fails = true
		}
		for _, a := range onFailure {
			if a.Kind == ir.End {
				fails = true
			}
		}
	}
	if fails {
		g.line(in, "%s([%s]):::failNode", failed, mermaidLabel("workflow fails"))
	}
}

// action draws the edge of one success or failure action from the step node id.
func (g *graph) action(w *ir.Workflow, in int, id, arrow string, lines []string, a *ir.Action, outputs, failed string) {
	label := mermaidLines(lines)
	done := outputs
	if arrow == "-.->" {
		done = failed // an end action after a failure ends the workflow with that failure
	}
	switch {
	case a.Kind == ir.End:
		g.line(in, "%s %s|%s| %s", id, arrow, label, done)
	case a.Call != nil:
		call := g.newCall()
		g.line(in, "%s[[%s]]:::callNode", call, mermaidLabel("workflow "+a.Call.Workflow.Name()))
		g.line(in, "%s %s|%s| %s", id, arrow, label, call)
		if a.Kind == ir.Retry {
			g.line(in, "%s -.->|%s| %s", call, mermaidLabel("then retry"), id)
		} else {
			g.line(in, "%s --> %s", call, outputs)
		}
	case a.Kind == ir.Retry && a.Step != nil:
		target := g.stepID(w, a.Step)
		g.line(in, "%s %s|%s| %s", id, arrow, label, target)
		g.line(in, "%s -.->|%s| %s", target, mermaidLabel("then retry "+a.Step.ID), id)
	case a.Kind == ir.Retry:
		g.line(in, "%s %s|%s| %s", id, arrow, label, id)
	default:
		g.line(in, "%s %s|%s| %s", id, arrow, label, g.stepID(w, a.Step))
	}
}

// fieldLine describes an input or output field: its Arazzo name and Go type, and for
// inputs whether it is required and secret.
func fieldLine(f *ir.Field, input bool) string {
	s := f.JSONName + ": " + f.Type.String()
	var marks []string
	if input && f.Required {
		marks = append(marks, "required")
	}
	if f.Secret {
		marks = append(marks, "secret")
	}
	if len(marks) > 0 {
		s += ", " + strings.Join(marks, ", ")
	}
	return s
}

// criteriaText joins criteria, all of which must hold.
func criteriaText(cs []*ir.Criterion) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, criterionText(c))
	}
	return strings.Join(parts, " && ")
}

func criterionText(c *ir.Criterion) string {
	kind := ""
	switch c.Kind {
	case ir.Simple:
		return clip(c.Text, 80)
	case ir.Regex:
		kind = "regex"
	case ir.JSONPath:
		kind = "jsonpath"
	case ir.XPath:
		kind = "xpath"
	}
	s := kind + " " + clip(c.Text, 60)
	if c.Context != nil && c.Context.Src != "" {
		s += " on " + clip(c.Context.Src, 40)
	}
	return s
}

// clip shortens s to at most n runes, marking the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// mermaidLines is a quoted label of several lines.
func mermaidLines(lines []string) string {
	for i, l := range lines {
		lines[i] = mermaidText(clip(l, 120))
	}
	return `"` + strings.Join(lines, "<br/>") + `"`
}

// mermaidLabel is a quoted one-line label.
func mermaidLabel(s string) string { return `"` + mermaidText(clip(s, 160)) + `"` }

// mermaidText makes text safe inside a quoted Mermaid label: letters, digits, spaces and
// the punctuation that means nothing to Mermaid or HTML stay; every other ASCII character
// (quotes, brackets, '#', ';', '<', '&', backquotes, …) becomes an entity code (#35;), which
// Mermaid shows as the character; line breaks become spaces; control and formatting
// characters (bidi overrides among them) are dropped.
func mermaidText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f || unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) || r == utf8.RuneError:
			// dropped
		case r < utf8.RuneSelf && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(" .,:/-_=+*$!?@^~'", r):
			fmt.Fprintf(&b, "#%d;", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
