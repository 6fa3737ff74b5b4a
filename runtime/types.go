package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
)

// Generated code that declares schema types (structs, enums, unions, maps) or uses
// formatted values (time.Time, int32, []byte) refers to APIVersion2: runtimes of that version
// read any such value through its JSON encoding in Text, Compare and Truthy, and provide
// PickValue, MarshalExtra and UnmarshalExtra.

// PickValue selects the value at the JSON Pointer tokens inside the JSON encoding of v (a
// typed output or input); nothing found, or a value that cannot be encoded, yields nil.
func PickValue(v any, tokens ...string) json.RawMessage {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return Pick(raw, tokens...)
}

// MarshalExtra encodes a struct of declared properties (fields, which must encode as a JSON
// object) followed by the members of extra in key order. Members of extra named like a
// declared property (known) are left out, so that the declared field wins.
func MarshalExtra[V any](fields any, extra map[string]V, known ...string) ([]byte, error) {
	data, err := json.Marshal(fields)
	if err != nil {
		return nil, err
	}
	if len(extra) == 0 {
		return data, nil
	}
	data = bytes.TrimSpace(data)
	if len(data) < 2 || data[0] != '{' {
		return nil, errors.New("runtime.MarshalExtra: the declared properties do not encode as an object")
	}
	var buf bytes.Buffer
	buf.Write(data[:len(data)-1]) // without the closing brace
	first := len(bytes.TrimSpace(data[1:len(data)-1])) == 0
	keys := make([]string, 0, len(extra))
	for k := range extra {
		if !slices.Contains(known, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		key, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		value, err := json.Marshal(extra[k])
		if err != nil {
			return nil, err
		}
		if !first {
			buf.WriteByte(',')
		}
		first = false
		buf.Write(key)
		buf.WriteByte(':')
		buf.Write(value)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// UnmarshalExtra decodes the members of the JSON object data that are not declared
// properties (known) into *extra; *extra is nil when there are none.
func UnmarshalExtra[V any](data []byte, extra *map[string]V, known ...string) error {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil {
		return err
	}
	*extra = nil
	for k, raw := range members {
		if slices.Contains(known, k) {
			continue
		}
		var v V
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		if *extra == nil {
			*extra = make(map[string]V)
		}
		(*extra)[k] = v
	}
	return nil
}
