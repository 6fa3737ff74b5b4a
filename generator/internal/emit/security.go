package emit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/ir"
	"github.com/arazzogen/arazzogen/generator/internal/types"
	. "github.com/dave/jennifer/jen"
)

// authOption describes the Client option of one credential kind.
type authOption struct {
	kind   ir.CredentialKind
	name   string
	params []Code
	doc    []string
	// check rejects a nil function argument.
	check Code
	// cli is what -auth-env's variable holds, for cli.Auth.Kind.
	cli string
}

var tokenFunc = Func().Params(Qual("context", "Context")).Params(String(), Error())

func authOptions() []authOption {
	return []authOption{
		{
			kind: ir.BearerToken, name: "WithBearerToken", cli: "bearer token",
			params: []Code{Id("name").String(), Id("token").Add(tokenFunc.Clone())},
			doc: []string{
				"WithBearerToken authenticates the requests that need credential name with",
				"\"Authorization: Bearer TOKEN\". token is called for each request, so that a token can come",
				"from a vault or be rotated while the client lives; runtime.StaticToken wraps a fixed one.",
			},
			check: nilCheck("WithBearerToken", "token"),
		},
		{
			kind: ir.BasicAuth, name: "WithBasicAuth", cli: "USER:PASSWORD",
			params: []Code{Id("name"), Id("user"), Id("password").String()},
			doc: []string{
				"WithBasicAuth authenticates the requests that need credential name with HTTP Basic",
				"authentication (RFC 7617).",
			},
		},
		{
			kind: ir.APIKey, name: "WithAPIKey", cli: "api key",
			params: []Code{Id("name").String(), Id("key").Add(tokenFunc.Clone())},
			doc: []string{
				"WithAPIKey sends the API key of credential name, in the header, query parameter or",
				"cookie its security scheme names, with the requests that need it. key is called for each",
				"request; runtime.StaticToken wraps a fixed key.",
			},
			check: nilCheck("WithAPIKey", "key"),
		},
		{
			kind: ir.ClientCredentials, name: "WithClientCredentials", cli: "CLIENT_ID:CLIENT_SECRET",
			params: []Code{Id("name"), Id("clientID"), Id("clientSecret").String()},
			doc: []string{
				"WithClientCredentials authenticates the requests that need credential name with an OAuth2",
				"access token obtained with the client credentials flow (RFC 6749 §4.4) from the token URL",
				"and for the scopes of the OpenAPI description. The token is cached until shortly before it",
				"expires, and fetched again after the API refuses it; it is requested with the client set",
				"by WithHTTPClient.",
			},
		},
	}
}

func nilCheck(option, param string) Code {
	return If(Id(param).Op("==").Nil()).Block(Return(Qual("errors", "New").Call(Lit(option + ": nil " + param + " function"))))
}

// hasClientCredentials reports whether a credential uses the client credentials flow, whose
// token URL depends on the source's server (and WithTokenURL), so that the credential can
// only be made once every option is applied.
func hasClientCredentials(p *ir.Program) bool {
	return slices.ContainsFunc(p.Credentials, func(c *ir.Credential) bool { return c.Kind == ir.ClientCredentials })
}

// securityFields are the Client's fields for credentials.
func securityFields(g *Group, p *ir.Program) {
	if n := len(p.Credentials); n > 0 {
		g.Id("auth").Index(Lit(n)).Qual(runtimePkg, "Credential").Comment("per credential name (see the authentication options); nil when not configured")
		if hasClientCredentials(p) {
			g.Id("pending").Index(Lit(n)).Func().Params().Qual(runtimePkg, "Credential").Comment("credentials NewClient makes once the server URLs are known")
			g.Id("tokenURLs").Index(Lit(n)).String().Comment("per credential name: the token URL WithTokenURL sets")
		}
	}
	if n := len(p.Requirements); n > 0 {
		g.Id("security").Index(Lit(n)).Qual(runtimePkg, "Credential").Comment("per security requirement with alternatives: the one NewClient chose")
	}
}

// securityOptions renders one option per credential kind the workflows need.
func securityOptions(f *File, p *ir.Program) {
	for _, o := range authOptions() {
		var creds []*ir.Credential
		for _, c := range p.Credentials {
			if c.Kind == o.kind {
				creds = append(creds, c)
			}
		}
		if len(creds) == 0 {
			continue
		}
		for _, l := range o.doc {
			f.Comment(l)
		}
		f.Comment("")
		f.Comment("name is one of:")
		f.Comment("")
		width := 0
		for _, c := range creds {
			width = max(width, len(c.Name)+2)
		}
		var names []string
		for _, c := range creds {
			q := fmt.Sprintf("%q", c.Name)
			names = append(names, c.Name)
			f.Comment(fmt.Sprintf("\t%-*s  %s", width, q, credentialDoc(c)))
		}
		f.Func().Id(o.name).Params(o.params...).Id("Option").Block(
			Return(Func().Params(Id("c").Op("*").Id("Client")).Error().BlockFunc(func(g *Group) {
				if o.check != nil {
					g.Add(o.check)
				}
				g.Switch(Id("name")).BlockFunc(func(sg *Group) {
					for _, c := range creds {
						sg.Case(Lit(c.Name)).Block(setCredential(c)...)
					}
					sg.Default().Block(Return(Qual("fmt", "Errorf").Call(Lit(o.name+": unknown credential %q (known: "+strings.Join(names, ", ")+")"), Id("name"))))
				})
				g.Return(Nil())
			})),
		)
		f.Line()
	}
}

// tokenURLOption renders WithTokenURL, which sets a client credentials token URL explicitly.
func tokenURLOption(f *File, p *ir.Program) {
	var names []string
	for _, c := range p.Credentials {
		if c.Kind == ir.ClientCredentials {
			names = append(names, c.Name)
		}
	}
	if len(names) == 0 {
		return
	}
	for _, l := range []string{
		"WithTokenURL sets the token URL of client credentials credential name, replacing the tokenUrl",
		"of its OpenAPI description; a relative URL is resolved against the source's server URL.",
		"Without it, a relative tokenUrl is resolved against the source's server URL, and an absolute one",
		"on the source's default server (its OpenAPI servers[0]) moves along when WithServerURL points",
		"the source elsewhere, keeping its path below the server's, so that a test or staging run never",
		"fetches a token from production; an absolute one on another host is used as it is.",
		"",
		"name is one of: " + strings.Join(names, ", "),
	} {
		f.Comment(l)
	}
	f.Func().Id("WithTokenURL").Params(Id("name"), Id("tokenURL").String()).Id("Option").Block(
		Return(Func().Params(Id("c").Op("*").Id("Client")).Error().BlockFunc(func(g *Group) {
			g.If(Id("tokenURL").Op("==").Lit("")).Block(Return(Qual("errors", "New").Call(Lit("WithTokenURL: empty token URL"))))
			g.Switch(Id("name")).BlockFunc(func(sg *Group) {
				for _, c := range p.Credentials {
					if c.Kind == ir.ClientCredentials {
						sg.Case(Lit(c.Name)).Block(Id("c").Dot("tokenURLs").Index(Lit(c.Index)).Op("=").Id("tokenURL"))
					}
				}
				sg.Default().Block(Return(Qual("fmt", "Errorf").Call(Lit("WithTokenURL: unknown client credentials name %q (known: "+strings.Join(names, ", ")+")"), Id("name"))))
			})
			g.Return(Nil())
		})),
	)
	f.Line()
}

// credentialDoc describes a credential in an option's documentation.
func credentialDoc(c *ir.Credential) string {
	s := fmt.Sprintf("%s (scheme %s of source %s)", c.What, c.Scheme, c.Source.Name)
	if c.Kind == ir.ClientCredentials {
		s += ", token URL " + c.TokenURL
		if !c.Relative {
			s += " (moved along with WithServerURL when it is on the source's server)"
		}
		if len(c.Scopes) > 0 {
			s += ", scopes " + strings.Join(c.Scopes, " ")
		}
	}
	return s
}

// setCredential stores the credential an option makes.
func setCredential(c *ir.Credential) []Code {
	slot := Id("c").Dot("auth").Index(Lit(c.Index))
	switch c.Kind {
	case ir.BearerToken:
		return []Code{slot.Op("=").Qual(runtimePkg, "Bearer").Call(Id("token"))}
	case ir.BasicAuth:
		return []Code{slot.Op("=").Qual(runtimePkg, "Basic").Call(Id("user"), Id("password"))}
	case ir.APIKey:
		return []Code{slot.Op("=").Qual(runtimePkg, "APIKey").Call(Lit(c.In), Lit(c.Param), Id("key"))}
	}
	scopes := Nil()
	if len(c.Scopes) > 0 {
		scopes = Index().String().ValuesFunc(func(g *Group) {
			for _, s := range c.Scopes {
				g.Lit(s)
			}
		})
	}
	tokenURL := Qual(runtimePkg, "TokenURL").Call(Id("c").Dot("tokenURLs").Index(Lit(c.Index)), Lit(c.TokenURL), Lit(c.Source.DefaultURL), Id("c").Dot("servers").Index(Lit(c.Source.Index)))
	return []Code{
		Comment("The token URL follows the source's server (and WithTokenURL), known once every option is applied."),
		Id("c").Dot("pending").Index(Lit(c.Index)).Op("=").Func().Params().Qual(runtimePkg, "Credential").Block(
			Return(Qual(runtimePkg, "ClientCredentials").Call(tokenURL, Id("clientID"), Id("clientSecret"), scopes, Nil())),
		),
	}
}

// securitySetup renders the part of NewClient that runs after the options: credentials
// with relative token URLs, and the choice among each requirement's alternatives.
func securitySetup(g *Group, p *ir.Program) {
	if hasClientCredentials(p) {
		g.For(List(Id("i"), Id("mk")).Op(":=").Range().Id("c").Dot("pending")).Block(
			If(Id("mk").Op("!=").Nil()).Block(Id("c").Dot("auth").Index(Id("i")).Op("=").Id("mk").Call()),
		)
	}
	if len(p.Requirements) == 0 {
		return
	}
	g.Comment("An operation whose security requirement has alternatives uses the first one whose")
	g.Comment("credentials are all configured.")
	for _, r := range p.Requirements {
		dst := Id("c").Dot("security").Index(Lit(r.Index))
		g.Switch().BlockFunc(func(sg *Group) {
			for _, alt := range r.Alternatives {
				var cond *Statement
				var args []Code
				for _, c := range alt {
					slot := Id("c").Dot("auth").Index(Lit(c.Index))
					check := slot.Clone().Op("!=").Nil()
					if cond == nil {
						cond = check
					} else {
						cond = cond.Op("&&").Add(check)
					}
					args = append(args, slot)
				}
				value := args[0]
				if len(args) > 1 {
					value = Qual(runtimePkg, "Credentials").Call(args...)
				}
				sg.Case(cond).Block(dst.Clone().Op("=").Add(value))
			}
		})
	}
}

// authExpr is a request's Auth: the credential of its requirement.
func authExpr(r *ir.Requirement) *Statement {
	if c := r.Single(); c != nil {
		return Id("c").Dot("auth").Index(Lit(c.Index))
	}
	return Id("c").Dot("security").Index(Lit(r.Index))
}

func hasSecret(s *ir.Struct) bool {
	return slices.ContainsFunc(s.Fields, func(f *ir.Field) bool { return f.Secret })
}

// secretMethods gives a struct with secret fields String, GoString and LogValue methods
// that redact them, so that printing or logging the struct by mistake leaks nothing.
func secretMethods(f *File, s *ir.Struct, recv, what string) {
	if !hasSecret(s) {
		return
	}
	r := Id(recv).Id(s.GoName)
	f.Func().Params(r.Clone()).Id("fields").Params().Index().Qual(runtimePkg, "Field").Block(
		Return(Index().Qual(runtimePkg, "Field").Add(lines(fieldValues(s, recv)))),
	)
	f.Line()
	f.Commentf("String shows the %s with the secret ones as %s.", what, "[REDACTED]")
	f.Func().Params(r.Clone()).Id("String").Params().String().Block(
		Return(Qual(runtimePkg, "FormatFields").Call(Lit(s.GoName), Id(recv).Dot("fields").Call().Op("..."))),
	)
	f.Line()
	f.Comment("GoString is String, so that %#v redacts too.")
	f.Func().Params(r.Clone()).Id("GoString").Params().String().Block(Return(Id(recv).Dot("String").Call()))
	f.Line()
	f.Commentf("LogValue logs the %s with the secret ones as %s.", what, "[REDACTED]")
	f.Func().Params(r.Clone()).Id("LogValue").Params().Qual("log/slog", "Value").Block(
		Return(Qual(runtimePkg, "LogFields").Call(Id(recv).Dot("fields").Call().Op("..."))),
	)
	f.Line()
}

func fieldValues(s *ir.Struct, recv string) []Code {
	var out []Code
	for _, fl := range s.Fields {
		items := []Code{kv("Name", Lit(fl.JSONName)), kv("Value", Id(recv).Dot(fl.GoName))}
		if fl.Secret {
			items = append(items, kv("Secret", True()))
		}
		out = append(out, Values(items...))
	}
	return out
}

// markSecrets hands secret values to sink (Step.Secret, or a list being collected), so that
// they are redacted from every later error and event: plain strings in one call, others as
// their text when set. skipZero also leaves out numbers and booleans holding their zero
// value, which a state holds before its step ran (and which are no secret then).
func markSecrets(g *Group, fields []*ir.Field, base func(*ir.Field) *Statement, sink func(...Code) *Statement, skipZero bool) {
	var plain []Code
	var rest []Code
	for _, fl := range fields {
		if !fl.Secret {
			continue
		}
		x := base(fl)
		t := fl.Type
		switch {
		case t.Kind == types.String && !t.Pointer():
			plain = append(plain, x)
		case t.Pointer():
			v := Op("*").Add(x.Clone())
			if t.Kind != types.String {
				v = Qual(runtimePkg, "Text").Call(v)
			}
			rest = append(rest, If(x.Clone().Op("!=").Nil()).Block(sink(v)))
		case t.Kind == types.Raw || t.Kind == types.Slice:
			// An absent value would be rendered as null, which is no secret.
			rest = append(rest, If(Len(x.Clone()).Op(">").Lit(0)).Block(sink(Qual(runtimePkg, "Text").Call(x))))
		case skipZero && (t.Kind == types.Int64 || t.Kind == types.Float64):
			rest = append(rest, If(x.Clone().Op("!=").Lit(0)).Block(sink(Qual(runtimePkg, "Text").Call(x))))
		case skipZero && t.Kind == types.Bool:
			rest = append(rest, If(x.Clone()).Block(sink(Qual(runtimePkg, "Text").Call(x))))
		default:
			rest = append(rest, sink(Qual(runtimePkg, "Text").Call(x)))
		}
	}
	if len(plain) > 0 {
		g.Add(sink(plain...))
	}
	for _, c := range rest {
		g.Add(c)
	}
}

// cliAuth lists the command's credentials for cli.Command.Auth.
func cliAuth(p *ir.Program) *Statement {
	kinds := map[ir.CredentialKind]string{}
	for _, o := range authOptions() {
		kinds[o.kind] = o.cli
	}
	var items []Code
	for _, c := range p.Credentials {
		items = append(items, Values(kv("Name", Lit(c.Name)), kv("Kind", Lit(kinds[c.Kind]))))
	}
	return Index().Qual(cliPkg, "Auth").Add(lines(items))
}

// cliCredentials turns the command's -auth-env values into options.
func cliCredentials(g *Group, p *ir.Program, pkg func(string) *Statement) {
	for _, c := range p.Credentials {
		v := Id("cfg").Dot("Auth").Index(Lit(c.Name))
		var body []Code
		add := func(opt string, args ...Code) Code {
			return Id("opts").Op("=").Append(Id("opts"), pkg(opt).Call(append([]Code{Lit(c.Name)}, args...)...))
		}
		switch c.Kind {
		case ir.BearerToken:
			body = append(body, add("WithBearerToken", Qual(runtimePkg, "StaticToken").Call(Id("v"))))
		case ir.APIKey:
			body = append(body, add("WithAPIKey", Qual(runtimePkg, "StaticToken").Call(Id("v"))))
		case ir.BasicAuth, ir.ClientCredentials:
			opt := "WithBasicAuth"
			if c.Kind == ir.ClientCredentials {
				opt = "WithClientCredentials"
			}
			body = append(body,
				List(Id("id"), Id("secret"), Err()).Op(":=").Qual(cliPkg, "SplitCredential").Call(Lit(c.Name), Id("v")),
				If(Err().Op("!=").Nil()).Block(Return(Nil(), Err())),
				add(opt, Id("id"), Id("secret")),
			)
		}
		g.If(List(Id("v"), Id("ok")).Op(":=").Add(v), Id("ok")).Block(body...)
	}
}
