package ir

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/diag"
	"github.com/arazzogen/arazzogen/generator/internal/expr"
	"github.com/arazzogen/arazzogen/generator/internal/load"
)

// pendingTarget is a goto or retry stepId, resolved once every step is compiled.
type pendingTarget struct {
	action *Action
	step   *Step // the step whose action this is
	id     load.Str
}

// stepActions compiles a step's actions in the order they are tried: the step's own
// (Reusable Objects expanded) first, then the workflow-level ones whose names the step does
// not use (features AMB-F1: a keyed merge, step entries first).
func (b *builder) stepActions(sc *scope, st *Step, own, shared []*load.Action, failure bool, pending *[]pendingTarget) []*Action {
	var out []*Action
	names := map[string]bool{}
	for level, list := range [][]*load.Action{own, shared} {
		for _, la := range list {
			la = b.expandAction(la, failure)
			if la == nil {
				continue
			}
			if names[la.Name.Value] {
				if level == 0 {
					b.diags.Warnf(la.Name.Pos, "duplicate", "step %q has two actions named %q; only the first can be told apart", st.ID, la.Name.Value)
				} else {
					continue // overridden by the step's action of the same name
				}
			}
			names[la.Name.Value] = true
			if a := b.action(sc, st, la, failure, pending); a != nil {
				out = append(out, a)
			}
		}
	}
	return out
}

// expandAction resolves a Reusable Object ($components.successActions.x) to its action.
func (b *builder) expandAction(a *load.Action, failure bool) *load.Action {
	if !a.Reference.Set() {
		return a
	}
	kind, m := "successActions", b.in.Doc.Components.SuccessActions
	if failure {
		kind, m = "failureActions", b.in.Doc.Components.FailureActions
	}
	e, err := expr.Parse(a.Reference.Value)
	if err != nil || e.Kind != expr.Components {
		b.errorf(a.Reference.Pos, "reference", "reference %q is not a $components.%s.<name> expression", a.Reference.Value, kind)
		return nil
	}
	if e.Name != kind {
		b.errorf(a.Reference.Pos, "reference", "an %s list can only reference $components.%s, not $components.%s", map[bool]string{false: "onSuccess", true: "onFailure"}[failure], kind, e.Name)
		return nil
	}
	target := m[e.Field]
	if target == nil {
		d := b.errorf(a.Reference.Pos, "unknown-component", "components.%s has no %q", kind, e.Field)
		hintNames(d, e.Field, sortedKeys(m), kind)
		return nil
	}
	return target
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (b *builder) action(sc *scope, st *Step, la *load.Action, failure bool, pending *[]pendingTarget) *Action {
	a := &Action{Name: la.Name.Value}
	switch la.Type.Value {
	case "end":
		a.Kind = End
	case "goto":
		a.Kind = Goto
	case "retry":
		if !failure {
			b.errorf(la.Type.Pos, "bad-value", "a success action cannot retry; retry is a failure action")
			return nil
		}
		a.Kind = Retry
	default:
		want := "end or goto"
		if failure {
			want = "end, goto or retry"
		}
		b.errorf(la.Type.Pos, "bad-value", "action type %q is not one of %s", la.Type.Value, want)
		return nil
	}
	if la.StepID.Set() && la.WorkflowID.Set() {
		b.errorf(la.StepID.Pos, "bad-value", "action %q names both a stepId and a workflowId; give one", a.Name)
		return nil
	}
	if a.Kind == End && (la.StepID.Set() || la.WorkflowID.Set()) {
		at := la.StepID
		if !at.Set() {
			at = la.WorkflowID
		}
		b.diags.Warnf(at.Pos, "ignored-field", "an end action ignores its target")
	}
	if a.Kind == Goto && !la.StepID.Set() && !la.WorkflowID.Set() {
		b.errorf(la.Pos, "missing-field", "goto action %q needs a stepId or a workflowId", a.Name)
		return nil
	}
	if a.Kind == Retry {
		a.RetryLimit = 1 // absent means a single retry
		if la.RetryLimit.Set() {
			n, err := strconv.Atoi(la.RetryLimit.Value)
			if err != nil || n < 0 {
				b.errorf(la.RetryLimit.Pos, "bad-value", "retryLimit %q is not a non-negative integer", la.RetryLimit.Value)
				return nil
			}
			a.RetryLimit = n
		}
		if la.RetryAfter.Set() {
			f, err := strconv.ParseFloat(la.RetryAfter.Value, 64)
			if err != nil || f < 0 || f > 24*3600 {
				b.errorf(la.RetryAfter.Pos, "bad-value", "retryAfter %q is not a number of seconds between 0 and 86400", la.RetryAfter.Value)
				return nil
			}
			a.RetryAfter = f
		}
	} else if la.RetryAfter.Set() || la.RetryLimit.Set() {
		at := la.RetryAfter
		if !at.Set() {
			at = la.RetryLimit
		}
		b.diags.Warnf(at.Pos, "ignored-field", "retryAfter and retryLimit only apply to retry actions")
	}
	for _, c := range la.Criteria {
		if cr := b.criterion(sc, c); cr != nil {
			a.Criteria = append(a.Criteria, cr)
		} else {
			return nil
		}
	}
	if la.WorkflowID.Set() && a.Kind != End {
		// Without parameters (always so in 1.0) the callee gets the caller's inputs of the
		// same names.
		a.Call = b.call(sc, la.WorkflowID, la.Parameters, nil)
		if a.Call == nil {
			return nil
		}
	} else if len(la.Parameters) > 0 {
		b.errorf(la.Parameters[0].Pos, "bad-value", "action parameters are passed to a workflow; action %q names none", a.Name)
	}
	if la.StepID.Set() && a.Kind != End {
		*pending = append(*pending, pendingTarget{action: a, step: st, id: la.StepID})
	}
	return a
}

// call compiles a call of another workflow, of this document or, written
// $sourceDescriptions.<name>.<workflowId>, of the Arazzo document an arazzo source names
// (external.go): a workflowId step, a goto or retry action, or a dependsOn entry. params
// map to the callee's inputs by name; when nil, the callee receives the caller's inputs of
// the same names. shared are the calling workflow's parameters (for a workflowId step),
// which fill the callee's inputs of the same names that params leave unset.
func (b *builder) call(sc *scope, id load.Str, params, shared []*load.Parameter) *Call {
	ref := id.Value
	target, lw := b.doc, b.doc.workflows[ref]
	if strings.HasPrefix(ref, "$") {
		e, err := expr.Parse(ref)
		if err != nil || e.Kind != expr.SourceDescriptions {
			b.errorf(id.Pos, "expression", "workflowId %q is neither a workflowId of this document nor $sourceDescriptions.<name>.<workflowId>", ref)
			return nil
		}
		if target, lw = b.externalWorkflow(id, e); lw == nil {
			return nil
		}
	} else if lw == nil {
		d := b.errorf(id.Pos, "unknown-workflow", "the document has no workflow %q", ref)
		b.hintWorkflow(d, ref)
		return nil
	}
	if b.building[lw] {
		b.errorf(id.Pos, "cycle", "workflow %q calls workflow %q, which is still running at that point: the calls would never finish", sc.wf.ID, ref)
		return nil
	}
	callee := b.ensure(target, lw)
	if callee == nil {
		return nil // its errors are reported
	}
	call := &Call{Workflow: callee, Args: make([]*Value, len(callee.Inputs.Fields))}
	explicit := b.sharedArgs(sc, call, params, shared)
	if params == nil {
		for i, f := range callee.Inputs.Fields {
			for _, mine := range sc.wf.Inputs.Fields {
				if mine.JSONName == f.JSONName && !explicit[f.JSONName] {
					call.Args[i] = &Value{Kind: VInput, Field: mine, Type: mine.Type, Src: "$inputs." + mine.JSONName}
				}
			}
			if call.Args[i] == nil && f.Required {
				b.diags.Warnf(id.Pos, "missing-input", "workflow %q requires input %q, which workflow %q does not have; it is passed empty", callee.ID, f.JSONName, sc.wf.ID)
			}
		}
		return call
	}
	for _, p := range params {
		if p.Reference.Set() {
			p = b.expandParameter(p)
			if p == nil {
				continue
			}
		}
		if p.In.Set() {
			b.diags.Warnf(p.In.Pos, "ignored-field", "parameters of a workflow call map to its inputs; 'in' is ignored")
		}
		i := slices.IndexFunc(callee.Inputs.Fields, func(f *Field) bool { return f.JSONName == p.Name.Value })
		if i < 0 {
			f, ok := b.unknownName(p.Name.Pos, declared(callee.Inputs.Fields), p.Name.Value, fmt.Sprintf("workflow %q", callee.ID), "input")
			if f != nil {
				i = slices.Index(callee.Inputs.Fields, f)
			} else {
				if ok {
					// The callee is compiled and reads no input of that name (reading one
					// declares it, see resolve): an interpreter would pass the value for
					// nothing to use.
					b.diags.Warnf(p.Name.Pos, "unknown-input", "workflow %q has no input %q and never reads one; the parameter is ignored", callee.ID, p.Name.Value).
						WithHint("remove the parameter, or declare %q in the inputs of workflow %q", p.Name.Value, callee.ID)
				}
				b.value(sc, p.Value, p.Value.Value, load.PosOf(b.file, p.Value)) // still checked
				continue
			}
		}
		v := b.value(sc, p.Value, p.Value.Value, load.PosOf(b.file, p.Value))
		if v == nil {
			continue
		}
		call.Args[i] = v
	}
	for i, f := range callee.Inputs.Fields {
		if f.Required && call.Args[i] == nil {
			b.errorf(id.Pos, "missing-parameter", "workflow %q requires input %q; pass it as a parameter", callee.ID, f.JSONName)
		}
	}
	return call
}

// sharedArgs sets the callee's inputs that the calling workflow's parameters (shared) name
// and the step's own parameters do not (features AMB-P2: workflow parameters apply to
// every step, and a workflowId step's parameters are the callee's inputs). A workflow
// parameter that names no input of the callee is for the operation steps; the callee reads
// nothing of that name, so it is not passed. It returns the names that shared set.
func (b *builder) sharedArgs(sc *scope, call *Call, params, shared []*load.Parameter) map[string]bool {
	set := map[string]bool{}
	if len(shared) == 0 {
		return set
	}
	own := map[string]bool{}
	for _, p := range params {
		if p.Reference.Set() {
			if e, err := expr.Parse(p.Reference.Value); err == nil {
				if c := b.in.Doc.Components.Parameters[e.Field]; c != nil {
					own[c.Name.Value] = true
				}
			}
			continue
		}
		own[p.Name.Value] = true
	}
	for _, p := range shared {
		if own[p.Name.Value] || p.Value == nil {
			continue
		}
		v := b.value(sc, p.Value, p.Value.Value, load.PosOf(b.file, p.Value))
		i := slices.IndexFunc(call.Workflow.Inputs.Fields, func(f *Field) bool { return f.JSONName == p.Name.Value })
		if v == nil || i < 0 {
			continue
		}
		call.Args[i] = v
		set[p.Name.Value] = true
	}
	return set
}

// expandParameter resolves a Reusable Object ($components.parameters.x), applying its value
// override.
func (b *builder) expandParameter(p *load.Parameter) *load.Parameter {
	e, err := expr.Parse(p.Reference.Value)
	if err != nil || e.Kind != expr.Components || e.Name != "parameters" {
		b.errorf(p.Reference.Pos, "reference", "parameter reference %q is not a $components.parameters.<name> expression", p.Reference.Value)
		return nil
	}
	target := b.in.Doc.Components.Parameters[e.Field]
	if target == nil {
		d := b.errorf(p.Reference.Pos, "unknown-component", "components.parameters has no %q", e.Field)
		hintNames(d, e.Field, sortedKeys(b.in.Doc.Components.Parameters), "parameters")
		return nil
	}
	out := *target
	if p.Value != nil {
		out.Value = p.Value
	}
	return &out
}

// workflowStep compiles a step that runs another workflow of the document.
func (b *builder) workflowStep(sc *scope, st *Step, s *load.Step) *Step {
	if s.RequestBody != nil {
		b.diags.Warnf(s.RequestBody.Pos, "ignored-field", "a workflow step sends no request; its requestBody is ignored")
	}
	sc.current, sc.hasResp, sc.response = st, false, nil
	st.Call = b.call(sc, s.WorkflowID, s.Parameters, sc.params)
	if st.Call == nil {
		return nil
	}
	sc.callee = st.Call
	defer func() { sc.callee = nil }()
	for _, c := range s.SuccessCriteria {
		if cr := b.criterion(sc, c); cr != nil {
			st.Criteria = append(st.Criteria, cr)
		}
	}
	st.OutputValues = b.outputs(sc, s.Outputs, st.Outputs)
	b.actionsOf(sc, st, s)
	return st
}

// actionsOf compiles a step's onSuccess and onFailure lists (merged with the workflow's)
// and its timeout.
func (b *builder) actionsOf(sc *scope, st *Step, s *load.Step) {
	st.OnSuccess = b.stepActions(sc, st, s.OnSuccess, sc.doc.SuccessActions, false, &sc.pending)
	sc.failing = true
	st.OnFailure = b.stepActions(sc, st, s.OnFailure, sc.doc.FailureActions, true, &sc.pending)
	sc.failing = false
	if s.Timeout.Set() {
		ms, err := strconv.ParseInt(s.Timeout.Value, 10, 64)
		if err != nil || ms <= 0 {
			b.errorf(s.Timeout.Pos, "bad-value", "timeout %q is not a positive number of milliseconds", s.Timeout.Value)
		} else {
			st.Timeout = ms
		}
	}
	for _, d := range s.DependsOn {
		// Steps run in dependency order (stepOrder), so a dependency of this workflow has
		// run by now unless it failed to compile or is part of a cycle (both reported);
		// a step of another workflow cannot be waited for by a sequential run.
		switch {
		case strings.HasPrefix(d.Value, "$"):
			b.errorf(d.Pos, "unsupported", "step dependencies on other workflows (%s) are not supported yet", d.Value)
		case d.Value == st.ID:
			b.errorf(d.Pos, "cycle", "step %q depends on itself", st.ID)
		case sc.steps[d.Value] != nil:
			st.DependsOn = append(st.DependsOn, sc.steps[d.Value])
		case sc.failed[d.Value], sc.cyclic[s]:
		case slices.ContainsFunc(sc.doc.Steps, func(x *load.Step) bool { return x.ID.Value == d.Value }):
			// A dependency in a cycle with other steps, placed after this one.
		default:
			var ids []string
			for _, x := range sc.doc.Steps {
				ids = append(ids, x.ID.Value)
			}
			e := b.errorf(d.Pos, "unknown-step", "step %q depends on step %q, which this workflow does not have", st.ID, d.Value)
			hintNames(e, d.Value, ids, "steps")
		}
	}
}

// flow resolves goto and retry targets, numbers retry budgets, and finds steps no path
// reaches.
func (b *builder) flow(sc *scope, w *load.Workflow, steps []*load.Step) {
	wf := sc.wf
	for _, p := range sc.pending {
		t := sc.steps[p.id.Value]
		if t == nil && sc.failed[p.id.Value] {
			continue // the step's own errors are reported
		}
		if t == nil {
			var ids []string
			for _, s := range w.Steps {
				ids = append(ids, s.ID.Value)
			}
			d := b.errorf(p.id.Pos, "unknown-step", "workflow %q has no step %q", wf.ID, p.id.Value)
			hintNames(d, p.id.Value, ids, "steps")
			continue
		}
		p.action.Step = t
		t.Target = true
	}
	resume := 0
	for _, st := range wf.Steps {
		for _, a := range slices.Concat(st.OnSuccess, st.OnFailure) {
			switch {
			case a.Kind == Retry:
				a.Slot = wf.RetrySlots
				wf.RetrySlots++
				st.Target = true
				if a.Step != nil {
					resume++
					a.Resume = resume
				}
			case a.Kind == End || a.Call != nil:
				wf.Finish = true
			}
			if a.Step != nil || a.Kind == Retry {
				wf.Loops = true
			}
		}
	}
	// Reachability: a step runs when it follows a step whose success path can fall through,
	// or when an action jumps to it.
	reached := make([]bool, len(wf.Steps))
	index := map[*Step]int{}
	for i, st := range wf.Steps {
		index[st] = i
	}
	var visit func(i int)
	visit = func(i int) {
		if i >= len(wf.Steps) || reached[i] {
			return
		}
		reached[i] = true
		st := wf.Steps[i]
		for _, a := range slices.Concat(Tried(st.OnSuccess), Tried(st.OnFailure)) {
			if a.Step != nil {
				visit(index[a.Step])
			}
		}
		if !unconditional(st.OnSuccess) {
			visit(i + 1)
		}
	}
	visit(0)
	for i, st := range wf.Steps {
		if !reached[i] {
			st.Unreachable = true
			b.diags.Warnf(steps[i].ID.Pos, "unreachable", "step %q can never run: no step falls through to it and no action jumps to it", st.ID)
		}
	}
}

// Tried returns the actions up to the first one that always applies (no criteria, and not a
// retry, whose budget can run out): those after it can never be chosen.
func Tried(actions []*Action) []*Action {
	for i, a := range actions {
		if len(a.Criteria) == 0 && a.Kind != Retry {
			return actions[:i+1]
		}
	}
	return actions
}

// unconditional reports whether the list ends in an action that always applies, so the
// step never falls through to the next one.
func unconditional(actions []*Action) bool {
	for _, a := range actions {
		if len(a.Criteria) == 0 {
			return true
		}
	}
	return false
}

// callOutput resolves $outputs.<name> inside a workflowId step to the callee's output.
func (b *builder) callOutput(sc *scope, call *Call, e *expr.Expr, name *string, pos diag.Pos) *Value {
	if f := lookupField(call.Workflow.Outputs.Fields, *name, e); f != nil {
		*name = f.JSONName
		call.Used = true
		return drill(&Value{Kind: VCallOutput, Call: call, Field: f, Type: f.Type, Src: e.Raw}, *e, b, pos)
	}
	if e.Habits&expr.OmittedWorkflowField != 0 {
		d := b.errorf(pos, "unknown-output", "%s is not a workflow output reference: the grammar wants $workflows.%s.outputs.<name>, and workflow %q has no output %q", e.Raw, e.Name, call.Workflow.ID, *name)
		hintNames(d, *name, jsonNames(call.Workflow.Outputs.Fields), "outputs")
		return nil
	}
	owner := fmt.Sprintf("workflow %q", call.Workflow.ID)
	f, ok := b.unknownName(pos, call.Workflow.Outputs.Fields, *name, owner, "output")
	if !ok {
		return nil
	}
	if f != nil {
		*name = f.JSONName
		call.Used = true
		return drill(&Value{Kind: VCallOutput, Call: call, Field: f, Type: f.Type, Src: e.Raw}, *e, b, pos)
	}
	return b.absentOutput(pos, e, owner, *name, call.Workflow.Outputs.Fields)
}
