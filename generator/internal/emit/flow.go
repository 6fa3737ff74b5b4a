package emit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/ir"
	"github.com/arazzogen/arazzogen/generator/internal/types"
	. "github.com/dave/jennifer/jen"
)

// A workflow is rendered as a state type, one function per step, and a runtime.Flow that
// lists the steps with their actions as data. A step function reads what it needs from the
// state (s.Inputs, s.<step>.<output>), sends its request, checks its success criteria, writes
// its outputs to the state and reports which of its actions apply; runtime.Drive follows the
// actions. The workflow method runs the flow in process with runtime.RunFlow; the package
// generated with -temporal runs the same flow with each step as a Temporal activity, so both
// share every line that decides what a step does.

func workflow(f *File, p *ir.Program, w *ir.Workflow) {
	structType(f, w.Inputs, fmt.Sprintf("%s are the inputs of workflow %q.", w.Inputs.GoName, w.Name()))
	secretMethods(f, w.Inputs, "in", "inputs")
	structType(f, w.Outputs, fmt.Sprintf("%s are the outputs of workflow %q.", w.Outputs.GoName, w.Name()))
	secretMethods(f, w.Outputs, "out", "outputs")

	doc := fmt.Sprintf("%s runs workflow %q.", w.GoName, w.Name())
	if w.Summary != "" {
		doc = fmt.Sprintf("%s runs workflow %q: %s", w.GoName, w.Name(), strings.TrimSpace(w.Summary))
	}
	commentText(f, doc)
	if strings.TrimSpace(w.Description) != "" {
		commentLine(f, "")
		commentText(f, w.Description)
	}
	f.Func().Params(Id("c").Op("*").Id("Client")).Id(w.GoName).
		Params(Id("ctx").Qual("context", "Context"), Id("in").Id(w.Inputs.GoName)).
		Params(Op("*").Id(w.Outputs.GoName), Error()).
		Block(
			Id("s").Op(":=").Op("&").Id(w.State).Values(Dict{Id(w.StateNames.Inputs): Id("in")}),
			List(Id("done"), Err()).Op(":=").Qual(runtimePkg, "RunFlow").Call(Id("ctx"), Id("c"), Id(w.Flow), Id("s")),
			If(Op("!").Id("done")).Block(Return(Nil(), Err())),
			Return(Id("s").Dot(w.StateNames.Outputs).Call(), Err()),
		)
	f.Line()
	stateType(f, w)
	flowVar(f, w, p.Parallel)
	for _, st := range w.Steps {
		if st.Unreachable {
			continue
		}
		if st.Call != nil {
			finishFunc(f, w, st)
		} else {
			stepFunc(f, w, st)
		}
	}
}

// flowType is runtime.<name>[Client, <state>].
func flowType(w *ir.Workflow, name string) *Statement {
	return Qual(runtimePkg, name).Types(Id("Client"), Id(w.State))
}

// stateType declares the workflow's state and its Flow and Outputs methods.
func stateType(f *File, w *ir.Workflow) {
	commentText(f, fmt.Sprintf("%s is a run of workflow %q: its inputs, and the outputs of the workflows it depends on and of its steps once they have run. The workflow method runs it in process; a durable engine runs its Flow one step at a time (arazzogen -temporal).", w.State, w.Name()))
	f.Type().Id(w.State).StructFunc(func(g *Group) {
		g.Id(w.StateNames.Inputs).Id(w.Inputs.GoName)
		for _, d := range w.DependsOn {
			if d.Used {
				g.Id(d.Field).Op("*").Id(d.Workflow.Outputs.GoName).Tag(map[string]string{"json": ",omitempty"})
			}
		}
		for _, st := range w.Steps {
			g.Id(st.Field).StructFunc(func(sg *Group) {
				for _, fl := range st.Outputs.Fields {
					sg.Id(fl.GoName).Add(goType(fl.Type))
				}
			}).Tag(map[string]string{"json": ",omitzero"})
		}
	})
	f.Line()
	commentf(f, "%s is the workflow's steps and actions, for runtime.Drive.", w.StateNames.Flow)
	f.Func().Params(Op("*").Id(w.State)).Id(w.StateNames.Flow).Params().Op("*").Add(flowType(w, "Flow")).Block(Return(Id(w.Flow)))
	f.Line()
	commentf(f, "%s computes the workflow's outputs from the state.", w.StateNames.Outputs)
	var fields []Code
	for i, fl := range w.Outputs.Fields {
		fields = append(fields, kv(fl.GoName, valueExpr(w.OutputValues[i])).Op(",").Add(srcComment(w.OutputValues[i])))
	}
	f.Func().Params(Id("s").Op("*").Id(w.State)).Id(w.StateNames.Outputs).Params().Op("*").Id(w.Outputs.GoName).BlockFunc(func(g *Group) {
		noStep(g, w.OutputValues...)
		g.Return(Op("&").Id(w.Outputs.GoName).Add(Custom(Options{Open: "{", Close: "}", Multi: true}, fields...)))
	})
	f.Line()
}

// flowVar declares the workflow's runtime.Flow; with parallel, its groups of steps that
// run at once.
func flowVar(f *File, w *ir.Workflow, parallel bool) {
	var items []Code
	items = append(items, kv("Workflow", Lit(w.Name())), kv("Version", Lit(flowVersion(w))))
	var group map[*ir.Step]int
	if parallel {
		group = groups(w)
	}
	var steps []Code
	for _, st := range w.Steps {
		if !st.Unreachable {
			steps = append(steps, flowStep(w, st, group[st]))
		}
	}
	items = append(items, kv("Steps", Index().Add(flowType(w, "FlowStep")).Add(lines(steps))))
	if len(w.DependsOn) > 0 {
		var deps []Code
		for _, d := range w.DependsOn {
			deps = append(deps, callValue(w, d, true))
		}
		items = append(items, kv("DependsOn", Index().Op("*").Add(flowType(w, "Call")).Add(lines(deps))))
	}
	if w.RetrySlots > 0 {
		items = append(items, kv("RetrySlots", Lit(w.RetrySlots)))
	}
	if slices.ContainsFunc(w.Inputs.Fields, func(fl *ir.Field) bool { return fl.Default != "" }) {
		items = append(items, kv("Defaults", Func().Params(Id("s").Op("*").Id(w.State)).Error().BlockFunc(func(g *Group) {
			inputDefaults(g, w)
			g.Return(Nil())
		})))
	}
	if stateHasSecrets(w) {
		items = append(items, kv("Secrets", Func().Params(Id("s").Op("*").Id(w.State)).Params(Id("secrets").Index().String()).BlockFunc(func(g *Group) {
			collect := func(vals ...Code) *Statement {
				return Id("secrets").Op("=").Append(append([]Code{Id("secrets")}, vals...)...)
			}
			markSecrets(g, w.Inputs.Fields, func(fl *ir.Field) *Statement { return Id("s").Dot(w.StateNames.Inputs).Dot(fl.GoName) }, collect, true)
			for _, d := range w.DependsOn {
				if d.Used && hasSecret(d.Workflow.Outputs) {
					g.If(Id("s").Dot(d.Field).Op("!=").Nil()).BlockFunc(func(b *Group) {
						markSecrets(b, d.Workflow.Outputs.Fields, func(fl *ir.Field) *Statement { return Id("s").Dot(d.Field).Dot(fl.GoName) }, collect, true)
					})
				}
			}
			for _, st := range w.Steps {
				markSecrets(g, st.Outputs.Fields, func(fl *ir.Field) *Statement { return Id("s").Dot(st.Field).Dot(fl.GoName) }, collect, true)
			}
			g.Return(Id("secrets"))
		})))
	}
	items = append(items, kv("Transport", Func().Params(Id("c").Op("*").Id("Client")).Op("*").Qual(runtimePkg, "Transport").Block(Return(Op("&").Id("c").Dot("rt")))))
	if w.Loops {
		items = append(items, kv("MaxRuns", Func().Params(Id("c").Op("*").Id("Client")).Int().Block(Return(Id("c").Dot("maxRuns")))))
	}
	if start := messageStart(w); start != nil {
		items = append(items, kv("Start", start))
	}
	f.Var().Id(w.Flow).Op("=").Op("&").Add(flowType(w, "Flow")).Add(lines(items))
	f.Line()
}

// stateHasSecrets reports whether the state can hold a secret value.
func stateHasSecrets(w *ir.Workflow) bool {
	if hasSecret(w.Inputs) {
		return true
	}
	for _, d := range w.DependsOn {
		if d.Used && hasSecret(d.Workflow.Outputs) {
			return true
		}
	}
	return slices.ContainsFunc(w.Steps, func(st *ir.Step) bool { return hasSecret(st.Outputs) })
}

func flowStep(w *ir.Workflow, st *ir.Step, group int) Code {
	items := []Code{kv("ID", Lit(st.ID))}
	if st.Call == nil {
		items = append(items, kv("Method", Lit(st.Method)))
	}
	if st.Timeout > 0 {
		items = append(items, kv("Timeout", delay(float64(st.Timeout)/1000)))
	}
	if st.Target {
		items = append(items, kv("Target", True()))
	}
	if group > 1 {
		items = append(items, kv("Group", Lit(group)))
	}
	if len(st.OnSuccess) > 0 {
		items = append(items, kv("OnSuccess", actionList(w, ir.Tried(st.OnSuccess))))
	}
	if len(st.OnFailure) > 0 {
		items = append(items, kv("OnFailure", actionList(w, ir.Tried(st.OnFailure))))
	}
	if st.Call == nil {
		items = append(items, kv("Run", Id(st.Func)))
	} else {
		out := st.Call.Workflow.Outputs.GoName
		items = append(items,
			kv("Call", callValue(w, st.Call, false)),
			kv("Finish", Func().Params(Id("st").Op("*").Qual(runtimePkg, "Step"), Id("s").Op("*").Id(w.State), Id("out").Any(), Err().Error()).Qual(runtimePkg, "Outcome").Block(
				List(Id("o"), Id("_")).Op(":=").Id("out").Assert(Op("*").Id(out)),
				Return(Id(st.Func).Call(Id("st"), Id("s"), Id("o"), Err())),
			)),
		)
	}
	r := readsOf(w, st)
	items = append(items,
		kv("Reads", Func().Params(Id("dst"), Id("src").Op("*").Id(w.State)).BlockFunc(func(g *Group) {
			for _, name := range r {
				g.Id("dst").Dot(name).Op("=").Id("src").Dot(name)
			}
		})),
		kv("Writes", Func().Params(Id("dst"), Id("src").Op("*").Id(w.State)).Block(
			Id("dst").Dot(st.Field).Op("=").Id("src").Dot(st.Field),
		)),
	)
	return lines(items)
}

func actionList(w *ir.Workflow, actions []*ir.Action) *Statement {
	var items []Code
	for _, a := range actions {
		kind := map[ir.ActionKind]string{ir.End: "ActionEnd", ir.Goto: "ActionGoto", ir.Retry: "ActionRetry"}[a.Kind]
		fields := []Code{kv("Kind", Qual(runtimePkg, kind))}
		if a.Step != nil {
			fields = append(fields, kv("Step", Lit(a.Step.ID)))
		}
		if a.Call != nil {
			fields = append(fields, kv("Call", callValue(w, a.Call, false)))
		}
		if a.Kind == ir.Retry {
			if a.RetryAfter > 0 {
				fields = append(fields, kv("After", delay(a.RetryAfter)))
			}
			fields = append(fields, kv("Limit", Lit(a.RetryLimit)))
			if a.Slot > 0 {
				fields = append(fields, kv("Slot", Lit(a.Slot)))
			}
			if a.Resume > 0 {
				fields = append(fields, kv("Resume", Lit(a.Resume)))
			}
		}
		items = append(items, lineComment(oneLine(a.Name)).Line().Values(fields...))
	}
	return Index().Add(flowType(w, "Action")).Add(lines(items))
}

// callValue renders the runtime.Call of a call of another workflow; dependsOn keeps the
// callee's outputs in the state when they are read.
func callValue(w *ir.Workflow, call *ir.Call, dependsOn bool) *Statement {
	callee := call.Workflow
	version := ""
	if callee.Source == "" {
		version = flowVersion(callee)
	}
	items := []Code{kv("Workflow", Lit(callee.Name()))}
	if version != "" {
		items = append(items, kv("Version", Lit(version)))
	}
	items = append(items,
		kv("Inputs", Func().Params(Id("s").Op("*").Id(w.State)).Params(Any(), Error()).BlockFunc(func(g *Group) {
			noStep(g, call.Args...)
			prep, lit := callArgs(call, func(err Code) *Statement { return Return(Nil(), err) })
			for _, c := range prep {
				g.Add(c)
			}
			g.Return(lit, Nil())
		})),
		kv("Run", Func().Params(Id("c").Op("*").Id("Client"), Id("ctx").Qual("context", "Context"), Id("in").Any()).Params(Any(), Error()).Block(
			Return(Id("c").Dot(callee.GoName).Call(Id("ctx"), Id("in").Assert(Id(callee.Inputs.GoName)))),
		)),
		kv("Outputs", Func().Params().Any().Block(Return(New(Id(callee.Outputs.GoName))))),
	)
	if dependsOn && call.Used {
		items = append(items, kv("Store", Func().Params(Id("s").Op("*").Id(w.State), Id("out").Any()).Block(
			Id("s").Dot(call.Field).Op("=").Id("out").Assert(Op("*").Id(callee.Outputs.GoName)),
		)))
	}
	return Op("&").Add(flowType(w, "Call")).Add(lines(items))
}

// callArgs renders the inputs value of a call of another workflow. Arguments whose type
// differs from the callee's input are converted first by the statements in prep; a
// conversion error is rendered by onErr.
func callArgs(call *ir.Call, onErr func(err Code) *Statement) (prep []Code, lit *Statement) {
	var fields []Code
	for i, f := range call.Workflow.Inputs.Fields {
		v := call.Args[i]
		if v == nil {
			continue
		}
		arg := convert(v, f)
		if arg == nil {
			tmp := fmt.Sprintf("arg%d", i)
			prep = append(prep,
				List(Id(tmp), Err()).Op(":=").Qual(runtimePkg, "Convert").Types(goType(f.Type)).Call(anyExpr(v)),
				If(Err().Op("!=").Nil()).Block(onErr(Err())),
			)
			arg = Id(tmp)
		}
		fields = append(fields, kv(f.GoName, arg))
	}
	return prep, Id(call.Workflow.Inputs.GoName).Add(lines(fields))
}

// convert renders v as a value of field f's type when that needs no error check, else nil.
func convert(v *ir.Value, f *ir.Field) *Statement {
	if len(v.Pointer) > 0 || v.Kind == ir.VResponseBody {
		return nil
	}
	if v.IsLiteral() {
		return literalAs(v, f.Type)
	}
	switch {
	case v.Type == f.Type:
		return valueExpr(v)
	case v.Type.NonNull() != f.Type.NonNull():
		return nil
	case f.Type.Pointer() && !v.Type.Pointer():
		return Qual(runtimePkg, "Ptr").Call(valueExpr(v))
	case !f.Type.Pointer() && v.Type.Pointer():
		return Qual(runtimePkg, "Deref").Call(valueExpr(v))
	}
	return nil
}

// stepDoc is the first line of a step function's documentation.
func stepDoc(st *ir.Step) string {
	timeout := ""
	if st.Timeout > 0 {
		timeout = fmt.Sprintf(", timeout %dms", st.Timeout)
	}
	if st.Call != nil {
		return fmt.Sprintf("%s checks step %s, which runs workflow %s%s: its success criteria, outputs and actions.", st.Func, st.ID, st.Call.Workflow.Name(), timeout)
	}
	if st.Message != nil {
		return fmt.Sprintf("%s runs step %s: %s%s.", st.Func, st.ID, messageComment(st), timeout)
	}
	return fmt.Sprintf("%s runs step %s: %s (%s %s)%s.", st.Func, st.ID, st.OperationID, st.Method, st.Path, timeout)
}

// stepFunc renders the function of an operation step: the request, the success criteria,
// the outputs and the actions that apply.
func stepFunc(f *File, w *ir.Workflow, st *ir.Step) {
	commentText(f, stepDoc(st))
	f.Func().Id(st.Func).Params(Id("c").Op("*").Id("Client"), Id("st").Op("*").Qual(runtimePkg, "Step"), Id("s").Op("*").Id(w.State)).Qual(runtimePkg, "Outcome").BlockFunc(func(b *Group) {
		b.Const().Id("workflow").Op("=").Lit(w.Name())
		fail := failHandler(b, st)
		withResp := false
		if st.Message != nil {
			message(b, st, fail)
		} else {
			withResp = send(b, st, fail)
		}
		listens(b, w, st, func(l *ir.Listen, ch Code) *Statement {
			return If(Err().Op(":=").Id("st").Dot("Listen").Call(transport(l.Step.Message), Lit(l.Step.ID), ch), Err().Op("!=").Nil()).Block(fail(Err(), Nil()))
		})
		succeed(b, st, withResp)
	})
	f.Line()
}

// finishFunc renders the function that judges a workflowId step once the called workflow
// has run (out holds its outputs, or err why it failed).
func finishFunc(f *File, w *ir.Workflow, st *ir.Step) {
	commentText(f, stepDoc(st))
	f.Func().Id(st.Func).Params(Id("st").Op("*").Qual(runtimePkg, "Step"), Id("s").Op("*").Id(w.State), Id("out").Op("*").Id(st.Call.Workflow.Outputs.GoName), Err().Error()).Qual(runtimePkg, "Outcome").BlockFunc(func(b *Group) {
		b.Const().Id("workflow").Op("=").Lit(w.Name())
		fail := failHandler(b, st)
		b.If(Err().Op("!=").Nil()).Block(fail(Err(), Nil()))
		for _, cr := range st.Criteria {
			b.If(Op("!").Parens(criterionExpr(cr))).Block(fail(Qual(runtimePkg, "Unmet").Call(Id("workflow"), Lit(st.ID), Lit(cr.Text)), Nil()))
		}
		for i, fl := range st.Outputs.Fields {
			v := st.OutputValues[i]
			b.Id("s").Dot(st.Field).Dot(fl.GoName).Op("=").Add(valueExpr(v)).Add(srcComment(v))
		}
		succeed(b, st, false)
	})
	f.Line()
}

// failHandler declares, for a step with failure actions, the function that reports which
// of them apply, and returns how a failure is rendered: an Outcome carrying the error (and
// the response's Retry-After, which a retry honours).
func failHandler(b *Group, st *ir.Step) func(err, resp Code) *Statement {
	actions := ir.Tried(st.OnFailure)
	if len(actions) == 0 {
		return func(err, _ Code) *Statement {
			return Return(Qual(runtimePkg, "Outcome").Values(Dict{Id("Err"): err}))
		}
	}
	b.Id("failed").Op(":=").Func().Params(Err().Error(), Id("resp").Op("*").Qual(runtimePkg, "Response")).Qual(runtimePkg, "Outcome").BlockFunc(func(g *Group) {
		g.Id("o").Op(":=").Qual(runtimePkg, "Failed").Call(Err(), Id("resp"))
		for i, a := range actions {
			commentLine(g, "onFailure "+oneLine(a.Name))
			add := Id("o").Dot("Actions").Op("=").Append(Id("o").Dot("Actions"), Lit(i))
			cond := criteriaExpr(a.Criteria)
			if cond != nil && usesResponse([]*ir.Action{a}) {
				// The request itself may have failed, leaving no response; criteria that
				// read the response then do not hold.
				cond = Id("resp").Op("!=").Nil().Op("&&").Add(cond)
			}
			switch {
			case cond == nil && a.Kind == ir.Retry:
				g.Add(add)
			case cond == nil:
				g.Add(add)
				g.Return(Id("o"))
				return
			case a.Kind == ir.Retry:
				g.If(cond).Block(add)
			default:
				g.If(cond).Block(add, Return(Id("o")))
			}
		}
		g.Return(Id("o"))
	})
	return func(err, resp Code) *Statement { return Return(Id("failed").Call(err, resp)) }
}

// send renders an operation call: the request, the success criteria and the outputs, and
// reports whether the response is in scope (resp) after it.
func send(b *Group, st *ir.Step, fail func(err, resp Code) *Statement) (used bool) {
	// Criteria report through the response; outputs may be known without it ($request
	// values the step's own parameters decide).
	used = len(st.Criteria) > 0 || slices.ContainsFunc(st.OutputValues, valueUsesResponse) || usesResponse(st.OnSuccess) || gotoStep(st.OnSuccess)
	for _, pp := range st.PathParts {
		if cond := emptyPathValue(pp); cond != nil {
			b.If(cond).Block(fail(Qual(runtimePkg, "NoPathValue").Call(Id("workflow"), Lit(st.ID), Lit(st.Method), Lit(st.Path), Lit(pp.Param.Name), Lit(pp.Value.Src)), Nil()))
		}
	}
	req := request(b, st, func(reason string) *Statement {
		return fail(Op("&").Qual(runtimePkg, "StepError").Add(lines([]Code{
			kv("Workflow", Id("workflow")), kv("Step", Lit(st.ID)), kv("Reason", Lit(reason)), kv("Err", Err()),
		})), Nil())
	})
	if st.Security != nil {
		req = append(req, kv("Auth", authExpr(st.Security)))
	}
	if st.Timeout > 0 {
		req = append(req, kv("Timeout", delay(float64(st.Timeout)/1000)))
	}
	call := Id("st").Dot("Send").Call(Op("&").Qual(runtimePkg, "Request").Add(lines(req)))
	if used {
		b.List(Id("resp"), Err()).Op(":=").Add(call)
		b.If(Err().Op("!=").Nil()).Block(fail(Err(), Nil()))
	} else {
		// A scoped err: the body's encoding may have declared one already.
		b.If(List(Id("_"), Err()).Op(":=").Add(call), Err().Op("!=").Nil()).Block(fail(Err(), Nil()))
	}
	for _, cr := range st.Criteria {
		b.If(Op("!").Parens(criterionExpr(cr))).Block(fail(Id("resp").Dot("Unmet").Call(Lit(cr.Text)), Id("resp")))
	}
	for i, fl := range st.Outputs.Fields {
		v := st.OutputValues[i]
		dst := Id("s").Dot(st.Field).Dot(fl.GoName)
		if v.Kind == ir.VResponseBody {
			args := []Code{Op("&").Add(dst)}
			for _, t := range v.Pointer {
				args = append(args, Lit(t))
			}
			commentf(b, "%s: %s", fl.JSONName, v.Src)
			decode := "Decode"
			if v.Required {
				decode = "Require" // the schema requires it: absent, it fails the step
			}
			b.If(Err().Op(":=").Id("resp").Dot(decode).Call(args...), Err().Op("!=").Nil()).Block(fail(Err(), Id("resp")))
			continue
		}
		b.Add(dst).Op("=").Add(valueExpr(v)).Add(srcComment(v))
	}
	return used
}

// succeed ends a step function that succeeded: its secret outputs are marked, and the first
// success action whose criteria hold is reported. withResp is set when the step's response
// is in scope: a goto to a step reports it (runtime.Succeeded), whose Retry-After the wait
// before the step runs again honours.
func succeed(b *Group, st *ir.Step, withResp bool) {
	markSecrets(b, st.Outputs.Fields, func(fl *ir.Field) *Statement { return Id("s").Dot(st.Field).Dot(fl.GoName) },
		func(vals ...Code) *Statement { return Id("st").Dot("Secret").Call(vals...) }, false)
	for i, a := range ir.Tried(st.OnSuccess) {
		commentLine(b, "onSuccess "+oneLine(a.Name))
		ret := Return(Qual(runtimePkg, "Outcome").Values(Dict{Id("Actions"): Qual(runtimePkg, "Take").Call(Lit(i))}))
		if withResp && a.Kind == ir.Goto && a.Step != nil {
			ret = Return(Qual(runtimePkg, "Succeeded").Call(Lit(i), Id("resp")))
		}
		cond := criteriaExpr(a.Criteria)
		if cond == nil {
			b.Add(ret)
			return
		}
		b.If(cond).Block(ret)
	}
	b.Return(Qual(runtimePkg, "Outcome").Values())
}

// readsOf lists the state fields a step reads, in the state's order: the inputs, the
// outputs of the workflows it depends on and of other steps. It errs on the side of more:
// a field too many is only copied, a field too few would be zero when the step runs
// elsewhere. Reading its own outputs (an output built from another) needs no copy.
func readsOf(w *ir.Workflow, st *ir.Step) []string {
	r := reads{steps: map[*ir.Step]bool{}, calls: map[*ir.Call]bool{}, seen: map[any]bool{}}
	r.walk(reflectValue(st), st)
	for _, l := range w.Listens {
		if l.After == st {
			r.walk(reflectValue(l.Step.Message), st) // the addresses of the channels it listens to
		}
	}
	var out []string
	if r.inputs {
		out = append(out, w.StateNames.Inputs)
	}
	for _, d := range w.DependsOn {
		if d.Used && r.calls[d] {
			out = append(out, d.Field)
		}
	}
	for _, o := range w.Steps {
		if o != st && r.steps[o] {
			out = append(out, o.Field)
		}
	}
	return out
}

// flowVersion hashes what a durable engine's workflow code decides from: the steps in order
// with their kind, the actions with their targets and limits, the workflows called, and, for
// workflowId steps (judged in the workflow code), their criteria and outputs. It does not
// change when only a request or an operation step's criteria change: those run inside
// activities, whose results the engine records.
func flowVersion(w *ir.Workflow) string {
	var b strings.Builder
	b.WriteString("arazzogen-flow-1\n")
	call := func(c *ir.Call) {
		fmt.Fprintf(&b, " call %q", c.Workflow.Name())
		if c.Workflow.Source == "" {
			fmt.Fprintf(&b, "@%s", flowVersion(c.Workflow))
		}
	}
	for _, d := range w.DependsOn {
		b.WriteString("dependsOn")
		call(d)
		b.WriteString("\n")
	}
	b.WriteString(strconv.Itoa(w.RetrySlots) + "\n")
	for _, st := range w.Steps {
		if st.Unreachable {
			continue
		}
		fmt.Fprintf(&b, "step %q %s %d %t", st.ID, st.Method, st.Timeout, st.Target)
		if st.Call != nil {
			call(st.Call)
			for _, cr := range st.Criteria {
				fmt.Fprintf(&b, " criterion %q", cr.Text)
			}
			for i, fl := range st.Outputs.Fields {
				fmt.Fprintf(&b, " output %q=%q", fl.JSONName, st.OutputValues[i].Src)
			}
		}
		b.WriteString("\n")
		for _, list := range [][]*ir.Action{ir.Tried(st.OnSuccess), ir.Tried(st.OnFailure)} {
			for _, a := range list {
				fmt.Fprintf(&b, " action %q %d %g %d %d %d", a.Name, a.Kind, a.RetryAfter, a.RetryLimit, a.Slot, a.Resume)
				if a.Step != nil {
					fmt.Fprintf(&b, " step %q", a.Step.ID)
				}
				if a.Call != nil {
					call(a.Call)
				}
				if st.Call != nil {
					for _, cr := range a.Criteria {
						fmt.Fprintf(&b, " criterion %q", cr.Text)
					}
				}
				b.WriteString("\n")
			}
			b.WriteString("--\n")
		}
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:4])
}

// oneLine is document text for a comment on one line: its whitespace, line breaks
// included, collapsed to single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// criteriaExpr is the conjunction of an action's criteria, nil when it has none.
func criteriaExpr(cs []*ir.Criterion) *Statement {
	var out *Statement
	for _, c := range cs {
		e := Parens(criterionExpr(c))
		if out == nil {
			out = e
		} else {
			out = out.Op("&&").Add(e)
		}
	}
	return out
}

func usesResponse(actions []*ir.Action) bool {
	for _, a := range actions {
		for _, c := range a.Criteria {
			if criterionUsesResponse(c) {
				return true
			}
		}
	}
	return false
}

func criterionUsesResponse(cr *ir.Criterion) bool {
	if cr.Kind == ir.Simple {
		return condUsesResponse(cr.Cond)
	}
	return valueUsesResponse(cr.Context) || cr.Template != nil && valueUsesResponse(cr.Template)
}

func condUsesResponse(c *ir.Cond) bool {
	if c == nil {
		return false
	}
	if c.Value != nil {
		return valueUsesResponse(c.Value)
	}
	return condUsesResponse(c.L) || condUsesResponse(c.R)
}

func valueUsesResponse(v *ir.Value) bool {
	switch v.Kind {
	case ir.VStatus, ir.VResponseBody, ir.VResponseHeader, ir.VRequestHeader, ir.VRequestBody, ir.VRequestURL:
		return true
	case ir.VSelect:
		return valueUsesResponse(v.Context)
	}
	for _, p := range slices.Concat(v.Parts, v.Elems) {
		if valueUsesResponse(p) {
			return true
		}
	}
	return false
}

// noStep declares a nil step st where values are computed outside a step (a workflow's
// outputs, the inputs of a called workflow) and one of them is a Selector Object, which is
// evaluated by a step: a nil one evaluates within the budget of work only.
func noStep(g *Group, vals ...*ir.Value) {
	if slices.ContainsFunc(vals, valueSelects) {
		g.Var().Id("st").Op("*").Qual(runtimePkg, "Step").Add(note("no step here: selectors are evaluated within their budget only"))
	}
}

// valueSelects reports whether v is or holds a Selector Object.
func valueSelects(v *ir.Value) bool {
	if v == nil {
		return false
	}
	if v.Kind == ir.VSelect {
		return true
	}
	return slices.ContainsFunc(v.Parts, valueSelects) || slices.ContainsFunc(v.Elems, valueSelects) || valueSelects(v.Context)
}

// delay renders a number of seconds as a time.Duration, to the millisecond.
func delay(seconds float64) *Statement {
	ms := int64(math.Round(seconds * 1000))
	if ms == 0 {
		return Lit(0)
	}
	return Lit(int(ms)).Op("*").Qual("time", "Millisecond")
}

// gotoStep reports whether an action jumps to a step, whose wait before it runs again reads
// the response's Retry-After.
func gotoStep(actions []*ir.Action) bool {
	return slices.ContainsFunc(actions, func(a *ir.Action) bool { return a.Kind == ir.Goto && a.Step != nil })
}

// inputDefaults gives the optional inputs in the state s that were not given (nil) their
// schema defaults (the body of the Flow's Defaults).
// A scalar default is a typed constant; another is decoded from its JSON text, which the
// generator checked against the input's type as far as the JSON kind goes.
func inputDefaults(g *Group, w *ir.Workflow) {
	for _, f := range w.Inputs.Fields {
		if f.Default == "" {
			continue
		}
		x := Id("s").Dot(w.StateNames.Inputs).Dot(f.GoName)
		t := f.Type
		var set Code
		switch {
		case t.Kind == types.Raw:
			set = x.Clone().Op("=").Qual(jsonPkg, "RawMessage").Call(Lit(f.Default))
		case t.Pointer() && (t.Kind == types.String || t.Kind == types.Enum && t.Named.Base.Kind == types.String):
			var s string
			_ = json.Unmarshal([]byte(f.Default), &s)
			v := Lit(s)
			if t.Kind == types.Enum {
				v = Id(t.Named.Name).Call(v)
			}
			set = x.Clone().Op("=").Qual(runtimePkg, "Ptr").Call(v)
		case t.Pointer() && (t.Kind == types.Int64 || t.Kind == types.Int32 || t.Kind == types.Float64 || t.Kind == types.Bool || t.Kind == types.Enum):
			set = x.Clone().Op("=").Qual(runtimePkg, "Ptr").Call(goType(t.NonNull()).Call(Op(f.Default)))
		default:
			set = If(Err().Op(":=").Qual(jsonPkg, "Unmarshal").Call(Index().Byte().Call(Lit(f.Default)), Op("&").Add(x.Clone())), Err().Op("!=").Nil()).Block(
				Return(Qual("fmt", "Errorf").Call(Lit(fmt.Sprintf("workflow %s: the default of input %s: %%w", w.Name(), f.JSONName)), Err())),
			)
		}
		g.If(x.Clone().Op("==").Nil()).Block(set)
	}
}

// emptyPathValue is the condition under which a path parameter's value is no value (null,
// absent or empty), which fails the step before anything is sent; nil when the value can
// never be empty (a literal, a number, a template with literal text).
func emptyPathValue(pp ir.PathPart) *Statement {
	v := pp.Value
	if v == nil || pp.Param == nil || v.IsLiteral() {
		return nil
	}
	t := v.Type
	switch {
	case v.Kind == ir.VTemplate:
		for _, part := range v.Parts {
			if part.IsLiteral() && part.Text != "" {
				return nil
			}
		}
		return stringExpr(v, nil).Op("==").Lit("")
	case t.Pointer():
	case t.Kind == types.String, t.Kind == types.Enum && t.Named.Base.Kind == types.String:
		return valueExpr(v).Op("==").Lit("")
	case t.Scalar() || t.Kind == types.Struct:
		return nil // a number, boolean, date-time or object always has a value
	}
	return Qual(runtimePkg, "Empty").Call(anyValue(v))
}
