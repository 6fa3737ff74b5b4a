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
	auth, authDoc := "", ""
	if len(p.Credentials) > 0 {
		auth = " [-auth-env SOURCE=ENVVAR]..."
		authDoc = "\nCredentials are read from the environment only, with -auth-env; -list names them."
	}
	f.PackageComment(fmt.Sprintf("Command %s runs the workflows of package %s from a shell or a CI job.\n\nUsage:\n\n\t%s -list\n\t%s WORKFLOW_ID [-input NAME=VALUE]... [-input-env NAME=ENVVAR]... [-inputs FILE|-]%s [-server SOURCE=URL]... [-timeout DURATION] [-v]\n\nIt prints the workflow's outputs as one JSON object and exits 1 when the workflow fails.%s", p.Package, p.Package, p.Package, p.Package, auth, authDoc))
	f.ImportName(importPath, p.Package)
	f.ImportName(cliPkg, "cli")
	f.ImportName(runtimePkg, "runtime")
	pkg := func(name string) *Statement { return Qual(importPath, name) }

	var workflows []Code
	for _, w := range p.Workflows {
		if w.External() {
			continue // only the workflows it calls run it
		}
		fields := []Code{kv("ID", Lit(w.ID))}
		if w.Summary != "" {
			fields = append(fields, kv("Summary", Lit(w.Summary)))
		}
		if len(w.Inputs.Fields) > 0 {
			var inputs []Code
			for _, in := range w.Inputs.Fields {
				d := []Code{kv("Name", Lit(in.JSONName))}
				if t := schemaType(in.Type); t != "" {
					d = append(d, kv("Type", Lit(t)))
				}
				if in.Required {
					d = append(d, kv("Required", True()))
				}
				if in.Secret {
					d = append(d, kv("Secret", True()))
				}
				inputs = append(inputs, Values(d...))
			}
			fields = append(fields, kv("Inputs", Index().Qual(cliPkg, "Input").Add(lines(inputs))))
		}
		if w.OpenInputs {
			fields = append(fields, kv("Open", True()))
		}
		fields = append(fields, kv("Run", Id("workflowRun").Call(Parens(Op("*").Add(pkg("Client"))).Dot(w.GoName))))
		workflows = append(workflows, lines(fields))
	}
	command := []Code{
		kv("Name", Lit(p.Package)),
		kv("Sources", Index().String().ValuesFunc(func(g *Group) {
			for _, s := range p.Sources {
				g.Lit(s.Name)
			}
		})),
		kv("Workflows", Index().Qual(cliPkg, "Workflow").Add(lines(workflows))),
	}
	if len(p.Credentials) > 0 {
		command = append(command, kv("Auth", cliAuth(p)))
	}
	f.Func().Id("main").Params().Block(
		Id("command").Op(":=").Qual(cliPkg, "Command").Add(lines(command)),
		Qual("os", "Exit").Call(Qual(cliPkg, "Main").Call(Id("command"))),
	)
	f.Line()
	f.Comment("workflowRun makes a workflow's cli.Workflow.Run: it decodes the inputs, makes the client and")
	f.Comment("runs the workflow.")
	f.Func().Id("workflowRun").Types(Id("In"), Id("Out").Any()).Params(
		Id("workflow").Func().Params(Op("*").Add(pkg("Client")), Qual("context", "Context"), Id("In")).Params(Id("Out"), Error()),
	).Func().Params(Qual("context", "Context"), Qual(cliPkg, "Config"), Index().Byte()).Params(Any(), Error()).Block(
		Return(Func().Params(Id("ctx").Qual("context", "Context"), Id("cfg").Qual(cliPkg, "Config"), Id("inputs").Index().Byte()).Params(Any(), Error()).Block(
			Var().Id("in").Id("In"),
			If(Err().Op(":=").Qual(jsonPkg, "Unmarshal").Call(Id("inputs"), Op("&").Id("in")), Err().Op("!=").Nil()).Block(
				Return(Nil(), Qual("fmt", "Errorf").Call(Lit("inputs: %w"), Err())),
			),
			List(Id("c"), Err()).Op(":=").Id("newClient").Call(Id("cfg")),
			If(Err().Op("!=").Nil()).Block(Return(Nil(), Err())),
			Return(Id("workflow").Call(Id("c"), Id("ctx"), Id("in"))),
		)),
	)
	f.Line()
	f.Comment("newClient makes the client for one run: the command's HTTP client, observer (-v), server")
	f.Comment("URLs (-server) and credentials (-auth-env).")
	f.Func().Id("newClient").Params(Id("cfg").Qual(cliPkg, "Config")).Params(Op("*").Add(pkg("Client")), Error()).BlockFunc(func(g *Group) {
		g.Id("opts").Op(":=").Index().Add(pkg("Option")).Values(pkg("WithHTTPClient").Call(Id("cfg").Dot("HTTPClient")), pkg("WithObserver").Call(Id("cfg").Dot("Observer")))
		g.For(List(Id("_"), Id("s")).Op(":=").Range().Id("cfg").Dot("Servers")).Block(
			Id("opts").Op("=").Append(Id("opts"), pkg("WithServerURL").Call(Id("s").Dot("Source"), Id("s").Dot("URL"))),
		)
		cliCredentials(g, p, pkg)
		g.Return(pkg("NewClient").Call(Id("opts").Op("...")))
	})
	return render(f, "cmd/"+p.Package+"/main.gen.go")
}

func schemaType(t types.Type) string { return t.JSONType() }
