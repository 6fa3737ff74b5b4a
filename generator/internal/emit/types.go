package emit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/ir"
	"github.com/arazzogen/arazzogen/generator/internal/types"
	. "github.com/dave/jennifer/jen"
)

// This file renders the named schema types of a program (structs, enums, unions) and the
// Go types of the kinds beyond strings, numbers, booleans, slices and raw JSON.

// apiVersion is the runtime API version constant generated code refers to. Version 2
// brought the schema types (Text, Compare, PickValue, MarshalExtra), the flow helpers (Wait,
// Convert, Deref), the criteria matchers and the Transport; generated code uses some of them
// almost always, so it asks for version 2 at least. Version 3 brought Selector Objects,
// JSONPath and XPath replacement targets (all compiled into p.Queries) and reading the
// request a step sent. Version 4 brought runtime.Flow, the evaluation of JSONPath and XPath
// criteria and selectors by the Run, within its context and a budget, the retry budget and
// the URL a step's request was sent to ($url).
// Version 5 brought Request.Accept, waits before steps a goto runs again, path parameter
// checks, required outputs and token URLs that follow the server; version 6 messages
// (AsyncAPI steps).
func apiVersion(p *ir.Program) string {
	switch {
	case len(p.MessageSources) > 0:
		return "APIVersion6" // messages (AsyncAPI steps)
	case usesVersion5(p):
		return "APIVersion5"
	case len(p.Workflows) > 0 || evaluatesOnRun(p) || retries(p) || p.ReadsRequestURL:
		return "APIVersion4" // runtime.Flow; the Run's bounded evaluation; the retry budget; $url
	case len(p.Queries) > 0 || p.ReadsSentRequest:
		return "APIVersion3"
	}
	return "APIVersion2"
}

// usesVersion5 reports whether generated code uses a symbol of runtime API version 5.
func usesVersion5(p *ir.Program) bool {
	if hasClientCredentials(p) {
		return true // TokenURL
	}
	for _, w := range p.Workflows {
		if w.Loops {
			return true // Transport.PollInterval, Succeeded
		}
		for _, st := range w.Steps {
			if st.Unreachable {
				continue
			}
			if st.Accept != "" {
				return true // Request.Accept
			}
			for _, pp := range st.PathParts {
				if emptyPathValue(pp) != nil {
					return true // NoPathValue, Empty
				}
			}
			for _, v := range st.OutputValues {
				if st.Call == nil && v.Kind == ir.VResponseBody && v.Required {
					return true // Response.Require
				}
			}
		}
	}
	return false
}

// retries reports whether a workflow has a retry action.
func retries(p *ir.Program) bool {
	return slices.ContainsFunc(p.Workflows, func(w *ir.Workflow) bool { return w.RetrySlots > 0 })
}

// extendedGoType renders the Go type of the kinds beyond the first six; nil for those.
func extendedGoType(t types.Type) *Statement {
	var s *Statement
	switch t.Kind {
	case types.Int32:
		s = Int32()
	case types.Time:
		s = Qual("time", "Time")
	case types.Struct, types.Enum:
		s = Id(t.Named.Name)
	case types.Union:
		return Id(t.Named.Name)
	case types.Bytes:
		return Index().Byte()
	case types.Map:
		return Map(String()).Add(goType(*t.Elem))
	default:
		return nil
	}
	if t.Pointer() {
		return Op("*").Add(s)
	}
	return s
}

// namedTypes declares the program's schema types in the order the IR lists them.
func namedTypes(f *File, p *ir.Program) {
	for _, n := range p.Types {
		doc := fmt.Sprintf("%s is the schema %s.", n.Name, n.Where)
		if n.Where == "" {
			doc = fmt.Sprintf("%s is a schema of the OpenAPI descriptions.", n.Name)
		}
		commentText(f, doc)
		if strings.TrimSpace(n.Doc) != "" {
			commentLine(f, "")
			commentText(f, n.Doc)
		}
		switch n.Kind {
		case types.Struct:
			namedStruct(f, n)
		case types.Enum:
			namedEnum(f, n)
		case types.Union:
			namedUnion(f, n)
		}
	}
}

func namedStruct(f *File, n *types.Named) {
	f.Type().Id(n.Name).StructFunc(func(g *Group) {
		for _, fl := range n.Fields {
			commentText(g, fl.Doc)
			tag := fl.JSONName
			if !fl.Required {
				tag += ",omitempty"
			}
			g.Id(fl.GoName).Add(goType(fl.Type)).Tag(map[string]string{"json": tag})
		}
		if n.Extra != nil {
			commentLine(g, "AdditionalProperties holds the members that are not declared properties.")
			g.Id(n.Extra.GoName).Add(goType(n.Extra.Type)).Tag(map[string]string{"json": "-"})
		}
	})
	f.Line()
	if n.Extra == nil {
		return
	}
	var known []Code
	for _, fl := range n.Fields {
		known = append(known, Lit(fl.JSONName))
	}
	extra := Id("v").Dot(n.Extra.GoName)
	commentLine(f, "MarshalJSON writes the declared properties, then the members of "+n.Extra.GoName+".")
	f.Func().Params(Id("v").Id(n.Name)).Id("MarshalJSON").Params().Params(Index().Byte(), Error()).Block(
		// A local type without the methods keeps encoding/json from calling this method again.
		Type().Id("fields").Id(n.Name),
		Return(Qual(runtimePkg, "MarshalExtra").Call(append([]Code{Id("fields").Call(Id("v")), extra.Clone()}, known...)...)),
	)
	f.Line()
	commentLine(f, "UnmarshalJSON reads the declared properties and keeps the other members in "+n.Extra.GoName+".")
	f.Func().Params(Id("v").Op("*").Id(n.Name)).Id("UnmarshalJSON").Params(Id("data").Index().Byte()).Error().Block(
		Type().Id("fields").Id(n.Name),
		If(Err().Op(":=").Qual(jsonPkg, "Unmarshal").Call(Id("data"), Parens(Op("*").Id("fields")).Call(Id("v"))), Err().Op("!=").Nil()).Block(
			Return(Err()),
		),
		Return(Qual(runtimePkg, "UnmarshalExtra").Call(append([]Code{Id("data"), Op("&").Add(extra.Clone())}, known...)...)),
	)
	f.Line()
}

func namedEnum(f *File, n *types.Named) {
	f.Type().Id(n.Name).Add(goType(n.Base))
	f.Line()
	commentf(f, "The values of %s.", n.Name)
	f.Const().DefsFunc(func(g *Group) {
		for _, c := range n.Consts {
			value := Lit(c.Value)
			if n.Base.Kind != types.String {
				value = Op(c.Value) // an untyped integer constant
			}
			g.Id(c.GoName).Id(n.Name).Op("=").Add(value)
		}
	})
	f.Line()
}

func namedUnion(f *File, n *types.Named) {
	f.Type().Id(n.Name).Qual(jsonPkg, "RawMessage")
	f.Line()
	commentf(f, "MarshalJSON writes the JSON value as held; an empty %s is null.", n.Name)
	f.Func().Params(Id("u").Id(n.Name)).Id("MarshalJSON").Params().Params(Index().Byte(), Error()).Block(
		If(Len(Id("u")).Op("==").Lit(0)).Block(Return(Index().Byte().Call(Lit("null")), Nil())),
		Return(Id("u"), Nil()),
	)
	f.Line()
	commentLine(f, "UnmarshalJSON keeps a copy of the JSON value.")
	f.Func().Params(Id("u").Op("*").Id(n.Name)).Id("UnmarshalJSON").Params(Id("data").Index().Byte()).Error().Block(
		Op("*").Id("u").Op("=").Append(Parens(Op("*").Id("u")).Index(Op(":").Lit(0)), Id("data").Op("...")),
		Return(Nil()),
	)
	f.Line()
	for _, v := range n.Variants {
		commentf(f, "%s decodes the value as %s, one of the alternatives of %s; it does not check", v.Method, v.Type, n.Keyword)
		commentLine(f, "that the value is this alternative rather than another.")
		f.Func().Params(Id("u").Id(n.Name)).Id(v.Method).Params().Params(goType(v.Type), Error()).Block(
			Var().Id("v").Add(goType(v.Type)),
			Err().Op(":=").Qual(jsonPkg, "Unmarshal").Call(Id("u"), Op("&").Id("v")),
			Return(Id("v"), Err()),
		)
		f.Line()
	}
}
