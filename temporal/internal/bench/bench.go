package bench

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/arazzogen/arazzogen/internal/fakeapi"
	"github.com/arazzogen/arazzogen/temporal"
	"github.com/arazzogen/arazzogen/temporal/internal/seeds/refreshcustomers"
	"github.com/arazzogen/arazzogen/temporal/internal/seeds/refreshcustomers/refreshcustomerstemporal"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Task queues of the workers on a development server, one per implementation.
const (
	GeneratedQueue   = "bench-generated"
	HandwrittenQueue = "bench-handwritten"
)

// Workflows holds both implementations, their HTTP clients made once and reused, as a
// worker would.
type Workflows struct {
	Generated   *refreshcustomers.Client
	Handwritten *Activities
}

// New returns both implementations sending their requests to the Prismatic API at base.
func New(base string) (*Workflows, error) {
	gen, err := refreshcustomers.NewClient(refreshcustomers.WithServerURL(refreshcustomers.SourcePrismaticGraphqlAPI, base))
	if err != nil {
		return nil, err
	}
	return &Workflows{Generated: gen, Handwritten: &Activities{HTTP: &http.Client{}, Base: base}}, nil
}

// RegisterGenerated registers the generated workflow and its activities (no payload codec,
// as for the hand-written one).
func (w *Workflows) RegisterGenerated(r worker.Registry) {
	refreshcustomerstemporal.Register(r, w.Generated, temporal.AllowPlaintextSecrets())
}

// RegisterHandwritten registers the hand-written workflow and its activities.
func (w *Workflows) RegisterHandwritten(r worker.Registry) {
	r.RegisterWorkflowWithOptions(RefreshAndListCustomers, workflow.RegisterOptions{Name: HandwrittenWorkflowName})
	r.RegisterActivity(w.Handwritten)
}

// Inputs of a run.
var (
	RefreshToken    = fakeapi.PrismaticRefreshToken
	GeneratedInputs = refreshcustomers.RefreshAndListCustomersInputs{RefreshToken: RefreshToken}
)

// Quiet is a logger that drops the SDK's log lines.
var Quiet = log.NewStructuredLogger(slog.New(slog.DiscardHandler))

func testEnv() *testsuite.TestWorkflowEnvironment {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(Quiet)
	return suite.NewTestWorkflowEnvironment()
}

// TestEnvGenerated runs the generated workflow once on a new in-process test environment.
func (w *Workflows) TestEnvGenerated() (*refreshcustomers.RefreshAndListCustomersOutputs, error) {
	env := testEnv()
	w.RegisterGenerated(env)
	env.ExecuteWorkflow(refreshcustomerstemporal.RefreshAndListCustomers, GeneratedInputs)
	if err := env.GetWorkflowError(); err != nil {
		return nil, temporal.Error(err)
	}
	var out refreshcustomers.RefreshAndListCustomersOutputs
	if err := env.GetWorkflowResult(&out); err != nil {
		return nil, err
	}
	return &out, nil
}

// TestEnvHandwritten runs the hand-written workflow once on a new in-process test
// environment.
func (w *Workflows) TestEnvHandwritten() (*Outputs, error) {
	env := testEnv()
	w.RegisterHandwritten(env)
	env.ExecuteWorkflow(RefreshAndListCustomers, RefreshToken)
	if err := env.GetWorkflowError(); err != nil {
		return nil, err
	}
	var out Outputs
	if err := env.GetWorkflowResult(&out); err != nil {
		return nil, err
	}
	return &out, nil
}

// StartWorkers starts a worker per implementation on c, each on its own task queue; stop
// stops them.
func (w *Workflows) StartWorkers(c client.Client) (stop func(), err error) {
	gen := worker.New(c, GeneratedQueue, worker.Options{})
	w.RegisterGenerated(gen)
	hand := worker.New(c, HandwrittenQueue, worker.Options{})
	w.RegisterHandwritten(hand)
	if err := gen.Start(); err != nil {
		return nil, err
	}
	if err := hand.Start(); err != nil {
		gen.Stop()
		return nil, err
	}
	return func() { gen.Stop(); hand.Stop() }, nil
}

// ServerGenerated runs the generated workflow once through the generated client and waits
// for its outputs.
func ServerGenerated(ctx context.Context, c *refreshcustomerstemporal.Client) (*refreshcustomers.RefreshAndListCustomersOutputs, error) {
	return c.RefreshAndListCustomers(ctx, client.StartWorkflowOptions{TaskQueue: GeneratedQueue}, GeneratedInputs)
}

// ServerHandwritten runs the hand-written workflow once and waits for its outputs.
func ServerHandwritten(ctx context.Context, c client.Client) (*Outputs, error) {
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: HandwrittenQueue}, HandwrittenWorkflowName, RefreshToken)
	if err != nil {
		return nil, err
	}
	var out Outputs
	if err := run.Get(ctx, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
