package emit

import (
	"fmt"

	"github.com/arazzogen/arazzogen/generator/internal/ir"
	"github.com/arazzogen/arazzogen/generator/internal/types"
	. "github.com/dave/jennifer/jen"
)

// Command renders cmd/<package>/main.gen.go: a command that runs any workflow of the
// package from a shell (see runtime/cli).
func Command(p *ir.Program, importPath string) (Output, error) {
	f := NewFile("main")
	f.HeaderComment(header(p))
	f.PackageComment(fmt.Sprintf("Command %s runs the workflows of package %s from a shell or a CI job.\n\nUsage:\n\n\t%s -list\n\t%s WORKFLOW_ID [-input NAME=VALUE]... [-input-env NAME=ENVVAR]... [-inputs FILE|-] [-server SOURCE=URL]... [-timeout DURATION]\n\nIt prints the workflow's outputs as one JSON object and exits 1 when the workflow fails.", p.Package, p.Package, p.Package, p.Package))
	f.ImportName(importPath, p.Package)
	f.ImportName(cliPkg, "cli")
	pkg := func(name string) *Statement { return Qual(importPath, name) }

	f.Func().Id("main").Params().Block(
		Qual("os", "Exit").Call(Qual(cliPkg, "Main").Call(Qual(cliPkg, "Command").Values(Dict{
			Id("Name"): Lit(p.Package),
			Id("Sources"): Index().String().ValuesFunc(func(g *Group) {
				for _, s := range p.Sources {
					g.Lit(s.Name)
				}
			}),
			Id("Workflows"): Index().Qual(cliPkg, "Workflow").ValuesFunc(func(g *Group) {
				for _, w := range p.Workflows {
					g.Values(Dict{
						Id("ID"):      Lit(w.ID),
						Id("Summary"): Lit(w.Summary),
						Id("Inputs"): Index().Qual(cliPkg, "Input").ValuesFunc(func(ig *Group) {
							for _, in := range w.Inputs.Fields {
								ig.Values(Dict{Id("Name"): Lit(in.JSONName), Id("Type"): Lit(schemaType(in.Type)), Id("Required"): Lit(in.Required)})
							}
						}),
						Id("Run"): Func().Params(Id("ctx").Qual("context", "Context"), Id("cfg").Qual(cliPkg, "Config"), Id("inputs").Index().Byte()).Params(Any(), Error()).Block(
							Var().Id("in").Add(pkg(w.Inputs.GoName)),
							If(Err().Op(":=").Qual(jsonPkg, "Unmarshal").Call(Id("inputs"), Op("&").Id("in")), Err().Op("!=").Nil()).Block(
								Return(Nil(), Qual("fmt", "Errorf").Call(Lit("inputs: %w"), Err())),
							),
							List(Id("c"), Err()).Op(":=").Id("newClient").Call(Id("cfg")),
							If(Err().Op("!=").Nil()).Block(Return(Nil(), Err())),
							Return(Id("c").Dot(w.GoName).Call(Id("ctx"), Id("in"))),
						),
					})
				}
			}),
		}))),
	)
	f.Line()
	f.Func().Id("newClient").Params(Id("cfg").Qual(cliPkg, "Config")).Params(Op("*").Add(pkg("Client")), Error()).Block(
		Id("opts").Op(":=").Index().Add(pkg("Option")).Values(pkg("WithHTTPClient").Call(Id("cfg").Dot("HTTPClient"))),
		For(List(Id("_"), Id("s")).Op(":=").Range().Id("cfg").Dot("Servers")).Block(
			Id("opts").Op("=").Append(Id("opts"), pkg("WithServerURL").Call(Id("s").Dot("Source"), Id("s").Dot("URL"))),
		),
		Return(pkg("NewClient").Call(Id("opts").Op("..."))),
	)
	return render(f, "cmd/"+p.Package+"/main.gen.go")
}

func schemaType(t types.Type) string { return t.JSONType() }
