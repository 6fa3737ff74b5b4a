package ir

import (
	"fmt"
	"slices"

	"github.com/arazzogen/arazzogen/generator/internal/diag"
	"github.com/arazzogen/arazzogen/generator/internal/expr"
	"github.com/arazzogen/arazzogen/generator/internal/types"
)

// This file resolves the expression roots that name the step's call rather than a value of
// the workflow ($method, $url), another workflow's inputs, a source description's fields,
// and the roots that have no value in a workflow at all ($components, $message): each
// is either a value or a positioned error that says why it has none where it is used.

// methodRef is $method: the HTTP method of the current operation step, known when the
// code is generated. A step that runs a workflow has none, nor has a workflow outside its
// steps.
func (b *builder) methodRef(sc *scope, e expr.Expr, pos diag.Pos) *Value {
	if !b.inOperationStep(sc, e, pos) {
		return nil
	}
	v := stringLiteral(sc.current.Method)
	v.Src = e.Raw
	return v
}

// urlRef is $url: the URL the current operation step's request was sent to, read from
// the request as sent (it is built at run time), so only where $response can be used.
func (b *builder) urlRef(sc *scope, e expr.Expr, pos diag.Pos) *Value {
	if !b.inOperationStep(sc, e, pos) {
		return nil
	}
	if !sc.hasResp {
		b.errorf(pos, "no-request", "%s is the URL the step's request was sent to, which is not built yet while the request is", e.Raw).
			WithHint("use it in the step's successCriteria, outputs or actions")
		return nil
	}
	b.prog.ReadsSentRequest = true
	b.prog.ReadsRequestURL = true
	return &Value{Kind: VRequestURL, Type: types.Type{Kind: types.String}, Src: e.Raw}
}

// inOperationStep reports whether the expression is inside an operation step, and says why
// not otherwise.
func (b *builder) inOperationStep(sc *scope, e expr.Expr, pos diag.Pos) bool {
	switch {
	case sc.current == nil:
		b.errorf(pos, "no-request", "%s has no value outside a step: it is the %s of a step's HTTP request", e.Raw, what(e))
		return false
	case sc.current.Method == "":
		// Only an operation step has a method, set before anything in it is compiled.
		b.errorf(pos, "no-request", "%s has no value in step %q: the step runs a workflow and sends no HTTP request of its own", e.Raw, sc.current.ID)
		return false
	}
	return true
}

func what(e expr.Expr) string {
	if e.Kind == expr.Method {
		return "method"
	}
	return "URL"
}

// workflowInput is $workflows.<id>.inputs.<name>: an input of this workflow, or of a
// workflow in its dependsOn, which ran with the inputs the caller gave it. Any other
// workflow has not run at this point, so its inputs have no value.
func (b *builder) workflowInput(sc *scope, e *expr.Expr, pos diag.Pos) *Value {
	if e.Name == sc.wf.ID && sc.wf.home == b.doc {
		in := expr.Expr{Kind: expr.Inputs, Name: e.Field, Pointer: e.Pointer, HasPointer: e.HasPointer, Raw: e.Raw}
		v := b.resolve(sc, &in, pos)
		e.Field, e.Pointer, e.HasPointer = in.Name, in.Pointer, in.HasPointer
		e.Habits |= in.Habits &^ expr.WholeInputs
		return v
	}
	for _, d := range sc.wf.DependsOn {
		if d.Workflow.ID != e.Name || d.Workflow.home != b.doc {
			continue
		}
		owner := fmt.Sprintf("workflow %q", d.Workflow.ID)
		f := lookupField(d.Workflow.Inputs.Fields, e.Field, e)
		if f == nil {
			var ok bool
			if f, ok = b.unknownName(pos, d.Workflow.Inputs.Fields, e.Field, owner, "input"); !ok {
				return nil
			}
		}
		if f == nil {
			b.diags.Warnf(pos, "undefined-input", "%s has no input %q; %s has no value when the workflow runs (null)", owner, e.Field, e.Raw).
				WithHint("declare %q in the inputs of %s", e.Field, owner)
			return absent(e.Raw)
		}
		e.Field = f.JSONName
		i := slices.Index(d.Workflow.Inputs.Fields, f)
		arg := d.Args[i]
		if arg == nil {
			// dependsOn passes the caller's inputs of the same names; this one had none.
			return absent(e.Raw)
		}
		c := *arg
		c.Src = e.Raw
		return drill(&c, *e, b, pos)
	}
	if b.doc.workflows[e.Name] == nil {
		d := b.errorf(pos, "unknown-workflow", "%s reads workflow %q, which the document does not have", e.Raw, e.Name)
		b.hintWorkflow(d, e.Name)
		return nil
	}
	b.errorf(pos, "no-value", "%s reads the inputs of workflow %q, which has not run when workflow %q reads them: only this workflow's inputs and those of the workflows in its dependsOn have values", e.Raw, e.Name, sc.wf.ID).
		WithHint("add %q to the dependsOn of workflow %q (it then runs first, with this workflow's inputs of the same names)", e.Name, sc.wf.ID)
	return nil
}

// sourceRef is $sourceDescriptions.<name>.<field> used as a value: a field of the Source
// Description Object (url, type, name), known when the code is generated. An operationId
// or workflowId there names something to call, which has no value.
func (b *builder) sourceRef(e expr.Expr, pos diag.Pos) *Value {
	sd := b.sourceDesc(e.Name)
	if sd == nil {
		d := b.errorf(pos, "unknown-source", "%s names source %q, which is not in sourceDescriptions", e.Raw, e.Name)
		var names []string
		for _, s := range b.in.Doc.SourceDescriptions {
			names = append(names, s.Name.Value)
		}
		hintNames(d, e.Name, names, "sources")
		return nil
	}
	// An operationId or workflowId of that name wins over the field (features §13.6).
	if oa := b.in.OpenAPI[e.Name]; oa != nil && oa.Operation(e.Field) != nil {
		b.errorf(pos, "no-value", "%s names operation %q of source %q, which is called, not read: it has no value here", e.Raw, e.Field, e.Name).
			WithHint("use it as a step's operationId")
		return nil
	}
	if l := b.in.Arazzo[e.Name]; l != nil {
		for _, w := range l.Doc.Workflows {
			if w.ID.Value == e.Field {
				b.errorf(pos, "no-value", "%s names workflow %q of source %q, which is run, not read: it has no value here", e.Raw, e.Field, e.Name).
					WithHint("use it as a step's workflowId, and read its outputs with $outputs.<name> in that step")
				return nil
			}
		}
	}
	var text string
	switch e.Field {
	case "name":
		text = sd.Name.Value
	case "url":
		text = sd.URL.Value
	case "type":
		text = sd.Type.Value
		if text == "" {
			b.diags.Warnf(pos, "no-value", "source %q has no type field; %s is empty", e.Name, e.Raw)
		}
	default:
		b.errorf(pos, "no-value", "%s: source %q has no operation, workflow or field %q (a source description's fields are name, url and type)", e.Raw, e.Name, e.Field)
		return nil
	}
	v := stringLiteral(text)
	v.Src = e.Raw
	return v
}

// noValueRoot reports the roots that name no value a workflow can use.
func (b *builder) noValueRoot(e expr.Expr, pos diag.Pos) {
	switch e.Kind {
	case expr.Components:
		b.errorf(pos, "no-value", "%s names a reusable component, which has no value: $components expressions are the reference of a Reusable Object", e.Raw).
			WithHint("write {reference: %s} in the parameters or actions list instead of using it as a value", e.Raw)
	case expr.MessageHeader, expr.MessagePayload:
		b.errorf(pos, "no-value", "%s reads the message of an AsyncAPI step; there is none here: an HTTP step has a request and a response", e.Raw).
			WithHint("read the response with $response.header.<name> or $response.body")
	default:
		b.errorf(pos, "unsupported", "runtime expression %s has no value here", e.Raw)
	}
}
