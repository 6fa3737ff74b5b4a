package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/runtime"
)

// authCommand accepts two credentials and returns what the generated client would get.
func authCommand(run func(ctx context.Context, cfg Config, inputs []byte) (any, error)) Command {
	return Command{
		Name:    "svc",
		Sources: []string{"api", "billing"},
		Auth:    []Auth{{Name: "api", Kind: "bearer token"}, {Name: "billing.oauth", Kind: "CLIENT_ID:CLIENT_SECRET"}},
		Workflows: []Workflow{{
			ID: "sync",
			Inputs: []Input{
				{Name: "refreshToken", Type: "string"},
				{Name: "pin", Type: "string", Secret: true},
				{Name: "credentials", Type: "object"},
				{Name: "project", Type: "string"},
			},
			Run: run,
		}},
	}
}

func TestAuthEnv(t *testing.T) {
	var got Config
	cmd := authCommand(func(ctx context.Context, cfg Config, inputs []byte) (any, error) {
		got = cfg
		return map[string]string{}, nil
	})
	env := map[string]string{"API_TOKEN": "tok-live-123", "BILLING": "client-1:sec:ret-456"}
	code, _, errOut := runCLI(t, cmd, env, "", "sync", "-auth-env", "api=API_TOKEN", "-auth-env", "billing.oauth=BILLING")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got.Auth["api"] != "tok-live-123" || got.Auth["billing.oauth"] != "client-1:sec:ret-456" || len(got.Auth) != 2 {
		t.Errorf("Config.Auth = %v", got.Auth)
	}
	if got.Observer != nil {
		t.Error("an observer without -v")
	}
	id, secret, err := SplitCredential("billing.oauth", got.Auth["billing.oauth"])
	if id != "client-1" || secret != "sec:ret-456" || err != nil {
		t.Errorf("SplitCredential = %q, %q, %v", id, secret, err)
	}
	if _, _, err := SplitCredential("billing.oauth", "no-colon-secret"); err == nil || strings.Contains(err.Error(), "no-colon-secret") {
		t.Errorf("SplitCredential without a colon: %v", err)
	}
	code, _, errOut = runCLI(t, cmd, env, "", "sync", "-v")
	if code != ExitOK || got.Observer == nil {
		t.Errorf("-v: exit %d, observer %v, %s", code, got.Observer, errOut)
	}
}

func TestAuthEnvUsageErrors(t *testing.T) {
	cmd := authCommand(func(context.Context, Config, []byte) (any, error) { return nil, nil })
	env := map[string]string{"API_TOKEN": "tok-live-123", "NO_COLON": "tok-live-123"}
	tests := []struct {
		cmd  Command
		args []string
		want string
	}{
		{cmd, []string{"sync", "-auth-env", "other=API_TOKEN"}, "-auth-env other: unknown credential (known: api, billing.oauth)"},
		{cmd, []string{"sync", "-auth-env", "api=MISSING"}, "-auth-env api: environment variable MISSING is not set"},
		{cmd, []string{"sync", "-auth-env", "api"}, `-auth-env "api": want SOURCE=ENVVAR`},
		// A two-part credential is checked before the workflow runs.
		{cmd, []string{"sync", "-auth-env", "billing.oauth=NO_COLON"}, "-auth-env billing.oauth: the variable must hold ID:SECRET"},
		{echoCommand(nil), []string{"echo", "-input", "name=x", "-auth-env", "api=API_TOKEN"}, "-auth-env api: echo takes no credentials"},
		// There is no flag that takes a credential as an argument.
		{cmd, []string{"sync", "-auth", "api=tok-live-123"}, "flag provided but not defined: -auth"},
		{cmd, []string{"sync", "-server", "api=https://user:pw-secret-9@x", "-server", "nope=https://u:pw-secret-9@x"}, `-server "nope=https://%5BREDACTED%5D@x"`},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, tt.cmd, env, "", tt.args...)
		if code != ExitUsage || out != "" || !strings.Contains(errOut, tt.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 and %q", tt.args, code, errOut, tt.want)
		}
		if strings.Contains(errOut, "tok-live-123") || strings.Contains(errOut, "pw-secret-9") {
			t.Errorf("%q: stderr shows a secret: %s", tt.args, errOut)
		}
	}
}

func TestListShowsCredentials(t *testing.T) {
	code, out, _ := runCLI(t, authCommand(nil), nil, "", "-list")
	want := "credentials (-auth-env SOURCE=ENVVAR):\n  -auth-env api=<bearer token>\n  -auth-env billing.oauth=<CLIENT_ID:CLIENT_SECRET>\n"
	if code != ExitOK || !strings.HasSuffix(out, want) {
		t.Errorf("exit %d, -list printed:\n%s", code, out)
	}
}

func TestFailureNeverEchoesSecrets(t *testing.T) {
	secrets := []string{"tok-live-123", "sec:ret-456", "rt-from-env-789", "pin-from-arg-321", "cred-json-654"}
	cmd := authCommand(func(ctx context.Context, cfg Config, inputs []byte) (any, error) {
		// A careless error that repeats everything it was given.
		return nil, fmt.Errorf("failed with %v and %s", cfg.Auth, inputs)
	})
	env := map[string]string{"API_TOKEN": secrets[0], "BILLING": "client-1:" + secrets[1], "RT": secrets[2]}
	code, out, errOut := runCLI(t, cmd, env, "", "sync", "-auth-env", "api=API_TOKEN", "-auth-env", "billing.oauth=BILLING",
		"-input-env", "refreshToken=RT", "-input", "pin="+secrets[3], "-input", `credentials={"key": "`+secrets[4]+`"}`, "-input", "project=proj-visible")
	if code != ExitFailed || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	for _, s := range secrets {
		if strings.Contains(errOut, s) {
			t.Errorf("stderr shows %q:\n%s", s, errOut)
		}
	}
	if !strings.Contains(errOut, "warning: input pin is secret; pass it with -input-env") || !strings.Contains(errOut, "proj-visible") || !strings.Contains(errOut, runtime.Redacted) {
		t.Errorf("stderr:\n%s", errOut)
	}
}

func TestTimeoutBoundsTheRun(t *testing.T) {
	cmd := authCommand(func(ctx context.Context, cfg Config, inputs []byte) (any, error) {
		<-ctx.Done()
		return nil, &runtime.StepError{Workflow: "sync", Step: "wait", Reason: "cancelled", Err: ctx.Err()}
	})
	start := time.Now()
	code, _, errOut := runCLI(t, cmd, nil, "", "sync", "-timeout", "50ms")
	if code != ExitFailed || !strings.Contains(errOut, "workflow sync: step wait: cancelled: context deadline exceeded (-timeout 50ms)") || time.Since(start) > 2*time.Second {
		t.Errorf("exit %d after %s: %s", code, time.Since(start), errOut)
	}
}

// TestGeneratedCommandShape runs a workflow written the way generated code uses the runtime
// (a Transport, a Run, a bearer credential from -auth-env) through the command against a
// server that refuses the credential, one that stalls, and one that sends a huge body.
func TestGeneratedCommandShape(t *testing.T) {
	const token = "tok-refused-777"
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/refuse":
			w.WriteHeader(401)
			fmt.Fprintf(w, `{"error":"token %s is revoked"}`, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		case "/stall":
			select {
			case <-r.Context().Done():
			case <-done:
			}
		case "/huge":
			chunk := []byte(strings.Repeat("x", 64<<10))
			for range 4096 { // 256 MiB
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}
	}))
	defer srv.Close()
	defer close(done)
	cmd := authCommand(func(ctx context.Context, cfg Config, inputs []byte) (_ any, err error) {
		var in struct {
			Project string `json:"project"`
		}
		if err := json.Unmarshal(inputs, &in); err != nil {
			return nil, err
		}
		tr := runtime.Transport{Doer: cfg.HTTPClient, Timeout: runtime.DefaultTimeout, Observer: cfg.Observer}
		run := tr.Start(ctx, "sync")
		defer func() { err = run.End(err) }()
		st := run.Step("call")
		resp, err := st.Send(&runtime.Request{Method: "GET", Path: "/{project}", URL: srv.URL + "/" + in.Project,
			Auth: runtime.Bearer(runtime.StaticToken(cfg.Auth["api"]))})
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != 200 {
			return nil, resp.Unmet("$statusCode == 200")
		}
		st.End(nil)
		return map[string]int{"status": resp.StatusCode}, nil
	})
	// The stall is bounded by -timeout; the request timeout (DefaultTimeout) is longer, so
	// the huge body is refused for its size however slow the machine.
	for _, tc := range []struct{ project, timeout, prefix, suffix string }{
		{"refuse", "30s", "svc: workflow sync: step call (GET /{project}): status 401 Unauthorized: success criterion not met: $statusCode == 200; response: {\"error\":\"token [REDACTED] is revoked\"}\n", ""},
		// The request starts a little after -timeout's clock does, so it ran for less than 500ms.
		{"stall", "500ms", "svc: workflow sync: step call (GET /{project}): timed out after ", "ms (context deadline): context deadline exceeded (-timeout 500ms)\n"},
		{"huge", "30s", "svc: workflow sync: step call (GET /{project}): status 200 OK: response body exceeds 10485760 bytes: body too large", ""},
	} {
		for _, verbose := range []bool{false, true} {
			args := []string{"sync", "-auth-env", "api=API_TOKEN", "-input", "project=" + tc.project, "-timeout", tc.timeout}
			if verbose {
				args = append(args, "-v")
			}
			start := time.Now()
			code, out, errOut := runCLI(t, cmd, map[string]string{"API_TOKEN": token}, "", args...)
			last := errOut[strings.LastIndex(strings.TrimSuffix(errOut, "\n"), "\n")+1:]
			if code != ExitFailed || out != "" || !strings.HasPrefix(last, tc.prefix) || !strings.HasSuffix(last, tc.suffix) {
				t.Errorf("%s (-v %v): exit %d, stderr:\n%s\nwant a last line %q…%q", tc.project, verbose, code, errOut, tc.prefix, tc.suffix)
			}
			if tc.project == "stall" && strings.HasPrefix(last, tc.prefix) && strings.HasSuffix(last, tc.suffix) {
				ran, err := time.ParseDuration(strings.TrimSuffix(strings.TrimPrefix(last, tc.prefix), tc.suffix[2:]))
				if err != nil || ran < 250*time.Millisecond || ran > 2*time.Second {
					t.Errorf("stall (-v %v): the request ran for %q (%v), want about the 500ms deadline", verbose, ran, err)
				}
			}
			if took := time.Since(start); tc.project == "stall" && took > 2*time.Second {
				t.Errorf("stall: stopped after %s", took)
			}
			if strings.Contains(errOut, token) {
				t.Errorf("%s (-v %v): stderr shows the token:\n%s", tc.project, verbose, errOut)
			}
			if verbose && !strings.Contains(errOut, "Authorization="+runtime.Redacted) {
				t.Errorf("%s: -v does not log the redacted request:\n%s", tc.project, errOut)
			}
		}
	}
}
