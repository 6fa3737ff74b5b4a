// Command demo runs the Arazzo 1.1 specification's pet purchase, compiled by arazzogen
// (github.com/arazzogen/arazzogen/examples/petorder/purchase), with its AsyncAPI steps on a
// real NATS server started inside the process and its HTTP steps against a local fake of
// the Swagger Petstore. It prints each request, each message the order service sees and
// sends, and the workflow's typed outputs; then an order nobody confirms, whose receive
// step ends with the run's deadline and leaves no subscription behind. It needs no setup
// and no network beyond 127.0.0.1.
//
//	make demo-async   (or: cd broker && go run ./examples/demo)
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/arazzogen/arazzogen/broker/internal/natsserver"
	"github.com/arazzogen/arazzogen/broker/nats"
	"github.com/arazzogen/arazzogen/examples/petorder/purchase"
	"github.com/arazzogen/arazzogen/runtime"
	natsgo "github.com/nats-io/nats.go"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// petstore is a fake of the two Swagger Petstore operations the workflow calls.
func petstore(out io.Writer) http.Handler {
	const token = "session-7f3a"
	mux := http.NewServeMux()
	mux.HandleFunc("GET /user/login", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(out, "  → GET %s\n", r.URL.Path)
		w.Header().Set("X-Rate-Limit", "5000")
		w.Header().Set("X-Expires-After", "2026-12-31T23:59:59Z")
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(out, "  ← 200 %q\n", token)
		_ = json.NewEncoder(w).Encode(token)
	})
	mux.HandleFunc("GET /pet/findByStatus", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(out, "  → GET %s (Authorization: %s)\n", r.URL.RequestURI(), r.Header.Get("Authorization"))
		if r.Header.Get("Authorization") != token {
			http.Error(w, `{"message":"not logged in"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		body := `[{"id":7,"name":"Rex","status":"available","photoUrls":[]}]`
		fmt.Fprintf(out, "  ← 200 %s\n", body)
		_, _ = io.WriteString(w, body)
	})
	return mux
}

// orderService is the application pet-asyncapi.yaml describes: it receives orders on
// place-order and confirms each on confirm-order with the order's correlation ID, except the
// orders it is told to ignore.
func orderService(ctx context.Context, url string, out io.Writer, ignore string) (stop func(), err error) {
	nc, err := natsgo.Connect(url)
	if err != nil {
		return nil, err
	}
	var next atomic.Int64
	next.Store(1000)
	sub, err := nc.Subscribe("place-order", func(m *natsgo.Msg) {
		id := m.Header.Get("orderRequestId")
		fmt.Fprintf(out, "  order service ← place-order %s %s\n", headerText(m.Header), m.Data)
		if id == ignore {
			fmt.Fprintf(out, "  order service: no confirmation for %s\n", id)
			return
		}
		reply := natsgo.NewMsg("confirm-order")
		reply.Header["orderRequestId"] = []string{id}
		reply.Data = fmt.Appendf(nil, `{"orderId":%d}`, next.Add(1))
		fmt.Fprintf(out, "  order service → confirm-order %s %s\n", headerText(reply.Header), reply.Data)
		_ = nc.PublishMsg(reply)
	})
	if err != nil {
		nc.Close()
		return nil, err
	}
	if err := nc.Flush(); err != nil {
		nc.Close()
		return nil, err
	}
	return func() { _ = sub.Unsubscribe(); nc.Close() }, nil
}

func headerText(h natsgo.Header) string {
	var parts []string
	for k, v := range h {
		parts = append(parts, k+"="+strings.Join(v, ","))
	}
	sort.Strings(parts)
	return "{" + strings.Join(parts, " ") + "}"
}

// stepLog prints the steps of a run as they start and end.
type stepLog struct {
	runtime.NopObserver
	out io.Writer
}

func (o stepLog) StepStart(ctx context.Context, e runtime.StepEvent) context.Context {
	fmt.Fprintf(o.out, "step %s\n", e.Step)
	return ctx
}

func (o stepLog) Response(ctx context.Context, e runtime.ResponseEvent) {
	switch e.Method {
	case "SEND":
		fmt.Fprintf(o.out, "  published on %s\n", e.Path)
	case "RECEIVE":
		if e.Err == nil {
			fmt.Fprintf(o.out, "  received on %s (%d bytes)\n", e.Path, e.BodyBytes)
		}
	}
}

func run(ctx context.Context, out io.Writer) error {
	ns, err := natsserver.Start()
	if err != nil {
		return err
	}
	defer ns.Shutdown()
	fmt.Fprintf(out, "NATS server on %s (in this process)\n", ns.ClientURL())
	api := httptest.NewServer(petstore(out))
	defer api.Close()

	stop, err := orderService(ctx, ns.ClientURL(), out, "order-never")
	if err != nil {
		return err
	}
	defer stop()
	transport, err := nats.Dial(ns.ClientURL())
	if err != nil {
		return err
	}
	defer transport.Close()
	client, err := purchase.NewClient(
		purchase.WithServerURL(purchase.SourcePetStoreDescription, api.URL),
		purchase.WithMessageTransport(purchase.SourceAsyncOrderAPIDescription, transport),
		purchase.WithObserver(stepLog{out: out}),
	)
	if err != nil {
		return err
	}
	before := ns.NumSubscriptions()

	fmt.Fprintln(out, "\n== loginUserAndRetrievePet: the order is confirmed")
	res, err := client.LoginUserAndRetrievePet(ctx, purchase.LoginUserAndRetrievePetInputs{
		Username: "alice", Password: "s3cret", OrderCorrelationID: "order-42",
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "outputs: orderId=%d (%T)\n", res.OrderID, res.OrderID)

	fmt.Fprintln(out, "\n== loginUserAndRetrievePet: nobody confirms the order (the run is given 1s)")
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	_, err = client.LoginUserAndRetrievePet(short, purchase.LoginUserAndRetrievePetInputs{
		Username: "alice", Password: "s3cret", OrderCorrelationID: "order-never",
	})
	var se *runtime.StepError
	if !errors.As(err, &se) {
		return fmt.Errorf("want a *runtime.StepError, got %v", err)
	}
	fmt.Fprintf(out, "error: %v\n", err)
	fmt.Fprintf(out, "subscriptions the workflow left on the server: %d\n", int(ns.NumSubscriptions())-int(before))
	return nil
}
