package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/arazzogen/arazzogen/runtime/jsonpath"
	"github.com/arazzogen/arazzogen/runtime/xpath"
)

// The Run methods below are what generated code (APIVersion4) calls to evaluate JSONPath
// and XPath on the data of a run: success criteria, action criteria and Selector Objects.
// Each evaluation is bounded by the run's context (a cancelled or timed-out run stops it)
// and by a budget of work (jsonpath.DefaultBudget and xpath.DefaultBudget, more for larger
// documents), so that a response built to make a query slow (a deeply nested document
// under nested descendant segments) cannot hold the run or exhaust its memory.
//
// An evaluation the budget or the context stops yields what an evaluation error does in
// Arazzo (a criterion that does not hold, a selector that yields nothing) and fails the
// run: the error is the reason of the success criterion that did not hold when that is
// what the step reports, and otherwise the step's next request, or the run's end, returns
// it. A context that is not JSON or XML is an ordinary evaluation error: the criterion
// does not hold and the run goes on.

// MatchJSONPath reports whether the query selects at least one node of the context (JSON
// text, or a value encoding/json can marshal), as the package-level MatchJSONPath does,
// within the run's context and budget.
func (r *Run) MatchJSONPath(p *jsonpath.Path, v any) bool {
	doc, ok := jsonText(v)
	if !ok {
		return false
	}
	found, err := p.MatchJSONContext(r.ctx, doc)
	r.evaluated(err, "jsonpath", p.String())
	return err == nil && found
}

// MatchJSONPathText parses a query built at run time and matches it.
func (r *Run) MatchJSONPathText(query string, v any) bool {
	p, err := jsonpath.Parse(query)
	return err == nil && r.MatchJSONPath(p, v)
}

// MatchXPath reports whether the XPath expression, applied to the context as an XML
// document, is true by XPath's boolean() rules, within the run's context and budget.
func (r *Run) MatchXPath(x *xpath.Expr, v any) bool {
	doc, ok := xmlText(v)
	if !ok {
		return false
	}
	found, err := x.MatchContext(r.ctx, doc)
	r.evaluated(err, "xpath", x.String())
	return err == nil && found
}

// MatchXPathText compiles an expression built at run time and matches it.
func (r *Run) MatchXPathText(expr string, v any) bool {
	x, err := xpath.Compile(expr)
	return err == nil && r.MatchXPath(x, v)
}

// SelectJSONPath evaluates a Selector Object of type jsonpath as the package-level
// SelectJSONPath does, within the run's context and budget.
func (r *Run) SelectJSONPath(p *jsonpath.Path, v any) json.RawMessage {
	doc, ok := jsonText(v)
	if !ok {
		return nil
	}
	nodes, err := p.SelectJSONContext(r.ctx, doc)
	r.evaluated(err, "jsonpath", p.String())
	return selectedJSON(p, nodes, err)
}

// SelectXPath evaluates a Selector Object of type xpath as the package-level SelectXPath
// does, within the run's context and budget.
func (r *Run) SelectXPath(x *xpath.Expr, v any) xpath.Value {
	doc, ok := xmlText(v)
	if !ok {
		return xpath.Value{}
	}
	val, err := x.EvaluateContext(r.ctx, doc)
	r.evaluated(err, "xpath", x.String())
	if err != nil {
		return xpath.Value{}
	}
	return val
}

// evaluated records an evaluation that the budget or the run's context stopped; the first
// such error fails the run.
func (r *Run) evaluated(err error, lang, query string) {
	if err == nil || !errors.Is(err, jsonpath.ErrBudget) && !errors.Is(err, xpath.ErrBudget) && r.ctx.Err() == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.evalErr != nil {
		return
	}
	step := ""
	if n := len(r.open); n > 0 {
		step = r.open[n-1].name
	}
	reason := fmt.Sprintf("evaluating %s %s stopped", lang, query)
	if errors.Is(err, context.DeadlineExceeded) {
		reason = fmt.Sprintf("evaluating %s %s timed out", lang, query)
	}
	r.evalErr = (&Request{Workflow: r.workflow, Step: step, secrets: r.secrets}).fail(0, reason, err)
}

// evalError takes the recorded evaluation error, if any.
func (r *Run) evalError() *StepError {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.evalErr
	r.evalErr = nil
	return e
}
