package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Decode stores the value found at the JSON Pointer tokens in the response body into dst
// (a pointer to the output's Go type). A pointer that finds nothing leaves dst unchanged,
// as an interpreter would yield no value; a body that is not JSON, or a value of the wrong
// type, is an error.
func (r *Response) Decode(dst any, tokens ...string) error { return r.decode(dst, tokens, false) }

// Require is Decode for a value the response schema requires: a response that lacks it
// fails the step with an error naming it, rather than leaving dst at its zero value. null
// fails too unless dst can hold it (a pointer, slice, map or raw JSON: the schema allows
// null there).
func (r *Response) Require(dst any, tokens ...string) error { return r.decode(dst, tokens, true) }

func (r *Response) decode(dst any, tokens []string, required bool) error {
	if !r.validJSON() {
		return r.Fail("response body is not valid JSON", errSyntax)
	}
	raw, found, err := Lookup(r.Body, tokens...)
	if err != nil {
		return r.Fail("response body is not valid JSON", err)
	}
	switch {
	case !found && required:
		return r.Fail(fmt.Sprintf("%s is absent, and the response schema requires it", pointerString(tokens)), nil)
	case !found:
		return nil
	case required && string(raw) == "null" && !holdsNull(dst):
		return r.Fail(fmt.Sprintf("%s is null, and the response schema does not allow null there", pointerString(tokens)), nil)
	}
	if decodeScalar(raw, dst) {
		return nil
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return r.Fail(fmt.Sprintf("cannot decode %s", pointerString(tokens)), err)
	}
	return nil
}

// holdsNull reports whether *dst can hold JSON null as something other than its zero value.
func holdsNull(dst any) bool {
	switch dst.(type) {
	case *json.RawMessage:
		return true
	case *string, *int64, *int32, *float64, *bool:
		return false
	}
	t := reflect.TypeOf(dst)
	if t == nil || t.Kind() != reflect.Pointer {
		return false
	}
	switch t.Elem().Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		return true
	}
	return false
}

// decodeScalar stores raw (one well-formed JSON value) into dst when dst is one of the types
// outputs usually have and raw is in the plain form that type expects, and reports whether it
// did. It gives exactly what json.Unmarshal gives in those cases, without its reflection,
// its second validation pass and its per-call allocation; anything else (escapes, non-ASCII
// text, a value of the wrong type, overflow) is left to json.Unmarshal, errors included.
func decodeScalar(raw json.RawMessage, dst any) bool {
	if string(raw) == "null" {
		// json.Unmarshal leaves a non-pointer, non-interface destination unchanged on null.
		switch dst.(type) {
		case *string, *int64, *float64, *bool:
			return true
		}
		return false
	}
	switch d := dst.(type) {
	case *json.RawMessage:
		*d = append((*d)[:0], raw...)
		return true
	case *string:
		if len(raw) < 2 || raw[0] != '"' {
			return false
		}
		inner := raw[1 : len(raw)-1]
		for _, c := range inner {
			if c < 0x20 || c == '\\' || c == '"' || c >= 0x80 {
				return false
			}
		}
		*d = string(inner)
		return true
	case *int64:
		for i, c := range raw {
			if (c < '0' || c > '9') && (i > 0 || c != '-') {
				return false
			}
		}
		n, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			return false
		}
		*d = n
		return true
	case *float64:
		if len(raw) == 0 || raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
			return false
		}
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return false
		}
		*d = f
		return true
	case *bool:
		switch string(raw) {
		case "true":
			*d = true
			return true
		case "false":
			*d = false
			return true
		}
	}
	return false
}

func pointerString(tokens []string) string {
	s := "$response.body#"
	for _, t := range tokens {
		s += "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(t)
	}
	return s
}

var errSyntax = errors.New("malformed JSON")

// validJSON checks the whole body once; Lookup alone only reads as far as the value.
func (r *Response) validJSON() bool {
	if r.jsonChecked == 0 {
		r.jsonChecked = 2
		if json.Valid(r.Body) {
			r.jsonChecked = 1
		}
	}
	return r.jsonChecked == 1
}

// Lookup finds the value addressed by the (already decoded) JSON Pointer tokens in a JSON
// document without decoding anything else. It reports found=false when a member or index does
// not exist, and an error when the document is malformed on the way.
func Lookup(doc []byte, tokens ...string) (raw json.RawMessage, found bool, err error) {
	s := scanner{b: doc}
	s.ws()
	for _, tok := range tokens {
		s.ws()
		if s.i >= len(s.b) {
			return nil, false, errSyntax
		}
		switch s.b[s.i] {
		case '{':
			ok, err := s.member(tok)
			if err != nil || !ok {
				return nil, false, err
			}
		case '[':
			idx, ok := arrayIndex(tok)
			if !ok {
				return nil, false, nil
			}
			ok, err := s.element(idx)
			if err != nil || !ok {
				return nil, false, err
			}
		default:
			// A scalar has no members: not found, if the document is well formed.
			if err := s.value(0); err != nil {
				return nil, false, err
			}
			return nil, false, nil
		}
	}
	s.ws()
	start := s.i
	if err := s.value(0); err != nil {
		return nil, false, err
	}
	end := s.i
	if len(tokens) == 0 {
		// The whole document: nothing but white space may follow the value, and that white
		// space (a body's trailing newline) is not part of it.
		s.ws()
		if s.i != len(s.b) {
			return nil, false, errSyntax
		}
	}
	return json.RawMessage(doc[start:end]), true, nil
}

// arrayIndex parses an RFC 6901 array index: "0", or digits without a leading zero (no sign,
// no spaces, which strconv.Atoi would accept).
func arrayIndex(tok string) (int, bool) {
	if tok == "" || len(tok) > 1 && tok[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(tok); i++ {
		if tok[i] < '0' || tok[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(tok)
	return n, err == nil
}

// scanner skips over JSON values; it validates structure well enough to never misread a
// document, and leaves full validation to encoding/json on the value finally decoded.
type scanner struct {
	b []byte
	i int
}

const maxDepth = 10000

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// member positions the scanner at the value of key tok in the object at s.i.
func (s *scanner) member(tok string) (bool, error) {
	s.i++ // '{'
	for {
		s.ws()
		if s.i >= len(s.b) {
			return false, errSyntax
		}
		if s.b[s.i] == '}' {
			return false, nil
		}
		keyStart := s.i
		if err := s.str(); err != nil {
			return false, err
		}
		key := s.b[keyStart:s.i]
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return false, errSyntax
		}
		s.i++
		s.ws()
		if keyEquals(key, tok) {
			return true, nil
		}
		if err := s.value(0); err != nil {
			return false, err
		}
		s.ws()
		if s.i < len(s.b) && s.b[s.i] == ',' {
			s.i++
			continue
		}
		if s.i < len(s.b) && s.b[s.i] == '}' {
			return false, nil
		}
		return false, errSyntax
	}
}

func keyEquals(quoted []byte, tok string) bool {
	inner := quoted[1 : len(quoted)-1]
	for _, c := range inner {
		if c == '\\' {
			var k string
			if json.Unmarshal(quoted, &k) != nil {
				return false
			}
			return k == tok
		}
	}
	return string(inner) == tok
}

func (s *scanner) element(idx int) (bool, error) {
	s.i++ // '['
	for n := 0; ; n++ {
		s.ws()
		if s.i >= len(s.b) {
			return false, errSyntax
		}
		if s.b[s.i] == ']' {
			return false, nil
		}
		if n == idx {
			return true, nil
		}
		if err := s.value(0); err != nil {
			return false, err
		}
		s.ws()
		if s.i < len(s.b) && s.b[s.i] == ',' {
			s.i++
			continue
		}
		if s.i < len(s.b) && s.b[s.i] == ']' {
			return false, nil
		}
		return false, errSyntax
	}
}

func (s *scanner) str() error {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return errSyntax
	}
	for s.i++; s.i < len(s.b); s.i++ {
		switch s.b[s.i] {
		case '\\':
			s.i++
		case '"':
			s.i++
			return nil
		}
	}
	return errSyntax
}

func (s *scanner) value(depth int) error {
	if depth > maxDepth {
		return errors.New("JSON nested too deeply")
	}
	s.ws()
	if s.i >= len(s.b) {
		return errSyntax
	}
	switch c := s.b[s.i]; c {
	case '"':
		return s.str()
	case '{', '[':
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		s.i++
		s.ws()
		if s.i < len(s.b) && s.b[s.i] == closer {
			s.i++
			return nil
		}
		for {
			if c == '{' {
				s.ws()
				if err := s.str(); err != nil {
					return err
				}
				s.ws()
				if s.i >= len(s.b) || s.b[s.i] != ':' {
					return errSyntax
				}
				s.i++
			}
			if err := s.value(depth + 1); err != nil {
				return err
			}
			s.ws()
			if s.i >= len(s.b) {
				return errSyntax
			}
			if s.b[s.i] == ',' {
				s.i++
				continue
			}
			if s.b[s.i] == closer {
				s.i++
				return nil
			}
			return errSyntax
		}
	default:
		start := s.i
		for s.i < len(s.b) {
			ch := s.b[s.i]
			if ch == ',' || ch == '}' || ch == ']' || ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' {
				break
			}
			s.i++
		}
		lit := s.b[start:s.i]
		switch string(lit) {
		case "true", "false", "null":
			return nil
		}
		if !jsonNumber(lit) {
			return errSyntax
		}
		return nil
	}
}

// jsonNumber reports whether b is a JSON number (RFC 8259 §6). Its size does not matter:
// 1e400 is a number, though not a float64, and must not make the document malformed.
func jsonNumber(b []byte) bool {
	i := 0
	digits := func() bool {
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i > start
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else if !digits() {
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	return i == len(b)
}
