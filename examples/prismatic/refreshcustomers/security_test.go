package refreshcustomers_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/examples/prismatic/refreshcustomers"
	"github.com/arazzogen/arazzogen/internal/recorder"
	"github.com/arazzogen/arazzogen/runtime"
)

// The Prismatic description protects executeGraphQLQuery with an http bearer scheme, so the
// client has WithBearerToken; the seed workflow sets the Authorization header itself, from the
// token its first step mints, and that explicit header wins.

func TestExplicitAuthorizationWins(t *testing.T) {
	srv, rec := recorder.NewServer(t, okReplies())
	var calls atomic.Int32
	c, err := refreshcustomers.NewClient(
		refreshcustomers.WithServerURL(refreshcustomers.SourcePrismaticGraphqlAPI, srv.URL),
		refreshcustomers.WithHTTPClient(srv.Client()),
		refreshcustomers.WithBearerToken(refreshcustomers.SourcePrismaticGraphqlAPI, func(context.Context) (string, error) {
			calls.Add(1)
			return "configured-token", nil
		}),
	)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	if _, err := c.RefreshAndListCustomers(t.Context(), refreshcustomers.RefreshAndListCustomersInputs{RefreshToken: refreshToken}); err != nil {
		t.Fatalf("RefreshAndListCustomers: %v", err)
	}
	// The refresh operation declares no security: no credential; the GraphQL request carries
	// the workflow's header, not the configured token.
	recorder.Check(t, rec.Requests(), []recorder.Request{wantRefresh, wantList})
	if n := calls.Load(); n != 0 {
		t.Errorf("the token function was called %d times; the workflow's own header should win", n)
	}
}

func TestInputsRedacted(t *testing.T) {
	in := refreshcustomers.RefreshAndListCustomersInputs{RefreshToken: refreshToken}
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("run", "in", in)
	for _, s := range []string{fmt.Sprint(in), fmt.Sprintf("%+v", in), fmt.Sprintf("%#v", in), logs.String()} {
		if strings.Contains(s, refreshToken) || !strings.Contains(s, runtime.Redacted) {
			t.Errorf("%q should show the refresh token as %s", s, runtime.Redacted)
		}
	}
}

// A server echoing the refresh token and the access token in its error body: neither reaches
// the error, since the input is secret by name and the access token is a secret output.
func TestSecretsRedactedFromErrors(t *testing.T) {
	replies := okReplies()
	replies["POST /api"] = recorder.Reply{Status: 403, Body: `{"message":"token ` + accessToken + ` cannot list for ` + refreshToken + `"}`}
	srv, _ := recorder.NewServer(t, replies)
	_, err := newClient(t, srv).RefreshAndListCustomers(t.Context(), refreshcustomers.RefreshAndListCustomersInputs{RefreshToken: refreshToken})
	se := stepError(t, err)
	if se.Step != "listCustomers" || se.StatusCode != 403 {
		t.Fatalf("step %q status %d, want listCustomers 403", se.Step, se.StatusCode)
	}
	for _, secret := range []string{accessToken, refreshToken} {
		if strings.Contains(err.Error(), secret) || strings.Contains(se.Body, secret) {
			t.Errorf("error %q (body %q) contains %q", err, se.Body, secret)
		}
	}
}

// WithTimeout bounds each request: a server that never answers fails the step in time.
func TestRequestTimeout(t *testing.T) {
	rec := &recorder.Recorder{Replies: okReplies()}
	release := make(chan struct{})
	defer close(release)
	rec.OnRequest = func(*http.Request) { <-release }
	srv := recorder.Serve(t, rec)
	c, err := refreshcustomers.NewClient(
		refreshcustomers.WithServerURL(refreshcustomers.SourcePrismaticGraphqlAPI, srv.URL),
		refreshcustomers.WithHTTPClient(srv.Client()),
		refreshcustomers.WithTimeout(100*time.Millisecond),
	)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.RefreshAndListCustomers(t.Context(), refreshcustomers.RefreshAndListCustomersInputs{RefreshToken: refreshToken})
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the call took %s with a 100ms request timeout", d)
	}
	se := stepError(t, err)
	if se.Step != "refreshToken" || !strings.Contains(err.Error(), "timed out after 100ms (request timeout)") {
		t.Errorf("error %q, want step refreshToken timed out after 100ms (request timeout)", err)
	}
}
