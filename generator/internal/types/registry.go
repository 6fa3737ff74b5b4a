package types

import (
	"path"
	"strconv"
	"strings"
	"unicode"

	"github.com/pb33f/libopenapi/datamodel/high/base"
	yaml "go.yaml.in/yaml/v4"
)

// Registry maps schemas to Go types, declaring a named type for each schema that needs one.
//
// The mapping, schema by schema:
//
//   - string → string; format date-time → time.Time; format byte → []byte (base64, as
//     encoding/json writes it). Other formats (date, binary, uuid, …) stay string: time.Time
//     cannot read a bare date, and binary data in a JSON document is text.
//   - integer → int64; format int32 → int32. number → float64 whatever its format (float32
//     would only lose precision). boolean → bool.
//   - enum of strings or integers → a named type with one constant per value; enums of
//     other values → their scalar type.
//   - array → []T of its items; items the mapper cannot express are json.RawMessage.
//   - object with properties → a named struct. Required properties are plain fields.
//     Optional properties carry omitempty and are pointers when they are scalars or structs
//     (so absent differs from the zero value); slices, maps, []byte, unions and
//     json.RawMessage are nil when absent. Required properties that are nullable are
//     pointers too, without omitempty, so that null is written back as null. A required
//     struct field that would make a struct contain itself is a pointer.
//   - object with additionalProperties (a schema, or true) → map[string]T without properties,
//     or an extra AdditionalProperties map in the struct with them (true gives
//     json.RawMessage values). An object with neither properties nor additionalProperties,
//     or with a property name that encoding/json cannot use as a tag, is json.RawMessage.
//   - nullable: true (3.0), type [x, "null"] (3.1), a null enum value, or a oneOf/anyOf
//     alternative {type: "null"} make the type nullable (see Pointer).
//   - allOf → the one schema it wraps (with its annotations and nullability), else a struct
//     of the merged properties and required lists; allOf over non-objects is json.RawMessage.
//   - oneOf/anyOf with one non-null alternative → that alternative; with more → a named
//     json.RawMessage type with one As<Alternative>() (T, error) accessor per alternative.
//   - $ref → the named type of the referenced schema: one Go type per schema, however many
//     references reach it, named after the last segment of the reference. Recursive
//     schemas are allowed; a cycle that needs no name (an array of itself) is
//     json.RawMessage.
//
// A schema without a name of its own (inline) is named from where it was found: the
// struct's name and the property ("OrderStatus"), "Item" for array items, "Value" for map
// values, "Variant<n>" for union alternatives. Names are made unique by Finish in the order
// the schemas were first used, with numeric suffixes ("Error", "Error2").
type Registry struct {
	goName func(string) string // turns a schema name into a Go identifier
	unique func(string) string // reserves a package-level identifier
	// anonymous registries declare nothing: objects and unions are Raw.
	anonymous bool
	// done maps a schema's identity (its resolved YAML node) to its type, so that every
	// reference to one schema gets the same Go type.
	done map[any]Type
	// busy holds the schemas being mapped, to stop cycles that have no named type.
	busy  map[any]bool
	decls []*Named
}

// NewRegistry returns a registry. goName turns schema and property names into exported Go
// identifiers; unique reserves package-level identifiers (type and constant names).
func NewRegistry(goName, unique func(string) string) *Registry {
	return &Registry{goName: goName, unique: unique, done: map[any]Type{}, busy: map[any]bool{}}
}

// Hint names an inline schema after the place it was found, and says where it is.
type Hint struct {
	Name string // the Go name wanted
	// Where is a $ref, or a phrase such as "the response body of operation getOrder"; Path
	// is the JSON Pointer of the schema from there.
	Where string
	Path  string
	// File is the base name of the document that local references ("#/…") point into.
	File string
}

func (h Hint) where() string {
	if strings.Contains(h.Where, "#") { // a reference, which the pointer continues
		if strings.HasPrefix(h.Where, "#") && h.File != "" {
			return h.Where + h.Path + " in " + h.File
		}
		return h.Where + h.Path
	}
	if h.Path == "" {
		return h.Where
	}
	return h.Path + " in " + h.Where
}

// sub is the hint of a schema inside the one h names.
func (h Hint) sub(name, path string) Hint {
	h.Name += name
	h.Path += path
	return h
}

func escapeToken(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

// refHint names a referenced schema after its reference.
func refHint(sp *base.SchemaProxy, h Hint, goName func(string) string) Hint {
	if sp == nil || !sp.IsReference() {
		return h
	}
	ref := sp.GetReference()
	if file, _, _ := strings.Cut(ref, "#"); file != "" {
		h.File = path.Base(file) // a reference into another document
	}
	h.Where, h.Path = ref, ""
	if goName != nil {
		h.Name = goName(refName(ref))
	}
	return h
}

// refName is the name a reference gives its schema: the last segment of its JSON Pointer,
// or the file name without extension for a whole-file reference.
func refName(ref string) string {
	file, frag, _ := strings.Cut(ref, "#")
	if frag = strings.Trim(frag, "/"); frag != "" {
		seg := frag[strings.LastIndexByte(frag, '/')+1:]
		return strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
	}
	file = path.Base(strings.ReplaceAll(file, "\\", "/"))
	if i := strings.IndexByte(file, '.'); i > 0 {
		file = file[:i]
	}
	return file
}

func propertyHint(h Hint, prop string, goName func(string) string) Hint {
	if goName == nil {
		return h
	}
	return h.sub(goName(prop), "/properties/"+escapeToken(prop))
}

func itemHint(h Hint) Hint { return h.sub("Item", "/items") }

func valueHint(h Hint) Hint { return h.sub("Value", "/additionalProperties") }

func variantHint(h Hint, keyword string, i int) Hint {
	return h.sub("Variant"+strconv.Itoa(i+1), "/"+keyword+"/"+strconv.Itoa(i))
}

// Of returns the Go type of a schema, declaring the named types it needs; h names the
// schema if it is inline. A nil or unresolvable schema is Raw.
func (r *Registry) Of(sp *base.SchemaProxy, h Hint) Type { return r.of(sp, h, 0) }

// At returns the Go type of the value at the JSON Pointer tokens inside a value of schema
// sp, following $ref, allOf, properties, array items and additionalProperties (see Walk).
// known is false when a token names something the schema rules out; where the schema stops
// describing the value the type is Raw.
func (r *Registry) At(sp *base.SchemaProxy, h Hint, tokens []string) (t Type, known bool) {
	for _, tok := range tokens {
		next, nh, known := child(sp, h, tok, r.goName, 0)
		if !known {
			return Type{Kind: Raw}, false
		}
		if next == nil {
			return Type{Kind: Raw}, true
		}
		sp, h = next, nh
	}
	return r.of(sp, h, 0), true
}

func (r *Registry) of(sp *base.SchemaProxy, h Hint, depth int) Type {
	s := resolve(sp)
	if s == nil || depth > maxDepth {
		return Type{Kind: Raw}
	}
	h = refHint(sp, h, r.goName)
	key := identity(s)
	if key != nil {
		if t, ok := r.done[key]; ok {
			return t
		}
		if r.busy[key] {
			return Type{Kind: Raw}
		}
		r.busy[key] = true
		defer delete(r.busy, key)
	}
	t := r.build(s, h, key, depth)
	if key != nil {
		r.done[key] = t
	}
	return t
}

// identity is what makes two schemas the same schema: the YAML node libopenapi built it
// from, which every reference to it resolves to. nil when unknown (no deduplication).
func identity(s *base.Schema) any {
	if low := s.GoLow(); low != nil && low.RootNode != nil {
		return low.RootNode
	}
	return nil
}

func (r *Registry) build(s *base.Schema, h Hint, key any, depth int) Type {
	nullable := s.Nullable != nil && *s.Nullable
	var kinds []string
	for _, t := range s.Type {
		if t == "null" {
			nullable = true
			continue
		}
		kinds = append(kinds, t)
	}
	valueKinds, nullValue := enumKinds(s.Enum)
	nullable = nullable || nullValue
	withNull := func(t Type) Type {
		t.Nullable = t.Nullable || nullable
		return t
	}
	switch {
	case len(s.OneOf) > 0 || len(s.AnyOf) > 0:
		return withNull(r.union(s, h, key, depth))
	case len(s.AllOf) > 0:
		return withNull(r.allOf(s, h, key, depth))
	}
	if len(kinds) == 0 {
		switch {
		case s.Properties != nil && s.Properties.Len() > 0, s.AdditionalProperties != nil:
			kinds = []string{"object"}
		case s.Items != nil:
			kinds = []string{"array"}
		default:
			kinds = valueKinds
		}
	}
	if len(kinds) != 1 {
		return Type{Kind: Raw}
	}
	switch kinds[0] {
	case "string":
		switch s.Format {
		case "date-time":
			return withNull(Type{Kind: Time})
		case "byte":
			return withNull(Type{Kind: Bytes})
		}
		return withNull(r.enum(s, h, key, Type{Kind: String}))
	case "integer":
		base := Type{Kind: Int64}
		if s.Format == "int32" {
			base.Kind = Int32
		}
		return withNull(r.enum(s, h, key, base))
	case "number":
		return withNull(Type{Kind: Float64})
	case "boolean":
		return withNull(Type{Kind: Bool})
	case "array":
		elem := Type{Kind: Raw}
		if s.Items != nil && s.Items.IsA() {
			elem = r.of(s.Items.A, itemHint(h), depth+1)
		}
		return withNull(Type{Kind: Slice, Elem: &elem})
	case "object":
		shape, _ := objectShape(s, h, 0)
		return withNull(r.object(s.Description, shape, h, key, depth))
	}
	return Type{Kind: Raw}
}

// declare adds a named type for the schema key, before its members are mapped so that
// recursive references find it.
func (r *Registry) declare(key any, h Hint, kind Kind, doc string) *Named {
	name := h.Name
	if name == "" {
		name = "Schema"
	}
	n := &Named{Name: name, Kind: kind, Doc: strings.TrimSpace(doc), Where: h.where(), key: key}
	r.decls = append(r.decls, n)
	if key != nil {
		r.done[key] = Type{Kind: kind, Named: n}
	}
	return n
}

// enum returns base, or a named enum type when the schema lists values of that type.
func (r *Registry) enum(s *base.Schema, h Hint, key any, base Type) Type {
	if r.anonymous || len(s.Enum) == 0 {
		return base
	}
	var values []string
	seen := map[string]bool{}
	for _, v := range s.Enum {
		if v.Kind != yaml.ScalarNode {
			return base
		}
		if v.Tag == "!!null" {
			continue
		}
		value := v.Value
		if base.Kind != String {
			bits := 64
			if base.Kind == Int32 {
				bits = 32
			}
			i, err := strconv.ParseInt(strings.ReplaceAll(v.Value, "_", ""), 0, bits)
			if err != nil || v.Tag != "!!int" {
				return base // a value that is not an integer of the enum's Go type
			}
			value = strconv.FormatInt(i, 10)
		}
		if !seen[value] {
			seen[value] = true
			values = append(values, value)
		}
	}
	if len(values) == 0 {
		return base
	}
	n := r.declare(key, h, Enum, s.Description)
	n.Base = base
	for _, v := range values {
		n.Consts = append(n.Consts, &Const{Value: v})
	}
	return Type{Kind: Enum, Named: n}
}

// object maps an object shape: a struct when it has properties, a map when it has only
// additionalProperties, Raw otherwise.
func (r *Registry) object(doc string, shape *Shape, h Hint, key any, depth int) Type {
	if shape == nil {
		return Type{Kind: Raw}
	}
	if len(shape.Props) == 0 {
		if shape.Extra != nil {
			elem := r.of(shape.Extra, valueHint(h), depth+1)
			return Type{Kind: Map, Elem: &elem}
		}
		return Type{Kind: Raw}
	}
	if r.anonymous {
		return Type{Kind: Raw}
	}
	for _, p := range shape.Props {
		if !validTagName(p.Name) {
			return Type{Kind: Raw}
		}
	}
	required := map[string]bool{}
	for _, name := range shape.Required {
		required[name] = true
	}
	n := r.declare(key, h, Struct, doc)
	fields := newLocalNamer("MarshalJSON", "UnmarshalJSON")
	for _, p := range shape.Props {
		// Named after the struct, located where the property is declared (an allOf member).
		ph := propertyHint(p.origin, p.Name, r.goName)
		ph.Name = h.Name + r.goName(p.Name)
		t := r.of(p.Schema, ph, depth+1)
		if !required[p.Name] {
			t = t.Optional()
		}
		f := &Field{GoName: fields.name(r.goName(p.Name)), JSONName: p.Name, Type: t, Required: required[p.Name]}
		// A referenced schema documents itself on its type.
		if ps := resolve(p.Schema); ps != nil && !p.Schema.IsReference() {
			f.Doc = strings.TrimSpace(ps.Description)
		}
		n.Fields = append(n.Fields, f)
	}
	if shape.Extra != nil || shape.ExtraAllowed {
		elem := Type{Kind: Raw}
		if shape.Extra != nil {
			elem = r.of(shape.Extra, valueHint(h), depth+1)
		}
		n.Extra = &Field{GoName: fields.name("AdditionalProperties"), Type: Type{Kind: Map, Elem: &elem}}
	}
	return Type{Kind: Struct, Named: n}
}

// allOf maps an allOf: the one schema it wraps, or the merge of its object schemas.
func (r *Registry) allOf(s *base.Schema, h Hint, key any, depth int) Type {
	var parts []*base.SchemaProxy
	nullable := false
	for _, b := range s.AllOf {
		bs := resolve(b)
		if bs == nil {
			return Type{Kind: Raw}
		}
		if annotationOnly(bs) {
			nullable = nullable || bs.Nullable != nil && *bs.Nullable
			continue
		}
		parts = append(parts, b)
	}
	own := s.Properties != nil && s.Properties.Len() > 0 || s.AdditionalProperties != nil
	if len(parts) == 1 && !own {
		t := r.of(parts[0], h, depth+1)
		t.Nullable = t.Nullable || nullable
		return t
	}
	shape, ok := objectShape(s, h, 0)
	if !ok {
		return Type{Kind: Raw}
	}
	t := r.object(s.Description, shape, h, key, depth)
	t.Nullable = t.Nullable || nullable
	return t
}

// union maps a oneOf or anyOf.
func (r *Registry) union(s *base.Schema, h Hint, key any, depth int) Type {
	if len(s.OneOf) > 0 && len(s.AnyOf) > 0 {
		return Type{Kind: Raw}
	}
	keyword, branches := "oneOf", s.OneOf
	if len(branches) == 0 {
		keyword, branches = "anyOf", s.AnyOf
	}
	// Alternatives keep their index in the schema, null ones included, in their names.
	type alternative struct {
		schema *base.SchemaProxy
		index  int
	}
	nullable := false
	var alts []alternative
	for i, b := range branches {
		bs := resolve(b)
		if bs == nil {
			return Type{Kind: Raw}
		}
		if isNull(bs) {
			nullable = true
			continue
		}
		alts = append(alts, alternative{b, i})
	}
	switch {
	case len(alts) == 0:
		return Type{Kind: Raw}
	case len(alts) == 1:
		t := r.of(alts[0].schema, h, depth+1)
		t.Nullable = t.Nullable || nullable
		return t
	case r.anonymous:
		return Type{Kind: Raw}
	}
	n := r.declare(key, h, Union, s.Description)
	n.Keyword = keyword
	for _, alt := range alts {
		t := r.of(alt.schema, variantHint(h, keyword, alt.index), depth+1).NonNull()
		if t.Kind == Raw {
			continue // the value itself is the raw JSON; an accessor would add nothing
		}
		n.Variants = append(n.Variants, &Variant{Type: t})
	}
	return Type{Kind: Union, Named: n, Nullable: nullable}
}

// isNull reports whether a schema admits only null.
func isNull(s *base.Schema) bool {
	if len(s.Type) == 1 && s.Type[0] == "null" {
		return true
	}
	if len(s.Type) == 0 && len(s.Enum) > 0 {
		kinds, null := enumKinds(s.Enum)
		return null && len(kinds) == 0
	}
	return false
}

// annotationOnly reports whether a schema constrains nothing about the shape of a value
// (description, nullable, examples, …), as allOf members added for documentation do.
func annotationOnly(s *base.Schema) bool {
	return len(s.Type) == 0 && (s.Properties == nil || s.Properties.Len() == 0) &&
		len(s.AllOf) == 0 && len(s.OneOf) == 0 && len(s.AnyOf) == 0 &&
		s.Items == nil && len(s.Enum) == 0 && s.AdditionalProperties == nil
}

// validTagName reports whether encoding/json accepts name as a struct tag name (its own
// rule, without the space that vet flags).
func validTagName(name string) bool {
	if name == "" || name == "-" {
		return false
	}
	for _, c := range name {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// localNamer hands out unique names within one type (fields, methods).
type localNamer map[string]bool

func newLocalNamer(reserved ...string) localNamer {
	n := localNamer{}
	for _, r := range reserved {
		n[r] = true
	}
	return n
}

func (n localNamer) name(want string) string {
	name := want
	for i := 2; n[name]; i++ {
		name = want + strconv.Itoa(i)
	}
	n[name] = true
	return name
}

// Finish decides the final names of the named types that roots reach and returns those
// types in the order they were first used. Types that were mapped but are not reachable
// from roots (such as the schema of a value only compared in a condition) are dropped.
func (r *Registry) Finish(roots []Type) []*Named {
	reached := map[*Named]bool{}
	var mark func(t Type)
	mark = func(t Type) {
		if t.Elem != nil {
			mark(*t.Elem)
		}
		n := t.Named
		if n == nil || reached[n] {
			return
		}
		reached[n] = true
		for _, f := range n.Fields {
			mark(f.Type)
		}
		if n.Extra != nil {
			mark(n.Extra.Type)
		}
		for _, v := range n.Variants {
			mark(v.Type)
		}
	}
	for _, t := range roots {
		mark(t)
	}
	var out []*Named
	for _, n := range r.decls {
		if reached[n] {
			out = append(out, n)
		}
	}
	for _, n := range out {
		n.Name = r.unique(n.Name)
	}
	for _, n := range out {
		switch n.Kind {
		case Enum:
			for _, c := range n.Consts {
				c.GoName = r.unique(n.Name + r.constSuffix(c.Value))
			}
		case Union:
			methods := newLocalNamer("MarshalJSON", "UnmarshalJSON")
			for _, v := range n.Variants {
				v.Method = methods.name("As" + variantName(v.Type))
			}
		}
	}
	breakCycles(out)
	return out
}

// constSuffix turns an enum value into the part of a constant name after the type name.
func (r *Registry) constSuffix(value string) string {
	switch {
	case value == "":
		return "Empty"
	case strings.HasPrefix(value, "-") && len(value) > 1 && value[1] >= '0' && value[1] <= '9':
		return "Minus" + r.constSuffix(value[1:])
	case value[0] >= '0' && value[0] <= '9':
		// goName would prefix a leading digit with X; after a type name it needs none.
		return strings.TrimPrefix(r.goName("v"+value), "V")
	}
	return r.goName(value)
}

// variantName names a union alternative after its Go type.
func variantName(t Type) string {
	switch t.Kind {
	case Struct, Enum, Union:
		return t.Named.Name
	case Slice:
		return variantName(*t.Elem) + "Slice"
	case Map:
		return variantName(*t.Elem) + "Map"
	case String:
		return "String"
	case Int64:
		return "Int64"
	case Int32:
		return "Int32"
	case Float64:
		return "Float64"
	case Bool:
		return "Bool"
	case Time:
		return "Time"
	case Bytes:
		return "Bytes"
	}
	return "JSON"
}

// breakCycles turns into pointers the struct fields that would make a struct contain
// itself by value, which Go rejects; a pointer to a struct has a nil of its own.
func breakCycles(decls []*Named) {
	const (
		unvisited = iota
		inProgress
		finished
	)
	state := map[*Named]int{}
	var visit func(n *Named)
	visit = func(n *Named) {
		state[n] = inProgress
		for _, f := range n.Fields {
			if f.Type.Kind != Struct || f.Type.Pointer() {
				continue
			}
			switch state[f.Type.Named] {
			case inProgress:
				f.Type.Nullable = true
			case unvisited:
				visit(f.Type.Named)
			}
		}
		state[n] = finished
	}
	for _, n := range decls {
		if n.Kind == Struct && state[n] == unvisited {
			visit(n)
		}
	}
}
