// Package nats is a runtime.MessageTransport over core NATS (github.com/nats-io/nats.go):
// a channel address is a subject, message headers are NATS headers (names keep their case),
// and the payload is the message data.
//
// Publish writes the message and flushes the connection, so it returns once the server has
// the message (core NATS has no acknowledgement beyond that). Subscribe makes a synchronous
// subscription and flushes too, so the server has registered it when Subscribe returns: a
// reply published after that reaches it. Neither starts a goroutine; the connection's own
// goroutines end when it is closed.
package nats

import (
	"context"
	"errors"
	"time"

	"github.com/arazzogen/arazzogen/runtime"
	natsgo "github.com/nats-io/nats.go"
)

// Transport publishes and subscribes through one NATS connection. It is safe for
// concurrent use.
type Transport struct {
	nc    *natsgo.Conn
	owned bool
}

// New returns a transport over a connection the caller made and keeps: Close leaves it
// open.
func New(nc *natsgo.Conn) *Transport { return &Transport{nc: nc} }

// Dial connects to the NATS servers of url (nats://host:4222, tls://…, several separated by
// commas, user info allowed) and returns a transport that owns the connection: Close closes
// it.
func Dial(url string, opts ...natsgo.Option) (*Transport, error) {
	opts = append([]natsgo.Option{natsgo.Name("arazzogen")}, opts...)
	nc, err := natsgo.Connect(url, opts...)
	if err != nil {
		return nil, err
	}
	return &Transport{nc: nc, owned: true}, nil
}

// Conn is the transport's connection.
func (t *Transport) Conn() *natsgo.Conn { return t.nc }

// flushWait bounds a flush whose context has no deadline (FlushWithContext needs one).
const flushWait = 10 * time.Second

func (t *Transport) flush(ctx context.Context) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, flushWait)
		defer cancel()
	}
	return t.nc.FlushWithContext(ctx)
}

// Publish publishes msg on the subject msg.Channel and flushes the connection.
func (t *Transport) Publish(ctx context.Context, msg *runtime.Message) error {
	m := natsgo.NewMsg(msg.Channel)
	m.Data = msg.Payload
	for k, v := range msg.Header {
		m.Header[k] = []string{v} // as given: NATS header names are case-sensitive
	}
	if err := t.nc.PublishMsg(m); err != nil {
		return err
	}
	return t.flush(ctx)
}

// Subscribe subscribes to the subject channel and returns once the server has the
// subscription.
func (t *Transport) Subscribe(ctx context.Context, channel string, filter func(*runtime.Message) bool) (runtime.Subscription, error) {
	sub, err := t.nc.SubscribeSync(channel)
	if err != nil {
		return nil, err
	}
	if err := t.flush(ctx); err != nil {
		_ = sub.Unsubscribe()
		return nil, err
	}
	return &subscription{nc: t.nc, sub: sub, filter: filter}, nil
}

// Close closes the connection when the transport made it.
func (t *Transport) Close() error {
	if t.owned {
		t.nc.Close()
	}
	return nil
}

type subscription struct {
	nc     *natsgo.Conn
	sub    *natsgo.Subscription
	filter func(*runtime.Message) bool
}

func (s *subscription) Next(ctx context.Context) (*runtime.Message, error) {
	for {
		m, err := s.sub.NextMsgWithContext(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, err
		}
		msg := &runtime.Message{Channel: m.Subject, Payload: m.Data}
		if len(m.Header) > 0 {
			msg.Header = make(runtime.MessageHeader, len(m.Header))
			for k, v := range m.Header {
				if len(v) > 0 {
					msg.Header[k] = v[0]
				}
			}
		}
		if s.filter == nil || s.filter(msg) {
			return msg, nil
		}
	}
}

// closeWait bounds the flush that makes the server drop a subscription before Close returns.
const closeWait = 2 * time.Second

func (s *subscription) Close() error {
	err := s.sub.Unsubscribe()
	if errors.Is(err, natsgo.ErrConnectionClosed) || errors.Is(err, natsgo.ErrBadSubscription) {
		return nil // ended with the connection already
	}
	if err != nil {
		return err
	}
	// Once Close returns the server has dropped the subscription: nothing of the step is
	// left on the broker.
	_ = s.nc.FlushTimeout(closeWait)
	return nil
}
