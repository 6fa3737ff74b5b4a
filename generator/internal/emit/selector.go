package emit

import (
	"github.com/arazzogen/arazzogen/generator/internal/ir"
	"github.com/arazzogen/arazzogen/generator/internal/types"
	. "github.com/dave/jennifer/jen"
)

// queryVars declares the compiled JSONPath queries and XPath expressions of Selector
// Objects and payload replacement targets. They were compiled when the code was generated,
// so MustParse and MustCompile cannot panic here.
func queryVars(f *File, p *ir.Program) {
	if len(p.Queries) == 0 {
		return
	}
	f.Comment("Selectors and payload replacement targets, compiled once.")
	f.Var().DefsFunc(func(g *Group) {
		for _, q := range p.Queries {
			compiledVar(g, q.Kind, q.Var, q.Text)
		}
	})
	f.Line()
}

// selectExpr evaluates a Selector Object: a JSONPath query yields JSON (the value a
// singular query selects, else the nodelist), an XPath expression the string, number or
// boolean its type says.
func selectExpr(v *ir.Value) *Statement {
	ctx := contextExpr(v.Context)
	// The step evaluates them, within its context and a budget of work.
	if v.Query.Kind == ir.JSONPath {
		return Id("st").Dot("SelectJSONPath").Call(Id(v.Query.Var), ctx)
	}
	sel := Id("st").Dot("SelectXPath").Call(Id(v.Query.Var), ctx)
	switch v.Type.Kind {
	case types.Float64:
		return sel.Dot("Number").Call()
	case types.Bool:
		return sel.Dot("Boolean").Call()
	}
	return sel.Dot("String").Call()
}
