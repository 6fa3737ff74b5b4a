package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"strings"
)

// Encoding says how one field of a form or multipart body is serialized: the OpenAPI Encoding
// Object of the request body's media type for that property.
type Encoding struct {
	// Style, Explode and AllowReserved serialize a form field the way a query parameter of
	// that style is serialized; OpenAPI uses them only when the Encoding Object sets one of
	// them explicitly. StyleDefault leaves the field to ContentType.
	Style         Style
	Explode       bool
	AllowReserved bool
	// ContentType is the field's media type. "" follows the value, as OpenAPI's defaults
	// do: scalars as text, arrays as one field (or part) per item, objects as JSON. A JSON
	// media type sends the value as JSON text; any other is the value's text.
	ContentType string
}

// Form builds an application/x-www-form-urlencoded body, fields in the order they are added.
type Form struct {
	b   strings.Builder
	err error
}

// Add appends one field, name and value escaped as HTML forms escape them (a space as '+').
func (f *Form) Add(name, value string) {
	if f.b.Len() > 0 {
		f.b.WriteByte('&')
	}
	f.b.WriteString(url.QueryEscape(name))
	f.b.WriteByte('=')
	f.b.WriteString(url.QueryEscape(value))
}

// addEscaped appends pairs that are already escaped ("a=1&a=2").
func (f *Form) addEscaped(pairs string) {
	if pairs == "" {
		return
	}
	if f.b.Len() > 0 {
		f.b.WriteByte('&')
	}
	f.b.WriteString(pairs)
}

// AddValue appends the field name holding v, serialized by enc. An undefined value (nil, a
// nil pointer, null, an empty array or object) adds nothing, so an optional input that was
// not given is left out of the form.
func (f *Form) AddValue(name string, v any, enc Encoding) {
	if enc.Style != StyleDefault {
		var q Query
		q.AddStyled(name, enc.Style, enc.Explode, enc.AllowReserved, v)
		f.addEscaped(strings.TrimPrefix(q.String(), "?"))
		return
	}
	if allowed := mediaTypeList(enc.ContentType); jsonMediaType(allowed) != "" && (len(allowed) == 1 || flatten(v).kind == object) {
		if flatten(v).kind == undefined {
			return
		}
		f.Add(name, JSONValue(v))
		return
	}
	s := flatten(v)
	switch s.kind {
	case scalar:
		f.Add(name, s.text)
	case array:
		for _, it := range s.items {
			f.Add(name, it)
		}
	case object:
		text, err := json.Marshal(v)
		if err != nil && f.err == nil {
			f.err = fmt.Errorf("form field %s: %w", name, err)
			return
		}
		f.Add(name, jsonItemText(text))
	}
}

// Encode returns the body, or the first error met while adding fields.
func (f *Form) Encode() ([]byte, error) {
	if f.err != nil {
		return nil, f.err
	}
	return []byte(f.b.String()), nil
}

// FormBody encodes a whole payload value as a form: a string is sent as it is (it is the
// form already), an object becomes one field per member with OpenAPI's default encoding,
// and nothing (nil, null) is an empty body.
func FormBody(v any) ([]byte, error) {
	switch x := v.(type) {
	case string:
		return []byte(x), nil
	case *string:
		if x == nil {
			return nil, nil
		}
		return []byte(*x), nil
	}
	raw, err := toJSON(v)
	if err != nil {
		return nil, err
	}
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return nil, nil
	case raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return []byte(s), nil
	case raw[0] != '{':
		return nil, errors.New("a form payload must be an object or a string")
	}
	keys, vals, err := jsonMembers(raw)
	if err != nil {
		return nil, err
	}
	var f Form
	for i, k := range keys {
		f.AddValue(k, vals[i], Encoding{})
	}
	return f.Encode()
}

// toJSON is the JSON text of a value of generated code, without surrounding space.
func toJSON(v any) (json.RawMessage, error) {
	if raw, ok := v.(json.RawMessage); ok {
		return bytes.TrimSpace(raw), nil
	}
	b, err := json.Marshal(v)
	return b, err
}

// isFormType reports whether a media type is application/x-www-form-urlencoded.
func isFormType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/x-www-form-urlencoded"
}
