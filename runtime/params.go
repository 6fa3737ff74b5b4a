package runtime

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Style is an OpenAPI parameter style. Arazzo leaves parameter serialization to the
// OpenAPI description of the operation (Arazzo features AMB-P1), so generated code passes
// the style, explode and allowReserved of the declared parameter.
type Style uint8

const (
	// StyleDefault is the location's default: simple for path and header parameters, form
	// for query and cookie parameters (and for form body fields).
	StyleDefault Style = iota
	StyleSimple
	StyleLabel
	StyleMatrix
	StyleForm
	StyleSpaceDelimited
	StylePipeDelimited
	StyleDeepObject
)

// shape is a parameter value reduced to what the OpenAPI styles can express: nothing, one
// scalar, a list of items, or an ordered list of members. Items and member values that are
// themselves structures are carried as compact JSON text, which is all RFC 6570 allows.
type shape struct {
	kind  shapeKind
	text  string   // scalar
	items []string // array items, or member values of an object
	keys  []string // object member names, parallel to items
}

type shapeKind uint8

const (
	undefined shapeKind = iota
	scalar
	array
	object
)

// flatten reduces a Go value of generated code to a shape. nil, nil pointers, JSON null and
// empty arrays or objects are undefined (RFC 6570 §2.3: an empty list is undefined), so an
// absent optional value leaves its parameter out.
func flatten(v any) shape {
	switch x := v.(type) {
	case nil:
		return shape{}
	case string:
		return shape{kind: scalar, text: x}
	case json.RawMessage:
		return flattenJSON(x)
	case *string, *int64, *float64, *bool:
		if t := Text(x); t != "null" || !isNilPointer(x) {
			return shape{kind: scalar, text: t}
		}
		return shape{}
	case bool, int, int64, float64, int32, float32, uint, uint64:
		return shape{kind: scalar, text: Text(normalizeNumber(x))}
	case []string:
		return list(x, func(s string) string { return s })
	case []int64:
		return list(x, func(n int64) string { return strconv.FormatInt(n, 10) })
	case []float64:
		return list(x, func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) })
	case []bool:
		return list(x, strconv.FormatBool)
	case []any:
		return list(x, itemText)
	case Object:
		if len(x) == 0 {
			return shape{}
		}
		s := shape{kind: object}
		for _, m := range x {
			s.keys = append(s.keys, m.Key)
			s.items = append(s.items, itemText(m.Value))
		}
		return s
	case map[string]any:
		if len(x) == 0 {
			return shape{}
		}
		s := shape{kind: object}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys) // a Go map has no order; sorting keeps requests reproducible
		for _, k := range keys {
			s.keys = append(s.keys, k)
			s.items = append(s.items, itemText(x[k]))
		}
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return shape{kind: scalar, text: Text(v)}
	}
	return flattenJSON(b)
}

func isNilPointer(v any) bool {
	switch p := v.(type) {
	case *string:
		return p == nil
	case *int64:
		return p == nil
	case *float64:
		return p == nil
	case *bool:
		return p == nil
	}
	return false
}

func normalizeNumber(v any) any {
	switch n := v.(type) {
	case int32:
		return int64(n)
	case uint:
		return strconv.FormatUint(uint64(n), 10)
	case uint64:
		return strconv.FormatUint(n, 10)
	case float32:
		return float64(n)
	}
	return v
}

func list[T any](xs []T, text func(T) string) shape {
	if len(xs) == 0 {
		return shape{}
	}
	s := shape{kind: array, items: make([]string, len(xs))}
	for i, x := range xs {
		s.items[i] = text(x)
	}
	return s
}

// itemText renders one array item or member value: scalars as text, structures as JSON.
func itemText(v any) string {
	switch x := v.(type) {
	case json.RawMessage:
		return jsonItemText(x)
	case Object, map[string]any, []any:
		b, err := json.Marshal(x)
		if err != nil {
			return ""
		}
		return string(b)
	}
	return Text(normalizeNumber(v))
}

func jsonItemText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	case '{', '[':
		var buf bytes.Buffer
		if json.Compact(&buf, raw) == nil {
			return buf.String()
		}
	}
	return string(raw)
}

// flattenJSON reads a JSON value keeping the order of object members.
func flattenJSON(raw []byte) shape {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return shape{}
	}
	switch raw[0] {
	case '[':
		items, err := jsonElements(raw)
		if err != nil || len(items) == 0 {
			if err != nil {
				return shape{kind: scalar, text: string(raw)}
			}
			return shape{}
		}
		s := shape{kind: array, items: make([]string, len(items))}
		for i, it := range items {
			s.items[i] = jsonItemText(it)
		}
		return s
	case '{':
		keys, vals, err := jsonMembers(raw)
		if err != nil {
			return shape{kind: scalar, text: string(raw)}
		}
		if len(keys) == 0 {
			return shape{}
		}
		s := shape{kind: object, keys: keys, items: make([]string, len(vals))}
		for i, v := range vals {
			s.items[i] = jsonItemText(v)
		}
		return s
	}
	return shape{kind: scalar, text: jsonItemText(raw)}
}

// jsonMembers decodes the members of a JSON object in document order.
func jsonMembers(raw []byte) (keys []string, vals []json.RawMessage, err error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil, nil, err
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		keys = append(keys, t.(string))
		vals = append(vals, v)
	}
	return keys, vals, nil
}

// jsonElements decodes the elements of a JSON array.
func jsonElements(raw []byte) ([]json.RawMessage, error) {
	var out []json.RawMessage
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Percent-encoding. RFC 6570 expands a variable by percent-encoding every byte outside the
// unreserved set (ALPHA / DIGIT / "-" / "." / "_" / "~"), as UTF-8; reserved expansion
// ({+var}, OpenAPI allowReserved) also lets RFC 3986 reserved characters and existing
// percent-encoded triples through.
const upperhex = "0123456789ABCDEF"

func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// reservedInQuery are the RFC 3986 reserved characters that allowReserved lets through in a
// query. "#", "[" and "]" are not allowed in a query, and "&", "=" and "+" would change its
// meaning, so OpenAPI leaves them to be encoded anyway (OAS 3.1.1 §4.8.12.4).
func reservedInQuery(c byte) bool { return strings.IndexByte(":/?@!$'()*,;", c) >= 0 }

func pctEncode(s string, keep func(byte) bool) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !keep(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if keep(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(upperhex[c>>4])
		b.WriteByte(upperhex[c&15])
	}
	return b.String()
}

// escape is RFC 6570 simple expansion: everything but unreserved characters is encoded.
func escape(s string) string { return pctEncode(s, unreserved) }

// escapeReserved is RFC 6570 reserved expansion limited to what a query may carry.
func escapeReserved(s string) string {
	if !strings.Contains(s, "%") {
		return pctEncode(s, func(c byte) bool { return unreserved(c) || reservedInQuery(c) })
	}
	// A '%' that starts a percent-encoded triple passes; any other '%' is encoded.
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteString(s[i : i+3])
			i += 2
		case unreserved(c) || reservedInQuery(c):
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(upperhex[c>>4])
			b.WriteByte(upperhex[c&15])
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// EscapeQuery percent-encodes a query parameter name or value the way OpenAPI's form style
// does (RFC 6570 form-style query expansion): every byte outside the RFC 3986 unreserved set,
// a space as %20. With allowReserved, RFC 3986 reserved characters and percent-encoded
// triples pass, except those a query cannot carry unencoded ("#", "[", "]", "&", "=", "+").
func EscapeQuery(s string, allowReserved bool) string {
	if allowReserved {
		return escapeReserved(s)
	}
	return escape(s)
}

// PathParam serializes a path parameter value by OpenAPI style (simple, label or matrix)
// for the parameter named name; the result replaces "{name}" in the path template. Values
// are percent-encoded as RFC 6570 expands them; the style's delimiters are not.
func PathParam(name string, style Style, explode bool, v any) string {
	s := flatten(v)
	switch style {
	case StyleLabel:
		return "." + join(s, ".", explode, ",", "=", ",")
	case StyleMatrix:
		n := escape(name)
		switch s.kind {
		case undefined:
			return ";" + n
		case scalar:
			return ";" + n + valuePart(s.text)
		case array:
			if explode {
				var b strings.Builder
				for _, it := range s.items {
					b.WriteString(";" + n + valuePart(it))
				}
				return b.String()
			}
			return ";" + n + "=" + joinEscaped(s.items, ",")
		default:
			if explode {
				var b strings.Builder
				for i, k := range s.keys {
					b.WriteString(";" + escape(k) + valuePart(s.items[i]))
				}
				return b.String()
			}
			return ";" + n + "=" + joinPairs(s, ",", ",")
		}
	}
	return join(s, ",", explode, ",", "=", ",")
}

// PathReserved escapes a path parameter value by RFC 6570 reserved expansion ("{+name}" in
// a path template, or allowReserved): RFC 3986 reserved characters such as '/' and existing
// percent-encoded triples stay as they are, except '?' and '#', which would end the path.
func PathReserved(s string) string { return pctEncodeKeepTriples(s, pathReservedChar) }

func pathReservedChar(c byte) bool {
	return unreserved(c) || strings.IndexByte(":/@!$&'()*+,;=[]", c) >= 0
}

// valuePart is "=value" for matrix style, or nothing for an empty value (RFC 6570 §3.2.7).
func valuePart(v string) string {
	if v == "" {
		return ""
	}
	return "=" + escape(v)
}

// join renders a shape with the separators of simple and label styles: itemSep between
// array items (or between exploded members), pairSep/kvSep for members.
func join(s shape, explodedSep string, explode bool, sep, kv, pairSep string) string {
	switch s.kind {
	case undefined:
		return ""
	case scalar:
		return escape(s.text)
	case array:
		if explode {
			return joinEscaped(s.items, explodedSep)
		}
		return joinEscaped(s.items, sep)
	}
	if explode {
		var b strings.Builder
		for i, k := range s.keys {
			if i > 0 {
				b.WriteString(explodedSep)
			}
			b.WriteString(escape(k) + kv + escape(s.items[i]))
		}
		return b.String()
	}
	return joinPairs(s, sep, pairSep)
}

func joinEscaped(items []string, sep string) string {
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(escape(it))
	}
	return b.String()
}

// joinPairs renders members as "k1,v1,k2,v2" (non-exploded object).
func joinPairs(s shape, sep, pairSep string) string {
	var b strings.Builder
	for i, k := range s.keys {
		if i > 0 {
			b.WriteString(pairSep)
		}
		b.WriteString(escape(k) + sep + escape(s.items[i]))
	}
	return b.String()
}

// AddEncoded appends query text that is already encoded ("acl", "list-type=2"), such as
// the fixed query some descriptions write in a path template.
func (q *Query) AddEncoded(pairs string) {
	if pairs == "" {
		return
	}
	q.sep()
	q.b.WriteString(pairs)
}

// AddReserved appends name=value with value escaped by reserved expansion (OpenAPI
// allowReserved).
func (q *Query) AddReserved(name, value string) {
	q.sep()
	q.b.WriteString(escape(name))
	q.b.WriteByte('=')
	q.b.WriteString(escapeReserved(value))
}

func (q *Query) sep() {
	if q.b.Len() == 0 {
		q.b.WriteByte('?')
	} else {
		q.b.WriteByte('&')
	}
}

func (q *Query) pair(name, escapedValue string) {
	q.sep()
	q.b.WriteString(name)
	q.b.WriteByte('=')
	q.b.WriteString(escapedValue)
}

// AddStyled appends a query parameter serialized by OpenAPI style (form, spaceDelimited,
// pipeDelimited or deepObject) and explode, following the OpenAPI style examples. An
// undefined value (nil, null, an empty array or object) adds nothing. Styles that do not
// define a rendering for a value's shape fall back to form.
func (q *Query) AddStyled(name string, style Style, explode, allowReserved bool, v any) {
	s := flatten(v)
	if s.kind == undefined {
		return
	}
	esc := escape
	if allowReserved {
		esc = escapeReserved
	}
	n := escape(name)
	switch {
	case s.kind == scalar:
		q.pair(n, esc(s.text))
		return
	case style == StyleDeepObject && s.kind == object:
		q.deepObject(n, v, esc)
		return
	case (style == StyleSpaceDelimited || style == StylePipeDelimited) && !explode:
		sep := "%20"
		if style == StylePipeDelimited {
			sep = "%7C"
		}
		q.pair(n, delimited(s, sep, esc))
		return
	case style == StyleDeepObject && s.kind == array:
		explode = true // deepObject defines objects only; an array is read as exploded form
	}
	switch {
	case s.kind == array && explode:
		for _, it := range s.items {
			q.pair(n, esc(it))
		}
	case s.kind == array:
		q.pair(n, delimited(s, ",", esc))
	case explode:
		for i, k := range s.keys {
			q.pair(esc(k), esc(s.items[i]))
		}
	default:
		q.pair(n, delimited(s, ",", esc))
	}
}

// delimited joins items, or member names and values, with sep.
func delimited(s shape, sep string, esc func(string) string) string {
	var b strings.Builder
	if s.kind == array {
		for i, it := range s.items {
			if i > 0 {
				b.WriteString(sep)
			}
			b.WriteString(esc(it))
		}
		return b.String()
	}
	for i, k := range s.keys {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(esc(k) + sep + esc(s.items[i]))
	}
	return b.String()
}

// deepObject renders name[key]=value pairs. OpenAPI defines one level; nested objects
// continue as name[a][b]=value and arrays repeat the pair, as the APIs that use deepObject
// expect.
func (q *Query) deepObject(prefix string, v any, esc func(string) string) {
	raw, ok := v.(json.RawMessage)
	if !ok {
		b, err := json.Marshal(v)
		if err != nil {
			return
		}
		raw = b
	}
	keys, vals, err := jsonMembers(raw)
	if err != nil {
		return
	}
	for i, k := range keys {
		name := prefix + "%5B" + escape(k) + "%5D"
		val := bytes.TrimSpace(vals[i])
		switch {
		case len(val) > 0 && val[0] == '{':
			q.deepObject(name, json.RawMessage(val), esc)
		case len(val) > 0 && val[0] == '[':
			items, _ := jsonElements(val)
			for _, it := range items {
				q.pair(name, esc(jsonItemText(it)))
			}
		case string(val) == "null":
		default:
			q.pair(name, esc(jsonItemText(val)))
		}
	}
}

// HeaderValue serializes a header parameter value by the simple style (the only one OpenAPI
// defines for headers). Header values are not percent-encoded. ok is false for an undefined
// value, whose header is left out.
func HeaderValue(explode bool, v any) (value string, ok bool) {
	s := flatten(v)
	switch s.kind {
	case undefined:
		return "", false
	case scalar:
		return s.text, true
	case array:
		return strings.Join(s.items, ","), true
	}
	var b strings.Builder
	for i, k := range s.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k)
		if explode {
			b.WriteByte('=')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(s.items[i])
	}
	return b.String(), true
}

// Cookies builds a Cookie request header: name=value pairs joined by "; " (RFC 6265 §5.4),
// in the order they are added.
type Cookies struct {
	b strings.Builder
}

// Add adds one cookie. Bytes that are not RFC 6265 cookie-octets (controls, space, '"',
// ',', ';', '\\' and non-ASCII) are percent-encoded; the rest is sent as it is, since
// servers read cookie values verbatim.
func (c *Cookies) Add(name, value string) {
	if c.b.Len() > 0 {
		c.b.WriteString("; ")
	}
	c.b.WriteString(pctEncode(name, tokenChar))
	c.b.WriteByte('=')
	c.b.WriteString(pctEncode(value, cookieOctet))
}

// AddStyled adds a cookie parameter serialized by the form style: arrays and objects as
// comma-separated lists, or with explode as one cookie per item (or member), which is how
// RFC 6265 carries several values. An undefined value adds nothing.
func (c *Cookies) AddStyled(name string, explode bool, v any) {
	s := flatten(v)
	switch s.kind {
	case undefined:
	case scalar:
		c.Add(name, s.text)
	case array:
		if explode {
			for _, it := range s.items {
				c.Add(name, it)
			}
			return
		}
		c.addList(name, s.items)
	default:
		if explode {
			for i, k := range s.keys {
				c.Add(k, s.items[i])
			}
			return
		}
		var flat []string
		for i, k := range s.keys {
			flat = append(flat, k, s.items[i])
		}
		c.addList(name, flat)
	}
}

// addList joins values with literal commas (the form style's delimiter); commas inside the
// values are percent-encoded so the list can be split again.
func (c *Cookies) addList(name string, values []string) {
	if c.b.Len() > 0 {
		c.b.WriteString("; ")
	}
	c.b.WriteString(pctEncode(name, tokenChar))
	c.b.WriteByte('=')
	for i, v := range values {
		if i > 0 {
			c.b.WriteByte(',')
		}
		c.b.WriteString(pctEncode(v, cookieOctet))
	}
}

// String is the Cookie header value; "" when no cookie was added.
func (c *Cookies) String() string { return c.b.String() }

// cookieOctet follows RFC 6265 §4.1.1.
func cookieOctet(c byte) bool {
	return c == 0x21 || c >= 0x23 && c <= 0x2B || c >= 0x2D && c <= 0x3A || c >= 0x3C && c <= 0x5B || c >= 0x5D && c <= 0x7E
}

// tokenChar is an RFC 9110 token character (a cookie name is a token).
func tokenChar(c byte) bool { return c < utf8.RuneSelf && isTchar(c) }

func isTchar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// QueryString renders an Arazzo 1.1 "querystring" parameter: the whole query string as one
// value, returned with its leading "?" ("" when empty). A string is taken as the query
// string itself: characters a query cannot carry are percent-encoded, everything else
// (including "&", "=" and existing percent-encoded triples) is kept. An object or array is
// serialized by mediaType: application/x-www-form-urlencoded as form fields, anything else
// as its JSON text, percent-encoded.
func QueryString(mediaType string, v any) string {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case *string:
		if x == nil {
			return ""
		}
		s = *x
	default:
		sh := flatten(v)
		switch {
		case sh.kind == undefined:
			return ""
		case sh.kind == scalar:
			s = sh.text
		case isFormType(mediaType):
			body, err := FormBody(v)
			if err != nil {
				return ""
			}
			s = string(body)
		default:
			s = JSONValue(v)
		}
	}
	s = strings.TrimPrefix(s, "?")
	if s == "" {
		return ""
	}
	return "?" + pctEncodeKeepTriples(s, queryChar)
}

// queryChar is an RFC 3986 query character: pchar / "/" / "?".
func queryChar(c byte) bool {
	return unreserved(c) || strings.IndexByte("!$&'()*+,;=:@/?", c) >= 0
}

func pctEncodeKeepTriples(s string, keep func(byte) bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteString(s[i : i+3])
			i += 2
		case keep(c):
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(upperhex[c>>4])
			b.WriteByte(upperhex[c&15])
		}
	}
	return b.String()
}
