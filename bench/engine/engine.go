// Package engine runs Arazzo workflows with libopenapi's interpreter
// (github.com/pb33f/libopenapi/arazzo), the run-time alternative to generated code, through a
// small net/http executor written for the benchmarks.
//
// libopenapi's engine evaluates the document's expressions and criteria but leaves the HTTP
// call to an arazzo.Executor, which gets only an operationId, the source and a flat map of
// parameter values. The executor here resolves each operation once, when it is built, from the
// OpenAPI descriptions (method, path template) and from the Arazzo steps (where each parameter
// goes), so that a run does no lookups beyond two map reads per request.
package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi/arazzo"
	"github.com/pb33f/libopenapi/datamodel"
	high "github.com/pb33f/libopenapi/datamodel/high/arazzo"
	v3high "github.com/pb33f/libopenapi/datamodel/high/v3"
	"go.yaml.in/yaml/v4"
)

// maxBody bounds each response read and requestTimeout each request, as the generated
// clients' defaults do (10 MiB, 30 seconds).
const (
	maxBody        = 10 << 20
	requestTimeout = 30 * time.Second
)

// Config says how to load and run a document.
type Config struct {
	// Servers maps a sourceDescription name to the base URL requests go to (no trailing
	// slash), replacing the OpenAPI servers.
	Servers map[string]string
	// HTTP sends the requests.
	HTTP *http.Client
	// BraceEmbedded rewrites expressions embedded in strings without braces
	// ("Bearer $steps.a.outputs.t") to the form the specification requires
	// ("Bearer {$steps.a.outputs.t}"). libopenapi reads the unbraced form as literal text;
	// arazzogen reads it as an expression (with a warning), as the documents' authors meant.
	// The rewrite makes both read the same document the same way.
	BraceEmbedded bool
}

// Runner runs the workflows of one Arazzo document. Like arazzo.Engine, it is not safe for
// concurrent use.
type Runner struct {
	doc *high.Arazzo
	eng *arazzo.Engine
}

// Load parses the Arazzo document at path, resolves its OpenAPI sources from the local files
// its urls name (relative to the document) and builds an engine with the executor.
func Load(path string, cfg Config) (*Runner, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return nil, err
	}
	doc, err := libopenapi.NewArazzoDocument(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if cfg.BraceEmbedded {
		braceDocument(doc)
	}
	dir := filepath.Dir(abs)
	sources, err := arazzo.ResolveSources(doc, &arazzo.ResolveConfig{
		BaseURL:        (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir) + "/"}).String(),
		FSRoots:        []string{filepath.Dir(dir)},
		AllowedSchemes: []string{"file"},
		OpenAPIFactory: parseOpenAPI,
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if res := arazzo.Validate(doc); res != nil && res.HasErrors() {
		return nil, fmt.Errorf("%s: %w", path, res)
	}
	x, err := newExecutor(doc, sources, cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &Runner{doc: doc, eng: arazzo.NewEngine(doc, x, sources)}, nil
}

func parseOpenAPI(sourceURL string, data []byte) (*v3high.Document, error) {
	u, err := url.Parse(sourceURL)
	if err != nil {
		return nil, err
	}
	doc, err := libopenapi.NewDocumentWithConfiguration(data, &datamodel.DocumentConfiguration{
		BasePath:            filepath.Dir(filepath.FromSlash(u.Path)),
		AllowFileReferences: true,
		Logger:              slog.New(slog.DiscardHandler),
	})
	if err != nil {
		return nil, err
	}
	model, err := doc.BuildV3Model()
	if model == nil {
		return nil, fmt.Errorf("%s: no OpenAPI model: %v", sourceURL, err)
	}
	return &model.Model, nil
}

// Run runs workflow id with inputs and returns the workflow's outputs as the engine produces
// them: strings, int64 and float64 for scalars, *yaml.Node for objects and arrays.
func (r *Runner) Run(ctx context.Context, id string, inputs map[string]any) (map[string]any, error) {
	res, err := r.eng.RunWorkflow(ctx, id, inputs)
	if err != nil {
		return nil, err
	}
	if !res.Success {
		return nil, res.Error
	}
	return res.Outputs, nil
}

// ---------------------------------------------------------------------------
// The executor
// ---------------------------------------------------------------------------

type param struct {
	name string
	in   string // path, query or header
}

// operation is everything the executor needs to send one operation's requests.
type operation struct {
	method string
	base   string
	// segments alternate literal text and path parameter names: the template
	// "/tokens/{ctok}/validate" is ["/tokens/", "ctok", "/validate"].
	segments []string
	query    []param
	header   []param
	// declared are the OpenAPI operation's parameters, added after the steps' own.
	declared []param
}

type executor struct {
	http *http.Client
	ops  map[opKey]*operation
}

type opKey struct{ source, operationID string }

// newExecutor resolves every operation the document's steps call. A parameter's location is
// taken from the Arazzo step (the engine drops it before calling the executor), else from
// the OpenAPI operation; query parameters keep the step's order.
func newExecutor(doc *high.Arazzo, sources []*arazzo.ResolvedSource, cfg Config) (*executor, error) {
	x := &executor{http: cfg.HTTP, ops: map[opKey]*operation{}}
	if x.http == nil {
		x.http = http.DefaultClient
	}
	bySource := map[string]*arazzo.ResolvedSource{}
	for _, s := range sources {
		bySource[s.Name] = s
	}
	for _, wf := range doc.Workflows {
		for _, step := range wf.Steps {
			if step.OperationId == "" {
				return nil, fmt.Errorf("step %s: only operationId steps are supported", step.StepId)
			}
			src, opID, err := splitOperationID(step.OperationId, sources)
			if err != nil {
				return nil, fmt.Errorf("step %s: %w", step.StepId, err)
			}
			key := opKey{src.Name, opID}
			op := x.ops[key]
			if op == nil {
				base, ok := cfg.Servers[src.Name]
				if !ok {
					return nil, fmt.Errorf("no server URL for source %q", src.Name)
				}
				op, err = resolveOperation(src.OpenAPIDocument, opID, base)
				if err != nil {
					return nil, fmt.Errorf("step %s: %w", step.StepId, err)
				}
				x.ops[key] = op
			}
			for _, p := range step.Parameters {
				op.add(param{name: p.Name, in: p.In})
			}
		}
	}
	for _, op := range x.ops {
		for _, p := range op.declared {
			op.add(p)
		}
	}
	return x, nil
}

// splitOperationID finds the source of an operationId, qualified with
// "$sourceDescriptions.<name>." or not (then the single source).
func splitOperationID(id string, sources []*arazzo.ResolvedSource) (*arazzo.ResolvedSource, string, error) {
	if rest, ok := strings.CutPrefix(id, "$sourceDescriptions."); ok {
		name, op, ok := strings.Cut(rest, ".")
		if ok {
			for _, s := range sources {
				if s.Name == name {
					return s, op, nil
				}
			}
		}
		return nil, "", fmt.Errorf("operationId %q names no source", id)
	}
	if len(sources) != 1 {
		return nil, "", fmt.Errorf("operationId %q is ambiguous among %d sources", id, len(sources))
	}
	return sources[0], id, nil
}

func resolveOperation(doc *v3high.Document, opID, base string) (*operation, error) {
	if doc == nil || doc.Paths == nil || doc.Paths.PathItems == nil {
		return nil, fmt.Errorf("operation %q: no OpenAPI paths", opID)
	}
	for path, item := range doc.Paths.PathItems.FromOldest() {
		for method, op := range item.GetOperations().FromOldest() {
			if op.OperationId != opID {
				continue
			}
			o := &operation{method: strings.ToUpper(method), base: base}
			rest := path
			for {
				i := strings.IndexByte(rest, '{')
				j := strings.IndexByte(rest, '}')
				if i < 0 || j < i {
					o.segments = append(o.segments, rest)
					break
				}
				o.segments = append(o.segments, rest[:i], rest[i+1:j])
				rest = rest[j+1:]
			}
			for _, p := range append(item.Parameters, op.Parameters...) {
				o.declared = append(o.declared, param{name: p.Name, in: p.In})
			}
			return o, nil
		}
	}
	return nil, fmt.Errorf("operation %q is not in the OpenAPI description", opID)
}

// add records where a parameter goes, the first location given winning.
func (o *operation) add(p param) {
	for _, q := range append(o.query, o.header...) {
		if q.name == p.name {
			return
		}
	}
	switch p.in {
	case "query":
		o.query = append(o.query, p)
	case "header":
		o.header = append(o.header, p)
	}
}

// Execute sends one request: the path template filled in, the query in order, the headers,
// and the body as JSON, within requestTimeout; and returns the response with its body decoded
// from JSON.
func (x *executor) Execute(ctx context.Context, req *arazzo.ExecutionRequest) (*arazzo.ExecutionResponse, error) {
	if req.Source == nil {
		return nil, errors.New("request has no source")
	}
	op := x.ops[opKey{req.Source.Name, strings.TrimPrefix(req.OperationID, "$sourceDescriptions."+req.Source.Name+".")}]
	if op == nil {
		return nil, fmt.Errorf("operation %q was not resolved", req.OperationID)
	}
	var u strings.Builder
	u.WriteString(op.base)
	for i, s := range op.segments {
		if i%2 == 0 {
			u.WriteString(s)
			continue
		}
		v, ok := req.Parameters[s]
		if !ok {
			return nil, fmt.Errorf("operation %q: path parameter %q has no value", req.OperationID, s)
		}
		u.WriteString(url.PathEscape(text(v)))
	}
	sep := byte('?')
	for _, p := range op.query {
		if v, ok := req.Parameters[p.name]; ok {
			u.WriteByte(sep)
			u.WriteString(url.QueryEscape(p.name))
			u.WriteByte('=')
			u.WriteString(url.QueryEscape(text(v)))
			sep = '&'
		}
	}
	var body io.Reader
	if req.RequestBody != nil {
		b, err := json.Marshal(req.RequestBody)
		if err != nil {
			return nil, fmt.Errorf("operation %q: request body: %w", req.OperationID, err)
		}
		body = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, op.method, u.String(), body)
	if err != nil {
		return nil, err
	}
	for _, p := range op.header {
		if v, ok := req.Parameters[p.name]; ok {
			hr.Header.Set(p.name, text(v))
		}
	}
	if body != nil {
		ct := req.ContentType
		if ct == "" {
			ct = "application/json"
		}
		hr.Header.Set("Content-Type", ct)
	}
	hr.Header.Set("Accept", "application/json")
	resp, err := x.http.Do(hr)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxBody {
		return nil, fmt.Errorf("operation %q: response body exceeds %d bytes", req.OperationID, maxBody)
	}
	out := &arazzo.ExecutionResponse{StatusCode: resp.StatusCode, Headers: resp.Header, URL: hr.URL.String(), Method: op.method}
	if len(bytes.TrimSpace(data)) > 0 {
		var v any
		if json.Unmarshal(data, &v) == nil {
			out.Body = v
		} else {
			out.Body = string(data)
		}
	}
	return out, nil
}

// text renders a parameter value the way the generated code does: strings as they are,
// everything else in its JSON form.
func text(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// ---------------------------------------------------------------------------
// Braces for embedded expressions
// ---------------------------------------------------------------------------

// bareExpr matches a runtime expression embedded in text without braces.
var bareExpr = regexp.MustCompile(`\$(?:inputs|steps|workflows|outputs|response|request|statusCode|url|method|sourceDescriptions|components)[^\s{}"']*`)

// braceDocument wraps, in every parameter value and request payload string that is not a
// whole expression, each expression outside braces in "{…}".
func braceDocument(doc *high.Arazzo) {
	for _, wf := range doc.Workflows {
		for _, step := range wf.Steps {
			for _, p := range step.Parameters {
				braceNode(p.Value)
			}
			if step.RequestBody != nil {
				braceNode(step.RequestBody.Payload)
			}
		}
	}
}

func braceNode(n *yaml.Node) {
	if n == nil {
		return
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		n.Value = braceString(n.Value)
		return
	}
	for _, c := range n.Content {
		braceNode(c)
	}
}

func braceString(s string) string {
	if strings.HasPrefix(s, "$") || !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	depth := 0
	last := 0
	for _, m := range bareExpr.FindAllStringIndex(s, -1) {
		// Count braces before the match to leave "{$…}" alone.
		for _, c := range s[last:m[0]] {
			switch c {
			case '{':
				depth++
			case '}':
				depth--
			}
		}
		b.WriteString(s[last:m[0]])
		if depth > 0 {
			b.WriteString(s[m[0]:m[1]])
		} else {
			b.WriteString("{" + s[m[0]:m[1]] + "}")
		}
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}
