package broker_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/broker/internal/natsserver"
	"github.com/arazzogen/arazzogen/broker/kafka"
	"github.com/arazzogen/arazzogen/internal/scripted"
	"github.com/arazzogen/arazzogen/runtime"
	natsgo "github.com/nats-io/nats.go"
	"github.com/twmb/franz-go/pkg/kfake"
)

// The conformance suite of AsyncAPI steps: every case in testdata/conformance/async is
// generated with its command by arazzogen, compiled in a module of its own, and run against
// a scripted HTTP server and a NATS server started in the process, on which a responder
// checks each message the workflow publishes (subject, headers, payload) and answers with
// the scripted replies.

// asyncScript is case.yaml.
type asyncScript struct {
	// HTTP names the OpenAPI sources the scripted HTTP server serves (-server), Brokers the
	// AsyncAPI sources connected to the NATS server (-broker).
	HTTP    []string   `yaml:"http"`
	Brokers []string   `yaml:"brokers"`
	Runs    []asyncRun `yaml:"runs"`
}

type asyncRun struct {
	Name      string              `yaml:"name"`
	Workflow  string              `yaml:"workflow"`
	Inputs    map[string]any      `yaml:"inputs"`
	Exchanges []scripted.Exchange `yaml:"exchanges"`
	// Messages are the messages the workflow must publish, in order, each with the
	// messages the responder publishes when it arrives.
	Messages []messageExchange `yaml:"messages"`
	Exit     int               `yaml:"exit"`
	Outputs  map[string]any    `yaml:"outputs"`
	Stderr   []string          `yaml:"stderr"`
	// Within bounds the run's duration (a Go duration): a receive that never gets its
	// message must end within its step timeout.
	Within string `yaml:"within"`
}

type messageExchange struct {
	Expect scriptedMessage   `yaml:"expect"`
	Reply  []scriptedMessage `yaml:"reply"`
}

type scriptedMessage struct {
	Channel string `yaml:"channel"`
	// Headers are the message's headers, all of them (an expected message with other
	// headers differs).
	Headers map[string]string `yaml:"headers"`
	JSON    any               `yaml:"json"`
	// Delay holds a reply back (a Go duration).
	Delay string `yaml:"delay"`
}

func repoRoot(t *testing.T) string {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func loadAsyncCases(t *testing.T) []*scripted.Case[asyncScript] {
	cases := scripted.LoadCases[asyncScript](t, filepath.Join(repoRoot(t), "testdata", "conformance", "async"), "a")
	for _, c := range cases {
		if len(c.Script.Runs) == 0 {
			t.Fatalf("%s: case.yaml has no runs", c.Name)
		}
	}
	return cases
}

// goCmd runs the go command in dir.
func goCmd(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// buildAsync generates every case with the arazzogen command into one module that uses
// this repository and this module through replace directives, and builds the commands.
func buildAsync(t *testing.T, cases []*scripted.Case[asyncScript], extra ...func(t *testing.T, mod, arazzogen string)) string {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found")
	}
	repo := repoRoot(t)
	tools := t.TempDir()
	arazzogen := filepath.Join(tools, "arazzogen")
	goCmd(t, repo, "build", "-o", arazzogen, "./cmd/arazzogen")
	mod := t.TempDir()
	gomod := fmt.Sprintf("module example.com/async\n\ngo 1.26\n\nrequire (\n\tgithub.com/arazzogen/arazzogen v0.0.0\n\tgithub.com/arazzogen/arazzogen/broker v0.0.0\n)\n\nreplace github.com/arazzogen/arazzogen => %s\n\nreplace github.com/arazzogen/arazzogen/broker => %s\n", repo, filepath.Join(repo, "broker"))
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		generate(t, arazzogen, c.Dir, filepath.Join(mod, c.Pkg), c.Pkg, c.Doc)
	}
	for _, f := range extra {
		f(t, mod, arazzogen)
	}
	goCmd(t, mod, "mod", "tidy")
	goCmd(t, mod, "vet", "./...")
	bin := filepath.Join(mod, "bin")
	goCmd(t, mod, "build", "-o", bin+string(filepath.Separator), "./...")
	return bin
}

// generate runs arazzogen -cli in dir; the command finds the import path from the go.mod
// above out.
func generate(t *testing.T, arazzogen, dir, out, pkg, doc string, flags ...string) {
	t.Helper()
	args := append([]string{"-cli", "-o", out, "-package", pkg}, flags...)
	cmd := exec.Command(arazzogen, append(args, doc)...)
	cmd.Dir = dir
	if outp, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("arazzogen %s: %v\n%s", strings.Join(args, " "), err, outp)
	}
}

func TestAsyncConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles and runs generated commands; skipped in -short mode")
	}
	cases := loadAsyncCases(t)
	spec := specExample(t)
	bin := buildAsync(t, cases, spec.generate)
	ns, err := natsserver.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Shutdown()
	kc, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(2))
	if err != nil {
		t.Fatal(err)
	}
	defer kc.Close()
	// Every case runs on NATS, with a responder of its own (nats.go); and on Kafka (kfake),
	// with a responder through this module's Kafka transport, which its own tests check
	// against the Kafka protocol.
	brokers := []*testBroker{
		{name: "nats", url: ns.ClientURL(), dial: func() (responderConn, error) { return dialNATSResponder(ns.ClientURL()) }},
		{name: "kafka", url: "kafka://" + strings.Join(kc.ListenAddrs(), ","), dial: func() (responderConn, error) { return dialKafkaResponder(kc.ListenAddrs()) }},
	}
	for _, b := range brokers {
		t.Run(b.name, func(t *testing.T) {
			t.Run("specification-example", func(t *testing.T) { spec.run(t, bin, b) })
			for _, c := range cases {
				t.Run(c.Name, func(t *testing.T) {
					for _, r := range c.Script.Runs {
						t.Run(r.Name, func(t *testing.T) {
							executeAsync(t, filepath.Join(bin, c.Pkg), c.Script.HTTP, c.Script.Brokers, b, r)
						})
					}
				})
			}
		})
	}
}

// testBroker is a broker the suite runs on: -broker URL, and how the responder connects.
type testBroker struct {
	name, url string
	dial      func() (responderConn, error)
}

// responderConn is the responder's own connection to the broker.
type responderConn interface {
	// subscribe delivers the messages of the channels to in from the moment it returns.
	subscribe(ctx context.Context, channels []string, in chan<- *runtime.Message) error
	publish(ctx context.Context, m *runtime.Message) error
	close()
}

type natsResponder struct{ nc *natsgo.Conn }

func dialNATSResponder(url string) (responderConn, error) {
	nc, err := natsgo.Connect(url)
	if err != nil {
		return nil, err
	}
	return &natsResponder{nc}, nil
}

func (r *natsResponder) subscribe(ctx context.Context, channels []string, in chan<- *runtime.Message) error {
	for _, ch := range channels {
		if _, err := r.nc.Subscribe(ch, func(m *natsgo.Msg) {
			msg := &runtime.Message{Channel: m.Subject, Payload: m.Data, Header: runtime.MessageHeader{}}
			for k, v := range m.Header {
				msg.Header[k] = strings.Join(v, ",")
			}
			select {
			case in <- msg:
			case <-ctx.Done():
			}
		}); err != nil {
			return err
		}
	}
	return r.nc.Flush()
}

func (r *natsResponder) publish(_ context.Context, m *runtime.Message) error {
	out := natsgo.NewMsg(m.Channel)
	for k, v := range m.Header {
		out.Header[k] = []string{v}
	}
	out.Data = m.Payload
	if err := r.nc.PublishMsg(out); err != nil {
		return err
	}
	return r.nc.Flush()
}

func (r *natsResponder) close() { r.nc.Close() }

type kafkaResponder struct {
	t    *kafka.Transport
	subs []runtime.Subscription
	wg   sync.WaitGroup
}

func dialKafkaResponder(seeds []string) (responderConn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	t, err := kafka.Dial(ctx, seeds)
	if err != nil {
		return nil, err
	}
	return &kafkaResponder{t: t}, nil
}

func (r *kafkaResponder) subscribe(ctx context.Context, channels []string, in chan<- *runtime.Message) error {
	for _, ch := range channels {
		sub, err := r.t.Subscribe(ctx, ch, nil)
		if err != nil {
			return err
		}
		r.subs = append(r.subs, sub)
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			for {
				m, err := sub.Next(ctx)
				if err != nil {
					return
				}
				select {
				case in <- m:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	return nil
}

func (r *kafkaResponder) publish(ctx context.Context, m *runtime.Message) error {
	return r.t.Publish(ctx, m)
}

func (r *kafkaResponder) close() {
	r.wg.Wait()
	for _, s := range r.subs {
		_ = s.Close()
	}
	_ = r.t.Close()
}

// responder checks the messages a run publishes against the script and publishes the
// replies.
type responder struct {
	mu       sync.Mutex
	script   []messageExchange
	next     int
	problems []string
}

func (r *responder) problem(format string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.problems = append(r.problems, fmt.Sprintf(format, a...))
}

// start subscribes to the channels of the expected messages (before the workflow starts)
// and answers until ctx ends; the returned function waits for it to stop.
func (r *responder) start(ctx context.Context, t *testing.T, b *testBroker) func() {
	conn, err := b.dial()
	if err != nil {
		t.Fatal(err)
	}
	in := make(chan *runtime.Message, 100)
	var channels []string
	for _, m := range r.script {
		if !slices.Contains(channels, m.Expect.Channel) {
			channels = append(channels, m.Expect.Channel)
		}
	}
	if err := conn.subscribe(ctx, channels, in); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				conn.close()
				return
			case m := <-in:
				r.handle(ctx, conn, m)
			}
		}
	}()
	return func() { <-done }
}

func (r *responder) handle(ctx context.Context, conn responderConn, m *runtime.Message) {
	r.mu.Lock()
	i := r.next
	r.next++
	r.mu.Unlock()
	if i >= len(r.script) {
		r.problem("unexpected message %d on %s: %s", i+1, m.Channel, m.Payload)
		return
	}
	ex := r.script[i]
	want := ex.Expect
	if m.Channel != want.Channel {
		r.problem("message %d: published on %s, want %s", i+1, m.Channel, want.Channel)
	}
	if want.Headers != nil {
		got := map[string]string(m.Header)
		if got == nil {
			got = map[string]string{}
		}
		if !reflect.DeepEqual(got, want.Headers) {
			r.problem("message %d (%s): headers %v, want %v", i+1, m.Channel, got, want.Headers)
		}
	}
	if want.JSON != nil {
		var got any
		if err := json.Unmarshal(m.Payload, &got); err != nil || !reflect.DeepEqual(scripted.Normalize(got), scripted.Normalize(want.JSON)) {
			w, _ := json.Marshal(want.JSON)
			r.problem("message %d (%s): payload %s, want %s", i+1, m.Channel, m.Payload, w)
		}
	}
	for _, reply := range ex.Reply {
		if reply.Delay != "" {
			d, _ := time.ParseDuration(reply.Delay)
			select {
			case <-time.After(d):
			case <-ctx.Done():
				return
			}
		}
		out := &runtime.Message{Channel: reply.Channel, Header: runtime.MessageHeader(reply.Headers)}
		out.Payload, _ = json.Marshal(reply.JSON)
		if err := conn.publish(ctx, out); err != nil {
			r.problem("reply on %s: %v", reply.Channel, err)
		}
	}
}

func executeAsync(t *testing.T, bin string, httpSources, brokerSources []string, b *testBroker, r asyncRun) {
	srv := scripted.NewServer(r.Exchanges)
	hs := httptest.NewServer(srv)
	defer hs.Close()
	srv.URL = hs.URL
	ctx, cancel := context.WithCancel(context.Background())
	resp := &responder{script: r.Messages}
	wait := resp.start(ctx, t, b)
	args := []string{r.Workflow}
	for _, s := range httpSources {
		args = append(args, "-server", s+"="+hs.URL)
	}
	for _, s := range brokerSources {
		args = append(args, "-broker", s+"="+b.url)
	}
	args = append(args, "-inputs", "-", "-timeout", "20s")
	inputs, _ := json.Marshal(r.Inputs)
	if r.Inputs == nil {
		inputs = []byte("{}")
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdin = bytes.NewReader(inputs)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	cancel()
	wait()
	exit := 0
	if ee, ok := err.(*exec.ExitError); ok {
		exit = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	for _, p := range srv.Problems(true) {
		t.Error(p)
	}
	resp.mu.Lock()
	for _, p := range resp.problems {
		t.Error(p)
	}
	if resp.next < len(resp.script) {
		t.Errorf("only %d of %d scripted messages were published; next expected on %s", resp.next, len(resp.script), resp.script[resp.next].Expect.Channel)
	}
	resp.mu.Unlock()
	if exit != r.Exit {
		t.Errorf("exit status %d, want %d (after %s)\nstdout: %s\nstderr: %s", exit, r.Exit, took.Round(time.Millisecond), stdout.String(), stderr.String())
	}
	if r.Within != "" {
		d, err := time.ParseDuration(r.Within)
		if err != nil {
			t.Fatal(err)
		}
		if took > d {
			t.Errorf("the run took %s, more than %s", took.Round(time.Millisecond), d)
		}
	}
	if r.Outputs != nil {
		var got any
		if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
			t.Errorf("stdout is not JSON: %v\n%s", err, stdout.String())
		} else if !reflect.DeepEqual(scripted.Normalize(got), scripted.Normalize(r.Outputs)) {
			want, _ := json.Marshal(scripted.Normalize(r.Outputs))
			t.Errorf("outputs %s\nwant    %s", bytes.TrimSpace(stdout.Bytes()), want)
		}
	}
	for _, s := range r.Stderr {
		if !strings.Contains(stderr.String(), s) {
			t.Errorf("stderr does not contain %q:\n%s", s, stderr.String())
		}
	}
}
