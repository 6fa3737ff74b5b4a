package kafka_test

import (
	"context"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/broker/internal/transporttest"
	"github.com/arazzogen/arazzogen/broker/kafka"
	"github.com/arazzogen/arazzogen/runtime"
	"github.com/twmb/franz-go/pkg/kfake"
)

// The contract, against kfake: a Kafka cluster in the process that speaks the Kafka
// protocol. Topics are created when first produced to, as many clusters are set up;
// subscriptions to a topic that does not exist yet are covered so.
func TestTransport(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(2))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	transporttest.Run(t, func(t *testing.T) runtime.MessageTransport {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		tr, err := kafka.Dial(ctx, c.ListenAddrs())
		if err != nil {
			t.Fatal(err)
		}
		return tr
	})
}

func TestDialFailsWithoutABroker(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if tr, err := kafka.Dial(ctx, []string{"127.0.0.1:1"}); err == nil {
		tr.Close()
		t.Fatal("Dial succeeded with no broker listening")
	}
}
