// Package broker connects generated clients to message brokers for their AsyncAPI steps:
// Dial turns a broker URL into a runtime.MessageTransport. The adapters themselves are the
// packages nats (core NATS through nats.go) and kafka (Kafka through franz-go); use them
// directly for options a URL cannot carry.
//
// This module is separate from github.com/arazzogen/arazzogen so that the runtime stays
// standard-library only: a program that sends no messages downloads none of it.
package broker

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/arazzogen/arazzogen/broker/kafka"
	"github.com/arazzogen/arazzogen/broker/nats"
	"github.com/arazzogen/arazzogen/runtime"
	natsgo "github.com/nats-io/nats.go"
)

// Dial connects to the broker that rawURL names and returns a transport that owns the
// connection (Close closes it):
//
//   - nats://host:4222, tls://host:4222 (several servers separated by commas; user info
//     allowed): core NATS;
//   - kafka://host:9092 (several seed brokers separated by commas): Kafka without TLS or
//     SASL (use kafka.Dial with franz-go options for those).
//
// ctx bounds connecting. Errors never show the URL's user info.
func Dial(ctx context.Context, rawURL string) (runtime.MessageTransport, error) {
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return nil, fmt.Errorf("broker URL %q has no scheme (want nats:// or kafka://)", hidePassword(rawURL))
	}
	switch strings.ToLower(scheme) {
	case "nats", "tls":
		wait := 10 * time.Second
		if d, ok := ctx.Deadline(); ok {
			wait = time.Until(d)
		}
		t, err := nats.Dial(rawURL, natsgo.Timeout(wait))
		if err != nil {
			return nil, fmt.Errorf("cannot connect to NATS at %s: %w", hidePassword(rawURL), err)
		}
		return t, nil
	case "kafka":
		var seeds []string
		for _, s := range strings.Split(strings.TrimSuffix(rest, "/"), ",") {
			if s = strings.TrimSpace(s); s != "" {
				seeds = append(seeds, s)
			}
		}
		if len(seeds) == 0 {
			return nil, fmt.Errorf("broker URL %q names no Kafka broker", rawURL)
		}
		return kafka.Dial(ctx, seeds)
	}
	return nil, fmt.Errorf("broker URL %s: scheme %q is not supported (want nats:// or kafka://)", hidePassword(rawURL), scheme)
}

// hidePassword replaces the password in the user info of each URL of a comma-separated
// list.
func hidePassword(raw string) string {
	urls := strings.Split(raw, ",")
	for i, u := range urls {
		scheme, rest, ok := strings.Cut(u, "://")
		if !ok {
			continue
		}
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		at := strings.LastIndex(rest[:end], "@")
		if at < 0 {
			continue
		}
		if user, _, hasPass := strings.Cut(rest[:at], ":"); hasPass {
			urls[i] = scheme + "://" + user + ":" + runtime.Redacted + rest[at:]
		}
	}
	return strings.Join(urls, ",")
}
