package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/arazzogen/arazzogen/runtime/jsonpath"
	"github.com/arazzogen/arazzogen/runtime/xpath"
)

// The Step methods below are what generated code (APIVersion4) calls to evaluate JSONPath
// and XPath on the data of a run: success criteria, action criteria and Selector Objects.
// Each evaluation is bounded by the step's context (a cancelled or timed-out run or step
// stops it)
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
//
// A nil Step (a step judged outside a run: a called workflow's outputs checked by a durable
// engine's workflow code) evaluates within the budget only, and has no run to fail.

// MatchJSONPath reports whether the query selects at least one node of the context (JSON
// text, or a value encoding/json can marshal), as the package-level MatchJSONPath does,
// within the step's context and budget.
func (s *Step) MatchJSONPath(p *jsonpath.Path, v any) bool {
	doc, ok := jsonText(v)
	if !ok {
		return false
	}
	found, err := p.MatchJSONContext(s.context(), doc)
	s.evaluated(err, "jsonpath", p.String())
	return err == nil && found
}

// MatchJSONPathText parses a query built at run time and matches it.
func (s *Step) MatchJSONPathText(query string, v any) bool {
	p, err := jsonpath.Parse(query)
	return err == nil && s.MatchJSONPath(p, v)
}

// MatchXPath reports whether the XPath expression, applied to the context as an XML
// document, is true by XPath's boolean() rules, within the step's context and budget.
func (s *Step) MatchXPath(x *xpath.Expr, v any) bool {
	doc, ok := xmlText(v)
	if !ok {
		return false
	}
	found, err := x.MatchContext(s.context(), doc)
	s.evaluated(err, "xpath", x.String())
	return err == nil && found
}

// MatchXPathText compiles an expression built at run time and matches it.
func (s *Step) MatchXPathText(expr string, v any) bool {
	x, err := xpath.Compile(expr)
	return err == nil && s.MatchXPath(x, v)
}

// SelectJSONPath evaluates a Selector Object of type jsonpath as the package-level
// SelectJSONPath does, within the step's context and budget.
func (s *Step) SelectJSONPath(p *jsonpath.Path, v any) json.RawMessage {
	doc, ok := jsonText(v)
	if !ok {
		return nil
	}
	nodes, err := p.SelectJSONContext(s.context(), doc)
	s.evaluated(err, "jsonpath", p.String())
	return selectedJSON(p, nodes, err)
}

// SelectXPath evaluates a Selector Object of type xpath as the package-level SelectXPath
// does, within the step's context and budget.
func (s *Step) SelectXPath(x *xpath.Expr, v any) xpath.Value {
	doc, ok := xmlText(v)
	if !ok {
		return xpath.Value{}
	}
	val, err := x.EvaluateContext(s.context(), doc)
	s.evaluated(err, "xpath", x.String())
	if err != nil {
		return xpath.Value{}
	}
	return val
}

// context is the context evaluations of the step run within.
func (s *Step) context() context.Context {
	if s == nil {
		return context.Background()
	}
	return s.ctx
}

// evaluated records an evaluation that the budget or the step's context stopped; the first
// such error fails the run.
func (s *Step) evaluated(err error, lang, query string) {
	if s == nil || err == nil || !errors.Is(err, jsonpath.ErrBudget) && !errors.Is(err, xpath.ErrBudget) && s.ctx.Err() == nil {
		return
	}
	r := s.run
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.evalErr != nil {
		return
	}
	reason := fmt.Sprintf("evaluating %s %s stopped", lang, query)
	if errors.Is(err, context.DeadlineExceeded) {
		reason = fmt.Sprintf("evaluating %s %s timed out", lang, query)
	}
	r.evalErr = (&Request{Workflow: r.workflow, Step: s.name, secrets: r.secrets}).fail(0, reason, err)
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
