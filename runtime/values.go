package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Value decodes the value at the JSON Pointer tokens in the response body into a generic Go
// value (nil, bool, float64, string, []any, map[string]any) for use in a condition. A missing
// value or a body that is not JSON yields nil, which compares as null.
func (r *Response) Value(tokens ...string) any {
	if !r.validJSON() {
		return nil
	}
	raw, found, err := Lookup(r.Body, tokens...)
	if err != nil || !found {
		return nil
	}
	return RawValue(raw)
}

// RawValue decodes a JSON value into a generic Go value; malformed JSON yields nil. A number
// beyond float64's range (1e400) becomes ±Inf rather than making the whole value unreadable.
func RawValue(raw json.RawMessage) any {
	var v any
	if len(raw) == 0 {
		return nil
	}
	err := json.Unmarshal(raw, &v)
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		// Only a number too large for a float64 fails to decode into any.
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		v = nil
		if err = dec.Decode(&v); err == nil {
			v = floatNumbers(v)
		}
	}
	if err != nil {
		return nil
	}
	return v
}

// floatNumbers replaces the json.Numbers of a decoded value with float64s, ±Inf for those
// out of range.
func floatNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, _ := strconv.ParseFloat(string(x), 64) // a range error yields ±Inf
		return f
	case []any:
		for i := range x {
			x[i] = floatNumbers(x[i])
		}
	case map[string]any:
		for k, e := range x {
			x[k] = floatNumbers(e)
		}
	}
	return v
}

// Pick selects the value at the JSON Pointer tokens inside a JSON value; nothing found
// yields nil (which encodes as null).
func Pick(raw json.RawMessage, tokens ...string) json.RawMessage {
	v, found, err := Lookup(raw, tokens...)
	if err != nil || !found {
		return nil
	}
	return v
}

// Text renders a value the way an embedded "{$…}" expression does (Arazzo 1.1 §Runtime
// Expressions): strings as they are, other scalars in their JSON form, structures as JSON.
func Text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.RawMessage:
		if len(v) > 0 && v[0] == '"' {
			var s string
			if json.Unmarshal(v, &s) == nil {
				return s
			}
		}
		if len(v) == 0 {
			return "null"
		}
		return string(v)
	case nil:
		return "null"
	case *string:
		if v != nil {
			return *v
		}
		return "null"
	case *int64:
		if v != nil {
			return strconv.FormatInt(*v, 10)
		}
		return "null"
	case *float64:
		if v != nil {
			return strconv.FormatFloat(*v, 'f', -1, 64)
		}
		return "null"
	case *bool:
		if v != nil {
			return strconv.FormatBool(*v)
		}
		return "null"
	case bool:
		return strconv.FormatBool(v)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	// Values whose JSON is a string (enums, time.Time, []byte, …) are that string.
	if len(b) > 0 && b[0] == '"' {
		var s string
		if json.Unmarshal(b, &s) == nil {
			return s
		}
	}
	return string(b)
}

// Compare evaluates "a op b" with the semantics of Arazzo simple conditions: null equals only
// null; strings compare case-insensitively; a numeric string is coerced to a number when the
// other side is a number; op is one of == != < <= > >=.
func Compare(a any, op string, b any) bool {
	a, b = normalize(a), normalize(b)
	if a == nil || b == nil {
		switch op {
		case "==":
			return a == nil && b == nil
		case "!=":
			return !(a == nil && b == nil)
		}
		return false
	}
	c, ok := order(a, b)
	if !ok {
		switch op {
		case "==":
			return deepEqual(a, b)
		case "!=":
			return !deepEqual(a, b)
		}
		return false
	}
	switch op {
	case "==":
		return c == 0
	case "!=":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	return false
}

// Truthy is the value of a bare operand used as a condition: true, a non-zero number, or a
// non-empty string, array or object (the truthiness of non-booleans is unspecified, AMB-C5).
func Truthy(v any) bool {
	switch v := normalize(v).(type) {
	case nil:
		return false
	case bool:
		return v
	case float64:
		return v != 0 && !math.IsNaN(v)
	case string:
		return v != ""
	case []any:
		return len(v) > 0
	case map[string]any:
		return len(v) > 0
	}
	return true
}

// Length is the JavaScript `.length` of a value, which real-world conditions use in the
// "JSONPath comparison" habit ($.items.length > 0): the number of elements of an array, of
// members of an object, or of UTF-16 code units of a string. Any other value, and a missing
// one, has no length (nil), so a comparison with it fails.
func Length(v any) any {
	switch x := normalize(v).(type) {
	case []any:
		return float64(len(x))
	case map[string]any:
		return float64(len(x))
	case string:
		n := 0
		for _, r := range x {
			n += utf16.RuneLen(r)
		}
		return float64(n)
	}
	return nil
}

func normalize(v any) any {
	switch x := v.(type) {
	case json.RawMessage:
		return RawValue(x)
	case int:
		return float64(x)
	case int32:
		return float64(x)
	case int64:
		return float64(x)
	case float32:
		return float64(x)
	case *string:
		if x == nil {
			return nil
		}
		return *x
	case *int64:
		if x == nil {
			return nil
		}
		return float64(*x)
	case *float64:
		if x == nil {
			return nil
		}
		return *x
	case *bool:
		if x == nil {
			return nil
		}
		return *x
	case nil, bool, float64, string, []any, map[string]any:
		return v
	}
	// Any other value (a generated struct, enum or union, a time.Time, a typed nil pointer)
	// compares as its JSON encoding.
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	return RawValue(b)
}

func order(a, b any) (int, bool) {
	switch x := a.(type) {
	case float64:
		if y, ok := number(b); ok {
			return cmpFloat(x, y), true
		}
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(strings.ToLower(x), strings.ToLower(y)), true
		}
		if y, ok := b.(float64); ok {
			if xf, ok := number(x); ok {
				return cmpFloat(xf, y), true
			}
		}
	case bool:
		if y, ok := b.(bool); ok {
			if x == y {
				return 0, true
			}
			if !x {
				return -1, true
			}
			return 1, true
		}
	}
	return 0, false
}

func number(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return f, err == nil
	}
	return 0, false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func deepEqual(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// Query builds a URL query string in the order parameters are added.
type Query struct {
	b strings.Builder
}

// Add appends name=value, both escaped as OpenAPI's form style escapes a query (EscapeQuery):
// every byte outside the RFC 3986 unreserved set is percent-encoded, a space as %20 (a '+'
// would be a literal plus sign to an RFC 3986 reader).
func (q *Query) Add(name, value string) {
	q.sep()
	q.b.WriteString(escape(name))
	q.b.WriteByte('=')
	q.b.WriteString(escape(value))
}

// String returns "" when no parameter was added, else "?name=value&…".
func (q *Query) String() string { return q.b.String() }

// ServerURL trims a trailing slash so that operation paths can be appended.
func ServerURL(u string) string { return strings.TrimSuffix(u, "/") }

// Member is one member of an Object.
type Member struct {
	Key   string
	Value any
}

// Object is a JSON object whose members keep their order. Generated code uses it for payload
// keys that cannot be Go struct tags.
type Object []Member

// MarshalJSON encodes the members in order.
func (o Object) MarshalJSON() ([]byte, error) {
	buf := []byte{'{'}
	for i, m := range o {
		if i > 0 {
			buf = append(buf, ',')
		}
		k, err := json.Marshal(m.Key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(m.Value)
		if err != nil {
			return nil, err
		}
		buf = append(append(append(buf, k...), ':'), v...)
	}
	return append(buf, '}'), nil
}
