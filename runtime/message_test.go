package runtime

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// memTransport is an in-memory broker for the runtime's own tests: it delivers each
// published message to the subscriptions of its channel that were open when it was
// published. The adapters of the broker module are tested against real brokers.
type memTransport struct {
	mu   sync.Mutex
	subs map[*memSub]bool
	sent []*Message
	// failPublish and failSubscribe make the next call fail.
	failPublish, failSubscribe error
}

type memSub struct {
	t       *memTransport
	channel string
	filter  func(*Message) bool
	ch      chan *Message
}

func newMem() *memTransport { return &memTransport{subs: map[*memSub]bool{}} }

func (t *memTransport) Publish(ctx context.Context, m *Message) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.failPublish != nil {
		return t.failPublish
	}
	t.sent = append(t.sent, m)
	for s := range t.subs {
		if s.channel == m.Channel && (s.filter == nil || s.filter(m)) {
			s.ch <- &Message{Channel: m.Channel, Header: m.Header, Payload: m.Payload}
		}
	}
	return nil
}

func (t *memTransport) Subscribe(ctx context.Context, channel string, filter func(*Message) bool) (Subscription, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.failSubscribe != nil {
		return nil, t.failSubscribe
	}
	s := &memSub{t: t, channel: channel, filter: filter, ch: make(chan *Message, 2000)}
	t.subs[s] = true
	return s, nil
}

func (t *memTransport) Close() error { return nil }

func (t *memTransport) open() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.subs)
}

func (s *memSub) Next(ctx context.Context) (*Message, error) {
	select {
	case m := <-s.ch:
		return m, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (s *memSub) Close() error {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	delete(s.t.subs, s)
	return nil
}

var replies = Channel{Source: "orders", Path: "orders.{id}.replies", Address: "orders.7.replies"}

func byHeader(id string) func(*Message) bool {
	return func(m *Message) bool { return m.Header.Get("requestId") == id }
}

// A reply published after Listen and before the receive step runs is not lost; one that
// does not correlate is skipped and stays for a later step.
func TestListenKeepsTheReply(t *testing.T) {
	mem := newMem()
	tr := &Transport{Timeout: time.Second}
	run := tr.Start(context.Background(), "wf")
	if err := run.Listen(mem, "wait", replies); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"other", "r1", "r2"} {
		if err := mem.Publish(context.Background(), &Message{Channel: replies.Address, Header: MessageHeader{"requestId": id}, Payload: []byte(`{"n":"` + id + `"}`)}); err != nil {
			t.Fatal(err)
		}
	}
	st := run.Step("wait")
	m, err := st.Receive(mem, &Receive{Channel: replies, Match: byHeader("r2")})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(m.Payload); got != `{"n":"r2"}` {
		t.Errorf("received %s, want r2's", got)
	}
	st.End(nil)
	st = run.Step("wait-again")
	m, err = st.Receive(mem, &Receive{Channel: replies, Match: byHeader("r1"), Last: true})
	if err != nil {
		t.Fatalf("the message kept from the first receive: %v", err)
	}
	if got := m.Header.Get("requestid"); got != "r1" {
		t.Errorf("header requestId = %q, want r1", got)
	}
	st.End(nil)
	if n := mem.open(); n != 0 {
		t.Errorf("%d subscriptions open after the last receive step", n)
	}
	_ = run.End(nil)
}

// Without Listen, a receive subscribes itself; the run's end closes what is left.
func TestReceiveTimeout(t *testing.T) {
	mem := newMem()
	tr := &Transport{Timeout: time.Minute}
	run := tr.Start(context.Background(), "wf")
	run.Secret("s3cr3t-value")
	st := run.Step("wait")
	go func() {
		time.Sleep(20 * time.Millisecond)
		_ = mem.Publish(context.Background(), &Message{Channel: replies.Address, Header: MessageHeader{"requestId": "nope"}})
	}()
	start := time.Now()
	_, err := st.Receive(mem, &Receive{Channel: replies, Match: byHeader("s3cr3t-value"), Timeout: 150 * time.Millisecond})
	took := time.Since(start)
	var se *StepError
	if !errors.As(err, &se) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a *StepError matching context.DeadlineExceeded", err)
	}
	want := "workflow wf: step wait (RECEIVE orders.{id}.replies): timed out after 150ms (step timeout) with no matching message"
	if err.Error() != want+": context deadline exceeded" {
		t.Errorf("error %q\nwant    %q", err, want)
	}
	if took < 150*time.Millisecond || took > 2*time.Second {
		t.Errorf("the receive gave up after %s, want about 150ms", took)
	}
	if n := mem.open(); n != 1 {
		t.Errorf("%d subscriptions open while the run goes on, want 1 (kept for later steps)", n)
	}
	_ = run.End(err)
	if n := mem.open(); n != 0 {
		t.Errorf("%d subscriptions open after the run ended", n)
	}
}

func TestReceiveHonoursTheContextAndTheClientTimeout(t *testing.T) {
	mem := newMem()
	tr := &Transport{Timeout: 60 * time.Millisecond}
	run := tr.Start(context.Background(), "wf")
	defer run.End(nil)
	_, err := run.Step("wait").Receive(mem, &Receive{Channel: replies})
	if err == nil || !strings.Contains(err.Error(), "timed out after 60ms (client timeout)") {
		t.Errorf("without a step timeout: %v, want the client timeout", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	run2 := (&Transport{}).Start(ctx, "wf")
	defer run2.End(nil)
	go func() { time.Sleep(30 * time.Millisecond); cancel() }()
	_, err = run2.Step("wait").Receive(mem, &Receive{Channel: replies})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v, want context.Canceled", err)
	}
}

func TestPublish(t *testing.T) {
	mem := newMem()
	obs := &recorder{}
	tr := &Transport{Observer: obs}
	run := tr.Start(context.Background(), "wf")
	run.Secret("tok-123456")
	st := run.Step("send")
	m, err := st.Publish(mem, &Publish{Channel: Channel{Source: "orders", Path: "orders", Address: "orders"},
		Header: MessageHeader{"orderId": "o1", "X-Token": "tok-123456"}, Payload: []byte(`{"petId":7}`)})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := m.Decode(&id, "petId"); err != nil || id != 7 {
		t.Errorf("Decode petId = %d, %v", id, err)
	}
	if v := m.Value("petId"); v != float64(7) {
		t.Errorf("Value petId = %v", v)
	}
	if len(mem.sent) != 1 || mem.sent[0].Header["orderId"] != "o1" {
		t.Fatalf("sent %v", mem.sent)
	}
	st.End(nil)
	_ = run.End(nil)
	var req *RequestEvent
	for _, e := range obs.events {
		if r, ok := e.(RequestEvent); ok {
			req = &r
		}
	}
	if req == nil || req.Method != "SEND" || req.Path != "orders" || req.BodyBytes != 11 {
		t.Fatalf("request event %+v", req)
	}
	if v := req.Header["X-Token"]; len(v) != 1 || v[0] != Redacted {
		t.Errorf("the secret header reached the observer: %v", req.Header)
	}
	if v := req.Header["orderId"]; len(v) != 1 || v[0] != "o1" {
		t.Errorf("header name or value changed: %v", req.Header)
	}

	mem.failPublish = errors.New("broker says no to tok-123456")
	run = tr.Start(context.Background(), "wf")
	run.Secret("tok-123456")
	_, err = run.Step("send").Publish(mem, &Publish{Channel: Channel{Source: "orders", Path: "orders", Address: "orders"}})
	if err == nil || err.Error() != "workflow wf: step send (SEND orders): publishing failed: broker says no to [REDACTED]" {
		t.Errorf("publish error: %v", err)
	}
	_ = run.End(err)
}

func TestNoTransport(t *testing.T) {
	run := (&Transport{}).Start(context.Background(), "wf")
	defer run.End(nil)
	if err := run.Listen(nil, "wait", replies); !errors.Is(err, ErrNoTransport) || !strings.Contains(err.Error(), "-broker orders=URL") {
		t.Errorf("Listen without a transport: %v", err)
	}
	if _, err := run.Step("send").Publish(nil, &Publish{Channel: replies}); !errors.Is(err, ErrNoTransport) {
		t.Errorf("Publish without a transport: %v", err)
	}
	if _, err := run.Step("wait").Receive(nil, &Receive{Channel: replies}); !errors.Is(err, ErrNoTransport) {
		t.Errorf("Receive without a transport: %v", err)
	}
}

func TestReceiveSkipsLargeMessages(t *testing.T) {
	mem := newMem()
	run := (&Transport{MaxBodyBytes: 8}).Start(context.Background(), "wf")
	defer run.End(nil)
	if err := run.Listen(mem, "wait", replies); err != nil {
		t.Fatal(err)
	}
	_ = mem.Publish(context.Background(), &Message{Channel: replies.Address, Payload: []byte(`{"big":"0123456789"}`)})
	_, err := run.Step("wait").Receive(mem, &Receive{Channel: replies, Timeout: 30 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "(1 larger than 8 bytes skipped)") {
		t.Errorf("err = %v, want it to count the skipped message", err)
	}
}

// Steps that run in parallel take turns on one channel and each gets its own message.
func TestParallelReceives(t *testing.T) {
	mem := newMem()
	run := (&Transport{Timeout: 2 * time.Second}).Start(context.Background(), "wf")
	defer run.End(nil)
	if err := run.Listen(mem, "a", replies); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	got := make([]string, 5)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, err := run.Step(fmt.Sprint(i)).Receive(mem, &Receive{Channel: replies, Match: byHeader(fmt.Sprint(i))})
			if err == nil {
				got[i] = m.Header.Get("requestId")
			}
		}()
	}
	for i := 4; i >= 0; i-- {
		_ = mem.Publish(context.Background(), &Message{Channel: replies.Address, Header: MessageHeader{"requestId": fmt.Sprint(i)}})
	}
	wg.Wait()
	for i, g := range got {
		if g != fmt.Sprint(i) {
			t.Errorf("step %d received %q", i, g)
		}
	}
}

func TestCorrelates(t *testing.T) {
	m := &Message{Payload: []byte(`{"id":"a1","n":42,"ok":true,"o":{"x":1},"nil":null}`)}
	for _, tt := range []struct {
		want string
		ptr  []string
		ok   bool
	}{
		{"a1", []string{"id"}, true},
		{"A1", []string{"id"}, false},
		{"42", []string{"n"}, true},
		{"true", []string{"ok"}, true},
		{`{"x":1}`, []string{"o"}, false},
		{"null", []string{"nil"}, false},
		{"a1", []string{"missing"}, false},
	} {
		if got := m.Correlates(tt.want, tt.ptr...); got != tt.ok {
			t.Errorf("Correlates(%q, %v) = %v", tt.want, tt.ptr, got)
		}
	}
	if (&Message{Payload: []byte("not json")}).Correlates("x") {
		t.Error("a payload that is not JSON correlates")
	}
}

func TestChannelParam(t *testing.T) {
	for _, v := range []any{"order-7", int64(7), "a_b"} {
		if _, err := ChannelParam("id", v); err != nil {
			t.Errorf("ChannelParam(%v): %v", v, err)
		}
	}
	for _, v := range []any{"", "a.b", "a/b", "*", ">", "a b", "x\n", "#", "+", nil, (*string)(nil)} {
		if s, err := ChannelParam("id", v); err == nil {
			t.Errorf("ChannelParam(%#v) = %q, want an error", v, s)
		}
	}
	if s, err := ChannelParam("id", "null"); err != nil || s != "null" {
		t.Errorf(`the string "null" is a value: %q, %v`, s, err)
	}
}

func TestMessageHeaderGet(t *testing.T) {
	h := MessageHeader{"orderId": "exact", "ORDERID": "upper", "Trace": "t"}
	if got := h.Get("orderId"); got != "exact" {
		t.Errorf("exact name: %q", got)
	}
	if got := h.Get("orderid"); got != "upper" {
		t.Errorf("folded name (first in name order, ORDERID): %q", got)
	}
	if got := h.Get("trace"); got != "t" {
		t.Errorf("folded name: %q", got)
	}
	if got := h.Get("none"); got != "" {
		t.Errorf("missing: %q", got)
	}
}

func TestChannelAddress(t *testing.T) {
	got, err := ChannelAddress("orders.{orderId}.{kind}", "orderId", int64(7), "kind", "replies")
	if err != nil || got != "orders.7.replies" {
		t.Errorf("ChannelAddress = %q, %v", got, err)
	}
	if got, err := ChannelAddress("orders.{orderId}", "orderId", "*"); err == nil {
		t.Errorf("a wildcard value: %q, want an error", got)
	}
}

// A Flow's Start runs before the first step: its subscription keeps the reply to the message
// the first step publishes for the second step; an error of Start ends the run before any
// step runs; nothing stays subscribed once RunFlow returns.
func TestRunFlowStartListens(t *testing.T) {
	type client struct {
		rt     Transport
		broker MessageTransport
	}
	type state struct{ got string }
	var ran []string
	flow := &Flow[client, state]{
		Workflow: "order",
		Steps: []FlowStep[client, state]{
			{ID: "place", Method: "SEND", Run: func(c *client, st *Step, s *state) Outcome {
				ran = append(ran, "place")
				// The responder answers at once, before the receive step runs.
				_, err := st.Publish(c.broker, &Publish{Channel: replies, Header: MessageHeader{"requestId": "r1"}, Payload: []byte(`{"ok":true}`)})
				return Outcome{Err: err}
			}},
			{ID: "confirm", Method: "RECEIVE", Run: func(c *client, st *Step, s *state) Outcome {
				ran = append(ran, "confirm")
				m, err := st.Receive(c.broker, &Receive{Channel: replies, Match: byHeader("r1"), Timeout: 200 * time.Millisecond, Last: true})
				if err != nil {
					return Outcome{Err: err}
				}
				s.got = string(m.Payload)
				return Outcome{}
			}},
		},
		Transport: func(c *client) *Transport { return &c.rt },
		Start: func(c *client, run *Run, s *state) error {
			if c.broker == nil {
				return MissingTransport("order", "orders")
			}
			return run.Listen(c.broker, "confirm", replies)
		},
	}

	mem := newMem()
	c := &client{broker: mem}
	var s state
	done, err := RunFlow(context.Background(), c, flow, &s)
	if !done || err != nil {
		t.Fatalf("RunFlow: done %v, err %v", done, err)
	}
	if s.got != `{"ok":true}` {
		t.Errorf("confirm received %q, want the reply published by place", s.got)
	}
	if n := mem.open(); n != 0 {
		t.Errorf("%d subscriptions open after the run", n)
	}

	ran = nil
	_, err = RunFlow(context.Background(), &client{}, flow, &state{})
	if !errors.Is(err, ErrNoTransport) {
		t.Errorf("without a transport: %v, want ErrNoTransport", err)
	}
	if len(ran) > 0 {
		t.Errorf("steps %v ran without a transport", ran)
	}
}
