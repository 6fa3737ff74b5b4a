// Package scripted is the HTTP server of the conformance suites: it answers the requests a
// generated workflow sends with scripted responses, in order or as a set, and records every
// request that differs from the script. LoadCases unpacks the suites' cases.
package scripted

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/tools/txtar"
	"gopkg.in/yaml.v3"
)

// ServerVar stands for the scripted server's URL in a run's arguments, inputs and responses
// (bodies and header values; for x-operation urls, which name no source); OtherVar for the
// same server at another origin (localhost for 127.0.0.1), as a redirect to another host
// would lead.
const (
	ServerVar = "$SERVER"
	OtherVar  = "$OTHER"
)

// Exchange is one request the workflow must send, with the answer.
type Exchange struct {
	// Request is "METHOD /path?query", compared with the request line exactly.
	Request string            `yaml:"request"`
	Headers map[string]string `yaml:"headers"`
	// Body is the exact request body; JSON compares JSON bodies semantically.
	Body     *string  `yaml:"body"`
	JSON     any      `yaml:"json"`
	Response Response `yaml:"response"`
	// After is the least time (a Go duration) that must have passed since the previous
	// request arrived, to test the waits between requests; Within the most.
	After  string `yaml:"after"`
	Within string `yaml:"within"`
}

// Response is a scripted answer.
type Response struct {
	Status  int               `yaml:"status"`
	Headers map[string]string `yaml:"headers"`
	JSON    any               `yaml:"json"`
	Text    *string           `yaml:"text"`
	// Delay holds the answer back (a Go duration), to test deadlines; the wait ends early
	// when the client gives up.
	Delay string `yaml:"delay"`
}

// Server answers the scripted exchanges and records every mismatch: in order, or, when made
// by NewAnyOrderServer, each request with the first exchange not yet answered that has its
// request line.
type Server struct {
	mu       sync.Mutex
	URL      string // replaces ServerVar (and, at another origin, OtherVar) in responses
	script   []Exchange
	anyOrder bool
	answered []bool // anyOrder: the exchanges answered
	extra    []string
	next     int
	problems []string
	last     time.Time // when the previous request arrived
}

// NewServer returns a server for the exchanges of one run, which must come in order.
func NewServer(script []Exchange) *Server { return &Server{script: script} }

// NewAnyOrderServer returns a server for the exchanges of one run whose requests may come
// in any order (steps run at once): the run must send them as a set.
func NewAnyOrderServer(script []Exchange) *Server {
	return &Server{script: script, anyOrder: true, answered: make([]bool, len(script))}
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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
func mismatches(n int, r *http.Request, body []byte, line string, ex Exchange) []string {
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
		if err := json.Unmarshal(body, &got); err != nil || !reflect.DeepEqual(Normalize(got), Normalize(ex.JSON)) {
			want, _ := json.Marshal(ex.JSON)
			problems = append(problems, fmt.Sprintf("request %d (%s): JSON body %s, want %s", n, line, body, want))
		}
	}
	return problems
}

// answer answers a request with exchange ex, after checking it against ex when check is
// set; it is called with s.mu held and releases it before any delay, so that requests sent
// at once are answered at once.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, body []byte, line string, ex Exchange, check bool) {
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
	other := strings.Replace(s.URL, "127.0.0.1", "localhost", 1)
	out = bytes.ReplaceAll(bytes.ReplaceAll(out, []byte(ServerVar), []byte(s.URL)), []byte(OtherVar), []byte(other))
	for k, v := range resp.Headers {
		w.Header().Set(k, strings.ReplaceAll(strings.ReplaceAll(v, ServerVar, s.URL), OtherVar, other))
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
func (s *Server) checkGap(line string, ex Exchange) {
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

// Problems lists the mismatches so far and, when the run is over, what the script missed:
// for an in-order server, the scripted requests that were never sent; for an any-order
// server, when the run succeeded (succeeded), every scripted request not sent and every
// request the script does not list. A failed any-order run is not held to the whole
// script: steps that ran beside the failing one may have sent their requests or not.
func (s *Server) Problems(succeeded bool) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	problems := append([]string(nil), s.problems...)
	switch {
	case !s.anyOrder && s.next < len(s.script):
		problems = append(problems, fmt.Sprintf("only %d of %d scripted requests were sent; next expected: %s", s.next, len(s.script), s.script[s.next].Request))
	case s.anyOrder && succeeded:
		for k, ok := range s.answered {
			if !ok {
				problems = append(problems, fmt.Sprintf("scripted request %d was not sent: %s", k+1, s.script[k].Request))
			}
		}
		for _, line := range s.extra {
			problems = append(problems, "unexpected request: "+line)
		}
	}
	return problems
}

// Normalize makes YAML-decoded and JSON-decoded values comparable.
func Normalize(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// Case is a conformance case unpacked from its txtar archive.
type Case[S any] struct {
	Name string // the archive's name without .txtar
	Pkg  string // a Go package name for it: a prefix and the name's letters and digits
	Dir  string // where its files were written
	Doc  string // its arazzo.yaml, the document generated
	// Script is its case.yaml, decoded strictly (an unknown field is an error).
	Script S
}

var nonIdent = regexp.MustCompile(`[^a-z0-9]`)

// LoadCases writes out every file of every case in dir (*.txtar) under a temporary
// directory of t, a directory per case: arazzo.yaml is the document generated, case.yaml
// the script, the others what the document names. Each case needs both; pkgPrefix starts
// the cases' package names.
func LoadCases[S any](t testing.TB, dir, pkgPrefix string) []*Case[S] {
	t.Helper()
	// CONFORMANCE_CASES narrows the run to the cases whose names match a glob, so that working
	// on one case does not compile every other one.
	pattern := os.Getenv("CONFORMANCE_CASES")
	files, err := filepath.Glob(filepath.Join(dir, cmp.Or(pattern, "*")+".txtar"))
	if err == nil && len(files) == 0 && pattern != "" {
		t.Skipf("no case in %s matches CONFORMANCE_CASES=%s", dir, pattern)
	}
	if err != nil || len(files) == 0 {
		t.Fatalf("no conformance cases in %s: %v", dir, err)
	}
	root := t.TempDir()
	var cases []*Case[S]
	for _, f := range files {
		ar, err := txtar.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".txtar")
		c := &Case[S]{Name: name, Pkg: pkgPrefix + nonIdent.ReplaceAllString(strings.ToLower(name), ""), Dir: filepath.Join(root, name)}
		script := false
		for _, af := range ar.Files {
			p := filepath.Join(c.Dir, filepath.FromSlash(af.Name))
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
				if err := dec.Decode(&c.Script); err != nil {
					t.Fatalf("%s: case.yaml: %v", name, err)
				}
				script = true
			case "arazzo.yaml":
				c.Doc = p
			}
		}
		if c.Doc == "" || !script {
			t.Fatalf("%s: a case needs arazzo.yaml and case.yaml", name)
		}
		cases = append(cases, c)
	}
	return cases
}
