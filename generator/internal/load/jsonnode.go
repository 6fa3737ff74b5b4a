package load

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi/datamodel"
	"github.com/pb33f/libopenapi/utils"
	"go.yaml.in/yaml/v4"
)

// jsonNodeTree returns the node tree that yaml.Unmarshal gives for data, a JSON document,
// without the YAML parser, or ok false when data is not one it can read that way.
//
// The YAML parser reads JSON, as a flow collection, about ten times slower than it reads
// block YAML of the same size (its token queue is grown and shifted for every simple key of
// a flow mapping), and a third of the descriptions that workflows reference are JSON. Read
// here, the tree is the same, node for node: kinds, styles, resolved tags, values, lines and
// columns (counted in characters, as the YAML parser counts them). Whatever the YAML parser
// might read differently, or refuse, is left to it: invalid JSON, a byte order mark,
// characters YAML does not allow in a document or counts as line breaks, tabs and carriage
// returns outside strings, a key whose ':' is on another line or more than 1000 characters
// away, nesting deeper than 1000, and the escapes libopenapi rewrites before parsing JSON
// (`\/` and surrogate pairs) or that YAML reads otherwise (any surrogate). FuzzJSONNode and
// TestJSONNodeIsYAMLs hold it to yaml.Unmarshal.
func jsonNodeTree(data []byte) (doc *yaml.Node, ok bool) {
	p := jsonParser{data: data, line: 1, col: 1, tags: map[string]string{}, strs: map[string]string{}}
	p.skipSpace()
	if p.failed || p.i >= len(data) || (data[p.i] != '{' && data[p.i] != '[') {
		return nil, false
	}
	root := p.value(0)
	p.skipSpace()
	if p.failed || p.i != len(data) {
		return nil, false
	}
	doc = p.node()
	*doc = yaml.Node{Kind: yaml.DocumentNode, Line: root.Line, Column: root.Column, Content: []*yaml.Node{root}}
	return doc, true
}

// parseTree parses data as yaml.Unmarshal does, JSON through jsonNodeTree.
func parseTree(data []byte) (*yaml.Node, error) {
	if doc, ok := jsonNodeTree(data); ok {
		return doc, nil
	}
	var doc yaml.Node
	err := yaml.Unmarshal(data, &doc)
	return &doc, err
}

const (
	jsonMaxDepth  = 1000
	jsonMaxKeyLen = 1000 // characters from a key's opening quote to its ':'; YAML allows 1024
)

type jsonParser struct {
	data      []byte
	i         int
	line      int
	lineStart int // offset of the current line's first byte
	colAt     int // an offset of the current line whose column is known: col
	col       int
	failed    bool
	slab      []yaml.Node
	tags      map[string]string // resolved tag of each plain scalar seen
	strs      map[string]string // short strings already made, so that repeated keys share one
}

// node allocates nodes in blocks: a tree's nodes live and die together.
func (p *jsonParser) node() *yaml.Node {
	if len(p.slab) == 0 {
		p.slab = make([]yaml.Node, 256)
	}
	n := &p.slab[0]
	p.slab = p.slab[1:]
	return n
}

// column is the 1-based column of offset i of the current line, in characters. Offsets
// only grow, so each is counted from the last one asked for: a minified description is one
// line of megabytes.
func (p *jsonParser) column(i int) int {
	if p.colAt < p.lineStart {
		p.colAt, p.col = p.lineStart, 1
	}
	p.col += utf8.RuneCount(p.data[p.colAt:i])
	p.colAt = i
	return p.col
}

func (p *jsonParser) skipSpace() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ':
			p.i++
		case '\n':
			p.i++
			p.line++
			p.lineStart = p.i
		default:
			// Tabs and carriage returns are whitespace in JSON, but YAML reads them
			// differently at the start of a line and in line counts.
			return
		}
	}
}

func (p *jsonParser) value(depth int) *yaml.Node {
	if depth > jsonMaxDepth || p.i >= len(p.data) {
		p.failed = true
		return nil
	}
	n := p.node()
	n.Line, n.Column = p.line, p.column(p.i)
	switch c := p.data[p.i]; {
	case c == '{':
		n.Kind, n.Style, n.Tag = yaml.MappingNode, yaml.FlowStyle, "!!map"
		for more := p.enter('}'); more; more = p.next('}') {
			if p.i >= len(p.data) || p.data[p.i] != '"' {
				p.failed = true
				return nil
			}
			keyLine := p.line
			key := p.value(depth + 1)
			p.skipSpace()
			if p.failed || p.i >= len(p.data) || p.data[p.i] != ':' || p.line != keyLine ||
				p.column(p.i)-key.Column > jsonMaxKeyLen {
				p.failed = true
				return nil
			}
			p.i++
			p.skipSpace()
			n.Content = append(n.Content, key, p.value(depth+1))
		}
	case c == '[':
		n.Kind, n.Style, n.Tag = yaml.SequenceNode, yaml.FlowStyle, "!!seq"
		for more := p.enter(']'); more; more = p.next(']') {
			n.Content = append(n.Content, p.value(depth+1))
		}
	case c == '"':
		n.Kind, n.Style, n.Tag = yaml.ScalarNode, yaml.DoubleQuotedStyle, "!!str"
		n.Value = p.str()
	case c == 't' || c == 'f' || c == 'n' || c == '-' || (c >= '0' && c <= '9'):
		n.Kind = yaml.ScalarNode
		n.Value = p.plain()
		if !p.failed {
			n.Tag = p.resolve(n.Value)
		}
	default:
		p.failed = true
	}
	if p.failed {
		return nil
	}
	return n
}

// enter consumes a collection's opening bracket and reports whether an element follows,
// consuming close when the collection is empty.
func (p *jsonParser) enter(close byte) bool {
	p.i++
	p.skipSpace()
	if p.i < len(p.data) && p.data[p.i] == close {
		p.i++
		return false
	}
	return true
}

// next, after an element, consumes a comma and reports that another element follows, or
// consumes close and reports the end; anything else, or an earlier failure, fails.
func (p *jsonParser) next(close byte) bool {
	if p.failed {
		return false
	}
	p.skipSpace()
	if p.i < len(p.data) && p.data[p.i] == ',' {
		p.i++
		p.skipSpace()
		return true
	}
	if p.i < len(p.data) && p.data[p.i] == close {
		p.i++
		return false
	}
	p.failed = true
	return false
}

// plain reads a literal or a number, checked against JSON's grammar.
func (p *jsonParser) plain() string {
	start := p.i
	for _, lit := range []string{"true", "false", "null"} {
		if bytes.HasPrefix(p.data[p.i:], []byte(lit)) {
			p.i += len(lit)
			return p.intern(p.data[start:p.i])
		}
	}
	digits := func() int {
		n := 0
		for p.i < len(p.data) && p.data[p.i] >= '0' && p.data[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.i < len(p.data) && p.data[p.i] == '-' {
		p.i++
	}
	if p.i < len(p.data) && p.data[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		p.failed = true
		return ""
	}
	if p.i < len(p.data) && p.data[p.i] == '.' {
		p.i++
		if digits() == 0 {
			p.failed = true
			return ""
		}
	}
	if p.i < len(p.data) && (p.data[p.i] == 'e' || p.data[p.i] == 'E') {
		p.i++
		if p.i < len(p.data) && (p.data[p.i] == '+' || p.data[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			p.failed = true
			return ""
		}
	}
	return p.intern(p.data[start:p.i])
}

// resolve is the tag YAML resolves a plain scalar to, asked of the YAML parser itself once
// per distinct text: its rules for numbers have corners (-0 is a float, 1e999 a string).
func (p *jsonParser) resolve(plain string) string {
	if tag, ok := p.tags[plain]; ok {
		return tag
	}
	var doc yaml.Node
	tag := ""
	if err := yaml.Unmarshal([]byte(plain), &doc); err == nil && len(doc.Content) == 1 && doc.Content[0].Kind == yaml.ScalarNode && doc.Content[0].Value == plain {
		tag = doc.Content[0].Tag
	} else {
		p.failed = true
	}
	p.tags[plain] = tag
	return tag
}

// str reads a string, checking that YAML would read its characters and escapes the same way.
func (p *jsonParser) str() string {
	p.i++ // the opening quote
	start := p.i
	var buf []byte // the value, once an escape makes it differ from the text
	for p.i < len(p.data) {
		c := p.data[p.i]
		switch {
		case c == '"':
			text := p.data[start:p.i]
			p.i++
			if buf != nil {
				return string(buf)
			}
			return p.intern(text)
		case c == '\\':
			if buf == nil {
				buf = append([]byte(nil), p.data[start:p.i]...)
			}
			if p.i+1 >= len(p.data) {
				p.failed = true
				return ""
			}
			switch e := p.data[p.i+1]; e {
			case '"', '\\':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				if p.i+6 > len(p.data) {
					p.failed = true
					return ""
				}
				r, err := strconv.ParseUint(string(p.data[p.i+2:p.i+6]), 16, 16)
				if err != nil || r >= 0xD800 && r <= 0xDFFF {
					p.failed = true
					return ""
				}
				buf = utf8.AppendRune(buf, rune(r))
				p.i += 4
			default: // `\/` is rewritten by libopenapi before it parses; the rest is not JSON
				p.failed = true
				return ""
			}
			p.i += 2
		case c >= 0x20 && c < 0x7F:
			if buf != nil {
				buf = append(buf, c)
			}
			p.i++
		case c < 0x80: // control characters, not JSON; DEL, which YAML refuses
			p.failed = true
			return ""
		default:
			r, size := utf8.DecodeRune(p.data[p.i:])
			if !yamlPrintable(r) || r == utf8.RuneError && size == 1 {
				p.failed = true
				return ""
			}
			if buf != nil {
				buf = append(buf, p.data[p.i:p.i+size]...)
			}
			p.i += size
		}
	}
	p.failed = true
	return ""
}

// yamlPrintable reports whether the YAML parser accepts r inside a double-quoted scalar as
// an ordinary character: not C1 controls (NEL is a line break), not U+2028 and U+2029 (line
// and paragraph separators, breaks to YAML 1.1), not the byte order mark or non-characters,
// and nothing outside the Basic Multilingual Plane, which its reader refuses.
func yamlPrintable(r rune) bool {
	switch {
	case r >= 0xA0 && r <= 0xD7FF:
		return r != 0x2028 && r != 0x2029
	case r >= 0xE000 && r <= 0xFFFD:
		return r != 0xFEFF
	}
	return false
}

// intern returns b as a string, shared with earlier equal short strings: the keys of a
// description repeat ("type", "description", "schema"), and so do many values.
func (p *jsonParser) intern(b []byte) string {
	if len(b) > 32 {
		return string(b)
	}
	if s, ok := p.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	p.strs[s] = s
	return s
}

// describe parses a description into libopenapi's SpecInfo: a JSON OpenAPI 3 description
// through jsonNodeTree, filled in as libopenapi's ExtractSpecInfoWithConfig fills it
// (TestJSONSpecInfo compares the two), anything else by libopenapi itself.
func describe(data []byte, cfg *datamodel.DocumentConfiguration) (*datamodel.SpecInfo, error) {
	if info := jsonSpecInfo(data); info != nil {
		return info, nil
	}
	doc, err := libopenapi.NewDocumentWithConfiguration(data, cfg)
	if err != nil {
		return nil, err
	}
	return doc.GetSpecInfo(), nil
}

// jsonSpecInfo is the SpecInfo of data when it is a JSON OpenAPI 3 description that
// jsonNodeTree reads and nothing in it asks for libopenapi's other paths (a swagger or
// asyncapi key anywhere it looks, a version that is not a string beginning "3."); else nil.
func jsonSpecInfo(data []byte) *datamodel.SpecInfo {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' || trimmed[len(trimmed)-1] != '}' {
		return nil
	}
	root, ok := jsonNodeTree(data)
	if !ok {
		return nil
	}
	_, openAPI3 := utils.FindKeyNode(utils.OpenApi3, root.Content)
	_, openAPI2 := utils.FindKeyNode(utils.OpenApi2, root.Content)
	_, asyncAPI := utils.FindKeyNode(utils.AsyncApi, root.Content)
	if openAPI3 == nil || openAPI2 != nil || asyncAPI != nil || openAPI3.Kind != yaml.ScalarNode {
		return nil
	}
	version := strings.TrimSpace(openAPI3.Value)
	if !strings.HasPrefix(version, "3.") {
		return nil
	}
	info := &datamodel.SpecInfo{
		SpecType:            utils.OpenApi3,
		NumLines:            bytes.Count(data, []byte{'\n'}) + 1,
		Version:             version,
		VersionNumeric:      3.0,
		SpecFormat:          datamodel.OAS3,
		SpecFileType:        datamodel.JSONFileType,
		SpecBytes:           &data,
		RootNode:            root,
		APISchema:           datamodel.OpenAPI3SchemaData,
		OriginalIndentation: utils.DetermineWhitespaceLengthBytes(data),
	}
	switch version[:min(len(version), 3)] {
	case "3.1":
		info.VersionNumeric, info.SpecFormat, info.APISchema = 3.1, datamodel.OAS31, datamodel.OpenAPI31SchemaData
	case "3.2":
		info.VersionNumeric, info.SpecFormat, info.APISchema = 3.2, datamodel.OAS32, datamodel.OpenAPI32SchemaData
	default:
		return info
	}
	if _, self := utils.FindKeyNode("$self", root.Content); self != nil && self.Value != "" {
		info.Self = self.Value
	}
	return info
}
