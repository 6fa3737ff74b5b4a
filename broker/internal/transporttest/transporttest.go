// Package transporttest is the contract every runtime.MessageTransport of this module
// meets, run against a real broker by each adapter's tests.
package transporttest

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/broker/internal/leak"
	"github.com/arazzogen/arazzogen/runtime"
)

// Broker makes transports connected to one broker; each test closes what it made.
type Broker func(t *testing.T) runtime.MessageTransport

var seq atomic.Int64

// channel is a fresh channel name, so that the tests do not see each other's messages.
func channel(prefix string) string {
	return fmt.Sprintf("%s-%d-%d", prefix, time.Now().UnixNano(), seq.Add(1))
}

// Run runs the contract against the broker that dial connects to.
func Run(t *testing.T, dial Broker) {
	t.Run("round trip keeps headers and payload", func(t *testing.T) { roundTrip(t, dial) })
	t.Run("a message published right after Subscribe returns is delivered", func(t *testing.T) { noLostReply(t, dial) })
	t.Run("the filter drops messages", func(t *testing.T) { filter(t, dial) })
	t.Run("Next honours its context", func(t *testing.T) { nextContext(t, dial) })
	t.Run("a workflow run listens, publishes, receives and leaves nothing running", func(t *testing.T) { workflow(t, dial) })
}

func roundTrip(t *testing.T, dial Broker) {
	leak.Check(t)
	tr := dial(t)
	defer tr.Close()
	ch := channel("round")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sub, err := tr.Subscribe(ctx, ch, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	sent := &runtime.Message{Channel: ch, Header: runtime.MessageHeader{"orderRequestId": "r-1", "Trace": "x"}, Payload: []byte(`{"petId":7}`)}
	if err := tr.Publish(ctx, sent); err != nil {
		t.Fatal(err)
	}
	got, err := sub.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Channel != ch || string(got.Payload) != `{"petId":7}` || got.Header["orderRequestId"] != "r-1" || got.Header["Trace"] != "x" || len(got.Header) != 2 {
		t.Errorf("received %q %v %s, want %q %v %s", got.Channel, got.Header, got.Payload, ch, sent.Header, sent.Payload)
	}
}

// noLostReply publishes from a second transport as soon as Subscribe returns, as a
// responder that answers at once would.
func noLostReply(t *testing.T, dial Broker) {
	leak.Check(t)
	tr, other := dial(t), dial(t)
	defer tr.Close()
	defer other.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for i := range 5 {
		ch := channel("reply")
		if err := other.Publish(ctx, &runtime.Message{Channel: ch, Payload: []byte(`"before"`)}); err != nil {
			t.Fatal(err)
		}
		sub, err := tr.Subscribe(ctx, ch, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := other.Publish(ctx, &runtime.Message{Channel: ch, Payload: []byte(fmt.Sprintf(`"after %d"`, i))}); err != nil {
			t.Fatal(err)
		}
		got, err := sub.Next(ctx)
		if err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		if want := fmt.Sprintf(`"after %d"`, i); string(got.Payload) != want {
			t.Errorf("round %d: got %s, want %s (a message from before the subscription)", i, got.Payload, want)
		}
		_ = sub.Close()
	}
}

func filter(t *testing.T, dial Broker) {
	leak.Check(t)
	tr := dial(t)
	defer tr.Close()
	ch := channel("filter")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sub, err := tr.Subscribe(ctx, ch, func(m *runtime.Message) bool { return m.Header.Get("id") == "keep" })
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	for _, id := range []string{"drop", "drop", "keep"} {
		if err := tr.Publish(ctx, &runtime.Message{Channel: ch, Header: runtime.MessageHeader{"id": id}, Payload: []byte(id)}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := sub.Next(ctx)
	if err != nil || string(got.Payload) != "keep" {
		t.Errorf("Next = %v, %v; want the message the filter keeps", got, err)
	}
}

func nextContext(t *testing.T, dial Broker) {
	leak.Check(t)
	tr := dial(t)
	defer tr.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sub, err := tr.Subscribe(ctx, channel("quiet"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	short, cancelShort := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancelShort()
	start := time.Now()
	_, err = sub.Next(short)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Next on a quiet channel: %v, want context.DeadlineExceeded", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("Next returned %s after its deadline", took-200*time.Millisecond)
	}
}

// workflow is what generated code does: listen to the reply channel before the first step,
// publish a request, receive the reply that correlates (ignoring one that does not), and
// time out on a reply that never comes; the run's end closes the subscriptions.
func workflow(t *testing.T, dial Broker) {
	leak.Check(t)
	client, responder := dial(t), dial(t)
	defer client.Close()
	defer responder.Close()
	requests, replies := channel("orders"), channel("confirm")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sub, err := responder.Subscribe(ctx, requests, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer sub.Close()
		for {
			m, err := sub.Next(ctx)
			if err != nil {
				return
			}
			id := m.Header.Get("orderRequestId")
			if id == "never" {
				continue
			}
			// One reply for somebody else first, then the answer.
			_ = responder.Publish(ctx, &runtime.Message{Channel: replies, Header: runtime.MessageHeader{"orderRequestId": "someone-else"}, Payload: []byte(`{"orderId":1}`)})
			_ = responder.Publish(ctx, &runtime.Message{Channel: replies, Header: runtime.MessageHeader{"orderRequestId": id}, Payload: []byte(`{"orderId":42}`)})
		}
	}()
	rt := &runtime.Transport{Timeout: 10 * time.Second}
	run := rt.Start(ctx, "order")
	ch := runtime.Channel{Source: "orders", Path: replies, Address: replies}
	if err := run.Listen(client, "confirm", ch); err != nil {
		t.Fatal(err)
	}
	st := run.Step("place")
	if _, err := st.Publish(client, &runtime.Publish{Channel: runtime.Channel{Source: "orders", Path: requests, Address: requests},
		Header: runtime.MessageHeader{"orderRequestId": "r-7"}, Payload: []byte(`{"petId":7}`)}); err != nil {
		t.Fatal(err)
	}
	st.End(nil)
	st = run.Step("confirm")
	m, err := st.Receive(client, &runtime.Receive{Channel: ch, Match: func(m *runtime.Message) bool { return m.Header.Get("orderRequestId") == "r-7" }})
	if err != nil {
		t.Fatal(err)
	}
	var orderID int64
	if err := m.Decode(&orderID, "orderId"); err != nil || orderID != 42 {
		t.Errorf("orderId = %d, %v; want 42 (the reply that correlates)", orderID, err)
	}
	st.End(nil)

	st = run.Step("place-unanswered")
	if _, err := st.Publish(client, &runtime.Publish{Channel: runtime.Channel{Source: "orders", Path: requests, Address: requests},
		Header: runtime.MessageHeader{"orderRequestId": "never"}}); err != nil {
		t.Fatal(err)
	}
	st.End(nil)
	st = run.Step("confirm-unanswered")
	start := time.Now()
	_, err = st.Receive(client, &runtime.Receive{Channel: ch, Timeout: 300 * time.Millisecond, Last: true,
		Match: func(m *runtime.Message) bool { return m.Header.Get("orderRequestId") == "never" }})
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("the unanswered receive: %v, want a timeout", err)
	}
	if took > 3*time.Second {
		t.Errorf("the unanswered receive ended %s after it started, want about 300ms", took)
	}
	_ = run.End(err)
	cancel()
	<-done
}
