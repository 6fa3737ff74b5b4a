package ir

import (
	"slices"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/expr"
	"github.com/arazzogen/arazzogen/generator/internal/load"
	yaml "go.yaml.in/yaml/v4"
)

// Redocly's x-operation step extension calls a URL that no OpenAPI description declares:
//
//	x-operation: {url: https://api.example.com/customers/{id}, method: get}
//
// The step becomes an operation of its own: path parameters fill the url's "{name}"
// templates, every parameter is serialized in its location's OpenAPI default style (form
// and exploded for query and cookie, simple for path and header), the workflow's parameters
// all apply (there is no declaration to rule one out), a body is JSON unless the step says
// otherwise, and the response is untyped: outputs are json.RawMessage, read with runtime
// lookups.
//
// A literal url is used as it is, but its origin (scheme, host and port) is a server of
// the client like a source description's: WithServerURL(origin, url) and the command's
// -server ORIGIN=URL point every x-operation on that origin elsewhere (a staging host, a
// local fake). A url holding runtime expressions ("{$inputs.baseUrl}/customers/{id}", or
// "$steps.upload.outputs.location" as Redocly's documentation shows) is built at run time,
// up to the end of its last expression, and used as it is.

// xOperationMethods are the methods an x-operation may name, in any case: those of an
// OpenAPI 3.2 Path Item (CONNECT, which Redocly lists too, opens a tunnel rather than calling
// an operation).
var xOperationMethods = []string{"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE", "QUERY"}

// xOperation compiles a step's x-operation into the operation it calls, its server (for a
// literal url) or the runtime-built start of its url; nil when it is malformed (reported).
func (b *builder) xOperation(sc *scope, s *load.Step) (op *load.Operation, src *Source, base *Value, written string) {
	x := s.XOperation
	for i, other := range []load.Str{s.OperationID, s.OperationPath, s.WorkflowID} {
		if other.Set() {
			b.errorf(x.Pos, "bad-value", "step %q has both x-operation and %s; a step calls one thing", s.ID.Value, []string{"operationId", "operationPath", "workflowId"}[i]).
				WithHint("remove one of them")
			return nil, nil, nil, ""
		}
	}
	if !x.URL.Set() || !x.Method.Set() || x.URL.Node.Kind != yaml.ScalarNode || x.Method.Node.Kind != yaml.ScalarNode {
		return nil, nil, nil, "" // reported when the document was read
	}
	method := strings.ToUpper(x.Method.Value)
	if method == "X-QUERY" {
		method = "QUERY" // Redocly's spelling from before OpenAPI 3.2 named QUERY
	}
	if !slices.Contains(xOperationMethods, method) {
		b.errorf(x.Method.Pos, "bad-value", "x-operation method %q is not an HTTP method arazzogen can call", x.Method.Value).
			WithHint("use one of %s", strings.ToLower(strings.Join(xOperationMethods, ", ")))
		return nil, nil, nil, ""
	}
	raw := x.URL.Value
	pv, err := expr.ParseValue(raw)
	if err != nil {
		pe := err.(*expr.Error)
		b.errorf(innerPos(x.URL.Node, x.URL.Pos, pe.Offset), "expression", "malformed runtime expression: %s", pe.Msg)
		return nil, nil, nil, ""
	}
	op = load.UndescribedOperation(method)
	if pv.IsLiteral() {
		scheme, rest, ok := strings.Cut(raw, "://")
		if !ok || scheme != "http" && scheme != "https" || rest == "" || strings.ContainsAny(rest[:1], "/?#") {
			b.errorf(x.URL.Pos, "bad-value", "x-operation url %q is not an absolute http or https URL", raw).
				WithHint("write the whole URL, https://host/path, or build it with a runtime expression: {$inputs.baseUrl}/path")
			return nil, nil, nil, ""
		}
		if strings.Contains(rest, "#") {
			b.errorf(x.URL.Pos, "bad-value", "x-operation url %q has a fragment, which is never sent to a server", raw)
			return nil, nil, nil, ""
		}
		host, path := rest, ""
		if i := strings.IndexAny(rest, "/?"); i >= 0 {
			host, path = rest[:i], rest[i:]
		}
		op.Path = path
		return op, b.originSource(scheme + "://" + host), nil, raw
	}
	// The url's start, up to the end of its last expression, is built at run time; what
	// follows is a path template like any other.
	end := len(raw)
	if pv.Whole == nil {
		last := pv.Parts[len(pv.Parts)-1]
		if last.Expr == nil {
			end = last.Offset
		}
	}
	op.Path = raw[end:]
	if pv.Whole == nil {
		for _, p := range pv.Parts {
			if p.Expr == nil && p.Offset < end && strings.Contains(p.Lit, "{") {
				b.errorf(innerPos(x.URL.Node, x.URL.Pos, p.Offset+strings.Index(p.Lit, "{")), "bad-value", "x-operation url %q has a path parameter before its last runtime expression; only the text after it is a path template", raw)
				return nil, nil, nil, ""
			}
		}
	}
	base = b.stringValue(sc, x.URL.Node, raw[:end], x.URL.Pos)
	if base == nil {
		return nil, nil, nil, ""
	}
	return op, nil, base, raw
}

// originSource returns (creating on first use) the client server of an x-operation origin.
// Its name is the origin itself, which no source description can have (their names allow
// no ':' or '/').
func (b *builder) originSource(origin string) *Source {
	for _, s := range b.prog.Sources {
		if s.Name == origin {
			return s
		}
	}
	host := origin[strings.Index(origin, "://")+3:]
	s := &Source{Name: origin, GoName: b.typeNames.name("Origin" + GoName(host)), DefaultURL: origin, Index: len(b.prog.Sources), Origin: true}
	b.prog.Sources = append(b.prog.Sources, s)
	return s
}
