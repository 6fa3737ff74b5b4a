package emit

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/ir"
	"github.com/arazzogen/arazzogen/generator/internal/types"
)

// JSON Schemas (draft 2020-12) of workflow inputs and outputs, for the tools of the MCP
// server: written from the IR's Go types, so a schema says exactly what the generated code
// accepts and returns. Named types are $defs, referenced by name (recursion included).
//
// An input schema is strict: enums list their values, unions their alternatives, and it
// admits no other members. An output schema describes what the outputs struct marshals to,
// which the server reports as it was received: values that Go holds as nil may be null,
// and enum and union values are not constrained beyond their JSON type.

// schemaDialect is the JSON Schema dialect of the schemas.
const schemaDialect = "https://json-schema.org/draft/2020-12/schema"

// object is a JSON object whose members keep their order, so schemas are deterministic.
type object []member

type member struct {
	key   string
	value any
}

func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.key)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(m.value)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

type schemaWriter struct {
	output bool
	defs   object
	seen   map[*types.Named]bool
}

// fieldsSchema is the schema of an inputs or outputs struct. secret, when set, says which
// fields are shown as "[REDACTED]" (outputs).
func fieldsSchema(fields []*ir.Field, output bool) string {
	w := &schemaWriter{output: output, seen: map[*types.Named]bool{}}
	props := object{}
	required := []string{}
	for _, f := range fields {
		var s object
		if output && f.Secret {
			s = object{{"type", "string"}, {"const", "[REDACTED]"}}
		} else {
			s = w.schema(f.Type)
		}
		s = withDescription(s, f.Doc)
		props = append(props, member{f.JSONName, s})
		if output || f.Required {
			required = append(required, f.JSONName)
		}
	}
	root := object{{"$schema", schemaDialect}, {"type", "object"}, {"properties", props}}
	if len(required) > 0 {
		root = append(root, member{"required", required})
	}
	root = append(root, member{"additionalProperties", false})
	if len(w.defs) > 0 {
		root = append(root, member{"$defs", w.defs})
	}
	data, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		panic("emit: schema: " + err.Error()) // only strings, numbers, bools and objects
	}
	return string(data)
}

func withDescription(s object, doc string) object {
	if doc = strings.TrimSpace(doc); doc == "" {
		return s
	}
	return append(s, member{"description", doc})
}

// schema is the schema of values of Go type t.
func (w *schemaWriter) schema(t types.Type) object {
	var s object
	switch t.Kind {
	case types.String:
		s = object{{"type", "string"}}
	case types.Time:
		s = object{{"type", "string"}, {"format", "date-time"}}
	case types.Bytes:
		s = object{{"type", "string"}, {"contentEncoding", "base64"}}
	case types.Int64, types.Int32:
		s = object{{"type", "integer"}}
	case types.Float64:
		s = object{{"type", "number"}}
	case types.Bool:
		s = object{{"type", "boolean"}}
	case types.Slice:
		s = object{{"type", "array"}, {"items", w.schema(*t.Elem)}}
	case types.Map:
		s = object{{"type", "object"}, {"additionalProperties", w.schema(*t.Elem)}}
	case types.Struct, types.Enum, types.Union:
		w.define(t.Named)
		s = object{{"$ref", "#/$defs/" + t.Named.Name}}
	default:
		return object{} // any JSON value, null included
	}
	if w.nullable(t) {
		return nullable(s)
	}
	return s
}

// nullable reports whether null is a value of t: in outputs, whatever Go holds as nil; in
// inputs, what the schema allows to be null or absent.
func (w *schemaWriter) nullable(t types.Type) bool {
	if w.output {
		return t.Nilable()
	}
	return t.Nullable
}

func nullable(s object) object {
	if len(s) > 0 && s[0].key == "type" {
		if typ, ok := s[0].value.(string); ok {
			out := append(object{{"type", []string{typ, "null"}}}, s[1:]...)
			return out
		}
	}
	return object{{"anyOf", []any{s, object{{"type", "null"}}}}}
}

// define adds a named type's schema to $defs, once.
func (w *schemaWriter) define(n *types.Named) {
	if w.seen[n] {
		return
	}
	w.seen[n] = true
	i := len(w.defs)
	w.defs = append(w.defs, member{n.Name, nil}) // reserved first: definitions appear in order of first use
	var s object
	switch n.Kind {
	case types.Struct:
		props := object{}
		var required []string
		for _, f := range n.Fields {
			props = append(props, member{f.JSONName, withDescription(w.schema(f.Type), f.Doc)})
			if f.Required {
				required = append(required, f.JSONName)
			}
		}
		s = object{{"type", "object"}, {"properties", props}}
		if len(required) > 0 {
			s = append(s, member{"required", required})
		}
		if n.Extra != nil && n.Extra.Type.Elem != nil {
			s = append(s, member{"additionalProperties", w.schema(*n.Extra.Type.Elem)})
		}
	case types.Enum:
		s = w.schema(n.Base.NonNull())
		if !w.output {
			var values []any
			for _, c := range n.Consts {
				if n.Base.Kind == types.String {
					values = append(values, c.Value)
				} else if v, err := strconv.ParseInt(c.Value, 10, 64); err == nil {
					values = append(values, v)
				}
			}
			s = append(s, member{"enum", values})
		}
	case types.Union:
		if w.output {
			s = object{}
		} else {
			var alts []any
			for _, v := range n.Variants {
				alts = append(alts, w.schema(v.Type))
			}
			s = object{{"anyOf", alts}}
		}
	}
	w.defs[i].value = withDescription(s, n.Doc)
}
