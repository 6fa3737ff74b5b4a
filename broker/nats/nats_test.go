package nats_test

import (
	"testing"

	"github.com/arazzogen/arazzogen/broker/internal/natsserver"
	"github.com/arazzogen/arazzogen/broker/internal/transporttest"
	"github.com/arazzogen/arazzogen/broker/nats"
	"github.com/arazzogen/arazzogen/runtime"
)

// The contract, against a real NATS server started in the process.
func TestTransport(t *testing.T) {
	s, err := natsserver.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown()
	transporttest.Run(t, func(t *testing.T) runtime.MessageTransport {
		tr, err := nats.Dial(s.ClientURL())
		if err != nil {
			t.Fatal(err)
		}
		return tr
	})
}

// A transport over a connection the caller keeps leaves it open.
func TestNewLeavesTheConnectionOpen(t *testing.T) {
	s, err := natsserver.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown()
	owner, err := nats.Dial(s.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	tr := nats.New(owner.Conn())
	_ = tr.Close()
	if owner.Conn().IsClosed() {
		t.Error("Close of a transport from New closed the caller's connection")
	}
	_ = owner.Close()
	if !owner.Conn().IsClosed() {
		t.Error("Close of a dialled transport left its connection open")
	}
}
