package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Observer is told what a workflow run does. The methods that begin something (a workflow,
// a step, a request) return the context for what happens inside it, so that an
// implementation can carry a span or a logger down; the matching end method gets that
// context back. Events never carry secrets: headers are redacted (see RedactHeader), bodies
// are given as sizes, paths are OpenAPI templates rather than URLs, and errors redact the
// values the run was told are secret. The concrete URL and body excerpts are there for
// traces, redacted too, through the methods RequestEvent.URL and BodyExcerpt.
//
// Methods may be called concurrently for different runs, and for different steps of one
// run whose steps run at once (arazzogen -parallel: see Group for the order of their
// events). Embed NopObserver to implement only some of them.
type Observer interface {
	WorkflowStart(ctx context.Context, e WorkflowEvent) context.Context
	WorkflowEnd(ctx context.Context, e WorkflowEvent)
	StepStart(ctx context.Context, e StepEvent) context.Context
	StepEnd(ctx context.Context, e StepEvent)
	Request(ctx context.Context, e RequestEvent) context.Context
	Response(ctx context.Context, e ResponseEvent)
	Retry(ctx context.Context, e RetryEvent)
}

// WorkflowEvent is a workflow run starting or ending.
type WorkflowEvent struct {
	Workflow string        // Arazzo workflowId
	Duration time.Duration // at the end
	Err      error         // at the end: why the run failed, nil on success
}

// StepEvent is a step starting or ending.
type StepEvent struct {
	Workflow string
	Step     string        // Arazzo stepId
	Duration time.Duration // at the end
	Err      error         // at the end: why the step failed, nil on success
}

// RequestEvent is a request about to be sent.
type RequestEvent struct {
	Workflow, Step string
	Method         string
	Server         string      // scheme://host[:port], without path, query or user info
	Path           string      // OpenAPI path template, never the concrete path
	Header         http.Header // redacted copy, credentials applied
	BodyBytes      int

	detail detailRef // for URL and BodyExcerpt
}

// URL is the concrete URL of the request, for traces that should show what was sent
// (SlogTraceObserver): without user info, with the value of every query parameter whose
// name is secret (SecretName) or that holds a secret replaced by Redacted, and the secrets
// the request knows redacted from the rest. It is "" for an event the runtime did not make.
func (e RequestEvent) URL() string { return e.detail.get().url() }

// BodyExcerpt is the start of the request body, at most TraceBodyBytes, redacted as the
// body excerpt of a StepError is (secret JSON members and form fields by name, the request's
// secrets everywhere) and ending in "…" when it was cut. It is "" without a body.
func (e RequestEvent) BodyExcerpt() string { return e.detail.get().excerpt() }

// BodyExcerpt is the start of the response body, redacted and bounded as
// RequestEvent.BodyExcerpt is; "" when no body was read.
func (e ResponseEvent) BodyExcerpt() string { return e.detail.get().excerpt() }

// TraceBodyBytes bounds the body excerpts of events (RequestEvent.BodyExcerpt,
// ResponseEvent.BodyExcerpt).
const TraceBodyBytes = 4096

// exchangeDetail holds what the URL and BodyExcerpt methods of an event render on demand,
// so that observers that never call them cost nothing. Events hold it through a function
// (detailRef), which fmt prints as an address with every verb: a pointer would be followed
// by %s or %q ("%!s(*runtime.exchangeDetail=&{…})"), showing the body and the secrets.
type detailRef func() *exchangeDetail

func (r detailRef) get() *exchangeDetail {
	if r == nil {
		return nil
	}
	return r()
}

func refDetail(d *exchangeDetail) detailRef {
	if d == nil {
		return nil
	}
	return func() *exchangeDetail { return d }
}

type exchangeDetail struct {
	u           *url.URL
	body        []byte
	contentType string
	secrets     []string
}

func (d *exchangeDetail) url() string {
	if d == nil || d.u == nil {
		return ""
	}
	u := *d.u
	u.User = nil
	if u.RawQuery != "" {
		pairs := strings.Split(u.RawQuery, "&")
		for i, kv := range pairs {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				continue
			}
			name, err := url.QueryUnescape(k)
			if err != nil {
				name = k
			}
			value, err := url.QueryUnescape(v)
			if err != nil {
				value = v
			}
			if SecretName(name) || RedactString(value, d.secrets...) != value || RedactString(v, d.secrets...) != v {
				pairs[i] = k + "=" + Redacted
			}
		}
		u.RawQuery = strings.Join(pairs, "&")
	}
	return RedactString(u.String(), d.secrets...)
}

func (d *exchangeDetail) excerpt() string {
	if d == nil || len(d.body) == 0 {
		return ""
	}
	body := d.body
	if mt, _, err := mime.ParseMediaType(d.contentType); err == nil && mt == "application/x-www-form-urlencoded" {
		body = redactForm(body)
	}
	return excerptN(body, d.secrets, TraceBodyBytes)
}

// redactForm replaces the values of the fields of a form-encoded body whose names are
// secret.
func redactForm(b []byte) []byte {
	fields := strings.Split(string(b), "&")
	changed := false
	for i, kv := range fields {
		k, _, ok := strings.Cut(kv, "=")
		if name, err := url.QueryUnescape(k); ok && err == nil && SecretName(name) {
			fields[i], changed = k+"="+Redacted, true
		}
	}
	if !changed {
		return b
	}
	return []byte(strings.Join(fields, "&"))
}

// ResponseEvent is a request's outcome: a response read whole, or the failure.
type ResponseEvent struct {
	Workflow, Step string
	Method         string
	Path           string
	StatusCode     int         // 0 when no response was received
	Header         http.Header // redacted copy; nil when no response was received
	BodyBytes      int
	Duration       time.Duration // from sending to the last byte read
	Err            error         // a *StepError when the request failed

	detail detailRef // for BodyExcerpt
}

// RetryEvent is a step about to be tried again, as its document's retry action asks.
type RetryEvent struct {
	Workflow, Step string
	Attempt        int           // the attempt about to start: 2 for the first retry
	Delay          time.Duration // the wait before it
	StatusCode     int           // the status that led to the retry, 0 when none
	Err            error         // why the previous attempt failed, when it did
}

// NopObserver observes nothing. Embed it to implement only some Observer methods.
type NopObserver struct{}

func (NopObserver) WorkflowStart(ctx context.Context, _ WorkflowEvent) context.Context { return ctx }
func (NopObserver) WorkflowEnd(context.Context, WorkflowEvent)                         {}
func (NopObserver) StepStart(ctx context.Context, _ StepEvent) context.Context         { return ctx }
func (NopObserver) StepEnd(context.Context, StepEvent)                                 {}
func (NopObserver) Request(ctx context.Context, _ RequestEvent) context.Context        { return ctx }
func (NopObserver) Response(context.Context, ResponseEvent)                            {}
func (NopObserver) Retry(context.Context, RetryEvent)                                  {}

// MultiObserver tells each observer in turn; nil observers are skipped. The contexts
// returned by the start methods are threaded through them in order.
func MultiObserver(obs ...Observer) Observer {
	var m multiObserver
	for _, o := range obs {
		if o != nil {
			m = append(m, o)
		}
	}
	if len(m) == 1 {
		return m[0]
	}
	return m
}

type multiObserver []Observer

func (m multiObserver) WorkflowStart(ctx context.Context, e WorkflowEvent) context.Context {
	for _, o := range m {
		ctx = o.WorkflowStart(ctx, e)
	}
	return ctx
}
func (m multiObserver) WorkflowEnd(ctx context.Context, e WorkflowEvent) {
	for _, o := range m {
		o.WorkflowEnd(ctx, e)
	}
}
func (m multiObserver) StepStart(ctx context.Context, e StepEvent) context.Context {
	for _, o := range m {
		ctx = o.StepStart(ctx, e)
	}
	return ctx
}
func (m multiObserver) StepEnd(ctx context.Context, e StepEvent) {
	for _, o := range m {
		o.StepEnd(ctx, e)
	}
}
func (m multiObserver) Request(ctx context.Context, e RequestEvent) context.Context {
	for _, o := range m {
		ctx = o.Request(ctx, e)
	}
	return ctx
}
func (m multiObserver) Response(ctx context.Context, e ResponseEvent) {
	for _, o := range m {
		o.Response(ctx, e)
	}
}
func (m multiObserver) Retry(ctx context.Context, e RetryEvent) {
	for _, o := range m {
		o.Retry(ctx, e)
	}
}

// SlogObserver logs runs to l (slog.Default() when nil): workflow start and end at Info
// (a failed run at Error), retries at Info, steps, requests and responses at Debug (a failed
// step or request at Warn). Records carry the attributes workflow, step, method, server,
// path, status, bytes, duration, attempt, delay, error and, at Debug, the redacted header.
//
// Header values longer than MaxLoggedHeaderBytes are cut to that length, ending in "…".
func SlogObserver(l *slog.Logger) Observer {
	if l == nil {
		l = slog.Default()
	}
	return slogObserver{l: l}
}

// SlogTraceObserver logs what SlogObserver does and, at Debug, what each request sent and
// each response held: the request's URL as sent (RequestEvent.URL: query values that are
// secret redacted) and both bodies as redacted excerpts of at most TraceBodyBytes
// (attributes url and body). It is meant for a person tracing a run, as the generated
// command's -v flag does; SlogObserver keeps concrete URLs and bodies, which may hold
// personal data, out of logs.
func SlogTraceObserver(l *slog.Logger) Observer {
	if l == nil {
		l = slog.Default()
	}
	return slogObserver{l: l, trace: true}
}

type slogObserver struct {
	l     *slog.Logger
	trace bool // log URLs and body excerpts
}

// MaxLoggedHeaderBytes bounds each header value that SlogObserver and SlogTraceObserver log.
const MaxLoggedHeaderBytes = 256

func errAttr(err error) slog.Attr { return slog.String("error", err.Error()) }

func (o slogObserver) WorkflowStart(ctx context.Context, e WorkflowEvent) context.Context {
	o.l.LogAttrs(ctx, slog.LevelInfo, "workflow start", slog.String("workflow", e.Workflow))
	return ctx
}

func (o slogObserver) WorkflowEnd(ctx context.Context, e WorkflowEvent) {
	attrs := []slog.Attr{slog.String("workflow", e.Workflow), slog.Duration("duration", e.Duration)}
	level := slog.LevelInfo
	if e.Err != nil {
		level = slog.LevelError
		attrs = append(attrs, errAttr(e.Err))
	}
	o.l.LogAttrs(ctx, level, "workflow end", attrs...)
}

func (o slogObserver) StepStart(ctx context.Context, e StepEvent) context.Context {
	o.l.LogAttrs(ctx, slog.LevelDebug, "step start", slog.String("workflow", e.Workflow), slog.String("step", e.Step))
	return ctx
}

func (o slogObserver) StepEnd(ctx context.Context, e StepEvent) {
	attrs := []slog.Attr{slog.String("workflow", e.Workflow), slog.String("step", e.Step), slog.Duration("duration", e.Duration)}
	level := slog.LevelDebug
	if e.Err != nil {
		level = slog.LevelWarn
		attrs = append(attrs, errAttr(e.Err))
	}
	o.l.LogAttrs(ctx, level, "step end", attrs...)
}

func (o slogObserver) Request(ctx context.Context, e RequestEvent) context.Context {
	if o.l.Enabled(ctx, slog.LevelDebug) {
		attrs := []slog.Attr{
			slog.String("workflow", e.Workflow), slog.String("step", e.Step),
			slog.String("method", e.Method), slog.String("server", e.Server), slog.String("path", e.Path),
		}
		if o.trace {
			attrs = append(attrs, slog.String("url", e.URL()))
		}
		attrs = append(attrs, slog.Int("bytes", e.BodyBytes), headerAttr(e.Header))
		if b := e.BodyExcerpt(); o.trace && b != "" {
			attrs = append(attrs, slog.String("body", b))
		}
		o.l.LogAttrs(ctx, slog.LevelDebug, "request", attrs...)
	}
	return ctx
}

func (o slogObserver) Response(ctx context.Context, e ResponseEvent) {
	level := slog.LevelDebug
	if e.Err != nil {
		level = slog.LevelWarn
	}
	if !o.l.Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("workflow", e.Workflow), slog.String("step", e.Step),
		slog.String("method", e.Method), slog.String("path", e.Path),
		slog.Int("status", e.StatusCode), slog.Int("bytes", e.BodyBytes), slog.Duration("duration", e.Duration),
	}
	if e.Err != nil {
		attrs = append(attrs, errAttr(e.Err))
	}
	if e.Header != nil {
		attrs = append(attrs, headerAttr(e.Header))
	}
	if o.trace && o.l.Enabled(ctx, slog.LevelDebug) {
		if b := e.BodyExcerpt(); b != "" {
			attrs = append(attrs, slog.String("body", b))
		}
	}
	o.l.LogAttrs(ctx, level, "response", attrs...)
}

func (o slogObserver) Retry(ctx context.Context, e RetryEvent) {
	attrs := []slog.Attr{
		slog.String("workflow", e.Workflow), slog.String("step", e.Step),
		slog.Int("attempt", e.Attempt), slog.Duration("delay", e.Delay),
	}
	if e.StatusCode != 0 {
		attrs = append(attrs, slog.Int("status", e.StatusCode))
	}
	if e.Err != nil {
		attrs = append(attrs, errAttr(e.Err))
	}
	o.l.LogAttrs(ctx, slog.LevelInfo, "retry", attrs...)
}

// headerAttr renders a header (already redacted) as a group, names sorted.
func headerAttr(h http.Header) slog.Attr {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	attrs := make([]slog.Attr, 0, len(keys))
	for _, k := range keys {
		v := h[k]
		if len(v) == 1 {
			attrs = append(attrs, slog.String(k, CutText(v[0], MaxLoggedHeaderBytes)))
		} else {
			cut := make([]string, len(v))
			for i, s := range v {
				cut[i] = CutText(s, MaxLoggedHeaderBytes)
			}
			attrs = append(attrs, slog.Any(k, cut))
		}
	}
	return slog.Attr{Key: "header", Value: slog.GroupValue(attrs...)}
}

// CutText cuts s to at most n bytes, at a character boundary, ending in "…" when cut.
func CutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}

// Run is one call of a workflow method: it reports the workflow and its steps to the
// Transport's Observer and collects the values that must be redacted from then on. It is
// meant for generated code, which uses it like this:
//
//	func (c *Client) RefreshAndListCustomers(ctx context.Context, in RefreshAndListCustomersInputs) (_ *RefreshAndListCustomersOutputs, err error) {
//		run := c.rt.Start(ctx, "refresh-and-list-customers")
//		defer func() { err = run.End(err) }()
//		run.Secret(in.RefreshToken) // inputs whose name or schema marks them secret
//
//		st := run.Step("refreshToken")
//		resp, err := st.Send(&runtime.Request{Method: "POST", Path: "/auth/refresh", URL: …, Auth: c.auth[0]})
//		if err != nil {
//			return nil, err // End ends the open step with err
//		}
//		…
//		run.Secret(stepRefreshToken.AccessToken) // outputs marked secret
//		st.End(nil)
//		…
//	}
//
// A Run is safe for concurrent use by steps that run in parallel.
type Run struct {
	t        *Transport
	obs      Observer
	ctx      context.Context
	workflow string
	start    time.Time
	part     bool // a part of a run driven elsewhere: no workflow events (Activity)

	mu      sync.Mutex
	secrets []string
	open    []*Step
	ended   bool
	// inboxes are the run's subscriptions to message channels (message.go).
	inboxes []*inbox
	waited  time.Duration // the retry waits of this run and the runs it called, on the outermost run
	evalErr *StepError    // an evaluation the budget or the context stopped (see evaluate.go)

	// outermost is the run whose budget bounds this one's retry waits: the run of the step
	// that called this workflow, or this run.
	outermost *Run
	rc        runContext // the run's context, which names the run

	// Room for the first steps, open steps and secrets of a run, so that a short workflow
	// allocates none of them on its own.
	steps      [3]Step
	nSteps     int
	openBuf    [2]*Step
	secretsBuf [3]string
}

// Start begins a run of workflow, reporting WorkflowStart. Every Start must be matched by
// End, normally deferred.
func (t *Transport) Start(ctx context.Context, workflow string) *Run {
	obs := t.observer()
	r := &Run{t: t, obs: obs, workflow: workflow, start: time.Now()}
	r.open, r.secrets = r.openBuf[:0], r.secretsBuf[:0]
	r.outermost = r
	if caller, ok := ctx.Value(runKey{}).(*Run); ok {
		r.outermost = caller.outermost
	}
	r.rc = runContext{Context: obs.WorkflowStart(ctx, WorkflowEvent{Workflow: workflow}), run: r}
	r.ctx = &r.rc
	return r
}

type runKey struct{}

// runContext is a run's context: the one the observer returned, naming the run, so that a
// workflow that a step calls shares the run's retry budget. It lives inside the Run, which
// saves the allocation of a context.WithValue.
type runContext struct {
	context.Context
	run *Run
}

func (c *runContext) Value(key any) any {
	if key == (runKey{}) {
		return c.run
	}
	return c.Context.Value(key)
}

// spendRetryWait takes d from the retry budget of the step's run, or returns the error of a
// budget that d would pass.
func (s *Step) spendRetryWait(d time.Duration, cause error) error {
	if d <= 0 {
		return nil
	}
	budget := s.run.t.RetryBudget
	if budget <= 0 {
		budget = DefaultRetryBudget
	}
	o := s.run.outermost
	o.mu.Lock()
	waited := o.waited
	ok := waited+d <= budget
	if ok {
		o.waited += d
	}
	o.mu.Unlock()
	if ok {
		return nil
	}
	reason := fmt.Sprintf("not retried: waiting %s more would pass the run's retry budget of %s (%s waited already; raise it with WithRetryBudget)", d, budget, waited)
	req := &Request{Workflow: s.run.workflow, Step: s.name, secrets: s.run.secretList()}
	return req.fail(0, reason, &budgetError{cause: redactErr(cause, req.secrets...)})
}

// Context is the run's context (the caller's, with what the observer added).
func (r *Run) Context() context.Context { return r.ctx }

// Secret marks values as secret for the rest of the run: they are redacted from every later
// error, event and log record of the run, and from the error End returns. Empty values are
// ignored.
func (r *Run) Secret(values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range values {
		if v != "" && !slices.Contains(r.secrets, v) {
			r.secrets = append(r.secrets, v)
		}
	}
}

func (r *Run) secretList() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clip(r.secrets)
}

// Step begins a step, reporting StepStart. End it with Step.End; a step still open when
// the run ends is ended with the run's error.
func (r *Run) Step(name string) *Step { return r.step(r.ctx, name) }

// step begins a step whose context derives from ctx: the run's, or a Group's.
func (r *Run) step(ctx context.Context, name string) *Step {
	start := time.Now()
	ctx = r.obs.StepStart(ctx, StepEvent{Workflow: r.workflow, Step: name})
	r.mu.Lock()
	var s *Step
	if r.nSteps < len(r.steps) {
		s = &r.steps[r.nSteps]
		r.nSteps++
	} else {
		s = new(Step)
	}
	*s = Step{run: r, name: name, ctx: ctx, start: start}
	r.open = append(r.open, s)
	r.mu.Unlock()
	return s
}

// End ends the run with the error the workflow method is about to return (nil on success):
// it ends the steps still open with err, reports WorkflowEnd, and returns err with the
// run's secrets redacted: a *StepError (also one that err wraps) is told them, and another
// error whose message shows one is wrapped in an error with a redacted message that still
// unwraps to it. Only the first End counts.
func (r *Run) End(err error) error {
	r.mu.Lock()
	open, secrets, ended := r.open, slices.Clip(r.secrets), r.ended
	r.open, r.ended = nil, true
	r.mu.Unlock()
	if ended {
		return err
	}
	if ee := r.evalError(); ee != nil && err == nil {
		err = ee
	}
	if err != nil {
		var se *StepError
		if errors.As(err, &se) {
			se.addSecrets(secrets)
		}
	}
	// A *StepError now redacts itself and is returned as it is; an error that wraps one, or
	// any other error, is wrapped when its message still shows a secret.
	err = redactErr(err, secrets...)
	for i := len(open) - 1; i >= 0; i-- {
		open[i].end(err)
	}
	r.closeInboxes()
	if r.part {
		return err
	}
	r.obs.WorkflowEnd(r.ctx, WorkflowEvent{Workflow: r.workflow, Duration: time.Since(r.start), Err: err})
	return err
}

// Step is one step of a Run.
type Step struct {
	run   *Run
	name  string
	ctx   context.Context
	start time.Time
	ended bool // guarded by run.mu
	sends int  // requests sent so far, guarded by run.mu: more than one when retry actions ran
}

// Context is the step's context: a retry wait selects on its Done.
func (s *Step) Context() context.Context { return s.ctx }

// Send sends req as part of this step: req.Workflow and req.Step default to the run's and
// the step's names, the run's secrets are redacted, and the request is observed inside the
// step. See Transport.Send for the errors.
func (s *Step) Send(req *Request) (*Response, error) {
	if ee := s.run.evalError(); ee != nil {
		return nil, ee // an evaluation the budget or the context stopped fails the run
	}
	s.run.mu.Lock()
	s.sends++
	attempt := s.sends
	s.run.mu.Unlock()
	resp, err := s.run.t.send(s.ctx, req, s.run.workflow, s.name, s.run.secretList(), attempt)
	if resp != nil {
		resp.run = s.run
	}
	return resp, err
}

// Secret marks values as secret for the rest of the step's run, as Run.Secret does. A nil
// Step ignores them: a step judged outside a run (a called workflow's outputs checked by a
// durable engine's workflow code) has nothing to redact.
func (s *Step) Secret(values ...string) {
	if s != nil {
		s.run.Secret(values...)
	}
}

// Err returns nil while the step's context is live, and once it is done the *StepError
// saying the step was cancelled or timed out (errors.Is matches context.Canceled or
// context.DeadlineExceeded). Generated code checks it after waiting between attempts.
func (s *Step) Err() error {
	if s.ctx.Err() == nil {
		return nil
	}
	s.run.mu.Lock()
	attempt := s.sends
	s.run.mu.Unlock()
	req := &Request{Workflow: s.run.workflow, Step: s.name, secrets: s.run.secretList(), attempt: attempt}
	return ctxFail(s.ctx, req, 0, s.start, "")
}

// Retry reports that the step is about to be tried again: attempt is the attempt about to
// start (2 for the first retry), delay the wait before it, cause why the previous attempt
// failed (its status is taken from a *StepError).
func (s *Step) Retry(attempt int, delay time.Duration, cause error) {
	e := RetryEvent{Workflow: s.run.workflow, Step: s.name, Attempt: attempt, Delay: delay}
	var se *StepError
	if errors.As(cause, &se) {
		e.StatusCode = se.StatusCode
	}
	e.Err = redactErr(cause, s.run.secretList()...)
	s.run.obs.Retry(s.ctx, e)
}

// End ends the step, reporting StepEnd with err (nil on success). Only the first End counts.
func (s *Step) End(err error) {
	r := s.run
	r.mu.Lock()
	if s.ended {
		r.mu.Unlock()
		return
	}
	r.open = slices.DeleteFunc(r.open, func(o *Step) bool { return o == s })
	secrets := slices.Clip(r.secrets)
	r.mu.Unlock()
	s.end(redactErr(err, secrets...))
}

func (s *Step) end(err error) {
	r := s.run
	r.mu.Lock()
	if s.ended {
		r.mu.Unlock()
		return
	}
	s.ended = true
	r.mu.Unlock()
	r.obs.StepEnd(s.ctx, StepEvent{Workflow: r.workflow, Step: s.name, Duration: time.Since(s.start), Err: err})
}

// Activity begins a run that carries out part of a workflow run driven elsewhere: one step
// run as a durable engine's activity. Its steps, requests and responses are reported to the
// observer as a run's are; the workflow's own start and end are not (the engine reports
// them once per workflow run, not once per activity). End it with End as any run.
func (t *Transport) Activity(ctx context.Context, workflow string) *Run {
	r := &Run{t: t, obs: t.observer(), ctx: ctx, workflow: workflow, start: time.Now(), part: true}
	r.open, r.secrets = r.openBuf[:0], r.secretsBuf[:0]
	return r
}
