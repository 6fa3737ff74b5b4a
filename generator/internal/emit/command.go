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
	broker, brokerDoc := "", ""
	if len(p.MessageSources) > 0 {
		broker = " [-broker SOURCE=URL]..."
		brokerDoc = "\nSteps that send or receive messages go through the broker -broker names (nats:// or kafka://),\nby default the description's first NATS or Kafka server."
	}
	f.PackageComment(fmt.Sprintf("Command %s runs the workflows of package %s from a shell or a CI job.\n\nUsage:\n\n\t%s -list\n\t%s WORKFLOW_ID [-input NAME=VALUE]... [-input-env NAME=ENVVAR]... [-inputs FILE|-]%s [-server SOURCE=URL]...%s [-timeout DURATION] [-v]\n\nIt prints the workflow's outputs as one JSON object and exits 1 when the workflow fails.%s%s", p.Package, p.Package, p.Package, p.Package, auth, broker, authDoc, brokerDoc))
	f.ImportName(importPath, p.Package)
	f.ImportName(cliPkg, "cli")
	f.ImportName(runtimePkg, "runtime")
	if len(p.MessageSources) > 0 {
		f.ImportName(brokerPkg, "broker")
	}
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
		if len(w.MessageSources) > 0 {
			fields = append(fields, kv("Brokers", Index().String().ValuesFunc(func(g *Group) {
				for _, s := range w.MessageSources {
					g.Lit(s.Name)
				}
			})))
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
	command = append(command, cliBrokers(p)...)
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
		if len(p.MessageSources) > 0 {
			g.For(List(Id("_"), Id("t")).Op(":=").Range().Id("cfg").Dot("Transports")).Block(
				Id("opts").Op("=").Append(Id("opts"), pkg("WithMessageTransport").Call(Id("t").Dot("Source"), Id("t").Dot("Transport"))),
			)
		}
		g.Return(pkg("NewClient").Call(Id("opts").Op("...")))
	})
	return render(f, "cmd/"+p.Package+"/main.gen.go")
}

func schemaType(t types.Type) string { return t.JSONType() }

// brokerPkg connects the command's AsyncAPI sources to brokers; it is a module of its own
// (github.com/arazzogen/arazzogen/broker), which only commands that send messages import.
const brokerPkg = "github.com/arazzogen/arazzogen/broker"

// cliBrokers are the cli.Command fields of a program with AsyncAPI sources: each source with
// the broker URL of its description, and broker.Dial.
func cliBrokers(p *ir.Program) []Code {
	if len(p.MessageSources) == 0 {
		return nil
	}
	var brokers []Code
	for _, s := range p.MessageSources {
		d := []Code{kv("Source", Lit(s.Name))}
		if s.DefaultURL != "" {
			d = append(d, kv("URL", Lit(s.DefaultURL)))
		}
		brokers = append(brokers, Values(d...))
	}
	return []Code{kv("Brokers", Index().Qual(cliPkg, "Broker").Add(lines(brokers))), kv("Dial", Qual(brokerPkg, "Dial"))}
}
