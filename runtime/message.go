package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// This file holds what generated code needs for Arazzo 1.1 AsyncAPI steps: the Message a
// step sends or receives, the MessageTransport interface a message broker adapter
// implements (the module github.com/arazzogen/arazzogen/broker has adapters for NATS and
// Kafka), and the step methods that publish a message and wait for one.

// APIVersion6 is referenced by generated code that sends or receives messages (AsyncAPI
// steps): Message, MessageTransport, Run.Listen, Step.Publish and Step.Receive.
const APIVersion6 = 6

// Message is one message on a channel of a message broker: what an AsyncAPI send step
// publishes, or what a receive step gets.
type Message struct {
	// Channel is the concrete address: a NATS subject, a Kafka topic.
	Channel string
	// Header holds the message's headers. Names keep their case: NATS and Kafka headers are
	// case-sensitive, and so are the header names of an AsyncAPI message.
	Header MessageHeader
	// Payload is the message's body as it is on the wire (JSON for the messages of
	// generated code, unless the document says otherwise).
	Payload []byte

	// Set by Step.Publish and Step.Receive, so that a message can report what is wrong with
	// it as an error of its step.
	ctx         *messageContext
	jsonChecked int8 // 0 unchecked, 1 valid JSON, 2 not JSON
}

// messageContext is what a message's errors name.
type messageContext struct {
	workflow, step string
	method, path   string // "SEND" or "RECEIVE", and the channel address as the document writes it
	secrets        []string
}

// MessageHeader holds the headers of a message, one value per name.
type MessageHeader map[string]string

// Get returns the value of the header name: the header of that exact name, else one whose
// name differs only in letter case (the first in name order, so the choice is stable); ""
// when there is none.
func (h MessageHeader) Get(name string) string {
	if v, ok := h[name]; ok {
		return v
	}
	var found string
	var key string
	for k, v := range h {
		if strings.EqualFold(k, name) && (key == "" || k < key) {
			key, found = k, v
		}
	}
	return found
}

// MessageTransport publishes and subscribes to messages on a broker. An adapter holds one
// connection (or client) and is shared by every step and run of a generated client; it must
// be safe for concurrent use. The adapters in github.com/arazzogen/arazzogen/broker wrap
// NATS (nats.go) and Kafka (franz-go).
type MessageTransport interface {
	// Publish sends msg on msg.Channel and returns once the broker has it (or, where the
	// protocol has no acknowledgement, once it is written and flushed). ctx bounds the wait.
	Publish(ctx context.Context, msg *Message) error
	// Subscribe starts receiving the messages published on channel from the moment it
	// returns: a message published after Subscribe has returned is delivered, one published
	// before is not. filter, when not nil, decides which messages are kept; the others are
	// dropped as they arrive. ctx bounds setting the subscription up, not its life: it lasts
	// until Subscription.Close (or the transport's Close).
	Subscribe(ctx context.Context, channel string, filter func(*Message) bool) (Subscription, error)
	// Close releases what the transport holds (its connection, when it made it). Open
	// subscriptions end.
	Close() error
}

// Subscription is the messages of one channel, in the order the broker delivered them.
type Subscription interface {
	// Next returns the next message, waiting until one arrives or ctx is done (then it
	// returns ctx's error). It is not called concurrently.
	Next(ctx context.Context) (*Message, error)
	// Close ends the subscription and frees what it holds; it starts no goroutine and leaves
	// none behind.
	Close() error
}

// ErrNoTransport is matched (errors.Is) by the error of a workflow that sends or receives
// messages through an AsyncAPI source for which the client has no MessageTransport.
var ErrNoTransport = errors.New("no message transport")

// MissingTransport is the error of a workflow that needs a message transport for source and
// has none; generated code checks before the workflow's first step runs.
func MissingTransport(workflow, source string) error {
	return fmt.Errorf("workflow %s: source %s sends and receives messages, and %w is configured for it (WithMessageTransport; the command takes -broker %s=URL)", workflow, source, ErrNoTransport, source)
}

// Channel is a channel of an AsyncAPI source that a step sends to or receives from.
type Channel struct {
	// Source is the AsyncAPI source description's name.
	Source string
	// Path is the channel's address as the description writes it ("orders.{orderId}"):
	// errors and observer events name it, never the concrete address, so that values in the
	// address do not reach logs.
	Path string
	// Address is the concrete address: a NATS subject, a Kafka topic.
	Address string
}

// Publish describes a message an AsyncAPI send step publishes.
type Publish struct {
	Channel Channel
	Header  MessageHeader
	Payload []byte
	// Timeout bounds the publish, overriding Transport.Timeout when positive: generated code
	// sets it from the Arazzo 1.1 step "timeout" (milliseconds).
	Timeout time.Duration
	// Secrets are values that must never appear in errors or observer events.
	Secrets []string
}

// Publish publishes a message through t as this step's message and returns it, so that
// the step's criteria and outputs can read it ($message on a send step is the message
// sent). Every failure is a *StepError naming the step, Method "SEND" and the channel's
// Path: no transport, the context cancelled or timed out, the broker refusing the message.
func (s *Step) Publish(t MessageTransport, p *Publish) (*Message, error) {
	mc := s.messageContext("SEND", p.Channel.Path, p.Secrets)
	msg := &Message{Channel: p.Channel.Address, Header: p.Header, Payload: p.Payload, ctx: mc}
	req := mc.request()
	if t == nil {
		return nil, req.fail(0, "no message transport", fmt.Errorf("%w for source %s", ErrNoTransport, p.Channel.Source))
	}
	ctx, cancel := s.run.t.bound(s.ctx, p.Timeout)
	defer cancel()
	start := time.Now()
	if ctx.Err() != nil {
		return nil, ctxFail(ctx, req, 0, start, " before the message was published")
	}
	observed := s.run.t.Observer != nil
	obs := s.run.t.observer()
	if observed {
		ctx = obs.Request(ctx, RequestEvent{Workflow: mc.workflow, Step: mc.step, Method: "SEND", Server: p.Channel.Source, Path: p.Channel.Path,
			Header: RedactHeader(msg.Header.http(), mc.secrets...), BodyBytes: len(msg.Payload),
			detail: refDetail(&exchangeDetail{u: &url.URL{Path: msg.Channel}, body: msg.Payload, contentType: "application/json", secrets: mc.secrets})})
	}
	err := t.Publish(ctx, msg)
	var e *StepError
	switch {
	case err == nil:
	case ctx.Err() != nil:
		e = ctxFail(ctx, req, 0, start, " while publishing")
	default:
		e = req.fail(0, "publishing failed", redactErr(err, mc.secrets...))
	}
	if observed {
		var ee error
		if e != nil {
			ee = e
		}
		obs.Response(ctx, ResponseEvent{Workflow: mc.workflow, Step: mc.step, Method: "SEND", Path: p.Channel.Path, Duration: time.Since(start), Err: ee})
	}
	if e != nil {
		return nil, e
	}
	return msg, nil
}

// Receive describes the message an AsyncAPI receive step waits for.
type Receive struct {
	Channel Channel
	// Match reports whether a message is the one the step waits for: its correlation ID
	// and its success criteria. nil matches every message.
	Match func(*Message) bool
	// Timeout bounds the wait, overriding Transport.Timeout when positive: generated code
	// sets it from the Arazzo 1.1 step "timeout" (milliseconds).
	Timeout time.Duration
	// Last ends the run's subscription to the channel once the step is over: no later step
	// of the run receives on it.
	Last bool
	// Secrets are values that must never appear in errors or observer events.
	Secrets []string
}

// MaxKeptMessages bounds how many messages a run keeps for its later receive steps: those
// that arrived on a channel it listens to but did not match the step that received them.
// Beyond it the oldest are dropped.
const MaxKeptMessages = 1000

// Receive waits for the first message on the channel that r.Match accepts, and returns it.
// It takes the messages in the order they arrived: first those the run kept from its
// subscription to the channel (see Run.Listen), then new ones. Without a subscription of
// the run it subscribes now, and a message published before that is missed.
//
// The wait is bounded by r.Timeout (else the Transport's Timeout) and the step's context.
// Every failure is a *StepError naming the step, Method "RECEIVE" and the channel's Path:
// no transport, the subscription failing, or no matching message in time ("timed out after
// 6s (step timeout) with no matching message", errors.Is(err, context.DeadlineExceeded)).
// Messages larger than the Transport's MaxBodyBytes are skipped, and the error says how
// many. Receive leaves no goroutine behind.
func (s *Step) Receive(t MessageTransport, r *Receive) (*Message, error) {
	mc := s.messageContext("RECEIVE", r.Channel.Path, r.Secrets)
	req := mc.request()
	if t == nil {
		return nil, req.fail(0, "no message transport", fmt.Errorf("%w for source %s", ErrNoTransport, r.Channel.Source))
	}
	ctx, cancel := s.run.t.bound(s.ctx, r.Timeout)
	defer cancel()
	start := time.Now()
	observed := s.run.t.Observer != nil
	obs := s.run.t.observer()
	if observed {
		ctx = obs.Request(ctx, RequestEvent{Workflow: mc.workflow, Step: mc.step, Method: "RECEIVE", Server: r.Channel.Source, Path: r.Channel.Path,
			detail: refDetail(&exchangeDetail{u: &url.URL{Path: r.Channel.Address}, secrets: mc.secrets})})
	}
	msg, skipped, err := s.run.receive(ctx, t, r, req, start)
	if observed {
		ev := ResponseEvent{Workflow: mc.workflow, Step: mc.step, Method: "RECEIVE", Path: r.Channel.Path, Duration: time.Since(start)}
		if err != nil {
			ev.Err = err
		} else {
			ev.Header, ev.BodyBytes = RedactHeader(msg.Header.http(), mc.secrets...), len(msg.Payload)
			ev.detail = refDetail(&exchangeDetail{u: &url.URL{Path: msg.Channel}, body: msg.Payload, contentType: "application/json", secrets: mc.secrets})
		}
		obs.Response(ctx, ev)
	}
	if err != nil {
		if skipped > 0 {
			err.Reason += fmt.Sprintf(" (%d larger than %d bytes skipped)", skipped, s.run.t.maxBody())
		}
		return nil, err
	}
	msg.ctx = mc
	return msg, nil
}

// receive takes the message from the run's inbox for the channel, subscribing first when
// there is none.
func (r *Run) receive(ctx context.Context, t MessageTransport, rc *Receive, req *Request, start time.Time) (*Message, int, *StepError) {
	ib, err := r.inbox(ctx, t, rc.Channel.Address, rc.Match)
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, ctxFail(ctx, req, 0, start, " while subscribing")
		}
		return nil, 0, req.fail(0, "cannot subscribe to the channel", redactErr(err, req.secrets...))
	}
	if rc.Last {
		defer r.unlisten(t, rc.Channel.Address, ib)
	}
	select {
	case ib.turn <- struct{}{}:
		defer func() { <-ib.turn }()
	case <-ctx.Done():
		return nil, 0, ctxFail(ctx, req, 0, start, " with no matching message")
	}
	match := rc.Match
	if match == nil {
		match = func(*Message) bool { return true }
	}
	limit := r.t.maxBody()
	for i, m := range ib.kept {
		if match(m) {
			ib.kept = slices.Delete(ib.kept, i, i+1)
			return m, ib.skipped, nil
		}
	}
	for {
		m, err := ib.sub.Next(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ib.skipped, ctxFail(ctx, req, 0, start, " with no matching message")
			}
			return nil, ib.skipped, req.fail(0, "receiving failed", redactErr(err, req.secrets...))
		}
		if int64(len(m.Payload)) > limit {
			ib.skipped++
			continue
		}
		if match(m) {
			return m, ib.skipped, nil
		}
		if len(ib.kept) == MaxKeptMessages {
			ib.kept = slices.Delete(ib.kept, 0, 1)
		}
		ib.kept = append(ib.kept, m)
	}
}

// inbox is a run's subscription to one channel, with the messages that arrived on it and no
// receive step has taken yet.
type inbox struct {
	t       MessageTransport
	channel string
	sub     Subscription
	// turn is held by the receive step taking messages from the inbox: steps that run in
	// parallel take turns, and a step waiting for its turn still honours its deadline.
	turn    chan struct{}
	kept    []*Message
	skipped int // messages larger than the body limit
}

// Listen subscribes the run to a channel through t, so that a receive step that runs later
// misses no message published from now on: the reply to a message that a step publishes
// before the receive step runs. Generated code listens before the workflow's first step, or
// for a channel whose address depends on a step's outputs, right after that step. The
// subscription ends when the last receive step on the channel is over, or with the run.
// Listening to a channel the run listens to already does nothing. step names the receive
// step that needs the subscription, for the error.
func (r *Run) Listen(t MessageTransport, step string, ch Channel) error {
	if t == nil {
		return MissingTransport(r.workflow, ch.Source)
	}
	_, err := r.inbox(r.ctx, t, ch.Address, nil)
	if err != nil {
		req := &Request{Workflow: r.workflow, Step: step, Method: "RECEIVE", Path: ch.Path, secrets: r.secretList()}
		if r.ctx.Err() != nil {
			return ctxFail(r.ctx, req, 0, time.Now(), " while subscribing")
		}
		return req.fail(0, "cannot subscribe to the channel", redactErr(err, req.secrets...))
	}
	return nil
}

// Listen subscribes the step's run to a channel, as Run.Listen does: generated code listens
// in the step after which the channel's address is known (it depends on the step's
// outputs), so that the reply to a message a later step publishes is not missed.
func (s *Step) Listen(t MessageTransport, step string, ch Channel) error {
	return s.run.Listen(t, step, ch)
}

// inbox returns the run's inbox for the channel of t, subscribing (with filter) when there is
// none yet.
func (r *Run) inbox(ctx context.Context, t MessageTransport, channel string, filter func(*Message) bool) (*inbox, error) {
	r.mu.Lock()
	for _, ib := range r.inboxes {
		if ib.t == t && ib.channel == channel {
			r.mu.Unlock()
			return ib, nil
		}
	}
	ended := r.ended
	r.mu.Unlock()
	if ended {
		return nil, errors.New("the workflow run has ended")
	}
	// Subscribing talks to the broker; the lock is not held meanwhile.
	sub, err := t.Subscribe(ctx, channel, filter)
	if err != nil {
		return nil, err
	}
	ib := &inbox{t: t, channel: channel, sub: sub, turn: make(chan struct{}, 1)}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended {
		_ = sub.Close()
		return nil, errors.New("the workflow run has ended")
	}
	for _, other := range r.inboxes {
		if other.t == t && other.channel == channel {
			_ = sub.Close() // another step subscribed meanwhile: one subscription per channel
			return other, nil
		}
	}
	r.inboxes = append(r.inboxes, ib)
	return ib, nil
}

// unlisten ends a subscription once its last receive step is over.
func (r *Run) unlisten(t MessageTransport, channel string, ib *inbox) {
	r.mu.Lock()
	r.inboxes = slices.DeleteFunc(r.inboxes, func(o *inbox) bool { return o == ib })
	r.mu.Unlock()
	_ = ib.sub.Close()
}

// closeInboxes ends every subscription of the run; End calls it.
func (r *Run) closeInboxes() {
	r.mu.Lock()
	open := r.inboxes
	r.inboxes = nil
	r.mu.Unlock()
	for _, ib := range open {
		_ = ib.sub.Close()
	}
}

// messageContext describes a message step for errors and events.
func (s *Step) messageContext(method, path string, secrets []string) *messageContext {
	return &messageContext{workflow: s.run.workflow, step: s.name, method: method, path: path,
		secrets: append(s.run.secretList(), secrets...)}
}

// request is the Request that errors of a message step are made from: StepError names
// Method and Path as "(RECEIVE confirm-order)".
func (mc *messageContext) request() *Request {
	return &Request{Workflow: mc.workflow, Step: mc.step, Method: mc.method, Path: mc.path, secrets: mc.secrets}
}

// bound derives the context of one message operation: timeout when positive (a step
// timeout), else the transport's Timeout (WithTimeout), else ctx alone. Its cause names the
// bound for the error (see ctxFail).
func (t *Transport) bound(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	name := "step timeout"
	if timeout <= 0 {
		timeout, name = t.Timeout, "client timeout"
	}
	if timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeoutCause(ctx, timeout, &timeoutCause{d: timeout, which: name})
}

func (t *Transport) maxBody() int64 {
	if t.MaxBodyBytes <= 0 {
		return DefaultMaxBodyBytes
	}
	return t.MaxBodyBytes
}

// http is the header as an http.Header for observer events, names kept as they are.
func (h MessageHeader) http() http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for k, v := range h {
		out[k] = []string{v}
	}
	return out
}

// Value decodes the value at the JSON Pointer tokens in the payload into a generic Go value
// for a condition, as Response.Value does: a missing value or a payload that is not JSON
// yields nil.
func (m *Message) Value(tokens ...string) any {
	if !m.validJSON() {
		return nil
	}
	raw, found, err := Lookup(m.Payload, tokens...)
	if err != nil || !found {
		return nil
	}
	return RawValue(raw)
}

// Decode stores the value at the JSON Pointer tokens in the payload into dst, as
// Response.Decode does: nothing found leaves dst unchanged; a payload that is not JSON, or
// a value of the wrong type, is an error of the message's step.
func (m *Message) Decode(dst any, tokens ...string) error {
	if !m.validJSON() {
		return m.Fail("message payload is not valid JSON", errSyntax)
	}
	raw, found, err := Lookup(m.Payload, tokens...)
	if err != nil {
		return m.Fail("message payload is not valid JSON", err)
	}
	if !found {
		return nil
	}
	if decodeScalar(raw, dst) {
		return nil
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		s := "$message.payload#"
		for _, t := range tokens {
			s += "/" + t
		}
		return m.Fail("cannot decode "+s, err)
	}
	return nil
}

// Correlates reports whether the payload holds want at the JSON Pointer tokens: a string
// equal to want, or a number or boolean whose JSON text is want. A correlation ID in a
// header is compared with Header.Get.
func (m *Message) Correlates(want string, tokens ...string) bool {
	if !m.validJSON() {
		return false
	}
	raw, found, err := Lookup(m.Payload, tokens...)
	if err != nil || !found || len(raw) == 0 {
		return false
	}
	if raw[0] == '"' {
		var s string
		return json.Unmarshal(raw, &s) == nil && s == want
	}
	if raw[0] == '{' || raw[0] == '[' || string(raw) == "null" {
		return false
	}
	return string(raw) == want
}

// Unmet reports that a success criterion did not hold for this message (of a send step;
// a receive step waits for a message its criteria hold for).
func (m *Message) Unmet(criterion string) error {
	return m.Fail("success criterion not met: "+criterion, nil)
}

// Fail reports an error found while handling this message, as an error of its step.
func (m *Message) Fail(reason string, err error) error {
	mc := m.ctx
	if mc == nil {
		mc = &messageContext{}
	}
	e := mc.request().fail(0, reason, err)
	e.Body = excerpt(m.Payload, mc.secrets)
	return e
}

func (m *Message) validJSON() bool {
	if m.jsonChecked == 0 {
		m.jsonChecked = 2
		if json.Valid(m.Payload) {
			m.jsonChecked = 1
		}
	}
	return m.jsonChecked == 1
}

// ChannelParam returns the text of a channel parameter's value for a channel address, or an
// error when the value could change what the address names: empty, or holding white space,
// control characters, a separator ('.', '/') or a wildcard ('*', '>', '#', '+') of the
// brokers' subject and topic syntaxes. A value that a workflow received from elsewhere could
// otherwise make a step subscribe to other people's messages.
func ChannelParam(name string, v any) (string, error) {
	s := Text(v)
	if _, isString := v.(string); s == "" || s == "null" && !isString {
		return "", fmt.Errorf("channel parameter %s has no value", name)
	}
	for _, c := range s {
		if c <= ' ' || c == 0x7f || strings.ContainsRune("./*>#+", c) {
			return "", fmt.Errorf("channel parameter %s holds %q, which cannot be part of a channel address (white space, a control character, '.', '/', or a wildcard '*', '>', '#', '+')", name, c)
		}
	}
	return s, nil
}

// ChannelAddress fills the parameters of a channel address as AsyncAPI writes it
// ("orders.{orderId}.replies") with values given as name, value pairs, each checked by
// ChannelParam.
func ChannelAddress(address string, nameValues ...any) (string, error) {
	for i := 0; i+1 < len(nameValues); i += 2 {
		name, _ := nameValues[i].(string)
		s, err := ChannelParam(name, nameValues[i+1])
		if err != nil {
			return "", err
		}
		address = strings.ReplaceAll(address, "{"+name+"}", s)
	}
	return address, nil
}
