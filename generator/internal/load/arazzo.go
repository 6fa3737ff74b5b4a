// Package load reads an Arazzo document and the OpenAPI descriptions it references.
//
// The Arazzo document is decoded from YAML nodes into a small model in which every value
// keeps its position, so that later stages can point at the exact line and column of any
// mistake. (libopenapi's Arazzo model drops unknown fields and only keeps positions on its
// low-level twin; decoding the nodes directly is simpler and loses nothing.) OpenAPI
// descriptions are parsed with libopenapi.
package load

import (
	"bytes"
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/diag"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	yaml "go.yaml.in/yaml/v4"
)

// Str is a scalar string value with its position. Node is nil when the field was absent.
type Str struct {
	Value string
	Pos   diag.Pos
	Node  *yaml.Node
}

// Set reports whether the field was present in the document.
func (s Str) Set() bool { return s.Node != nil }

// Document is a decoded Arazzo document.
type Document struct {
	File   string // display path of the document
	Arazzo Str
	// Self is the 1.1 $self: the document's URI, and the base URI of its references.
	Self               Str
	Title              string
	Version            string // info.version
	SourceDescriptions []*Source
	Workflows          []*Workflow
	Components         Components
	Pos                diag.Pos
}

// Components are the document's reusable objects, by key in document order.
type Components struct {
	Inputs         map[string]*yaml.Node
	Parameters     map[string]*Parameter
	SuccessActions map[string]*Action
	FailureActions map[string]*Action
	// Node is the components mapping, for $ref resolution inside input schemas.
	Node *yaml.Node
}

// Source is a sourceDescription.
type Source struct {
	Name, URL, Type Str
	Pos             diag.Pos
}

// Workflow is one Arazzo workflow.
type Workflow struct {
	ID          Str
	Summary     string
	Description string
	Inputs      *yaml.Node // JSON Schema, or nil
	// InputsSchema is Inputs as a schema, its "$ref"s into the document resolved.
	InputsSchema *base.SchemaProxy
	// InputsUnresolved is set when a "$ref" of Inputs points at nothing (reported); its
	// inputs are unknown, so references to them are not reported again.
	InputsUnresolved bool
	DependsOn        []Str
	Parameters       []*Parameter
	Steps            []*Step
	// SuccessActions and FailureActions apply to every step (steps' own actions first).
	SuccessActions []*Action
	FailureActions []*Action
	// XSecurity is the x-security extension (xsecurity.go), applied to every step before
	// the step's own.
	XSecurity []*XSecurity
	Outputs   []*Output
	Pos       diag.Pos
	// Unsupported lists fields that are valid Arazzo but not compiled yet.
	Unsupported []Str
}

// Step is one Arazzo step.
type Step struct {
	ID              Str
	Description     string
	OperationID     Str
	OperationPath   Str
	WorkflowID      Str
	Parameters      []*Parameter
	RequestBody     *RequestBody
	SuccessCriteria []*Criterion
	OnSuccess       []*Action
	OnFailure       []*Action
	Outputs         []*Output
	// Timeout is the 1.1 step timeout in milliseconds.
	Timeout   Str
	DependsOn []Str
	Pos       diag.Pos
	// Unsupported lists fields that are valid Arazzo but cannot be compiled.
	Unsupported []Str
	// XOperation is the x-operation extension (xoperation.go); nil when absent.
	XOperation *XOperation
	// XSecurity is the x-security extension (xsecurity.go).
	XSecurity []*XSecurity
	// The fields of an Arazzo 1.1 AsyncAPI step: channelPath, action (send or receive) and
	// correlationId (a runtime expression or a literal, so a node).
	ChannelPath, Action Str
	CorrelationID       *yaml.Node
}

// Action is a success or failure action, or a Reusable Object that references one.
type Action struct {
	Name, Type             Str
	WorkflowID, StepID     Str
	RetryAfter, RetryLimit Str
	Criteria               []*Criterion
	Parameters             []*Parameter
	Reference              Str
	Pos                    diag.Pos
}

// Parameter is a step parameter.
type Parameter struct {
	Name, In  Str
	Value     *yaml.Node
	Reference Str
	Pos       diag.Pos
	// AllowReserved is Respect's x-allowReserved extension: a query parameter's value keeps
	// RFC 3986 reserved characters unencoded, as OpenAPI's allowReserved does.
	AllowReserved Str
}

// RequestBody is a step's request body.
type RequestBody struct {
	ContentType  Str
	Payload      *yaml.Node
	Replacements []*Replacement
	Pos          diag.Pos

	// PayloadPos is the position of the payload key, for diagnostics about the payload.
	PayloadPos diag.Pos
}

// Replacement is a Payload Replacement Object.
type Replacement struct {
	Target Str
	// TargetSelectorType is the 1.1 targetSelectorType: a string, or the type of an
	// Expression Type Object (positioned at that object).
	TargetSelectorType Str
	// TargetSelectorVersion is the version of an Expression Type Object.
	TargetSelectorVersion Str
	Value                 *yaml.Node
	Pos                   diag.Pos
}

// Criterion is a success criterion.
type Criterion struct {
	Condition Str
	Context   Str
	// Type is simple, regex, jsonpath or xpath; an Expression Type Object sets Type from its
	// type and Version from its version.
	Type    Str
	Version Str
	Pos     diag.Pos
}

// Output is a named output expression, or (Arazzo 1.1) a Selector Object whose mapping is
// Value.Node; document order is kept.
type Output struct {
	Name  Str
	Value Str
}

// PosOf returns the position of n in file.
func PosOf(file string, n *yaml.Node) diag.Pos {
	if n == nil {
		return diag.Pos{File: file}
	}
	return diag.Pos{File: file, Line: n.Line, Col: n.Column}
}

// MaxDocumentBytes bounds the size of a document the generator reads.
const MaxDocumentBytes = 64 << 20

// MaxExpandedNodes bounds the size of a document once its YAML aliases are expanded, which
// is how later stages see it. A few lines of aliases referring to aliases ("billion laughs")
// would otherwise expand to billions of nodes.
const MaxExpandedNodes = 1_000_000

// aliasBomb returns the node at which the expanded size of the tree exceeds
// MaxExpandedNodes, or nil. A tree without aliases is its own expansion, bounded by
// MaxDocumentBytes, and is passed after one walk that allocates nothing. Otherwise sizes are
// memoized per anchored node (the only nodes an alias can point at), so the walk is linear
// in the number of nodes written.
func aliasBomb(root *yaml.Node) *yaml.Node {
	if !hasAlias(root, 0) {
		return nil
	}
	sizes := map[*yaml.Node]int{}
	var culprit *yaml.Node
	var size func(n *yaml.Node, depth int) int
	size = func(n *yaml.Node, depth int) int {
		if n == nil || culprit != nil {
			return 0
		}
		if n.Anchor != "" {
			if s, ok := sizes[n]; ok {
				return s
			}
		}
		if depth > maxAliasDepth {
			culprit = n
			return MaxExpandedNodes + 1
		}
		total := 1
		if n.Kind == yaml.AliasNode {
			total += size(n.Alias, depth+1)
		}
		for _, c := range n.Content {
			total += size(c, depth+1)
			if total > MaxExpandedNodes {
				break
			}
		}
		if total > MaxExpandedNodes && culprit == nil {
			culprit = n // the first (innermost) node whose expansion is too large
		}
		if n.Anchor != "" {
			sizes[n] = total
		}
		return total
	}
	if size(root, 0) > MaxExpandedNodes && culprit == nil {
		culprit = root
	}
	return culprit
}

// maxAliasDepth bounds the nesting that aliasBomb follows: an alias inside the node it
// points at would otherwise recurse forever.
const maxAliasDepth = 10000

// hasAlias reports whether the tree under n holds an alias node (or is nested past
// maxAliasDepth, which aliasBomb reports).
func hasAlias(n *yaml.Node, depth int) bool {
	if n == nil {
		return false
	}
	if n.Kind == yaml.AliasNode || depth > maxAliasDepth {
		return true
	}
	for _, c := range n.Content {
		if hasAlias(c, depth+1) {
			return true
		}
	}
	return false
}

// ParseYAML parses data into a document node, reporting a syntax error with its position.
func ParseYAML(file string, data []byte, diags *diag.List) *yaml.Node {
	if len(data) > MaxDocumentBytes {
		diags.Errorf(diag.Pos{File: file}, "too-large", "document is %d bytes, larger than the %d-byte limit", len(data), MaxDocumentBytes)
		return nil
	}
	// JSON is read without the YAML parser when it can be; the tree is the same.
	root, ok := jsonNodeTree(data)
	if !ok {
		root = new(yaml.Node)
		// The first document of a stream, where yaml.Unmarshal would refuse the others.
		if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(root); err != nil {
			line, col, msg := YAMLErrorPos(err)
			diags.Errorf(diag.Pos{File: file, Line: line, Col: col}, "yaml", "malformed YAML: %s", msg)
			return nil
		}
	}
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		if alias := aliasBomb(root.Content[0]); alias != nil {
			diags.Errorf(PosOf(file, alias), "too-large", "YAML aliases expand the document to more than %d nodes", MaxExpandedNodes).
				WithHint("aliases that repeat aliases grow exponentially; write the values out or reduce the nesting")
			return nil
		}
		return root.Content[0]
	}
	diags.Errorf(diag.Pos{File: file, Line: 1, Col: 1}, "yaml", "document is empty")
	return nil
}

// yamlErrorRE matches the errors of go.yaml.in/yaml/v4:
// "… load error in parser (while parsing X) at L2.C7-L3.C10: did not find …" (the range end
// may be absent, or "-C6" on the same line).
var yamlErrorRE = regexp.MustCompile(`load error in \w+ (\(.*?\) )?at L(\d+)\.C(\d+)(?:-(?:L\d+\.)?C\d+)?: (.*)$`)

// YAMLErrorPos extracts the position and a clean message from a YAML parser error; line is 0
// when the error carries no position.
func YAMLErrorPos(err error) (line, col int, msg string) {
	msg = err.Error()
	m := yamlErrorRE.FindStringSubmatch(msg)
	if m == nil {
		return 0, 0, msg
	}
	line, _ = strconv.Atoi(m[2])
	col, _ = strconv.Atoi(m[3])
	msg = m[4]
	if m[1] != "" {
		msg += " " + strings.TrimSpace(m[1])
	}
	return line, col, msg
}

// decoder walks mapping nodes and reports shape errors.
type decoder struct {
	file  string
	diags *diag.List
}

func (d *decoder) pos(n *yaml.Node) diag.Pos { return PosOf(d.file, n) }

// fields iterates the key/value pairs of a mapping; keys not in known (and not "x-"
// extensions) get a warning.
func (d *decoder) fields(n *yaml.Node, what string, known []string, f func(key string, k, v *yaml.Node)) bool {
	n = resolveAlias(n)
	if n == nil || n.Kind != yaml.MappingNode {
		d.diags.Errorf(d.pos(n), "shape", "%s must be a mapping", what)
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolveAlias(n.Content[i+1])
		key := k.Value
		if !slices.Contains(known, key) {
			if !strings.HasPrefix(key, "x-") {
				d.diags.Warnf(d.pos(k), "unknown-field", "unknown field %q in %s", key, what)
			}
			continue
		}
		f(key, k, v)
	}
	return true
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for depth := 0; n != nil && n.Kind == yaml.AliasNode && depth < 100; depth++ {
		n = n.Alias
	}
	return n
}

func (d *decoder) str(key string, v *yaml.Node) Str {
	if v.Kind != yaml.ScalarNode {
		d.diags.Errorf(d.pos(v), "shape", "%s must be a string", key)
		return Str{Pos: d.pos(v), Node: v}
	}
	return Str{Value: v.Value, Pos: d.pos(v), Node: v}
}

// nonEmpty reports a list that Arazzo requires to have at least one item (minItems: 1 in
// its schema; for successCriteria, a MUST of the 1.1 text) but that is empty: an empty
// list is not the same as no list, and no reading of it is more than a guess.
func (d *decoder) nonEmpty(key string, v *yaml.Node, hint string) {
	if v.Kind == yaml.SequenceNode && len(v.Content) == 0 {
		d.diags.Errorf(d.pos(v), "bad-value", "%s is empty; when present it must list at least one criterion", key).WithHint("%s", hint)
	}
}

func (d *decoder) seq(key string, v *yaml.Node) []*yaml.Node {
	if v.Kind != yaml.SequenceNode {
		d.diags.Errorf(d.pos(v), "shape", "%s must be a sequence", key)
		return nil
	}
	out := make([]*yaml.Node, len(v.Content))
	for i, c := range v.Content {
		out[i] = resolveAlias(c)
	}
	return out
}

// self decodes $self, a URI reference without a fragment (Arazzo 1.1).
func (d *decoder) self(v *yaml.Node) Str {
	s := d.str("$self", v)
	if s.Value == "" && v.Kind == yaml.ScalarNode {
		d.diags.Errorf(s.Pos, "bad-value", "$self is empty; it must be a URI reference")
		return Str{}
	}
	if _, err := url.Parse(s.Value); err != nil {
		d.diags.Errorf(s.Pos, "bad-value", "$self %q is not a URI reference: %v", s.Value, errors.Unwrap(err))
		return Str{}
	}
	if i := strings.IndexByte(s.Value, '#'); i >= 0 {
		d.diags.Errorf(s.Pos, "bad-value", "$self %q has a fragment; it must identify the whole document", s.Value).
			WithHint("write $self: %s", s.Value[:i])
		return Str{}
	}
	return s
}

// Decode decodes an Arazzo document from its root node.
func Decode(file string, root *yaml.Node, diags *diag.List) *Document {
	d := &decoder{file: file, diags: diags}
	doc := &Document{File: file, Pos: d.pos(root)}
	ok := d.fields(root, "the Arazzo document", []string{"arazzo", "$self", "info", "sourceDescriptions", "workflows", "components"}, func(key string, k, v *yaml.Node) {
		switch key {
		case "arazzo":
			doc.Arazzo = d.str(key, v)
		case "info":
			d.fields(v, "info", []string{"title", "summary", "description", "version"}, func(key string, k, v *yaml.Node) {
				switch key {
				case "title":
					doc.Title = v.Value
				case "version":
					doc.Version = v.Value
				}
			})
		case "sourceDescriptions":
			for _, n := range d.seq(key, v) {
				if s := d.source(n); s != nil {
					doc.SourceDescriptions = append(doc.SourceDescriptions, s)
				}
			}
		case "workflows":
			for _, n := range d.seq(key, v) {
				if w := d.workflow(n); w != nil {
					doc.Workflows = append(doc.Workflows, w)
				}
			}
		case "components":
			doc.Components = d.components(v)
		case "$self":
			doc.Self = d.self(v)
		}
	})
	if !ok {
		return nil
	}
	d.hiddenKeys(root, "", false, 0)
	if !doc.Arazzo.Set() {
		diags.Errorf(doc.Pos, "missing-field", "the document has no 'arazzo' version field").WithHint("add `arazzo: 1.0.1` at the top")
	} else if !strings.HasPrefix(doc.Arazzo.Value, "1.0.") && !strings.HasPrefix(doc.Arazzo.Value, "1.1.") {
		diags.Errorf(doc.Arazzo.Pos, "version", "unsupported Arazzo version %q (want 1.0.x or 1.1.x)", doc.Arazzo.Value)
	}
	if len(doc.SourceDescriptions) == 0 {
		diags.Errorf(doc.Pos, "missing-field", "the document has no sourceDescriptions")
	}
	if len(doc.Workflows) == 0 {
		diags.Errorf(doc.Pos, "missing-field", "the document has no workflows")
	}
	d.inputSchemas(doc, root)
	return doc
}

func (d *decoder) missing(n *yaml.Node, what, field string) {
	d.diags.Errorf(d.pos(n), "missing-field", "%s has no %q", what, field)
}

func (d *decoder) source(n *yaml.Node) *Source {
	s := &Source{Pos: d.pos(n)}
	if !d.fields(n, "sourceDescription", []string{"name", "url", "type"}, func(key string, k, v *yaml.Node) {
		switch key {
		case "name":
			s.Name = d.name("sourceDescription name", v)
		case "url":
			s.URL = d.str(key, v)
		case "type":
			s.Type = d.str(key, v)
		}
	}) {
		return nil
	}
	if !s.Name.Set() {
		d.missing(n, "sourceDescription", "name")
	}
	if !s.URL.Set() {
		d.missing(n, "sourceDescription", "url")
	}
	return s
}

func (d *decoder) workflow(n *yaml.Node) *Workflow {
	w := &Workflow{Pos: d.pos(n)}
	if !d.fields(n, "workflow", []string{"workflowId", "summary", "description", "inputs", "dependsOn", "steps", "successActions", "failureActions", "outputs", "parameters", "x-security"}, func(key string, k, v *yaml.Node) {
		switch key {
		case "workflowId":
			w.ID = d.name("workflowId", v)
		case "summary":
			w.Summary = v.Value
		case "description":
			w.Description = v.Value
		case "inputs":
			w.Inputs = v
		case "steps":
			for _, sn := range d.seq(key, v) {
				if s := d.step(sn); s != nil {
					w.Steps = append(w.Steps, s)
				}
			}
		case "outputs":
			w.Outputs = d.outputs(v)
		case "dependsOn":
			w.DependsOn = d.strs(key, v)
		case "parameters":
			w.Parameters = d.parameters(key, v)
		case "successActions":
			w.SuccessActions = d.actions(key, v)
		case "failureActions":
			w.FailureActions = d.actions(key, v)
		case "x-security":
			w.XSecurity = d.xSecurity(key, v)
		}
	}) {
		return nil
	}
	if !w.ID.Set() {
		d.missing(n, "workflow", "workflowId")
	}
	if len(w.Steps) == 0 {
		d.diags.Errorf(w.Pos, "missing-field", "workflow %q has no steps", w.ID.Value)
	}
	return w
}

func (d *decoder) outputs(v *yaml.Node) []*Output {
	if v.Kind != yaml.MappingNode {
		d.diags.Errorf(d.pos(v), "shape", "outputs must be a mapping of names to expressions")
		return nil
	}
	var outs []*Output
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], resolveAlias(v.Content[i+1])
		value := Str{Pos: d.pos(val), Node: val}
		if val.Kind == yaml.ScalarNode {
			value.Value = val.Value
		} // else an Arazzo 1.1 Selector Object, or a mistake the builder reports
		outs = append(outs, &Output{Name: Str{Value: k.Value, Pos: d.pos(k), Node: k}, Value: value})
	}
	return outs
}

func (d *decoder) step(n *yaml.Node) *Step {
	s := &Step{Pos: d.pos(n)}
	if !d.fields(n, "step", []string{"stepId", "description", "operationId", "operationPath", "workflowId", "parameters", "requestBody", "successCriteria", "onSuccess", "onFailure", "outputs", "timeout", "dependsOn", "channelPath", "action", "correlationId", "x-operation", "x-security"}, func(key string, k, v *yaml.Node) {
		switch key {
		case "stepId":
			s.ID = d.name("stepId", v)
		case "description":
			s.Description = v.Value
		case "operationId":
			s.OperationID = d.str(key, v)
		case "operationPath":
			s.OperationPath = d.str(key, v)
		case "workflowId":
			s.WorkflowID = d.str(key, v)
		case "parameters":
			s.Parameters = d.parameters(key, v)
		case "requestBody":
			s.RequestBody = d.requestBody(v)
		case "successCriteria":
			d.nonEmpty(key, v, "leave successCriteria out for a step that succeeds when its call completes")
			for _, cn := range d.seq(key, v) {
				if c := d.criterion(cn); c != nil {
					s.SuccessCriteria = append(s.SuccessCriteria, c)
				}
			}
		case "outputs":
			s.Outputs = d.outputs(v)
		case "onSuccess":
			s.OnSuccess = d.actions(key, v)
		case "onFailure":
			s.OnFailure = d.actions(key, v)
		case "timeout":
			s.Timeout = d.str(key, v)
		case "dependsOn":
			s.DependsOn = d.strs(key, v)
		case "x-operation":
			s.XOperation = d.xOperation(k, v)
		case "x-security":
			s.XSecurity = d.xSecurity(key, v)
		case "channelPath":
			s.ChannelPath = d.str(key, v)
		case "action":
			s.Action = d.str(key, v)
		case "correlationId":
			s.CorrelationID = v
		default:
			s.Unsupported = append(s.Unsupported, Str{Value: key, Pos: d.pos(k), Node: k})
		}
	}) {
		return nil
	}
	if !s.ID.Set() {
		d.missing(n, "step", "stepId")
	}
	return s
}

func (d *decoder) parameter(n *yaml.Node) *Parameter {
	p := &Parameter{Pos: d.pos(n)}
	if !d.fields(n, "parameter", []string{"name", "in", "value", "reference", "x-allowReserved"}, func(key string, k, v *yaml.Node) {
		switch key {
		case "x-allowReserved":
			p.AllowReserved = d.str(key, v)
			if v.Kind == yaml.ScalarNode && v.Tag != "!!bool" {
				d.diags.Errorf(d.pos(v), "shape", "x-allowReserved must be true or false")
				p.AllowReserved = Str{}
			}
		case "name":
			p.Name = d.name("parameter name", v)
		case "in":
			p.In = d.str(key, v)
		case "value":
			p.Value = v
		case "reference":
			p.Reference = d.str(key, v)
		}
	}) {
		return nil
	}
	if p.Reference.Set() {
		return p
	}
	if !p.Name.Set() {
		d.missing(n, "parameter", "name")
	}
	if p.Value == nil {
		d.missing(n, "parameter", "value")
	}
	return p
}

func (d *decoder) requestBody(n *yaml.Node) *RequestBody {
	rb := &RequestBody{Pos: d.pos(n)}
	if !d.fields(n, "requestBody", []string{"contentType", "payload", "replacements"}, func(key string, k, v *yaml.Node) {
		switch key {
		case "contentType":
			rb.ContentType = d.str(key, v)
		case "payload":
			rb.Payload, rb.PayloadPos = v, d.pos(k)
		case "replacements":
			for _, rn := range d.seq(key, v) {
				if r := d.replacement(rn); r != nil {
					rb.Replacements = append(rb.Replacements, r)
				}
			}
		}
	}) {
		return nil
	}
	return rb
}

func (d *decoder) replacement(n *yaml.Node) *Replacement {
	r := &Replacement{Pos: d.pos(n)}
	if !d.fields(n, "payload replacement", []string{"target", "targetSelectorType", "value"}, func(key string, k, v *yaml.Node) {
		switch key {
		case "target":
			r.Target = d.str(key, v)
		case "targetSelectorType":
			if v.Kind == yaml.MappingNode {
				r.TargetSelectorType = Str{Pos: d.pos(v), Node: v}
				d.fields(v, "targetSelectorType", []string{"type", "version"}, func(key string, k, tv *yaml.Node) {
					switch key {
					case "type":
						r.TargetSelectorType.Value = tv.Value
					case "version":
						r.TargetSelectorVersion = d.str(key, tv)
					}
				})
			} else {
				r.TargetSelectorType = d.str(key, v)
			}
		case "value":
			r.Value = v
		}
	}) {
		return nil
	}
	if !r.Target.Set() {
		d.missing(n, "payload replacement", "target")
	}
	if r.Value == nil {
		d.missing(n, "payload replacement", "value")
	}
	return r
}

func (d *decoder) criterion(n *yaml.Node) *Criterion {
	c := &Criterion{Pos: d.pos(n)}
	if !d.fields(n, "criterion", []string{"condition", "context", "type", "version"}, func(key string, k, v *yaml.Node) {
		switch key {
		case "condition":
			c.Condition = d.str(key, v)
		case "context":
			c.Context = d.str(key, v)
		case "type":
			if v.Kind == yaml.MappingNode {
				d.fields(v, "expression type", []string{"type", "version"}, func(key string, k, v *yaml.Node) {
					if key == "type" {
						c.Type = d.str(key, v)
					} else {
						c.Version = d.str(key, v)
					}
				})
				if !c.Type.Set() {
					d.missing(v, "expression type", "type")
				}
			} else {
				c.Type = d.str(key, v)
			}
		case "version":
			// The archived 1.0 schema put version beside type (features AMB-S6).
			c.Version = d.str(key, v)
		}
	}) {
		return nil
	}
	if !c.Condition.Set() {
		d.missing(n, "criterion", "condition")
	}
	return c
}

func (d *decoder) strs(key string, v *yaml.Node) []Str {
	var out []Str
	for _, n := range d.seq(key, v) {
		out = append(out, d.str(key, n))
	}
	return out
}

func (d *decoder) parameters(key string, v *yaml.Node) []*Parameter {
	var out []*Parameter
	for _, pn := range d.seq(key, v) {
		if p := d.parameter(pn); p != nil {
			out = append(out, p)
		}
	}
	return out
}

func (d *decoder) actions(key string, v *yaml.Node) []*Action {
	var out []*Action
	for _, an := range d.seq(key, v) {
		if a := d.action(an, key == "successActions" || key == "onSuccess"); a != nil {
			out = append(out, a)
		}
	}
	return out
}

// action decodes a success action (onSuccess) or a failure action.
func (d *decoder) action(n *yaml.Node, onSuccess bool) *Action {
	a := &Action{Pos: d.pos(n)}
	if !d.fields(n, "action", []string{"name", "type", "workflowId", "stepId", "retryAfter", "retryLimit", "criteria", "parameters", "reference", "value"}, func(key string, k, v *yaml.Node) {
		switch key {
		case "name":
			a.Name = d.name("action name", v)
		case "type":
			a.Type = d.str(key, v)
		case "workflowId":
			a.WorkflowID = d.str(key, v)
		case "stepId":
			a.StepID = d.str(key, v)
		case "retryAfter":
			a.RetryAfter = d.str(key, v)
		case "retryLimit":
			a.RetryLimit = d.str(key, v)
		case "criteria":
			if onSuccess {
				d.nonEmpty(key, v, "leave criteria out for an action that always applies")
			}
			for _, cn := range d.seq(key, v) {
				if c := d.criterion(cn); c != nil {
					a.Criteria = append(a.Criteria, c)
				}
			}
		case "parameters":
			a.Parameters = d.parameters(key, v)
		case "reference":
			a.Reference = d.str(key, v)
		}
	}) {
		return nil
	}
	if a.Reference.Set() {
		return a
	}
	if !a.Name.Set() {
		d.missing(n, "action", "name")
	}
	if !a.Type.Set() {
		d.missing(n, "action", "type")
	}
	return a
}

func (d *decoder) components(n *yaml.Node) Components {
	c := Components{Node: n}
	d.fields(n, "components", []string{"inputs", "parameters", "successActions", "failureActions"}, func(key string, k, v *yaml.Node) {
		if v.Kind != yaml.MappingNode {
			d.diags.Errorf(d.pos(v), "shape", "components.%s must be a mapping", key)
			return
		}
		for i := 0; i+1 < len(v.Content); i += 2 {
			name, val := v.Content[i].Value, resolveAlias(v.Content[i+1])
			switch key {
			case "inputs":
				if c.Inputs == nil {
					c.Inputs = map[string]*yaml.Node{}
				}
				c.Inputs[name] = val
			case "parameters":
				if p := d.parameter(val); p != nil {
					if c.Parameters == nil {
						c.Parameters = map[string]*Parameter{}
					}
					c.Parameters[name] = p
				}
			case "successActions", "failureActions":
				a := d.action(val, key == "successActions")
				if a == nil {
					continue
				}
				m := &c.SuccessActions
				if key == "failureActions" {
					m = &c.FailureActions
				}
				if *m == nil {
					*m = map[string]*Action{}
				}
				(*m)[name] = a
			}
		}
	})
	return c
}
