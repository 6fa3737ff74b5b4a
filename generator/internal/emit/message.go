package emit

import (
	"fmt"
	"slices"

	"github.com/arazzogen/arazzogen/generator/internal/ir"
	. "github.com/dave/jennifer/jen"
)

// This file renders AsyncAPI steps (see ir/message.go): the Client's message transports,
// the subscriptions a run opens before the steps that wait on them, and the steps that
// publish a message or wait for one. A message step's message is the local msg, which its
// criteria, outputs and success actions read as they read resp in an operation step.

// messageFields adds the message transports to the Client struct.
func messageFields(g *Group, p *ir.Program) {
	if n := len(p.MessageSources); n > 0 {
		g.Id("brokers").Index(Lit(n)).Qual(runtimePkg, "MessageTransport").Add(note("of the AsyncAPI sources (WithMessageTransport)"))
	}
}

// messageOptions declares the AsyncAPI source names and WithMessageTransport.
func messageOptions(f *File, p *ir.Program) {
	if len(p.MessageSources) == 0 {
		return
	}
	commentLine(f, "AsyncAPI source description names, for WithMessageTransport.")
	f.Const().DefsFunc(func(g *Group) {
		for _, s := range p.MessageSources {
			g.Id(s.GoName).Op("=").Lit(s.Name)
		}
	})
	f.Line()
	f.Var().Id("messageSourceNames").Op("=").Index(Lit(len(p.MessageSources))).String().ValuesFunc(func(g *Group) {
		for _, s := range p.MessageSources {
			g.Id(s.GoName)
		}
	})
	f.Line()
	commentLine(f, "WithMessageTransport sets the message broker through which the steps of an AsyncAPI source send")
	commentLine(f, "and receive messages (github.com/arazzogen/arazzogen/broker has NATS and Kafka transports).")
	commentLine(f, "A workflow that needs a source without one fails before its first step. The client does not")
	commentLine(f, "close t.")
	f.Func().Id("WithMessageTransport").Params(Id("source").String(), Id("t").Qual(runtimePkg, "MessageTransport")).Id("Option").Block(
		Return(Func().Params(Id("c").Op("*").Id("Client")).Error().Block(
			For(List(Id("i"), Id("name")).Op(":=").Range().Id("messageSourceNames")).Block(
				If(Id("name").Op("==").Id("source")).Block(
					Id("c").Dot("brokers").Index(Id("i")).Op("=").Id("t"),
					Return(Nil()),
				),
			),
			Return(Qual("fmt", "Errorf").Call(Lit("WithMessageTransport: unknown source %q (known: %v)"), Id("source"), Id("messageSourceNames"))),
		)),
	)
	f.Line()
}

// messageStart renders a workflow's runtime.Flow Start (nil when it sends and receives no
// messages): it fails when a source the workflow sends to or receives from has no
// transport, and subscribes to the channels its receive steps wait on whose addresses the
// inputs decide, before the first step runs.
func messageStart(w *ir.Workflow) *Statement {
	if len(w.MessageSources) == 0 {
		return nil
	}
	return Func().Params(Id("c").Op("*").Id("Client"), Id("run").Op("*").Qual(runtimePkg, "Run"), Id("s").Op("*").Id(w.State)).Error().BlockFunc(func(g *Group) {
		g.Const().Id("workflow").Op("=").Lit(w.Name())
		for _, src := range w.MessageSources {
			g.If(Id("c").Dot("brokers").Index(Lit(src.Index)).Op("==").Nil()).Block(
				Return(Qual(runtimePkg, "MissingTransport").Call(Id("workflow"), Id(src.GoName))),
			)
		}
		listens(g, w, nil, func(l *ir.Listen, ch Code) *Statement {
			return If(Err().Op(":=").Id("run").Dot("Listen").Call(transport(l.Step.Message), Lit(l.Step.ID), ch), Err().Op("!=").Nil()).Block(Return(Err()))
		})
		g.Return(Nil())
	})
}

// listens renders the subscriptions that open after step after (before the first step
// when nil), each with listen. An address that cannot be built is left to the receive step
// to report.
func listens(g *Group, w *ir.Workflow, after *ir.Step, listen func(l *ir.Listen, ch Code) *Statement) {
	for _, l := range w.Listens {
		if l.After != after || l.Step.Unreachable {
			continue
		}
		ms := l.Step.Message
		commentf(g, "Step %s waits on %s: listen now, so that no message published from here on is missed.", l.Step.ID, ms.Address)
		if len(ms.Params) == 0 {
			g.Add(listen(l, channelLit(ms, Lit(ms.Address))))
			continue
		}
		g.If(List(Id("addr"), Err()).Op(":=").Add(addressExpr(ms)), Err().Op("==").Nil()).Block(listen(l, channelLit(ms, Id("addr"))))
	}
}

func transport(ms *ir.MessageStep) *Statement {
	return Id("c").Dot("brokers").Index(Lit(ms.Source.Index))
}

func channelLit(ms *ir.MessageStep, addr Code) *Statement {
	return Qual(runtimePkg, "Channel").Add(lines([]Code{kv("Source", Id(ms.Source.GoName)), kv("Path", Lit(ms.Address)), kv("Address", addr)}))
}

// addressExpr fills the channel address's parameters: runtime.ChannelAddress returns the
// address and an error.
func addressExpr(ms *ir.MessageStep) *Statement {
	args := []Code{Lit(ms.Address)}
	for _, p := range ms.Params {
		args = append(args, Lit(p.Name), channelValue(p.Value))
	}
	return Qual(runtimePkg, "ChannelAddress").Call(args...)
}

// channelValue is the value of a channel parameter: a value of the step's own message (a
// parameter found at its location in the payload) is read from the encoded body.
func channelValue(v *ir.Value) *Statement {
	if v.Message && v.Kind == ir.VResponseBody {
		args := []Code{Id("body")}
		for _, t := range v.Pointer {
			args = append(args, Lit(t))
		}
		return Qual(runtimePkg, "Pick").Call(args...)
	}
	return anyValue(v)
}

// messageUsed reports whether the step's criteria, outputs or success actions read its
// message.
func messageUsed(st *ir.Step) bool {
	return len(st.Criteria) > 0 || slices.ContainsFunc(st.OutputValues, valueUsesResponse) || usesResponse(st.OnSuccess)
}

// message renders an AsyncAPI step: publish the message, or wait for the one that
// correlates and meets the criteria; then the outputs.
func message(b *Group, st *ir.Step, fail func(err, resp Code) *Statement) {
	ms := st.Message
	stepErr := func(reason string) *Statement {
		return fail(Op("&").Qual(runtimePkg, "StepError").Add(lines([]Code{
			kv("Workflow", Id("workflow")), kv("Step", Lit(st.ID)), kv("Method", Lit(st.Method)), kv("Path", Lit(ms.Address)), kv("Reason", Lit(reason)), kv("Err", Err()),
		})), Nil())
	}
	if !ms.Receive && st.HasBody() {
		(&requestBuilder{b: b, st: st, fail: stepErr}).body()
	}
	var addr Code = Lit(ms.Address)
	if len(ms.Params) > 0 {
		b.List(Id("addr"), Err()).Op(":=").Add(addressExpr(ms))
		b.If(Err().Op("!=").Nil()).Block(stepErr("cannot build the channel address"))
		addr = Id("addr")
	}
	fields := []Code{kv("Channel", channelLit(ms, addr))}
	var call *Statement
	if ms.Receive {
		match := receiveMatch(b, st)
		if match != nil {
			fields = append(fields, kv("Match", match))
		}
		if st.Timeout > 0 {
			fields = append(fields, kv("Timeout", delay(float64(st.Timeout)/1000)))
		}
		if ms.Last {
			fields = append(fields, kv("Last", True()))
		}
		call = Id("st").Dot("Receive").Call(transport(ms), Op("&").Qual(runtimePkg, "Receive").Add(lines(fields)))
	} else {
		if len(ms.Headers) > 0 {
			b.Id("h").Op(":=").Make(Qual(runtimePkg, "MessageHeader"), Lit(len(ms.Headers)))
			for _, h := range ms.Headers {
				paramStatement(b, h.Value, func(v Code) *Statement { return Id("h").Index(Lit(h.Name)).Op("=").Add(v) })
			}
			fields = append(fields, kv("Header", Id("h")))
		}
		if st.HasBody() {
			fields = append(fields, kv("Payload", Id("body")))
		}
		if st.Timeout > 0 {
			fields = append(fields, kv("Timeout", delay(float64(st.Timeout)/1000)))
		}
		call = Id("st").Dot("Publish").Call(transport(ms), Op("&").Qual(runtimePkg, "Publish").Add(lines(fields)))
	}
	if !messageUsed(st) {
		b.If(List(Id("_"), Err()).Op(":=").Add(call), Err().Op("!=").Nil()).Block(fail(Err(), Nil()))
		return
	}
	b.List(Id("msg"), Err()).Op(":=").Add(call)
	b.If(Err().Op("!=").Nil()).Block(fail(Err(), Nil()))
	if !ms.Receive {
		// A receive step's criteria chose its message; a send step's test the message sent.
		for _, cr := range st.Criteria {
			b.If(Op("!").Parens(criterionExpr(cr))).Block(fail(Id("msg").Dot("Unmet").Call(Lit(cr.Text)), Nil()))
		}
	}
	for i, fl := range st.Outputs.Fields {
		v := st.OutputValues[i]
		dst := Id("s").Dot(st.Field).Dot(fl.GoName)
		if v.Kind == ir.VResponseBody && v.Message {
			args := []Code{Op("&").Add(dst)}
			for _, t := range v.Pointer {
				args = append(args, Lit(t))
			}
			commentf(b, "%s: %s", fl.JSONName, v.Src)
			b.If(Err().Op(":=").Id("msg").Dot("Decode").Call(args...), Err().Op("!=").Nil()).Block(fail(Err(), Nil()))
			continue
		}
		b.Add(dst).Op("=").Add(valueExpr(v)).Add(srcComment(v))
	}
}

// receiveMatch renders a receive step's Match: the correlation ID at one of its places,
// and every success criterion. nil when the step takes the first message.
func receiveMatch(b *Group, st *ir.Step) *Statement {
	ms := st.Message
	var conds []Code
	if ms.CorrelationValue != nil {
		b.Id("corr").Op(":=").Add(stringExpr(ms.CorrelationValue, nil)).Add(srcComment(ms.CorrelationValue))
		var corr *Statement
		for _, loc := range ms.Correlation {
			var c *Statement
			if loc.Header {
				c = Id("msg").Dot("Header").Dot("Get").Call(Lit(loc.Pointer[0])).Op("==").Id("corr")
			} else {
				args := []Code{Id("corr")}
				for _, t := range loc.Pointer {
					args = append(args, Lit(t))
				}
				c = Id("msg").Dot("Correlates").Call(args...)
			}
			if corr == nil {
				corr = c
			} else {
				corr = corr.Op("||").Add(c)
			}
		}
		if len(ms.Correlation) > 1 {
			corr = Parens(corr)
		}
		conds = append(conds, corr)
	}
	for _, cr := range st.Criteria {
		conds = append(conds, Parens(criterionExpr(cr)))
	}
	if len(conds) == 0 {
		return nil
	}
	var body *Statement
	for _, c := range conds {
		if body == nil {
			body = Add(c)
		} else {
			body = body.Op("&&").Line().Add(c)
		}
	}
	return Func().Params(Id("msg").Op("*").Qual(runtimePkg, "Message")).Bool().Block(Return(body))
}

// messageComment describes an AsyncAPI step for its comment line.
func messageComment(st *ir.Step) string {
	ms := st.Message
	verb := "send to"
	if ms.Receive {
		verb = "receive from"
	}
	return fmt.Sprintf("%s %s of %s (%s %s)", verb, ms.Target, ms.Source.Name, st.Method, ms.Address)
}
