package refreshcustomers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/internal/fakeapi"
	"github.com/arazzogen/arazzogen/internal/junittest"
	"gopkg.in/yaml.v3"
)

// recipeJob is the part of a GitHub Actions workflow the recipe test reads.
type recipeJob struct {
	Jobs map[string]struct {
		Steps []struct {
			ID   string            `yaml:"id"`
			Name string            `yaml:"name"`
			Uses string            `yaml:"uses"`
			Run  string            `yaml:"run"`
			Env  map[string]string `yaml:"env"`
			With map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// readRecipe reads the GitHub Actions job of the README's recipe for this seed.
func readRecipe(t *testing.T) recipeJob {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join("..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "### Recipe: refresh a Prismatic token in GitHub Actions")
	if !ok {
		t.Fatal("README.md has no Prismatic CI recipe")
	}
	_, rest, ok = strings.Cut(rest, "```yaml\n")
	block, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("the recipe has no yaml block")
	}
	var job recipeJob
	if err := yaml.Unmarshal([]byte(block), &job); err != nil {
		t.Fatalf("the recipe is not valid YAML: %v\n%s", err, block)
	}
	if len(job.Jobs) != 1 {
		t.Fatalf("the recipe has %d jobs, want 1", len(job.Jobs))
	}
	return job
}

// shellWords splits a run: line the way the runner's bash would for this recipe: words
// separated by blanks, double quotes removed, $RUNNER_TEMP expanded.
func shellWords(line, runnerTemp string) []string {
	var words []string
	for _, w := range strings.Fields(line) {
		w = strings.ReplaceAll(strings.Trim(w, `"`), "$RUNNER_TEMP", runnerTemp)
		words = append(words, w)
	}
	return words
}

var secretExpr = regexp.MustCompile(`^\$\{\{ secrets\.([A-Z_]+) \}\}$`)
var outputExpr = regexp.MustCompile(`steps\.prismatic\.outputs\.([A-Za-z0-9_]+)`)

// TestCIRecipe runs the README's GitHub Actions recipe for the seed "Prismatic's API in a
// CI/CD system" as the runner would: it builds the command with the recipe's own go build
// line, runs the recipe's step with its environment, GITHUB_OUTPUT and GITHUB_ACTIONS set,
// against a local fake of the Prismatic API, then reads the JUnit report as a CI report
// reader does and checks that every output the later steps use was handed over.
func TestCIRecipe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command; skipped in -short mode")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not on PATH")
	}
	job := readRecipe(t)
	var steps []struct {
		ID   string            `yaml:"id"`
		Name string            `yaml:"name"`
		Uses string            `yaml:"uses"`
		Run  string            `yaml:"run"`
		Env  map[string]string `yaml:"env"`
		With map[string]string `yaml:"with"`
	}
	for _, j := range job.Jobs {
		steps = j.Steps
	}
	repo, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	runnerTemp, workspace := t.TempDir(), t.TempDir()
	var later strings.Builder // the steps after the command's, which read its outputs
	var command []string
	var commandEnv map[string]string
	for i, st := range steps {
		switch {
		case strings.HasPrefix(st.Run, "go build"):
			build := exec.Command("go", shellWords(st.Run, runnerTemp)[1:]...)
			build.Dir = repo
			if out, err := build.CombinedOutput(); err != nil {
				t.Fatalf("the recipe's build step (%s): %v\n%s", st.Run, err, out)
			}
		case st.ID == "prismatic":
			command, commandEnv = shellWords(st.Run, runnerTemp), st.Env
			for _, s := range steps[i+1:] {
				later.WriteString(s.Run + "\n")
				for _, v := range s.Env {
					later.WriteString(v + "\n")
				}
			}
		}
	}
	if len(command) == 0 {
		t.Fatal("the recipe has no step with id prismatic")
	}

	run := func(t *testing.T, refreshToken string) (code int, stdout, stderr, githubOutput string) {
		t.Helper()
		srv := httptest.NewServer(fakeapi.Prismatic())
		t.Cleanup(srv.Close)
		ghOut := filepath.Join(runnerTemp, "github_output_"+strings.ReplaceAll(t.Name(), "/", "_"))
		if err := os.WriteFile(ghOut, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		// The only change to the recipe's command: the fake stands in for app.prismatic.io.
		args := append(append([]string{}, command[1:]...), "-server", "prismaticGraphqlApi="+srv.URL)
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, command[0], args...)
		cmd.Dir = workspace
		cmd.Env = append(os.Environ(), "GITHUB_ACTIONS=true", "GITHUB_OUTPUT="+ghOut, "RUNNER_TEMP="+runnerTemp)
		for k, v := range commandEnv {
			if m := secretExpr.FindStringSubmatch(v); m != nil && m[1] == "PRISMATIC_REFRESH_TOKEN" {
				v = refreshToken
			}
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		var ee *exec.ExitError
		switch {
		case err == nil:
		case errors.As(err, &ee):
			code = ee.ExitCode()
		default:
			t.Fatal(err)
		}
		data, _ := os.ReadFile(ghOut)
		return code, o.String(), e.String(), string(data)
	}
	report := filepath.Join(workspace, "reports", "prismatic.xml")

	t.Run("success", func(t *testing.T) {
		code, stdout, stderr, ghOut := run(t, fakeapi.PrismaticRefreshToken)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		// The log shows no token: stdout masks it, stderr asks the runner to mask it.
		var printed map[string]any
		if err := json.Unmarshal([]byte(stdout), &printed); err != nil || printed["accessToken"] != "[REDACTED]" {
			t.Errorf("stdout (%v):\n%s", err, stdout)
		}
		if stderr != "::add-mask::"+fakeapi.PrismaticAccessToken+"\n" {
			t.Errorf("stderr %q, want only the add-mask command", stderr)
		}
		if strings.Contains(stdout, fakeapi.PrismaticRefreshToken) || strings.Contains(stdout, fakeapi.PrismaticAccessToken) {
			t.Errorf("stdout shows a token:\n%s", stdout)
		}
		// Every output a later step reads is in $GITHUB_OUTPUT.
		values := parseGitHubOutput(t, ghOut)
		used := outputExpr.FindAllStringSubmatch(later.String(), -1)
		if len(used) == 0 {
			t.Error("no later step uses the command's outputs")
		}
		for _, m := range used {
			if _, ok := values[m[1]]; !ok {
				t.Errorf("a later step reads steps.prismatic.outputs.%s, which the command did not write:\n%s", m[1], ghOut)
			}
		}
		if values["accessToken"] != fakeapi.PrismaticAccessToken {
			t.Errorf("accessToken output %q", values["accessToken"])
		}
		var customers []struct{ Name string }
		if err := json.Unmarshal([]byte(values["customers"]), &customers); err != nil || len(customers) == 0 || customers[0].Name == "" {
			t.Errorf("customers output %q is not what fromJSON(…).*.name reads (%v)", values["customers"], err)
		}
		suites := readJUnit(t, report)
		if len(suites) != 1 || suites[0].Tests != 2 || suites[0].Failures != 0 || suites[0].Errors != 0 ||
			suites[0].Cases[0].Name != "refreshToken" || suites[0].Cases[1].Name != "listCustomers" {
			t.Errorf("JUnit report: %+v", suites)
		}
	})

	t.Run("revoked token", func(t *testing.T) {
		code, stdout, stderr, ghOut := run(t, "revoked-refresh-token")
		if code != 1 || stdout != "" || ghOut != "" {
			t.Errorf("exit %d, stdout %q, GITHUB_OUTPUT %q", code, stdout, ghOut)
		}
		if !strings.Contains(stderr, "step refreshToken (POST /auth/refresh): status 401 Unauthorized: success criterion not met: $statusCode == 200; response: ") {
			t.Errorf("stderr: %s", stderr)
		}
		suites := readJUnit(t, report)
		if len(suites) != 1 || suites[0].Failures != 1 || len(suites[0].Cases) != 1 || suites[0].Cases[0].Failure == nil {
			t.Errorf("JUnit report of the failed run: %+v", suites)
		}
	})
}

type junitSuite struct {
	Name     string `xml:"name,attr"`
	Tests    int    `xml:"tests,attr"`
	Failures int    `xml:"failures,attr"`
	Errors   int    `xml:"errors,attr"`
	Cases    []struct {
		Name    string `xml:"name,attr"`
		Failure *struct {
			Message string `xml:"message,attr"`
		} `xml:"failure"`
	} `xml:"testcase"`
}

// readJUnit reads a JUnit report as CI report readers do, after validating it against the
// JUnit schema with xmllint (installed by .ci/run).
func readJUnit(t *testing.T, path string) []junitSuite {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the report was not written: %v", err)
	}
	junittest.Validate(t, path)
	var doc struct {
		Suites []junitSuite `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("the report is not XML: %v\n%s", err, data)
	}
	return doc.Suites
}

// parseGitHubOutput reads a $GITHUB_OUTPUT file as the runner does: NAME=VALUE lines and
// NAME<<DELIMITER blocks.
func parseGitHubOutput(t *testing.T, data string) map[string]string {
	t.Helper()
	values := map[string]string{}
	lines := strings.Split(strings.TrimSuffix(data, "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		if name, delim, ok := strings.Cut(lines[i], "<<"); ok && !strings.Contains(name, "=") {
			var value []string
			for i++; i < len(lines) && lines[i] != delim; i++ {
				value = append(value, lines[i])
			}
			if i == len(lines) {
				t.Fatalf("output %s: no closing delimiter %s", name, delim)
			}
			values[name] = strings.Join(value, "\n")
			continue
		}
		name, value, ok := strings.Cut(lines[i], "=")
		if !ok {
			t.Fatalf("$GITHUB_OUTPUT line %q is neither NAME=VALUE nor NAME<<DELIMITER", lines[i])
		}
		values[name] = value
	}
	return values
}
