// Package scripted is the HTTP server of the conformance suites: it answers the requests a
// generated workflow sends with scripted responses, in order, and records every request
// that differs from the script. LoadCases unpacks the suites' cases.
package scripted

import (
	"bytes"
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

// Server answers the scripted exchanges in order and records every mismatch.
type Server struct {
	mu       sync.Mutex
	URL      string // replaces ServerVar (and, at another origin, OtherVar) in responses
	script   []Exchange
	next     int
	problems []string
}

// NewServer returns a server for the exchanges of one run.
func NewServer(script []Exchange) *Server { return &Server{script: script} }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	line := r.Method + " " + r.URL.RequestURI()
	if s.next >= len(s.script) {
		s.problems = append(s.problems, fmt.Sprintf("unexpected request %d: %s (the script has %d)", s.next+1, line, len(s.script)))
		s.next++
		http.Error(w, "unexpected request", http.StatusTeapot)
		return
	}
	ex := s.script[s.next]
	s.next++
	if line != ex.Request {
		s.problems = append(s.problems, fmt.Sprintf("request %d: got %s, want %s", s.next, line, ex.Request))
	}
	for k, v := range ex.Headers {
		if got := r.Header.Get(k); got != v {
			s.problems = append(s.problems, fmt.Sprintf("request %d (%s): header %s = %q, want %q", s.next, line, k, got, v))
		}
	}
	if ex.Body != nil && string(body) != *ex.Body {
		s.problems = append(s.problems, fmt.Sprintf("request %d (%s): body %q, want %q", s.next, line, body, *ex.Body))
	}
	if ex.JSON != nil {
		var got any
		if err := json.Unmarshal(body, &got); err != nil || !reflect.DeepEqual(Normalize(got), Normalize(ex.JSON)) {
			want, _ := json.Marshal(ex.JSON)
			s.problems = append(s.problems, fmt.Sprintf("request %d (%s): JSON body %s, want %s", s.next, line, body, want))
		}
	}
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
	if resp.Delay != "" {
		d, err := time.ParseDuration(resp.Delay)
		if err != nil {
			s.problems = append(s.problems, fmt.Sprintf("request %d (%s): delay: %v", s.next, line, err))
		}
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
	}
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

// Problems lists the mismatches so far and, when the run is over, the scripted requests
// that were never sent.
func (s *Server) Problems() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	problems := append([]string(nil), s.problems...)
	if s.next < len(s.script) {
		problems = append(problems, fmt.Sprintf("only %d of %d scripted requests were sent; next expected: %s", s.next, len(s.script), s.script[s.next].Request))
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
	files, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
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
