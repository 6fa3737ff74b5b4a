package bench

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/internal/fakeapi"
	"github.com/arazzogen/arazzogen/temporal/internal/devserver"
	"github.com/arazzogen/arazzogen/temporal/internal/seeds/refreshcustomers/refreshcustomerstemporal"
	"go.temporal.io/sdk/client"
)

// counting serves the Prismatic fake and counts the requests it answers.
type counting struct {
	h http.Handler
	n atomic.Int64
}

func (c *counting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.n.Add(1)
	c.h.ServeHTTP(w, r)
}

func fixture(t *testing.T) (*Workflows, *counting) {
	t.Helper()
	api := &counting{h: fakeapi.Prismatic()}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	w, err := New(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return w, api
}

// same compares outputs by their JSON, as Temporal carries them.
func same(t *testing.T, generated, handwritten any) {
	t.Helper()
	g, err := json.Marshal(generated)
	if err != nil {
		t.Fatal(err)
	}
	h, err := json.Marshal(handwritten)
	if err != nil {
		t.Fatal(err)
	}
	var gv, hv any
	if err := json.Unmarshal(g, &gv); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(h, &hv); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gv, hv) {
		t.Errorf("generated outputs %s; hand-written %s", g, h)
	}
}

// On the test environment both implementations send two requests per run and give the
// same outputs; so the benchmark compares like with like.
func TestSameWorkOnTestEnvironment(t *testing.T) {
	w, api := fixture(t)
	gen, err := w.TestEnvGenerated()
	if err != nil {
		t.Fatal(err)
	}
	if n := api.n.Swap(0); n != 2 {
		t.Errorf("generated: %d requests; want 2", n)
	}
	hand, err := w.TestEnvHandwritten()
	if err != nil {
		t.Fatal(err)
	}
	if n := api.n.Swap(0); n != 2 {
		t.Errorf("hand-written: %d requests; want 2", n)
	}
	if gen.AccessToken == nil || *gen.AccessToken == "" || len(gen.Customers) == 0 {
		t.Fatalf("generated outputs are empty: %+v", gen)
	}
	same(t, gen, hand)
}

// The same on a development server (skipped when the temporal command is absent outside CI).
func TestSameWorkOnDevServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Temporal server; skipped in -short mode")
	}
	bin, err := devserver.Find()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%v; .ci/run installs it", err)
		}
		t.Skip(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv, err := devserver.Start(ctx, bin, devserver.Options{DBFile: filepath.Join(t.TempDir(), "temporal.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	c, err := client.Dial(client.Options{HostPort: srv.Address, Logger: Quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	w, api := fixture(t)
	stop, err := w.StartWorkers(c)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	gen, err := ServerGenerated(ctx, refreshcustomerstemporal.NewClient(c))
	if err != nil {
		t.Fatal(err)
	}
	if n := api.n.Swap(0); n != 2 {
		t.Errorf("generated: %d requests; want 2", n)
	}
	hand, err := ServerHandwritten(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if n := api.n.Swap(0); n != 2 {
		t.Errorf("hand-written: %d requests; want 2", n)
	}
	same(t, gen, hand)
}

// The benchmarks of internal/cmd/benchdurable on the test environment, for profiling.
func BenchmarkTestEnv(b *testing.B) {
	api := httptest.NewServer(fakeapi.Prismatic())
	defer api.Close()
	w, err := New(api.URL)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("generated", func(b *testing.B) {
		for b.Loop() {
			if _, err := w.TestEnvGenerated(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("handwritten", func(b *testing.B) {
		for b.Loop() {
			if _, err := w.TestEnvHandwritten(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
