package cli

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/arazzogen/arazzogen/runtime"
)

// fakeTransport stands for a broker connection; the test checks which were made and closed.
type fakeTransport struct {
	url    string
	closed bool
}

func (f *fakeTransport) Publish(context.Context, *runtime.Message) error { return nil }
func (f *fakeTransport) Subscribe(context.Context, string, func(*runtime.Message) bool) (runtime.Subscription, error) {
	return nil, errors.New("not used")
}
func (f *fakeTransport) Close() error { f.closed = true; return nil }

// brokerCommand has a workflow "order" that needs source orders (default URL from its
// description) and source events (none), and reports the transports it got.
func brokerCommand(dialled *[]*fakeTransport) Command {
	run := func(ctx context.Context, cfg Config, _ []byte) (any, error) {
		var got []string
		for _, t := range cfg.Transports {
			got = append(got, t.Source+"="+t.Transport.(*fakeTransport).url)
		}
		return got, nil
	}
	return Command{
		Name:    "shop",
		Brokers: []Broker{{Source: "orders", URL: "kafka://localhost:9092"}, {Source: "events"}},
		Dial: func(ctx context.Context, url string) (runtime.MessageTransport, error) {
			if strings.Contains(url, "refused") {
				return nil, errors.New("cannot connect to NATS at " + url + ": connection refused")
			}
			t := &fakeTransport{url: url}
			*dialled = append(*dialled, t)
			return t, nil
		},
		Workflows: []Workflow{
			{ID: "order", Brokers: []string{"orders"}, Run: run},
			{ID: "notify", Brokers: []string{"orders", "events"}, Run: run},
			{ID: "http-only", Run: run},
		},
	}
}

func TestBrokers(t *testing.T) {
	var dialled []*fakeTransport
	code, out, errOut := runCLI(t, brokerCommand(&dialled), nil, "", "order")
	if code != ExitOK || !strings.Contains(out, `"orders=kafka://localhost:9092"`) {
		t.Errorf("the description's server is the default: exit %d, %s %s", code, out, errOut)
	}
	dialled = nil
	code, out, errOut = runCLI(t, brokerCommand(&dialled), nil, "", "notify", "-broker", "events=nats://127.0.0.1:4222", "-broker", "orders=nats://127.0.0.1:4223")
	if code != ExitOK || !strings.Contains(out, `"orders=nats://127.0.0.1:4223"`) || !strings.Contains(out, `"events=nats://127.0.0.1:4222"`) {
		t.Errorf("-broker: exit %d, %s %s", code, out, errOut)
	}
	if len(dialled) != 2 || !dialled[0].closed || !dialled[1].closed {
		t.Errorf("connections %+v: want two, closed after the run", dialled)
	}
	dialled = nil
	if code, _, errOut := runCLI(t, brokerCommand(&dialled), nil, "", "http-only", "-broker", "orders=nats://x:1"); code != ExitOK || len(dialled) != 0 {
		t.Errorf("a workflow that sends no message connected to %d brokers (exit %d, %s)", len(dialled), code, errOut)
	}
}

func TestBrokerErrors(t *testing.T) {
	var dialled []*fakeTransport
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"notify"}, ExitUsage, "workflow notify sends or receives messages through source events, whose description names no NATS or Kafka server: give -broker events=nats://HOST:PORT"},
		{[]string{"order", "-broker", "nope=nats://x"}, ExitUsage, `-broker "nope=nats://x": want SOURCE=URL with SOURCE one of orders, events`},
		{[]string{"order", "-broker", "orders"}, ExitUsage, "want SOURCE=URL"},
		{[]string{"order", "-broker", "orders=nats://user:hunter22@refused:1"}, ExitFailed, "shop: source orders: cannot connect to NATS at nats://user:[REDACTED]@refused:1"},
	} {
		code, _, errOut := runCLI(t, brokerCommand(&dialled), nil, "", tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
}

func TestListBrokers(t *testing.T) {
	var dialled []*fakeTransport
	_, out, _ := runCLI(t, brokerCommand(&dialled), nil, "", "-list")
	want := "message brokers (-broker SOURCE=URL):\n  -broker orders=<nats://HOST:PORT or kafka://HOST:PORT, default kafka://localhost:9092>\n  -broker events=<nats://HOST:PORT or kafka://HOST:PORT>\n"
	if !strings.HasSuffix(out, want) {
		t.Errorf("-list:\n%s\nwant it to end with:\n%s", out, want)
	}
}

// A dry run publishes nothing: the first message is shown as the first request is, and the
// run stops there.
func TestDryRunPublishesNothing(t *testing.T) {
	var dialled []*fakeTransport
	cmd := brokerCommand(&dialled)
	cmd.Workflows[0].Run = func(ctx context.Context, cfg Config, _ []byte) (any, error) {
		rt := runtime.Transport{Observer: cfg.Observer}
		run := rt.Start(ctx, "order")
		st := run.Step("place")
		_, err := st.Publish(cfg.Transports[0].Transport, &runtime.Publish{
			Channel: runtime.Channel{Source: "orders", Path: "orders.place", Address: "orders.place"},
			Header:  runtime.MessageHeader{"orderRequestId": "r-1"}, Payload: []byte(`{"petId":7}`)})
		return nil, run.End(err)
	}
	code, out, errOut := runCLI(t, cmd, nil, "", "order", "-dry-run")
	if code != ExitOK || len(dialled) != 0 {
		t.Fatalf("exit %d, %d connections (want none): %s", code, len(dialled), errOut)
	}
	want := "step place would send:\n  SEND orders.place\n  orderRequestId: r-1\n\n  {\"petId\":7}\n"
	if !strings.Contains(out, want) {
		t.Errorf("dry run printed:\n%s\nwant it to contain:\n%s", out, want)
	}
}
