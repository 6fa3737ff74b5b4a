package emit

import (
	"fmt"
	"path"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/ir"
	. "github.com/dave/jennifer/jen"
)

const (
	temporalPkg    = "github.com/arazzogen/arazzogen/temporal"
	sdkWorkflowPkg = "go.temporal.io/sdk/workflow"
	sdkWorkerPkg   = "go.temporal.io/sdk/worker"
	sdkClientPkg   = "go.temporal.io/sdk/client"
)

// TemporalDir is the directory, relative to the output directory, of the package
// generated with -temporal.
func TemporalDir(p *ir.Program) string { return p.Package + "temporal" }

// Temporal renders the package that runs the workflows on Temporal: a workflow function
// per exported workflow, Register, and a Client that starts them. importPath is the import
// path of the workflow package (Package's output).
func Temporal(p *ir.Program, importPath string) (Output, error) {
	name := TemporalDir(p)
	f := NewFile(name)
	f.HeaderComment(header(p))
	title := p.Title
	if title == "" {
		title = p.SourceFile
	}
	f.ImportName(importPath, p.Package)
	f.ImportName(temporalPkg, "temporal")
	f.ImportName(sdkWorkflowPkg, "workflow")
	f.ImportName(sdkWorkerPkg, "worker")
	f.ImportName(sdkClientPkg, "client")
	pkg := func(id string) *Statement { return Qual(importPath, id) }

	var exported []*ir.Workflow
	for _, w := range p.Workflows {
		if w.Source == "" {
			exported = append(exported, w)
		}
	}
	secrets := secretSummary(exported)
	doc := []string{
		fmt.Sprintf("Package %s runs the workflows of %q as Temporal workflows.", name, title),
		"",
		fmt.Sprintf("Each operation step is an activity running the same step function as the in-process method of package %s, with the worker's Client: credentials, server URLs, timeouts and the observer stay in the worker, and only the state a step reads, its typed outputs and its outcome enter the history (response bodies never do). goto, end and retry actions run in the workflow code, a retry waiting on a durable timer; a workflowId step is a child workflow. Temporal retries a step's activity only when its request got no response, and only for idempotent methods. See github.com/arazzogen/arazzogen/temporal.", p.Package),
	}
	if len(secrets) > 0 {
		doc = append(doc, "",
			"Secrets: Temporal keeps workflow inputs, activity inputs and results in its history, and these workflows hold secrets there: "+strings.Join(secrets, "; ")+". Encrypt payloads (temporal.Encrypt on the client options of starters and workers, with one key) and pass temporal.EncryptedPayloads() to Register; Register panics without it (or temporal.AllowPlaintextSecrets()).")
	}
	for _, d := range doc {
		if d == "" {
			f.PackageComment("")
			continue
		}
		for _, l := range comment(d) {
			f.PackageComment(l)
		}
	}

	f.Comment("TaskQueue is the task queue Client starts workflows on unless told otherwise: run a worker")
	f.Comment("with Register on it.")
	f.Const().Id("TaskQueue").Op("=").Lit(p.Package)
	f.Line()
	f.Comment("Workflow type names: the workflowId and a hash of the workflow's structure (its steps,")
	f.Comment("actions and calls). A regeneration that changes the structure changes the name, so that runs")
	f.Comment("started by the old code stay with workers that have it.")
	f.Const().DefsFunc(func(g *Group) {
		for _, w := range exported {
			g.Id(w.Temporal.TypeName).Op("=").Lit(w.ID + "@" + flowVersion(w))
		}
	})
	f.Line()
	f.Comment("Option configures the workflows and activities Register registers.")
	f.Type().Id("Option").Op("=").Qual(temporalPkg, "Option")
	f.Line()

	f.Comment("Register registers the workflows and the activities of their steps on worker r. The")
	f.Comment("activities send their requests with c; the workflow code reads its step-run bound and observer.")
	if len(secrets) > 0 {
		f.Comment("")
		f.Comment("The workflows hold secrets in their history (see the package documentation): Register panics")
		f.Comment("unless opts include temporal.EncryptedPayloads() or temporal.AllowPlaintextSecrets().")
	}
	f.Func().Id("Register").Params(Id("r").Qual(sdkWorkerPkg, "Registry"), Id("c").Op("*").Add(pkg("Client")), Id("opts").Op("...").Id("Option")).Block(
		Id("RegisterWorkflows").Call(Id("r"), Id("c"), Id("opts").Op("...")),
		Id("RegisterActivities").Call(Id("r"), Id("c"), Id("opts").Op("...")),
	)
	f.Line()
	f.Comment("RegisterWorkflows registers the workflows alone (a replayer needs no activities; c may then")
	f.Comment("be nil).")
	f.Func().Id("RegisterWorkflows").Params(Id("r").Qual(sdkWorkerPkg, "WorkflowRegistry"), Id("c").Op("*").Add(pkg("Client")), Id("opts").Op("...").Id("Option")).BlockFunc(func(g *Group) {
		g.Id("w").Op(":=").Qual(temporalPkg, "NewWorker").Call(Id("c"), Id("opts").Op("..."))
		if len(secrets) > 0 {
			var args []Code
			for _, s := range secrets {
				args = append(args, Lit(s))
			}
			g.Id("w").Dot("Options").Dot("CheckSecrets").Call(args...)
		}
		for _, w := range exported {
			state := pkg(w.State)
			outputs := Op("*").Add(pkg(w.Outputs.GoName))
			g.Id("r").Dot("RegisterWorkflowWithOptions").Call(
				Func().Params(Id("ctx").Qual(sdkWorkflowPkg, "Context"), Id("in").Add(pkg(w.Inputs.GoName))).Params(outputs, Error()).Block(
					Return(Id(w.Temporal.Run).Call(Id("ctx"), Id("w"), Op("&").Add(state.Clone()).Values(Dict{Id(w.StateNames.Inputs): Id("in")}), Nil())),
				),
				Qual(sdkWorkflowPkg, "RegisterOptions").Values(Dict{Id("Name"): Id(w.Temporal.TypeName)}),
			)
			g.Id("r").Dot("RegisterWorkflowWithOptions").Call(
				Func().Params(Id("ctx").Qual(sdkWorkflowPkg, "Context"), Id("cont").Qual(temporalPkg, "Continuation").Types(state.Clone())).Params(outputs.Clone(), Error()).Block(
					Return(Id(w.Temporal.Run).Call(Id("ctx"), Id("w"), Op("&").Id("cont").Dot("State"), Op("&").Id("cont"))),
				),
				Qual(sdkWorkflowPkg, "RegisterOptions").Values(Dict{Id("Name"): Id(w.Temporal.TypeName).Op("+").Qual(temporalPkg, "ContinuedSuffix")}),
			)
		}
	})
	f.Line()
	f.Comment("RegisterActivities registers the activities of the workflows' steps, which send their requests")
	f.Comment("with c.")
	f.Func().Id("RegisterActivities").Params(Id("r").Qual(sdkWorkerPkg, "ActivityRegistry"), Id("c").Op("*").Add(pkg("Client")), Id("opts").Op("...").Id("Option")).BlockFunc(func(g *Group) {
		g.Id("w").Op(":=").Qual(temporalPkg, "NewWorker").Call(Id("c"), Id("opts").Op("..."))
		for _, w := range exported {
			g.Qual(temporalPkg, "RegisterSteps").Call(Id("r"), Id("w"), Id(w.Temporal.TypeName), New(pkg(w.State)).Dot(w.StateNames.Flow).Call())
		}
	})
	f.Line()

	for _, w := range exported {
		temporalWorkflow(f, p, w, pkg)
	}

	f.Comment("Client starts the workflows on Temporal and waits for their outputs.")
	f.Type().Id("Client").Struct(Id("c").Qual(sdkClientPkg, "Client"))
	f.Line()
	f.Comment("NewClient returns a Client that starts workflows with c.")
	f.Func().Id("NewClient").Params(Id("c").Qual(sdkClientPkg, "Client")).Op("*").Id("Client").Block(Return(Op("&").Id("Client").Values(Dict{Id("c"): Id("c")})))
	f.Line()
	for _, w := range exported {
		outputs := pkg(w.Outputs.GoName)
		params := []Code{Id("ctx").Qual("context", "Context"), Id("opts").Qual(sdkClientPkg, "StartWorkflowOptions"), Id("in").Add(pkg(w.Inputs.GoName))}
		f.Commentf("%s starts workflow %q and waits for its outputs. A failed step comes back", w.Temporal.Method, w.Name())
		f.Comment("as an error that errors.As turns into its *runtime.StepError.")
		f.Func().Params(Id("c").Op("*").Id("Client")).Id(w.Temporal.Method).Params(params...).Params(Op("*").Add(outputs.Clone()), Error()).Block(
			List(Id("run"), Err()).Op(":=").Id("c").Dot(w.Temporal.Start).Call(Id("ctx"), Id("opts"), Id("in")),
			If(Err().Op("!=").Nil()).Block(Return(Nil(), Err())),
			Return(Id("run").Dot("Get").Call(Id("ctx"))),
		)
		f.Line()
		f.Commentf("%s starts workflow %q: opts.TaskQueue defaults to TaskQueue, and opts.ID", w.Temporal.Start, w.Name())
		f.Commentf("to %q followed by a random suffix. The run's Get waits for the outputs.", w.ID+"-")
		f.Func().Params(Id("c").Op("*").Id("Client")).Id(w.Temporal.Start).Params(params...).Params(Op("*").Qual(temporalPkg, "Run").Types(outputs.Clone()), Error()).Block(
			Return(Qual(temporalPkg, "Start").Types(outputs.Clone()).Call(Id("ctx"), Id("c").Dot("c"), Id("opts"), Id("TaskQueue"), Id(w.Temporal.TypeName), Lit(w.ID), Id("in"))),
		)
		f.Line()
	}
	return render(f, path.Join(name, "temporal.gen.go"))
}

// temporalWorkflow renders the workflow function of w and the function its registered
// forms share.
func temporalWorkflow(f *File, p *ir.Program, w *ir.Workflow, pkg func(string) *Statement) {
	state := pkg(w.State)
	outputs := Op("*").Add(pkg(w.Outputs.GoName))
	for _, l := range comment(fmt.Sprintf("%s is workflow %q as a Temporal workflow, with the default options: it takes the same inputs and gives the same outputs as the method of the %s Client. Register registers it, with its options, as %s; a step that fails ends the run with an application error of type temporal.StepErrorType carrying its *runtime.StepError.", w.Temporal.Func, w.Name(), p.Package, w.Temporal.TypeName)) {
		f.Comment(l)
	}
	f.Func().Id(w.Temporal.Func).Params(Id("ctx").Qual(sdkWorkflowPkg, "Context"), Id("in").Add(pkg(w.Inputs.GoName))).Params(outputs, Error()).Block(
		Return(Id(w.Temporal.Run).Call(Id("ctx"), Nil(), Op("&").Add(state.Clone()).Values(Dict{Id(w.StateNames.Inputs): Id("in")}), Nil())),
	)
	f.Line()
	f.Func().Id(w.Temporal.Run).Params(
		Id("ctx").Qual(sdkWorkflowPkg, "Context"),
		Id("w").Op("*").Qual(temporalPkg, "Worker").Types(pkg("Client")),
		Id("s").Op("*").Add(state.Clone()),
		Id("cont").Op("*").Qual(temporalPkg, "Continuation").Types(state.Clone()),
	).Params(outputs.Clone(), Error()).Block(
		List(Id("done"), Err()).Op(":=").Qual(temporalPkg, "Execute").Call(Id("ctx"), Id("w"), Id(w.Temporal.TypeName), Id("s").Dot(w.StateNames.Flow).Call(), Id("s"), Id("cont")),
		If(Op("!").Id("done").Op("||").Err().Op("!=").Nil()).Block(Return(Nil(), Err())),
		Return(Id("s").Dot(w.StateNames.Outputs).Call(), Nil()),
	)
	f.Line()
}

// secretSummary lists, per workflow that holds secrets in its state, the inputs, step
// outputs and outputs that are secret.
func secretSummary(ws []*ir.Workflow) []string {
	var out []string
	for _, w := range ws {
		var names []string
		for _, fl := range w.Inputs.Fields {
			if fl.Secret {
				names = append(names, "input "+fl.JSONName)
			}
		}
		for _, d := range w.DependsOn {
			if d.Used && hasSecret(d.Workflow.Outputs) {
				names = append(names, "outputs of workflow "+d.Workflow.Name())
			}
		}
		for _, st := range w.Steps {
			for _, fl := range st.Outputs.Fields {
				if fl.Secret {
					names = append(names, "step "+st.ID+" output "+fl.JSONName)
				}
			}
		}
		for _, fl := range w.Outputs.Fields {
			if fl.Secret {
				names = append(names, "output "+fl.JSONName)
			}
		}
		if len(names) > 0 {
			out = append(out, w.ID+": "+strings.Join(names, ", "))
		}
	}
	return out
}
