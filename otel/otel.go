// Package otel reports arazzogen workflow runs as OpenTelemetry spans. It is a module of its
// own so that the runtime, which generated code imports, stays free of dependencies.
//
//	client, err := pkg.NewClient(pkg.WithObserver(otel.NewObserver(nil))) // the global TracerProvider
//
// A run becomes a tree of spans: "workflow <workflowId>" (internal), a child
// "step <stepId>" (internal) for each step, and under each step a client span
// "<METHOD> <path template>" for each request, with the HTTP semantic-convention attributes
// http.request.method, url.template, url.scheme, server.address, server.port,
// http.response.status_code and http.response.body.size, and arazzo.workflow.id and
// arazzo.step.id. Retries are events named "arazzo.retry" on the step's span. A failed run,
// step or request has status Error with the runtime's redacted message; a response of status
// 400 or more marks its request span as an error, as the conventions for client spans say.
//
// Spans carry no secrets: the runtime's events hold no bodies, no concrete URLs and only
// redacted headers, and this package records no headers at all. To propagate the trace to
// the APIs, wrap the Doer given to the client with an OpenTelemetry HTTP transport: each
// request's context carries its span.
package otel

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"

	"github.com/arazzogen/arazzogen/runtime"
	otelapi "go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of the tracer.
const ScopeName = "github.com/arazzogen/arazzogen/otel"

// Attribute keys that the HTTP semantic conventions do not define.
const (
	WorkflowKey = attribute.Key("arazzo.workflow.id")
	StepKey     = attribute.Key("arazzo.step.id")
	AttemptKey  = attribute.Key("arazzo.retry.attempt")
	DelayKey    = attribute.Key("arazzo.retry.delay_ms")
)

// NewObserver returns a runtime.Observer that records spans with a tracer from tp, or from
// the global TracerProvider when tp is nil.
func NewObserver(tp trace.TracerProvider) runtime.Observer {
	if tp == nil {
		tp = otelapi.GetTracerProvider()
	}
	return observer{tracer: tp.Tracer(ScopeName)}
}

type observer struct{ tracer trace.Tracer }

func (o observer) WorkflowStart(ctx context.Context, e runtime.WorkflowEvent) context.Context {
	ctx, _ = o.tracer.Start(ctx, "workflow "+e.Workflow, trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithAttributes(WorkflowKey.String(e.Workflow)))
	return ctx
}

func (o observer) WorkflowEnd(ctx context.Context, e runtime.WorkflowEvent) {
	end(trace.SpanFromContext(ctx), e.Err)
}

func (o observer) StepStart(ctx context.Context, e runtime.StepEvent) context.Context {
	ctx, _ = o.tracer.Start(ctx, "step "+e.Step, trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithAttributes(WorkflowKey.String(e.Workflow), StepKey.String(e.Step)))
	return ctx
}

func (o observer) StepEnd(ctx context.Context, e runtime.StepEvent) {
	end(trace.SpanFromContext(ctx), e.Err)
}

func (o observer) Request(ctx context.Context, e runtime.RequestEvent) context.Context {
	attrs := []attribute.KeyValue{
		attribute.String("http.request.method", e.Method),
		WorkflowKey.String(e.Workflow),
		StepKey.String(e.Step),
	}
	if e.Path != "" {
		attrs = append(attrs, attribute.String("url.template", e.Path))
	}
	scheme, hostport, _ := strings.Cut(e.Server, "://")
	if scheme != "" {
		attrs = append(attrs, attribute.String("url.scheme", scheme))
	}
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, map[string]string{"http": "80", "https": "443"}[scheme]
	}
	if host != "" {
		attrs = append(attrs, attribute.String("server.address", host))
	}
	if p, err := strconv.Atoi(port); err == nil {
		attrs = append(attrs, attribute.Int("server.port", p))
	}
	name := e.Method
	if e.Path != "" {
		name += " " + e.Path
	}
	ctx, _ = o.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	return ctx
}

func (o observer) Response(ctx context.Context, e runtime.ResponseEvent) {
	span := trace.SpanFromContext(ctx)
	if e.StatusCode != 0 {
		span.SetAttributes(attribute.Int("http.response.status_code", e.StatusCode))
	}
	if e.Err == nil {
		span.SetAttributes(attribute.Int("http.response.body.size", e.BodyBytes))
	}
	if e.Err == nil && e.StatusCode >= 400 {
		span.SetAttributes(attribute.String("error.type", strconv.Itoa(e.StatusCode)))
		span.SetStatus(codes.Error, "")
	}
	end(span, e.Err)
}

func (o observer) Retry(ctx context.Context, e runtime.RetryEvent) {
	attrs := []attribute.KeyValue{AttemptKey.Int(e.Attempt), DelayKey.Int64(e.Delay.Milliseconds())}
	if e.StatusCode != 0 {
		attrs = append(attrs, attribute.Int("http.response.status_code", e.StatusCode))
	}
	if e.Err != nil {
		attrs = append(attrs, attribute.String("error.message", e.Err.Error()))
	}
	trace.SpanFromContext(ctx).AddEvent("arazzo.retry", trace.WithAttributes(attrs...))
}

// end ends a span, marking it failed with err's (redacted) message.
func end(span trace.Span, err error) {
	if err != nil {
		span.SetStatus(codes.Error, err.Error())
		span.SetAttributes(attribute.String("error.type", errorType(err)))
	}
	span.End()
}

// errorType is a low-cardinality description of a failure for the error.type attribute:
// the HTTP status when there was one, else timeout, cancelled or _OTHER.
func errorType(err error) string {
	var se *runtime.StepError
	switch {
	case errors.As(err, &se) && se.StatusCode != 0:
		return strconv.Itoa(se.StatusCode)
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	return "_OTHER"
}
