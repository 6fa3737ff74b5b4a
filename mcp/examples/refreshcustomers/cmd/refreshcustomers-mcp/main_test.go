package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/internal/fakeapi"
	"github.com/arazzogen/arazzogen/mcp"
	"github.com/arazzogen/arazzogen/runtime/cli"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

const toolName = "refresh-and-list-customers"

// prismatic serves the fake Prismatic API; a refused refresh token is echoed back in the
// error body, as careless servers do, so that the test can see it redacted.
func prismatic(t *testing.T) *httptest.Server {
	fake := fakeapi.Prismatic()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/auth/refresh" && !strings.Contains(string(body), fakeapi.PrismaticRefreshToken) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":"invalid refresh token","received":` + string(body) + `}`))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// connect serves the tools with opts and returns a session of the SDK's own client over the
// SDK's in-memory transport.
func connect(t *testing.T, opts mcp.Options) *sdk.ClientSession {
	t.Helper()
	server, err := mcp.NewServer(command, tools, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	serverT, clientT := sdk.NewInMemoryTransports()
	if _, err := server.Connect(ctx, serverT, nil); err != nil {
		t.Fatal(err)
	}
	client := sdk.NewClient(&sdk.Implementation{Name: "test-client", Version: "1"}, nil)
	session, err := client.Connect(ctx, clientT, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { session.Close() })
	return session
}

func options(srv *httptest.Server, inputs map[string]json.RawMessage, secrets ...string) mcp.Options {
	return mcp.Options{
		Config:  cli.Config{HTTPClient: srv.Client(), Servers: []cli.Server{{Source: "prismaticGraphqlApi", URL: srv.URL}}},
		Inputs:  inputs,
		Secrets: secrets,
		Timeout: 30 * time.Second,
	}
}

func quoted(s string) json.RawMessage { b, _ := json.Marshal(s); return b }

// resultText is everything a tool result shows the model.
func resultText(t *testing.T, res *sdk.CallToolResult) string {
	t.Helper()
	data, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestTools lists the tools: one per workflow, whose input schema has no secret input (the
// refresh token comes from the environment) and whose output schema types the outputs,
// the secret access token as "[REDACTED]".
func TestTools(t *testing.T) {
	srv := prismatic(t)
	session := connect(t, options(srv, map[string]json.RawMessage{"refreshToken": quoted(fakeapi.PrismaticRefreshToken)}, fakeapi.PrismaticRefreshToken))
	list, err := session.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Tools) != 1 || list.Tools[0].Name != toolName {
		t.Fatalf("tools: %+v", list.Tools)
	}
	tool := list.Tools[0]
	if !strings.Contains(tool.Description, "Refresh the access token") {
		t.Errorf("description %q", tool.Description)
	}
	in := tool.InputSchema.(map[string]any)
	if props := in["properties"].(map[string]any); len(props) != 0 {
		t.Errorf("input schema offers %v; the secret refresh token must not be a parameter", props)
	}
	if in["additionalProperties"] != false {
		t.Errorf("input schema admits other members: %v", in)
	}
	out := tool.OutputSchema.(map[string]any)
	props := out["properties"].(map[string]any)
	if got := props["accessToken"].(map[string]any); got["type"] != "string" || got["const"] != "[REDACTED]" {
		t.Errorf("accessToken schema %v", got)
	}
	if _, ok := props["customers"]; !ok {
		t.Errorf("output schema has no customers: %v", props)
	}
}

// TestCallTool runs the workflow through the tool against the fake API and gets its outputs
// as structured content: the customers as the server sent them, the access token redacted,
// and no secret anywhere in the result.
func TestCallTool(t *testing.T) {
	srv := prismatic(t)
	session := connect(t, options(srv, map[string]json.RawMessage{"refreshToken": quoted(fakeapi.PrismaticRefreshToken)}, fakeapi.PrismaticRefreshToken))
	res, err := session.CallTool(context.Background(), &sdk.CallToolParams{Name: toolName, Arguments: map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	if res.IsError {
		t.Fatalf("tool error: %s", resultText(t, res))
	}
	var out struct {
		AccessToken string `json:"accessToken"`
		Customers   []struct {
			ID, Name string
		} `json:"customers"`
	}
	data, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("structured content %s: %v", data, err)
	}
	if out.AccessToken != "[REDACTED]" {
		t.Errorf("accessToken = %q, want [REDACTED]", out.AccessToken)
	}
	if len(out.Customers) == 0 || out.Customers[0].Name == "" {
		t.Errorf("customers = %+v (structured content %s)", out.Customers, data)
	}
	text := resultText(t, res)
	for _, secret := range []string{fakeapi.PrismaticRefreshToken, fakeapi.PrismaticAccessToken} {
		if strings.Contains(text, secret) {
			t.Errorf("the result shows secret %q: %s", secret, text)
		}
	}
}

// TestFailingStep: a refused refresh token fails the step, which is a tool error naming the
// workflow, the step and the status, with the server's answer quoted and the token, which
// the server echoed, redacted.
func TestFailingStep(t *testing.T) {
	srv := prismatic(t)
	const wrong = "wrong-refresh-token-0123456789"
	session := connect(t, options(srv, map[string]json.RawMessage{"refreshToken": quoted(wrong)}, wrong))
	res, err := session.CallTool(context.Background(), &sdk.CallToolParams{Name: toolName, Arguments: map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.IsError {
		t.Fatalf("a refused token is no tool error: %s", resultText(t, res))
	}
	if len(res.Content) != 1 {
		t.Fatalf("content %s", resultText(t, res))
	}
	msg := res.Content[0].(*sdk.TextContent).Text
	t.Logf("tool error: %s", msg)
	for _, want := range []string{"workflow refresh-and-list-customers", "step refreshToken", "status 401", "invalid refresh token", "[REDACTED]"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not say %q", msg, want)
		}
	}
	if strings.Contains(resultText(t, res), wrong) {
		t.Errorf("the result shows the refresh token: %s", resultText(t, res))
	}
}

// TestSecretInputs: without -input-env the secret input is no parameter and a call says how
// to give it; with -secret-inputs the model may pass it, and it is redacted all the same.
func TestSecretInputs(t *testing.T) {
	srv := prismatic(t)
	session := connect(t, options(srv, nil))
	res, err := session.CallTool(context.Background(), &sdk.CallToolParams{Name: toolName, Arguments: map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	if msg := resultText(t, res); !res.IsError || !strings.Contains(msg, "-input-env refreshToken=ENVVAR") {
		t.Errorf("want a tool error naming -input-env, got %s", msg)
	}
	// The SDK validates the arguments against the schema, which admits no refresh token.
	res, err = session.CallTool(context.Background(), &sdk.CallToolParams{Name: toolName, Arguments: map[string]any{"refreshToken": fakeapi.PrismaticRefreshToken}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.IsError || !strings.Contains(resultText(t, res), "refreshToken") {
		t.Errorf("the secret input was accepted as an argument without -secret-inputs: %s", resultText(t, res))
	}

	opts := options(srv, nil)
	opts.SecretInputs = true
	session = connect(t, opts)
	list, err := session.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	in := list.Tools[0].InputSchema.(map[string]any)
	if req, _ := in["required"].([]any); !slices.Contains(req, any("refreshToken")) {
		t.Errorf("with -secret-inputs the refresh token is a required parameter; schema %v", in)
	}
	res, err = session.CallTool(context.Background(), &sdk.CallToolParams{Name: toolName, Arguments: map[string]any{"refreshToken": fakeapi.PrismaticRefreshToken}})
	if err != nil {
		t.Fatal(err)
	}
	if res.IsError || strings.Contains(resultText(t, res), fakeapi.PrismaticRefreshToken) || strings.Contains(resultText(t, res), fakeapi.PrismaticAccessToken) {
		t.Errorf("result %s", resultText(t, res))
	}
}

// TestCommandLine runs the server as its main function does, with -input-env, -server and
// -auth-env parsed by runtime/cli, over standard input and output (pipes here), and calls
// the tool with the SDK's client.
func TestCommandLine(t *testing.T) {
	srv := prismatic(t)
	env := map[string]string{"PRISMATIC_REFRESH_TOKEN": fakeapi.PrismaticRefreshToken, "PRISMATIC_TOKEN": "unused-bearer"}
	clientR, serverW := io.Pipe()
	serverR, clientW := io.Pipe()
	var stderr bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- mcp.Run(ctx, command, tools, cli.Env{
			Args:       []string{"-input-env", "refreshToken=PRISMATIC_REFRESH_TOKEN", "-auth-env", "prismaticGraphqlApi=PRISMATIC_TOKEN", "-server", "prismaticGraphqlApi=" + srv.URL},
			Stdin:      serverR,
			Stdout:     serverW,
			Stderr:     &stderr,
			Getenv:     func(k string) string { return env[k] },
			HTTPClient: srv.Client(),
		})
		serverW.Close()
	}()
	client := sdk.NewClient(&sdk.Implementation{Name: "test-client", Version: "1"}, nil)
	session, err := client.Connect(ctx, &sdk.IOTransport{Reader: clientR, Writer: clientW}, nil)
	if err != nil {
		t.Fatalf("connect: %v (stderr: %s)", err, stderr.String())
	}
	res, err := session.CallTool(ctx, &sdk.CallToolParams{Name: toolName, Arguments: map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	if res.IsError {
		t.Fatalf("tool error: %s", resultText(t, res))
	}
	if got := res.StructuredContent.(map[string]any)["accessToken"]; got != "[REDACTED]" {
		t.Errorf("accessToken = %v", got)
	}
	session.Close()
	clientW.Close()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d; stderr: %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop when its input closed")
	}
	if strings.Contains(stderr.String(), fakeapi.PrismaticRefreshToken) {
		t.Errorf("stderr shows the refresh token: %s", stderr.String())
	}
}

// TestUsage: flags that name nothing are usage errors that show no secret.
func TestUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-input-env", "nope=X"}, `no workflow of refreshcustomers has input "nope"`},
		{[]string{"-input-env", "refreshToken=UNSET"}, "environment variable UNSET is not set"},
		{[]string{"-auth-env", "other=X"}, "unknown credential"},
		{[]string{"-server", "nope=http://x"}, "want SOURCE=URL"},
		{[]string{"extra"}, "unexpected argument"},
	} {
		var stderr bytes.Buffer
		code := mcp.Run(context.Background(), command, tools, cli.Env{Args: c.args, Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr, Getenv: func(string) string { return "" }})
		if code != cli.ExitUsage || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, stderr.String(), c.want)
		}
	}
}

// lockedBuffer is a bytes.Buffer safe for the server's goroutine and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestHTTP serves streamable HTTP with -http and a port alone, which listens on loopback
// only; the SDK's streamable client calls the tool, and cancelling the context stops the
// server.
func TestHTTP(t *testing.T) {
	srv := prismatic(t)
	env := map[string]string{"PRISMATIC_REFRESH_TOKEN": fakeapi.PrismaticRefreshToken}
	var stderr lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- mcp.Run(ctx, command, tools, cli.Env{
			Args:       []string{"-http", ":0", "-input-env", "refreshToken=PRISMATIC_REFRESH_TOKEN", "-server", "prismaticGraphqlApi=" + srv.URL},
			Stdin:      strings.NewReader(""),
			Stdout:     io.Discard,
			Stderr:     &stderr,
			Getenv:     func(k string) string { return env[k] },
			HTTPClient: srv.Client(),
		})
	}()
	addr := regexp.MustCompile(`on (http://\S+)`)
	var endpoint string
	for deadline := time.Now().Add(10 * time.Second); endpoint == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := addr.FindStringSubmatch(stderr.String()); m != nil {
			endpoint = m[1]
		}
	}
	if !strings.HasPrefix(endpoint, "http://127.0.0.1:") {
		t.Fatalf("endpoint %q; want loopback (stderr: %s)", endpoint, stderr.String())
	}
	client := sdk.NewClient(&sdk.Implementation{Name: "test-client", Version: "1"}, nil)
	session, err := client.Connect(ctx, &sdk.StreamableClientTransport{Endpoint: endpoint, MaxRetries: -1}, nil)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	res, err := session.CallTool(ctx, &sdk.CallToolParams{Name: toolName, Arguments: map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	if res.IsError || res.StructuredContent.(map[string]any)["accessToken"] != "[REDACTED]" {
		t.Errorf("result %s", resultText(t, res))
	}
	session.Close()
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d; stderr: %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop when its context ended")
	}
}
