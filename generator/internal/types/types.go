// Package types maps JSON Schema (as used by OpenAPI 3.0, 3.1 and 3.2) to the Go types of
// workflow inputs and outputs.
//
// The mapping is deliberately conservative: scalars and arrays of scalars get concrete Go
// types; objects, unions and anything the schema leaves open stay json.RawMessage, which
// keeps the value exactly as the server sent it. A type is never guessed.
package types

import (
	"strconv"

	"github.com/pb33f/libopenapi/datamodel/high/base"
	yaml "go.yaml.in/yaml/v4"
)

// Kind is the shape of a Go type.
type Kind int

const (
	Raw     Kind = iota // json.RawMessage
	String              // string
	Int64               // int64
	Float64             // float64
	Bool                // bool
	Slice               // []Elem
)

// Type is a Go type for a JSON value.
type Type struct {
	Kind Kind
	Elem *Type // for Slice
	// Nullable scalars are represented by a pointer, so that null survives a round trip.
	Nullable bool
}

// Scalar reports whether t is a string, number or boolean type.
func (t Type) Scalar() bool { return t.Kind >= String && t.Kind <= Bool }

// Pointer reports whether the Go type is a pointer (*T).
func (t Type) Pointer() bool { return t.Nullable && t.Scalar() }

// Optional returns the type of a field that may be absent: pointer for scalars, the same
// type otherwise (RawMessage and slices have a nil zero value already).
func (t Type) Optional() Type {
	if t.Scalar() {
		t.Nullable = true
	}
	return t
}

// NonNull returns t without its nullability.
func (t Type) NonNull() Type { t.Nullable = false; return t }

func (t Type) String() string {
	var s string
	switch t.Kind {
	case String:
		s = "string"
	case Int64:
		s = "int64"
	case Float64:
		s = "float64"
	case Bool:
		s = "bool"
	case Slice:
		return "[]" + t.Elem.String()
	default:
		return "json.RawMessage"
	}
	if t.Pointer() {
		return "*" + s
	}
	return s
}

// maxDepth bounds schema walks, which also makes recursive schemas safe.
const maxDepth = 64

// Of returns the Go type of a schema; a nil or unresolvable schema is Raw.
func Of(sp *base.SchemaProxy) Type { return of(sp, 0) }

func of(sp *base.SchemaProxy, depth int) Type {
	s := resolve(sp)
	if s == nil || depth > maxDepth {
		return Type{Kind: Raw}
	}
	nullable := s.Nullable != nil && *s.Nullable
	var kinds []string
	for _, t := range s.Type {
		if t == "null" {
			nullable = true
			continue
		}
		kinds = append(kinds, t)
	}
	if len(kinds) == 0 && len(s.AllOf) == 1 && len(s.OneOf) == 0 && len(s.AnyOf) == 0 {
		t := of(s.AllOf[0], depth+1)
		t.Nullable = t.Nullable || nullable
		return t
	}
	if len(kinds) == 0 {
		kinds = enumKinds(s.Enum)
	}
	if len(kinds) != 1 || len(s.OneOf) > 0 || len(s.AnyOf) > 0 {
		return Type{Kind: Raw}
	}
	switch kinds[0] {
	case "string":
		return Type{Kind: String, Nullable: nullable}
	case "integer":
		return Type{Kind: Int64, Nullable: nullable}
	case "number":
		return Type{Kind: Float64, Nullable: nullable}
	case "boolean":
		return Type{Kind: Bool, Nullable: nullable}
	case "array":
		if s.Items != nil && s.Items.IsA() {
			if elem := of(s.Items.A, depth+1); elem.Scalar() {
				return Type{Kind: Slice, Elem: &elem}
			}
		}
	}
	return Type{Kind: Raw}
}

// enumKinds infers the JSON type of an untyped enum from its values.
func enumKinds(values []*yaml.Node) []string {
	kind := ""
	for _, v := range values {
		k := "string"
		switch v.Tag {
		case "!!int":
			k = "integer"
		case "!!float":
			k = "number"
		case "!!bool":
			k = "boolean"
		case "!!null":
			continue
		}
		if kind != "" && kind != k {
			return nil
		}
		kind = k
	}
	if kind == "" {
		return nil
	}
	return []string{kind}
}

func resolve(sp *base.SchemaProxy) *base.Schema {
	if sp == nil {
		return nil
	}
	defer func() { _ = recover() }() // a broken reference in a third-party description must not crash generation
	return sp.Schema()
}

// Walk follows JSON Pointer tokens from a schema through $ref, allOf, properties, array
// items and additionalProperties. It returns the schema reached, or known=false when a token
// names something the schema rules out (a property that an object with declared properties
// does not have). When the schema stops describing the value (an untyped object), it
// returns a nil schema with known=true.
func Walk(sp *base.SchemaProxy, tokens []string) (reached *base.SchemaProxy, known bool) {
	for _, tok := range tokens {
		next, known := step(sp, tok, 0)
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

func step(sp *base.SchemaProxy, tok string, depth int) (*base.SchemaProxy, bool) {
	s := resolve(sp)
	if s == nil || depth > maxDepth {
		return nil, true
	}
	if s.Properties != nil {
		if p, ok := s.Properties.Get(tok); ok {
			return p, true
		}
	}
	for _, sub := range s.AllOf {
		if next, _ := step(sub, tok, depth+1); next != nil {
			return next, true
		}
	}
	if s.Items != nil && s.Items.IsA() {
		if _, err := strconv.Atoi(tok); err == nil {
			return s.Items.A, true
		}
	}
	if s.AdditionalProperties != nil {
		if s.AdditionalProperties.IsA() {
			return s.AdditionalProperties.A, true
		}
		if !s.AdditionalProperties.B {
			return nil, false
		}
		return nil, true
	}
	if s.Properties != nil && s.Properties.Len() > 0 && len(s.OneOf) == 0 && len(s.AnyOf) == 0 {
		return nil, false
	}
	return nil, true
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
