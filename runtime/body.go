package runtime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// JSONString escapes s for use inside a JSON string literal (without the quotes). Generated
// code uses it where a templated JSON payload embeds a value inside a quoted string, so the
// result stays valid JSON whatever the value holds.
func JSONString(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b.WriteString(`\ufffd`) // as encoding/json does with invalid UTF-8
			} else {
				b.WriteString(s[i : i+n])
			}
			i += n
			continue
		}
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 {
				fmt.Fprintf(&b, `\u%04x`, c)
			} else {
				b.WriteByte(c)
			}
		}
		i++
	}
	return b.String()
}

// JSONValue is the JSON text of a value of generated code: strings quoted, numbers and
// booleans as they are, json.RawMessage unchanged, nil and nil pointers null. It is what a
// templated JSON payload inserts where an embedded expression stands outside a string.
func JSONValue(v any) string {
	switch x := v.(type) {
	case string:
		return `"` + JSONString(x) + `"`
	case json.RawMessage:
		x = bytes.TrimSpace(x)
		if len(x) == 0 {
			return "null"
		}
		return string(x)
	case nil:
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return `"` + JSONString(Text(v)) + `"`
	}
	return string(b)
}

// XMLEscape escapes s for use as XML character data or inside an attribute value.
func XMLEscape(s string) string {
	if !strings.ContainsAny(s, `&<>"'`) {
		return s
	}
	return xmlEscaper.Replace(s)
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

// XMLElement renders a value as XML elements named name, the way an object payload for an
// XML media type is converted where its shape is known only at run time: a scalar is one
// element holding its escaped text, an array one element per item, an object one element
// holding an element per member (named by the member); nil, null and an empty array give
// nothing, so an absent optional value leaves its element out.
func XMLElement(name string, v any) string {
	raw, err := toJSON(v)
	if err != nil {
		return ""
	}
	var b strings.Builder
	xmlElement(&b, name, raw, 0)
	return b.String()
}

func xmlElement(b *strings.Builder, name string, raw []byte, depth int) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" || depth > 100 {
		return
	}
	switch raw[0] {
	case '[':
		items, err := jsonElements(raw)
		if err != nil {
			return
		}
		for _, it := range items {
			xmlElement(b, name, it, depth+1)
		}
	case '{':
		keys, vals, err := jsonMembers(raw)
		if err != nil {
			return
		}
		b.WriteString("<" + name + ">")
		for i, k := range keys {
			xmlElement(b, k, vals[i], depth+1)
		}
		b.WriteString("</" + name + ">")
	default:
		b.WriteString("<" + name + ">" + XMLEscape(jsonItemText(raw)) + "</" + name + ">")
	}
}

// ReplaceJSON applies an Arazzo Payload Replacement to a JSON document: the value at the
// JSON Pointer tokens is replaced by the JSON encoding of value. The last token may also name
// a member the object does not have yet (it is added) or be "-" to append to an array; every
// other token must exist. The rest of the document is kept byte for byte, member order
// included.
func ReplaceJSON(doc []byte, value any, tokens ...string) ([]byte, error) {
	enc, err := toJSON(value)
	if err != nil {
		return nil, fmt.Errorf("payload replacement at %s: %w", payloadPointer(tokens), err)
	}
	out, err := replaceAt(doc, enc, tokens, 0)
	if err != nil {
		return nil, fmt.Errorf("payload replacement at %s: %w", payloadPointer(tokens), err)
	}
	return out, nil
}

func replaceAt(doc, value []byte, tokens []string, depth int) ([]byte, error) {
	if len(tokens) == 0 {
		return value, nil
	}
	lead := len(doc) - len(bytes.TrimLeft(doc, " \t\r\n"))
	trimmed := bytes.TrimSpace(doc)
	if len(trimmed) == 0 || trimmed[0] != '{' && trimmed[0] != '[' {
		return nil, fmt.Errorf("%s is not inside an object or array", payloadPointer(tokens))
	}
	tok := tokens[0]
	start, end, found, err := childSpan(trimmed, tok)
	if err != nil {
		return nil, err
	}
	if found {
		inner, err := replaceAt(trimmed[start:end], value, tokens[1:], depth+1)
		if err != nil {
			return nil, err
		}
		return splice(doc, lead+start, lead+end, inner), nil
	}
	if len(tokens) > 1 {
		return nil, fmt.Errorf("nothing at %q", tok)
	}
	// Add a member (or append an element) before the closing bracket.
	closeAt := len(trimmed) - 1
	empty := len(bytes.TrimSpace(trimmed[1:closeAt])) == 0
	var add []byte
	if !empty {
		add = append(add, ',')
	}
	if trimmed[0] == '{' {
		key, _ := json.Marshal(tok)
		add = append(append(add, key...), ':')
	} else if tok != "-" {
		return nil, fmt.Errorf("array index %q is out of range (use \"-\" to append)", tok)
	}
	add = append(add, value...)
	return splice(doc, lead+closeAt, lead+closeAt, add), nil
}

func splice(doc []byte, from, to int, with []byte) []byte {
	out := make([]byte, 0, len(doc)-(to-from)+len(with))
	out = append(out, doc[:from]...)
	out = append(out, with...)
	return append(out, doc[to:]...)
}

// childSpan finds the byte span of the member (object) or element (array) named tok inside
// the JSON object or array doc.
func childSpan(doc []byte, tok string) (start, end int, found bool, err error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	if _, err := dec.Token(); err != nil {
		return 0, 0, false, err
	}
	isObject := doc[0] == '{'
	want := -1
	if !isObject {
		i, ok := arrayIndex(tok)
		if !ok {
			if tok == "-" {
				return 0, 0, false, nil
			}
			return 0, 0, false, fmt.Errorf("%q is not an array index", tok)
		}
		want = i
	}
	for i := 0; dec.More(); i++ {
		key := ""
		if isObject {
			t, err := dec.Token()
			if err != nil {
				return 0, 0, false, err
			}
			key = t.(string)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return 0, 0, false, err
		}
		if isObject && key == tok || !isObject && i == want {
			end := int(dec.InputOffset())
			return end - len(v), end, true, nil
		}
	}
	return 0, 0, false, nil
}

// payloadPointer renders JSON Pointer tokens for messages about the request payload.
func payloadPointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteString("/" + strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1"))
	}
	if b.Len() == 0 {
		return "the whole payload"
	}
	return b.String()
}
