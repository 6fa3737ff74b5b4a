package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/arazzogen/arazzogen/bench/engine"
	"github.com/arazzogen/arazzogen/bench/handwritten"
	"github.com/arazzogen/arazzogen/examples/airbyte/tokenbootstrap"
	"github.com/arazzogen/arazzogen/examples/pipedream/connecttoken"
	"github.com/arazzogen/arazzogen/examples/prismatic/refreshcustomers"
	"github.com/arazzogen/arazzogen/examples/prismatic/rotatetoken"
	"github.com/arazzogen/arazzogen/internal/fakeapi"
)

// run executes one workflow once and returns its outputs.
type run func(ctx context.Context) (any, error)

// bases are the base URLs of the three APIs on one test server. Airbyte's server url has a
// path (/v1), as in its OpenAPI description.
type bases struct{ prismatic, airbyte, pipedream string }

func basesFor(srvURL string) bases {
	return bases{prismatic: srvURL, airbyte: srvURL + "/v1", pipedream: srvURL}
}

// implementation builds a run of a workflow against a server.
type implementation struct {
	name  string
	build func(tb testing.TB, w *workflow, b bases, hc *http.Client) run
}

// workflow is one seed workflow with the replies the server gives it and a constructor for
// each implementation.
type workflow struct {
	id     string // Arazzo workflowId
	doc    string // the Arazzo document, relative to this directory
	source string // its sourceDescription name
	base   func(bases) string
	// inputs are the workflow's inputs for the engine; the generated and hand-written runs
	// are given the same values as Go arguments.
	inputs map[string]any
	// replies maps "METHOD /path" (escaped, without the query) to the 200 response body:
	// byte for byte what internal/fakeapi answers to the same request (checked by
	// TestCannedRepliesAreTheFakes).
	replies map[string]string
	// fake returns a fresh internal/fakeapi handler for the workflow's API.
	fake func() http.Handler
	// want is the workflow's outputs as JSON, the values as the server sent them.
	want string

	generated   func(b bases, hc *http.Client) (run, error)
	handwritten func(c *handwritten.Client) run
}

var implementations = []implementation{
	{"generated", func(tb testing.TB, w *workflow, b bases, hc *http.Client) run {
		r, err := w.generated(b, hc)
		if err != nil {
			tb.Fatalf("%s: NewClient: %v", w.id, err)
		}
		return r
	}},
	{"handwritten", func(tb testing.TB, w *workflow, b bases, hc *http.Client) run {
		return w.handwritten(&handwritten.Client{HTTP: hc, PrismaticBase: b.prismatic, AirbyteBase: b.airbyte, PipedreamBase: b.pipedream})
	}},
	{"engine", func(tb testing.TB, w *workflow, b bases, hc *http.Client) run {
		r, err := engine.Load(w.doc, engine.Config{
			Servers:       map[string]string{w.source: w.base(b)},
			HTTP:          hc,
			BraceEmbedded: true,
		})
		if err != nil {
			tb.Fatalf("%s: engine.Load: %v", w.id, err)
		}
		return func(ctx context.Context) (any, error) { return r.Run(ctx, w.id, w.inputs) }
	}},
}

const (
	applicationName = "ci-pipeline"

	prismaticRefreshReply = `{"access_token":"` + fakeapi.PrismaticAccessToken + `","expires_in":604800,"refresh_token":"` +
		fakeapi.PrismaticNextRefreshToken + `","token_type":"Bearer"}` + "\n"
	prismaticCustomersNodes = `[{"id":"Q3VzdG9tZXI6MQ==","name":"Acme Corp","externalId":"acme-123"},` +
		`{"id":"Q3VzdG9tZXI6Mg==","name":"Globex","externalId":"globex-7"}]`
	prismaticCustomersReply = `{"data":{"customers":{"nodes":` + prismaticCustomersNodes + `}}}` + "\n"

	airbyteApplicationReply = `{"id":"` + fakeapi.AirbyteApplicationID + `","name":"` + applicationName + `","clientId":"` +
		fakeapi.AirbyteClientID + `","clientSecret":"` + fakeapi.AirbyteClientSecret + `","createdAt":1717969830000}` + "\n"
	airbyteTokenReply = `{"access_token":"` + fakeapi.AirbyteAccessToken + `","expires_in":180,"token_type":"Bearer"}` + "\n"

	pipedreamTokenReply = `{"connect_link_url":"` + fakeapi.PipedreamConnectLinkURL + `","expires_at":"` +
		fakeapi.PipedreamTokenExpiresAt + `","token":"` + fakeapi.PipedreamConnectToken + `"}` + "\n"
	pipedreamValidation = `{"success":true,"error":null,"app":{"id":null,"name_slug":"` + fakeapi.PipedreamAppID +
		`","name":"App ` + fakeapi.PipedreamAppID + `","auth_type":"oauth","description":null,` +
		`"img_src":"https://assets.pipedream.net/s.v0/` + fakeapi.PipedreamAppID + `/logo/orig","custom_fields_json":null,` +
		`"categories":["Communication"],"featured_weight":1},"project_id":"` +
		fakeapi.PipedreamProjectID + `","project_environment":"` + fakeapi.PipedreamEnvironment + `"}`
)

var workflows = []*workflow{
	{
		id:      "refresh-and-list-customers",
		doc:     "../examples/prismatic/arazzo/prismatic-refresh-and-list-customers-workflow.yml",
		source:  refreshcustomers.SourcePrismaticGraphqlAPI,
		base:    func(b bases) string { return b.prismatic },
		inputs:  map[string]any{"refreshToken": fakeapi.PrismaticRefreshToken},
		replies: map[string]string{"POST /auth/refresh": prismaticRefreshReply, "POST /api": prismaticCustomersReply},
		fake:    fakeapi.Prismatic,
		want:    `{"accessToken":"` + fakeapi.PrismaticAccessToken + `","customers":` + prismaticCustomersNodes + `}`,
		generated: func(b bases, hc *http.Client) (run, error) {
			c, err := refreshcustomers.NewClient(
				refreshcustomers.WithServerURL(refreshcustomers.SourcePrismaticGraphqlAPI, b.prismatic),
				refreshcustomers.WithHTTPClient(hc))
			in := refreshcustomers.RefreshAndListCustomersInputs{RefreshToken: fakeapi.PrismaticRefreshToken}
			return func(ctx context.Context) (any, error) { return c.RefreshAndListCustomers(ctx, in) }, err
		},
		handwritten: func(c *handwritten.Client) run {
			return func(ctx context.Context) (any, error) {
				return c.RefreshAndListCustomers(ctx, fakeapi.PrismaticRefreshToken)
			}
		},
	},
	{
		id:     "rotate-refresh-token",
		doc:    "../examples/prismatic/arazzo/prismatic-rotate-refresh-token-workflow.yml",
		source: rotatetoken.SourcePrismaticGraphqlAPI,
		base:   func(b bases) string { return b.prismatic },
		inputs: map[string]any{"refreshToken": fakeapi.PrismaticRefreshToken},
		replies: map[string]string{
			"POST /auth/refresh": prismaticRefreshReply,
			"POST /api":          prismaticCustomersReply,
			"POST /auth/revoke":  "{}\n",
		},
		fake: fakeapi.Prismatic,
		want: `{"accessToken":"` + fakeapi.PrismaticAccessToken + `","revokedStatus":200}`,
		generated: func(b bases, hc *http.Client) (run, error) {
			c, err := rotatetoken.NewClient(
				rotatetoken.WithServerURL(rotatetoken.SourcePrismaticGraphqlAPI, b.prismatic),
				rotatetoken.WithHTTPClient(hc))
			in := rotatetoken.RotateRefreshTokenInputs{RefreshToken: fakeapi.PrismaticRefreshToken}
			return func(ctx context.Context) (any, error) { return c.RotateRefreshToken(ctx, in) }, err
		},
		handwritten: func(c *handwritten.Client) run {
			return func(ctx context.Context) (any, error) {
				return c.RotateRefreshToken(ctx, fakeapi.PrismaticRefreshToken)
			}
		},
	},
	{
		id:     "bootstrap-application-token",
		doc:    "../examples/airbyte/arazzo/airbyte-application-token-bootstrap-workflow.yml",
		source: tokenbootstrap.SourceAirbyteAPI,
		base:   func(b bases) string { return b.airbyte },
		inputs: map[string]any{"applicationName": applicationName},
		replies: map[string]string{
			"POST /v1/applications":                                airbyteApplicationReply,
			"GET /v1/applications/" + fakeapi.AirbyteApplicationID: airbyteApplicationReply,
			"POST /v1/applications/token":                          airbyteTokenReply,
		},
		fake: func() http.Handler { return http.StripPrefix("/v1", fakeapi.Airbyte()) },
		want: `{"applicationId":"` + fakeapi.AirbyteApplicationID + `","clientId":"` + fakeapi.AirbyteClientID +
			`","accessToken":"` + fakeapi.AirbyteAccessToken + `"}`,
		generated: func(b bases, hc *http.Client) (run, error) {
			c, err := tokenbootstrap.NewClient(
				tokenbootstrap.WithServerURL(tokenbootstrap.SourceAirbyteAPI, b.airbyte),
				tokenbootstrap.WithHTTPClient(hc))
			in := tokenbootstrap.BootstrapApplicationTokenInputs{ApplicationName: applicationName}
			return func(ctx context.Context) (any, error) { return c.BootstrapApplicationToken(ctx, in) }, err
		},
		handwritten: func(c *handwritten.Client) run {
			return func(ctx context.Context) (any, error) { return c.BootstrapApplicationToken(ctx, applicationName) }
		},
	},
	{
		id:     "token-mint-and-validate",
		doc:    "../examples/pipedream/arazzo/pipedream-token-validation-workflow.yml",
		source: connecttoken.SourcePipedreamAPI,
		base:   func(b bases) string { return b.pipedream },
		inputs: map[string]any{
			"projectId":      fakeapi.PipedreamProjectID,
			"environment":    fakeapi.PipedreamEnvironment,
			"externalUserId": fakeapi.PipedreamExternalUserID,
			"appId":          fakeapi.PipedreamAppID,
		},
		replies: map[string]string{
			"POST /v1/connect/" + fakeapi.PipedreamProjectID + "/tokens":            pipedreamTokenReply,
			"GET /v1/connect/tokens/" + fakeapi.PipedreamConnectToken + "/validate": pipedreamValidation + "\n",
		},
		fake: fakeapi.Pipedream,
		want: `{"connectToken":"` + fakeapi.PipedreamConnectToken + `","validation":` + pipedreamValidation + `}`,
		generated: func(b bases, hc *http.Client) (run, error) {
			c, err := connecttoken.NewClient(
				connecttoken.WithServerURL(connecttoken.SourcePipedreamAPI, b.pipedream),
				connecttoken.WithHTTPClient(hc))
			in := connecttoken.TokenMintAndValidateInputs{
				ProjectID:      fakeapi.PipedreamProjectID,
				Environment:    fakeapi.PipedreamEnvironment,
				ExternalUserID: fakeapi.PipedreamExternalUserID,
				AppID:          fakeapi.PipedreamAppID,
			}
			return func(ctx context.Context) (any, error) { return c.TokenMintAndValidate(ctx, in) }, err
		},
		handwritten: func(c *handwritten.Client) run {
			return func(ctx context.Context) (any, error) {
				return c.TokenMintAndValidate(ctx, fakeapi.PipedreamProjectID, fakeapi.PipedreamEnvironment,
					fakeapi.PipedreamExternalUserID, fakeapi.PipedreamAppID)
			}
		},
	},
}

// ---------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------

// cannedServer answers each known request with a fixed 200 JSON body, as cheaply as
// net/http allows, so that the server's share of each measured run stays small and the
// same for every implementation (it runs in the benchmark's process and is counted too).
type cannedServer struct {
	replies map[string]map[string][]byte // method → escaped path → body

	conns    atomic.Int64 // connections opened to the server
	requests atomic.Int64 // requests answered

	mu       sync.Mutex
	capture  bool
	captured []captured
}

// captured is a request as it arrived: everything but the Host, which only names the server.
type captured struct {
	Method     string
	RequestURI string
	Header     http.Header
	Body       string
}

func (c captured) String() string {
	return fmt.Sprintf("%s %s %v %q", c.Method, c.RequestURI, c.Header, c.Body)
}

var jsonContentType = []string{"application/json"}

func newCannedServer(replies map[string]string) *cannedServer {
	s := &cannedServer{replies: map[string]map[string][]byte{}}
	for key, body := range replies {
		var method, path string
		if _, err := fmt.Sscan(key, &method, &path); err != nil {
			panic("bad reply key " + key)
		}
		if s.replies[method] == nil {
			s.replies[method] = map[string][]byte{}
		}
		s.replies[method][path] = []byte(body)
	}
	return s
}

func (s *cannedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if s.capture {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.captured = append(s.captured, captured{r.Method, r.RequestURI, r.Header.Clone(), string(body)})
		s.mu.Unlock()
	} else {
		// Read the body to the end, as a real handler would, so the connection is reused.
		_, _ = io.Copy(io.Discard, r.Body)
	}
	body, ok := s.replies[r.Method][r.URL.EscapedPath()]
	w.Header()["Content-Type"] = jsonContentType
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"error":"no canned reply"}`)
		return
	}
	_, _ = w.Write(body)
}

// take returns the requests captured so far and forgets them.
func (s *cannedServer) take() []captured {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.captured
	s.captured = nil
	return c
}

// serve starts an httptest server (HTTP/1.1, keep-alive on) for the workflow's replies and
// returns it with a client whose transport keeps connections to it open.
func serve(tb testing.TB, w *workflow, capture bool) (*httptest.Server, *cannedServer) {
	tb.Helper()
	return serveReplies(tb, w.replies, capture)
}

// serveReplies is serve for any replies (see workflow.replies).
func serveReplies(tb testing.TB, replies map[string]string, capture bool) (*httptest.Server, *cannedServer) {
	tb.Helper()
	cs := newCannedServer(replies)
	cs.capture = capture
	srv := httptest.NewUnstartedServer(cs)
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			cs.conns.Add(1)
		}
	}
	srv.Start()
	tb.Cleanup(srv.Close)
	return srv, cs
}
