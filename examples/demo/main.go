// Command demo runs the four seed workflows, compiled by arazzogen, against a local fake of
// the Prismatic, Airbyte and Pipedream APIs (internal/fakeapi) and prints every request each
// step sent, what it got back, and each workflow's typed outputs. It needs no network.
//
//	go run ./examples/demo
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/arazzogen/arazzogen/examples/airbyte/tokenbootstrap"
	"github.com/arazzogen/arazzogen/examples/pipedream/connecttoken"
	"github.com/arazzogen/arazzogen/examples/prismatic/refreshcustomers"
	"github.com/arazzogen/arazzogen/examples/prismatic/rotatetoken"
	"github.com/arazzogen/arazzogen/internal/fakeapi"
	"github.com/arazzogen/arazzogen/runtime"
)

// loggingDoer prints each exchange; any runtime.Doer can wrap the HTTP client this way.
type loggingDoer struct {
	next *http.Client
	out  io.Writer
}

func (d loggingDoer) Do(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	fmt.Fprintf(d.out, "  → %s %s\n", req.Method, req.URL.RequestURI())
	for _, h := range []string{"Authorization", "X-Pd-Environment"} {
		if v := req.Header.Get(h); v != "" {
			fmt.Fprintf(d.out, "    %s: %s\n", h, v)
		}
	}
	if len(body) > 0 {
		fmt.Fprintf(d.out, "    %s\n", compact(body))
	}
	resp, err := d.next.Do(req)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(data))
	fmt.Fprintf(d.out, "  ← %s\n    %s\n", resp.Status, compact(data))
	return resp, nil
}

func compact(b []byte) string {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return strings.TrimSpace(string(b))
	}
	s := buf.String()
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	prismatic := httptest.NewServer(fakeapi.Prismatic())
	defer prismatic.Close()
	airbyte := httptest.NewServer(http.StripPrefix("/v1", fakeapi.Airbyte()))
	defer airbyte.Close()
	pipedream := httptest.NewServer(fakeapi.Pipedream())
	defer pipedream.Close()
	doer := loggingDoer{next: &http.Client{}, out: out}

	show := func(title string, outputs any, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", title, err)
		}
		b, _ := json.MarshalIndent(outputs, "  ", "  ")
		fmt.Fprintf(out, "  outputs: %s\n\n", b)
		return nil
	}

	fmt.Fprintln(out, "▶ prismatic refresh-and-list-customers")
	rc, err := refreshcustomers.NewClient(refreshcustomers.WithHTTPClient(doer),
		refreshcustomers.WithServerURL(refreshcustomers.SourcePrismaticGraphqlAPI, prismatic.URL))
	if err != nil {
		return err
	}
	o1, err := rc.RefreshAndListCustomers(ctx, refreshcustomers.RefreshAndListCustomersInputs{RefreshToken: fakeapi.PrismaticRefreshToken})
	if err := show("refresh-and-list-customers", o1, err); err != nil {
		return err
	}

	fmt.Fprintln(out, "▶ airbyte bootstrap-application-token")
	ab, err := tokenbootstrap.NewClient(tokenbootstrap.WithHTTPClient(doer),
		tokenbootstrap.WithServerURL(tokenbootstrap.SourceAirbyteAPI, airbyte.URL+"/v1"))
	if err != nil {
		return err
	}
	o2, err := ab.BootstrapApplicationToken(ctx, tokenbootstrap.BootstrapApplicationTokenInputs{ApplicationName: "ci-pipeline"})
	if err := show("bootstrap-application-token", o2, err); err != nil {
		return err
	}

	fmt.Fprintln(out, "▶ pipedream token-mint-and-validate")
	pd, err := connecttoken.NewClient(connecttoken.WithHTTPClient(doer),
		connecttoken.WithServerURL(connecttoken.SourcePipedreamAPI, pipedream.URL))
	if err != nil {
		return err
	}
	o3, err := pd.TokenMintAndValidate(ctx, connecttoken.TokenMintAndValidateInputs{
		ProjectID: fakeapi.PipedreamProjectID, Environment: fakeapi.PipedreamEnvironment,
		ExternalUserID: fakeapi.PipedreamExternalUserID, AppID: fakeapi.PipedreamAppID,
	})
	if err := show("token-mint-and-validate", o3, err); err != nil {
		return err
	}

	fmt.Fprintln(out, "▶ prismatic rotate-refresh-token")
	rt, err := rotatetoken.NewClient(rotatetoken.WithHTTPClient(doer),
		rotatetoken.WithServerURL(rotatetoken.SourcePrismaticGraphqlAPI, prismatic.URL))
	if err != nil {
		return err
	}
	o4, err := rt.RotateRefreshToken(ctx, rotatetoken.RotateRefreshTokenInputs{RefreshToken: fakeapi.PrismaticRefreshToken})
	if err := show("rotate-refresh-token", o4, err); err != nil {
		return err
	}

	fmt.Fprintln(out, "▶ prismatic refresh-and-list-customers again, with the revoked refresh token")
	_, err = rc.RefreshAndListCustomers(ctx, refreshcustomers.RefreshAndListCustomersInputs{RefreshToken: fakeapi.PrismaticRefreshToken})
	var se *runtime.StepError
	if !errors.As(err, &se) {
		return fmt.Errorf("a revoked refresh token should fail step refreshToken, got %v", err)
	}
	fmt.Fprintf(out, "  error (as expected): %v\n  errors.As → *runtime.StepError{Workflow: %q, Step: %q, StatusCode: %d}\n", err, se.Workflow, se.Step, se.StatusCode)
	return nil
}
