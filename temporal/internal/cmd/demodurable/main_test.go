package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/internal/fakeapi"
	"github.com/arazzogen/arazzogen/temporal/internal/devserver"
)

// The durable demo runs every seed on a development server and prints the traces of make
// demo, the outputs and the workflow IDs, and no credential or token.
func TestDemoDurable(t *testing.T) {
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
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	srv, err := devserver.Start(ctx, bin, devserver.Options{DBFile: filepath.Join(t.TempDir(), "temporal.db"), UI: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	var out bytes.Buffer
	if err := run(ctx, &out, srv); err != nil {
		t.Fatalf("demo failed: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"RefreshAndListCustomersOutputs{accessToken: [REDACTED], customers: [{",
		`BootstrapApplicationTokenOutputs{applicationId: "` + fakeapi.AirbyteApplicationID + `", clientId: "` + fakeapi.AirbyteClientID + `", accessToken: [REDACTED]}`,
		"TokenMintAndValidateOutputs{connectToken: [REDACTED], validation: {",
		"RotateRefreshTokenOutputs{accessToken: [REDACTED], revokedStatus: 200}",
		"→ GET /v1/connect/tokens/[REDACTED]/validate?app_id=slack",
		"Authorization: [REDACTED]",
		`Step: "refreshToken", StatusCode: 401`,
		"workflow ID: refresh-and-list-customers-",
		srv.UI + "/namespaces/default/workflows/rotate-refresh-token-",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %s:\n%s", want, out.String())
		}
	}
	// The traces are those of make demo, line for line.
	demo := exec.CommandContext(ctx, "go", "run", "./examples/demo")
	demo.Dir = filepath.Join("..", "..", "..", "..")
	want, err := demo.Output()
	if err != nil {
		t.Fatalf("make demo: %v", err)
	}
	if got, want := traces(out.String()), traces(string(want)); strings.Count(want, "▶") != 5 || got != want {
		t.Errorf("traces differ from make demo's\n--- demo-durable\n%s\n--- demo\n%s", got, want)
	}
	for _, secret := range []string{
		fakeapi.PrismaticRefreshToken, fakeapi.PrismaticAccessToken, fakeapi.PrismaticNextRefreshToken,
		fakeapi.AirbyteClientSecret, fakeapi.AirbyteAccessToken, fakeapi.PipedreamConnectToken,
	} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("demo output shows the secret %s:\n%s", secret, out.String())
		}
	}
}

// traces keeps the lines of the workflows' traces, from the first workflow on, without blank
// lines and the lines about Temporal (workflow IDs, links into the UI).
func traces(out string) string {
	var b strings.Builder
	started := false
	for line := range strings.Lines(out) {
		started = started || strings.HasPrefix(line, "▶")
		if !started || strings.TrimSpace(line) == "" || strings.HasPrefix(line, "  workflow ID: ") {
			continue
		}
		if strings.HasPrefix(line, "Workflow runs") {
			break
		}
		b.WriteString(line)
	}
	return b.String()
}
