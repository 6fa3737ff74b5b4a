package emit

import (
	"fmt"

	"github.com/arazzogen/arazzogen/generator/internal/ir"
	. "github.com/dave/jennifer/jen"
)

// mcpPkg is the module that serves workflows as MCP tools; only the -mcp command imports
// it, so a user's module needs it (and the MCP SDK) only when they ask for that command.
const mcpPkg = "github.com/arazzogen/arazzogen/mcp"

// MCPCommand renders cmd/<package>-mcp/main.gen.go: a command that serves every workflow
// of the package as an MCP tool (see the mcp module). It runs the workflows as the -cli
// command does, through the same cli.Command, and adds each tool's input and output JSON
// Schemas.
func MCPCommand(p *ir.Program, importPath string) (Output, error) {
	name := p.Package + "-mcp"
	f := NewFile("main")
	f.HeaderComment(header(p))
	auth := ""
	if len(p.Credentials) > 0 {
		auth = " [-auth-env SOURCE=ENVVAR]..."
	}
	f.PackageComment(fmt.Sprintf("Command %s serves the workflows of package %s as Model Context Protocol\ntools, one per workflow, over standard input and output (or streamable HTTP with -http ADDR).\n\nUsage:\n\n\t%s%s [-input-env NAME=ENVVAR]... [-server SOURCE=URL]... [-secret-inputs] [-timeout DURATION] [-http ADDR]\n\nCredentials come from the environment only (-auth-env); secret inputs are not tool parameters\nunless -secret-inputs is given, and secret outputs are \"[REDACTED]\" in tool results.", name, p.Package, name, auth))
	f.ImportName(importPath, p.Package)
	f.ImportName(cliPkg, "cli")
	f.ImportName(runtimePkg, "runtime")
	f.ImportName(mcpPkg, "mcp")
	command, helpers := commandDecls(p, importPath)
	f.Func().Id("main").Params().Block(
		Qual("os", "Exit").Call(Qual(mcpPkg, "Main").Call(Id("command"), Id("tools"))),
	)
	f.Line()
	f.Comment("command describes the workflows and how to run them, as the -cli command does.")
	f.Var().Id("command").Op("=").Add(command)
	f.Line()
	var tools []Code
	for _, w := range entryWorkflows(p) {
		fields := []Code{
			kv("Workflow", Lit(w.ID)),
			kv("InputSchema", stringLit(fieldsSchema(w.Inputs.Fields, false))),
			kv("OutputSchema", stringLit(fieldsSchema(w.Outputs.Fields, true))),
		}
		var secret []Code
		for _, o := range w.Outputs.Fields {
			if o.Secret {
				secret = append(secret, Lit(o.JSONName))
			}
		}
		if len(secret) > 0 {
			fields = append(fields, kv("SecretOutputs", Index().String().Values(secret...)))
		}
		tools = append(tools, lines(fields))
	}
	f.Comment("tools are the workflows' MCP tools: the JSON Schemas of their inputs and outputs.")
	f.Var().Id("tools").Op("=").Index().Qual(mcpPkg, "Tool").Add(lines(tools))
	f.Line()
	helpers(f)
	return render(f, "cmd/"+name+"/main.gen.go")
}

// stringLit is a string literal: raw (between backquotes) when s is printable ASCII and
// line breaks without a backquote, so a schema reads as JSON; else quoted, which escapes
// every invisible or formatting character.
func stringLit(s string) *Statement {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '`' || c != '\n' && (c < ' ' || c > '~') {
			return Lit(s)
		}
	}
	return Op("`" + s + "`")
}
