package runtime_test

// This file shows, as a compiled and tested example, the code arazzogen generates against
// this runtime (APIVersion2): a Client holding a Transport, per-source credentials from the
// OpenAPI security schemes, an observer option, a workflow method using Run and Step, and
// String/LogValue methods that redact secret inputs.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/arazzogen/arazzogen/runtime"
)

const _ = runtime.APIVersion2

// SourceAPI is the one source description of the document; its OpenAPI description declares
// an http bearer scheme and an oauth2 client credentials scheme, and the operation's security
// requirement accepts either.
const SourceAPI = "api"

var sourceNames = [1]string{SourceAPI}

type Client struct {
	rt      runtime.Transport
	servers [1]string
	auth    [1]runtime.Credential // per source; nil when none was configured
}

type Option func(*Client) error

func sourceIndex(source string) (int, error) {
	for i, name := range sourceNames {
		if name == source {
			return i, nil
		}
	}
	return 0, fmt.Errorf("unknown source %q (known: %v)", source, sourceNames)
}

func WithServerURL(source, baseURL string) Option {
	return func(c *Client) error {
		i, err := sourceIndex(source)
		c.servers[i] = runtime.ServerURL(baseURL)
		return err
	}
}

func WithHTTPClient(d runtime.Doer) Option {
	return func(c *Client) error { c.rt.Doer = d; return nil }
}

// WithTimeout bounds each request (default 30s; 0: no bound but ctx's).
func WithTimeout(d time.Duration) Option {
	return func(c *Client) error { c.rt.Timeout = d; return nil }
}

// WithObserver reports runs, steps, requests and retries (runtime.SlogObserver, or the
// OpenTelemetry observer of github.com/arazzogen/arazzogen/otel); nil: none.
func WithObserver(o runtime.Observer) Option {
	return func(c *Client) error { c.rt.Observer = o; return nil }
}

// WithBearerToken authenticates the source's requests with the http bearer scheme.
func WithBearerToken(source string, token func(context.Context) (string, error)) Option {
	return func(c *Client) error {
		i, err := sourceIndex(source)
		c.auth[i] = runtime.Bearer(token)
		return err
	}
}

// WithClientCredentials authenticates the source's requests with the oauth2 client
// credentials flow of its "oauth" scheme; the token URL and the scopes the workflows need
// come from the OpenAPI description.
func WithClientCredentials(source, clientID, clientSecret string) Option {
	return func(c *Client) error {
		i, err := sourceIndex(source)
		c.auth[i] = runtime.ClientCredentials(c.servers[i]+"/oauth/token", clientID, clientSecret, []string{"customers:read"}, nil)
		return err
	}
}

func NewClient(opts ...Option) (*Client, error) {
	c := &Client{
		rt:      runtime.Transport{Doer: http.DefaultClient, MaxBodyBytes: runtime.DefaultMaxBodyBytes, Timeout: runtime.DefaultTimeout},
		servers: [1]string{runtime.ServerURL("https://api.example.com")},
	}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

type ListCustomersInputs struct {
	APIKey   string `json:"apiKey"` // secret: runtime.SecretName("apiKey")
	PageSize *int64 `json:"pageSize,omitempty"`
}

func (in ListCustomersInputs) fields() []runtime.Field {
	return []runtime.Field{
		{Name: "apiKey", Value: in.APIKey, Secret: true},
		{Name: "pageSize", Value: in.PageSize},
	}
}

func (in ListCustomersInputs) String() string {
	return runtime.FormatFields("ListCustomersInputs", in.fields()...)
}
func (in ListCustomersInputs) GoString() string     { return in.String() }
func (in ListCustomersInputs) LogValue() slog.Value { return runtime.LogFields(in.fields()...) }

type ListCustomersOutputs struct {
	Count int64 `json:"count"`
}

func (c *Client) ListCustomers(ctx context.Context, in ListCustomersInputs) (_ *ListCustomersOutputs, err error) {
	run := c.rt.Start(ctx, "list-customers")
	defer func() { err = run.End(err) }()
	run.Secret(in.APIKey)

	// Step listCustomers: listCustomers (GET /customers), timeout: 2500.
	var stepListCustomers struct{ Count int64 }
	{
		st := run.Step("listCustomers")
		h := make(http.Header, 1)
		h.Add("X-Partner-Key", in.APIKey)
		resp, err := st.Send(&runtime.Request{
			Method:  "GET",
			Path:    "/customers",
			URL:     c.servers[0] + "/customers",
			Header:  h,
			Auth:    c.auth[0],
			Timeout: 2500 * time.Millisecond,
		})
		if err != nil {
			return nil, err
		}
		if !(resp.StatusCode == 200) {
			return nil, resp.Unmet("$statusCode == 200")
		}
		if err := resp.Decode(&stepListCustomers.Count, "count"); err != nil {
			return nil, err
		}
		st.End(nil)
	}
	return &ListCustomersOutputs{Count: stepListCustomers.Count}, nil
}

// Example runs the generated-style client against a server that accepts one bearer token,
// then with a token it refuses: the error names the workflow, step and status, never the
// token or the api key.
func Example() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer good-token-1" {
			w.WriteHeader(401)
			fmt.Fprintf(w, `{"error":"bad credentials %s"}`, r.Header.Get("X-Partner-Key"))
			return
		}
		fmt.Fprint(w, `{"count":3}`)
	}))
	defer srv.Close()

	in := ListCustomersInputs{APIKey: "partner-key-2"}
	for _, token := range []string{"good-token-1", "revoked-token-3"} {
		client, _ := NewClient(
			WithServerURL(SourceAPI, srv.URL),
			WithBearerToken(SourceAPI, runtime.StaticToken(token)),
		)
		out, err := client.ListCustomers(context.Background(), in)
		var se *runtime.StepError
		if errors.As(err, &se) {
			fmt.Println(err)
			fmt.Println(se.StatusCode, se.Body)
			continue
		}
		fmt.Println(out.Count)
	}
	fmt.Println(in)
	// Output:
	// 3
	// workflow list-customers: step listCustomers (GET /customers): status 401 Unauthorized: success criterion not met: $statusCode == 200
	// 401 {"error":"bad credentials [REDACTED]"}
	// ListCustomersInputs{apiKey: [REDACTED], pageSize: null}
}

// Example_slogObserver logs a run with runtime.SlogObserver: the Authorization header and
// the secret input are redacted.
func Example_slogObserver() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"count":3}`)
	}))
	defer srv.Close()
	// Drop the time and the measured durations so the output is stable.
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			switch {
			case a.Key == slog.TimeKey || a.Key == "duration" || a.Key == "server":
				return slog.Attr{}
			case strings.HasPrefix(a.Key, "Date") || strings.HasPrefix(a.Key, "Content-"):
				return slog.Attr{}
			}
			return a
		},
	}))
	client, _ := NewClient(
		WithServerURL(SourceAPI, srv.URL),
		WithBearerToken(SourceAPI, runtime.StaticToken("good-token-1")),
		WithObserver(runtime.SlogObserver(logger)),
	)
	in := ListCustomersInputs{APIKey: "partner-key-2"}
	logger.Info("inputs", "in", in)
	client.ListCustomers(context.Background(), in)
	// Output:
	// level=INFO msg=inputs in.apiKey=[REDACTED] in.pageSize=<nil>
	// level=INFO msg="workflow start" workflow=list-customers
	// level=DEBUG msg="step start" workflow=list-customers step=listCustomers
	// level=DEBUG msg=request workflow=list-customers step=listCustomers method=GET path=/customers bytes=0 header.Accept=application/json header.Authorization=[REDACTED] header.X-Partner-Key=[REDACTED]
	// level=DEBUG msg=response workflow=list-customers step=listCustomers method=GET path=/customers status=200 bytes=11
	// level=DEBUG msg="step end" workflow=list-customers step=listCustomers
	// level=INFO msg="workflow end" workflow=list-customers
}
