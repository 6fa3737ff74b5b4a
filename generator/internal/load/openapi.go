package load

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/pb33f/libopenapi/datamodel"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/datamodel/low"
	lowbase "github.com/pb33f/libopenapi/datamodel/low/base"
	"github.com/pb33f/libopenapi/index"
	"github.com/pb33f/libopenapi/utils"
	yaml "go.yaml.in/yaml/v4"
)

// OpenAPI is a parsed OpenAPI description with its operations indexed.
type OpenAPI struct {
	File       string
	Operations []*Operation // document order
	byID       map[string]*Operation
	// ServerURL is servers[0].url with server variables replaced by their defaults; empty
	// when the description declares no server.
	ServerURL string
	// Unresolved lists the references that point at nothing, once each, by position.
	Unresolved []Unresolved
	// Dropped lists, in document order, the operations that the description declares but
	// that are not in Operations because of an unresolved reference.
	Dropped []Dropped
	// dangling holds the references taken out before the model was built (danglingrefs.go).
	dangling *danglingRefs
	model    *model
	// ReadsFiles is set when $refs of the description name other files: what it gives then
	// depends on the FileAccess it was parsed with.
	ReadsFiles bool
}

// Security is the description's security requirement (its top-level security field);
// nil when it has none.
func (o *OpenAPI) Security() []*base.SecurityRequirement { return o.model.doc.Security }

// SecuritySchemeNames lists the security schemes the description's components declare, in
// document order.
func (o *OpenAPI) SecuritySchemeNames() []string {
	var names []string
	if c := o.model.doc.Components; c != nil && c.SecuritySchemes != nil {
		for n := range c.SecuritySchemes.KeysFromOldest() {
			names = append(names, n)
		}
	}
	return names
}

// SecurityScheme returns the security scheme the description's components declare under
// name, or nil.
func (o *OpenAPI) SecurityScheme(name string) *v3.SecurityScheme {
	if c := o.model.doc.Components; c != nil && c.SecuritySchemes != nil {
		return c.SecuritySchemes.GetOrZero(name)
	}
	return nil
}

// Dropped is an operation left out of the model; Line is that of its operationId.
type Dropped struct {
	ID   string
	Line int
}

// Unresolved is a $ref of an OpenAPI description that points at nothing.
type Unresolved struct {
	Ref       string
	Line, Col int // of the reference; zero when unknown
	// Cycle is set when it points at references that only lead back to it.
	Cycle bool
}

// Operation is one operation of an OpenAPI description. Its model (Op, Params) is built
// when first asked for: a description has many operations, and workflows call few.
type Operation struct {
	ID     string
	Method string // upper case
	Path   string
	// Undescribed marks an operation that no OpenAPI description declares (the call of an
	// x-operation step): it has no parameters, request body or responses to check against.
	Undescribed bool

	item     *pathItem // whose full build holds the operation
	name     string    // the operation's key in that build's GetOperations
	once     sync.Once
	op       *v3.Operation
	params   []*v3.Parameter
	node     *yaml.Node // the operation's mapping, from which Lost finds what dangling references took out
	itemNode *yaml.Node // its path item's
}

// UndescribedOperation is the operation of an x-operation step: method, and nothing else.
func UndescribedOperation(method string) *Operation {
	o := BuiltOperation("", method, "", &v3.Operation{})
	o.Undescribed = true
	return o
}

// BuiltOperation is an operation whose model is op, built already rather than read from an
// OpenAPI description (an AsyncAPI message seen as a request body, say).
func BuiltOperation(id, method, path string, op *v3.Operation) *Operation {
	o := &Operation{ID: id, Method: method, Path: path, op: op}
	o.once.Do(func() {})
	return o
}

// Op is the operation's model.
func (o *Operation) Op() *v3.Operation {
	o.build()
	return o.op
}

// Params are the operation's effective parameters: path-item parameters overridden by the
// operation's own (by name and location), in declaration order.
func (o *Operation) Params() []*v3.Parameter {
	o.build()
	return o.params
}

// build finds the operation in its path item's full build.
func (o *Operation) build() {
	o.once.Do(func() {
		item := o.item.built()
		op := item.GetOperations().GetOrZero(o.name)
		if op == nil {
			// The listing and the full build are libopenapi's rules applied to the same
			// keys; they cannot disagree.
			panic(fmt.Sprintf("load: operation %s %s is not in its path item", o.Method, o.Path))
		}
		o.set(item, op)
	})
}

func (o *Operation) set(item *v3.PathItem, op *v3.Operation) {
	o.op = op
	o.params = mergeParams(item.Parameters, op.Parameters)
	if low := op.GoLow(); low != nil && low.KeyNode != nil {
		o.node = low.RootNode
	}
	if low := item.GoLow(); low != nil {
		o.itemNode = low.RootNode
	}
}

// Operation returns the operation with the given operationId.
func (o *OpenAPI) Operation(id string) *Operation { return o.byID[id] }

// SameID lists, in document order, every operation whose operationId is id when the
// description gives that id to more than one (which OpenAPI forbids); nil otherwise.
// Operation returns the first of them.
func (o *OpenAPI) SameID(id string) []*Operation {
	first := o.byID[id]
	if first == nil {
		return nil
	}
	var same []*Operation
	for _, op := range o.Operations {
		if op.ID == id {
			same = append(same, op)
		}
	}
	if len(same) < 2 {
		return nil
	}
	return same
}

// AliasBombError reports YAML aliases that expand a description past MaxExpandedNodes.
type AliasBombError struct{ Line, Col int }

func (e *AliasBombError) Error() string {
	return fmt.Sprintf("YAML aliases expand the document to more than %d nodes", MaxExpandedNodes)
}

// ParseOpenAPI parses an OpenAPI 3.x description. Relative references inside it are resolved
// against its directory; access says which files its references may read (nil: none), and a
// $ref to another file is a RefErrors when it names one it may not. A description whose
// aliases would expand past MaxExpandedNodes is refused before libopenapi builds a model
// from it.
func ParseOpenAPI(file string, data []byte, access *FileAccess) (*OpenAPI, error) {
	if len(data) > MaxDocumentBytes {
		return nil, fmt.Errorf("document is %d bytes, larger than the %d-byte limit", len(data), MaxDocumentBytes)
	}
	refs := newRefFS(file, access)
	cfg := &datamodel.DocumentConfiguration{
		BasePath:                            filepath.Dir(file),
		LocalFS:                             refs,
		IgnorePolymorphicCircularReferences: true,
		IgnoreArrayCircularReferences:       true,
		// libopenapi logs defects anywhere in the description; only the operations the
		// workflows use matter here, and their problems are reported as diagnostics.
		Logger: slog.New(slog.DiscardHandler),
	}
	// describe only parses the description into a node tree (aliases stay single nodes,
	// nothing expands them) and looks at the top-level keys. The alias check walks that
	// tree, so the description is parsed once, not once for the check and again for
	// libopenapi.
	info, err := describe(data, cfg)
	if err != nil {
		// Report what a YAML parse says first (with its position), then an alias bomb, as
		// for a description libopenapi accepts; only then libopenapi's own complaint.
		var root yaml.Node
		if yerr := yaml.Unmarshal(data, &root); yerr != nil {
			return nil, yerr // positioned by YAMLErrorPos
		}
		if n := aliasBomb(&root); n != nil {
			return nil, &AliasBombError{Line: n.Line, Col: n.Column}
		}
		return nil, oneLine(err)
	}
	if n := aliasBomb(info.RootNode); n != nil {
		return nil, &AliasBombError{Line: n.Line, Col: n.Column}
	}
	if v := info.Version; !strings.HasPrefix(v, "3.") {
		return nil, fmt.Errorf("not an OpenAPI 3.x description (version %q); Swagger 2.0 is not supported", v)
	}
	// This is doc.BuildV3Model() without its refusal of any description with a $ref that does
	// not resolve, wherever it is: large real-world descriptions often have a few in parts
	// no workflow uses. What does use one sees nothing there (an untyped schema, a missing
	// parameter); the references are kept in Unresolved for a warning.
	var dangling *danglingRefs
	readsFiles := false
	if bytes.Contains(data, []byte("$ref")) {
		errs, reached := checkFileRefs(file, info.RootNode, access)
		if len(errs) > 0 {
			return nil, errs
		}
		readsFiles = reached
		dangling = removeDanglingRefs(info.RootNode)
	}
	m, err := newModel(info, cfg)
	if m == nil {
		return nil, oneLine(err)
	}
	lowbase.SchemaQuickHashMap.Clear() // as BuildV3Model does: the map only serves the build
	if refused := refs.refusals(); len(refused) > 0 {
		var errs RefErrors
		for _, r := range refused {
			errs = append(errs, &RefError{File: file, Line: 1, Col: 1, Reason: r})
		}
		return nil, errs
	}
	// Circular references and other complaints leave a usable model; they are not our concern.
	o := &OpenAPI{File: file, model: m, byID: map[string]*Operation{}, Unresolved: unresolved(err, dangling.unresolved()), dangling: dangling,
		ReadsFiles: readsFiles || refs.wasAsked()}
	if len(m.doc.Servers) > 0 {
		o.ServerURL = serverURL(m.doc.Servers[0])
	}
	for _, it := range m.order {
		listed, full := it.listing()
		for name, op := range listed.GetOperations().FromOldest() {
			oper := &Operation{ID: op.OperationId, Method: strings.ToUpper(name), Path: it.path, item: it, name: name}
			if full {
				oper.once.Do(func() { oper.set(listed, op) })
			}
			o.Operations = append(o.Operations, oper)
			if op.OperationId != "" {
				if _, dup := o.byID[op.OperationId]; !dup {
					o.byID[op.OperationId] = oper
				}
			}
		}
	}
	if len(o.Unresolved) > 0 {
		o.Dropped = droppedOperations(info.RootNode, o.byID)
	}
	return o, nil
}

// droppedOperations lists the operations written under paths that the model lacks:
// libopenapi leaves out a whole path item when one of its $refs points at nothing.
func droppedOperations(root *yaml.Node, built map[string]*Operation) []Dropped {
	var out []Dropped
	if root == nil || len(root.Content) == 0 {
		return nil
	}
	paths := mappingValue(root.Content[0], "paths")
	if paths == nil {
		return nil
	}
	for i := 1; i < len(paths.Content); i += 2 {
		item := paths.Content[i]
		if item.Kind != yaml.MappingNode {
			continue
		}
		for j := 0; j+1 < len(item.Content); j += 2 {
			id := mappingValue(item.Content[j+1], "operationId")
			if id != nil && id.Value != "" && built[id.Value] == nil {
				out = append(out, Dropped{ID: id.Value, Line: id.Line})
			}
		}
	}
	return out
}

func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// mergeParams lists an operation's effective parameters. One with neither name nor
// location is what is left of a $ref that pointed at nothing (danglingrefs.go): left out.
func mergeParams(pathLevel, opLevel []*v3.Parameter) []*v3.Parameter {
	taken := func(p *v3.Parameter) bool { return p.Name == "" && p.In == "" }
	pathLevel = slices.DeleteFunc(slices.Clone(pathLevel), taken)
	opLevel = slices.DeleteFunc(slices.Clone(opLevel), taken)
	out := make([]*v3.Parameter, 0, len(pathLevel)+len(opLevel))
	for _, p := range pathLevel {
		overridden := false
		for _, q := range opLevel {
			if q.Name == p.Name && q.In == p.In {
				overridden = true
			}
		}
		if !overridden {
			out = append(out, p)
		}
	}
	return append(out, opLevel...)
}

func serverURL(s *v3.Server) string {
	u := s.URL
	if s.Variables != nil {
		for name, v := range s.Variables.FromOldest() {
			u = strings.ReplaceAll(u, "{"+name+"}", v.Default)
		}
	}
	return u
}

func oneLine(err error) error {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if len(msg) > 400 {
		msg = msg[:400] + "…"
	}
	return errors.New(msg)
}

// SchemaFromNode builds a libopenapi schema from an inline JSON Schema node (a workflow's
// inputs), so that inputs and OpenAPI schemas share one type mapper.
func SchemaFromNode(n *yaml.Node) *base.SchemaProxy {
	if n == nil {
		return nil
	}
	lsp := new(lowbase.SchemaProxy)
	if err := lsp.Build(context.Background(), nil, n, nil); err != nil {
		return nil
	}
	return base.NewSchemaProxy(&low.NodeReference[*lowbase.SchemaProxy]{Value: lsp, ValueNode: n})
}

var quotedRef = regexp.MustCompile("`([^`]+)`")

// unresolved picks the references that point at nothing out of the errors of a build (the
// index reports each missing component once, the resolver some of them again at other
// places) and adds those taken out before it. Each reference is listed once, at its first
// place.
func unresolved(err error, removed []Unresolved) []Unresolved {
	first := map[string]Unresolved{}
	for _, u := range removed {
		if prev, ok := first[u.Ref]; !ok || comparePos(u, prev) < 0 {
			first[u.Ref] = u
		}
	}
	for _, e := range utils.UnwrapErrors(err) {
		var node *yaml.Node
		var ie *index.IndexingError
		var re *index.ResolvingError
		switch {
		case errors.As(e, &ie) && strings.Contains(ie.Error(), "does not exist"):
			node = cmp.Or(ie.KeyNode, ie.Node)
		case errors.As(e, &re) && re.CircularReference == nil:
			node = re.Node
		default:
			continue
		}
		m := quotedRef.FindStringSubmatch(e.Error())
		if m == nil {
			continue
		}
		u := Unresolved{Ref: m[1]}
		if node != nil {
			u.Line, u.Col = node.Line, node.Column
		}
		if prev, ok := first[u.Ref]; !ok || comparePos(u, prev) < 0 {
			first[u.Ref] = u
		}
	}
	// The resolver's order is not the document's; diagnostics must not depend on it.
	return slices.SortedFunc(maps.Values(first), comparePos)
}

func comparePos(a, b Unresolved) int {
	return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col), strings.Compare(a.Ref, b.Ref))
}
