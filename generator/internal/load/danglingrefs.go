package load

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v4"
)

// Dangling references, handled before libopenapi builds the model.
//
// libopenapi v0.40.1 builds a path item's parameters and operations in one go and gives up on
// the rest of it at the first $ref that points at nothing: one missing parameter component
// costs every operation of the path item, and a missing schema costs the operation whose
// request or response uses it. Real-world descriptions (Zendesk's publish dozens of such
// references) would lose most of their operations. So before the model is built, every
// reference inside the description's own document ("#/…") is checked against the YAML tree,
// and one that points at nothing (directly or through a chain of references) is taken out of
// the tree: its $ref key is dropped, leaving an empty object (a parameter without name, which
// Operation.Params leaves out; an untyped schema; a response or request body without
// content; a header without schema). libopenapi then sees a consistent document and
// builds everything else; what was taken out is kept in LostRef records, so that a step using
// an affected operation can say what its operation lacks.
//
// Editing the tree, rather than the model libopenapi builds, is the robust choice: the
// low-level builders stop at the first error and leave half-built objects behind (an
// operation without its operationId), and the nodes keep their positions, so every later
// diagnostic still points into the file. References into other files are left to libopenapi
// (their documents are read by its rolodex); one of them that dangles still costs its path
// item, which Dropped reports.

// LostRef is what a $ref that points at nothing stood for, taken out of a description.
type LostRef struct {
	Ref       string
	Line, Col int // of the $ref key
	// Kind is what the reference stood for: "parameter" (left out of its operation),
	// "schema", "request body" and "response" (untyped), or another component kind
	// ("header", "example", "link", …) or "object" (empty).
	Kind string
	Code string // Kind "response": its status code
	// Where says, for a schema, whose schema it is: "the request body", "response 200",
	// "parameter id"; empty when unknown. Set by (*OpenAPI).Lost.
	Where string
}

// danglingRefs are the references taken out of a description's tree.
type danglingRefs struct {
	// lost holds the records by the mapping that held the $ref.
	lost map[*yaml.Node][]LostRef
	// targets maps each mapping holding a local $ref that resolves to what it points at,
	// so that Lost can follow references without resolving pointers again.
	targets map[*yaml.Node]*yaml.Node
}

// refSite is a mapping of the tree holding a local $ref.
type refSite struct {
	node   *yaml.Node // the mapping with the $ref key
	key    *yaml.Node // the $ref key
	ref    string
	parent *yaml.Node // the sequence or mapping holding node
	path   []string   // keys and indexes from the root to node
}

// removeDanglingRefs takes the local references that point at nothing out of the tree
// rooted at root (a document node) and returns what they stood for; nil when none dangles
// (the tree is then untouched).
func removeDanglingRefs(root *yaml.Node) *danglingRefs {
	if root == nil || len(root.Content) == 0 {
		return nil
	}
	top := root.Content[0]
	var sites []refSite
	collectRefSites(top, nil, nil, &sites)
	if len(sites) == 0 {
		return nil
	}
	r := &resolver{root: top, keys: map[*yaml.Node]map[string]*yaml.Node{}, memo: map[string]*yaml.Node{}}
	d := &danglingRefs{lost: map[*yaml.Node][]LostRef{}, targets: map[*yaml.Node]*yaml.Node{}}
	siteOf := map[*yaml.Node]string{}
	for _, s := range sites {
		siteOf[s.node] = s.ref
	}
	var gone []refSite
	for _, s := range sites {
		if target, ok := r.lookup(s.ref); ok && target != nil {
			d.targets[s.node] = target
		}
		if r.dangles(s.ref, siteOf) {
			gone = append(gone, s)
		}
	}
	if len(gone) == 0 {
		return nil
	}
	// Detection above saw the whole, unedited tree (a chain through a component that is
	// itself taken out is judged by where it ends); only now is the tree edited. Entries of
	// lists stay where they are (an empty object), so that pointers into lists by index
	// still point at the same entries.
	for _, s := range gone {
		lr := LostRef{Ref: s.ref, Line: s.key.Line, Col: s.key.Column}
		lr.Kind, lr.Code = siteKind(s)
		for i := 0; i+1 < len(s.node.Content); i += 2 {
			if s.node.Content[i] == s.key {
				s.node.Content = slices.Delete(s.node.Content, i, i+2)
				break
			}
		}
		delete(d.targets, s.node)
		d.lost[s.node] = append(d.lost[s.node], lr)
	}
	return d
}

// unresolved lists the references taken out, once each at its first place.
func (d *danglingRefs) unresolved() []Unresolved {
	if d == nil {
		return nil
	}
	var out []Unresolved
	for _, list := range d.lost {
		for _, l := range list {
			out = append(out, Unresolved{Ref: l.Ref, Line: l.Line, Col: l.Col})
		}
	}
	return out
}

// collectRefSites finds the mappings holding a local $ref ("#" or "#/…"), as libopenapi's
// index would: example payloads are data, not references. A schema with $id is skipped
// whole, since its "#/…" references are relative to that resource, not to the document.
func collectRefSites(n, parent *yaml.Node, path []string, out *[]refSite) {
	switch n.Kind {
	case yaml.MappingNode:
		if examplePayload(path) {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "$id" && len(path) > 0 {
				return
			}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == "$ref" && v.Kind == yaml.ScalarNode && (v.Value == "#" || strings.HasPrefix(v.Value, "#/")) {
				*out = append(*out, refSite{node: n, key: k, ref: v.Value, parent: parent, path: slices.Clone(path)})
				continue
			}
			collectRefSites(v, n, append(path, k.Value), out)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			collectRefSites(c, n, append(path, strconv.Itoa(i)), out)
		}
	}
}

// examplePayload reports whether path lies inside example data: below an "example"
// keyword, or in the value of an Example Object. An "example" or "examples" right after
// "properties" is a property name. (The rule of libopenapi's index.)
func examplePayload(path []string) bool {
	for i, seg := range path {
		if seg != "example" && seg != "examples" || i > 0 && (path[i-1] == "properties" || path[i-1] == "patternProperties") {
			continue
		}
		if seg == "example" && len(path) > i+1 {
			return true
		}
		if seg == "examples" && len(path) > i+2 && (path[i+2] == "value" || path[i+2] == "dataValue") {
			return true
		}
	}
	return false
}

// componentKinds names what the references into each components section stand for.
var componentKinds = map[string]string{
	"schemas": "schema", "parameters": "parameter", "requestBodies": "request body", "responses": "response",
	"headers": "header", "examples": "example", "links": "link", "callbacks": "callback",
	"pathItems": "path item", "securitySchemes": "security scheme", "mediaTypes": "media type",
}

// siteKind says what a dangling reference stood for: by where it stands first, then by
// the components section it names.
func siteKind(s refSite) (kind, code string) {
	p := s.path
	at := func(back int) string {
		if len(p) >= back {
			return p[len(p)-back]
		}
		return ""
	}
	named := func(back int) bool { // the segment before is not a map of names
		prev := at(back + 1)
		return prev != "properties" && prev != "patternProperties"
	}
	switch {
	case at(2) == "parameters" && s.parent.Kind == yaml.SequenceNode && named(2):
		return "parameter", ""
	case at(1) == "requestBody" && named(1):
		return "request body", ""
	case at(2) == "responses" && named(2):
		if at(3) == "components" {
			return "response", "" // a response component: it has a name, not a status code
		}
		return "response", at(1)
	case slices.Contains([]string{"schema", "items", "additionalProperties", "not", "contains", "if", "then", "else",
		"propertyNames", "unevaluatedItems", "unevaluatedProperties", "additionalItems"}, at(1)) && named(1),
		slices.Contains([]string{"properties", "patternProperties", "$defs", "definitions", "dependentSchemas",
			"allOf", "anyOf", "oneOf", "prefixItems"}, at(2)) && named(2):
		return "schema", ""
	}
	if section, _, ok := strings.Cut(strings.TrimPrefix(s.ref, "#/components/"), "/"); ok && strings.HasPrefix(s.ref, "#/components/") {
		if k := componentKinds[section]; k != "" {
			return k, ""
		}
	}
	return "object", ""
}

// resolver resolves "#/…" pointers against one document's tree.
type resolver struct {
	root *yaml.Node
	keys map[*yaml.Node]map[string]*yaml.Node // each mapping's values by key, built on first use
	memo map[string]*yaml.Node
}

// lookup resolves a local reference. ok is false when it certainly points at nothing; a
// pointer it cannot judge (a mapping with merge keys on the way) counts as resolving.
func (r *resolver) lookup(ref string) (target *yaml.Node, ok bool) {
	if t, seen := r.memo[ref]; seen {
		return t, t != nil
	}
	t, sure := r.walk(ref)
	if t == nil && sure {
		// A pointer may be percent-encoded as a URI fragment ("%7Bid%7D").
		if dec, err := url.PathUnescape(ref); err == nil && dec != ref {
			t, sure = r.walk(dec)
		}
	}
	if t == nil && !sure {
		t = unknownTarget
	}
	r.memo[ref] = t
	if t == unknownTarget {
		return nil, true
	}
	return t, t != nil
}

// unknownTarget marks, in the memo, a pointer that could not be judged.
var unknownTarget = &yaml.Node{}

// walk follows a pointer from the root; sure is false when it could not be judged.
func (r *resolver) walk(ref string) (target *yaml.Node, sure bool) {
	n := r.root
	rest := strings.TrimPrefix(ref, "#")
	if rest == "" {
		return n, true
	}
	for _, tok := range strings.Split(strings.TrimPrefix(rest, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		for n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		switch n.Kind {
		case yaml.MappingNode:
			keys := r.keys[n]
			if keys == nil {
				keys = map[string]*yaml.Node{}
				for i := 0; i+1 < len(n.Content); i += 2 {
					if _, dup := keys[n.Content[i].Value]; !dup {
						keys[n.Content[i].Value] = n.Content[i+1]
					}
				}
				r.keys[n] = keys
			}
			next, found := keys[tok]
			if !found {
				if _, merges := keys["<<"]; merges {
					return nil, false
				}
				return nil, true
			}
			n = next
		case yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil, true
			}
			n = n.Content[i]
		default:
			return nil, true
		}
	}
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n, true
}

// dangles reports whether following ref, and the references its targets hold in turn,
// ends at nothing. A cycle does not dangle (libopenapi reports those itself).
func (r *resolver) dangles(ref string, siteOf map[*yaml.Node]string) bool {
	seen := map[string]bool{}
	for !seen[ref] {
		seen[ref] = true
		t, ok := r.lookup(ref)
		if !ok {
			return true
		}
		next, isRef := siteOf[t]
		if t == nil || !isRef {
			return false
		}
		ref = next
	}
	return false
}

// Lost lists what an operation lacks because references in its description point at
// nothing: parameters, request body, responses and the schemas they reach through
// references, in the order the operation reaches them (path item parameters first). Nil
// for an operation that lacks nothing.
func (o *OpenAPI) Lost(op *Operation) []LostRef {
	d := o.dangling
	if d == nil || len(d.lost) == 0 {
		return nil
	}
	op.build()
	if op.node == nil {
		return nil
	}
	var out []LostRef
	visited := map[*yaml.Node]bool{}
	if op.itemNode != nil {
		if params := mappingValue(op.itemNode, "parameters"); params != nil {
			d.collectParams(params, visited, &out)
		}
	}
	for i := 0; i+1 < len(op.node.Content); i += 2 {
		k, v := op.node.Content[i], op.node.Content[i+1]
		switch k.Value {
		case "parameters":
			d.collectParams(v, visited, &out)
		case "requestBody":
			d.collect(v, "the request body", visited, &out)
		case "responses":
			for j := 0; j+1 < len(v.Content); j += 2 {
				d.collect(v.Content[j+1], "response "+v.Content[j].Value, visited, &out)
			}
		case "callbacks":
			d.collect(v, "a callback", visited, &out)
		}
	}
	return out
}

func (d *danglingRefs) collectParams(seq *yaml.Node, visited map[*yaml.Node]bool, out *[]LostRef) {
	for _, p := range seq.Content {
		where := "a parameter"
		if t := d.follow(p); t != nil {
			if name := mappingValue(t, "name"); name != nil {
				where = "parameter " + name.Value
			}
		}
		d.collect(p, where, visited, out)
	}
}

// follow returns what a node stands for through its references.
func (d *danglingRefs) follow(n *yaml.Node) *yaml.Node {
	for range 32 {
		t := d.targets[n]
		if t == nil {
			return n
		}
		n = t
	}
	return n
}

// take adds the records of a node that change how the operation is called or what its
// response is typed as; a lost example, link or header schema changes neither.
func (d *danglingRefs) take(n *yaml.Node, where string, out *[]LostRef) {
	for _, l := range d.lost[n] {
		switch l.Kind {
		case "schema":
			l.Where = where
		case "parameter", "request body", "response":
		default:
			continue
		}
		*out = append(*out, l)
	}
}

func (d *danglingRefs) collect(n *yaml.Node, where string, visited map[*yaml.Node]bool, out *[]LostRef) {
	if n == nil || visited[n] {
		return
	}
	visited[n] = true
	d.take(n, where, out)
	if t := d.targets[n]; t != nil {
		d.collect(t, where, visited, out)
	}
	for _, c := range n.Content {
		d.collect(c, where, visited, out)
	}
}
