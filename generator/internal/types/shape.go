package types

import (
	"slices"
	"strconv"

	"github.com/pb33f/libopenapi/datamodel/high/base"
)

// Shape is what an object schema declares, merged through allOf: its properties in
// document order, the required ones, and what it says about other members.
type Shape struct {
	Props    []Prop
	Required []string // document order, without duplicates
	// Extra is the additionalProperties schema; ExtraAllowed is set when the schema
	// explicitly admits other members (additionalProperties true or a schema).
	Extra        *base.SchemaProxy
	ExtraAllowed bool
}

// Prop is one declared property.
type Prop struct {
	Name   string
	Schema *base.SchemaProxy
	origin Hint // where the declaring schema is, for the documentation of inline types
}

// Prop returns the property called name, or nil.
func (sh *Shape) Prop(name string) *Prop {
	for i := range sh.Props {
		if sh.Props[i].Name == name {
			return &sh.Props[i]
		}
	}
	return nil
}

// ObjectShape describes an object schema. ok is false when the schema is not one whose
// members are known: unresolvable, not an object, or a oneOf/anyOf.
func ObjectShape(sp *base.SchemaProxy) (shape *Shape, ok bool) {
	s := resolve(sp)
	if s == nil {
		return nil, false
	}
	return objectShape(s, Hint{}, 0)
}

// Items returns the schema of the items of an array schema, or nil.
func Items(sp *base.SchemaProxy) *base.SchemaProxy {
	s := resolve(sp)
	if s == nil || s.Items == nil || !s.Items.IsA() {
		return nil
	}
	return s.Items.A
}

// IsReadOnly reports whether a property schema is readOnly (sent only in responses).
func IsReadOnly(sp *base.SchemaProxy) bool {
	s := resolve(sp)
	return s != nil && s.ReadOnly != nil && *s.ReadOnly
}

func objectShape(s *base.Schema, h Hint, depth int) (*Shape, bool) {
	sh := &Shape{}
	if !sh.add(s, h, depth) {
		return nil, false
	}
	return sh, true
}

// add merges s into the shape; allOf members are merged before the schema's own
// properties, so that a property the schema redefines keeps its first position but takes
// the schema's definition.
func (sh *Shape) add(s *base.Schema, h Hint, depth int) bool {
	if depth > maxDepth || len(s.OneOf) > 0 || len(s.AnyOf) > 0 || s.Items != nil {
		return false
	}
	for _, t := range s.Type {
		if t != "object" && t != "null" {
			return false
		}
	}
	for i, b := range s.AllOf {
		bs := resolve(b)
		if bs == nil || !sh.add(bs, refHint(b, h.sub("", "/allOf/"+strconv.Itoa(i)), nil), depth+1) {
			return false
		}
	}
	if s.Properties != nil {
		for name, p := range s.Properties.FromOldest() {
			if existing := sh.Prop(name); existing != nil {
				existing.Schema, existing.origin = p, h
				continue
			}
			sh.Props = append(sh.Props, Prop{Name: name, Schema: p, origin: h})
		}
	}
	for _, r := range s.Required {
		if !slices.Contains(sh.Required, r) {
			sh.Required = append(sh.Required, r)
		}
	}
	if ap := s.AdditionalProperties; ap != nil && !sh.ExtraAllowed {
		switch {
		case ap.IsA():
			sh.Extra, sh.ExtraAllowed = ap.A, true
		case ap.B:
			sh.ExtraAllowed = true
		}
	}
	return true
}
