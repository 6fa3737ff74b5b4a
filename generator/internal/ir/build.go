package ir

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/arazzogen/arazzogen/generator/internal/diag"
	"github.com/arazzogen/arazzogen/generator/internal/expr"
	"github.com/arazzogen/arazzogen/generator/internal/load"
	"github.com/arazzogen/arazzogen/generator/internal/types"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	yaml "go.yaml.in/yaml/v4"
)

// Input is what the builder needs: the decoded document and its loaded sources.
type Input struct {
	Package string
	Doc     *load.Document
	// OpenAPI maps a sourceDescription name to its parsed description, and Arazzo one to the
	// Arazzo document it names with that document's own sources (external.go); sources
	// that could not be loaded are absent (their error has been reported).
	OpenAPI map[string]*load.OpenAPI
	Arazzo  map[string]*load.Linked
	// AsyncAPI maps a sourceDescription name to its AsyncAPI document (message.go).
	AsyncAPI map[string]*load.AsyncAPI
	// Workflows selects workflows by id; all when empty.
	Workflows []string
	// Temporal and MCP are set when the workflows are also generated as Temporal workflows
	// or as MCP tools, which cannot run AsyncAPI steps (see unrunMessages).
	Temporal, MCP bool
	// Parallel sets Program.Parallel.
	Parallel bool
}

// reserved names are declared by every generated package.
var reserved = []string{"Client", "Option", "NewClient", "WithHTTPClient", "WithServerURL", "WithMaxBodyBytes", "WithMaxStepRuns", "Sources", "sourceNames", "WithMessageTransport", "messageSourceNames"}

// clientMembers are the Client's methods and fields besides the workflows.
var clientMembers = []string{"Close", "rt", "servers", "auth", "pending", "security", "maxRuns", "brokers"}

// Build checks the document and produces the program. Problems go to diags; the result is
// only meaningful when diags has no errors.
func Build(in Input, diags *diag.List) *Program {
	b := &builder{in: in, diags: diags, file: in.Doc.File, typeNames: newNamer(reserved...), methods: newNamer(clientMembers...),
		built: map[*load.Workflow]*Workflow{}, building: map[*load.Workflow]bool{},
		docs: map[*load.Document]*document{}, sourceNames: map[sourceKey]string{}, sources: map[sourceKey]*Source{}}
	p := &Program{Package: in.Package, SourceFile: path.Base(strings.ReplaceAll(in.Doc.File, "\\", "/")), Title: in.Doc.Title, DocVersion: in.Doc.Version, Arazzo: in.Doc.Arazzo.Value, Parallel: in.Parallel}
	b.prog = p
	b.schemas = newSchemaRegistry(b.typeNames)
	docs := b.documents(&load.Linked{Doc: in.Doc, OpenAPI: in.OpenAPI, Arazzo: in.Arazzo, AsyncAPI: in.AsyncAPI})
	b.nameSources(docs)
	entry := docs[0]
	defer b.enter(entry)()
	for _, id := range in.Workflows {
		if entry.workflows[id] == nil {
			diags.Errorf(in.Doc.Pos, "unknown-workflow", "workflow %q is selected for generation but the document does not define it", id)
		}
	}
	for _, w := range entry.order {
		if len(in.Workflows) == 0 || slices.Contains(in.Workflows, w.ID.Value) {
			b.ensure(entry, w)
		}
	}
	// Workflows another one calls are built first; methods keep document order, the entry
	// document's first.
	for _, d := range docs {
		for _, w := range d.order {
			if wf := b.built[w]; wf != nil {
				p.Workflows = append(p.Workflows, wf)
			}
		}
	}
	p.Types = b.finishTypes(p)
	b.security(p) // credentials and secret inputs and outputs (security.go)
	b.nameFlows(p)
	if in.Temporal || in.MCP {
		b.unrunMessages(p)
	}
	return p
}

// ensure builds a workflow of document d once; a workflow that calls itself, directly or
// not, is an error (a call cycle could never finish) and yields nil.
func (b *builder) ensure(d *document, w *load.Workflow) *Workflow {
	if wf, ok := b.built[w]; ok {
		return wf
	}
	if b.building[w] {
		return nil
	}
	b.building[w] = true
	restore := b.enter(d)
	wf := b.workflow(w)
	restore()
	delete(b.building, w)
	b.built[w] = wf
	return wf
}

type builder struct {
	in        Input
	diags     *diag.List
	file      string
	prog      *Program
	typeNames *namer
	methods   *namer
	// doc is the document being compiled (see enter), which in.Doc, in.OpenAPI and file
	// describe too: the entry document, or another one while its workflows compile.
	doc  *document
	docs map[*load.Document]*document
	// built holds the workflows compiled (nil when compiling failed) and building those being
	// compiled, to find call cycles.
	built    map[*load.Workflow]*Workflow
	building map[*load.Workflow]bool
	// sourceNames holds the name of every OpenAPI source of every document, and sources
	// the program's entries for those the workflows call (external.go).
	sourceNames map[sourceKey]string
	sources     map[sourceKey]*Source
	schemas     *types.Registry // Go types of schemas; see types.go
	// needValue names what the value being compiled fills when that can never be null (a
	// path parameter: `path parameter "cartId"`); "" otherwise. A reference read leniently
	// as no value is then an error (see readAsNull).
	needValue string
}

// readAsNull reports a reference that reads leniently as no value (JSON null): fact says
// why, lenient what that means when the workflow runs. Where a value is needed (needValue)
// it is an error instead of a warning, since no reading of it makes a request the document
// means (a path with an empty segment names another resource); ok is then false.
func (b *builder) readAsNull(pos diag.Pos, code, fact, lenient, src string) (d *diag.Diagnostic, ok bool) {
	if b.needValue != "" {
		return b.errorf(pos, code, "%s; %s needs a value, and %s never has one", fact, b.needValue, src), false
	}
	return b.diags.Warnf(pos, code, "%s; %s", fact, lenient), true
}

func (b *builder) errorf(pos diag.Pos, code, format string, args ...any) *diag.Diagnostic {
	return b.diags.Errorf(pos, code, format, args...)
}

// source returns (creating on first use) the program's entry for an OpenAPI source of the
// document being compiled.
func (b *builder) source(name string) *Source {
	oa := b.in.OpenAPI[name]
	key := sourceKey{oa, name}
	if s := b.sources[key]; s != nil {
		return s
	}
	s := &Source{Name: cmp.Or(b.sourceNames[key], name), Index: len(b.prog.Sources), api: oa}
	s.GoName = b.typeNames.name("Source" + GoName(s.Name))
	if oa != nil {
		s.DefaultURL = oa.ServerURL
	}
	b.sources[key] = s
	b.prog.Sources = append(b.prog.Sources, s)
	return s
}

// scope is what runtime expressions can see at one place of a workflow.
type scope struct {
	wf       *Workflow
	doc      *load.Workflow
	steps    map[string]*Step // steps compiled so far
	current  *Step            // nil outside a step
	response *base.SchemaProxy
	// view is what the description says of the responses the step's success admits
	// (responses.go); response is its schema.
	view    responseView
	hasResp bool
	// output is the name of the step output being compiled, "" elsewhere.
	output string
	// callee is the workflow a workflowId step runs; $outputs in that step's outputs read
	// the callee's outputs (the stance of features AMB-E7).
	callee  *Call
	vars    *namer
	pending []pendingTarget
	// failed holds the steps that could not be compiled; references to them are not
	// reported again.
	failed map[string]bool
	// params are the workflow's parameters, Reusable Objects expanded, which every step
	// gets unless it sets the same parameter itself.
	params []*load.Parameter
	// cyclic holds the steps whose dependsOn form a cycle (reported; see stepOrder).
	cyclic map[*load.Step]bool
	// message is set in an AsyncAPI step, whose $message a message.go resolves; failing is
	// set while the step's failure actions compile.
	message *messageScope
	failing bool
}

func (b *builder) workflow(w *load.Workflow) *Workflow {
	for _, u := range w.Unsupported {
		b.errorf(u.Pos, "unsupported", "workflow field %q is not supported yet", u.Value)
	}
	base := GoName(w.ID.Value)
	if q := b.doc.linked.Qualifier; q != "" {
		base = unexportedName(q + "." + w.ID.Value)
	}
	wf := &Workflow{ID: w.ID.Value, Source: b.doc.linked.Qualifier, GoName: b.methods.name(base), Summary: w.Summary, Description: w.Description, def: w, home: b.doc,
		OpenInputs: w.Inputs == nil || len(propertyNames(w.InputsSchema)) == 0 && !w.InputsUnresolved}
	wf.Inputs = b.inputs(w, b.typeNames.name(wf.GoName+"Inputs"))
	wf.Outputs = &Struct{GoName: b.typeNames.name(wf.GoName + "Outputs")}
	vars := newNamer("ctx", "in", "c", "err", "resp", "body", "out", "q", "h", "workflow", "json", "http", "runtime", "strconv", "url", "context", "strings", "time",
		"failErr", "failResp", "endErr", "retries", "runs", "resume", "msg", "addr", "corr")
	sc := &scope{wf: wf, doc: w, steps: map[string]*Step{}, vars: vars, failed: map[string]bool{}}
	sc.params = b.uniqueParameters(w.Parameters)
	for _, d := range w.DependsOn {
		if call := b.call(sc, d, nil, nil); call != nil {
			call.Var = vars.name(localName("dep", call.Workflow.ID))
			wf.DependsOn = append(wf.DependsOn, call)
		}
	}
	ids := map[string]diag.Pos{}
	var compiled []*load.Step
	order, cyclic := b.stepOrder(w)
	sc.cyclic = cyclic
	for _, s := range order {
		if prev, dup := ids[s.ID.Value]; dup {
			b.errorf(s.ID.Pos, "duplicate", "stepId %q is already used at %s", s.ID.Value, prev)
			continue
		}
		ids[s.ID.Value] = s.ID.Pos
		st := b.step(sc, s, vars)
		if st != nil {
			wf.Steps = append(wf.Steps, st)
			sc.steps[st.ID] = st
			compiled = append(compiled, s)
		} else {
			sc.failed[s.ID.Value] = true
		}
	}
	sc.current, sc.hasResp, sc.callee = nil, false, nil
	b.flow(sc, w, compiled)
	b.finishMessages(wf)
	wf.OutputValues = b.outputs(sc, w.Outputs, wf.Outputs)
	return wf
}

// outputKeyRE is the Arazzo rule for output names (and the 1.1 grammar's identifier, for
// input names); stepIDRE is identifier-strict, for step ids in expressions.
var (
	outputKeyRE = regexp.MustCompile(`^[a-zA-Z0-9.\-_]+$`)
	stepIDRE    = regexp.MustCompile(`^[a-zA-Z0-9\-_]+$`)
)

// outputDoc documents an output by the description of what it reads: the response schema
// at its pointer, or the input or output it passes on.
func outputDoc(sc *scope, v *Value) string {
	switch {
	case v.Kind == VResponseBody && sc.response != nil:
		return types.DescriptionAt(sc.response, v.Pointer)
	case (v.Kind == VInput || v.Kind == VStepOutput || v.Kind == VCallOutput) && len(v.Pointer) == 0 && v.Field != nil:
		return v.Field.Doc
	}
	return ""
}

// outputs compiles named output expressions into the fields of into and returns their
// values, parallel to the fields.
func (b *builder) outputs(sc *scope, outs []*load.Output, into *Struct) []*Value {
	fields := newNamer()
	var values []*Value
	for _, o := range outs {
		if n := resolveNode(o.Value.Node); n != nil && n.Kind != yaml.ScalarNode && !b.isSelector(n) {
			b.errorf(o.Value.Pos, "shape", "output %q must be a runtime expression (or, in Arazzo 1.1, a Selector Object)", o.Name.Value)
			continue
		}
		node, text := o.Value.Node, o.Value.Value
		if expression, note, ok := expressionWithNote(text); ok && node != nil && node.Kind == yaml.ScalarNode && b.spellsNothing(sc, text) {
			b.diags.Warnf(o.Value.Pos, "expression-note", "output %q is the runtime expression %s followed by the text %q; reading the text as a note, not as part of the value", o.Name.Value, expression, note).
				WithHint("write %s, and put the note in a YAML comment or the workflow's description", expression)
			trimmed := *node
			trimmed.Value = expression
			node, text = &trimmed, expression
		}
		sc.output = o.Name.Value
		v := b.value(sc, node, text, o.Value.Pos)
		sc.output = ""
		if v == nil {
			continue
		}
		if v.Kind == VLit && !strings.Contains(text, "$") {
			b.diags.Warnf(o.Value.Pos, "literal-output", "output %q is the constant %s, not a runtime expression; it always has that value", o.Name.Value, v.JSON).
				WithHint("outputs are runtime expressions such as $response.body#/id; a constant belongs in the description")
		}
		f := &Field{GoName: fields.name(GoName(o.Name.Value)), JSONName: o.Name.Value, Type: v.Type, Doc: outputDoc(sc, v)}
		if !outputKeyRE.MatchString(o.Name.Value) {
			// The name has one use (the JSON key, and the Go field derived from it), so it
			// is kept as written; a struct tag cannot hold every name, a method can.
			f.KeyedByMethod = !jsonTagName(o.Name.Value)
			b.diags.Warnf(o.Name.Pos, "bad-name", "output name %q has characters other than letters, digits, '.', '-' and '_', which output names may not; keeping it as the JSON name of field %s", o.Name.Value, f.GoName).
				WithHint("rename the output to %q", grammarName(o.Name.Value, false))
		}
		into.Fields = append(into.Fields, f)
		values = append(values, v)
	}
	return values
}

// jsonTagName reports whether encoding/json accepts s as the name in a struct tag (its
// isValidTag rule), so that a field can carry it as its JSON key.
func jsonTagName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case unicode.IsLetter(c) || unicode.IsDigit(c):
		default:
			return false
		}
	}
	return true
}

func (b *builder) inputs(w *load.Workflow, name string) *Struct {
	st := &Struct{GoName: name}
	if w.Inputs == nil {
		return st
	}
	sp := w.InputsSchema
	names, schemas, required := types.Properties(sp)
	fields := newNamer()
	for i, n := range names {
		t := b.schemas.Of(schemas[i], inputHint(name, w.ID.Value, n))
		if !required[n] {
			t = t.Optional()
		}
		doc, def := "", ""
		if s := schemas[i].Schema(); s != nil {
			doc = s.Description
			if s.Default != nil && !required[n] {
				def = b.inputDefault(w, n, t, s.Default)
			}
		}
		if def != "" {
			doc = strings.TrimSpace(doc + "\n\nDefault: " + def + " (applied when the input is absent).")
		}
		omit := !required[n] && t.Nilable()
		st.Fields = append(st.Fields, &Field{GoName: fields.name(GoName(n)), JSONName: n, Type: t, Required: required[n], OmitEmpty: omit, Doc: doc, Default: def})
	}
	return st
}

func (b *builder) step(sc *scope, s *load.Step, vars *namer) *Step {
	for _, u := range s.Unsupported {
		b.errorf(u.Pos, "unsupported", "step field %q is not supported yet", u.Value)
	}
	st := &Step{ID: s.ID.Value, Var: vars.name(localName("step", s.ID.Value)), Description: s.Description, Outputs: &Struct{}}
	if b.isMessageStep(s) {
		return b.messageStep(sc, st, s) // an AsyncAPI step (message.go)
	}
	if !b.oneTarget(s) {
		b.checkUnbound(sc, st, s)
		return nil
	}
	var op *load.Operation
	var opPos diag.Pos
	var xURL string // an x-operation's url as written
	switch {
	case s.XOperation != nil:
		op, st.Source, st.BaseURL, xURL = b.xOperation(sc, s)
	case s.OperationID.Set():
		op, st.Source = b.operation(s.OperationID)
		opPos = s.OperationID.Pos
	case s.OperationPath.Set():
		op, st.Source = b.operationPath(s.OperationPath)
		opPos = s.OperationPath.Pos
	case s.WorkflowID.Set():
		return b.workflowStep(sc, st, s)
	default:
		b.errorf(s.Pos, "missing-field", "step %q has none of operationId, operationPath or workflowId", s.ID.Value)
	}
	if op == nil {
		b.checkUnbound(sc, st, s)
		return nil
	}
	b.warnLost(opPos, st.Source, op)
	st.OperationID, st.Method, st.Path = op.ID, op.Method, op.Path
	if op.Undescribed {
		st.OperationID, st.Path = "x-operation", xURL
	} else {
		st.Accept = acceptHeader(op.Op())
	}
	sc.current, sc.hasResp, sc.response = st, false, nil

	params, inherited := b.mergeParameters(sc, s.Parameters)
	b.parameters(sc, st, s, params, inherited, op)
	b.xSecurity(sc, st, op, s)
	b.requestBody(sc, st, s, op)

	sc.view = responses(op.Op(), s.SuccessCriteria)
	b.warnUndeclaredStatus(st, s.SuccessCriteria, sc.view)
	sc.hasResp, sc.response, st.response = true, sc.view.schema, sc.view.schema
	for _, c := range s.SuccessCriteria {
		if cr := b.criterion(sc, c); cr != nil {
			st.Criteria = append(st.Criteria, cr)
		}
	}
	st.OutputValues = b.outputs(sc, s.Outputs, st.Outputs)
	b.actionsOf(sc, st, s)
	return st
}

// oneTarget reports a step that names more than one target: Arazzo steps name exactly
// one of operationId, operationPath and workflowId (the schema's oneOf; x-operation is a
// target too), and which one the author meant is a guess.
func (b *builder) oneTarget(s *load.Step) bool {
	var names []string
	var second load.Str
	for _, t := range []struct {
		name string
		at   load.Str
	}{{"operationId", s.OperationID}, {"operationPath", s.OperationPath}, {"workflowId", s.WorkflowID}} {
		if t.at.Set() {
			names = append(names, t.name)
			if len(names) == 2 {
				second = t.at
			}
		}
	}
	if s.XOperation != nil {
		names = append(names, "x-operation")
		if len(names) == 2 {
			second = load.Str{Pos: s.XOperation.Pos}
		}
	}
	if len(names) < 2 {
		return true
	}
	b.errorf(second.Pos, "bad-value", "step %q names %s; a step has exactly one target: operationId, operationPath or workflowId", s.ID.Value, strings.Join(names, " and ")).
		WithHint("keep the one the step means and remove the other")
	return false
}

// checkUnbound reports the mistakes in the expressions of a step whose target could not be
// resolved, so that one wrong operationId does not hide a wrong step name in its parameters:
// every problem is reported at once. Without an operation there is nothing to build; the
// step stays failed, and later references to it draw no errors of their own.
func (b *builder) checkUnbound(sc *scope, st *Step, s *load.Step) {
	sc.current, sc.hasResp, sc.response = st, false, nil
	for _, p := range s.Parameters {
		if p.Reference.Set() || p.Value == nil {
			continue
		}
		b.value(sc, p.Value, p.Value.Value, load.PosOf(b.file, p.Value))
	}
	sc.hasResp = true // untyped: there is no response schema
	for _, c := range s.SuccessCriteria {
		b.criterion(sc, c)
	}
	b.outputs(sc, s.Outputs, st.Outputs)
	sc.current, sc.hasResp = nil, false
}

// mergeParameters expands Reusable Objects and adds the workflow's parameters that the
// step does not set itself (same name and location; header names are case-insensitive).
// Workflow parameters apply to every step (features AMB-P2): an operation that does not
// declare one still gets it, as real documents mean for an Authorization header or an API
// key, which OpenAPI never declares as parameters. inherited holds those that came from the
// workflow, which an operation need not declare.
func (b *builder) mergeParameters(sc *scope, own []*load.Parameter) (out []*load.Parameter, inherited map[*load.Parameter]bool) {
	out = b.uniqueParameters(own)
	set := map[[2]string]bool{}
	for _, p := range out {
		set[parameterKey(p)] = true
	}
	inherited = map[*load.Parameter]bool{}
	for _, p := range sc.params {
		if !set[parameterKey(p)] {
			out = append(out, p)
			inherited[p] = true
		}
	}
	return out, inherited
}

// uniqueParameters expands the Reusable Objects of one parameters list. A list that sets
// one parameter twice, which Arazzo does not allow, is read as the later setting replacing
// the earlier one (as Redocly Respect does), with a warning; the request then carries one
// value, which is also what $request reads.
func (b *builder) uniqueParameters(list []*load.Parameter) []*load.Parameter {
	var out []*load.Parameter
	at := map[[2]string]int{}
	for _, p := range list {
		if p.Reference.Set() {
			if p = b.expandParameter(p); p == nil {
				continue
			}
		}
		key := parameterKey(p)
		if i, dup := at[key]; dup {
			first := out[i]
			b.diags.Warnf(p.Name.Pos, "duplicate-parameter", "%s parameter %q sets %q (line %d) again; the later value is sent", p.In.Value, p.Name.Value, first.Name.Value, first.Name.Pos.Line).
				WithHint("remove one of them: a step or workflow sets each parameter once (header names are case-insensitive)")
			out[i] = p
			continue
		}
		at[key] = len(out)
		out = append(out, p)
	}
	return out
}

// parameterKey identifies a parameter: its name (case-insensitive for headers) and location.
func parameterKey(p *load.Parameter) [2]string {
	key := [2]string{p.Name.Value, p.In.Value}
	if p.In.Value == "header" {
		key[0] = strings.ToLower(key[0])
	}
	return key
}

// operation resolves an operationId: "$sourceDescriptions.src.op", the lenient "src.op",
// or a plain id searched in every OpenAPI source.
func (b *builder) operation(id load.Str) (*load.Operation, *Source) {
	ref := id.Value
	srcName := ""
	if e, err := expr.Parse(ref); err == nil && e.Kind == expr.SourceDescriptions {
		srcName, ref = e.Name, e.Field
	} else if strings.HasPrefix(ref, "$") {
		b.errorf(id.Pos, "expression", "operationId %q is not a $sourceDescriptions.<name>.<operationId> expression", id.Value)
		return nil, nil
	} else if name, op, ok := strings.Cut(ref, "."); ok && b.sourceDesc(name) != nil && b.in.OpenAPI[name] != nil && b.in.OpenAPI[name].Operation(op) != nil {
		b.diags.Warnf(id.Pos, "unqualified-source", "operationId %q names a source without the $sourceDescriptions prefix", id.Value).
			WithHint("write operationId: $sourceDescriptions.%s.%s", name, op)
		srcName, ref = name, op
	}
	if srcName != "" {
		sd := b.sourceDesc(srcName)
		if folded := b.foldSourceName(srcName); sd == nil && folded != "" {
			b.diags.Warnf(id.Pos, "source-case", "operationId %q names source %q, which is not declared as written; reading it as %q, the one source that differs only in letter case", id.Value, srcName, folded).
				WithHint("write operationId: $sourceDescriptions.%s.%s", folded, ref)
			srcName, sd = folded, b.sourceDesc(folded)
		}
		if sd == nil {
			b.errorf(id.Pos, "unknown-source", "operationId %q names source %q, which is not in sourceDescriptions", id.Value, srcName)
			return nil, nil
		}
		oa := b.in.OpenAPI[srcName]
		if oa == nil {
			b.arazzoNotOperations(id.Pos, "operationId "+strconv.Quote(id.Value), srcName)
			return nil, nil // or the source failed to load and was reported
		}
		if op := oa.Operation(ref); op != nil {
			b.warnSameID(id.Pos, ref, srcName, oa)
			return op, b.source(srcName)
		}
		if op, _ := b.caseFoldedOperation(id, ref, []string{srcName}); op != nil {
			return op, b.source(srcName)
		}
		d := b.errorf(id.Pos, "unknown-operation", "operation %q is not defined in source %q (%s)", ref, srcName, oa.File)
		b.suggestOperation(d, ref, []*load.OpenAPI{oa})
		return nil, nil
	}
	var found []string
	var op *load.Operation
	var all []*load.OpenAPI
	for _, sd := range b.in.Doc.SourceDescriptions {
		oa := b.in.OpenAPI[sd.Name.Value]
		if oa == nil {
			continue
		}
		all = append(all, oa)
		if o := oa.Operation(ref); o != nil {
			if op == nil {
				op, srcName = o, sd.Name.Value
			}
			found = append(found, sd.Name.Value)
		}
	}
	if op == nil {
		if len(all) == 0 {
			return nil, nil // no source could be loaded; that was reported
		}
		var names []string
		for _, sd := range b.in.Doc.SourceDescriptions {
			names = append(names, sd.Name.Value)
		}
		if op, name := b.caseFoldedOperation(id, ref, names); op != nil {
			return op, b.source(name)
		}
		d := b.errorf(id.Pos, "unknown-operation", "operationId %q is not defined in any source description", ref)
		b.suggestOperation(d, ref, all)
		return nil, nil
	}
	b.warnSameID(id.Pos, ref, srcName, b.in.OpenAPI[srcName])
	if len(found) > 1 {
		b.diags.Warnf(id.Pos, "ambiguous-operation", "operationId %q is defined in sources %s; using %q", ref, strings.Join(found, ", "), srcName).
			WithHint("write operationId: $sourceDescriptions.%s.%s", srcName, ref)
	}
	return op, b.source(srcName)
}

// stepOwner is the id of the first other workflow of the document with a step named id;
// "" when there is none.
func (b *builder) stepOwner(id string) string {
	for _, w := range b.doc.order {
		for _, s := range w.Steps {
			if s.ID.Value == id {
				return w.ID.Value
			}
		}
	}
	return ""
}

// warnSameID reports an operationId that the description gives to several operations:
// the first is used (descriptions do this, though OpenAPI requires ids to be unique).
func (b *builder) warnSameID(pos diag.Pos, ref, srcName string, oa *load.OpenAPI) {
	same := oa.SameID(ref)
	if same == nil {
		return
	}
	var where []string
	for _, op := range same {
		where = append(where, op.Method+" "+op.Path)
	}
	b.diags.Warnf(pos, "ambiguous-operation", "source %q gives operationId %q to %d operations (%s); using the first, %s", srcName, same[0].ID, len(same), strings.Join(where, ", "), where[0]).
		WithHint("name the operation you mean with operationPath: '{$sourceDescriptions.%s.url}#/paths/%s/%s'", srcName, strings.ReplaceAll(strings.ReplaceAll(same[0].Path, "~", "~0"), "/", "~1"), strings.ToLower(same[0].Method))
}

// caseFoldedOperation is the lenient reading of an operationId that no source defines as
// written but exactly one operation of sources spells with other letter case ("PAR" for
// "Par"): that operation and its source name, with a warning naming the right spelling. Two or more candidates
// stay an error, since choosing among them would be a guess.
func (b *builder) caseFoldedOperation(id load.Str, ref string, sources []string) (found *load.Operation, source string) {
	for _, name := range sources {
		oa := b.in.OpenAPI[name]
		if oa == nil {
			continue // not loaded; that was reported
		}
		for _, op := range oa.Operations {
			if op.ID != "" && strings.EqualFold(op.ID, ref) {
				if found != nil && found != op {
					return nil, ""
				}
				found, source = op, name
			}
		}
	}
	if found != nil {
		b.diags.Warnf(id.Pos, "operation-case", "operationId %q is not defined as written; reading it as %q, the one operation that differs only in letter case", ref, found.ID).
			WithHint("write %q: operationIds are case-sensitive", found.ID)
	}
	return found, source
}

func (b *builder) suggestOperation(d *diag.Diagnostic, id string, oas []*load.OpenAPI) {
	var ids []string
	for _, oa := range oas {
		for _, op := range oa.Operations {
			if op.ID != "" {
				ids = append(ids, op.ID)
			}
		}
	}
	if s := closest(id, ids); s != "" {
		d.WithHint("did you mean %q?", s)
	}
}

func (b *builder) sourceDesc(name string) *load.Source {
	for _, s := range b.in.Doc.SourceDescriptions {
		if s.Name.Value == name {
			return s
		}
	}
	return nil
}

func (b *builder) criterion(sc *scope, c *load.Criterion) *Criterion {
	switch c.Type.Value {
	case "", "simple":
	case "regex", "jsonpath", "xpath":
		return b.patternCriterion(sc, c)
	default:
		b.errorf(c.Type.Pos, "bad-value", "criterion type %q is not one of simple, regex, jsonpath or xpath", c.Type.Value)
		return nil
	}
	cond, err := expr.ParseCondition(c.Condition.Value)
	if err != nil {
		pe := err.(*expr.Error)
		b.errorf(innerPos(c.Condition.Node, c.Condition.Pos, pe.Offset), "condition", "malformed condition: %s", pe.Msg)
		return nil
	}
	out := b.cond(sc, cond, c.Condition)
	if out == nil {
		return nil
	}
	return &Criterion{Text: strings.TrimSpace(c.Condition.Value), Cond: out}
}

func (b *builder) cond(sc *scope, c expr.Cond, at load.Str) *Cond {
	switch c := c.(type) {
	case *expr.Binary:
		l, r := b.cond(sc, c.L, at), b.cond(sc, c.R, at)
		if l == nil || r == nil {
			return nil
		}
		return &Cond{Op: c.Op, L: l, R: r}
	case *expr.Not:
		x := b.cond(sc, c.X, at)
		if x == nil {
			return nil
		}
		return &Cond{Op: "!", L: x}
	case *expr.Lit:
		if c.DoubleQuoted {
			single := "'" + strings.ReplaceAll(c.Text, "'", "''") + "'"
			b.diags.Warnf(innerPos(at.Node, at.Pos, c.Off), "double-quoted-string", "string literal %q is double-quoted, but conditions quote strings with single quotes; reading it as %s", c.Text, single).
				WithHint("write %s", single)
		}
		return &Cond{Value: condLiteral(c)}
	case *expr.Ref:
		v := b.ref(sc, c.Expr, innerPos(at.Node, at.Pos, c.Off))
		if v == nil {
			return nil
		}
		return &Cond{Value: v}
	}
	return nil
}

func condLiteral(l *expr.Lit) *Value {
	switch l.Kind {
	case expr.LitBool:
		return &Value{Kind: VLit, Type: types.Type{Kind: types.Bool}, JSON: l.Text}
	case expr.LitNumber:
		// The number in canonical form: it is written into Go source, where the text as
		// written may mean something else or nothing ("09" is no Go number, "010" is 8).
		if i, err := strconv.ParseInt(l.Text, 10, 64); err == nil && l.IsInt {
			return &Value{Kind: VLit, Type: types.Type{Kind: types.Int64}, JSON: strconv.FormatInt(i, 10)}
		}
		return &Value{Kind: VLit, Type: types.Type{Kind: types.Float64}, JSON: strconv.FormatFloat(l.Num, 'g', -1, 64)}
	case expr.LitString:
		q, _ := json.Marshal(l.Text)
		return &Value{Kind: VLit, Type: types.Type{Kind: types.String}, JSON: string(q), Text: l.Text}
	}
	return &Value{Kind: VLit, Type: types.Type{Kind: types.Raw}, JSON: "null"}
}

// innerPos is the position of byte offset off inside a scalar node's value.
func innerPos(n *yaml.Node, at diag.Pos, off int) diag.Pos {
	if n == nil {
		return at
	}
	switch n.Style {
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		return at.Shift(1 + off)
	case yaml.LiteralStyle, yaml.FoldedStyle:
		return at
	}
	if strings.Contains(n.Value[:min(off, len(n.Value))], "\n") {
		return at
	}
	return at.Shift(off)
}

// value compiles a YAML node (a parameter value, payload, or output) into a Value. text
// and pos are used for scalar strings given directly (outputs).
func (b *builder) value(sc *scope, n *yaml.Node, text string, pos diag.Pos) *Value {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		if b.isSelector(n) {
			return b.selector(sc, n)
		}
		v := &Value{Kind: VObject, Type: types.Type{Kind: types.Raw}}
		names := newNamer()
		ok := true
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, e := n.Content[i], n.Content[i+1]
			ev := b.value(sc, e, e.Value, load.PosOf(b.file, e))
			if ev == nil {
				ok = false
				continue
			}
			v.Keys = append(v.Keys, k.Value)
			v.FieldNames = append(v.FieldNames, names.name(GoName(k.Value)))
			v.Elems = append(v.Elems, ev)
		}
		if !ok {
			return nil
		}
		return foldLiteral(v)
	case yaml.SequenceNode:
		v := &Value{Kind: VArray, Type: types.Type{Kind: types.Raw}}
		ok := true
		for _, e := range n.Content {
			ev := b.value(sc, e, e.Value, load.PosOf(b.file, e))
			if ev == nil {
				ok = false
				continue
			}
			v.Elems = append(v.Elems, ev)
		}
		if !ok {
			return nil
		}
		return foldLiteral(v)
	case yaml.AliasNode:
		return b.value(sc, n.Alias, n.Alias.Value, pos)
	}
	pos = load.PosOf(b.file, n)
	switch n.Tag {
	case "!!int", "!!float":
		return b.number(n, pos)
	case "!!bool":
		return &Value{Kind: VLit, Type: types.Type{Kind: types.Bool}, JSON: strings.ToLower(n.Value)}
	case "!!null":
		return &Value{Kind: VLit, Type: types.Type{Kind: types.Raw}, JSON: "null"}
	}
	return b.stringValue(sc, n, n.Value, pos)
}

func (b *builder) number(n *yaml.Node, pos diag.Pos) *Value {
	if n.Tag == "!!int" {
		if i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil {
			return &Value{Kind: VLit, Type: types.Type{Kind: types.Int64}, JSON: strconv.FormatInt(i, 10)}
		}
	}
	f, err := strconv.ParseFloat(n.Value, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		b.errorf(pos, "bad-value", "number %q cannot be represented in JSON", n.Value)
		return nil
	}
	return &Value{Kind: VLit, Type: types.Type{Kind: types.Float64}, JSON: strconv.FormatFloat(f, 'g', -1, 64)}
}

// foldLiteral turns an object or array whose elements are all literal into one literal.
func foldLiteral(v *Value) *Value {
	for _, e := range v.Elems {
		if !e.IsLiteral() {
			return v
		}
	}
	var sb strings.Builder
	open, close := "[", "]"
	if v.Kind == VObject {
		open, close = "{", "}"
	}
	sb.WriteString(open)
	for i, e := range v.Elems {
		if i > 0 {
			sb.WriteByte(',')
		}
		if v.Kind == VObject {
			k, _ := json.Marshal(v.Keys[i])
			sb.Write(k)
			sb.WriteByte(':')
		}
		sb.WriteString(e.JSON)
	}
	sb.WriteString(close)
	return &Value{Kind: VLit, Type: types.Type{Kind: types.Raw}, JSON: sb.String()}
}

func (b *builder) stringValue(sc *scope, n *yaml.Node, s string, pos diag.Pos) *Value {
	if e, ok := b.spelledName(sc, s, pos); ok {
		v := b.ref(sc, e, pos)
		if v != nil {
			v.Src = s
		}
		return v
	}
	pv, err := expr.ParseValue(s)
	if err != nil {
		pe := err.(*expr.Error)
		b.errorf(innerPos(n, pos, pe.Offset), "expression", "malformed runtime expression: %s", pe.Msg)
		return nil
	}
	if pv.Whole != nil {
		v := b.ref(sc, *pv.Whole, pos)
		if v != nil {
			v.Src = pv.Whole.Raw
		}
		return v
	}
	if pv.IsLiteral() {
		q, _ := json.Marshal(s)
		return &Value{Kind: VLit, Type: types.Type{Kind: types.String}, JSON: string(q), Text: s}
	}
	v := &Value{Kind: VTemplate, Type: types.Type{Kind: types.String}, Src: s}
	warned := false
	for _, part := range pv.Parts {
		if part.Expr == nil {
			q, _ := json.Marshal(part.Lit)
			v.Parts = append(v.Parts, &Value{Kind: VLit, Type: types.Type{Kind: types.String}, JSON: string(q), Text: part.Lit})
			continue
		}
		at := innerPos(n, pos, part.Offset)
		if part.Unbraced && !warned {
			warned = true
			b.diags.Warnf(at, "unbraced-expression", "runtime expression %s is embedded in text without braces; reading it as {%s}", part.Expr.Raw, part.Expr.Raw).
				WithHint("write %q", pv.Braced())
		}
		pvv := b.ref(sc, *part.Expr, at)
		if pvv == nil {
			return nil
		}
		v.Parts = append(v.Parts, pvv)
	}
	return v
}

// spelledName reads a whole value that the grammar cannot parse but that spells
// "$inputs.<name>" or "$steps.<id>.outputs.<name>" with declared names exactly: names
// outside the grammar ("tagName[]", "$.xgafv", "Search ArticlesResponse", step ids with
// spaces) have that one reading. It warns, naming the names to change.
func (b *builder) spelledName(sc *scope, s string, pos diag.Pos) (expr.Expr, bool) {
	if !expr.LooksLikeExpression(s) {
		return expr.Expr{}, false
	}
	if _, err := expr.Parse(s); err == nil {
		return expr.Expr{}, false
	}
	e, renames := b.spelled(sc, s)
	if len(renames) == 0 {
		return expr.Expr{}, false // the names fit the grammar; the text around them does not
	}
	b.diags.Warnf(pos, "name-outside-grammar", "runtime expression %q is outside the expression grammar, whose names are letters, digits, '.', '-' and '_' (no dots in step ids); it spells declared names exactly, so it is read as them", s).
		WithHint("rename %s, and refer to the new names", strings.Join(renames, " and "))
	return e, true
}

// spelled finds the input or step output that s spells exactly ("$inputs.tag[]"), and the
// renames that would bring its names into the grammar; e is the zero Expr when s spells
// none.
func (b *builder) spelled(sc *scope, s string) (e expr.Expr, renames []string) {
	if rest, ok := strings.CutPrefix(s, "$inputs."); ok && slices.Contains(jsonNames(sc.wf.Inputs.Fields), rest) {
		e = expr.Expr{Kind: expr.Inputs, Name: rest, Raw: s}
		if !outputKeyRE.MatchString(rest) {
			renames = append(renames, fmt.Sprintf("input %q to %q", rest, grammarName(rest, false)))
		}
	}
	for _, st := range sc.wf.Steps {
		rest, ok := strings.CutPrefix(s, "$steps."+st.ID+".outputs.")
		if !ok || !slices.Contains(jsonNames(st.Outputs.Fields), rest) {
			continue
		}
		e = expr.Expr{Kind: expr.Steps, Name: st.ID, Field: rest, Raw: s}
		if !stepIDRE.MatchString(st.ID) {
			renames = append(renames, fmt.Sprintf("step %q to %q", st.ID, grammarName(st.ID, true)))
		}
		if !outputKeyRE.MatchString(rest) {
			renames = append(renames, fmt.Sprintf("output %q to %q", rest, grammarName(rest, false)))
		}
		break
	}
	return e, renames
}

// grammarName is name with every run of characters that the expression grammar does not
// allow in names replaced by '_' (and dots too for step and workflow ids, strict).
func grammarName(name string, strict bool) string {
	var sb strings.Builder
	under := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' && !strict {
			sb.WriteByte(c)
			under = false
		} else if !under {
			sb.WriteByte('_')
			under = true
		}
	}
	if out := strings.Trim(sb.String(), "_."); out != "" {
		return out
	}
	return "name"
}

// ref resolves one runtime expression in a scope. An expression read leniently (a habit
// of expr.Habit) gets one warning naming its strict spelling.
func (b *builder) ref(sc *scope, e expr.Expr, pos diag.Pos) *Value {
	v := b.resolve(sc, &e, pos)
	if v != nil && e.Habits != 0 {
		b.warnHabits(pos, e)
	}
	return v
}

// resolve compiles e, completing its habits' readings in place (the output a
// "$steps.s.name" names, the base name of a dot drill, …).
func (b *builder) resolve(sc *scope, e *expr.Expr, pos diag.Pos) *Value {
	switch e.Kind {
	case expr.Inputs:
		if e.Habits&expr.WholeInputs != 0 {
			if len(e.Pointer) == 0 {
				return wholeInputs(sc.wf.Inputs)
			}
			// "$inputs#/files/0": the first token names the input.
			e.Name, e.Pointer = e.Pointer[0], e.Pointer[1:]
			e.HasPointer = len(e.Pointer) > 0
		}
		if f := lookupField(sc.wf.Inputs.Fields, e.Name, e); f != nil {
			e.Name = f.JSONName
			return drill(&Value{Kind: VInput, Field: f, Type: f.Type, Src: e.Raw}, *e, b, pos)
		}
		if sc.doc.InputsUnresolved {
			return nil // the inputs schema's broken $ref is reported
		}
		f, ok := b.unknownName(pos, declared(sc.wf.Inputs.Fields), e.Name, fmt.Sprintf("workflow %q", sc.wf.ID), "input")
		if !ok {
			return nil
		}
		if f == nil {
			if !inputNameRE.MatchString(e.Name) {
				d := b.errorf(pos, "unknown-input", "workflow %q has no input %q", sc.wf.ID, e.Name)
				hintNames(d, e.Name, jsonNames(declared(sc.wf.Inputs.Fields)), "inputs")
				return nil
			}
			// An interpreter hands the workflow whatever inputs its caller gives, so a
			// document can read one its inputs schema never declares. The lenient reading
			// declares it: an optional input of any JSON value, which the caller gives as
			// it would have.
			b.diags.Warnf(pos, "undeclared-input", "workflow %q has no input %q; reading it as an added optional input of any JSON value", sc.wf.ID, e.Name).
				WithHint("declare %q under the workflow's inputs properties", e.Name)
			f = addInput(sc.wf.Inputs, e.Name)
		}
		e.Name = f.JSONName
		return drill(&Value{Kind: VInput, Field: f, Type: f.Type, Src: e.Raw}, *e, b, pos)
	case expr.Steps:
		st := sc.steps[e.Name]
		if st == nil && sc.failed[e.Name] {
			return nil // the step's own errors are reported
		}
		if st == nil {
			if sc.current != nil && sc.current.ID == e.Name {
				b.errorf(pos, "self-reference", "step %q cannot read its own outputs; use $response or $statusCode", e.Name)
				return nil
			}
			if slices.ContainsFunc(sc.doc.Steps, func(s *load.Step) bool { return s.ID.Value == e.Name }) {
				d := b.errorf(pos, "forward-reference", "step %q runs after this point, so its outputs are not available here", e.Name)
				if sc.current != nil {
					d.WithHint("add %q to the dependsOn of step %q (Arazzo 1.1), so that it runs first, or move the step", e.Name, sc.current.ID)
				}
				return nil
			}
			var ids []string
			for _, s := range sc.doc.Steps {
				ids = append(ids, s.ID.Value)
			}
			if other := b.stepOwner(e.Name); other != "" && closest(e.Name, ids) == "" && e.Habits&expr.OmittedOutputs == 0 && e.Field != "" {
				// A step of another workflow, whose outputs are not in scope: an interpreter
				// finds no value there, which is the lenient reading (as for an undefined
				// output). A step that no workflow has stays an error.
				d, ok := b.readAsNull(pos, "other-workflow-step", fmt.Sprintf("workflow %q has no step %q: that is a step of workflow %q, whose step outputs this workflow cannot read", sc.wf.ID, e.Name, other), fmt.Sprintf("%s has no value when the workflow runs (null)", e.Raw), e.Raw)
				d.WithHint("make the value an output of workflow %q, add that workflow to dependsOn, and read $workflows.%s.outputs.<name>", other, other)
				if !ok {
					return nil
				}
				return absent(e.Raw)
			}
			d := b.errorf(pos, "unknown-step", "workflow %q has no step %q", sc.wf.ID, e.Name)
			hintNames(d, e.Name, ids, "steps")
			return nil
		}
		if f := lookupField(st.Outputs.Fields, e.Field, e); f != nil {
			e.Field = f.JSONName
			return drill(&Value{Kind: VStepOutput, Step: st, Field: f, Type: f.Type, Src: e.Raw}, *e, b, pos)
		}
		if e.Habits&expr.OmittedOutputs != 0 {
			d := b.errorf(pos, "unknown-output", "%s is not a step output reference: the grammar wants $steps.%s.outputs.<name>, and step %q has no output %q", e.Raw, st.ID, st.ID, e.Field)
			hintNames(d, e.Field, jsonNames(st.Outputs.Fields), "outputs")
			return nil
		}
		f, ok := b.unknownName(pos, st.Outputs.Fields, e.Field, fmt.Sprintf("step %q", st.ID), "output")
		if !ok {
			return nil
		}
		if f != nil {
			e.Field = f.JSONName
			return drill(&Value{Kind: VStepOutput, Step: st, Field: f, Type: f.Type, Src: e.Raw}, *e, b, pos)
		}
		return b.absentOutput(pos, e, fmt.Sprintf("step %q", st.ID), e.Field, st.Outputs.Fields)
	case expr.MessageHeader, expr.MessagePayload:
		return b.messageRef(sc, e, pos)
	case expr.StatusCode, expr.ResponseBody, expr.ResponseHeader:
		if sc.message != nil {
			return b.notHTTP(sc, e, pos)
		}
		if !sc.hasResp && sc.callee != nil {
			b.errorf(pos, "no-response", "%s cannot be used in step %q: the step runs workflow %q, and a workflow has no HTTP response of its own", e.Raw, sc.current.ID, sc.callee.Workflow.ID).
				WithHint("a workflow step succeeds when the workflow does; test its outputs ($outputs.<name>) instead")
			return nil
		}
		if !sc.hasResp {
			where := "before its response exists"
			if sc.current == nil {
				where = "outside a step"
			}
			b.errorf(pos, "no-response", "%s cannot be used %s", e.Raw, where)
			return nil
		}
		switch e.Kind {
		case expr.StatusCode:
			return &Value{Kind: VStatus, Type: types.Type{Kind: types.Int64}, Src: e.Raw}
		case expr.ResponseHeader:
			return &Value{Kind: VResponseHeader, Name: http.CanonicalHeaderKey(e.Name), Type: types.Type{Kind: types.String}, Src: e.Raw}
		}
		v := &Value{Kind: VResponseBody, Pointer: e.Pointer, Src: e.Raw}
		if v := b.declaredBody(sc, e, pos, v); v != nil {
			return v
		}
		split, bracketed := bracketIndexes(e.Pointer)
		if sc.response == nil {
			if bracketed {
				b.warnBrackets(pos, e.Pointer, split)
				v.Pointer = split
			}
			v.Type = types.Type{Kind: types.Raw}
			return v
		}
		t, known := b.responseType(sc, e.Pointer)
		if !known && bracketed {
			b.warnBrackets(pos, e.Pointer, split)
			v.Pointer = split
			t, known = b.responseType(sc, split)
		}
		if !known {
			b.diags.Warnf(pos, "unknown-pointer", "the response schema of operation %s has nothing at %s; the value is untyped", sc.current.OperationID, pointerText(e.Pointer)).
				WithHint("check the pointer against the operation's response schema")
		}
		v.Type = t
		if known {
			// A value the schema does not require may be absent, which its type must tell
			// from the zero value (a pointer; slices, maps and raw JSON are nil); one it
			// requires fails the step when it is absent (Value.Required).
			v.Required = types.RequiredAt(sc.response, v.Pointer)
			if !v.Required {
				v.Type = t.Optional()
			}
		}
		return v
	case expr.Outputs:
		if sc.callee != nil {
			return b.callOutput(sc, sc.callee, e, &e.Name, pos)
		}
		b.errorf(pos, "unsupported", "%s reads this workflow's own outputs, which exist only when it ends; refer to the step output instead", e.Raw)
		return nil
	case expr.Workflows:
		if e.WorkflowField == "inputs" {
			return b.workflowInput(sc, e, pos)
		}
		for _, d := range sc.wf.DependsOn {
			if d.Workflow.ID == e.Name && d.Workflow.home == b.doc {
				// Without ".outputs." (habit OmittedWorkflowField) the name can only be
				// one of the outputs, the one part of another workflow that can be read.
				e.WorkflowField = "outputs"
				return b.callOutput(sc, d, e, &e.Field, pos)
			}
		}
		for _, d := range sc.wf.DependsOn {
			if d.Workflow.ID == e.Name {
				// $workflows.<id> names a workflow by its workflowId, which only this
				// document's workflows are known by: another document's is always
				// $sourceDescriptions.<name>.<workflowId>, which has no outputs form.
				b.errorf(pos, "unsupported", "%s: $workflows names only this document's workflows, and %q in dependsOn is a workflow of another document (%s)", e.Raw, e.Name, d.Workflow.home.linked.Doc.File).
					WithHint("run it in a workflowId step and read its outputs with $outputs.<name> in that step's outputs")
				return nil
			}
		}
		if b.doc.workflows[e.Name] == nil {
			d := b.errorf(pos, "unknown-workflow", "%s reads workflow %q, which the document does not have", e.Raw, e.Name)
			b.hintWorkflow(d, e.Name)
			return nil
		}
		// Read leniently as the dependsOn the author left out: a workflow's outputs exist only
		// once it has run, and dependsOn is how a workflow runs another one first.
		call := b.call(sc, load.Str{Value: e.Name, Pos: pos}, nil, nil)
		if call == nil {
			return nil // the cycle is reported
		}
		b.diags.Warnf(pos, "implicit-depends-on", "%s reads workflow %q, which is not in this workflow's dependsOn; running %q first as if it were", e.Raw, e.Name, e.Name).
			WithHint("add %q to the dependsOn of workflow %q", e.Name, sc.wf.ID)
		call.Var = sc.vars.name(localName("dep", call.Workflow.ID))
		sc.wf.DependsOn = append(sc.wf.DependsOn, call)
		e.WorkflowField = "outputs"
		return b.callOutput(sc, call, e, &e.Field, pos)
	case expr.RequestHeader, expr.RequestQuery, expr.RequestPath, expr.RequestBody:
		if sc.message != nil {
			return b.notHTTP(sc, e, pos)
		}
		return b.requestRef(sc, *e, pos)
	case expr.Self:
		return b.selfRef(*e, pos)
	case expr.Method:
		return b.methodRef(sc, *e, pos)
	case expr.URL:
		return b.urlRef(sc, *e, pos)
	case expr.SourceDescriptions:
		return b.sourceRef(*e, pos)
	}
	b.noValueRoot(*e, pos)
	return nil
}

// absentOutput is the lenient reading of an output reference whose step or workflow does
// not define that output: no value (JSON null), which is what an interpreter evaluates it
// to. A parameter with no value is left out of the request; a condition compares null.
func (b *builder) absentOutput(pos diag.Pos, e *expr.Expr, owner, name string, known []*Field) *Value {
	d, ok := b.readAsNull(pos, "undefined-output", fmt.Sprintf("%s has no output %q", owner, name), fmt.Sprintf("%s has no value when the workflow runs (null)", e.Raw), e.Raw)
	if !ok && len(known) > 0 {
		d.WithHint("read one of the outputs of %s (%s), or add %q to them", owner, strings.Join(jsonNames(known), ", "), name)
		return nil
	}
	d.WithHint("add %q to the outputs of %s", name, owner)
	if !ok {
		return nil
	}
	return absent(e.Raw)
}

// unknownName decides how a reference to an input or output that fields lack is read. A
// name that differs from one field's only in letter case means that field (a warning says
// so); a name near another one is a likely typo, an error with "did you mean" (ok false).
// Otherwise it returns nil and ok, and the caller reads the reference leniently.
func (b *builder) unknownName(pos diag.Pos, fields []*Field, name, owner, what string) (f *Field, ok bool) {
	var folded []*Field
	for _, f := range fields {
		if strings.EqualFold(f.JSONName, name) {
			folded = append(folded, f)
		}
	}
	if len(folded) == 1 {
		b.diags.Warnf(pos, "name-case", "%s has no %s %q; reading it as %q, the one %s that differs only in letter case", owner, what, name, folded[0].JSONName, what).
			WithHint("write %q: names are case-sensitive", folded[0].JSONName)
		return folded[0], true
	}
	names := jsonNames(fields)
	if near := closest(name, names); near != "" {
		b.errorf(pos, "unknown-"+what, "%s has no %s %q", owner, what, name).WithHint("did you mean %q?", near)
		return nil, false
	}
	return nil, true
}

// absent is the value of a reference that reads leniently as no value: JSON null, which a
// parameter is left out for and an output holds as null.
func absent(src string) *Value {
	return &Value{Kind: VLit, JSON: "null", Type: types.Type{Kind: types.Raw}, Src: src}
}

func propertyNames(sp *base.SchemaProxy) []string {
	names, _, _ := types.Properties(sp)
	return names
}

// declared lists the inputs the inputs schema declares: names added leniently are no
// candidates for "did you mean" or a letter-case reading, since the document never chose
// them.
func declared(fields []*Field) []*Field {
	var out []*Field
	for _, f := range fields {
		if !f.Added {
			out = append(out, f)
		}
	}
	return out
}

// inputNameRE is the name an added input may have (the 1.1 grammar's identifier): a name
// outside it is more likely a broken expression than an input the schema forgot.
var inputNameRE = outputKeyRE

// addInput declares an input the inputs schema does not (see resolve): optional, of any
// JSON value, with a Go field name unique in the struct.
func addInput(in *Struct, name string) *Field {
	names := newNamer()
	for _, f := range in.Fields {
		names.used[f.GoName] = true
	}
	f := &Field{GoName: names.name(GoName(name)), JSONName: name, Type: types.Type{Kind: types.Raw}, OmitEmpty: true, Added: true,
		Doc: "Added: the workflow reads this input, which its inputs schema does not declare."}
	in.Fields = append(in.Fields, f)
	return f
}

// spellsNothing reports whether s names no declared input or step output as written, so
// that text after a space in it is not part of a name ("$steps.s.outputs.Order ids").
func (b *builder) spellsNothing(sc *scope, s string) bool {
	e, _ := b.spelled(sc, s)
	return e.Raw == ""
}

// expressionWithNote reads the habit of annotating an output's expression with prose
// ("$steps.list.outputs.items (array of orders)"). An output is one runtime expression,
// so text after it, past white space and holding no other expression, can only be a note:
// words, a parenthesis, or a comment marker ("- ", "// ", "# "). Text that starts with an
// operator ("$statusCode == 200") is no note.
func expressionWithNote(text string) (expression, note string, ok bool) {
	head, note, found := strings.Cut(strings.TrimSpace(text), " ")
	note = strings.TrimSpace(note)
	if !found || note == "" || !strings.HasPrefix(head, "$") || strings.ContainsAny(note, "${}") {
		return "", "", false
	}
	r, _ := utf8.DecodeRuneInString(note)
	marker := strings.HasPrefix(note, "- ") || strings.HasPrefix(note, "// ") || strings.HasPrefix(note, "# ")
	if r != '(' && !unicode.IsLetter(r) && !marker {
		return "", "", false
	}
	if _, err := expr.Parse(head); err != nil {
		return "", "", false
	}
	return head, note, true
}

// bracketIndexes reads the habit of indexing arrays with brackets inside a JSON pointer
// ("#/items[0]/id"): each token "name[i]…" becomes "name", "i", …. ok is false when no
// token has that form. A member really named "items[0]" is far less likely than the habit,
// so the reading applies whenever the schema does not know the pointer as written.
func bracketIndexes(pointer []string) (split []string, ok bool) {
	for _, tok := range pointer {
		name, rest, found := strings.Cut(tok, "[")
		if !found || !strings.HasSuffix(rest, "]") {
			split = append(split, tok)
			continue
		}
		var idx []string
		for _, part := range strings.Split(strings.TrimSuffix(rest, "]"), "][") {
			if part == "" || strings.Trim(part, "0123456789") != "" {
				idx = nil
				break
			}
			idx = append(idx, part)
		}
		if idx == nil {
			split = append(split, tok)
			continue
		}
		if name != "" {
			split = append(split, name)
		}
		split = append(split, idx...)
		ok = true
	}
	return split, ok
}

func (b *builder) warnBrackets(pos diag.Pos, pointer, split []string) {
	b.diags.Warnf(pos, "pointer-brackets", "JSON pointer %s indexes an array with brackets, which JSON pointers do not have; reading it as %s", pointerText(pointer), pointerText(split)).
		WithHint("write %s", pointerText(split))
}

// wholeInputs is the value of "$inputs" alone (habit WholeInputs): an object of every
// input, encoded as the inputs are (an optional input that was not given is left out).
func wholeInputs(in *Struct) *Value {
	v := &Value{Kind: VObject, Type: types.Type{Kind: types.Raw}, Src: "$inputs"}
	for _, f := range in.Fields {
		v.Keys = append(v.Keys, f.JSONName)
		v.FieldNames = append(v.FieldNames, f.GoName)
		v.Elems = append(v.Elems, &Value{Kind: VInput, Field: f, Type: f.Type, Src: "$inputs." + f.JSONName})
	}
	return v
}

// warnHabits reports the lenient reading of an expression with its strict spelling.
func (b *builder) warnHabits(pos diag.Pos, e expr.Expr) {
	if e.Habits&expr.WholeInputs != 0 && e.Name == "" {
		b.diags.Warnf(pos, "expression-habit", "runtime expression %s %s; reading it as the object of all the workflow's inputs", e.Raw, e.Habits.Describe()).
			WithHint("read the input the value needs, as in $inputs.<name>")
		return
	}
	strict := e.Strict()
	b.diags.Warnf(pos, "expression-habit", "runtime expression %s %s; reading it as %s", e.Raw, e.Habits.Describe(), strict).
		WithHint("write %s", strict)
}

// lookupField finds the field (an input or output) that name names: exactly, or by the
// dot-drill habit, which moves the rest of name into e's pointer.
func lookupField(fields []*Field, name string, e *expr.Expr) *Field {
	find := func(n string) *Field {
		for _, f := range fields {
			if f.JSONName == n {
				return f
			}
		}
		return nil
	}
	if f := find(name); f != nil || e.HasPointer {
		return f
	}
	base, tokens, ok := dotDrill(name, jsonNames(fields))
	if !ok {
		return nil
	}
	e.HasPointer, e.Pointer = true, tokens
	e.Habits |= expr.DotDrill
	return find(base)
}

func jsonNames(fields []*Field) []string {
	var names []string
	for _, f := range fields {
		names = append(names, f.JSONName)
	}
	return names
}

// drill applies a "#/pointer" suffix to an input or step output.
func drill(v *Value, e expr.Expr, b *builder, pos diag.Pos) *Value {
	if !e.HasPointer || len(e.Pointer) == 0 {
		return v
	}
	if !selectable(v.Type) {
		whole := e
		whole.HasPointer, whole.Pointer = false, nil
		// Read leniently, as an interpreter would evaluate it: a pointer into a string,
		// number or boolean selects nothing, so the value is absent (JSON null).
		d, ok := b.readAsNull(pos, "bad-pointer", fmt.Sprintf("%s has type %s, so %s cannot select inside it (a JSON pointer selects inside an object or array value)", whole.Strict(), v.Type.NonNull(), pointerText(e.Pointer)), "the value is null when the workflow runs", e.Raw)
		if src := definition(v); src != "" {
			d.WithHint("output %q is %s, which is that %s value already; read the output without a pointer, or make it the enclosing object", v.Field.JSONName, src, v.Type.NonNull())
		}
		if !ok {
			return nil
		}
		return absent(e.Raw)
	}
	v.Pointer = e.Pointer
	v.Type = types.Type{Kind: types.Raw} // the selected JSON value, whatever the type of the whole
	return v
}

// definition is the expression that defines an output value, or "" when v is none.
func definition(v *Value) string {
	var fields []*Field
	var values []*Value
	switch v.Kind {
	case VStepOutput:
		fields, values = v.Step.Outputs.Fields, v.Step.OutputValues
	case VCallOutput:
		fields, values = v.Call.Workflow.Outputs.Fields, v.Call.Workflow.OutputValues
	default:
		return ""
	}
	if i := slices.Index(fields, v.Field); i >= 0 && i < len(values) {
		return values[i].Src
	}
	return ""
}

func pointerText(tokens []string) string {
	var sb strings.Builder
	sb.WriteString("#")
	for _, t := range tokens {
		sb.WriteString("/" + strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1"))
	}
	if len(tokens) == 0 {
		return "the whole body"
	}
	return sb.String()
}

func hintNames(d *diag.Diagnostic, name string, names []string, what string) {
	if s := closest(name, names); s != "" {
		d.WithHint("did you mean %q?", s)
	} else if len(names) > 0 {
		d.WithHint("known %s: %s", what, strings.Join(names, ", "))
	} else {
		d.WithHint("there are no %s to refer to", what)
	}
}

// closest returns the candidate nearest to s by edit distance, if it is near enough.
func closest(s string, candidates []string) string {
	best, bestD := "", math.MaxInt
	for _, c := range candidates {
		if d := distance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if bestD <= max(2, len(s)/3) {
		return best
	}
	return ""
}

func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// dotDrill reads the habit of drilling into a value with dots and brackets after its name
// ("items.data[0].id" where only "items" exists; features AMB-E4, STATS.md habit 3): the
// longest known name that the text starts with, and the rest as JSON Pointer tokens.
func dotDrill(name string, known []string) (base string, tokens []string, ok bool) {
	for i := len(name) - 1; i > 0; i-- {
		if name[i] != '.' && name[i] != '[' {
			continue
		}
		if !slices.Contains(known, name[:i]) {
			continue
		}
		rest := name[i:]
		for rest != "" {
			switch rest[0] {
			case '.':
				end := strings.IndexAny(rest[1:], ".[")
				if end < 0 {
					end = len(rest) - 1
				}
				if end == 0 {
					return "", nil, false
				}
				tokens = append(tokens, rest[1:1+end])
				rest = rest[1+end:]
			case '[':
				end := strings.IndexByte(rest, ']')
				if end < 2 {
					return "", nil, false
				}
				tokens = append(tokens, strings.Trim(rest[1:end], `'"`))
				rest = rest[end+1:]
			default:
				return "", nil, false
			}
		}
		return name[:i], tokens, true
	}
	return "", nil, false
}
