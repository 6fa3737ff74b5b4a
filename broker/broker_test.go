package broker_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/broker"
	"github.com/arazzogen/arazzogen/broker/internal/natsserver"
	"github.com/arazzogen/arazzogen/runtime"
	"github.com/twmb/franz-go/pkg/kfake"
)

func roundTrip(t *testing.T, tr runtime.MessageTransport) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sub, err := tr.Subscribe(ctx, "dial-test", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	if err := tr.Publish(ctx, &runtime.Message{Channel: "dial-test", Payload: []byte("hi")}); err != nil {
		t.Fatal(err)
	}
	if m, err := sub.Next(ctx); err != nil || string(m.Payload) != "hi" {
		t.Fatalf("Next = %v, %v", m, err)
	}
}

func TestDial(t *testing.T) {
	s, err := natsserver.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, u := range []string{s.ClientURL(), "kafka://" + strings.Join(c.ListenAddrs(), ",")} {
		tr, err := broker.Dial(ctx, u)
		if err != nil {
			t.Fatalf("Dial(%s): %v", u, err)
		}
		roundTrip(t, tr)
		if err := tr.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}
}

func TestDialRefusals(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	for _, tt := range []struct{ url, want string }{
		{"mqtt://host:1883", `scheme "mqtt" is not supported (want nats:// or kafka://)`},
		{"localhost:4222", "has no scheme"},
		{"kafka://", "names no Kafka broker"},
		{"nats://user:hunter22@127.0.0.1:1", "cannot connect to NATS at nats://user:[REDACTED]@127.0.0.1:1"},
	} {
		tr, err := broker.Dial(ctx, tt.url)
		if err == nil {
			tr.Close()
			t.Errorf("Dial(%q) succeeded", tt.url)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "hunter22") {
			t.Errorf("Dial(%q): %v, want %q and no password", tt.url, err, tt.want)
		}
	}
}
