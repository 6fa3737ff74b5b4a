package temporal_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/arazzogen/arazzogen/internal/fakeapi"
	"github.com/arazzogen/arazzogen/runtime"
	"github.com/arazzogen/arazzogen/temporal"
	"github.com/arazzogen/arazzogen/temporal/internal/seeds/connecttoken"
	"github.com/arazzogen/arazzogen/temporal/internal/seeds/connecttoken/connecttokentemporal"
	"github.com/arazzogen/arazzogen/temporal/internal/seeds/refreshcustomers"
	"github.com/arazzogen/arazzogen/temporal/internal/seeds/refreshcustomers/refreshcustomerstemporal"
	"github.com/arazzogen/arazzogen/temporal/internal/seeds/rotatetoken"
	"github.com/arazzogen/arazzogen/temporal/internal/seeds/rotatetoken/rotatetokentemporal"
	"github.com/arazzogen/arazzogen/temporal/internal/seeds/tokenbootstrap"
	"github.com/arazzogen/arazzogen/temporal/internal/seeds/tokenbootstrap/tokenbootstraptemporal"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
)

// seed is one seed workflow: register puts its workflows, with clients of fresh fakes, on a
// registry; inProcess runs it with its method against other fresh fakes.
type seed struct {
	name      string
	workflow  string // type name
	inputs    any
	outputs   func() any
	register  func(t *testing.T, r worker.Registry)
	inProcess func(t *testing.T) (any, error)
}

func fake(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

var seeds = []seed{
	{
		name: "refresh-and-list-customers", workflow: refreshcustomerstemporal.RefreshAndListCustomersWorkflowName,
		inputs:  refreshcustomers.RefreshAndListCustomersInputs{RefreshToken: fakeapi.PrismaticRefreshToken},
		outputs: func() any { return new(refreshcustomers.RefreshAndListCustomersOutputs) },
		register: func(t *testing.T, r worker.Registry) {
			c, err := refreshcustomers.NewClient(refreshcustomers.WithServerURL(refreshcustomers.SourcePrismaticGraphqlAPI, fake(t, fakeapi.Prismatic())))
			if err != nil {
				t.Fatal(err)
			}
			refreshcustomerstemporal.Register(r, c, temporal.AllowPlaintextSecrets())
		},
		inProcess: func(t *testing.T) (any, error) {
			c, err := refreshcustomers.NewClient(refreshcustomers.WithServerURL(refreshcustomers.SourcePrismaticGraphqlAPI, fake(t, fakeapi.Prismatic())))
			if err != nil {
				t.Fatal(err)
			}
			return c.RefreshAndListCustomers(context.Background(), refreshcustomers.RefreshAndListCustomersInputs{RefreshToken: fakeapi.PrismaticRefreshToken})
		},
	},
	{
		name: "rotate-refresh-token", workflow: rotatetokentemporal.RotateRefreshTokenWorkflowName,
		inputs:  rotatetoken.RotateRefreshTokenInputs{RefreshToken: fakeapi.PrismaticRefreshToken},
		outputs: func() any { return new(rotatetoken.RotateRefreshTokenOutputs) },
		register: func(t *testing.T, r worker.Registry) {
			c, err := rotatetoken.NewClient(rotatetoken.WithServerURL(rotatetoken.SourcePrismaticGraphqlAPI, fake(t, fakeapi.Prismatic())))
			if err != nil {
				t.Fatal(err)
			}
			rotatetokentemporal.Register(r, c, temporal.AllowPlaintextSecrets())
		},
		inProcess: func(t *testing.T) (any, error) {
			c, err := rotatetoken.NewClient(rotatetoken.WithServerURL(rotatetoken.SourcePrismaticGraphqlAPI, fake(t, fakeapi.Prismatic())))
			if err != nil {
				t.Fatal(err)
			}
			return c.RotateRefreshToken(context.Background(), rotatetoken.RotateRefreshTokenInputs{RefreshToken: fakeapi.PrismaticRefreshToken})
		},
	},
	{
		name: "bootstrap-application-token", workflow: tokenbootstraptemporal.BootstrapApplicationTokenWorkflowName,
		inputs:  tokenbootstrap.BootstrapApplicationTokenInputs{ApplicationName: "ci-pipeline"},
		outputs: func() any { return new(tokenbootstrap.BootstrapApplicationTokenOutputs) },
		register: func(t *testing.T, r worker.Registry) {
			c, err := tokenbootstrap.NewClient(tokenbootstrap.WithServerURL(tokenbootstrap.SourceAirbyteAPI, fake(t, http.StripPrefix("/v1", fakeapi.Airbyte()))+"/v1"))
			if err != nil {
				t.Fatal(err)
			}
			tokenbootstraptemporal.Register(r, c, temporal.AllowPlaintextSecrets())
		},
		inProcess: func(t *testing.T) (any, error) {
			c, err := tokenbootstrap.NewClient(tokenbootstrap.WithServerURL(tokenbootstrap.SourceAirbyteAPI, fake(t, http.StripPrefix("/v1", fakeapi.Airbyte()))+"/v1"))
			if err != nil {
				t.Fatal(err)
			}
			return c.BootstrapApplicationToken(context.Background(), tokenbootstrap.BootstrapApplicationTokenInputs{ApplicationName: "ci-pipeline"})
		},
	},
	{
		name: "token-mint-and-validate", workflow: connecttokentemporal.TokenMintAndValidateWorkflowName,
		inputs: connecttoken.TokenMintAndValidateInputs{ProjectID: fakeapi.PipedreamProjectID, Environment: fakeapi.PipedreamEnvironment,
			ExternalUserID: fakeapi.PipedreamExternalUserID, AppID: fakeapi.PipedreamAppID},
		outputs: func() any { return new(connecttoken.TokenMintAndValidateOutputs) },
		register: func(t *testing.T, r worker.Registry) {
			c, err := connecttoken.NewClient(connecttoken.WithServerURL(connecttoken.SourcePipedreamAPI, fake(t, fakeapi.Pipedream())))
			if err != nil {
				t.Fatal(err)
			}
			connecttokentemporal.Register(r, c, temporal.AllowPlaintextSecrets())
		},
		inProcess: func(t *testing.T) (any, error) {
			c, err := connecttoken.NewClient(connecttoken.WithServerURL(connecttoken.SourcePipedreamAPI, fake(t, fakeapi.Pipedream())))
			if err != nil {
				t.Fatal(err)
			}
			return c.TokenMintAndValidate(context.Background(), connecttoken.TokenMintAndValidateInputs{ProjectID: fakeapi.PipedreamProjectID, Environment: fakeapi.PipedreamEnvironment,
				ExternalUserID: fakeapi.PipedreamExternalUserID, AppID: fakeapi.PipedreamAppID})
		},
	},
}

func testEnv() *testsuite.TestWorkflowEnvironment {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	return suite.NewTestWorkflowEnvironment()
}

// Each seed gives the same outputs as a Temporal workflow as its in-process method gives.
func TestSeeds(t *testing.T) {
	for _, s := range seeds {
		t.Run(s.name, func(t *testing.T) {
			want, err := s.inProcess(t)
			if err != nil {
				t.Fatalf("in process: %v", err)
			}
			env := testEnv()
			s.register(t, env)
			env.ExecuteWorkflow(s.workflow, s.inputs)
			if err := env.GetWorkflowError(); err != nil {
				t.Fatalf("on Temporal: %v", temporal.Error(err))
			}
			got := s.outputs()
			if err := env.GetWorkflowResult(got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("outputs on Temporal\n%#v\nin process\n%#v", got, want)
			}
		})
	}
}

// After rotate-refresh-token revokes the refresh token, refresh-and-list-customers fails
// at its first step: a *runtime.StepError with the 401, as in process.
func TestSeedRevokedToken(t *testing.T) {
	url := fake(t, fakeapi.Prismatic())
	rc, err := refreshcustomers.NewClient(refreshcustomers.WithServerURL(refreshcustomers.SourcePrismaticGraphqlAPI, url))
	if err != nil {
		t.Fatal(err)
	}
	rt, err := rotatetoken.NewClient(rotatetoken.WithServerURL(rotatetoken.SourcePrismaticGraphqlAPI, url))
	if err != nil {
		t.Fatal(err)
	}
	env := testEnv()
	rotatetokentemporal.Register(env, rt, temporal.AllowPlaintextSecrets())
	env.ExecuteWorkflow(rotatetokentemporal.RotateRefreshTokenWorkflowName, rotatetoken.RotateRefreshTokenInputs{RefreshToken: fakeapi.PrismaticRefreshToken})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	env = testEnv()
	refreshcustomerstemporal.Register(env, rc, temporal.AllowPlaintextSecrets())
	env.ExecuteWorkflow(refreshcustomerstemporal.RefreshAndListCustomersWorkflowName, refreshcustomers.RefreshAndListCustomersInputs{RefreshToken: fakeapi.PrismaticRefreshToken})
	err = temporal.Error(env.GetWorkflowError())
	var se *runtime.StepError
	if !errors.As(err, &se) || se.Step != "refreshToken" || se.StatusCode != http.StatusUnauthorized {
		t.Fatalf("error %v; want step refreshToken failing with 401", err)
	}
	_, inProcess := rc.RefreshAndListCustomers(context.Background(), refreshcustomers.RefreshAndListCustomersInputs{RefreshToken: fakeapi.PrismaticRefreshToken})
	if inProcess == nil || inProcess.Error() != se.Error() {
		t.Errorf("message on Temporal\n%v\nin process\n%v", se, inProcess)
	}
}
