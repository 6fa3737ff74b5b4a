package emit

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/ir"
	"github.com/arazzogen/arazzogen/generator/internal/types"
	. "github.com/dave/jennifer/jen"
)

// Command renders cmd/<package>/main.gen.go: a command that runs any workflow of the
// package from a shell (see runtime/cli).
func Command(p *ir.Program, importPath string) (Output, error) {
	f := NewFile("main")
	auth := ""
	if len(p.Credentials) > 0 {
		auth = " [-auth-env SOURCE=ENVVAR]..."
	}
	if hasClientCredentials(p) {
		auth += " [-token-url NAME=URL]..."
	}
	if loops(p) {
		auth += " [-poll-interval DURATION] [-max-step-runs N]"
	}
	broker := ""
	if len(p.MessageSources) > 0 {
		broker = " [-broker SOURCE=URL]..."
	}
	doc := []string{
		fmt.Sprintf("Command %[1]s runs the workflows of package %[1]s from a shell or a CI job.", p.Package),
		"",
		"Usage:",
		"",
		fmt.Sprintf("\t%s -list | -help | -version", p.Package),
		fmt.Sprintf("\t%s WORKFLOW_ID -help", p.Package),
		fmt.Sprintf("\t%s WORKFLOW_ID [-input NAME=VALUE]... [-input-env NAME=ENVVAR]... [-inputs FILE|-]%s [-server SOURCE=URL]...%s [-timeout DURATION] [-v]", p.Package, auth, broker),
		"\t\t[-report junit|tap|json[=FILE]]... [-output FILE] [-github-output] [-mask-secrets] [-error-format text|json] [-dry-run]",
		"",
		"It prints the workflow's outputs as one JSON object, and exits 1 when the workflow fails and 2 on a usage error.",
	}
	if len(p.Credentials) > 0 {
		doc = append(doc, "Credentials are read from the environment only, with -auth-env; -list names them.")
	}
	if len(p.MessageSources) > 0 {
		doc = append(doc, "Steps that send or receive messages go through the broker -broker names (nats:// or kafka://),",
			"by default the description's first NATS or Kafka server.")
	}
	fileComments(f, header(p), doc)
	f.ImportName(importPath, p.Package)
	f.ImportName(cliPkg, "cli")
	f.ImportName(runtimePkg, "runtime")
	if len(p.MessageSources) > 0 {
		f.ImportName(brokerPkg, "broker")
	}
	command, helpers := commandDecls(p, importPath)
	f.Func().Id("main").Params().Block(
		Id("command").Op(":=").Add(command),
		Qual("os", "Exit").Call(Qual(cliPkg, "Main").Call(Id("command"))),
	)
	f.Line()
	helpers(f)
	return render(f, "cmd/"+p.Package+"/main.gen.go")
}

// commandDecls returns the cli.Command literal of a command that runs the package's
// workflows, and a function that declares the helpers it uses (workflowRun, newClient); the
// -cli command and the MCP server share them.
func commandDecls(p *ir.Program, importPath string) (command *Statement, helpers func(f *File)) {
	pkg := func(name string) *Statement { return Qual(importPath, name) }

	var workflows []Code
	for _, w := range p.Workflows {
		if w.External() {
			continue // only the workflows it calls run it
		}
		fields := []Code{kv("ID", Lit(w.ID))}
		if w.Summary != "" {
			fields = append(fields, kv("Summary", Lit(w.Summary)))
		}
		if w.Description != "" {
			fields = append(fields, kv("Description", Lit(w.Description)))
		}
		if len(w.Inputs.Fields) > 0 {
			fields = append(fields, kv("Inputs", Index().Qual(cliPkg, "Input").Add(lines(cliFields(w.Inputs.Fields, true)))))
		}
		if len(w.Outputs.Fields) > 0 {
			fields = append(fields, kv("Outputs", Index().Qual(cliPkg, "Output").Add(lines(cliFields(w.Outputs.Fields, false)))))
		}
		if steps := cliSteps(w); len(steps) > 0 {
			fields = append(fields, kv("Steps", Index().Qual(cliPkg, "Step").Add(lines(steps))))
		}
		if w.OpenInputs {
			fields = append(fields, kv("Open", True()))
		}
		if len(w.MessageSources) > 0 {
			fields = append(fields, kv("Brokers", Index().String().ValuesFunc(func(g *Group) {
				for _, s := range w.MessageSources {
					g.Lit(s.Name)
				}
			})))
		}
		fields = append(fields, kv("Run", Id("workflowRun").Call(Parens(Op("*").Add(pkg("Client"))).Dot(w.GoName))))
		workflows = append(workflows, lines(fields))
	}
	commandFields := []Code{
		kv("Name", Lit(p.Package)),
		kv("Sources", Index().String().ValuesFunc(func(g *Group) {
			for _, s := range p.Sources {
				g.Lit(s.Name)
			}
		})),
		kv("Workflows", Index().Qual(cliPkg, "Workflow").Add(lines(workflows))),
	}
	var doc []Code
	for _, f := range []struct{ name, value string }{{"File", p.SourceFile}, {"Title", p.Title}, {"Version", p.DocVersion}, {"Arazzo", p.Arazzo}} {
		if f.value != "" {
			doc = append(doc, kv(f.name, Lit(f.value)))
		}
	}
	commandFields = append(commandFields, kv("Document", Qual(cliPkg, "Document").Add(lines(doc))))
	if len(p.Credentials) > 0 {
		commandFields = append(commandFields, kv("Auth", cliAuth(p)))
	}
	commandFields = append(commandFields, cliBrokers(p)...)
	helpers = func(f *File) {
		commentLine(f, "workflowRun makes a workflow's cli.Workflow.Run: it decodes the inputs, makes the client and")
		commentLine(f, "runs the workflow.")
		f.Func().Id("workflowRun").Types(Id("In"), Id("Out").Any()).Params(
			Id("workflow").Func().Params(Op("*").Add(pkg("Client")), Qual("context", "Context"), Id("In")).Params(Id("Out"), Error()),
		).Func().Params(Qual("context", "Context"), Qual(cliPkg, "Config"), Index().Byte()).Params(Any(), Error()).Block(
			Return(Func().Params(Id("ctx").Qual("context", "Context"), Id("cfg").Qual(cliPkg, "Config"), Id("inputs").Index().Byte()).Params(Any(), Error()).Block(
				Var().Id("in").Id("In"),
				If(Err().Op(":=").Qual(jsonPkg, "Unmarshal").Call(Id("inputs"), Op("&").Id("in")), Err().Op("!=").Nil()).Block(
					Return(Nil(), Op("&").Qual(cliPkg, "InputError").Values(Dict{Id("Err"): Err()})),
				),
				List(Id("c"), Err()).Op(":=").Id("newClient").Call(Id("cfg")),
				If(Err().Op("!=").Nil()).Block(Return(Nil(), Err())),
				Return(Id("workflow").Call(Id("c"), Id("ctx"), Id("in"))),
			)),
		)
		f.Line()
		commentLine(f, "newClient makes the client for one run: the command's HTTP client, observer (-v), server")
		commentLine(f, "URLs (-server) and credentials (-auth-env).")
		f.Func().Id("newClient").Params(Id("cfg").Qual(cliPkg, "Config")).Params(Op("*").Add(pkg("Client")), Error()).BlockFunc(func(g *Group) {
			g.Id("opts").Op(":=").Index().Add(pkg("Option")).Values(pkg("WithHTTPClient").Call(Id("cfg").Dot("HTTPClient")), pkg("WithObserver").Call(Id("cfg").Dot("Observer")))
			g.For(List(Id("_"), Id("s")).Op(":=").Range().Id("cfg").Dot("Servers")).Block(
				Id("opts").Op("=").Append(Id("opts"), pkg("WithServerURL").Call(Id("s").Dot("Source"), Id("s").Dot("URL"))),
			)
			cliCredentials(g, p, pkg)
			if loops(p) {
				g.If(Id("cfg").Dot("PollInterval").Op("!=").Nil()).Block(
					Id("opts").Op("=").Append(Id("opts"), pkg("WithPollInterval").Call(Op("*").Id("cfg").Dot("PollInterval"))),
				)
				g.If(Id("cfg").Dot("MaxStepRuns").Op(">").Lit(0)).Block(
					Id("opts").Op("=").Append(Id("opts"), pkg("WithMaxStepRuns").Call(Id("cfg").Dot("MaxStepRuns"))),
				)
			}
			if hasClientCredentials(p) {
				g.For(List(Id("_"), Id("t")).Op(":=").Range().Id("cfg").Dot("TokenURLs")).Block(
					Id("opts").Op("=").Append(Id("opts"), pkg("WithTokenURL").Call(Id("t").Dot("Name"), Id("t").Dot("URL"))),
				)
			}
			if len(p.MessageSources) > 0 {
				g.For(List(Id("_"), Id("t")).Op(":=").Range().Id("cfg").Dot("Transports")).Block(
					Id("opts").Op("=").Append(Id("opts"), pkg("WithMessageTransport").Call(Id("t").Dot("Source"), Id("t").Dot("Transport"))),
				)
			}
			g.Return(pkg("NewClient").Call(Id("opts").Op("...")))
		})
	}
	return Qual(cliPkg, "Command").Add(lines(commandFields)), helpers
}

func schemaType(t types.Type) string { return t.JSONType() }

// brokerPkg connects the command's AsyncAPI sources to brokers; it is a module of its own
// (github.com/arazzogen/arazzogen/broker), which only commands that send messages import.
const brokerPkg = "github.com/arazzogen/arazzogen/broker"

// cliBrokers are the cli.Command fields of a program with AsyncAPI sources: each source with
// the broker URL of its description, and broker.Dial.
func cliBrokers(p *ir.Program) []Code {
	if len(p.MessageSources) == 0 {
		return nil
	}
	var brokers []Code
	for _, s := range p.MessageSources {
		d := []Code{kv("Source", Lit(s.Name))}
		if s.DefaultURL != "" {
			d = append(d, kv("URL", Lit(s.DefaultURL)))
		}
		brokers = append(brokers, Values(d...))
	}
	return []Code{kv("Brokers", Index().Qual(cliPkg, "Broker").Add(lines(brokers))), kv("Dial", Qual(brokerPkg, "Dial"))}
}

// cliFields describes a workflow's inputs (cli.Input) or outputs (cli.Output) for the
// command: the name, the JSON type when the schema gives one, whether an input is required,
// and whether the value is secret.
func cliFields(fields []*ir.Field, inputs bool) []Code {
	var out []Code
	for _, f := range fields {
		d := []Code{kv("Name", Lit(f.JSONName))}
		if t := schemaType(f.Type); t != "" {
			d = append(d, kv("Type", Lit(t)))
		}
		if inputs && f.Required {
			d = append(d, kv("Required", True()))
		}
		if f.Secret {
			d = append(d, kv("Secret", True()))
		}
		if inputs && f.Default != "" {
			d = append(d, kv("Default", Lit(f.Default)))
		}
		out = append(out, Values(d...))
	}
	return out
}

// cliSteps describes the steps of w for the command's -help and -dry-run: what each calls,
// its success criteria and its actions, in the order they run and are tried.
func cliSteps(w *ir.Workflow) []Code {
	var steps []Code
	for _, st := range w.Steps {
		if st.Unreachable {
			continue
		}
		d := []Code{kv("ID", Lit(st.ID)), kv("Operation", Lit(stepOperation(st)))}
		var criteria []Code
		for _, c := range st.Criteria {
			criteria = append(criteria, Lit(c.Text))
		}
		if len(criteria) > 0 {
			d = append(d, kv("Criteria", Index().String().Values(criteria...)))
		}
		var actions []Code
		for _, a := range st.OnSuccess {
			actions = append(actions, Lit(actionText("on success", a)))
		}
		for _, a := range st.OnFailure {
			actions = append(actions, Lit(actionText("on failure", a)))
		}
		if len(actions) > 0 {
			d = append(d, kv("Actions", Index().String().Add(lines(actions))))
		}
		steps = append(steps, Values(d...))
	}
	return steps
}

// stepOperation says what a step calls: "POST /auth/refresh (refreshAuthToken)", or
// "workflow ID" for a step that runs a workflow.
func stepOperation(st *ir.Step) string {
	if st.Call != nil {
		return "workflow " + callName(st.Call)
	}
	s := st.Method + " " + st.Path
	if st.OperationID != "" {
		s += " (" + st.OperationID + ")"
	}
	return s
}

func callName(c *ir.Call) string {
	if c.Workflow.Source != "" {
		return c.Workflow.Source + "." + c.Workflow.ID
	}
	return c.Workflow.ID
}

// actionText describes a success or failure action: `on failure "throttled": retry after
// 60s, at most 1 time, when $statusCode == 429`.
func actionText(when string, a *ir.Action) string {
	s := when
	if a.Name != "" {
		s += " " + strconv.Quote(a.Name)
	}
	s += ": "
	switch a.Kind {
	case ir.End:
		s += "end the workflow"
	case ir.Goto:
		if a.Call != nil {
			s += "go to workflow " + callName(a.Call)
		} else {
			s += "go to step " + a.Step.ID
		}
	case ir.Retry:
		s += "retry"
		switch {
		case a.Call != nil:
			s += " after running workflow " + callName(a.Call) + ","
		case a.Step != nil:
			s += " after running step " + a.Step.ID + ","
		}
		if a.RetryAfter > 0 {
			s += " after " + strconv.FormatFloat(a.RetryAfter, 'f', -1, 64) + "s"
			if !strings.HasSuffix(s, ",") {
				s += ","
			}
		}
		times := "times"
		if a.RetryLimit == 1 {
			times = "time"
		}
		s += fmt.Sprintf(" at most %d %s", a.RetryLimit, times)
	}
	if len(a.Criteria) > 0 {
		var texts []string
		for _, c := range a.Criteria {
			texts = append(texts, c.Text)
		}
		s += ", when " + strings.Join(texts, " and ")
	}
	return s
}

// loops reports whether a workflow of p can run a step again (goto or retry), so that the
// client has WithMaxStepRuns and WithPollInterval.
func loops(p *ir.Program) bool {
	return slices.ContainsFunc(p.Workflows, func(w *ir.Workflow) bool { return w.Loops })
}
