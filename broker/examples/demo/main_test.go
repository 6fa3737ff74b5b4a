package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/arazzogen/arazzogen/broker/internal/leak"
)

// The demo is also the generated client's test on a real broker: the order is placed by
// message and confirmed, the typed output is the confirmation's, the unconfirmed order ends
// with the run's deadline, and neither leaves a goroutine or a subscription behind.
func TestDemo(t *testing.T) {
	leak.Check(t)
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{
		"  → GET /pet/findByStatus?status=available (Authorization: session-7f3a)",
		"  order service ← place-order {orderRequestId=order-42} {\"petId\":7}",
		"  order service → confirm-order {orderRequestId=order-42} {\"orderId\":1001}",
		"  received on confirm-order (16 bytes)",
		"outputs: orderId=1001 (int64)",
		"error: workflow loginUserAndRetrievePet: step confirmPetPurchaseStep (RECEIVE confirm-order): timed out after",
		"(context deadline) with no matching message: context deadline exceeded",
		"subscriptions the workflow left on the server: 0",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the demo does not print %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "s3cret") {
		t.Errorf("the demo prints the password:\n%s", out.String())
	}
}
