package emit

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/ir"
	"github.com/arazzogen/arazzogen/generator/internal/types"
	. "github.com/dave/jennifer/jen"
)

// A workflow method runs its steps as straight-line blocks in document order, inside a
// runtime.Run that reports the workflow and each step to the Client's observer and redacts
// the run's secrets from the error it returns. Actions (goto, retry, end) become Go labels
// and goto statements: a step that an action can jump to gets a label before its Step
// starts, a step that retries itself a label after (a retry stays inside the same Step), a
// step with failure actions gets a label for its failure handler (placed after the final
// return), and "end" jumps to the label before the return. Every variable is declared before
// the first label, as goto requires; with labels, that includes st, the current Step, which
// failure handlers use.

func workflow(f *File, p *ir.Program, w *ir.Workflow) {
	structType(f, w.Inputs, fmt.Sprintf("%s are the inputs of workflow %q.", w.Inputs.GoName, w.Name()))
	secretMethods(f, w.Inputs, "in", "inputs")
	structType(f, w.Outputs, fmt.Sprintf("%s are the outputs of workflow %q.", w.Outputs.GoName, w.Name()))
	secretMethods(f, w.Outputs, "out", "outputs")

	doc := fmt.Sprintf("%s runs workflow %q.", w.GoName, w.Name())
	if w.Summary != "" {
		doc = fmt.Sprintf("%s runs workflow %q: %s", w.GoName, w.Name(), strings.TrimSpace(w.Summary))
	}
	for _, l := range comment(doc) {
		f.Comment(l)
	}
	if lines := comment(w.Description); len(lines) > 0 {
		f.Comment("")
		for _, l := range lines {
			f.Comment(l)
		}
	}
	f.Func().Params(Id("c").Op("*").Id("Client")).Id(w.GoName).
		Params(Id("ctx").Qual("context", "Context"), Id("in").Id(w.Inputs.GoName)).
		Params(Id("_").Op("*").Id(w.Outputs.GoName), Err().Error()).
		BlockFunc(func(g *Group) { workflowBody(g, w) })
	f.Line()
}

// labels says which labels a workflow method needs: only those some emitted goto uses, since
// Go rejects an unused label.
type labels struct {
	run   map[*ir.Step]bool // before the step's Step starts: goto, and retries that run another step first
	retry map[*ir.Step]bool // after it: the step's own retries
	// top is set when st is declared with the other variables, for labels and failure
	// handlers; otherwise each step block declares its own.
	top bool
}

func flowLabels(w *ir.Workflow) labels {
	l := labels{run: map[*ir.Step]bool{}, retry: map[*ir.Step]bool{}}
	for _, st := range w.Steps {
		if st.Unreachable {
			continue
		}
		if len(st.OnFailure) > 0 {
			l.top = true
		}
		for _, a := range slices.Concat(ir.Tried(st.OnSuccess), ir.Tried(st.OnFailure)) {
			switch {
			case a.Kind == ir.Retry && a.Step != nil:
				l.run[a.Step] = true
				l.run[st] = true // where the other step resumes
			case a.Kind == ir.Retry:
				l.retry[st] = true
			case a.Step != nil:
				l.run[a.Step] = true
			}
		}
	}
	l.top = l.top || len(l.run) > 0 || len(l.retry) > 0
	return l
}

func workflowBody(g *Group, w *ir.Workflow) {
	g.Const().Id("workflow").Op("=").Lit(w.Name())
	g.Id("run").Op(":=").Id("c").Dot("rt").Dot("Start").Call(Id("ctx"), Id("workflow"))
	g.Defer().Func().Params().Block(Err().Op("=").Id("run").Dot("End").Call(Err())).Call()
	markSecrets(g, w.Inputs.Fields, func(f *ir.Field) *Statement { return Id("in").Dot(f.GoName) })
	l := flowLabels(w)
	var decls []Code
	for _, d := range w.DependsOn {
		if d.Used {
			decls = append(decls, Id(d.Var).Op("*").Id(d.Workflow.Outputs.GoName))
		}
	}
	for _, st := range w.Steps {
		if len(st.Outputs.Fields) > 0 {
			decls = append(decls, Id(st.Var).StructFunc(func(sg *Group) {
				for _, fl := range st.Outputs.Fields {
					sg.Id(fl.GoName).Add(goType(fl.Type))
				}
			}))
		}
	}
	failing := slices.ContainsFunc(w.Steps, func(st *ir.Step) bool { return len(st.OnFailure) > 0 && !st.Unreachable })
	endOnFailure := false
	resume := false
	for _, st := range w.Steps {
		for _, a := range st.OnFailure {
			endOnFailure = endOnFailure || a.Kind == ir.End || a.Kind == ir.Goto && a.Call != nil
			resume = resume || a.Resume > 0
		}
	}
	if failing {
		decls = append(decls, Id("failErr").Error())
		if readsFailResp(w) {
			decls = append(decls, Id("failResp").Op("*").Qual(runtimePkg, "Response"))
		}
	}
	if endOnFailure {
		decls = append(decls, Id("endErr").Error())
	}
	if w.RetrySlots > 0 {
		decls = append(decls, Id("retries").Index(Lit(w.RetrySlots)).Int())
	}
	if w.Loops {
		decls = append(decls, Id("runs").Int())
	}
	if resume {
		decls = append(decls, Id("resume").Int())
	}
	if l.top {
		decls = append(decls, Id("st").Op("*").Qual(runtimePkg, "Step"))
	}
	switch len(decls) {
	case 0:
	case 1:
		g.Var().Add(decls[0])
	default:
		g.Var().DefsFunc(func(d *Group) {
			for _, c := range decls {
				d.Add(c)
			}
		})
	}
	for _, d := range w.DependsOn {
		g.Line()
		g.Commentf("dependsOn: workflow %s runs first.", d.Workflow.Name())
		g.BlockFunc(func(b *Group) {
			prep, call := callExpr(d, Id("run").Dot("Context").Call(), func(err Code) *Statement { return Return(Nil(), err) })
			for _, c := range prep {
				b.Add(c)
			}
			if !d.Used {
				// Only its effects matter: nothing reads its outputs.
				b.If(List(Id("_"), Err()).Op(":=").Add(call), Err().Op("!=").Nil()).Block(Return(Nil(), Err()))
				return
			}
			b.Var().Err().Error()
			b.List(Id(d.Var), Err()).Op("=").Add(call)
			b.If(Err().Op("!=").Nil()).Block(Return(Nil(), Err()))
			markSecrets(b, d.Workflow.Outputs.Fields, func(f *ir.Field) *Statement { return Id(d.Var).Dot(f.GoName) })
		})
	}
	messageSetup(g, w)
	for _, st := range w.Steps {
		if !st.Unreachable {
			step(g, w, st, l)
		}
	}
	g.Line()
	if w.Finish {
		g.Id("finish").Op(":")
	}
	var fields []Code
	for i, fl := range w.Outputs.Fields {
		fields = append(fields, kv(fl.GoName, valueExpr(w.OutputValues[i])).Op(",").Add(srcComment(w.OutputValues[i])))
	}
	result := Nil()
	if endOnFailure {
		result = Id("endErr")
	}
	g.Return(Op("&").Id(w.Outputs.GoName).Add(Custom(Options{Open: "{", Close: "}", Multi: true}, fields...)), result)
	for _, st := range w.Steps {
		if len(st.OnFailure) > 0 && !st.Unreachable {
			failure(g, w, st)
		}
	}
}

// Labels of a step: where it starts, where it is tried again, and where its failure is
// handled.
func runLabel(st *ir.Step) string    { return "run" + strings.TrimPrefix(st.Var, "step") }
func retryLabel(st *ir.Step) string  { return "retry" + strings.TrimPrefix(st.Var, "step") }
func failedLabel(st *ir.Step) string { return "failed" + strings.TrimPrefix(st.Var, "step") }

// callExpr renders a call of another workflow with ctx. Arguments whose type differs from
// the callee's input are converted first by the statements in prep; a conversion error is
// rendered by onErr.
func callExpr(call *ir.Call, ctx Code, onErr func(err Code) *Statement) (prep []Code, expr *Statement) {
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
	return prep, Id("c").Dot(call.Workflow.GoName).Call(ctx, Id(call.Workflow.Inputs.GoName).Add(lines(fields)))
}

// convert renders v as a value of field f's type when that needs no error check, else nil.
func convert(v *ir.Value, f *ir.Field) *Statement {
	if len(v.Pointer) > 0 {
		return nil
	}
	switch {
	case v.Type == f.Type:
		return valueExpr(v)
	case v.Type.NonNull() != f.Type.NonNull():
		if v.IsLiteral() && v.Type.Scalar() && f.Type.Scalar() && (v.Type.Kind == f.Type.Kind || v.Type.Kind == types.Int64 && f.Type.Kind == types.Float64) {
			if f.Type.Pointer() {
				return Qual(runtimePkg, "Ptr").Call(goType(f.Type.NonNull()).Call(valueExpr(v)))
			}
			return valueExpr(v)
		}
		return nil
	case f.Type.Pointer() && !v.Type.Pointer():
		return Qual(runtimePkg, "Ptr").Call(valueExpr(v))
	case !f.Type.Pointer() && v.Type.Pointer():
		return Qual(runtimePkg, "Deref").Call(valueExpr(v))
	}
	return nil
}

func step(g *Group, w *ir.Workflow, st *ir.Step, l labels) {
	g.Line()
	timeout := ""
	if st.Timeout > 0 {
		timeout = fmt.Sprintf(", timeout %dms", st.Timeout)
	}
	if st.Call != nil {
		g.Commentf("Step %s: workflow %s%s.", st.ID, st.Call.Workflow.Name(), timeout)
	} else if st.Message != nil {
		g.Commentf("Step %s: %s%s.", st.ID, messageComment(st), timeout)
	} else {
		g.Commentf("Step %s: %s (%s %s)%s.", st.ID, st.OperationID, st.Method, st.Path, timeout)
	}
	start := Id("run").Dot("Step").Call(Lit(st.ID))
	if l.top {
		if l.run[st] {
			g.Id(runLabel(st)).Op(":")
		}
		g.Id("st").Op("=").Add(start)
		if l.retry[st] {
			g.Id(retryLabel(st)).Op(":")
		}
	}
	if st.Target {
		g.Id("runs").Op("++")
		g.If(Id("runs").Op(">").Id("c").Dot("maxRuns")).Block(
			Return(Nil(), Qual(runtimePkg, "TooManyRuns").Call(Id("workflow"), Lit(st.ID), Id("c").Dot("maxRuns"))),
		)
	}
	handled := len(st.OnFailure) > 0
	g.BlockFunc(func(b *Group) {
		if !l.top {
			b.Id("st").Op(":=").Add(start)
		}
		// fail hands an error (and the response, when there is one) to the failure actions,
		// or returns it when the step has none; the run's End then ends the step with it.
		fail := func(err Code, resp Code) *Statement {
			if !handled {
				return Return(Nil(), err)
			}
			if !readsFailResp(w) {
				return Id("failErr").Op("=").Add(err).Op(";").Goto().Id(failedLabel(st))
			}
			return List(Id("failErr"), Id("failResp")).Op("=").List(err, resp).Op(";").Goto().Id(failedLabel(st))
		}
		if st.Call != nil {
			ctx := Id("st").Dot("Context").Call()
			if st.Timeout > 0 {
				b.List(Id("callCtx"), Id("cancel")).Op(":=").Qual("context", "WithTimeout").Call(ctx, delay(float64(st.Timeout)/1000))
				ctx = Id("callCtx")
			}
			prep, call := callExpr(st.Call, ctx, func(err Code) *Statement { return fail(err, Nil()) })
			for _, c := range prep {
				b.Add(c)
			}
			if st.Call.Used {
				b.List(Id("out"), Err()).Op(":=").Add(call)
			} else {
				// Nothing reads the callee's outputs; err may exist from an argument conversion.
				if len(prep) == 0 {
					b.Var().Err().Error()
				}
				b.List(Id("_"), Err()).Op("=").Add(call)
			}
			if st.Timeout > 0 {
				b.Id("cancel").Call()
			}
			b.If(Err().Op("!=").Nil()).Block(fail(Err(), Nil()))
			for _, cr := range st.Criteria {
				b.If(Op("!").Parens(criterionExpr(cr))).Block(fail(Qual(runtimePkg, "Unmet").Call(Id("workflow"), Lit(st.ID), Lit(cr.Text)), Nil()))
			}
			for i, fl := range st.Outputs.Fields {
				v := st.OutputValues[i]
				b.Id(st.Var).Dot(fl.GoName).Op("=").Add(valueExpr(v)).Add(srcComment(v))
			}
		} else if st.Message != nil {
			message(b, st, fail)
		} else {
			send(b, st, fail)
		}
		markSecrets(b, st.Outputs.Fields, func(f *ir.Field) *Statement { return Id(st.Var).Dot(f.GoName) })
		b.Id("st").Dot("End").Call(Nil())
		listens(b, w, st)
		successActions(b, w, st)
	})
}

// send renders an operation call: the request, the success criteria and the outputs.
func send(b *Group, st *ir.Step, fail func(err, resp Code) *Statement) {
	// Criteria report through the response; outputs may be known without it ($request
	// values the step's own parameters decide).
	used := len(st.Criteria) > 0 || slices.ContainsFunc(st.OutputValues, valueUsesResponse) || usesResponse(st.OnSuccess)
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
		dst := Id(st.Var).Dot(fl.GoName)
		if v.Kind == ir.VResponseBody {
			args := []Code{Op("&").Add(dst)}
			for _, t := range v.Pointer {
				args = append(args, Lit(t))
			}
			b.Commentf("%s: %s", fl.JSONName, v.Src)
			b.If(Err().Op(":=").Id("resp").Dot("Decode").Call(args...), Err().Op("!=").Nil()).Block(fail(Err(), Id("resp")))
			continue
		}
		b.Add(dst).Op("=").Add(valueExpr(v)).Add(srcComment(v))
	}
}

// successActions renders the onSuccess list: the first action whose criteria hold runs.
func successActions(b *Group, w *ir.Workflow, st *ir.Step) {
	for _, rs := range w.Steps {
		for _, a := range rs.OnFailure {
			if a.Resume > 0 && a.Step == st {
				b.If(Id("resume").Op("==").Lit(a.Resume)).Block(
					Id("resume").Op("=").Lit(0),
					Goto().Id(runLabel(rs)),
				)
			}
		}
	}
	resetRetries(b, st)
	for _, a := range st.OnSuccess {
		b.Comment(fmt.Sprintf("onSuccess %s", a.Name))
		body := jump(a, st)
		if len(a.Criteria) == 0 {
			for _, c := range body {
				b.Add(c)
			}
			return
		}
		b.If(criteriaExpr(a.Criteria)).Block(body...)
	}
}

// resetRetries gives the step's retry actions their full budget again once it succeeds.
func resetRetries(b *Group, st *ir.Step) {
	for _, a := range st.OnFailure {
		if a.Kind == ir.Retry {
			b.Id("retries").Index(Lit(a.Slot)).Op("=").Lit(0)
		}
	}
}

// failure renders a step's failure handler: the first failure action whose criteria hold
// runs; when none does, the workflow fails with the step's error.
func failure(g *Group, w *ir.Workflow, st *ir.Step) {
	g.Line()
	g.Commentf("Failure actions of step %s.", st.ID)
	g.Id(failedLabel(st)).Op(":")
	g.BlockFunc(func(b *Group) {
		if usesResponse(ir.Tried(st.OnFailure)) {
			// The request itself may have failed, leaving no response; criteria that
			// read the response then do not hold.
			b.Id("resp").Op(":=").Id("failResp")
		}
		for _, a := range st.OnFailure {
			b.Comment(fmt.Sprintf("onFailure %s", a.Name))
			body := jump(a, st)
			cond := criteriaExpr(a.Criteria)
			if cond != nil && usesResponse([]*ir.Action{a}) {
				cond = Id("resp").Op("!=").Nil().Op("&&").Add(cond)
			}
			if a.Kind == ir.Retry {
				budget := Id("retries").Index(Lit(a.Slot)).Op("<").Lit(a.RetryLimit)
				if cond == nil {
					cond = budget
				} else {
					cond = budget.Op("&&").Add(cond)
				}
			}
			if cond == nil {
				for _, c := range body {
					b.Add(c)
				}
				return
			}
			b.If(cond).Block(body...)
		}
		b.Return(Nil(), Id("failErr"))
	})
}

// jump is what an action does once chosen. A failure action that leaves the step ends its
// Step with the failure first; a retry keeps the Step open, reporting the retry to the
// observer and waiting on the Step's context.
func jump(a *ir.Action, st *ir.Step) []Code {
	var out []Code
	failed := slices.Contains(st.OnFailure, a)
	endStep := Id("st").Dot("End").Call(Id("failErr"))
	switch a.Kind {
	case ir.End:
		if failed {
			// The run's End ends the step with endErr.
			out = append(out, Id("endErr").Op("=").Id("failErr"))
		}
		return append(out, Goto().Id("finish"))
	case ir.Retry:
		out = append(out,
			Id("retries").Index(Lit(a.Slot)).Op("++"),
			If(Err().Op(":=").Qual(runtimePkg, "Wait").Call(Id("st"), attempt(st), Id("failErr"), Id("failResp"), delay(a.RetryAfter)), Err().Op("!=").Nil()).Block(
				Return(Nil(), Err()),
			),
		)
	default:
		if failed {
			out = append(out, endStep)
		}
	}
	if a.Call != nil {
		ctx := Id("run").Dot("Context").Call()
		if a.Kind == ir.Retry {
			ctx = Id("st").Dot("Context").Call()
		}
		prep, call := callExpr(a.Call, ctx, func(err Code) *Statement { return Return(Nil(), err) })
		out = append(out, prep...)
		out = append(out, If(List(Id("_"), Err()).Op(":=").Add(call), Err().Op("!=").Nil()).Block(Return(Nil(), Err())))
		if a.Kind == ir.Goto {
			return append(out, Goto().Id("finish"))
		}
	}
	switch {
	case a.Kind == ir.Retry && a.Step != nil:
		out = append(out, endStep, Id("resume").Op("=").Lit(a.Resume), Goto().Id(runLabel(a.Step)))
	case a.Kind == ir.Retry:
		out = append(out, Goto().Id(retryLabel(st)))
	default:
		out = append(out, Goto().Id(runLabel(a.Step)))
	}
	return out
}

// attempt is the number of the attempt a retry of st starts: one more than the attempts so
// far, which its retry budgets count (they are reset when the step succeeds).
func attempt(st *ir.Step) *Statement {
	var s *Statement
	for _, a := range st.OnFailure {
		if a.Kind != ir.Retry {
			continue
		}
		r := Id("retries").Index(Lit(a.Slot))
		if s == nil {
			s = r
		} else {
			s = s.Op("+").Add(r)
		}
	}
	return s.Op("+").Lit(1)
}

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
	case ir.VStatus, ir.VResponseBody, ir.VResponseHeader, ir.VRequestHeader, ir.VRequestBody:
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

// delay renders a number of seconds as a time.Duration, to the millisecond.
func delay(seconds float64) *Statement {
	ms := int64(math.Round(seconds * 1000))
	if ms == 0 {
		return Lit(0)
	}
	return Lit(int(ms)).Op("*").Qual("time", "Millisecond")
}

// readsFailResp reports whether a failure handler of the workflow reads the failed step's
// response: to test a criterion or to honour Retry-After.
func readsFailResp(w *ir.Workflow) bool {
	for _, st := range w.Steps {
		if st.Unreachable {
			continue
		}
		actions := ir.Tried(st.OnFailure)
		if usesResponse(actions) || slices.ContainsFunc(actions, func(a *ir.Action) bool { return a.Kind == ir.Retry }) {
			return true
		}
	}
	return false
}
