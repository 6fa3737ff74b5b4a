package xpath

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxDepth bounds element nesting in Parse. Parsing itself is iterative, but deeper
// documents are refused so that nothing downstream can be driven into unbounded work per
// level, and because no real API payload nests this deep.
const MaxDepth = 10000

const (
	xmlURI   = "http://www.w3.org/XML/1998/namespace"
	xmlnsURI = "http://www.w3.org/2000/xmlns/"
)

// NodeType is the kind of an XPath 1.0 data model node (§5).
type NodeType uint8

const (
	DocumentNode NodeType = iota // the root node: parent of the document element
	ElementNode
	AttributeNode
	TextNode
	CommentNode
	ProcessingInstructionNode
	NamespaceNode
)

func (t NodeType) String() string {
	switch t {
	case DocumentNode:
		return "root"
	case ElementNode:
		return "element"
	case AttributeNode:
		return "attribute"
	case TextNode:
		return "text"
	case CommentNode:
		return "comment"
	case ProcessingInstructionNode:
		return "processing-instruction"
	case NamespaceNode:
		return "namespace"
	}
	return fmt.Sprintf("NodeType(%d)", uint8(t))
}

// Node is a node of a parsed Document. Nodes are immutable, so one Document can be
// evaluated from several goroutines at once.
type Node struct {
	typ    NodeType
	idx    int32  // position in parent.children (attrs for attributes); packs with typ
	ord    int    // document order; unique within the document
	space  string // namespace URI of elements and attributes
	local  string // local name; PI target; prefix of a namespace node
	prefix string // prefix as written in the document, for name()
	data   string // text, comment or PI content, attribute value, namespace node URI

	parent   *Node
	children []*Node
	attrs    []*Node
	decls    *[]nsBinding // namespace declarations written on this element, if any
}

type nsBinding struct{ prefix, uri string }

// Type returns the node's kind.
func (n *Node) Type() NodeType { return n.typ }

// LocalName is XPath local-name(): the local part of an element or attribute name, the
// target of a processing instruction, the prefix of a namespace node, otherwise "".
func (n *Node) LocalName() string { return n.local }

// NamespaceURI is XPath namespace-uri(): the namespace of an element or attribute name,
// otherwise "".
func (n *Node) NamespaceURI() string { return n.space }

// Name is XPath name(): the QName as written in the document for elements and attributes,
// the target of a processing instruction, the prefix of a namespace node, otherwise "".
func (n *Node) Name() string {
	if n.prefix != "" {
		return n.prefix + ":" + n.local
	}
	return n.local
}

// Parent returns the parent: the owning element for attributes and namespace nodes, nil for
// the root node.
func (n *Node) Parent() *Node { return n.parent }

// Children iterates over the child nodes (elements, text, comments, processing
// instructions) in document order; attributes and namespace nodes are not children.
func (n *Node) Children() iter.Seq[*Node] { return slices.Values(n.children) }

// Attributes iterates over an element's attributes in document order. Namespace
// declarations (xmlns, xmlns:p) are not attributes in XPath.
func (n *Node) Attributes() iter.Seq[*Node] { return slices.Values(n.attrs) }

// StringValue is the XPath string-value: the concatenated text descendants of the root node
// and elements, the value of an attribute, the content of text, comments and processing
// instructions, the URI of a namespace node.
func (n *Node) StringValue() string {
	if n.typ != DocumentNode && n.typ != ElementNode {
		return n.data
	}
	// Most elements that are compared hold exactly one text node; avoid the builder then.
	if len(n.children) == 1 && n.children[0].typ == TextNode {
		return n.children[0].data
	}
	var b strings.Builder
	for x := firstInSubtree(n); x != nil; x = nextInSubtree(x, n) {
		if x.typ == TextNode {
			b.WriteString(x.data)
		}
	}
	return b.String()
}

// firstInSubtree is the first descendant of n in document order, nil if it has none.
func firstInSubtree(n *Node) *Node {
	if len(n.children) == 0 {
		return nil
	}
	return n.children[0]
}

// nextInSubtree steps through the descendants of top in document order without recursion,
// so walking a deep document costs no stack.
func nextInSubtree(x, top *Node) *Node {
	if len(x.children) > 0 {
		return x.children[0]
	}
	for x != top {
		p := x.parent
		if p == nil {
			return nil
		}
		if int(x.idx)+1 < len(p.children) {
			return p.children[x.idx+1]
		}
		x = p
	}
	return nil
}

// namespaces builds the namespace nodes of an element: one per in-scope prefix, the nearest
// declaration winning, sorted by prefix (their relative order is implementation-defined in
// XPath 1.0). They are made on demand so that documents do not pay for the namespace axis
// unless an expression uses it; their order numbers were reserved while parsing, so nodes
// made twice compare as the same node.
func (n *Node) namespaces() []*Node {
	if n.typ != ElementNode {
		return nil
	}
	seen := map[string]string{}
	for e := n; e != nil && e.typ == ElementNode; e = e.parent {
		if e.decls == nil {
			continue
		}
		for _, d := range *e.decls {
			if _, ok := seen[d.prefix]; !ok {
				seen[d.prefix] = d.uri
			}
		}
	}
	if _, ok := seen["xml"]; !ok {
		seen["xml"] = xmlURI
	}
	prefixes := make([]string, 0, len(seen))
	for p, uri := range seen {
		if uri != "" { // xmlns="" undeclares the default namespace
			prefixes = append(prefixes, p)
		}
	}
	slices.Sort(prefixes)
	out := make([]*Node, len(prefixes))
	for i, p := range prefixes {
		out[i] = &Node{typ: NamespaceNode, local: p, data: seen[p], parent: n, ord: n.ord + 1 + i}
	}
	return out
}

// Document is a parsed XML document, ready for any number of evaluations.
type Document struct {
	root *Node
	ids  map[string]*Node // xml:id values, for id()
	size int              // the length of the parsed text, which scales the budget
}

// Root returns the XPath root node, whose children are the document element and any
// top-level comments and processing instructions.
func (d *Document) Root() *Node { return d.root }

// Parse reads a complete XML 1.0 document (UTF-8, or US-ASCII or ISO-8859-1 when declared)
// into the XPath data model: one node per element, attribute, text run (adjacent text and
// CDATA sections form one text node), comment and processing instruction, with namespace
// declarations resolved. It requires well-formed, namespace-well-formed XML with exactly one
// document element, and refuses nesting deeper than MaxDepth. A DTD is skipped, not
// processed: entities it declares are unknown, and attribute defaults are not applied.
// Every error is a *DocumentError.
func Parse(doc []byte) (*Document, error) {
	return parseDocument(doc, nil)
}

// parseDocument is Parse; with spans set it also records where each element and text node is in
// doc (see replace.go).
func parseDocument(doc []byte, spans map[*Node]*span) (*Document, error) {
	doc = bytes.TrimPrefix(doc, []byte("\xef\xbb\xbf")) // encoding/xml reads a UTF-8 BOM as text
	if len(bytes.TrimLeft(doc, " \t\r\n")) == 0 {
		return nil, &DocumentError{Msg: "empty document"}
	}
	dec := xml.NewDecoder(bytes.NewReader(doc))
	dec.Strict = true
	dec.CharsetReader = charsetReader
	b := newBuilder()
	if spans != nil {
		b.spans = spans
		// Offsets count the bytes the decoder reads, which are the document's own bytes
		// only when no charset conversion happens.
		dec.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
			if l := strings.ToLower(label); l != "us-ascii" && l != "ascii" {
				return nil, fmt.Errorf("encoding %q: only UTF-8 and US-ASCII documents can be edited", label)
			}
			return charsetReader(label, r)
		}
	}
	for {
		// RawToken, not Token: Token rewrites prefixes to URIs but leaves an undeclared
		// prefix in place, indistinguishable from a URI, and drops the prefix that name()
		// needs. Namespaces and element matching are checked here instead.
		start := dec.InputOffset()
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, &DocumentError{Line: se.Line, Msg: se.Msg, Err: err}
			}
			line, _ := dec.InputPos()
			return nil, &DocumentError{Line: line, Msg: err.Error(), Err: err}
		}
		b.tokStart, b.tokEnd = start, dec.InputOffset()
		if err := b.token(tok); err != nil {
			line, _ := dec.InputPos()
			err.Line = line
			return nil, err
		}
	}
	if err := b.finish(); err != nil {
		line, _ := dec.InputPos()
		err.Line = line
		return nil, err
	}
	return &Document{root: b.root, ids: b.ids, size: len(doc)}, nil
}

type openElement struct {
	node     *Node
	raw      xml.Name // the name as written, to match the end tag
	undoMark int
}

type scopeUndo struct {
	prefix, old string
	had         bool
}

type builder struct {
	root     *Node
	stack    []openElement
	scope    map[string]string // prefix → URI in effect; "" is the default namespace
	undo     []scopeUndo
	text     []byte
	ord      int
	slab     []Node
	ids      map[string]*Node
	rootSeen bool
	tokens   int

	// spans, when set, receives the location of every element and text node; tokStart
	// and tokEnd are the offsets of the current token, textStart and textEnd those of the
	// pending character data.
	spans              map[*Node]*span
	tokStart, tokEnd   int64
	textStart, textEnd int64
}

func newBuilder() *builder {
	b := &builder{scope: map[string]string{"xml": xmlURI}}
	b.root = b.alloc(DocumentNode)
	b.ord = 1
	return b
}

// alloc hands out nodes from slabs to keep allocation count proportional to the document
// size divided by the slab size rather than to the node count.
func (b *builder) alloc(t NodeType) *Node {
	if len(b.slab) == cap(b.slab) {
		b.slab = make([]Node, 0, 128)
	}
	b.slab = append(b.slab, Node{typ: t})
	return &b.slab[len(b.slab)-1]
}

func (b *builder) parent() *Node {
	if len(b.stack) == 0 {
		return b.root
	}
	return b.stack[len(b.stack)-1].node
}

func (b *builder) appendChild(p, n *Node) {
	n.parent = p
	n.idx = int32(len(p.children))
	p.children = append(p.children, n)
}

func docErr(format string, args ...any) *DocumentError {
	return &DocumentError{Msg: fmt.Sprintf(format, args...)}
}

// flushText turns the pending character data into one text node, so that text split by
// CDATA sections or entity references is still a single node as §5.7 requires.
func (b *builder) flushText() *DocumentError {
	if len(b.text) == 0 {
		return nil
	}
	text := b.text
	b.text = b.text[:0]
	p := b.parent()
	if p == b.root {
		if len(bytes.TrimLeft(text, " \t\r\n")) > 0 {
			return docErr("character data outside the document element")
		}
		return nil
	}
	n := b.alloc(TextNode)
	if b.spans != nil {
		b.spans[n] = &span{start: b.textStart, startEnd: b.textEnd}
	}
	n.data = string(text)
	n.ord = b.ord
	b.ord++
	b.appendChild(p, n)
	return nil
}

func (b *builder) token(tok xml.Token) *DocumentError {
	b.tokens++
	switch t := tok.(type) {
	case xml.CharData:
		if len(b.text) == 0 {
			b.textStart = b.tokStart
		}
		b.textEnd = b.tokEnd
		b.text = append(b.text, t...)
		return nil
	case xml.StartElement:
		if err := b.flushText(); err != nil {
			return err
		}
		return b.start(t)
	case xml.EndElement:
		if err := b.flushText(); err != nil {
			return err
		}
		return b.end(t)
	case xml.Comment:
		if err := b.flushText(); err != nil {
			return err
		}
		n := b.alloc(CommentNode)
		n.data = string(t)
		n.ord = b.ord
		b.ord++
		b.appendChild(b.parent(), n)
	case xml.ProcInst:
		if err := b.flushText(); err != nil {
			return err
		}
		if strings.EqualFold(t.Target, "xml") {
			// encoding/xml has already checked version and encoding of a declaration.
			if b.tokens != 1 {
				return docErr("XML declaration is allowed only at the start of the document")
			}
			return nil
		}
		if strings.Contains(t.Target, ":") {
			return docErr("processing instruction target %q contains a colon", t.Target)
		}
		n := b.alloc(ProcessingInstructionNode)
		n.local = t.Target
		// The data starts after the whitespace that separates it from the target.
		n.data = strings.TrimLeft(string(t.Inst), " \t\r\n")
		n.ord = b.ord
		b.ord++
		b.appendChild(b.parent(), n)
	case xml.Directive:
		if err := b.flushText(); err != nil {
			return err
		}
		if b.rootSeen {
			return docErr("<!%s> after the start of the document element", firstWord(t))
		}
	}
	return nil
}

func firstWord(d []byte) string {
	if i := bytes.IndexAny(d, " \t\r\n["); i >= 0 {
		d = d[:i]
	}
	return string(d)
}

func (b *builder) bind(prefix, uri string) {
	old, had := b.scope[prefix]
	b.undo = append(b.undo, scopeUndo{prefix, old, had})
	if prefix == "" && uri == "" {
		delete(b.scope, "")
		return
	}
	b.scope[prefix] = uri
}

func (b *builder) start(t xml.StartElement) *DocumentError {
	if len(b.stack) == MaxDepth {
		return &DocumentError{Msg: fmt.Sprintf("elements nested deeper than %d levels", MaxDepth), Err: ErrTooDeep}
	}
	if len(b.stack) == 0 {
		if b.rootSeen {
			return docErr("more than one document element (second is <%s>)", rawName(t.Name))
		}
		b.rootSeen = true
	}
	mark := len(b.undo)
	var decls []nsBinding
	for _, a := range t.Attr {
		var prefix string
		switch {
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			prefix = ""
		case a.Name.Space == "xmlns":
			prefix = a.Name.Local
			if err := checkPrefixDecl(prefix, a.Value); err != nil {
				return err
			}
		default:
			continue
		}
		if prefix == "" && (a.Value == xmlURI || a.Value == xmlnsURI) {
			return docErr("the default namespace cannot be %s", a.Value)
		}
		for _, d := range decls {
			if d.prefix == prefix {
				return docErr("namespace prefix %q declared twice on <%s>", prefix, rawName(t.Name))
			}
		}
		decls = append(decls, nsBinding{prefix, a.Value})
		b.bind(prefix, a.Value)
	}

	n := b.alloc(ElementNode)
	space, err := b.resolve(t.Name, true)
	if err != nil {
		return err
	}
	n.space, n.local, n.prefix = space, t.Name.Local, t.Name.Space
	if decls != nil {
		d := decls // a fresh variable, so that only elements with declarations pay for it
		n.decls = &d
	}
	n.ord = b.ord
	// The element, then one number for each in-scope namespace: namespaces() makes the
	// namespace nodes on demand and numbers them from here.
	b.ord += 1 + len(b.scope)

	for _, a := range t.Attr {
		if (a.Name.Space == "" && a.Name.Local == "xmlns") || a.Name.Space == "xmlns" {
			continue
		}
		space, err := b.resolve(a.Name, false)
		if err != nil {
			return err
		}
		for _, prev := range n.attrs {
			if prev.space == space && prev.local == a.Name.Local {
				return docErr("attribute %s repeated on <%s>", rawName(a.Name), rawName(t.Name))
			}
		}
		an := b.alloc(AttributeNode)
		an.space, an.local, an.prefix, an.data = space, a.Name.Local, a.Name.Space, a.Value
		an.parent = n
		an.idx = int32(len(n.attrs))
		an.ord = b.ord
		b.ord++
		n.attrs = append(n.attrs, an)
		if space == xmlURI && an.local == "id" {
			if b.ids == nil {
				b.ids = map[string]*Node{}
			}
			if _, dup := b.ids[a.Value]; !dup {
				b.ids[a.Value] = n
			}
		}
	}
	b.appendChild(b.parent(), n)
	b.stack = append(b.stack, openElement{node: n, raw: t.Name, undoMark: mark})
	if b.spans != nil {
		b.spans[n] = &span{start: b.tokStart, startEnd: b.tokEnd}
	}
	return nil
}

func checkPrefixDecl(prefix, uri string) *DocumentError {
	switch {
	case prefix == "xmlns":
		return docErr("the xmlns prefix cannot be declared")
	case prefix == "xml" && uri != xmlURI:
		return docErr("the xml prefix can only be bound to %s", xmlURI)
	case prefix != "xml" && (uri == xmlURI || uri == xmlnsURI):
		return docErr("prefix %q cannot be bound to %s", prefix, uri)
	case uri == "":
		return docErr("prefix %q cannot be undeclared (xmlns:%s=\"\")", prefix, prefix)
	}
	return nil
}

// resolve maps a name as written to its namespace URI. Unprefixed attributes are in no
// namespace; unprefixed elements are in the default namespace.
func (b *builder) resolve(n xml.Name, element bool) (string, *DocumentError) {
	// encoding/xml keeps ":a" and "a:" whole as local names; they are not QNames.
	if strings.Contains(n.Local, ":") || n.Local == "" {
		return "", docErr("%q is not a valid qualified name", rawName(n))
	}
	if n.Space == "" {
		if !element {
			return "", nil
		}
		return b.scope[""], nil
	}
	if n.Space == "xmlns" {
		return "", docErr("element <%s> uses the reserved prefix xmlns", rawName(n))
	}
	uri, ok := b.scope[n.Space]
	if !ok {
		return "", docErr("namespace prefix %q of %s is not declared", n.Space, rawName(n))
	}
	return uri, nil
}

func rawName(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

func (b *builder) end(t xml.EndElement) *DocumentError {
	if len(b.stack) == 0 {
		return docErr("unexpected end tag </%s>", rawName(t.Name))
	}
	top := b.stack[len(b.stack)-1]
	if top.raw != t.Name {
		return docErr("element <%s> closed by </%s>", rawName(top.raw), rawName(t.Name))
	}
	for i := len(b.undo) - 1; i >= top.undoMark; i-- {
		u := b.undo[i]
		if u.had {
			b.scope[u.prefix] = u.old
		} else {
			delete(b.scope, u.prefix)
		}
	}
	b.undo = b.undo[:top.undoMark]
	b.stack = b.stack[:len(b.stack)-1]
	if sp := b.spans[top.node]; sp != nil {
		sp.endStart, sp.endEnd = b.tokStart, b.tokEnd
	}
	return nil
}

func (b *builder) finish() *DocumentError {
	if err := b.flushText(); err != nil {
		return err
	}
	if len(b.stack) > 0 {
		return docErr("unexpected end of document: <%s> is not closed", rawName(b.stack[len(b.stack)-1].raw))
	}
	if !b.rootSeen {
		return docErr("no document element")
	}
	return nil
}

// charsetReader accepts the single-byte encodings that map trivially onto Unicode; anything
// else is refused rather than misread.
func charsetReader(label string, r io.Reader) (io.Reader, error) {
	var max byte
	switch strings.ToLower(label) {
	case "us-ascii", "ascii":
		max = 0x7f
	case "iso-8859-1", "iso_8859-1", "latin1", "latin-1", "l1":
		max = 0xff
	default:
		return nil, fmt.Errorf("unsupported encoding %q (UTF-8, US-ASCII and ISO-8859-1 are supported)", label)
	}
	in, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(in)+len(in)/8)
	for _, c := range in {
		if c > max {
			return nil, fmt.Errorf("byte 0x%02x is not %s", c, label)
		}
		out = utf8.AppendRune(out, rune(c))
	}
	return bytes.NewReader(out), nil
}
