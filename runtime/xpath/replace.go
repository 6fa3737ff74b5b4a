package xpath

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// span locates an element or text node in the document's bytes. For an element, start and
// startEnd enclose its start tag and endStart and endEnd its end tag (an empty span at
// startEnd for an empty-element tag such as <a/>); for a text node, start and startEnd
// enclose its character data, entity references and CDATA sections included.
type span struct {
	start, startEnd, endStart, endEnd int64
}

// edit replaces doc[from:to] with text.
type edit struct {
	from, to int64
	text     string
}

// ReplaceText sets the text of every node the expression selects in doc, as an Arazzo
// payload replacement with an XPath target does: an element's content becomes text (its
// child nodes are dropped; <a/> becomes <a>text</a>), an attribute's value and a text
// node's content become text. text is escaped as character data or as an attribute value.
// Everything else in the document is kept byte for byte. A node inside an element that is
// itself replaced is left to that element.
//
// It returns the new document and the number of nodes selected. The expression must yield
// a node-set of elements, attributes and text nodes; any other result, a document that
// does not parse, or a document in an encoding other than UTF-8 or US-ASCII is an error.
func (e *Expr) ReplaceText(doc []byte, text string) ([]byte, int, error) {
	if e.unbound != nil {
		return nil, 0, e.unbound
	}
	if t := e.Type(); t != NodeSetValue {
		return nil, 0, fmt.Errorf("xpath: %s yields a %s, not the nodes to replace", e.src, t)
	}
	bom := []byte("\xef\xbb\xbf")
	hasBOM := bytes.HasPrefix(doc, bom)
	body := bytes.TrimPrefix(doc, bom)
	spans := map[*Node]*span{}
	d, err := parseDocument(body, spans)
	if err != nil {
		return nil, 0, err
	}
	v, err := e.EvaluateDocument(d)
	if err != nil {
		return nil, 0, err
	}
	nodes := v.Nodes()
	// The nodes come in document order, so the content of the last element replaced is a
	// range of order numbers: inside reports whether n lies in it.
	var last, after *Node // the last element replaced, and the first node after its subtree
	inside := func(n *Node) bool {
		return last != nil && n.ord > last.ord && (after == nil || n.ord < after.ord)
	}
	var edits []edit
	for _, n := range nodes {
		switch n.typ {
		case ElementNode:
			if inside(n) {
				continue
			}
			last, after = n, afterSubtree(n)
			sp := spans[n]
			if sp.endStart == sp.startEnd && sp.endEnd == sp.endStart {
				// <a/> or <a x="1" />: close the start tag and add the end tag, leaving the
				// attributes where they are so that attribute edits do not overlap.
				tag := body[sp.start:sp.startEnd]
				slash := int64(bytes.LastIndexByte(tag, '/'))
				edits = append(edits, edit{sp.start + slash, sp.startEnd, ">" + escapeText(text) + "</" + n.Name() + ">"})
				continue
			}
			edits = append(edits, edit{sp.startEnd, sp.endStart, escapeText(text)})
		case TextNode:
			if inside(n) {
				continue
			}
			sp := spans[n]
			edits = append(edits, edit{sp.start, sp.startEnd, escapeText(text)})
		case AttributeNode:
			owner := n.parent
			if inside(owner) {
				continue
			}
			sp := spans[owner]
			from, to, ok := attributeValue(body[sp.start:sp.startEnd], n.Name())
			if !ok {
				return nil, 0, fmt.Errorf("xpath: attribute %s not found in its start tag", n.Name())
			}
			edits = append(edits, edit{sp.start + int64(from), sp.start + int64(to), escapeAttr(text)})
		default:
			return nil, 0, fmt.Errorf("xpath: %s selects a %s node, which has no text to replace", e.src, n.typ)
		}
	}
	// Edits do not overlap; the document is copied once, with each edit in its place.
	slices.SortFunc(edits, func(a, b edit) int { return cmp.Compare(a.from, b.from) })
	out := make([]byte, 0, len(body)+len(bom))
	if hasBOM {
		out = append(out, bom...)
	}
	at := int64(0)
	for _, ed := range edits {
		out = append(append(out, body[at:ed.from]...), ed.text...)
		at = ed.to
	}
	out = append(out, body[at:]...)
	return out, len(nodes), nil
}

// attributeValue finds the value of the attribute written as name in a start tag, and
// returns the offsets of the value between its quotes.
func attributeValue(tag []byte, name string) (from, to int, ok bool) {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
	i := 1 // after '<'
	for i < len(tag) && !isSpace(tag[i]) && tag[i] != '/' && tag[i] != '>' {
		i++
	}
	for {
		for i < len(tag) && isSpace(tag[i]) {
			i++
		}
		if i >= len(tag) || tag[i] == '/' || tag[i] == '>' {
			return 0, 0, false
		}
		start := i
		for i < len(tag) && !isSpace(tag[i]) && tag[i] != '=' {
			i++
		}
		attr := string(tag[start:i])
		for i < len(tag) && (isSpace(tag[i]) || tag[i] == '=') {
			i++
		}
		if i >= len(tag) {
			return 0, 0, false
		}
		quote := tag[i]
		end := bytes.IndexByte(tag[i+1:], quote)
		if end < 0 {
			return 0, 0, false
		}
		from, to = i+1, i+1+end
		if attr == name {
			return from, to, true
		}
		i = to + 1
	}
}

var (
	textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r", "&#13;")
	attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;",
		"\t", "&#9;", "\n", "&#10;", "\r", "&#13;")
)

// escapeText escapes character data; a carriage return is kept as a reference because XML
// parsers turn a literal one into a line feed.
func escapeText(s string) string { return textEscaper.Replace(s) }

// escapeAttr escapes an attribute value for either quote, keeping white space that
// attribute-value normalization would otherwise turn into spaces.
func escapeAttr(s string) string { return attrEscaper.Replace(s) }
