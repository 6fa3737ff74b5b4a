// Command demo runs the four seed workflows, compiled by arazzogen, against a local fake of
// the Prismatic, Airbyte and Pipedream APIs (internal/fakeapi) and prints every request each
// step sent, what it got back, and each workflow's typed outputs. It needs no network.
//
//	go run ./examples/demo
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/arazzogen/arazzogen/examples/airbyte/tokenbootstrap"
	"github.com/arazzogen/arazzogen/examples/pipedream/connecttoken"
	"github.com/arazzogen/arazzogen/examples/prismatic/refreshcustomers"
	"github.com/arazzogen/arazzogen/examples/prismatic/rotatetoken"
	"github.com/arazzogen/arazzogen/internal/demotrace"
	"github.com/arazzogen/arazzogen/internal/fakeapi"
	"github.com/arazzogen/arazzogen/runtime"
)

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
	obs := demotrace.Observer(out)

	// Outputs print through their String methods, which redact the secret ones.
	show := func(title string, outputs fmt.Stringer, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", title, err)
		}
		fmt.Fprintf(out, "  outputs: %s\n\n", outputs)
		return nil
	}

	fmt.Fprintln(out, "▶ prismatic refresh-and-list-customers")
	rc, err := refreshcustomers.NewClient(refreshcustomers.WithObserver(obs),
		refreshcustomers.WithServerURL(refreshcustomers.SourcePrismaticGraphqlAPI, prismatic.URL))
	if err != nil {
		return err
	}
	o1, err := rc.RefreshAndListCustomers(ctx, refreshcustomers.RefreshAndListCustomersInputs{RefreshToken: fakeapi.PrismaticRefreshToken})
	if err := show("refresh-and-list-customers", o1, err); err != nil {
		return err
	}

	fmt.Fprintln(out, "▶ airbyte bootstrap-application-token")
	ab, err := tokenbootstrap.NewClient(tokenbootstrap.WithObserver(obs),
		tokenbootstrap.WithServerURL(tokenbootstrap.SourceAirbyteAPI, airbyte.URL+"/v1"))
	if err != nil {
		return err
	}
	o2, err := ab.BootstrapApplicationToken(ctx, tokenbootstrap.BootstrapApplicationTokenInputs{ApplicationName: "ci-pipeline"})
	if err := show("bootstrap-application-token", o2, err); err != nil {
		return err
	}

	fmt.Fprintln(out, "▶ pipedream token-mint-and-validate")
	pd, err := connecttoken.NewClient(connecttoken.WithObserver(obs),
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
	rt, err := rotatetoken.NewClient(rotatetoken.WithObserver(obs),
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
