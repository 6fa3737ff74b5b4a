package refreshcustomers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/examples/prismatic/refreshcustomers"
	"github.com/arazzogen/arazzogen/internal/fakeapi"
	"github.com/arazzogen/arazzogen/internal/recorder"
	"github.com/arazzogen/arazzogen/runtime"
)

const (
	workflowID   = "refresh-and-list-customers"
	refreshToken = "rt-plain-0123456789"
	accessToken  = "at-plain-abcdef"

	refreshBody  = `{"refresh_token":"rt-plain-0123456789"}`
	graphQLQuery = `{"query":"query listCustomers {\n  customers {\n    nodes {\n      id\n      name\n      externalId\n    }\n  }\n}"}`
	nodes        = `[{"id":"Q3VzdG9tZXI6MQ==","name":"Acme Corp","externalId":"acme-123"},{"id":"Q3VzdG9tZXI6Mg==","name":"Globex","externalId":null}]`
)

func newClient(t *testing.T, srv *httptest.Server) *refreshcustomers.Client {
	t.Helper()
	c, err := refreshcustomers.NewClient(
		refreshcustomers.WithServerURL(refreshcustomers.SourcePrismaticGraphqlAPI, srv.URL),
		refreshcustomers.WithHTTPClient(srv.Client()),
	)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

func stepError(t *testing.T, err error) *runtime.StepError {
	t.Helper()
	if err == nil {
		t.Fatal("got no error, want a *runtime.StepError")
	}
	var se *runtime.StepError
	if !errors.As(err, &se) {
		t.Fatalf("error %T %q is not a *runtime.StepError", err, err)
	}
	return se
}

func okReplies() map[string]recorder.Reply {
	return map[string]recorder.Reply{
		"POST /auth/refresh": {Status: 200, Body: `{"access_token":"` + accessToken + `","refresh_token":"rt-next","token_type":"Bearer","expires_in":604800}`},
		"POST /api":          {Status: 200, Body: `{"data":{"customers":{"nodes":` + nodes + `}}}`},
	}
}

var (
	wantRefresh = recorder.Request{Method: "POST", Path: "/auth/refresh", ContentType: "application/json", Body: refreshBody}
	wantList    = recorder.Request{Method: "POST", Path: "/api", ContentType: "application/json", Authorization: "Bearer " + accessToken, Body: graphQLQuery}
)

func TestRefreshAndListCustomers(t *testing.T) {
	srv, rec := recorder.NewServer(t, okReplies())
	out, err := newClient(t, srv).RefreshAndListCustomers(t.Context(), refreshcustomers.RefreshAndListCustomersInputs{RefreshToken: refreshToken})
	if err != nil {
		t.Fatalf("RefreshAndListCustomers: %v", err)
	}
	recorder.Check(t, rec.Requests(), []recorder.Request{wantRefresh, wantList})
	if out.AccessToken == nil || *out.AccessToken != accessToken {
		t.Errorf("AccessToken = %q, want %q", runtime.Text(out.AccessToken), accessToken)
	}
	if string(out.Customers) != nodes {
		t.Errorf("Customers = %s, want %s", out.Customers, nodes)
	}
}

func TestRefreshAndListCustomersRefreshRefused(t *testing.T) {
	replies := okReplies()
	replies["POST /auth/refresh"] = recorder.Reply{Status: 401, Body: `{"error":"invalid refresh token"}`}
	srv, rec := recorder.NewServer(t, replies)
	out, err := newClient(t, srv).RefreshAndListCustomers(t.Context(), refreshcustomers.RefreshAndListCustomersInputs{RefreshToken: refreshToken})
	if out != nil {
		t.Errorf("got outputs {AccessToken: %q, Customers: %s} with the error", runtime.Text(out.AccessToken), out.Customers)
	}
	se := stepError(t, err)
	if se.Workflow != workflowID || se.Step != "refreshToken" || se.StatusCode != 401 {
		t.Errorf("StepError{Workflow: %q, Step: %q, StatusCode: %d}, want {%q, %q, 401}", se.Workflow, se.Step, se.StatusCode, workflowID, "refreshToken")
	}
	if se.Method != "POST" || se.Path != "/auth/refresh" {
		t.Errorf("StepError Method, Path = %q, %q, want POST, /auth/refresh", se.Method, se.Path)
	}
	recorder.Check(t, rec.Requests(), []recorder.Request{wantRefresh})
	msg := err.Error()
	for _, secret := range []string{refreshToken, refreshBody} {
		if strings.Contains(msg, secret) {
			t.Errorf("error %q contains %q", msg, secret)
		}
	}
}

func TestRefreshAndListCustomersInvalidJSON(t *testing.T) {
	for name, body := range map[string]string{
		"html":      `<html>not json</html>`,
		"truncated": `{"access_token":`,
	} {
		t.Run(name, func(t *testing.T) {
			replies := okReplies()
			replies["POST /auth/refresh"] = recorder.Reply{Status: 200, Body: body}
			srv, rec := recorder.NewServer(t, replies)
			out, err := newClient(t, srv).RefreshAndListCustomers(t.Context(), refreshcustomers.RefreshAndListCustomersInputs{RefreshToken: refreshToken})
			recorder.Check(t, rec.Requests(), []recorder.Request{wantRefresh})
			if out != nil {
				t.Errorf("got outputs {AccessToken: %q, Customers: %s}, want none", runtime.Text(out.AccessToken), out.Customers)
			}
			se := stepError(t, err)
			if se.Workflow != workflowID || se.Step != "refreshToken" || se.StatusCode != 200 {
				t.Errorf("StepError{Workflow: %q, Step: %q, StatusCode: %d}, want {%q, %q, 200}", se.Workflow, se.Step, se.StatusCode, workflowID, "refreshToken")
			}
			if !strings.Contains(err.Error(), "not valid JSON") {
				t.Errorf("error %q does not say the body is not valid JSON", err)
			}
		})
	}
}

func TestRefreshAndListCustomersListRefused(t *testing.T) {
	replies := okReplies()
	replies["POST /api"] = recorder.Reply{Status: 401, Body: `{"error":"invalid or missing access token"}`}
	srv, rec := recorder.NewServer(t, replies)
	_, err := newClient(t, srv).RefreshAndListCustomers(t.Context(), refreshcustomers.RefreshAndListCustomersInputs{RefreshToken: refreshToken})
	se := stepError(t, err)
	if se.Workflow != workflowID || se.Step != "listCustomers" || se.StatusCode != 401 {
		t.Errorf("StepError{Workflow: %q, Step: %q, StatusCode: %d}, want {%q, %q, 401}", se.Workflow, se.Step, se.StatusCode, workflowID, "listCustomers")
	}
	recorder.Check(t, rec.Requests(), []recorder.Request{wantRefresh, wantList})
	if msg := err.Error(); strings.Contains(msg, accessToken) || strings.Contains(msg, refreshToken) {
		t.Errorf("error %q contains a token", msg)
	}
}

func TestRefreshAndListCustomersCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	srv, rec := recorder.NewServer(t, okReplies())
	_, err := newClient(t, srv).RefreshAndListCustomers(ctx, refreshcustomers.RefreshAndListCustomersInputs{RefreshToken: refreshToken})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	se := stepError(t, err)
	if se.Step != "refreshToken" || se.StatusCode != 0 {
		t.Errorf("StepError Step, StatusCode = %q, %d, want refreshToken, 0", se.Step, se.StatusCode)
	}
	recorder.Check(t, rec.Requests(), nil)
}

func TestRefreshAndListCustomersFakeAPI(t *testing.T) {
	srv := httptest.NewServer(fakeapi.Prismatic())
	t.Cleanup(srv.Close)
	out, err := newClient(t, srv).RefreshAndListCustomers(t.Context(), refreshcustomers.RefreshAndListCustomersInputs{RefreshToken: fakeapi.PrismaticRefreshToken})
	if err != nil {
		t.Fatalf("RefreshAndListCustomers: %v", err)
	}
	if runtime.Text(out.AccessToken) != fakeapi.PrismaticAccessToken {
		t.Errorf("AccessToken = %q, want %q", runtime.Text(out.AccessToken), fakeapi.PrismaticAccessToken)
	}
	var customers []struct {
		ID, Name, ExternalID string
	}
	if err := json.Unmarshal(out.Customers, &customers); err != nil || len(customers) == 0 || customers[0].ID == "" {
		t.Errorf("Customers = %s (%v), want a non-empty array of customers", out.Customers, err)
	}

	_, err = newClient(t, srv).RefreshAndListCustomers(t.Context(), refreshcustomers.RefreshAndListCustomersInputs{RefreshToken: "wrong"})
	if se := stepError(t, err); se.Step != "refreshToken" || se.StatusCode != 401 {
		t.Errorf("with a wrong refresh token: step %q status %d, want refreshToken 401", se.Step, se.StatusCode)
	}
}

// TestCommand builds the generated command and runs it as a user would.
func TestCommand(t *testing.T) {
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
	run := func(t *testing.T, args ...string) (stdout, stderr string, code int) {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = append(os.Environ(), envVar+"="+refreshToken)
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		var ee *exec.ExitError
		switch {
		case err == nil:
		case errors.As(err, &ee):
			code = ee.ExitCode()
		default:
			t.Fatalf("running %s: %v", bin, err)
		}
		return o.String(), e.String(), code
	}

	t.Run("list", func(t *testing.T) {
		stdout, stderr, code := run(t, "-list")
		want := workflowID + "\tRefresh the access token then enumerate every customer tenant.\n" +
			"  -input refreshToken=<string, required, secret>\n" +
			"credentials (-auth-env SOURCE=ENVVAR):\n" +
			"  -auth-env prismaticGraphqlApi=<bearer token>\n"
		if code != 0 || stdout != want {
			t.Errorf("-list: exit %d, stdout %q, stderr %q; want exit 0, stdout %q", code, stdout, stderr, want)
		}
	})

	t.Run("success", func(t *testing.T) {
		srv, rec := recorder.NewServer(t, okReplies())
		stdout, stderr, code := run(t, workflowID, "-input-env", "refreshToken="+envVar, "-server", "prismaticGraphqlApi="+srv.URL)
		if code != 0 {
			t.Fatalf("exit %d, stderr %q, want 0", code, stderr)
		}
		var got, want map[string]any
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatalf("stdout %q is not a JSON object: %v", stdout, err)
		}
		if err := json.Unmarshal([]byte(`{"accessToken":"`+accessToken+`","customers":`+nodes+`}`), &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("stdout = %s, want %v", stdout, want)
		}
		recorder.Check(t, rec.Requests(), []recorder.Request{wantRefresh, wantList})
	})

	t.Run("refused", func(t *testing.T) {
		replies := okReplies()
		replies["POST /auth/refresh"] = recorder.Reply{Status: 401, Body: `{"error":"invalid refresh token"}`}
		srv, rec := recorder.NewServer(t, replies)
		stdout, stderr, code := run(t, workflowID, "-input-env", "refreshToken="+envVar, "-server", "prismaticGraphqlApi="+srv.URL)
		if code != 1 {
			t.Errorf("exit %d, want 1", code)
		}
		if stdout != "" {
			t.Errorf("stdout = %q, want empty", stdout)
		}
		if strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") {
			t.Errorf("stderr = %q, want exactly one line", stderr)
		}
		for _, s := range []string{workflowID, "refreshToken", "401"} {
			if !strings.Contains(stderr, s) {
				t.Errorf("stderr %q does not mention %q", stderr, s)
			}
		}
		if strings.Contains(stderr, refreshToken) {
			t.Errorf("stderr %q contains the refresh token", stderr)
		}
		recorder.Check(t, rec.Requests(), []recorder.Request{wantRefresh})
	})

	t.Run("usage", func(t *testing.T) {
		srv, rec := recorder.NewServer(t, okReplies())
		stdout, stderr, code := run(t, workflowID, "-input", "noSuchInput=x", "-input-env", "refreshToken="+envVar, "-server", "prismaticGraphqlApi="+srv.URL)
		if code != 2 {
			t.Errorf("exit %d, want 2 (stderr %q)", code, stderr)
		}
		if stdout != "" {
			t.Errorf("stdout = %q, want empty", stdout)
		}
		if !strings.Contains(stderr, "noSuchInput") {
			t.Errorf("stderr %q does not name the unknown input", stderr)
		}
		recorder.Check(t, rec.Requests(), nil)
	})
}
