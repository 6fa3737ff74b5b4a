package bench

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/arazzogen/arazzogen/bench/engine"
	"go.yaml.in/yaml/v4"
)

// result is what one implementation did in one run of a workflow.
type result struct {
	requests []captured
	outputs  any
}

func runAll(t *testing.T, w *workflow) map[string]result {
	t.Helper()
	srv, cs := serve(t, w, true)
	results := map[string]result{}
	for _, impl := range implementations {
		out, err := impl.build(t, w, basesFor(srv.URL), srv.Client())(t.Context())
		if err != nil {
			t.Fatalf("%s: %v", impl.name, err)
		}
		results[impl.name] = result{requests: cs.take(), outputs: out}
	}
	// The implementations share one client; each reads every response to the end, so all
	// their requests go over one kept-alive connection, as in the benchmarks.
	if n := cs.conns.Load(); n != 1 {
		t.Errorf("%d connections were opened for %d requests, want 1 kept alive", n, 3*len(w.replies))
	}
	return results
}

// TestSameRequestsAndOutputs is what makes the benchmark a fair comparison: for every seed
// workflow, the generated code, the hand-written client and the libopenapi engine send the
// same requests (method, URI, every header, body bytes) and return the same outputs.
func TestSameRequestsAndOutputs(t *testing.T) {
	for _, w := range workflows {
		t.Run(w.id, func(t *testing.T) {
			res := runAll(t, w)
			gen := res["generated"]
			if want := len(w.replies); len(gen.requests) < want {
				t.Fatalf("generated code sent %d requests, want at least %d", len(gen.requests), want)
			}
			for _, name := range []string{"handwritten", "engine"} {
				if diff := diffRequests(res[name].requests, gen.requests); diff != "" {
					t.Errorf("%s sent other requests than the generated code:\n%s", name, diff)
				}
			}

			// The engine returns the values as the server sent them...
			want := normalizeJSON(t, []byte(w.want))
			if e := normalizeJSON(t, engineJSON(t, res["engine"].outputs)); !bytes.Equal(e, want) {
				t.Errorf("engine outputs %s, want %s", e, want)
			}
			// ...the generated code the same values in its Outputs type...
			genJSON := normalizeJSON(t, mustMarshal(t, gen.outputs))
			if want := asOutputs(t, gen.outputs, []byte(w.want)); !bytes.Equal(genJSON, want) {
				t.Errorf("generated outputs %s, want %s", genJSON, want)
			}
			// ...and the hand-written client the same values again, raw JSON byte for byte.
			hand := res["handwritten"].outputs
			if h := asOutputs(t, gen.outputs, mustMarshal(t, hand)); !bytes.Equal(h, genJSON) {
				t.Errorf("hand-written outputs %s, generated %s", h, genJSON)
			}
			if h, g := rawFields(t, hand), rawFields(t, gen.outputs); !reflect.DeepEqual(h, g) {
				t.Errorf("hand-written raw outputs %q, generated %q", h, g)
			}
		})
	}
}

// The in-memory transport of BenchmarkWorkflowsInMemory carries the same requests and
// replies as the loopback server.
func TestInMemoryTransport(t *testing.T) {
	for _, w := range workflows {
		cs := newCannedServer(w.replies)
		cs.capture = true
		hc := &http.Client{Transport: handlerTransport{cs}}
		var gen any
		for _, impl := range implementations {
			out, err := impl.build(t, w, basesFor("http://api.test"), hc)(t.Context())
			if err != nil {
				t.Fatalf("%s %s: %v", w.id, impl.name, err)
			}
			if gen == nil {
				gen = out // implementations[0] is the generated code
			}
			if got, want := asOutputs(t, gen, outputsJSON(t, out)), asOutputs(t, gen, []byte(w.want)); !bytes.Equal(got, want) {
				t.Errorf("%s %s: outputs %s, want %s", w.id, impl.name, got, want)
			}
			if n := len(cs.take()); n < len(w.replies) {
				t.Errorf("%s %s: %d requests, want at least %d", w.id, impl.name, n, len(w.replies))
			}
		}
	}
}

// outputsJSON encodes any implementation's outputs as JSON.
func outputsJSON(t *testing.T, v any) []byte {
	t.Helper()
	if _, ok := v.(map[string]any); ok {
		return engineJSON(t, v)
	}
	return mustMarshal(t, v)
}

// asOutputs reads a JSON object into a new value of the generated outputs' type, the type
// that says what the workflow's outputs are, and returns it encoded and normalized: values
// the type does not hold are dropped, absent ones take the type's zero value.
func asOutputs(t *testing.T, generated any, data []byte) []byte {
	t.Helper()
	p := reflect.New(reflect.TypeOf(generated).Elem())
	if err := json.Unmarshal(data, p.Interface()); err != nil {
		t.Fatalf("%s into %T: %v", data, p.Interface(), err)
	}
	return normalizeJSON(t, mustMarshal(t, p.Interface()))
}

// TestCannedRepliesAreTheFakes replays the requests the generated code sends to the fake APIs
// of internal/fakeapi, in order and against a fresh fake, and checks that each canned reply
// the benchmarks serve is exactly what the fake answers: the fake checks the requests
// (credentials, content types, bodies) and the canned server answers as it would, only
// faster.
func TestCannedRepliesAreTheFakes(t *testing.T) {
	for _, w := range workflows {
		t.Run(w.id, func(t *testing.T) {
			fake := w.fake()
			for i, c := range runAll(t, w)["generated"].requests {
				req := httptest.NewRequest(c.Method, c.RequestURI, strings.NewReader(c.Body))
				req.Header = c.Header.Clone()
				rec := httptest.NewRecorder()
				fake.ServeHTTP(rec, req)
				path, _, _ := strings.Cut(c.RequestURI, "?")
				canned := w.replies[c.Method+" "+path]
				if rec.Code != http.StatusOK || rec.Body.String() != canned {
					t.Errorf("request %d (%s): the fake answers %d %q, the canned reply is 200 %q", i, c, rec.Code, rec.Body, canned)
				}
			}
		})
	}
}

// TestEngineNeedsBraces shows why the engine is given the braced reading of the Prismatic
// documents' "Bearer $steps.refreshToken.outputs.accessToken": libopenapi sends that text as
// it is, while arazzogen (and the document's author) read an expression.
func TestEngineNeedsBraces(t *testing.T) {
	w := workflows[0]
	srv, cs := serve(t, w, true)
	r, err := engine.Load(w.doc, engine.Config{Servers: map[string]string{w.source: w.base(basesFor(srv.URL))}, HTTP: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Run(t.Context(), w.id, w.inputs); err != nil {
		t.Fatal(err)
	}
	reqs := cs.take()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	if got, want := reqs[1].Header.Get("Authorization"), "Bearer $steps.refreshToken.outputs.accessToken"; got != want {
		t.Errorf("without braces the engine sent Authorization %q; expected the literal %q (if libopenapi now reads the expression, BraceEmbedded is no longer needed)", got, want)
	}
}

func diffRequests(got, want []captured) string {
	var b strings.Builder
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			b.WriteString("missing: " + want[i].String() + "\n")
		case i >= len(want):
			b.WriteString("extra: " + got[i].String() + "\n")
		case !reflect.DeepEqual(got[i], want[i]):
			b.WriteString(" got: " + got[i].String() + "\nwant: " + want[i].String() + "\n")
		}
	}
	return b.String()
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// normalizeJSON re-encodes a JSON value with sorted keys and no spaces.
func normalizeJSON(t *testing.T, b []byte) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return mustMarshal(t, v)
}

// rawFields lists an outputs struct's json.RawMessage fields by JSON name: values the code
// passes on as the server sent them, which must match byte for byte.
func rawFields(t *testing.T, v any) map[string]string {
	t.Helper()
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		t.Fatalf("outputs are a %T, want a pointer to a struct", v)
	}
	m := map[string]string{}
	for i := range rv.NumField() {
		if raw, ok := rv.Field(i).Interface().(json.RawMessage); ok {
			name, _, _ := strings.Cut(rv.Type().Field(i).Tag.Get("json"), ",")
			m[name] = string(raw)
		}
	}
	return m
}

// engineJSON encodes the engine's outputs, whose objects and arrays are *yaml.Node, as JSON.
func engineJSON(t *testing.T, v any) []byte {
	t.Helper()
	outs, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("engine outputs are a %T", v)
	}
	plain := map[string]any{}
	for k, val := range outs {
		if n, ok := val.(*yaml.Node); ok {
			val = nodeValue(t, n)
		}
		plain[k] = val
	}
	return mustMarshal(t, plain)
}

// nodeValue converts the engine's YAML nodes to plain Go values. yaml.Node.Decode cannot be
// used: the engine represents a JSON null inside an object or array as a nil *yaml.Node.
func nodeValue(t *testing.T, n *yaml.Node) any {
	t.Helper()
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = nodeValue(t, n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		s := []any{}
		for _, c := range n.Content {
			s = append(s, nodeValue(t, c))
		}
		return s
	case yaml.ScalarNode:
		var v any
		if err := n.Decode(&v); err != nil {
			t.Fatalf("scalar %q: %v", n.Value, err)
		}
		return v
	}
	t.Fatalf("unexpected YAML node kind %v", n.Kind)
	return nil
}
