// Package kafka is a runtime.MessageTransport over Kafka (github.com/twmb/franz-go): a
// channel address is a topic, message headers are record headers (names keep their case),
// and the payload is the record value. Records are produced without a key.
//
// Publish produces the record and returns once the cluster has acknowledged it. Subscribe
// reads the end offset of every partition of the topic and consumes from exactly there, so
// a record produced after Subscribe returns is delivered and none produced before is. A
// topic that does not exist yet is consumed from its start once it is created: every
// record in it then came after the subscription. Each subscription has a consumer client
// of its own, whose goroutines end when it is closed.
package kafka

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/arazzogen/arazzogen/runtime"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Transport produces through one client and consumes through one client per subscription.
// It is safe for concurrent use.
type Transport struct {
	cl    *kgo.Client
	opts  []kgo.Opt // how to reach the cluster, for the consumers
	owned bool
}

// Dial returns a transport for the cluster reachable through the seed brokers
// ("host:9092"), with opts for what else the cluster needs (TLS, SASL: kgo.DialTLSConfig,
// kgo.SASL). It checks that a broker answers before returning. Publishing to a topic that
// does not exist creates it where the cluster allows that. Close closes its clients.
func Dial(ctx context.Context, seeds []string, opts ...kgo.Opt) (*Transport, error) {
	conn := append([]kgo.Opt{kgo.SeedBrokers(seeds...)}, opts...)
	// A topic that does not exist is created by the first record produced to it where the
	// cluster allows that (auto.create.topics.enable), as other clients do.
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.AllowAutoTopicCreation()}, conn...)...)
	if err != nil {
		return nil, err
	}
	if err := cl.Ping(ctx); err != nil {
		cl.Close()
		return nil, fmt.Errorf("no Kafka broker answers at %v: %w", seeds, err)
	}
	return &Transport{cl: cl, opts: conn, owned: true}, nil
}

// New returns a transport that produces through cl, which the caller made and keeps (Close
// leaves it open). Subscriptions make consumer clients with opts, which must reach the
// same cluster (kgo.SeedBrokers and what else it needs).
func New(cl *kgo.Client, opts ...kgo.Opt) *Transport { return &Transport{cl: cl, opts: opts} }

// Publish produces msg to the topic msg.Channel and waits for the acknowledgement.
func (t *Transport) Publish(ctx context.Context, msg *runtime.Message) error {
	r := &kgo.Record{Topic: msg.Channel, Value: msg.Payload}
	for k, v := range msg.Header {
		r.Headers = append(r.Headers, kgo.RecordHeader{Key: k, Value: []byte(v)})
	}
	return t.cl.ProduceSync(ctx, r).FirstErr()
}

// newTopicAge is how often the metadata of a topic that does not exist yet is asked for.
const newTopicAge = 250 * time.Millisecond

// Subscribe consumes the topic channel from its current end offsets.
func (t *Transport) Subscribe(ctx context.Context, channel string, filter func(*runtime.Message) bool) (runtime.Subscription, error) {
	ends, err := kadm.NewClient(t.cl).ListEndOffsets(ctx, channel)
	missing := errors.Is(err, kerr.UnknownTopicOrPartition)
	if err != nil && !missing {
		return nil, err
	}
	offsets := map[int32]kgo.Offset{}
	var perr error
	ends.Each(func(o kadm.ListedOffset) {
		switch {
		case errors.Is(o.Err, kerr.UnknownTopicOrPartition):
			missing = true
		case o.Err != nil:
			perr = o.Err
		default:
			offsets[o.Partition] = kgo.NewOffset().At(o.Offset)
		}
	})
	if perr != nil {
		return nil, perr
	}
	consume := []kgo.Opt{kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{channel: offsets})}
	if missing || len(offsets) == 0 {
		consume = []kgo.Opt{kgo.ConsumeTopics(channel), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.MetadataMinAge(newTopicAge), kgo.MetadataMaxAge(newTopicAge)}
	}
	cl, err := kgo.NewClient(append(append([]kgo.Opt{}, t.opts...), consume...)...)
	if err != nil {
		return nil, err
	}
	return &subscription{cl: cl, filter: filter}, nil
}

// Close closes the clients the transport made.
func (t *Transport) Close() error {
	if t.owned {
		t.cl.Close()
	}
	return nil
}

type subscription struct {
	cl      *kgo.Client
	filter  func(*runtime.Message) bool
	pending []*kgo.Record
}

func (s *subscription) Next(ctx context.Context) (*runtime.Message, error) {
	for {
		for len(s.pending) > 0 {
			r := s.pending[0]
			s.pending = s.pending[1:]
			msg := &runtime.Message{Channel: r.Topic, Payload: r.Value}
			if len(r.Headers) > 0 {
				msg.Header = make(runtime.MessageHeader, len(r.Headers))
				for _, h := range r.Headers {
					if _, dup := msg.Header[h.Key]; !dup {
						msg.Header[h.Key] = string(h.Value)
					}
				}
			}
			if s.filter == nil || s.filter(msg) {
				return msg, nil
			}
		}
		fetches := s.cl.PollRecords(ctx, 100)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if fetches.IsClientClosed() {
			return nil, errors.New("the subscription is closed")
		}
		for _, fe := range fetches.Errors() {
			if !errors.Is(fe.Err, kerr.UnknownTopicOrPartition) { // a topic not created yet
				return nil, fe.Err
			}
		}
		fetches.EachRecord(func(r *kgo.Record) { s.pending = append(s.pending, r) })
	}
}

func (s *subscription) Close() error {
	s.cl.Close()
	return nil
}
