package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"
)

// DefaultTimeout is the per-request timeout that generated clients start with (30 seconds):
// long enough for slow APIs, short enough that a stalled server cannot hold a CI job until
// its own limit.
const DefaultTimeout = 30 * time.Second

// ErrBodyTooLarge is matched (errors.Is) by the *StepError of a response whose body is
// larger than the transport's MaxBodyBytes. Such a body is never read beyond the limit: when
// its Content-Length says it is too large it is not read at all.
var ErrBodyTooLarge = errors.New("body too large (the limit is set with WithMaxBodyBytes)")

// Transport sends the requests of generated code: it applies credentials, bounds each
// request in time and each response body in size, reports to an Observer and turns every
// failure into a *StepError whose message carries no secret. A generated Client holds one
// and sets its fields from its options; it is safe for concurrent use once set up.
//
// A generated NewClient starts from
//
//	runtime.Transport{Doer: http.DefaultClient, MaxBodyBytes: runtime.DefaultMaxBodyBytes, Timeout: runtime.DefaultTimeout}
//
// and a workflow method calls Start, Step and Step.Send (see Run); Transport.Send serves
// code that makes requests outside a workflow run.
//
// Credentials stay with the origin (scheme, host and port) they were sent to. The Transport
// applies this redirect policy to every request it sends, and to the token requests of
// OAuth2 client credentials:
//
//   - A redirect within the origin keeps everything the request carried.
//   - A redirect to another origin, an https to http downgrade included, is followed without
//     any credential: the Authorization, Proxy-Authorization, Cookie and Referer headers,
//     every header the request's credentials set, whose name is secret (SensitiveHeader) or
//     whose value holds a secret, and every query parameter the credentials set, whose name
//     is secret (SecretName) or whose value holds a secret are removed; the rest (other
//     headers, other parameters, a body without a secret) follows as net/http would send it.
//   - Once a chain of redirects has left the origin, the credentials stay off for the rest of
//     it, also where it comes back: the other origin chose where it leads.
//   - A redirect to another origin is refused, and the step fails with "redirect to another
//     origin refused", when what would go there still holds a secret that cannot be removed:
//     one in the new URL's path, or a request body with a secret value or a secret-named
//     JSON member that a 307 or 308 would send again.
//
// With an *http.Client Doer (http.DefaultClient, or one given with WithHTTPClient) the policy
// runs before the client's own CheckRedirect, which still decides whether to follow; the
// client itself is not changed. A Doer of another type is opaque to the runtime: the
// *http.Client inside it must use CheckRedirect (or not follow redirects), and a request
// that such a Doer follows to another origin without it, while it carried credentials, fails
// its step rather than return that origin's answer.
type Transport struct {
	// Doer sends requests; nil means http.DefaultClient. It must honour the request's
	// context, as *http.Client does.
	Doer Doer
	// MaxBodyBytes bounds each response body; <= 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Timeout bounds each request, from sending it to reading the last byte of its
	// response, unless Request.Timeout overrides it; 0 means no bound other than ctx.
	Timeout time.Duration
	// Observer is told about workflows, steps, requests, responses and retries; nil means
	// none.
	Observer Observer
	// RetryBudget bounds the total time one workflow call may spend waiting before retries
	// (see Wait); <= 0 means DefaultRetryBudget.
	RetryBudget time.Duration
	// PollInterval is the first wait before a step that a goto action runs again (see
	// PollWait and PollDelay); 0 waits only when the server sends Retry-After. Generated
	// clients start with DefaultPollInterval.
	PollInterval time.Duration
}

type transportKey struct{}

func (t *Transport) doer() Doer {
	if t.Doer == nil {
		return http.DefaultClient
	}
	return t.Doer
}

func (t *Transport) observer() Observer {
	if t.Observer == nil {
		return NopObserver{}
	}
	return t.Observer
}

// doerFrom is the Doer of the Transport sending the current request (for credentials that
// need to make their own requests), or http.DefaultClient.
func doerFrom(ctx context.Context) Doer {
	if t, ok := ctx.Value(transportKey{}).(*Transport); ok {
		return t.doer()
	}
	return http.DefaultClient
}

// Send performs req and reads the whole response body. Every failure is a *StepError
// naming req's workflow and step:
//
//   - ctx cancelled, before or during the request: Reason "cancelled…", and errors.Is(err,
//     context.Canceled);
//   - a timeout (Request.Timeout, Transport.Timeout, or ctx's deadline): Reason "timed out
//     after D (step timeout|request timeout|context deadline)…", and errors.Is(err,
//     context.DeadlineExceeded);
//   - a credential that cannot be applied (an OAuth2 token endpoint refusing the client):
//     Reason "authentication failed", Err the credential's error (a *TokenError for OAuth2);
//   - no response (refused or reset connection): Reason "request failed";
//   - a body larger than MaxBodyBytes: StatusCode set, errors.Is(err, ErrBodyTooLarge);
//   - a body cut short: Reason "reading response body failed".
//
// A response with any status is returned as it is: judging it is the success criteria's
// job (Response.Unmet). Send starts no goroutine and always closes the body.
func (t *Transport) Send(ctx context.Context, req *Request) (*Response, error) {
	return t.send(ctx, req, "", "", nil, 0)
}

// exchange holds what one call of send allocates, in one allocation: the response, the copy
// of the request it refers to, and the cause of the request timeout.
type exchange struct {
	resp  Response
	req   Request
	cause timeoutCause
	guard redirectGuard
}

func (t *Transport) send(ctx context.Context, in *Request, workflow, step string, runSecrets []string, attempt int) (*Response, error) {
	x := &exchange{req: *in} // the copy carries what this call learns; the caller's Request is not changed
	req := &x.req
	req.attempt = attempt
	if req.Workflow == "" {
		req.Workflow = workflow
	}
	if req.Step == "" {
		req.Step = step
	}
	req.secrets = append(slices.Clip(runSecrets), req.Secrets...)
	obs := t.observer()
	start := time.Now()
	if ctx.Err() != nil {
		return nil, ctxFail(ctx, req, 0, start, " before the request was sent")
	}
	timeout, which := t.Timeout, "request timeout"
	if req.Timeout > 0 {
		timeout, which = req.Timeout, "step timeout"
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		x.cause = timeoutCause{d: timeout, which: which}
		ctx, cancel = context.WithTimeoutCause(ctx, timeout, &x.cause)
		defer cancel()
	}
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, req.URL, body)
	if err != nil {
		// The message of a URL parse error quotes the URL; say only what is wrong.
		return nil, req.fail(0, "cannot build request", errors.New("invalid method or URL"))
	}
	for k, v := range req.Header {
		hr.Header[k] = v
	}
	if req.ContentType != "" {
		hr.Header.Set("Content-Type", req.ContentType)
	}
	if hr.Header.Get("Accept") == "" {
		accept := req.Accept
		if accept == "" {
			accept = DefaultAccept
		}
		hr.Header.Set("Accept", accept)
	}
	x.guard = redirectGuard{ownHeader: req.Header, ownQuery: hr.URL.RawQuery, body: req.Body}
	if req.Auth != nil {
		sink := &secretSink{}
		actx := context.WithValue(context.WithValue(ctx, secretsKey{}, sink), transportKey{}, t)
		err := req.Auth.Apply(actx, hr)
		req.secrets = append(req.secrets, sink.values...)
		if ctx.Err() != nil {
			return nil, ctxFail(ctx, req, 0, start, " while authenticating")
		}
		if err != nil {
			return nil, req.fail(0, "authentication failed", redactErr(err, req.secrets...))
		}
	}
	// Events, with their redacted header copies, are built only for an observer: without
	// one they would be most of the allocations of a request.
	observed := t.Observer != nil
	if observed {
		ctx = obs.Request(ctx, RequestEvent{
			Workflow:  req.Workflow,
			Step:      req.Step,
			Method:    hr.Method,
			Server:    hr.URL.Scheme + "://" + hr.URL.Host,
			Path:      req.Path,
			Header:    RedactHeader(hr.Header, req.secrets...),
			BodyBytes: len(req.Body),
			detail:    refDetail(&exchangeDetail{u: hr.URL, body: req.Body, contentType: hr.Header.Get("Content-Type"), secrets: req.secrets}),
		})
		hr = hr.WithContext(ctx)
	}
	respond := func(status int, h http.Header, body []byte, err *StepError) {
		if !observed {
			return
		}
		var e error
		if err != nil {
			e = err
		}
		var detail *exchangeDetail
		if body != nil {
			detail = &exchangeDetail{body: body, contentType: h.Get("Content-Type"), secrets: req.secrets}
		}
		obs.Response(ctx, ResponseEvent{
			Workflow: req.Workflow, Step: req.Step, Method: hr.Method, Path: req.Path,
			StatusCode: status, Header: RedactHeader(h, req.secrets...), BodyBytes: len(body),
			Duration: time.Since(start), Err: e, detail: refDetail(detail),
		})
	}
	x.guard.secrets = req.secrets
	hres, err := doGuarded(t.doer(), hr, &x.guard)
	if err != nil {
		var e *StepError
		if ctx.Err() != nil {
			e = ctxFail(ctx, req, 0, start, "")
		} else {
			e = req.fail(0, "request failed", redactErr(stripURL(err), req.secrets...))
			e.transient = true
		}
		respond(0, nil, nil, e)
		return nil, e
	}
	limit := t.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	data, err := readLimited(hres.Body, hres.ContentLength, limit)
	closeBody(hres.Body)
	if err != nil {
		var e *StepError
		switch {
		case errors.Is(err, ErrBodyTooLarge):
			reason := fmt.Sprintf("response body exceeds %d bytes", limit)
			if hres.ContentLength > limit {
				reason += fmt.Sprintf(" (Content-Length %d)", hres.ContentLength)
			}
			e = req.fail(hres.StatusCode, reason, ErrBodyTooLarge)
		case ctx.Err() != nil:
			e = ctxFail(ctx, req, hres.StatusCode, start, " while reading the response body")
		default:
			e = req.fail(hres.StatusCode, "reading response body failed", redactErr(stripURL(err), req.secrets...))
			e.transient = true
		}
		respond(hres.StatusCode, hres.Header, data, e)
		return nil, e
	}
	if hres.StatusCode == http.StatusUnauthorized {
		if inv, ok := req.Auth.(invalidator); ok {
			inv.invalidate(hr)
		}
	}
	respond(hres.StatusCode, hres.Header, data, nil)
	x.resp = Response{StatusCode: hres.StatusCode, Header: hres.Header, Body: data, req: req, sent: hr.Header}
	return &x.resp, nil
}

// readLimited reads a whole body of at most limit bytes. A declared Content-Length over the
// limit fails before anything is read; otherwise at most limit+1 bytes are read, so memory
// stays bounded however much the server sends.
func readLimited(body io.Reader, contentLength, limit int64) ([]byte, error) {
	if contentLength > limit {
		return nil, ErrBodyTooLarge
	}
	if contentLength >= 0 {
		buf := make([]byte, contentLength)
		if _, err := io.ReadFull(body, buf); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		return buf, nil
	}
	data, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, ErrBodyTooLarge
	}
	return data, nil
}

// timeoutCause is the cancellation cause of the context Send derives for a request timeout;
// it tells that timeout apart from the caller's own deadline.
type timeoutCause struct {
	d     time.Duration
	which string
}

func (c *timeoutCause) Error() string { return fmt.Sprintf("%s of %s", c.which, c.d) }
func (c *timeoutCause) Is(target error) bool {
	return target == context.DeadlineExceeded
}

// ctxFail is the *StepError for a request stopped by its context. Err is the context's
// error (context.Canceled or context.DeadlineExceeded), joined with the caller's cause when
// the caller gave one.
func ctxFail(ctx context.Context, req *Request, status int, start time.Time, when string) *StepError {
	err := ctx.Err()
	cause := context.Cause(ctx)
	var tc *timeoutCause
	var reason string
	switch {
	case errors.As(cause, &tc):
		reason = fmt.Sprintf("timed out after %s (%s)", tc.d, tc.which)
		cause = err
	case errors.Is(err, context.DeadlineExceeded):
		reason = "timed out (context deadline)"
		if d := time.Since(start).Round(time.Millisecond); d > 0 {
			reason = fmt.Sprintf("timed out after %s (context deadline)", d)
		}
	default:
		reason = "cancelled"
	}
	if cause != nil && cause != err {
		err = fmt.Errorf("%w: %w", err, cause)
	}
	e := req.fail(status, reason+when, err)
	// A request that outlived its request timeout may succeed when sent again; a step
	// timeout is the document's bound, and a cancelled or expired caller wants no retry.
	e.transient = tc != nil && tc.which == "request timeout" && when != " before the request was sent"
	return e
}

// redactErr wraps err so that its message has the secret values replaced; errors.Is and
// errors.As still see err.
func redactErr(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if red := RedactString(msg, secrets...); red != msg {
		return &redactedError{msg: red, err: err}
	}
	return err
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
