package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/internal/junittest"
	"github.com/arazzogen/arazzogen/runtime"
)

const (
	refreshToken = "rt-secret-value-1"
	accessToken  = "at-issued-value-2"
	nestedKey    = "nested-key-value-3"
	projectEnv   = "proj-from-env-4"
)

// ciAPI is the server of ciCommand: POST /token issues accessToken, GET /items answers 503
// (fails times, then 200), /problem a problem+json 403 echoing the refresh token.
type ciAPI struct {
	*httptest.Server
	requests atomic.Int32
	fails    atomic.Int32
	stall    chan struct{}
	stalled  chan struct{} // receives when a request stalls
}

func newCIAPI(t *testing.T) *ciAPI {
	a := &ciAPI{stall: make(chan struct{}), stalled: make(chan struct{}, 10)}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.requests.Add(1)
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/token":
			if !bytes.Contains(body, []byte(refreshToken)) {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			fmt.Fprintf(w, `{"access_token":%q,"profile":{"name":"ci","apiKey":%q},"note":"line one\nline two"}`, accessToken, nestedKey)
		case "/items":
			if a.fails.Add(-1) >= 0 {
				w.WriteHeader(http.StatusServiceUnavailable)
				fmt.Fprint(w, `{"error":"busy"}`)
				return
			}
			fmt.Fprint(w, `{"items":[1,2]}`)
		case "/problem":
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `{"type":"about:blank","title":"Quota exceeded","detail":"project %s used token %s","status":403}`, r.URL.Query().Get("project"), refreshToken)
		case "/stall":
			a.stalled <- struct{}{}
			select {
			case <-a.stall:
			case <-r.Context().Done():
			}
		}
	}))
	t.Cleanup(func() { close(a.stall); a.Close() })
	return a
}

// ciCommand has the workflow "sync", written as generated code writes it: step token
// (POST /token with the secret refresh token), then step items (GET /{path}?project=…,
// retried up to 3 times on 503, as a retry action does).
func ciCommand(baseURL string) Command {
	type inputs struct {
		RefreshToken string `json:"refreshToken"`
		Project      string `json:"project"`
		Path         string `json:"path"`
	}
	type outputs struct {
		AccessToken string          `json:"accessToken"`
		Profile     json.RawMessage `json:"profile"`
		Note        string          `json:"note"`
		Items       json.RawMessage `json:"items"`
	}
	run := func(ctx context.Context, cfg Config, raw []byte) (_ any, err error) {
		var in inputs
		if err := json.Unmarshal(raw, &in); err != nil {
			return nil, fmt.Errorf("inputs: %w", err)
		}
		tr := &runtime.Transport{Doer: cfg.HTTPClient, Timeout: runtime.DefaultTimeout, Observer: cfg.Observer}
		r := tr.Start(ctx, "sync")
		defer func() { err = r.End(err) }()
		r.Secret(in.RefreshToken)
		st := r.Step("token")
		resp, err := st.Send(&runtime.Request{Method: "POST", Path: "/token", URL: baseURL + "/token",
			ContentType: "application/json", Body: []byte(`{"refresh_token":"` + in.RefreshToken + `"}`)})
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != 200 {
			return nil, resp.Unmet("$statusCode == 200")
		}
		var out outputs
		if err := json.Unmarshal(resp.Body, &struct {
			AccessToken *string          `json:"access_token"`
			Profile     *json.RawMessage `json:"profile"`
			Note        *string          `json:"note"`
		}{&out.AccessToken, &out.Profile, &out.Note}); err != nil {
			return nil, resp.Fail("cannot decode", err)
		}
		r.Secret(out.AccessToken)
		st.End(nil)
		st = r.Step("items")
		for attempt := 1; ; attempt++ {
			resp, err = st.Send(&runtime.Request{Method: "GET", Path: "/{path}", URL: baseURL + "/" + in.Path + "?project=" + in.Project,
				Header: http.Header{"Authorization": {"Bearer " + out.AccessToken}}})
			if err != nil {
				return nil, err
			}
			if resp.StatusCode == 200 {
				break
			}
			failErr := resp.Unmet("$statusCode == 200")
			if resp.StatusCode != 503 || attempt == 4 {
				return nil, failErr
			}
			if err := runtime.Wait(st, attempt+1, failErr, resp, 0); err != nil {
				return nil, err
			}
		}
		out.Items = resp.Body
		st.End(nil)
		return &out, nil
	}
	return Command{
		Name:     "ci",
		Sources:  []string{"api"},
		Document: Document{File: "ci.arazzo.yaml", Title: "CI API", Version: "1.2.3", Arazzo: "1.0.1"},
		Workflows: []Workflow{{
			ID: "sync", Summary: "Refresh a token, then list the items.", Description: "Exchanges the refresh token.\nThen lists.",
			Inputs: []Input{
				{Name: "refreshToken", Type: "string", Required: true},
				{Name: "project", Type: "string"},
				{Name: "path", Type: "string", Required: true},
			},
			Outputs: []Output{
				{Name: "accessToken", Type: "string", Secret: true},
				{Name: "profile", Type: "object"},
				{Name: "note", Type: "string"},
				{Name: "items"},
			},
			Steps: []Step{
				{ID: "token", Operation: "POST /token (refresh)", Criteria: []string{"$statusCode == 200"}},
				{ID: "items", Operation: "GET /{path} (list)", Criteria: []string{"$statusCode == 200"},
					Actions: []string{"on failure: retry at most 3 times when $statusCode == 503"}},
			},
			Run: run,
		}, {
			ID: "other", Summary: "Does nothing.", Run: func(context.Context, Config, []byte) (any, error) { return struct{}{}, nil },
		}},
	}
}

// ciRun runs ciCommand with the refresh token and the project in the environment.
func ciRun(t *testing.T, api *ciAPI, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	full := map[string]string{"RT": refreshToken, "PROJECT": projectEnv}
	for k, v := range env {
		full[k] = v
	}
	args = append([]string{"sync", "-input-env", "refreshToken=RT", "-input-env", "project=PROJECT"}, args...)
	return runCLI(t, ciCommand(api.URL), full, "", args...)
}

func assertNoSecrets(t *testing.T, what string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		for _, secret := range []string{refreshToken, accessToken, nestedKey, projectEnv} {
			if strings.Contains(s, secret) {
				t.Errorf("%s shows %s:\n%s", what, secret, s)
			}
		}
	}
}

func TestReportsAreWritten(t *testing.T) {
	api := newCIAPI(t)
	api.fails.Store(2)
	dir := t.TempDir()
	junit, js, out := filepath.Join(dir, "reports", "r.xml"), filepath.Join(dir, "r.json"), filepath.Join(dir, "out", "out.json")
	code, stdout, stderr := ciRun(t, api, nil, "-input", "path=items", "-report", "junit="+junit, "-report", "json="+js, "-report", "tap", "-output", out)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "TAP version 14\n1..2\nok 1 - sync token\n") || !strings.Contains(stdout, "ok 2 - sync items\n  ---\n  status: \"passed\"\n") || !strings.Contains(stdout, "  attempts: 3\n") {
		t.Errorf("TAP on standard output:\n%s", stdout)
	}
	x, _ := os.ReadFile(junit)
	j, _ := os.ReadFile(js)
	o, _ := os.ReadFile(out)
	assertNoSecrets(t, "reports", string(x), string(j), stdout)
	var doc struct {
		Suites []struct {
			Name  string `xml:"name,attr"`
			Tests int    `xml:"tests,attr"`
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(x, &doc); err != nil || len(doc.Suites) != 1 || doc.Suites[0].Tests != 2 || doc.Suites[0].Cases[1].Name != "items" {
		t.Errorf("JUnit report (%v):\n%s", err, x)
	}
	junittest.Validate(t, junit)
	var rep struct {
		Tests, Passed int
		Workflows     []struct {
			Steps []struct{ Attempts, Retries int }
		}
	}
	if err := json.Unmarshal(j, &rep); err != nil || rep.Tests != 2 || rep.Passed != 2 || rep.Workflows[0].Steps[1].Attempts != 3 || rep.Workflows[0].Steps[1].Retries != 2 {
		t.Errorf("JSON report (%v):\n%s", err, j)
	}
	if !strings.Contains(string(o), `"accessToken": "`+accessToken+`"`) {
		t.Errorf("-output file:\n%s", o)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("-output file mode %v (%v), want 0600", fi.Mode(), err)
	}
}

func TestReportUsageErrors(t *testing.T) {
	api := newCIAPI(t)
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-report", "xml=r.xml"}, "want junit, tap or json"},
		{[]string{"-report", "tap"}, "-report without a file writes to standard output, where the outputs go"},
		{[]string{"-report", "tap", "-report", "json", "-output", "x"}, "only one -report can go to standard output"},
		{[]string{"-report", "junit=" + filepath.Join(file, "r.xml")}, "-report junit=" + file + "/r.xml: mkdir " + file + ": not a directory"},
		{[]string{"-dry-run", "-report", "junit=x.xml"}, "-dry-run sends nothing"},
		{[]string{"-github-output"}, "GITHUB_OUTPUT is not set"},
	} {
		code, stdout, stderr := ciRun(t, api, nil, append([]string{"-input", "path=items"}, tc.args...)...)
		if code != ExitUsage || stdout != "" || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", tc.args, code, stdout, stderr, tc.want)
		}
	}
	if n := api.requests.Load(); n != 0 {
		t.Errorf("%d requests sent by usage errors", n)
	}
}

// TestFailureLineIsActionable: the line names the server's problem and the attempts, and
// -error-format json prints the same as one object.
func TestFailureLineIsActionable(t *testing.T) {
	api := newCIAPI(t)
	code, stdout, stderr := ciRun(t, api, nil, "-input", "path=problem")
	want := "ci: workflow sync: step items (GET /{path}): status 403 Forbidden: success criterion not met: $statusCode == 200; response: Quota exceeded: project [REDACTED] used token [REDACTED]\n"
	if code != ExitFailed || stdout != "" || stderr != want {
		t.Errorf("exit %d, stdout %q, stderr\n%q\nwant\n%q", code, stdout, stderr, want)
	}

	api.fails.Store(10)
	code, _, stderr = ciRun(t, api, nil, "-input", "path=items")
	want = "ci: workflow sync: step items (GET /{path}): status 503 Service Unavailable: success criterion not met: $statusCode == 200 (after 4 attempts); response: {\"error\":\"busy\"}\n"
	if code != ExitFailed || stderr != want {
		t.Errorf("exit %d, stderr\n%q\nwant\n%q", code, stderr, want)
	}

	code, _, stderr = ciRun(t, api, nil, "-input", "path=problem", "-error-format", "json")
	if code != ExitFailed || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("exit %d, want one line of JSON:\n%s", code, stderr)
	}
	var obj struct {
		Level, Command, Message, Workflow, Step, Method, Path, Criterion, Reason string
		Exit, Status                                                             int
		Response                                                                 struct{ Title, Detail, Excerpt string }
	}
	if err := json.Unmarshal([]byte(stderr), &obj); err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	if obj.Level != "error" || obj.Exit != 1 || obj.Workflow != "sync" || obj.Step != "items" || obj.Status != 403 || obj.Method != "GET" ||
		obj.Criterion != "$statusCode == 200" || obj.Response.Title != "Quota exceeded" || !strings.HasPrefix(obj.Response.Detail, "project [REDACTED] used") ||
		!strings.HasPrefix(obj.Message, "workflow sync: step items") {
		t.Errorf("JSON error: %+v", obj)
	}
	assertNoSecrets(t, "stderr", stderr)

	// Usage errors, flag errors included, are JSON too.
	for _, args := range [][]string{{"-error-format", "json", "-nope"}, {"-error-format=json", "-input", "path=x", "-input", "path=y"}} {
		code, _, stderr = ciRun(t, api, nil, args...)
		if err := json.Unmarshal([]byte(stderr), &obj); code != ExitUsage || err != nil || obj.Exit != 2 || obj.Level != "error" {
			t.Errorf("%v: exit %d, stderr %s", args, code, stderr)
		}
	}
}

func TestDuplicateInput(t *testing.T) {
	api := newCIAPI(t)
	for _, args := range [][]string{
		{"-input", "path=a", "-input", "path=b"},
		{"-input", "project=a", "-input", "path=b"}, // project also comes from -input-env
	} {
		code, _, stderr := ciRun(t, api, nil, args...)
		if code != ExitUsage || !strings.Contains(stderr, "is already set by") {
			t.Errorf("%v: exit %d, %s", args, code, stderr)
		}
	}
	// -inputs gives defaults that -input overrides.
	file := filepath.Join(t.TempDir(), "in.json")
	os.WriteFile(file, []byte(`{"path":"nope"}`), 0o644)
	if code, _, stderr := ciRun(t, api, nil, "-inputs", file, "-input", "path=items"); code != ExitOK {
		t.Errorf("-inputs then -input: exit %d, %s", code, stderr)
	}
}

func TestDryRun(t *testing.T) {
	api := newCIAPI(t)
	code, stdout, stderr := ciRun(t, api, nil, "-input", "path=items", "-dry-run", "-server", "api=http://ignored")
	if code != ExitOK || stderr != "" {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := api.requests.Load(); n != 0 {
		t.Errorf("a dry run sent %d requests", n)
	}
	for _, want := range []string{
		"dry run of workflow sync: nothing was sent\n",
		"step token would send:\n  POST " + api.URL + "/token\n  Accept: application/json\n  Content-Type: application/json\n\n  {\"refresh_token\":\"[REDACTED]\"}\n",
		"plan of workflow sync:\n  1. token  POST /token (refresh)\n",
		"success when $statusCode == 200",
		"  2. items  GET /{path} (list)",
		"on failure: retry at most 3 times when $statusCode == 503",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("dry run lacks %q:\n%s", want, stdout)
		}
	}
	assertNoSecrets(t, "dry run", stdout)
}

func TestOutputsForCI(t *testing.T) {
	api := newCIAPI(t)
	ghOut := filepath.Join(t.TempDir(), "github_output")
	os.WriteFile(ghOut, []byte("earlier=1\n"), 0o644)
	env := map[string]string{"GITHUB_OUTPUT": ghOut, "GITHUB_ACTIONS": "true"}
	code, stdout, stderr := ciRun(t, api, env, "-input", "path=items", "-github-output", "-mask-secrets")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var printed map[string]any
	if err := json.Unmarshal([]byte(stdout), &printed); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout)
	}
	if printed["accessToken"] != runtime.Redacted || printed["profile"].(map[string]any)["apiKey"] != runtime.Redacted || printed["profile"].(map[string]any)["name"] != "ci" {
		t.Errorf("-mask-secrets printed %s", stdout)
	}
	assertNoSecrets(t, "masked stdout", stdout)
	if want := "::add-mask::" + accessToken + "\n"; stderr != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
	data, _ := os.ReadFile(ghOut)
	lines := string(data)
	if !strings.HasPrefix(lines, "earlier=1\naccessToken="+accessToken+"\nprofile={\"name\":\"ci\",\"apiKey\":\""+nestedKey+"\"}\nnote<<ghadelimiter_") ||
		!strings.HasSuffix(lines, "items={\"items\":[1,2]}\n") {
		t.Errorf("$GITHUB_OUTPUT:\n%s", lines)
	}
	// The heredoc form: NAME<<D, the value, D.
	i := strings.Index(lines, "note<<")
	delim := lines[i+len("note<<") : i+strings.Index(lines[i:], "\n")]
	if !strings.Contains(lines, "note<<"+delim+"\nline one\nline two\n"+delim+"\n") || len(delim) < len("ghadelimiter_")+32 {
		t.Errorf("multi-line value:\n%s", lines)
	}

	// Without GITHUB_ACTIONS no workflow command is written; without -mask-secrets stdout
	// has the value.
	delete(env, "GITHUB_ACTIONS")
	code, stdout, stderr = ciRun(t, api, env, "-input", "path=items", "-mask-secrets")
	if code != ExitOK || stderr != "" || !strings.Contains(stdout, `"accessToken": "[REDACTED]"`) {
		t.Errorf("exit %d, stdout %s, stderr %q", code, stdout, stderr)
	}
	code, stdout, _ = ciRun(t, api, env, "-input", "path=items")
	if code != ExitOK || !strings.Contains(stdout, `"accessToken": "`+accessToken+`"`) {
		t.Errorf("unmasked: %s", stdout)
	}
}

func TestHelp(t *testing.T) {
	api := newCIAPI(t)
	cmd := ciCommand(api.URL)
	for _, args := range [][]string{{"-help"}, {"-h"}, {"-help", "sync"}} {
		code, stdout, stderr := runCLI(t, cmd, nil, "", args...)
		if code != ExitOK || stderr != "" {
			t.Fatalf("%v: exit %d, %s", args, code, stderr)
		}
		for _, want := range []string{
			`ci runs the workflows of "CI API" (ci.arazzo.yaml).`,
			"  sync   Refresh a token, then list the items.\n  other  Does nothing.\n",
			"  -report FORMAT[=FILE]",
			"  -dry-run",
			"Exit status:\n  0  the workflow succeeded\n  1  the workflow failed",
			"  2  usage",
			"Output:\n  On success the workflow's outputs, one JSON object",
		} {
			if !strings.Contains(stdout, want) {
				t.Errorf("%v lacks %q:\n%s", args, want, stdout)
			}
		}
	}
	for _, args := range [][]string{{"sync", "-help"}, {"sync", "-input", "path=x", "-h"}} {
		code, stdout, _ := runCLI(t, cmd, nil, "", args...)
		want := `ci sync: Refresh a token, then list the items.

Exchanges the refresh token.
Then lists.

Inputs:
  -input refreshToken=<string, required, secret>
  -input project=<string>
  -input path=<string, required>
  (a secret input belongs in -input-env NAME=ENVVAR, out of the process list)

Outputs (one JSON object on standard output):
  accessToken  string, secret
  profile      object
  note         string
  items        any

Steps:
  1. token  POST /token (refresh)
            success when $statusCode == 200
  2. items  GET /{path} (list)
            success when $statusCode == 200
            on failure: retry at most 3 times when $statusCode == 503

Run it:
  ci sync -input-env refreshToken=ENVVAR -input path=VALUE
`
		if code != ExitOK || stdout != want {
			t.Errorf("%v: exit %d:\n%s\nwant:\n%s", args, code, stdout, want)
		}
	}
}

func TestVersion(t *testing.T) {
	code, stdout, _ := runCLI(t, ciCommand(newCIAPI(t).URL), nil, "", "-version")
	if code != ExitOK || !strings.HasPrefix(stdout, "ci: generated by arazzogen from ci.arazzo.yaml\ndocument: CI API 1.2.3 (Arazzo 1.0.1)\narazzogen: ") {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
}

// TestVerboseTrace: -v shows the URL as sent and the bodies, with secrets redacted: the
// run's own and the command's (a value read with -input-env).
func TestVerboseTrace(t *testing.T) {
	api := newCIAPI(t)
	code, _, stderr := ciRun(t, api, nil, "-input", "path=items", "-v")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		`url="` + api.URL + `/items?project=[REDACTED]"`,
		`body="{\"refresh_token\":\"[REDACTED]\"}"`,
		`body="{\"access_token\":\"[REDACTED]\",\"profile\":{\"name\":\"ci\",\"apiKey\":\"[REDACTED]\"}`,
		`header.Authorization=[REDACTED]`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("trace lacks %s:\n%s", want, stderr)
		}
	}
	assertNoSecrets(t, "trace", stderr)
}

// TestDeepOutputsAreRefused: a small response of deeply nested arrays would print gigabytes
// when indented; the command refuses it quickly and prints nothing.
func TestDeepOutputsAreRefused(t *testing.T) {
	deep := strings.Repeat("[", 9000) + strings.TrimSuffix(strings.Repeat("1,", 63000), ",") + strings.Repeat("]", 9000)
	cmd := Command{Name: "deep", Workflows: []Workflow{{ID: "w", Run: func(context.Context, Config, []byte) (any, error) {
		return map[string]json.RawMessage{"data": json.RawMessage(deep)}, nil
	}}}}
	start := time.Now()
	code, stdout, stderr := runCLI(t, cmd, nil, "", "w")
	if code != ExitFailed || stdout != "" || !strings.Contains(stderr, "deep: workflow w: its outputs would print as 1236 MiB (they nest 9001 levels deep), more than the 64 MiB allowed; nothing was printed\n") {
		t.Errorf("exit %d, %d bytes of stdout, stderr %q", code, len(stdout), stderr)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %s", took)
	}
	tooDeep := strings.Repeat("[", 10001) + strings.Repeat("]", 10001)
	cmd.Workflows[0].Run = func(context.Context, Config, []byte) (any, error) {
		return map[string]json.RawMessage{"data": json.RawMessage(tooDeep)}, nil
	}
	if code, _, stderr := runCLI(t, cmd, nil, "", "w"); code != ExitFailed || stderr != "deep: workflow w: an output nests deeper than 10000 levels\n" {
		t.Errorf("exit %d, %s", code, stderr)
	}
}

// TestIndentMatchesEncodingJSON: the bounded indenter prints what json.Indent prints.
func TestIndentMatchesEncodingJSON(t *testing.T) {
	for _, doc := range []string{
		`{}`, `[]`, `{"a":[]}`, `{"a":{},"b":[1,{"c":"x,y:[z]\"}{"}],"d":null,"e":true,"f":-1.5e3}`,
		`{"s":"\\","t":"\u00e9\n"}`, `[[[]],[[1]],{"k":{"k":{}}}]`,
	} {
		got, err := indent([]byte(doc), MaxOutputBytes)
		var want bytes.Buffer
		json.Indent(&want, []byte(doc), "", "  ")
		want.WriteByte('\n')
		if err != nil || string(got) != want.String() {
			t.Errorf("%s:\n%s\nwant\n%s (%v)", doc, got, want.String(), err)
		}
	}
}

// TestMain runs the command itself when CLI_MAIN_SERVER is set: the child process of
// TestSIGTERM, whose arguments are the command's.
func TestMain(m *testing.M) {
	if url := os.Getenv("CLI_MAIN_SERVER"); url != "" {
		os.Exit(Main(ciCommand(url)))
	}
	os.Exit(m.Run())
}

// TestSIGTERM: a CI system cancelling the job sends SIGTERM; the run stops at once, says
// why and which step, exits 1, and its report is written.
func TestSIGTERM(t *testing.T) {
	api := newCIAPI(t)
	junit := filepath.Join(t.TempDir(), "report.xml")
	cmd := exec.Command(os.Args[0], "sync", "-input-env", "refreshToken=RT", "-input", "path=stall", "-report", "junit="+junit)
	cmd.Env = append(os.Environ(), "CLI_MAIN_SERVER="+api.URL, "RT="+refreshToken)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-api.stalled:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("the command never reached the stalling step: %s", stderr.String())
	}
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the command did not stop after SIGTERM")
	}
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != ExitFailed {
		t.Errorf("exit: %v, want status 1", err)
	}
	want := "ci: workflow sync: step items (GET /{path}): cancelled: context canceled: stopped by signal: terminated\n"
	if stderr.String() != want || stdout.Len() != 0 {
		t.Errorf("stderr %q, want %q; stdout %q", stderr.String(), want, stdout.String())
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("stopped %s after SIGTERM", took)
	}
	report, _ := os.ReadFile(junit)
	if !strings.Contains(string(report), `<testcase name="token" classname="sync"`) || !strings.Contains(string(report), `<error message="workflow sync: step items (GET /{path}): cancelled`) {
		t.Errorf("report after SIGTERM:\n%s", report)
	}
	junittest.Validate(t, junit)
}
