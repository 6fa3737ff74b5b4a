package cli

import (
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"text/tabwriter"
)

func printList(cmd Command, w io.Writer) {
	for _, wf := range cmd.Workflows {
		fmt.Fprintf(w, "%s", wf.ID)
		if wf.Summary != "" {
			fmt.Fprintf(w, "\t%s", oneLine(wf.Summary))
		}
		fmt.Fprintln(w)
		writeInputs(w, wf)
	}
	if len(cmd.Auth) > 0 {
		fmt.Fprintln(w, "credentials (-auth-env SOURCE=ENVVAR):")
		for _, a := range cmd.Auth {
			fmt.Fprintf(w, "  -auth-env %s=<%s>\n", a.Name, a.Kind)
		}
	}
	writeBrokers(w, cmd)
}

// writeBrokers lists the AsyncAPI sources and their default brokers.
func writeBrokers(w io.Writer, cmd Command) {
	if len(cmd.Brokers) == 0 {
		return
	}
	fmt.Fprintln(w, "message brokers (-broker SOURCE=URL):")
	for _, b := range cmd.Brokers {
		def := "nats://HOST:PORT or kafka://HOST:PORT"
		if b.URL != "" {
			def += ", default " + b.URL
		}
		fmt.Fprintf(w, "  -broker %s=<%s>\n", b.Source, def)
	}
}

// writeInputs writes one line per input of wf: its flag, type, whether it is required or
// secret, and its default.
func writeInputs(w io.Writer, wf Workflow) {
	for _, in := range wf.Inputs {
		text := typeText(in.Type, in.Required, secretInput(in))
		if in.Default != "" {
			text += ", default " + in.Default
		}
		fmt.Fprintf(w, "  -input %s=<%s>\n", in.Name, text)
	}
}

// typeText describes a value: its JSON type ("any" when the schema does not say), then
// whether it is required and whether it is secret.
func typeText(typ string, required, secret bool) string {
	if typ == "" {
		typ = "any"
	}
	if required {
		typ += ", required"
	}
	if secret {
		typ += ", secret"
	}
	return typ
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// printHelp writes the command's help: what it runs, how to call it, its workflows and
// credentials, its flags, what it prints and its exit statuses.
func printHelp(cmd Command, fs *flag.FlagSet, w io.Writer) {
	doc := cmd.Document.File
	if cmd.Document.Title != "" {
		doc = fmt.Sprintf("%q (%s)", cmd.Document.Title, cmd.Document.File)
	}
	if doc != "" {
		fmt.Fprintf(w, "%s runs the workflows of %s.\n\n", cmd.Name, doc)
	}
	n := cmd.Name
	fmt.Fprintf(w, `Usage:
  %[1]s WORKFLOW [flags]           run a workflow and print its outputs
  %[1]s WORKFLOW -help             describe a workflow: inputs, outputs, steps
  %[1]s WORKFLOW -dry-run [flags]  show the first request and the plan; send nothing
  %[1]s -list                      list the workflows, their inputs and the credentials
  %[1]s -version                   print the document and arazzogen versions

Workflows:
`, n)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, wf := range cmd.Workflows {
		fmt.Fprintf(tw, "  %s\t%s\n", wf.ID, oneLine(wf.Summary))
	}
	tw.Flush()
	if len(cmd.Auth) > 0 {
		fmt.Fprintln(w, "\nCredentials (-auth-env SOURCE=ENVVAR; read from the environment only):")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, a := range cmd.Auth {
			fmt.Fprintf(tw, "  %s\t%s\n", a.Name, a.Kind)
		}
		tw.Flush()
	}
	fmt.Fprintln(w, "\nFlags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprint(w, `
Output:
  On success the workflow's outputs, one JSON object keyed by the Arazzo output names, on
  standard output (-output FILE writes them to a file instead; -mask-secrets shows secret
  outputs as "[REDACTED]"; -github-output also appends them to $GITHUB_OUTPUT). Errors and
  warnings go to standard error, one line each ("NAME: message"), or one JSON object each
  with -error-format json. -report writes JUnit XML, TAP or JSON test reports, one test case
  per step run. SIGINT and SIGTERM stop the run at once; reports are still written.

Exit status:
  0  the workflow succeeded
  1  the workflow failed: a step failed, timed out or was interrupted (the error names it)
  2  usage: a bad flag, input or credential; nothing was sent
`)
}

// printWorkflowHelp describes one workflow: summary, description, inputs, outputs, steps.
func printWorkflowHelp(cmd Command, wf Workflow, w io.Writer) {
	fmt.Fprintf(w, "%s %s", cmd.Name, wf.ID)
	if wf.Summary != "" {
		fmt.Fprintf(w, ": %s", oneLine(wf.Summary))
	}
	fmt.Fprintln(w)
	if d := strings.TrimSpace(wf.Description); d != "" {
		fmt.Fprintf(w, "\n%s\n", d)
	}
	fmt.Fprintln(w, "\nInputs:")
	if len(wf.Inputs) == 0 {
		fmt.Fprintln(w, "  none")
	}
	writeInputs(w, wf)
	if len(wf.Inputs) > 0 {
		fmt.Fprintln(w, "  (a secret input belongs in -input-env NAME=ENVVAR, out of the process list)")
	}
	fmt.Fprintln(w, "\nOutputs (one JSON object on standard output):")
	if len(wf.Outputs) == 0 {
		fmt.Fprintln(w, "  none: {}")
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, o := range wf.Outputs {
		fmt.Fprintf(tw, "  %s\t%s\n", o.Name, typeText(o.Type, false, o.Secret))
	}
	tw.Flush()
	fmt.Fprintln(w, "\nSteps:")
	writePlan(w, wf)
	fmt.Fprintf(w, "\nRun it:\n  %s %s", cmd.Name, wf.ID)
	for _, in := range wf.Inputs {
		if !in.Required {
			continue
		}
		if secretInput(in) {
			fmt.Fprintf(w, " -input-env %s=ENVVAR", in.Name)
		} else {
			fmt.Fprintf(w, " -input %s=VALUE", in.Name)
		}
	}
	fmt.Fprintln(w)
}

// writePlan lists the steps of wf in order with what each calls, and its success criteria
// and actions.
func writePlan(w io.Writer, wf Workflow) {
	if len(wf.Steps) == 0 {
		fmt.Fprintln(w, "  none")
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i, s := range wf.Steps {
		fmt.Fprintf(tw, "  %d. %s\t%s\n", i+1, s.ID, s.Operation)
		for _, c := range s.Criteria {
			fmt.Fprintf(tw, "     \tsuccess when %s\n", oneLine(c))
		}
		for _, a := range s.Actions {
			fmt.Fprintf(tw, "     \t%s\n", oneLine(a))
		}
	}
	tw.Flush()
}

// printVersion prints what the command was generated from and with.
func printVersion(cmd Command, w io.Writer) {
	d := cmd.Document
	fmt.Fprintf(w, "%s: generated by arazzogen from %s\n", cmd.Name, d.File)
	doc := d.Title
	if d.Version != "" {
		doc += " " + d.Version
	}
	if d.Arazzo != "" {
		doc += " (Arazzo " + d.Arazzo + ")"
	}
	if doc = strings.TrimSpace(doc); doc != "" {
		fmt.Fprintf(w, "document: %s\n", doc)
	}
	fmt.Fprintf(w, "arazzogen: %s\n", moduleVersion())
}

// arazzogenModule is the module of the generator and of this runtime.
const arazzogenModule = "github.com/arazzogen/arazzogen"

// moduleVersion is the version of the arazzogen module the command was built with. The
// generator that wrote the command is the same module: `go tool arazzogen` runs the version
// that go.mod requires, which is also the runtime's.
func moduleVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown (no build information)"
	}
	if bi.Main.Path == arazzogenModule {
		return bi.Main.Version
	}
	for _, d := range bi.Deps {
		if d.Path != arazzogenModule {
			continue
		}
		if d.Replace != nil {
			if d.Replace.Version != "" {
				return d.Replace.Version
			}
			return "(devel: replaced by a local copy)"
		}
		return d.Version
	}
	return "unknown"
}
