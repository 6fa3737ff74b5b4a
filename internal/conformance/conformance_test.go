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
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/generator"
	"github.com/arazzogen/arazzogen/internal/junittest"
	"golang.org/x/tools/txtar"
	"gopkg.in/yaml.v3"
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
	Exchanges []exchange `yaml:"exchanges"`
	Exit      int        `yaml:"exit"`
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

type exchange struct {
	// Request is "METHOD /path?query", compared with the request line exactly.
	Request string            `yaml:"request"`
	Headers map[string]string `yaml:"headers"`
	// Body is the exact request body; JSON compares JSON bodies semantically.
	Body     *string  `yaml:"body"`
	JSON     any      `yaml:"json"`
	Response response `yaml:"response"`
	// After is the least time (a Go duration) that must have passed since the previous
	// request arrived, to test the waits between requests; Within the most.
	After  string `yaml:"after"`
	Within string `yaml:"within"`
}

type response struct {
	Status  int               `yaml:"status"`
	Headers map[string]string `yaml:"headers"`
	JSON    any               `yaml:"json"`
	Text    *string           `yaml:"text"`
	// Delay holds the answer back (a Go duration), to test deadlines; the wait ends early
	// when the client gives up.
	Delay string `yaml:"delay"`
}

type testCase struct {
	name, pkg string
	// parPkg is the package generated with -parallel; pkg when that generates the same code.
	parPkg string
	dir    string // where the case's files were written
	doc    string // the Arazzo document's path
	script script
	result *generator.Result
}

var nonIdent = regexp.MustCompile(`[^a-z0-9]`)

// loadCases writes out every file of every case: arazzo.yaml is the document generated, the
// others what it names (OpenAPI descriptions, the Arazzo documents of its arazzo sources).
func loadCases(t *testing.T) []*testCase {
	// CONFORMANCE_CASES narrows the run to the cases whose names match a glob, so that working
	// on one case does not compile every other one.
	pattern := os.Getenv("CONFORMANCE_CASES")
	if pattern == "" {
		pattern = "*"
	}
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "conformance", pattern+".txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no conformance cases: %v", err)
	}
	root := t.TempDir()
	var cases []*testCase
	for _, f := range files {
		ar, err := txtar.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".txtar")
		c := &testCase{name: name, pkg: "c" + nonIdent.ReplaceAllString(strings.ToLower(name), ""), dir: filepath.Join(root, name)}
		for _, af := range ar.Files {
			p := filepath.Join(c.dir, filepath.FromSlash(af.Name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, af.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			switch af.Name {
			case "case.yaml":
				dec := yaml.NewDecoder(bytes.NewReader(af.Data))
				dec.KnownFields(true)
				if err := dec.Decode(&c.script); err != nil {
					t.Fatalf("%s: case.yaml: %v", name, err)
				}
			case "arazzo.yaml":
				c.doc = p
			}
		}
		if c.doc == "" || len(c.script.Runs) == 0 && !c.script.Rejected {
			t.Fatalf("%s: a case needs arazzo.yaml and case.yaml with runs (or rejected: true)", name)
		}
		cases = append(cases, c)
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
			File: c.doc, Package: pkg, CLI: true, ImportPath: "example.com/conformance/" + pkg, Parallel: parallel,
		})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
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
		res := generate(c, c.pkg, false)
		c.result, c.parPkg = res, c.pkg
		if res.HasErrors() {
			continue
		}
		write(c.pkg, res)
		if par := generate(c, c.pkg, true); !sameFiles(par, res) {
			c.parPkg = c.pkg + "par"
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
		t.Run(c.name, func(t *testing.T) {
			var sb strings.Builder
			for _, d := range c.result.Diags {
				sb.WriteString(d.String() + "\n")
			}
			for _, want := range c.script.Diagnostics {
				if !strings.Contains(sb.String(), want) {
					t.Errorf("the diagnostics do not contain %q:\n%s", want, sb.String())
				}
			}
			if c.script.Rejected {
				if !c.result.HasErrors() {
					t.Errorf("the document generated; it must be rejected")
				}
				return
			}
			if c.result.HasErrors() {
				t.Fatalf("generation failed:\n%s", sb.String())
			}
			for _, r := range c.script.Runs {
				t.Run(r.Name, func(t *testing.T) { execute(t, filepath.Join(bin, c.pkg), c, r, false) })
				t.Run(r.Name+" -parallel", func(t *testing.T) { execute(t, filepath.Join(bin, c.parPkg), c, r, true) })
			}
		})
	}
}

// serverVar stands for the scripted server's URL in a run's args, inputs and responses
// (bodies and header values); otherVar for the same server at another origin (localhost
// for 127.0.0.1), as a redirect to another host would lead.
const (
	serverVar = "$SERVER"
	otherVar  = "$OTHER"
)

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

// server answers the scripted exchanges and records every mismatch: in order, or, with
// anyOrder, each request with the first exchange not yet answered that has its request line.
type server struct {
	mu       sync.Mutex
	url      string // replaces serverVar in response bodies
	script   []exchange
	anyOrder bool
	answered []bool // anyOrder: the exchanges answered
	extra    []string
	next     int
	problems []string
	last     time.Time // when the previous request arrived
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	line := r.Method + " " + r.URL.RequestURI()
	if s.anyOrder {
		s.next++
		// The first exchange not yet answered that the request matches in every respect,
		// else the first with its request line (whose mismatches are reported).
		k, byLine, replay := -1, -1, -1
		for i, ex := range s.script {
			if ex.Request != line {
				continue
			}
			if s.answered[i] {
				replay = i
				continue
			}
			if byLine < 0 {
				byLine = i
			}
			if mismatches(s.next, r, body, line, ex) == nil {
				k = i
				break
			}
		}
		if k < 0 {
			k = byLine
		}
		if k < 0 {
			// More requests than the script lists (steps that ran beside a failing one):
			// answered as the server answered the last of the same request line, so that
			// what they return does not depend on which arrived first.
			s.extra = append(s.extra, line)
			if replay < 0 {
				s.mu.Unlock()
				http.Error(w, "unexpected request", http.StatusTeapot)
				return
			}
			s.answer(w, r, nil, line, s.script[replay], false)
			return
		}
		s.answered[k] = true
		s.answer(w, r, body, line, s.script[k], true)
		return
	}
	if s.next >= len(s.script) {
		s.problems = append(s.problems, fmt.Sprintf("unexpected request %d: %s (the script has %d)", s.next+1, line, len(s.script)))
		s.next++
		s.mu.Unlock()
		http.Error(w, "unexpected request", http.StatusTeapot)
		return
	}
	ex := s.script[s.next]
	s.next++
	s.answer(w, r, body, line, ex, true)
}

// mismatches lists how request number n differs from exchange ex.
func mismatches(n int, r *http.Request, body []byte, line string, ex exchange) []string {
	var problems []string
	if line != ex.Request {
		problems = append(problems, fmt.Sprintf("request %d: got %s, want %s", n, line, ex.Request))
	}
	for k, v := range ex.Headers {
		if got := r.Header.Get(k); got != v {
			problems = append(problems, fmt.Sprintf("request %d (%s): header %s = %q, want %q", n, line, k, got, v))
		}
	}
	if ex.Body != nil && string(body) != *ex.Body {
		problems = append(problems, fmt.Sprintf("request %d (%s): body %q, want %q", n, line, body, *ex.Body))
	}
	if ex.JSON != nil {
		var got any
		if err := json.Unmarshal(body, &got); err != nil || !reflect.DeepEqual(normalize(got), normalize(ex.JSON)) {
			want, _ := json.Marshal(ex.JSON)
			problems = append(problems, fmt.Sprintf("request %d (%s): JSON body %s, want %s", n, line, body, want))
		}
	}
	return problems
}

// answer answers a request with exchange ex, after checking it against ex when check is
// set; it is called with s.mu held and releases it before any delay, so that requests sent
// at once are answered at once.
func (s *server) answer(w http.ResponseWriter, r *http.Request, body []byte, line string, ex exchange, check bool) {
	if check {
		s.problems = append(s.problems, mismatches(s.next, r, body, line, ex)...)
	}
	s.checkGap(line, ex)
	resp := ex.Response
	var out []byte
	switch {
	case resp.Text != nil:
		out = []byte(*resp.Text)
	case resp.JSON != nil:
		out, _ = json.Marshal(resp.JSON)
		w.Header().Set("Content-Type", "application/json")
	}
	other := strings.Replace(s.url, "127.0.0.1", "localhost", 1)
	out = bytes.ReplaceAll(bytes.ReplaceAll(out, []byte(serverVar), []byte(s.url)), []byte(otherVar), []byte(other))
	for k, v := range resp.Headers {
		w.Header().Set(k, strings.ReplaceAll(strings.ReplaceAll(v, serverVar, s.url), otherVar, other))
	}
	status := resp.Status
	if status == 0 {
		status = http.StatusOK
	}
	var d time.Duration
	if resp.Delay != "" {
		var err error
		if d, err = time.ParseDuration(resp.Delay); err != nil {
			s.problems = append(s.problems, fmt.Sprintf("request %d (%s): delay: %v", s.next, line, err))
		}
	}
	s.mu.Unlock()
	if resp.Delay != "" {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
	}
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

// checkGap checks the time since the previous request against ex's After and Within bounds.
func (s *server) checkGap(line string, ex exchange) {
	now := time.Now()
	gap := now.Sub(s.last)
	s.last = now
	for _, bound := range []struct {
		text string
		ok   func(time.Duration) bool
		want string
	}{
		{ex.After, func(d time.Duration) bool { return gap >= d }, "at least"},
		{ex.Within, func(d time.Duration) bool { return gap <= d }, "at most"},
	} {
		if bound.text == "" {
			continue
		}
		d, err := time.ParseDuration(bound.text)
		if err != nil || s.next == 1 {
			s.problems = append(s.problems, fmt.Sprintf("request %d (%s): bad bound %q (a duration, not on the first request)", s.next, line, bound.text))
		} else if !bound.ok(d) {
			s.problems = append(s.problems, fmt.Sprintf("request %d (%s): came %s after the previous one, want %s %s", s.next, line, gap.Round(time.Millisecond), bound.want, d))
		}
	}
}

// normalize makes YAML-decoded and JSON-decoded values comparable.
func normalize(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

func execute(t *testing.T, bin string, c *testCase, r run, parallel bool) {
	srv := &server{script: r.Exchanges, anyOrder: parallel, answered: make([]bool, len(r.Exchanges))}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	srv.url = hs.URL
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
	srv.mu.Lock()
	problems := srv.problems
	switch {
	case !parallel && srv.next < len(srv.script):
		problems = append(problems, fmt.Sprintf("only %d of %d scripted requests were sent; next expected: %s", srv.next, len(srv.script), srv.script[srv.next].Request))
	case parallel && r.Exit == 0:
		// Not a failure: every scripted request, and nothing else, in any order.
		for k, ok := range srv.answered {
			if !ok {
				problems = append(problems, fmt.Sprintf("scripted request %d was not sent: %s", k+1, srv.script[k].Request))
			}
		}
		for _, line := range srv.extra {
			problems = append(problems, "unexpected request: "+line)
		}
	}
	srv.mu.Unlock()
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
		} else if !reflect.DeepEqual(normalize(got), want) {
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
