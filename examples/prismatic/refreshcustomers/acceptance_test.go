//go:build unix

package refreshcustomers_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCommandFaults runs the generated command of the seed workflow as a CI job would,
// against servers that misbehave: one that stalls, one that sends hundreds of megabytes, and
// one that refuses the credential and echoes it back. The command must stop within its
// -timeout, stay within a small memory bound, and print one line naming the step and the
// status, never the secret.
func TestCommandFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command; skipped in -short mode")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not on PATH")
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "refreshcustomers")
	build := exec.Command("go", "build", "-o", bin, "./cmd/refreshcustomers")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	const envVar = "TEST_REFRESH_TOKEN"
	type result struct {
		stdout, stderr string
		code           int
		elapsed        time.Duration
		maxRSS         int64 // bytes
	}
	run := func(t *testing.T, srv *httptest.Server, args ...string) result {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		defer cancel()
		args = append([]string{workflowID, "-input-env", "refreshToken=" + envVar, "-server", "prismaticGraphqlApi=" + srv.URL}, args...)
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = append(os.Environ(), envVar+"="+refreshToken)
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		start := time.Now()
		err := cmd.Run()
		r := result{stdout: o.String(), stderr: e.String(), elapsed: time.Since(start)}
		var ee *exec.ExitError
		switch {
		case err == nil:
		case errors.As(err, &ee):
			r.code = ee.ExitCode()
		default:
			t.Fatalf("running %s: %v", bin, err)
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			r.maxRSS = int64(ru.Maxrss) * 1024 // kilobytes on Linux
			if goruntime.GOOS == "darwin" {
				r.maxRSS = int64(ru.Maxrss) // bytes on macOS
			}
		}
		t.Logf("exit %d after %s, max RSS %.1f MiB, stderr: %s", r.code, r.elapsed.Round(time.Millisecond), float64(r.maxRSS)/(1<<20), r.stderr)
		return r
	}
	oneLine := func(t *testing.T, r result, want ...string) {
		t.Helper()
		if r.code != 1 {
			t.Errorf("exit %d, want 1", r.code)
		}
		if r.stdout != "" {
			t.Errorf("stdout = %q, want empty", r.stdout)
		}
		if strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("stderr = %q, want one line", r.stderr)
		}
		for _, s := range want {
			if !strings.Contains(r.stderr, s) {
				t.Errorf("stderr %q does not mention %q", r.stderr, s)
			}
		}
		if strings.Contains(r.stderr, refreshToken) {
			t.Errorf("stderr %q contains the refresh token", r.stderr)
		}
	}

	t.Run("stall", func(t *testing.T) {
		done := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// Never answers. Reading the body lets the server notice the client going away.
			_, _ = io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-done:
			}
		}))
		t.Cleanup(srv.Close)
		t.Cleanup(func() { close(done) })
		const timeout = 2 * time.Second
		r := run(t, srv, "-timeout", timeout.String())
		oneLine(t, r, "workflow "+workflowID, "step refreshToken", "timed out", "(-timeout 2s)")
		// The whole process, start to exit, within the timeout and a margin for a loaded machine.
		if r.elapsed > timeout+5*time.Second {
			t.Errorf("the command stopped after %s with -timeout %s", r.elapsed, timeout)
		}
	})

	const huge = 300 << 20 // bytes
	const memoryBound = 64 << 20
	for _, declared := range []bool{false, true} {
		name := "huge body, chunked"
		if declared {
			name = "huge body, Content-Length"
		}
		t.Run(name, func(t *testing.T) {
			var sent int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if declared {
					w.Header().Set("Content-Length", fmt.Sprint(huge))
				}
				chunk := bytes.Repeat([]byte(" "), 1<<20)
				_, _ = io.WriteString(w, `{"access_token":"`)
				for sent < huge {
					n, err := w.Write(chunk)
					sent += int64(n)
					if err != nil {
						return // the client hung up, as it should
					}
				}
			}))
			t.Cleanup(srv.Close)
			r := run(t, srv, "-timeout", "1m")
			oneLine(t, r, "step refreshToken", "status 200", "response body exceeds 10485760 bytes")
			if r.maxRSS > memoryBound {
				t.Errorf("max RSS %d bytes, want at most %d while refusing a %d-byte body", r.maxRSS, memoryBound, huge)
			}
			t.Logf("the server sent %d of %d bytes before the client hung up", sent, huge)
		})
	}

	t.Run("refused credential", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			// A careless server echoes the credential it refuses.
			fmt.Fprintf(w, `{"error":"refresh token refused","request":%s}`, body)
		}))
		t.Cleanup(srv.Close)
		r := run(t, srv, "-timeout", "1m")
		oneLine(t, r, "workflow "+workflowID, "step refreshToken", "status 401")

		// With -v the requests and responses are logged too, still without the secret.
		r = run(t, srv, "-timeout", "1m", "-v")
		if r.code != 1 || !strings.Contains(r.stderr, "status=401") {
			t.Errorf("-v: exit %d, stderr %q; want exit 1 and the response logged", r.code, r.stderr)
		}
		if strings.Contains(r.stderr, refreshToken) {
			t.Errorf("-v: stderr contains the refresh token:\n%s", r.stderr)
		}
	})
}
