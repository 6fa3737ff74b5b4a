// Package types maps JSON Schema (as used by OpenAPI 3.0, 3.1 and 3.2) to the Go types of
// workflow inputs and outputs.
//
// A Registry maps schemas to Go types and declares one named Go type per schema that needs
// a name (objects, enums, unions); see registry.go for the rules. What the mapping cannot
// express stays json.RawMessage, which keeps the value exactly as the server sent it: a
// type is never guessed.
package types

import (
	"strconv"
	"strings"

	"github.com/pb33f/libopenapi/datamodel/high/base"
	yaml "go.yaml.in/yaml/v4"
)

// Kind is the shape of a Go type.
type Kind int

// The first kinds are the ones every part of the generator knows; the later ones are
// appended so that the values of the earlier ones never change.
const (
	Raw     Kind = iota // json.RawMessage
	String              // string
	Int64               // int64
	Float64             // float64
	Bool                // bool
	Slice               // []Elem
	Int32               // int32 (integer, format int32)
	Time                // time.Time (string, format date-time)
	Bytes               // []byte (string, format byte: base64 in JSON)
	Map                 // map[string]Elem (additionalProperties)
	Struct              // a declared struct: Named
	Enum                // a declared string or integer type with constants: Named
	Union               // a declared json.RawMessage with typed accessors (oneOf, anyOf): Named
)

// Type is a Go type for a JSON value.
type Type struct {
	Kind  Kind
	Elem  *Type  // for Slice and Map
	Named *Named // for Struct, Enum and Union
	// Nullable values are represented by a pointer when their Go type has no nil of its
	// own (see Pointer), so that null survives a round trip.
	Nullable bool
}

// Scalar reports whether t is a JSON string, number or boolean held in a Go value type
// (string, integers, float64, bool, time.Time or an enum).
func (t Type) Scalar() bool {
	switch t.Kind {
	case String, Int64, Float64, Bool, Int32, Time, Enum:
		return true
	}
	return false
}

// Pointer reports whether the Go type is a pointer (*T): a nullable or optional scalar or
// struct. Slices, maps, json.RawMessage and unions have a nil of their own.
func (t Type) Pointer() bool { return t.Nullable && (t.Scalar() || t.Kind == Struct) }

// Nilable reports whether the Go zero value of t is nil, so that an absent value can be
// left out of JSON with omitempty.
func (t Type) Nilable() bool {
	switch t.Kind {
	case Raw, Slice, Map, Bytes, Union:
		return true
	}
	return t.Pointer()
}

// Optional returns the type of a field that may be absent: a pointer for scalars and
// structs, the same type otherwise (their zero value is nil already).
func (t Type) Optional() Type {
	if t.Scalar() || t.Kind == Struct {
		t.Nullable = true
	}
	return t
}

// NonNull returns t without its nullability.
func (t Type) NonNull() Type { t.Nullable = false; return t }

// Extended reports whether t is or contains a kind beyond the first six, which generated
// code handles with runtime API version 2.
func (t Type) Extended() bool {
	if t.Kind > Slice {
		return true
	}
	return t.Elem != nil && t.Elem.Extended()
}

func (t Type) String() string {
	var s string
	switch t.Kind {
	case String:
		s = "string"
	case Int64:
		s = "int64"
	case Int32:
		s = "int32"
	case Float64:
		s = "float64"
	case Bool:
		s = "bool"
	case Time:
		s = "time.Time"
	case Struct, Enum:
		s = t.Named.Name
	case Union:
		return t.Named.Name
	case Bytes:
		return "[]byte"
	case Slice:
		return "[]" + t.Elem.String()
	case Map:
		return "map[string]" + t.Elem.String()
	default:
		return "json.RawMessage"
	}
	if t.Pointer() {
		return "*" + s
	}
	return s
}

// JSONType is the JSON Schema type of values of t ("string", "integer", "number",
// "boolean", "array", "object"), or "" when t stands for any JSON value.
func (t Type) JSONType() string {
	switch t.Kind {
	case String, Time, Bytes:
		return "string"
	case Int64, Int32:
		return "integer"
	case Float64:
		return "number"
	case Bool:
		return "boolean"
	case Slice:
		return "array"
	case Map, Struct:
		return "object"
	case Enum:
		return t.Named.Base.NonNull().JSONType()
	}
	return ""
}

// Named is a declared Go type: a struct, an enum or a union.
type Named struct {
	// Name is the Go type name. It is final once Registry.Finish has run; before that it is
	// the name the schema asks for.
	Name  string
	Kind  Kind   // Struct, Enum or Union
	Doc   string // the schema's description
	Where string // where the schema comes from, for the doc comment

	// Struct: the properties in document order, and the additionalProperties map (nil
	// when the schema declares none).
	Fields []*Field
	Extra  *Field

	// Enum: the underlying type (String, Int64 or Int32) and one constant per value.
	Base   Type
	Consts []*Const

	// Union: "oneOf" or "anyOf", and one accessor per alternative.
	Keyword  string
	Variants []*Variant

	key any // the schema's identity; see Registry
}

// Field is a struct field. JSONName is the property name.
type Field struct {
	GoName   string
	JSONName string
	Type     Type
	Required bool // required by the schema; optional fields carry omitempty
	Doc      string
}

// Const is one enum constant; Value is the string, or the integer in decimal.
type Const struct {
	GoName string
	Value  string
}

// Variant is one alternative of a union, decoded by the method As<Method>.
type Variant struct {
	Method string // the method name, "AsPet"
	Type   Type
}

// maxDepth bounds schema walks, which also makes pathological schemas safe.
const maxDepth = 64

// Of returns the Go type of a schema without declaring named types: objects and unions
// are Raw, and enums their underlying scalar. A nil or unresolvable schema is Raw. Use a
// Registry to get named types.
func Of(sp *base.SchemaProxy) Type {
	r := &Registry{anonymous: true, done: map[any]Type{}, busy: map[any]bool{}}
	return r.of(sp, Hint{}, 0)
}

// enumKinds infers the JSON type of the non-null values of an enum from their YAML tags
// (nil when they differ or are not scalars) and reports whether null is one of them.
func enumKinds(values []*yaml.Node) (kinds []string, null bool) {
	kind := ""
	for _, v := range values {
		if v.Kind != yaml.ScalarNode {
			return nil, null // objects and arrays as enum values: no Go constant can hold them
		}
		k := "string"
		switch v.Tag {
		case "!!int":
			k = "integer"
		case "!!float":
			k = "number"
		case "!!bool":
			k = "boolean"
		case "!!null":
			null = true
			continue
		}
		if kind != "" && kind != k {
			return nil, null
		}
		kind = k
	}
	if kind == "" {
		return nil, null
	}
	return []string{kind}, null
}

func resolve(sp *base.SchemaProxy) (s *base.Schema) {
	if sp == nil {
		return nil
	}
	defer func() {
		// A broken reference in a third-party description must not crash generation.
		if recover() != nil {
			s = nil
		}
	}()
	return sp.Schema()
}

// Walk follows JSON Pointer tokens from a schema through $ref, allOf, properties, array
// items and additionalProperties. It returns the schema reached, or known=false when a token
// names something the schema rules out (a property that an object with declared properties
// does not have). When the schema stops describing the value (an untyped object), it
// returns a nil schema with known=true.
func Walk(sp *base.SchemaProxy, tokens []string) (reached *base.SchemaProxy, known bool) {
	for _, tok := range tokens {
		next, _, known := child(sp, Hint{}, tok, nil, 0)
		if !known {
			return nil, false
		}
		if next == nil {
			return nil, true
		}
		sp = next
	}
	return sp, true
}

// child is the schema of the member tok of a value of schema sp, with the hint that names
// it when it is inline; see Walk.
// DescriptionAt is the description of the schema at a JSON Pointer (tokens) under sp, ""
// when the schema there has none or the pointer leaves the schema.
func DescriptionAt(sp *base.SchemaProxy, tokens []string) string {
	same := func(s string) string { return s }
	for _, tok := range tokens {
		next, _, _ := child(sp, Hint{}, tok, same, 0)
		if next == nil {
			return ""
		}
		sp = next
	}
	if s := resolve(sp); s != nil {
		return strings.TrimSpace(s.Description)
	}
	return ""
}

func child(sp *base.SchemaProxy, h Hint, tok string, goName func(string) string, depth int) (*base.SchemaProxy, Hint, bool) {
	s := resolve(sp)
	if s == nil || depth > maxDepth {
		return nil, h, true
	}
	h = refHint(sp, h, goName)
	if s.Properties != nil {
		if p, ok := s.Properties.Get(tok); ok {
			return p, propertyHint(h, tok, goName), true
		}
	}
	// Through allOf, a member is ruled out only when every member schema rules it out.
	closed := len(s.AllOf) > 0
	for i, sub := range s.AllOf {
		next, nh, known := child(sub, h.sub("", "/allOf/"+strconv.Itoa(i)), tok, goName, depth+1)
		if next != nil {
			return next, nh, true
		}
		closed = closed && !known
	}
	if s.Items != nil && s.Items.IsA() {
		if _, err := strconv.Atoi(tok); err == nil {
			return s.Items.A, itemHint(h), true
		}
	}
	if s.AdditionalProperties != nil {
		if s.AdditionalProperties.IsA() {
			return s.AdditionalProperties.A, valueHint(h), true
		}
		if !s.AdditionalProperties.B {
			return nil, h, false
		}
		return nil, h, true
	}
	if (closed || s.Properties != nil && s.Properties.Len() > 0) && len(s.OneOf) == 0 && len(s.AnyOf) == 0 {
		return nil, h, false
	}
	return nil, h, true
}

// Properties lists an object schema's properties in order with whether each is required.
func Properties(sp *base.SchemaProxy) (names []string, schemas []*base.SchemaProxy, required map[string]bool) {
	s := resolve(sp)
	required = map[string]bool{}
	if s == nil {
		return nil, nil, required
	}
	for _, r := range s.Required {
		required[r] = true
	}
	if s.Properties != nil {
		for name, p := range s.Properties.FromOldest() {
			names = append(names, name)
			schemas = append(schemas, p)
		}
	}
	return names, schemas, required
}

// RequiredAt reports whether a value of schema sp always has a member at the JSON Pointer
// tokens: each token names a property that its object's schema requires (in its required
// list or an allOf member's), and no object on the way may be null. Array elements and
// additionalProperties members may always be absent. The member's own value may still be
// null when its schema allows it (see Type.Nullable).
func RequiredAt(sp *base.SchemaProxy, tokens []string) bool {
	for i, tok := range tokens {
		s := resolve(sp)
		if s == nil || Of(sp).Nullable || !requires(sp, tok, 0) {
			return false
		}
		next, _, known := child(sp, Hint{}, tok, nil, 0)
		if !known || next == nil {
			return known && i == len(tokens)-1 // required, but the schema says no more
		}
		sp = next
	}
	return true
}

// requires reports whether an object schema (through $ref and allOf) lists name as required.
func requires(sp *base.SchemaProxy, name string, depth int) bool {
	s := resolve(sp)
	if s == nil || depth > maxDepth {
		return false
	}
	for _, r := range s.Required {
		if r == name {
			return true
		}
	}
	for _, sub := range s.AllOf {
		if requires(sub, name, depth+1) {
			return true
		}
	}
	return false
}
