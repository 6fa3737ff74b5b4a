package load

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/arazzogen/arazzogen/generator/internal/diag"
)

// memFiles is a FileReader over files in memory; only names in allowed may be read.
func memFiles(files map[string]string, allowed ...string) FileReader {
	return func(from, ref string) (string, []byte, error) {
		file := RefFile(from, ref)
		if !slices.Contains(allowed, file) {
			return "", nil, fmt.Errorf("%s is outside the allowed directories", file)
		}
		data, ok := files[file]
		if !ok {
			return "", nil, errors.New("no such file")
		}
		return file, []byte(data), nil
	}
}

func parseAsync(t *testing.T, src string, read FileReader) (*AsyncAPI, []diag.Diagnostic) {
	t.Helper()
	if read == nil {
		read = memFiles(nil)
	}
	var diags diag.List
	a := ParseAsyncAPI("api/async.yaml", []byte(src), read, &diags)
	return a, diags.Sorted()
}

func diagText(ds []diag.Diagnostic) string {
	var sb strings.Builder
	for _, d := range ds {
		sb.WriteString(d.String() + "\n")
	}
	return sb.String()
}

// The specification's own AsyncAPI 3.0 example (pet-asyncapi.yaml).
func TestAsyncAPI3PetExample(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "shared", "corpus", "oai-examples", "1.1.0", "pet-asyncapi.yaml"))
	if err != nil {
		t.Skipf("the specification's examples are not present (a fresh clone has no ../shared): %v", err)
	}
	a, ds := parseAsync(t, string(data), nil)
	if a == nil || len(ds) > 0 {
		t.Fatalf("ParseAsyncAPI: %v\n%s", a, diagText(ds))
	}
	if len(a.Servers) != 1 || a.Servers[0].URL != "kafka://localhost:9092" || a.Servers[0].Protocol != "kafka" {
		t.Errorf("servers: %+v", a.Servers[0])
	}
	op := a.Operation("placeOrder")
	if op == nil || op.Action != "receive" || op.Channel == nil || op.Channel.Address != "place-order" {
		t.Fatalf("placeOrder: %+v", op)
	}
	if len(op.Messages) != 1 || op.Messages[0].Name != "OrderRequest" || op.Messages[0].ContentType != "application/json" {
		t.Errorf("placeOrder messages: %+v", op.Messages)
	}
	req := op.Messages[0]
	if req.Payload == nil || req.Headers == nil {
		t.Fatal("OrderRequest has no payload or headers schema")
	}
	if s := req.Payload.Schema(); s == nil || s.Properties == nil || s.Properties.GetOrZero("petId") == nil {
		t.Errorf("payload schema: %+v", s)
	}
	if c := req.Correlation; c == nil || !c.Header || !slices.Equal(c.Pointer, []string{"orderRequestId"}) || c.Problem != "" {
		t.Errorf("correlation: %+v", c)
	}
	if op.Reply == nil || op.Reply.Channel == nil || op.Reply.Channel.Address != "confirm-order" || len(op.Reply.Messages) != 1 || op.Reply.Messages[0].Name != "OrderResponse" {
		t.Errorf("reply: %+v", op.Reply)
	}
	if ch := a.ChannelAt("/channels/confirm-order"); ch == nil || ch.Name != "confirm-order" || len(ch.Messages) != 1 {
		t.Errorf("ChannelAt: %+v", ch)
	}
	if a.ChannelAt("/channels/nope") != nil {
		t.Error("ChannelAt found a channel that does not exist")
	}
}

const async26 = `asyncapi: 2.6.0
info: {title: Accounts, version: "1"}
defaultContentType: application/json
servers:
  prod:
    url: 'broker.example.com:{port}'
    protocol: nats
    variables: {port: {default: "4222"}}
channels:
  user/{userId}/signedup:
    parameters:
      userId:
        schema: {type: string, default: anonymous}
        location: $message.payload#/user/id
    publish:
      operationId: signUp
      message:
        $ref: '#/components/messages/SignUp'
    subscribe:
      operationId: signedUp
      message:
        oneOf:
          - $ref: '#/components/messages/Welcome'
          - $ref: 'shared/messages.yaml#/Rejected'
components:
  messages:
    SignUp:
      traits: [{$ref: '#/components/messageTraits/Traced'}]
      payload: {$ref: '#/components/schemas/User'}
    Welcome:
      name: WelcomeMessage
      schemaFormat: application/vnd.apache.avro;version=1.9.0
      payload: {type: record}
  messageTraits:
    Traced:
      headers: {type: object, properties: {traceId: {type: string}}}
      correlationId: {$ref: '#/components/correlationIds/ByTrace'}
  correlationIds:
    ByTrace: {location: '$message.header#/traceId'}
  schemas:
    User:
      type: object
      properties:
        user: {$ref: 'shared/schemas.yaml#/Profile'}
`

var shared = map[string]string{
	"api/shared/messages.yaml": `Rejected:
  contentType: text/plain
  payload: {type: string}
  correlationId: {location: '$message.payload#/why/0'}
`,
	"api/shared/schemas.yaml": `Profile:
  type: object
  properties:
    id: {type: string}
    friend: {$ref: '#/Profile'}
`,
}

func TestAsyncAPI2(t *testing.T) {
	a, ds := parseAsync(t, async26, memFiles(shared, "api/shared/messages.yaml", "api/shared/schemas.yaml"))
	if a == nil || len(ds) > 0 {
		t.Fatalf("ParseAsyncAPI:\n%s", diagText(ds))
	}
	if a.Servers[0].URL != "nats://broker.example.com:4222" {
		t.Errorf("server URL %q", a.Servers[0].URL)
	}
	ch := a.Channels[0]
	if ch.Address != "user/{userId}/signedup" || len(ch.Params) != 1 || ch.Params[0].Default != "anonymous" || ch.Params[0].Location != "$message.payload#/user/id" {
		t.Errorf("channel: %+v %+v", ch, ch.Params)
	}
	up, ed := a.Operation("signUp"), a.Operation("signedUp")
	if up == nil || up.Action != "publish" || ed == nil || ed.Action != "subscribe" || up.Channel != ch || ed.Channel != ch {
		t.Fatalf("operations: %+v %+v", up, ed)
	}
	signUp := up.Messages[0]
	if signUp.Name != "SignUp" || signUp.ContentType != "application/json" || signUp.Headers == nil {
		t.Errorf("SignUp (headers from its trait): %+v", signUp)
	}
	if c := signUp.Correlation; c == nil || !c.Header || c.Pointer[0] != "traceId" {
		t.Errorf("SignUp correlation (from its trait, through a $ref): %+v", c)
	}
	// The payload's schema reaches into another file, which refers to itself.
	user := signUp.Payload.Schema()
	profile := user.Properties.GetOrZero("user").Schema()
	if profile == nil || profile.Properties.GetOrZero("friend").Schema() == nil {
		t.Errorf("the schema in shared/schemas.yaml did not resolve: %+v", profile)
	}
	if len(ed.Messages) != 2 {
		t.Fatalf("signedUp messages: %+v", ed.Messages)
	}
	welcome, rejected := ed.Messages[0], ed.Messages[1]
	if welcome.Name != "WelcomeMessage" || welcome.Payload != nil || !strings.HasPrefix(welcome.SchemaFormat, "application/vnd.apache.avro") || welcome.SchemaFormatPos.Line != 32 {
		t.Errorf("Welcome (Avro, untyped): %+v", welcome)
	}
	if rejected.Name != "Rejected" || rejected.ContentType != "text/plain" || rejected.Pos.File != "api/shared/messages.yaml" || rejected.Pos.Line != 2 {
		t.Errorf("Rejected (another file): %+v", rejected)
	}
	if c := rejected.Correlation; c == nil || c.Header || !slices.Equal(c.Pointer, []string{"why", "0"}) || c.Pos.File != "api/shared/messages.yaml" {
		t.Errorf("Rejected correlation: %+v", c)
	}
	if len(ch.Messages) != 3 {
		t.Errorf("the channel carries %d messages, want 3", len(ch.Messages))
	}
}

func TestAsyncAPIRefusals(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		want      []string
	}{
		{"version", "asyncapi: 1.2.0\n", []string{`api/async.yaml:1:11: error: unsupported AsyncAPI version "1.2.0" (want 2.x or 3.0.x)`}},
		{"no version", "info: {}\n", []string{`api/async.yaml:1:1: error: the AsyncAPI document has no 'asyncapi' version field`}},
		{"outside", "asyncapi: 3.0.0\ncomponents:\n  schemas:\n    X: {$ref: '../../secret.yaml#/X'}\n", []string{`api/async.yaml:4:15: error: $ref "../../secret.yaml#/X": ../secret.yaml is outside the allowed directories`}},
		{"missing", "asyncapi: 3.0.0\ncomponents:\n  schemas:\n    X: {$ref: 'gone.yaml'}\n", []string{`api/async.yaml:4:15: error: $ref "gone.yaml": no such file`}},
		{"empty", "asyncapi: 3.0.0\ncomponents:\n  schemas:\n    X: {$ref: 'empty.yaml'}\n", []string{`api/empty.yaml:1:1: error: malformed YAML: EOF`}},
		{"remote", "asyncapi: 3.0.0\ncomponents:\n  schemas:\n    X: {$ref: 'https://example.com/x.yaml'}\n", []string{`api/async.yaml:4:15: error: $ref "https://example.com/x.yaml" names a remote document; generation reads only local files`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, ds := parseAsync(t, tt.src, memFiles(map[string]string{"api/empty.yaml": ""}, "api/empty.yaml", "api/gone.yaml"))
			got := diagText(ds)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("no diagnostic %q among:\n%s", w, got)
				}
			}
		})
	}
}

func TestMessageLocation(t *testing.T) {
	for _, tt := range []struct {
		in      string
		header  bool
		pointer []string
		problem string
	}{
		{"$message.header#/orderRequestId", true, []string{"orderRequestId"}, ""},
		{"$message.payload#/a~1b/0", false, []string{"a/b", "0"}, ""},
		{"$message.payload#", false, nil, ""},
		{"$message.header#/a/b", false, nil, "must name one header"},
		{"$message.header.x", false, nil, "is not $message.header#/<name>"},
		{"$message.payload#x", false, nil, "must be a JSON Pointer"},
	} {
		h, p, problem := MessageLocation(tt.in)
		if h != tt.header || !slices.Equal(p, tt.pointer) || !strings.Contains(problem, tt.problem) || (tt.problem == "") != (problem == "") {
			t.Errorf("MessageLocation(%q) = %v %q %q", tt.in, h, p, problem)
		}
	}
}

func TestLooksLikeAsyncAPI(t *testing.T) {
	for src, want := range map[string]bool{
		"asyncapi: 3.0.0\n":                 true,
		`{"info": {}, "asyncapi": "2.6.0"}`: true,
		"openapi: 3.1.0\n":                  false,
		"info:\n  asyncapi: 3.0.0\n":        false,
	} {
		if got := LooksLikeAsyncAPI([]byte(src)); got != want {
			t.Errorf("LooksLikeAsyncAPI(%q) = %v", src, got)
		}
	}
}

// FuzzParseAsyncAPI: any document yields a model or positioned errors, never a panic; every
// message's schemas can be walked, and $refs (to itself and to one other file) end.
func FuzzParseAsyncAPI(f *testing.F) {
	f.Add([]byte(async26))
	f.Add([]byte("asyncapi: 3.0.0\nchannels: {c: {address: 'a.{x}', messages: {m: {$ref: '#/channels/c/messages/m'}}}}\noperations: {o: {action: send, channel: {$ref: '#/channels/c'}, reply: {channel: {$ref: '#/operations/o'}}}}\n"))
	f.Add([]byte("asyncapi: 3.0.0\ncomponents: {schemas: {a: {$ref: 'other.yaml#/a'}}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		read := memFiles(map[string]string{"api/other.yaml": "a: {$ref: 'async.yaml#/components/schemas/a'}\n"}, "api/other.yaml", "api/async.yaml")
		var diags diag.List
		a := ParseAsyncAPI("api/async.yaml", data, read, &diags)
		if a == nil {
			if !diags.HasErrors() {
				t.Fatal("no document and no error")
			}
			return
		}
		for _, op := range a.Operations {
			for _, m := range op.Messages {
				if m.Payload != nil {
					_ = m.Payload.Schema()
				}
			}
		}
		for _, ch := range a.Channels {
			_ = a.ChannelAt("/channels/" + ch.Name)
		}
	})
}
