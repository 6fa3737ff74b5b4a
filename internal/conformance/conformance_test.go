// Package conformance runs the Arazzo conformance suite: every case in
// testdata/conformance is generated with its command, compiled, and run against a scripted
// HTTP server that checks each request the workflow sends and answers it.
//
// Every run is made twice: with the code generated as usual, its steps one after the other,
// and with the code generated with -parallel, whose independent steps run at once. The
// parallel run must send the same requests, in any order (as a set), and end the same way:
// the same exit status, outputs, error output and files. When a workflow fails, the steps
// that ran beside the failing one may have sent their requests or not, so a failed parallel
// run may send fewer or more requests than the script lists; those it sends must still
// match the script's.
package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/generator"
	"github.com/arazzogen/arazzogen/internal/junittest"
	"github.com/arazzogen/arazzogen/internal/scripted"
)

// script is case.yaml: the runs of one document, or the diagnostics that reject it.
type script struct {
	Runs []run `yaml:"runs"`
	// Diagnostics lists substrings that the generator's diagnostics (warnings and errors,
	// as printed) must contain.
	Diagnostics []string `yaml:"diagnostics"`
	// Rejected says that the document must not generate: it has errors (which Diagnostics
	// names), and there is nothing to run.
	Rejected bool `yaml:"rejected"`
}

type run struct {
	Name     string         `yaml:"name"`
	Workflow string         `yaml:"workflow"`
	Inputs   map[string]any `yaml:"inputs"`
	// Exchanges are the requests the workflow must send, in order, with the answers.
	Exchanges []scripted.Exchange `yaml:"exchanges"`
	Exit      int                 `yaml:"exit"`
	// Outputs is the JSON object the command must print (exit 0).
	Outputs map[string]any `yaml:"outputs"`
	// Stderr lists substrings the error output must contain (exit 1).
	Stderr []string `yaml:"stderr"`
	// Args are extra command-line arguments. In them, and in string inputs, scripted
	// response bodies and the expected outputs, $SERVER stands for the scripted server's URL
	// (for x-operation urls, which name no source, and $url).
	Args []string `yaml:"args"`
	// Env sets environment variables for the run: credentials for -auth-env, secret inputs
	// for -input-env. Their values are secrets, so the run fails if stdout or stderr shows one.
	Env map[string]string `yaml:"env"`
	// Within bounds how long the command may take (a Go duration), for runs that a hostile
	// server would otherwise hold.
	Within string `yaml:"within"`
	// Stdout lists substrings the standard output must contain (for output that is not the
	// outputs object: -help, -dry-run).
	Stdout []string `yaml:"stdout"`
	// Files lists, per file the run writes (reports, -output, $GITHUB_OUTPUT), substrings it
	// must contain. In args, env values and file names, $TMP stands for a directory of the
	// run's own. A JUnit report (a name ending in .xml) is also validated against the JUnit
	// schema.
	Files map[string][]string `yaml:"files"`
	// Secrets are more values no output may show, besides those of Env.
	Secrets []string `yaml:"secrets"`
}

type testCase struct {
	*scripted.Case[script]
	// parPkg is the package generated with -parallel; Pkg when that generates the same code.
	parPkg string
	result *generator.Result
}

// loadCases writes out every file of every case: arazzo.yaml is the document generated, the
// others what it names (OpenAPI descriptions, the Arazzo documents of its arazzo sources).
func loadCases(t *testing.T) []*testCase {
	var cases []*testCase
	for _, c := range scripted.LoadCases[script](t, filepath.Join("..", "..", "testdata", "conformance"), "c") {
		if len(c.Script.Runs) == 0 && !c.Script.Rejected {
			t.Fatalf("%s: case.yaml needs runs (or rejected: true)", c.Name)
		}
		cases = append(cases, &testCase{Case: c})
	}
	return cases
}

// build generates every case into one module and compiles all the commands at once.
func build(t *testing.T, cases []*testCase) string {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	mod := t.TempDir()
	gomod := "module example.com/conformance\n\ngo 1.26\n\nrequire github.com/arazzogen/arazzogen v0.0.0\n\nreplace github.com/arazzogen/arazzogen => " + repo + "\n"
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	generate := func(c *testCase, pkg string, parallel bool) *generator.Result {
		res, err := generator.Generate(context.Background(), generator.Config{
			File: c.Doc, Package: pkg, CLI: true, ImportPath: "example.com/conformance/" + pkg, Parallel: parallel,
		})
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		return res
	}
	write := func(pkg string, res *generator.Result) {
		for _, f := range res.Files {
			p := filepath.Join(mod, pkg, filepath.FromSlash(f.Path))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, c := range cases {
		res := generate(c, c.Pkg, false)
		c.result, c.parPkg = res, c.Pkg
		if res.HasErrors() {
			continue
		}
		write(c.Pkg, res)
		if par := generate(c, c.Pkg, true); !sameFiles(par, res) {
			c.parPkg = c.Pkg + "par"
			write(c.parPkg, generate(c, c.parPkg, true))
		}
	}
	bin := filepath.Join(mod, "bin")
	for _, args := range [][]string{{"mod", "tidy"}, {"vet", "./..."}, {"build", "-o", bin + string(filepath.Separator), "./..."}} {
		cmd := exec.Command(gobin, args...)
		cmd.Dir = mod
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return bin
}

func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles and runs generated commands; skipped in -short mode")
	}
	cases := loadCases(t)
	bin := build(t, cases)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			var sb strings.Builder
			for _, d := range c.result.Diags {
				sb.WriteString(d.String() + "\n")
			}
			for _, want := range c.Script.Diagnostics {
				if !strings.Contains(sb.String(), want) {
					t.Errorf("the diagnostics do not contain %q:\n%s", want, sb.String())
				}
			}
			if c.Script.Rejected {
				if !c.result.HasErrors() {
					t.Errorf("the document generated; it must be rejected")
				}
				return
			}
			if c.result.HasErrors() {
				t.Fatalf("generation failed:\n%s", sb.String())
			}
			for _, r := range c.Script.Runs {
				t.Run(r.Name, func(t *testing.T) { execute(t, filepath.Join(bin, c.Pkg), c, r, false) })
				t.Run(r.Name+" -parallel", func(t *testing.T) { execute(t, filepath.Join(bin, c.parPkg), c, r, true) })
			}
		})
	}
}

// serverVar stands for the scripted server's URL in a run's args, inputs and responses.
const serverVar = scripted.ServerVar

// sameFiles reports whether two generations wrote the same files.
func sameFiles(a, b *generator.Result) bool {
	if len(a.Files) != len(b.Files) {
		return false
	}
	for i := range a.Files {
		if a.Files[i].Path != b.Files[i].Path || !bytes.Equal(a.Files[i].Data, b.Files[i].Data) {
			return false
		}
	}
	return true
}

func execute(t *testing.T, bin string, c *testCase, r run, parallel bool) {
	srv := scripted.NewServer(r.Exchanges)
	if parallel {
		srv = scripted.NewAnyOrderServer(r.Exchanges)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	srv.URL = hs.URL
	args := []string{r.Workflow}
	// Every source the generated code calls, those of referenced Arazzo documents too,
	// is served by the script.
	for _, s := range c.result.Sources {
		args = append(args, "-server", s+"="+hs.URL)
	}
	inputs, _ := json.Marshal(r.Inputs)
	if r.Inputs == nil {
		inputs = []byte("{}")
	}
	inputs = bytes.ReplaceAll(inputs, []byte(serverVar), []byte(hs.URL))
	args = append(args, "-inputs", "-", "-timeout", "20s")
	tmp := t.TempDir()
	expand := strings.NewReplacer(serverVar, hs.URL, tmpVar, tmp).Replace
	for _, a := range r.Args {
		args = append(args, expand(a))
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdin = bytes.NewReader(inputs)
	cmd.Env = os.Environ()
	for k, v := range r.Env {
		cmd.Env = append(cmd.Env, k+"="+expand(v))
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	exit := 0
	if ee, ok := err.(*exec.ExitError); ok {
		exit = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	problems := srv.Problems(r.Exit == 0)
	for _, p := range problems {
		t.Error(p)
	}
	if r.Within != "" {
		if d, err := time.ParseDuration(r.Within); err != nil {
			t.Errorf("within: %v", err)
		} else if took := time.Since(start); took > d {
			t.Errorf("the command took %s, want at most %s", took.Round(time.Millisecond), d)
		}
	}
	if exit != r.Exit {
		t.Errorf("exit status %d, want %d (after %s)\nstdout: %s\nstderr: %s", exit, r.Exit, time.Since(start).Round(time.Millisecond), stdout.String(), stderr.String())
	}
	if r.Outputs != nil {
		var got, want any
		data, _ := json.Marshal(r.Outputs)
		_ = json.Unmarshal(bytes.ReplaceAll(data, []byte(serverVar), []byte(hs.URL)), &want)
		if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
			t.Errorf("stdout is not JSON: %v\n%s", err, stdout.String())
		} else if !reflect.DeepEqual(scripted.Normalize(got), want) {
			want, _ := json.Marshal(want)
			t.Errorf("outputs %s\nwant    %s", bytes.TrimSpace(stdout.Bytes()), want)
		}
	}
	for _, s := range r.Stderr {
		if !strings.Contains(stderr.String(), s) {
			t.Errorf("stderr does not contain %q:\n%s", s, stderr.String())
		}
	}
	for _, s := range r.Stdout {
		if !strings.Contains(stdout.String(), expand(s)) {
			t.Errorf("stdout does not contain %q:\n%s", expand(s), stdout.String())
		}
	}
	secrets := map[string]string{}
	for k, v := range r.Env {
		if !strings.Contains(v, tmpVar) {
			secrets["the value of "+k] = v
		}
	}
	for _, v := range r.Secrets {
		secrets[v] = v
	}
	for name, v := range secrets {
		if strings.Contains(stdout.String(), v) || strings.Contains(stderr.String(), v) {
			t.Errorf("the output shows %s:\nstdout: %s\nstderr: %s", name, stdout.String(), stderr.String())
		}
	}
	for name, want := range r.Files {
		path := filepath.Join(tmp, name)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("file %s: %v", name, err)
			continue
		}
		for _, s := range want {
			if !strings.Contains(string(data), expand(s)) {
				t.Errorf("file %s does not contain %q:\n%s", name, expand(s), data)
			}
		}
		if strings.HasSuffix(name, ".xml") {
			junittest.Validate(t, path)
		}
	}
}

// tmpVar stands for the run's own directory in args, env values and file names.
const tmpVar = "$TMP"
