package ir

import (
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/types"
	"github.com/pb33f/libopenapi/datamodel/high/base"
)

// xmlBody renders an object payload for an XML media type as XML, shaped by the request
// body schema's OpenAPI XML Objects: the root element is the schema's xml.name (or the name
// of the schema component it references), with its namespace; each member is an element
// named by its property's xml.name (or the member name), or an attribute where the property
// says xml.attribute; arrays repeat their item element, inside a wrapper element when
// xml.wrapped. Values known at generation time become literal markup; values known only at
// run time are inserted escaped (scalars) or converted member by member (objects, arrays).
// ok is false when the schema does not name a root element.
func xmlBody(schema *base.SchemaProxy, obj *Value) (parts []TextPart, root string, ok bool) {
	s := schemaOf(schema)
	if s != nil && s.XML != nil && s.XML.Name != "" {
		root = s.XML.Name
	} else if schema != nil && schema.IsReference() {
		ref := schema.GetReference()
		root = ref[strings.LastIndexByte(ref, '/')+1:]
	}
	if root == "" {
		return nil, "", false
	}
	w := &xmlWriter{}
	w.element(root, s, obj)
	return w.parts, root, true
}

type xmlWriter struct {
	parts []TextPart
}

func (w *xmlWriter) lit(s string) {
	if n := len(w.parts); n > 0 && w.parts[n-1].Value == nil {
		w.parts[n-1].Lit += s
		return
	}
	w.parts = append(w.parts, TextPart{Lit: s})
}

func (w *xmlWriter) value(v *Value, esc Escape, element string) {
	w.parts = append(w.parts, TextPart{Value: v, Escape: esc, Element: element})
}

// qualified applies the XML Object's prefix to a name.
func qualified(name string, s *base.Schema) string {
	if s != nil && s.XML != nil && s.XML.Prefix != "" {
		return s.XML.Prefix + ":" + name
	}
	return name
}

// element writes v as the element name described by schema s.
func (w *xmlWriter) element(name string, s *base.Schema, v *Value) {
	v = unfold(v)
	tag := qualified(name, s)
	switch {
	case v.Kind == VObject:
		w.lit("<" + tag)
		if s != nil && s.XML != nil && s.XML.Namespace != "" {
			attr := "xmlns"
			if s.XML.Prefix != "" {
				attr += ":" + s.XML.Prefix
			}
			w.lit(" " + attr + `="` + xmlEscape(s.XML.Namespace) + `"`)
		}
		// Attributes first: they belong in the start tag.
		for i, k := range v.Keys {
			ps := propertySchema(s, k)
			if ps == nil || ps.XML == nil || !ps.XML.Attribute {
				continue
			}
			w.lit(" " + qualified(xmlName(k, ps), ps) + `="`)
			w.text(v.Elems[i])
			w.lit(`"`)
		}
		w.lit(">")
		for i, k := range v.Keys {
			ps := propertySchema(s, k)
			if ps != nil && ps.XML != nil && ps.XML.Attribute {
				continue
			}
			w.member(k, ps, v.Elems[i])
		}
		w.lit("</" + tag + ">")
	case v.Kind == VArray:
		// Only reached for a root array or an array item that is itself an array.
		for _, e := range v.Elems {
			w.element(name, itemSchema(s), e)
		}
	case v.Kind == VLit && v.JSON == "null":
		w.lit("<" + tag + "/>")
	case v.Kind == VLit || v.Kind == VTemplate || v.Type.Scalar() && !v.Type.Pointer():
		w.lit("<" + tag + ">")
		w.text(v)
		w.lit("</" + tag + ">")
	default:
		// A structure, or an optional value, known only at run time.
		w.value(v, EscapeXMLElement, tag)
	}
}

// member writes the member named key of an object, whose property schema is s. Arrays
// repeat their item element (named by the items' xml.name, else by key), inside a wrapper
// element (the array's xml.name, else key) when the schema says xml.wrapped; a name the array
// itself gives has no effect unwrapped, as OpenAPI specifies. Everything else is one element.
func (w *xmlWriter) member(key string, s *base.Schema, v *Value) {
	v = unfold(v)
	runtimeArray := v.Kind != VLit && v.Kind != VArray && v.Kind != VObject &&
		(v.Type.Kind == types.Slice || v.Type.Kind == types.Raw && s != nil && slicesContains(s.Type, "array"))
	if v.Kind != VArray && !runtimeArray {
		w.element(xmlName(key, s), s, v)
		return
	}
	wrapped := s != nil && s.XML != nil && s.XML.Wrapped
	is := itemSchema(s)
	itemName := xmlName(key, is)
	if wrapped {
		w.lit("<" + qualified(xmlName(key, s), s) + ">")
	}
	if v.Kind == VArray {
		for _, e := range v.Elems {
			w.element(itemName, is, e)
		}
	} else {
		w.value(v, EscapeXMLElement, qualified(itemName, is))
	}
	if wrapped {
		w.lit("</" + qualified(xmlName(key, s), s) + ">")
	}
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// text writes a scalar as escaped character data.
func (w *xmlWriter) text(v *Value) {
	if v.Kind == VLit {
		if v.Type.Kind == types.String {
			w.lit(xmlEscape(v.Text))
		} else {
			w.lit(xmlEscape(v.JSON))
		}
		return
	}
	w.value(v, EscapeXML, "")
}

func xmlName(member string, s *base.Schema) string {
	if s != nil && s.XML != nil && s.XML.Name != "" {
		return s.XML.Name
	}
	return member
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

func xmlEscape(s string) string { return xmlEscaper.Replace(s) }

// schemaOf resolves a schema proxy; a broken reference in a third-party description gives
// nil rather than a crash.
func schemaOf(sp *base.SchemaProxy) (s *base.Schema) {
	if sp == nil {
		return nil
	}
	defer func() {
		if recover() != nil {
			s = nil
		}
	}()
	return sp.Schema()
}

// propertySchema finds a property's schema, looking through allOf.
func propertySchema(s *base.Schema, name string) *base.Schema {
	if s == nil {
		return nil
	}
	if s.Properties != nil {
		if p, ok := s.Properties.Get(name); ok {
			return schemaOf(p)
		}
	}
	for _, sub := range s.AllOf {
		if p := propertySchema(schemaOf(sub), name); p != nil {
			return p
		}
	}
	return nil
}

func itemSchema(s *base.Schema) *base.Schema {
	if s == nil || s.Items == nil || !s.Items.IsA() {
		return nil
	}
	return schemaOf(s.Items.A)
}
