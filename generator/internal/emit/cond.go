package emit

import (
	"slices"

	"github.com/arazzogen/arazzogen/generator/internal/ir"
	. "github.com/dave/jennifer/jen"
)

const (
	regexPkg    = "github.com/arazzogen/arazzogen/runtime/ecmaregex"
	jsonPathPkg = "github.com/arazzogen/arazzogen/runtime/jsonpath"
	xpathPkg    = "github.com/arazzogen/arazzogen/runtime/xpath"
)

// patternVars declares the compiled regex, JSONPath and XPath patterns. They were compiled
// when the code was generated, so MustCompile cannot panic here.
func patternVars(f *File, p *ir.Program) {
	if len(p.Patterns) == 0 {
		return
	}
	f.Add(note("Patterns of the success criteria, compiled once."))
	f.Var().DefsFunc(func(g *Group) {
		for _, cr := range p.Patterns {
			compiledVar(g, cr.Kind, cr.Var, cr.Pattern)
		}
	})
	f.Line()
}

// compiledVar declares name as the pattern text compiled by the runtime package of its
// language; the generator compiled it with the same package, so the Must form cannot panic.
func compiledVar(g *Group, kind ir.CriterionKind, name, text string) {
	switch kind {
	case ir.Regex:
		g.Id(name).Op("=").Qual(regexPkg, "MustCompile").Call(Lit(text))
	case ir.JSONPath:
		g.Id(name).Op("=").Qual(jsonPathPkg, "MustParse").Call(Lit(text))
	case ir.XPath:
		g.Id(name).Op("=").Qual(xpathPkg, "MustCompile").Call(Lit(text))
	}
}

// criterionExpr renders a criterion as a Go boolean expression.
func criterionExpr(cr *ir.Criterion) *Statement {
	if cr.Kind == ir.Simple {
		return condExpr(cr.Cond)
	}
	ctx := contextExpr(cr.Context)
	if cr.Singular {
		args := []Code{ctx}
		for _, t := range cr.Tokens {
			args = append(args, Lit(t))
		}
		return Qual(runtimePkg, "Found").Call(args...)
	}
	name := map[ir.CriterionKind]string{ir.Regex: "Regex", ir.JSONPath: "JSONPath", ir.XPath: "XPath"}[cr.Kind]
	// JSONPath and XPath are evaluated by the step, within its context and a budget of work;
	// a regex by the runtime package (ecmaregex bounds its own backtracking).
	match := func(fn string) *Statement {
		if cr.Kind == ir.Regex {
			return Qual(runtimePkg, fn)
		}
		return Id("st").Dot(fn)
	}
	if cr.Template != nil {
		return match("Match"+name+"Text").Call(stringExpr(cr.Template, nil), ctx)
	}
	return match("Match"+name).Call(Id(cr.Var), ctx)
}

// evaluatesOnRun reports whether the program evaluates a JSONPath or XPath criterion or
// selector through its Run (APIVersion4).
func evaluatesOnRun(p *ir.Program) bool {
	if len(p.Queries) > 0 {
		return true // selectors, and payload replacement targets, which need APIVersion3 anyway
	}
	for _, w := range p.Workflows {
		for _, st := range w.Steps {
			crs := st.Criteria
			for _, a := range slices.Concat(st.OnSuccess, st.OnFailure) {
				crs = append(crs[:len(crs):len(crs)], a.Criteria...)
			}
			for _, cr := range crs {
				if (cr.Kind == ir.JSONPath || cr.Kind == ir.XPath) && !cr.Singular {
					return true
				}
			}
		}
	}
	return false
}

// contextExpr is the value a pattern applies to: the response body as it was received, or
// any other value.
func contextExpr(v *ir.Value) *Statement {
	if v.Kind == ir.VResponseBody && len(v.Pointer) == 0 {
		if v.Message {
			return Id("msg").Dot("Payload")
		}
		return Id("resp").Dot("Body")
	}
	return anyExpr(v)
}
