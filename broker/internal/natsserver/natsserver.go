// Package natsserver starts a real NATS server inside the process, on loopback, for the
// tests and the demo: nothing to install, no network beyond 127.0.0.1.
package natsserver

import (
	"errors"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Start runs a NATS server on a free loopback port; Shutdown stops it. URL is
// s.ClientURL().
func Start() (*server.Server, error) {
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, NoLog: true, NoSigs: true})
	if err != nil {
		return nil, err
	}
	s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		return nil, errors.New("the embedded NATS server did not start")
	}
	return s, nil
}
