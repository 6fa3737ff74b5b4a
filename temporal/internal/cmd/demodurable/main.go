// Command demodurable runs the four seed workflows as Temporal workflows on a development
// server (`temporal server start-dev`, started here on loopback ports) against local fakes
// of the Prismatic, Airbyte and Pipedream APIs, and prints what each step sent and got (as
// make demo does), each workflow's typed outputs, and the workflow IDs to look at in the
// Temporal UI. Payloads are encrypted with a key made for the run.
//
//	make demo-durable   (or: cd temporal && go run ./internal/cmd/demodurable)
//
// It needs the temporal command: go install github.com/temporalio/cli/cmd/temporal@v1.5.1.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/arazzogen/arazzogen/internal/demotrace"
	"github.com/arazzogen/arazzogen/internal/fakeapi"
	"github.com/arazzogen/arazzogen/runtime"
	"github.com/arazzogen/arazzogen/temporal"
	"github.com/arazzogen/arazzogen/temporal/internal/devserver"
	"github.com/arazzogen/arazzogen/temporal/internal/seeds/connecttoken"
	"github.com/arazzogen/arazzogen/temporal/internal/seeds/connecttoken/connecttokentemporal"
	"github.com/arazzogen/arazzogen/temporal/internal/seeds/refreshcustomers"
	"github.com/arazzogen/arazzogen/temporal/internal/seeds/refreshcustomers/refreshcustomerstemporal"
	"github.com/arazzogen/arazzogen/temporal/internal/seeds/rotatetoken"
	"github.com/arazzogen/arazzogen/temporal/internal/seeds/rotatetoken/rotatetokentemporal"
	"github.com/arazzogen/arazzogen/temporal/internal/seeds/tokenbootstrap"
	"github.com/arazzogen/arazzogen/temporal/internal/seeds/tokenbootstrap/tokenbootstraptemporal"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
)

func main() {
	bin, err := devserver.Find()
	if err != nil {
		fmt.Fprintf(os.Stderr, "demo-durable needs the temporal command (the Temporal CLI with its development server):\n\n\t%s\n\nIt builds in 10 to 30 minutes; then run make demo-durable again.\n", devserver.InstallHint)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	dir, err := os.MkdirTemp("", "demo-durable")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	log, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		fail(err)
	}
	fmt.Println("starting the Temporal development server…")
	srv, err := devserver.Start(ctx, bin, devserver.Options{DBFile: filepath.Join(dir, "temporal.db"), UI: true, Log: log})
	if err != nil {
		fail(err)
	}
	defer srv.Stop()
	fmt.Printf("Temporal at %s, UI at %s\n\n", srv.Address, srv.UI)
	if err := run(ctx, os.Stdout, srv); err != nil {
		fail(err)
	}
	if fi, err := os.Stdout.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		fmt.Printf("\nThe server runs until you press Ctrl-C: look at the runs in the UI (%s).\n", srv.UI)
		<-ctx.Done()
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "demo-durable:", err)
	os.Exit(1)
}

// run starts a worker per seed package on srv, with clients of fresh fakes that print what
// they send, and runs the seeds through the generated Temporal clients.
func run(ctx context.Context, out io.Writer, srv *devserver.Server) error {
	prismatic := httptest.NewServer(fakeapi.Prismatic())
	defer prismatic.Close()
	airbyte := httptest.NewServer(http.StripPrefix("/v1", fakeapi.Airbyte()))
	defer airbyte.Close()
	pipedream := httptest.NewServer(fakeapi.Pipedream())
	defer pipedream.Close()
	obs := demotrace.Observer(out)

	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	opts := client.Options{HostPort: srv.Address, Logger: quiet{}}
	if err := temporal.Encrypt(&opts, key); err != nil {
		return err
	}
	c, err := client.Dial(opts)
	if err != nil {
		return err
	}
	defer c.Close()

	rc, err := refreshcustomers.NewClient(refreshcustomers.WithObserver(obs), refreshcustomers.WithServerURL(refreshcustomers.SourcePrismaticGraphqlAPI, prismatic.URL))
	if err != nil {
		return err
	}
	ab, err := tokenbootstrap.NewClient(tokenbootstrap.WithObserver(obs), tokenbootstrap.WithServerURL(tokenbootstrap.SourceAirbyteAPI, airbyte.URL+"/v1"))
	if err != nil {
		return err
	}
	pd, err := connecttoken.NewClient(connecttoken.WithObserver(obs), connecttoken.WithServerURL(connecttoken.SourcePipedreamAPI, pipedream.URL))
	if err != nil {
		return err
	}
	rt, err := rotatetoken.NewClient(rotatetoken.WithObserver(obs), rotatetoken.WithServerURL(rotatetoken.SourcePrismaticGraphqlAPI, prismatic.URL))
	if err != nil {
		return err
	}
	for _, w := range []struct {
		queue    string
		register func(worker.Registry)
	}{
		{refreshcustomerstemporal.TaskQueue, func(r worker.Registry) { refreshcustomerstemporal.Register(r, rc, temporal.EncryptedPayloads()) }},
		{tokenbootstraptemporal.TaskQueue, func(r worker.Registry) { tokenbootstraptemporal.Register(r, ab, temporal.EncryptedPayloads()) }},
		{connecttokentemporal.TaskQueue, func(r worker.Registry) { connecttokentemporal.Register(r, pd, temporal.EncryptedPayloads()) }},
		{rotatetokentemporal.TaskQueue, func(r worker.Registry) { rotatetokentemporal.Register(r, rt, temporal.EncryptedPayloads()) }},
	} {
		wk := worker.New(c, w.queue, worker.Options{})
		w.register(wk)
		if err := wk.Start(); err != nil {
			return err
		}
		defer wk.Stop()
	}

	ids := map[string]string{}
	show := func(title string, run interface{ ID() string }, outputs fmt.Stringer, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", title, err)
		}
		ids[title] = run.ID()
		fmt.Fprintf(out, "  outputs: %s\n  workflow ID: %s\n\n", outputs, run.ID())
		return nil
	}

	fmt.Fprintln(out, "▶ prismatic refresh-and-list-customers")
	r1, err := refreshcustomerstemporal.NewClient(c).StartRefreshAndListCustomers(ctx, client.StartWorkflowOptions{},
		refreshcustomers.RefreshAndListCustomersInputs{RefreshToken: fakeapi.PrismaticRefreshToken})
	if err != nil {
		return err
	}
	o1, err := r1.Get(ctx)
	if err := show("refresh-and-list-customers", r1, o1, err); err != nil {
		return err
	}

	fmt.Fprintln(out, "▶ airbyte bootstrap-application-token")
	r2, err := tokenbootstraptemporal.NewClient(c).StartBootstrapApplicationToken(ctx, client.StartWorkflowOptions{},
		tokenbootstrap.BootstrapApplicationTokenInputs{ApplicationName: "ci-pipeline"})
	if err != nil {
		return err
	}
	o2, err := r2.Get(ctx)
	if err := show("bootstrap-application-token", r2, o2, err); err != nil {
		return err
	}

	fmt.Fprintln(out, "▶ pipedream token-mint-and-validate")
	r3, err := connecttokentemporal.NewClient(c).StartTokenMintAndValidate(ctx, client.StartWorkflowOptions{},
		connecttoken.TokenMintAndValidateInputs{ProjectID: fakeapi.PipedreamProjectID, Environment: fakeapi.PipedreamEnvironment,
			ExternalUserID: fakeapi.PipedreamExternalUserID, AppID: fakeapi.PipedreamAppID})
	if err != nil {
		return err
	}
	o3, err := r3.Get(ctx)
	if err := show("token-mint-and-validate", r3, o3, err); err != nil {
		return err
	}

	fmt.Fprintln(out, "▶ prismatic rotate-refresh-token")
	r4, err := rotatetokentemporal.NewClient(c).StartRotateRefreshToken(ctx, client.StartWorkflowOptions{},
		rotatetoken.RotateRefreshTokenInputs{RefreshToken: fakeapi.PrismaticRefreshToken})
	if err != nil {
		return err
	}
	o4, err := r4.Get(ctx)
	if err := show("rotate-refresh-token", r4, o4, err); err != nil {
		return err
	}

	fmt.Fprintln(out, "▶ prismatic refresh-and-list-customers again, with the revoked refresh token")
	r5, err := refreshcustomerstemporal.NewClient(c).StartRefreshAndListCustomers(ctx, client.StartWorkflowOptions{},
		refreshcustomers.RefreshAndListCustomersInputs{RefreshToken: fakeapi.PrismaticRefreshToken})
	if err != nil {
		return err
	}
	_, err = r5.Get(ctx)
	var se *runtime.StepError
	if !errors.As(err, &se) {
		return fmt.Errorf("a revoked refresh token should fail step refreshToken, got %v", err)
	}
	fmt.Fprintf(out, "  error (as expected): %v\n  errors.As → *runtime.StepError{Workflow: %q, Step: %q, StatusCode: %d}\n  workflow ID: %s\n\n", err, se.Workflow, se.Step, se.StatusCode, r5.ID())

	fmt.Fprintln(out, "Workflow runs (Temporal UI, namespace default; payloads are encrypted with a key made for this run):")
	for _, id := range []string{ids["refresh-and-list-customers"], ids["bootstrap-application-token"], ids["token-mint-and-validate"], ids["rotate-refresh-token"], r5.ID()} {
		fmt.Fprintf(out, "  %s/namespaces/default/workflows/%s\n", srv.UI, url.PathEscape(id))
	}
	return nil
}

// quiet drops the SDK's log lines.
type quiet struct{}

func (quiet) Debug(string, ...any) {}
func (quiet) Info(string, ...any)  {}
func (quiet) Warn(string, ...any)  {}
func (quiet) Error(string, ...any) {}
