package runtime

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// Multipart builds a multipart/form-data body (RFC 7578), parts in the order they are added.
type Multipart struct {
	parts []formPart
	err   error
}

type formPart struct {
	name, contentType string
	data              []byte
}

// Add appends a text part.
func (m *Multipart) Add(name, value string) {
	m.parts = append(m.parts, formPart{name: name, data: []byte(value)})
}

// AddValue appends the parts for v, serialized by enc.ContentType: a JSON media type gives
// one JSON part, another media type one part per value (per item for an array) holding the
// value's text with that Content-Type. Without a media type, scalars are text parts, objects
// JSON parts, and an array gives one part per item. An undefined value (nil, a nil pointer,
// null, an empty array) adds nothing.
func (m *Multipart) AddValue(name string, v any, enc Encoding) {
	if flatten(v).kind == undefined {
		return
	}
	raw, err := toJSON(v)
	if err != nil {
		if m.err == nil {
			m.err = fmt.Errorf("multipart part %s: %w", name, err)
		}
		return
	}
	allowed := mediaTypeList(enc.ContentType)
	if len(allowed) > 0 {
		if ct := jsonMediaType(allowed); ct != "" && (len(allowed) == 1 || raw[0] == '{' || raw[0] == '[') {
			// A JSON media type the value fits as a whole: one JSON part.
			m.parts = append(m.parts, formPart{name: name, contentType: ct, data: compactJSON(raw)})
			return
		}
	}
	var values []json.RawMessage
	if raw[0] == '[' {
		values, _ = jsonElements(raw)
	} else {
		values = []json.RawMessage{raw}
	}
	for _, it := range values {
		it = bytes.TrimSpace(it)
		p := formPart{name: name}
		switch {
		case len(it) > 0 && (it[0] == '{' || it[0] == '['):
			p.data = compactJSON(it)
			p.contentType = "application/json"
			if len(allowed) > 0 {
				p.contentType = partType(allowed, p.data, true)
			}
		default:
			p.data = []byte(jsonItemText(it))
			if len(allowed) > 0 {
				p.contentType = partType(allowed, p.data, false)
			}
		}
		m.parts = append(m.parts, p)
	}
}

// mediaTypeList splits an Encoding Object's contentType, which OpenAPI allows to be a
// comma-separated list of media types and ranges ("image/png, image/jpeg", "image/*"), into
// its entries.
func mediaTypeList(s string) []string {
	if !strings.Contains(s, ",") {
		if s = strings.TrimSpace(s); s == "" {
			return nil
		}
		return []string{s}
	}
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// jsonMediaType is the first JSON media type of a list, or "".
func jsonMediaType(allowed []string) string {
	for _, a := range allowed {
		if isJSONType(a) {
			return a
		}
	}
	return ""
}

// partType chooses the Content-Type of one part among the media types an Encoding Object
// allows: a part carries one media type, never the list. It is the first entry that fits
// the data: a JSON type for structured data; for other data, the type its content is
// recognized as (http.DetectContentType: "image/png", "application/pdf", "text/plain"), or
// a range covering it ("image/*", which then gives the recognized type). Without a fit it
// is the first entry that is no range, else the recognized type, else
// application/octet-stream.
func partType(allowed []string, data []byte, structured bool) string {
	if len(allowed) == 1 && !strings.Contains(allowed[0], "*") {
		return allowed[0]
	}
	if structured {
		if ct := jsonMediaType(allowed); ct != "" {
			return ct
		}
	}
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(data))
	if structured {
		sniffed = "application/json"
	}
	for _, a := range allowed {
		mt, _, err := mime.ParseMediaType(a)
		if err != nil {
			continue
		}
		switch {
		case mt == sniffed:
			return a
		case mt == "*/*" || strings.HasSuffix(mt, "/*") && strings.HasPrefix(sniffed, strings.TrimSuffix(mt, "*")):
			return sniffed
		}
	}
	for _, a := range allowed {
		if !strings.Contains(a, "*") && !isJSONType(a) {
			return a
		}
	}
	for _, a := range allowed {
		if !strings.Contains(a, "*") {
			return a
		}
	}
	if sniffed != "" && sniffed != "text/plain" {
		return sniffed
	}
	if strings.HasPrefix(allowed[0], "text/") {
		return "text/plain"
	}
	return "application/octet-stream"
}

func compactJSON(raw []byte) []byte {
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return raw
	}
	return buf.Bytes()
}

// Encode returns the body and its Content-Type (multipart/form-data with the boundary), or
// the first error met while adding parts. The boundary is derived from the content, so the
// same parts always give the same bytes (a retried or logged request is reproducible), and
// it is checked not to occur inside any part.
func (m *Multipart) Encode() (body []byte, contentType string, err error) {
	if m.err != nil {
		return nil, "", m.err
	}
	h := sha256.New()
	for _, p := range m.parts {
		fmt.Fprintf(h, "%d:%s;%d:%s;%d:", len(p.name), p.name, len(p.contentType), p.contentType, len(p.data))
		h.Write(p.data)
	}
	sum := h.Sum(nil)
	boundary := ""
	for i := 0; ; i++ {
		boundary = "arazzo-" + hex.EncodeToString(sum[:16])
		if i > 0 {
			boundary += "-" + strconv.Itoa(i)
		}
		if !m.contains(boundary) {
			break
		}
		if i > 1000 {
			return nil, "", errors.New("multipart: cannot find a boundary absent from the parts")
		}
	}
	var b bytes.Buffer
	for _, p := range m.parts {
		b.WriteString("--" + boundary + "\r\n")
		b.WriteString(`Content-Disposition: form-data; name="` + quoteEscaper.Replace(p.name) + "\"\r\n")
		if p.contentType != "" {
			b.WriteString("Content-Type: " + p.contentType + "\r\n")
		}
		b.WriteString("\r\n")
		b.Write(p.data)
		b.WriteString("\r\n")
	}
	b.WriteString("--" + boundary + "--\r\n")
	return b.Bytes(), "multipart/form-data; boundary=" + boundary, nil
}

// quoteEscaper escapes a form field name inside a quoted-string, as mime/multipart does.
var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "%0D", "\n", "%0A")

func (m *Multipart) contains(boundary string) bool {
	for _, p := range m.parts {
		if bytes.Contains(p.data, []byte(boundary)) || strings.Contains(p.name, boundary) {
			return true
		}
	}
	return false
}

// MultipartBody encodes a whole payload value as multipart/form-data: one part per member
// of an object, with the default encodings of AddValue.
func MultipartBody(v any) (body []byte, contentType string, err error) {
	raw, err := toJSON(v)
	if err != nil {
		return nil, "", err
	}
	if len(raw) == 0 || raw[0] != '{' {
		return nil, "", errors.New("a multipart/form-data payload must be an object")
	}
	keys, vals, err := jsonMembers(raw)
	if err != nil {
		return nil, "", err
	}
	var m Multipart
	for i, k := range keys {
		m.AddValue(k, vals[i], Encoding{})
	}
	return m.Encode()
}
