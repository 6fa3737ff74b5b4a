package load

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/diag"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	"github.com/pb33f/libopenapi/datamodel/low"
	lowbase "github.com/pb33f/libopenapi/datamodel/low/base"
	"github.com/pb33f/libopenapi/index"
	yaml "go.yaml.in/yaml/v4"
)

// AsyncAPI is a parsed AsyncAPI 2.x (2.6 and the earlier 2.x it extends) or 3.0 document:
// what the steps of an Arazzo 1.1 workflow can send and receive. libopenapi does not read
// AsyncAPI, so the document is decoded from its YAML nodes like the Arazzo document, every
// part keeping its position. Message payloads and headers are JSON Schema, built as
// libopenapi schemas so that they share the type mapper with OpenAPI.
type AsyncAPI struct {
	File    string
	Version string // the asyncapi field: "3.0.0", "2.6.0"
	// DefaultContentType is the document's defaultContentType ("" when absent).
	DefaultContentType string
	Servers            []*AsyncServer
	Channels           []*Channel // document order
	// Operations are the 3.0 operations, or the 2.x publish and subscribe operations of
	// the channels, in document order.
	Operations []*MessageOperation
	byID       map[string]*MessageOperation
	byNode     map[*yaml.Node]*Channel

	// root is the document's tree, with the local files that its $refs name grafted in
	// under graftKey and those $refs rewritten to point there, so that every reference
	// resolves inside one tree (the schemas' too).
	root  *yaml.Node
	files []string // files[0] is File; files[i] is grafted at #/graftKey/i
	idx   *index.SpecIndex
}

// graftKey holds the local files a document's $refs name, inside its root mapping.
const graftKey = "x-arazzogen-files"

// AsyncServer is a server of an AsyncAPI document.
type AsyncServer struct {
	Name     string
	Protocol string // "kafka", "nats", "mqtt", …
	// URL is protocol://host[:port][/pathname], server variables replaced by their
	// defaults.
	URL string
}

// Channel is a channel of an AsyncAPI document.
type Channel struct {
	Name string // its key under channels
	// Address is where messages go (a NATS subject, a Kafka topic), parameters written as
	// "{name}": the 3.0 address, or the 2.x channel key. HasAddress is false for a 3.0
	// channel whose address is null or absent (the document leaves it unknown).
	Address    string
	HasAddress bool
	Params     []*ChannelParam
	// Messages are the messages the channel carries: 3.0 channel messages, or the 2.x
	// publish operation's messages followed by the subscribe operation's.
	Messages []*Message
	Pos      diag.Pos // of its key
}

// ChannelParam is a parameter of a channel address.
type ChannelParam struct {
	Name string
	// Default is the value used when a step does not set the parameter (HasDefault).
	Default    string
	HasDefault bool
	Enum       []string
	// Location is a runtime expression ($message.payload#/user/id) naming where in a
	// message the value is; "" when absent.
	Location string
	Pos      diag.Pos
}

// MessageOperation is an operation of an AsyncAPI document.
type MessageOperation struct {
	ID string
	// Action is as the document writes it: "send" or "receive" (3.0, the application's
	// view), "publish" or "subscribe" (2.x).
	Action   string
	Channel  *Channel
	Messages []*Message
	// Reply is the 3.0 operation's reply; nil when it has none.
	Reply *Reply
	Pos   diag.Pos
}

// Reply is the reply of a 3.0 request/reply operation.
type Reply struct {
	Channel  *Channel
	Messages []*Message
	// AddressLocation is the runtime expression of a reply address known only when the
	// request is sent ($message.header#/replyTo); "" when the reply has a channel.
	AddressLocation string
	Pos             diag.Pos
}

// Message is a message of an AsyncAPI document.
type Message struct {
	// Name is the message's name field, else the key it is defined under (its component
	// key when it is referenced).
	Name        string
	ContentType string // the message's, else the document's defaultContentType
	// Payload and Headers are the message's schemas; nil when absent or untyped.
	Payload, Headers *base.SchemaProxy
	// SchemaFormat is a schema format other than JSON Schema (Avro, Protobuf, …), which the
	// payload is not typed by; "" for JSON Schema, AsyncAPI and OpenAPI schemas.
	SchemaFormat    string
	SchemaFormatPos diag.Pos
	Correlation     *Correlation
	Pos             diag.Pos
}

// Correlation is a message's correlation ID: where in the message the ID is.
type Correlation struct {
	Location string // as written
	// Header is set for "$message.header#/name" (Pointer holds the name), clear for
	// "$message.payload#/…".
	Header  bool
	Pointer []string
	// Problem says why Location cannot be read; "" when it can.
	Problem string
	Pos     diag.Pos
}

// Operation returns the operation with the given operationId.
func (a *AsyncAPI) Operation(id string) *MessageOperation { return a.byID[id] }

// ChannelAt returns the channel a JSON Pointer names (a channelPath's fragment,
// "/channels/place-order"), following $refs; nil when it names none.
func (a *AsyncAPI) ChannelAt(ptr string) *Channel {
	n, _ := a.deref(pointerTarget(a.root, ptr), 0)
	return a.byNode[n]
}

// FileReader reads a local file that a $ref of a document names: ref is the path part of the
// reference as written, in file from. It returns the file's path, as diagnostics show it,
// and its bytes; or an error that says why it cannot or may not be read (outside the allowed
// directories, missing, remote).
type FileReader func(from, ref string) (file string, data []byte, err error)

// LooksLikeAsyncAPI reports whether data is an AsyncAPI document (its root mapping has an
// `asyncapi` key), so that a source description without a type can be read as what it is.
func LooksLikeAsyncAPI(data []byte) bool { return hasRootKey(data, "asyncapi", topAsyncAPIKey) }

var topAsyncAPIKey = regexp.MustCompile(`(?m)^["']?asyncapi["']?\s*:`)

// ParseAsyncAPI decodes an AsyncAPI document. $refs inside it are resolved within the
// document, and those naming local files through read, which confines them to where
// sources may be read from. Problems are reported to diags at their positions; the result
// is nil when the document cannot be used at all.
func ParseAsyncAPI(file string, data []byte, read FileReader, diags *diag.List) *AsyncAPI {
	root := ParseYAML(file, data, diags)
	if root == nil {
		return nil
	}
	a := &AsyncAPI{File: file, root: root, files: []string{file}, byID: map[string]*MessageOperation{}, byNode: map[*yaml.Node]*Channel{}}
	if root.Kind != yaml.MappingNode {
		diags.Errorf(PosOf(file, root), "shape", "the AsyncAPI document must be a mapping")
		return nil
	}
	d := &asyncDecoder{a: a, diags: diags, read: read, loaded: map[string]int{file: 0}, messages: map[*yaml.Node]*Message{}}
	version := mappingValue(root, "asyncapi")
	switch {
	case version == nil:
		diags.Errorf(PosOf(file, root), "missing-field", "the AsyncAPI document has no 'asyncapi' version field")
		return nil
	case strings.HasPrefix(version.Value, "3.0."), strings.HasPrefix(version.Value, "2."):
		a.Version = version.Value
	default:
		diags.Errorf(PosOf(file, version), "version", "unsupported AsyncAPI version %q (want 2.x or 3.0.x)", version.Value)
		return nil
	}
	d.link(root, 0)
	if dc := mappingValue(root, "defaultContentType"); dc != nil {
		a.DefaultContentType = dc.Value
	}
	d.servers()
	if a.v3() {
		d.channels3()
		d.operations3()
	} else {
		d.channels2()
	}
	return a
}

func (a *AsyncAPI) v3() bool { return strings.HasPrefix(a.Version, "3.") }

type asyncDecoder struct {
	a      *AsyncAPI
	diags  *diag.List
	read   FileReader
	loaded map[string]int // file → index in a.files
	graft  *yaml.Node     // the mapping under graftKey, made on first use
	// rewritten holds the $ref values already rewritten (a node an alias shares is seen
	// twice) and messages the messages decoded, by node.
	rewritten map[*yaml.Node]bool
	messages  map[*yaml.Node]*Message
}

// link rewrites the $refs of the tree of file i so that each points inside a.root: a local
// reference of a grafted file gets its graft prefix, and a reference to another file grafts
// that file (once) and points into it.
func (d *asyncDecoder) link(n *yaml.Node, i int) {
	if d.rewritten == nil {
		d.rewritten = map[*yaml.Node]bool{}
	}
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > maxSchemaDepth*4 || n.Kind == yaml.AliasNode {
			return // an alias's target is walked where it is defined
		}
		if n.Kind == yaml.MappingNode {
			for j := 0; j+1 < len(n.Content); j += 2 {
				k, v := n.Content[j], n.Content[j+1]
				if k.Value == "$ref" && v.Kind == yaml.ScalarNode && !d.rewritten[v] {
					d.rewritten[v] = true
					d.rewrite(v, i)
				}
			}
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
}

func (d *asyncDecoder) rewrite(v *yaml.Node, i int) {
	from := d.a.files[i]
	ref, frag, _ := strings.Cut(v.Value, "#")
	if frag != "" && !strings.HasPrefix(frag, "/") {
		d.diags.Errorf(PosOf(from, v), "bad-ref", "$ref %q: the fragment must be a JSON Pointer (#/…)", v.Value)
		return
	}
	target := i
	if ref != "" {
		if strings.Contains(ref, "://") {
			d.diags.Errorf(PosOf(from, v), "remote-ref", "$ref %q names a remote document; generation reads only local files", v.Value).
				WithHint("download it next to the AsyncAPI document and refer to it by a relative path")
			return
		}
		file, data, err := d.read(from, ref)
		if err != nil {
			d.diags.Errorf(PosOf(from, v), "bad-ref", "$ref %q: %v", v.Value, err)
			return
		}
		j, ok := d.loaded[file]
		if !ok {
			if len(d.a.files) > maxRefFiles {
				d.diags.Errorf(PosOf(from, v), "too-large", "$ref %q: the document's references name more than %d files", v.Value, maxRefFiles)
				return
			}
			root := ParseYAML(file, data, d.diags)
			if root == nil {
				return
			}
			j = len(d.a.files)
			d.loaded[file] = j
			d.a.files = append(d.a.files, file)
			d.graftFile(j, root)
			d.link(root, j)
		}
		target = j
	}
	if target == 0 {
		v.Value = "#" + frag
	} else {
		v.Value = "#/" + graftKey + "/" + strconv.Itoa(target) + frag
	}
	v.Style = 0
}

func (d *asyncDecoder) graftFile(j int, root *yaml.Node) {
	if d.graft == nil {
		d.graft = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		d.a.root.Content = append(d.a.root.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: graftKey}, d.graft)
	}
	d.graft.Content = append(d.graft.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: strconv.Itoa(j)}, root)
}

// deref follows the $refs of n (at most 32 of them) and returns the node they end at and
// the index of the file it is in (file is n's); nil when a reference points at nothing.
func (a *AsyncAPI) deref(n *yaml.Node, file int) (*yaml.Node, int) {
	n = resolveAlias(n)
	for hops := 0; n != nil && n.Kind == yaml.MappingNode; hops++ {
		ref := mappingValue(n, "$ref")
		if ref == nil {
			return n, file
		}
		if hops == 32 || !strings.HasPrefix(ref.Value, "#") {
			return nil, file
		}
		file = a.fileOf(ref.Value[1:])
		n = pointerTarget(a.root, ref.Value[1:])
	}
	return n, file
}

// refKey is the last token of the pointer that n's $ref names, "" when n is no reference.
func refKey(n *yaml.Node) string {
	ref := mappingValue(resolveAlias(n), "$ref")
	if ref == nil {
		return ""
	}
	i := strings.LastIndexByte(ref.Value, '/')
	if i < 0 {
		return ""
	}
	return strings.ReplaceAll(strings.ReplaceAll(ref.Value[i+1:], "~1", "/"), "~0", "~")
}

// fileOf is the index of the file a pointer into a.root lies in.
func (a *AsyncAPI) fileOf(ptr string) int {
	rest, ok := strings.CutPrefix(ptr, "/"+graftKey+"/")
	if !ok {
		return 0
	}
	num, _, _ := strings.Cut(rest, "/")
	if i, err := strconv.Atoi(num); err == nil && i > 0 && i < len(a.files) {
		return i
	}
	return 0
}

func (d *asyncDecoder) pos(n *yaml.Node, file int) diag.Pos { return PosOf(d.a.files[file], n) }

// entries iterates a mapping's keys and values (aliases resolved); nothing for other nodes.
func entries(n *yaml.Node) func(yield func(k, v *yaml.Node) bool) {
	return func(yield func(k, v *yaml.Node) bool) {
		n = resolveAlias(n)
		if n == nil || n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if !yield(n.Content[i], resolveAlias(n.Content[i+1])) {
				return
			}
		}
	}
}

func scalar(n *yaml.Node, key string) string {
	if v := resolveAlias(mappingValue(resolveAlias(n), key)); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

var serverVariable = regexp.MustCompile(`\{([^{}]+)\}`)

func (d *asyncDecoder) servers() {
	for k, v := range entries(mappingValue(d.a.root, "servers")) {
		n, _ := d.a.deref(v, 0)
		if n == nil {
			continue
		}
		s := &AsyncServer{Name: k.Value, Protocol: scalar(n, "protocol")}
		u := scalar(n, "url") // 2.x
		if d.a.v3() {
			u = scalar(n, "host") + scalar(n, "pathname")
		}
		vars := mappingValue(n, "variables")
		u = serverVariable.ReplaceAllStringFunc(u, func(m string) string {
			vn, _ := d.a.deref(mappingValue(vars, m[1:len(m)-1]), 0)
			if def := scalar(vn, "default"); def != "" {
				return def
			}
			return m
		})
		if u != "" && !strings.Contains(u, "://") {
			u = s.Protocol + "://" + u
		}
		s.URL = u
		d.a.Servers = append(d.a.Servers, s)
	}
}

// channels3 decodes the channels of a 3.0 document.
func (d *asyncDecoder) channels3() {
	for k, v := range entries(mappingValue(d.a.root, "channels")) {
		n, file := d.a.deref(v, 0)
		if n == nil {
			continue
		}
		ch := &Channel{Name: k.Value, Pos: d.pos(k, 0)}
		if addr := resolveAlias(mappingValue(n, "address")); addr != nil && addr.Kind == yaml.ScalarNode && addr.Tag != "!!null" {
			ch.Address, ch.HasAddress = addr.Value, true
		}
		ch.Params = d.params(mappingValue(n, "parameters"), file)
		for mk, mv := range entries(mappingValue(n, "messages")) {
			if m := d.message(mv, file, mk.Value); m != nil {
				ch.Messages = append(ch.Messages, m)
			}
		}
		d.a.Channels = append(d.a.Channels, ch)
		d.a.byNode[n] = ch
	}
}

// channel returns the channel that a reference (an operation's channel) names.
func (d *asyncDecoder) channel(ref *yaml.Node, file int) *Channel {
	n, _ := d.a.deref(ref, file)
	return d.a.byNode[n]
}

// operations3 decodes the operations of a 3.0 document.
func (d *asyncDecoder) operations3() {
	for k, v := range entries(mappingValue(d.a.root, "operations")) {
		n, file := d.a.deref(v, 0)
		if n == nil {
			continue
		}
		op := &MessageOperation{ID: k.Value, Action: scalar(n, "action"), Pos: d.pos(k, 0)}
		op.Channel = d.channel(mappingValue(n, "channel"), file)
		op.Messages = d.messageRefs(mappingValue(n, "messages"), file, op.Channel)
		if r := resolveAlias(mappingValue(n, "reply")); r != nil {
			rn, rfile := d.a.deref(r, file)
			if rn != nil {
				reply := &Reply{Pos: d.pos(rn, rfile)}
				if addr, _ := d.a.deref(mappingValue(rn, "address"), rfile); addr != nil {
					reply.AddressLocation = scalar(addr, "location")
				}
				reply.Channel = d.channel(mappingValue(rn, "channel"), rfile)
				reply.Messages = d.messageRefs(mappingValue(rn, "messages"), rfile, reply.Channel)
				op.Reply = reply
			}
		}
		d.a.Operations = append(d.a.Operations, op)
		if _, dup := d.a.byID[op.ID]; !dup {
			d.a.byID[op.ID] = op
		}
	}
}

// messageRefs decodes an operation's list of message references; without one, the
// operation carries every message of its channel.
func (d *asyncDecoder) messageRefs(list *yaml.Node, file int, ch *Channel) []*Message {
	list = resolveAlias(list)
	if list == nil || list.Kind != yaml.SequenceNode {
		if ch != nil {
			return ch.Messages
		}
		return nil
	}
	var out []*Message
	for _, e := range list.Content {
		if m := d.message(e, file, ""); m != nil {
			out = append(out, m)
		}
	}
	return out
}

// channels2 decodes the channels of a 2.x document, with their publish and subscribe
// operations.
func (d *asyncDecoder) channels2() {
	for k, v := range entries(mappingValue(d.a.root, "channels")) {
		n, file := d.a.deref(v, 0)
		if n == nil {
			continue
		}
		ch := &Channel{Name: k.Value, Address: k.Value, HasAddress: true, Pos: d.pos(k, 0)}
		ch.Params = d.params(mappingValue(n, "parameters"), file)
		for _, action := range []string{"publish", "subscribe"} {
			on, ofile := d.a.deref(mappingValue(n, action), file)
			if on == nil {
				continue
			}
			op := &MessageOperation{ID: scalar(on, "operationId"), Action: action, Channel: ch, Pos: d.pos(on, ofile)}
			if id := resolveAlias(mappingValue(on, "operationId")); id != nil {
				op.Pos = d.pos(id, ofile)
			}
			mn, mfile := d.a.deref(mappingValue(on, "message"), ofile)
			if alts := resolveAlias(mappingValue(mn, "oneOf")); alts != nil && alts.Kind == yaml.SequenceNode {
				for _, e := range alts.Content {
					if m := d.message(e, mfile, ""); m != nil {
						op.Messages = append(op.Messages, m)
					}
				}
			} else if m := d.message(mappingValue(on, "message"), ofile, ""); m != nil {
				op.Messages = append(op.Messages, m)
			}
			ch.Messages = append(ch.Messages, op.Messages...)
			d.a.Operations = append(d.a.Operations, op)
			if _, dup := d.a.byID[op.ID]; op.ID != "" && !dup {
				d.a.byID[op.ID] = op
			}
		}
		d.a.Channels = append(d.a.Channels, ch)
		d.a.byNode[n] = ch
	}
}

// params decodes a channel's parameters.
func (d *asyncDecoder) params(n *yaml.Node, file int) []*ChannelParam {
	var out []*ChannelParam
	for k, v := range entries(n) {
		pn, pfile := d.a.deref(v, file)
		if pn == nil {
			continue
		}
		p := &ChannelParam{Name: k.Value, Location: scalar(pn, "location"), Pos: d.pos(k, file)}
		def := resolveAlias(mappingValue(pn, "default"))
		if def == nil { // 2.x: the schema's default
			sn, _ := d.a.deref(mappingValue(pn, "schema"), pfile)
			def = resolveAlias(mappingValue(sn, "default"))
			pn = sn
		}
		if def != nil && def.Kind == yaml.ScalarNode {
			p.Default, p.HasDefault = def.Value, true
		}
		if enum := resolveAlias(mappingValue(pn, "enum")); enum != nil && enum.Kind == yaml.SequenceNode {
			for _, e := range enum.Content {
				p.Enum = append(p.Enum, e.Value)
			}
		}
		out = append(out, p)
	}
	return out
}

// message decodes the message n is or references, once per message; key is where it is
// defined when n is inline (a channel's messages key).
func (d *asyncDecoder) message(n *yaml.Node, file int, key string) *Message {
	if k := refKey(n); k != "" {
		key = k
	}
	mn, mfile := d.a.deref(n, file)
	if mn == nil || mn.Kind != yaml.MappingNode {
		return nil
	}
	if m, ok := d.messages[mn]; ok {
		return m
	}
	m := &Message{Name: key, Pos: d.pos(mn, mfile)}
	d.messages[mn] = m
	if name := scalar(mn, "name"); name != "" {
		m.Name = name
	} else if m.Name == "" {
		m.Name = scalar(mn, "messageId")
	}
	// Traits add what the message itself does not say (AsyncAPI merges them in).
	layers := []struct {
		n    *yaml.Node
		file int
	}{{mn, mfile}}
	if traits := resolveAlias(mappingValue(mn, "traits")); traits != nil && traits.Kind == yaml.SequenceNode {
		for _, t := range traits.Content {
			if tn, tfile := d.a.deref(t, mfile); tn != nil {
				layers = append(layers, struct {
					n    *yaml.Node
					file int
				}{tn, tfile})
			}
		}
	}
	for _, l := range layers {
		if m.ContentType == "" {
			m.ContentType = scalar(l.n, "contentType")
		}
		if m.Payload == nil && m.SchemaFormat == "" {
			m.Payload = d.schema(l.n, "payload", scalar(l.n, "schemaFormat"), l.file, m)
		}
		if m.Headers == nil {
			m.Headers = d.schema(l.n, "headers", "", l.file, nil)
		}
		if m.Correlation == nil {
			m.Correlation = d.correlation(mappingValue(l.n, "correlationId"), l.file)
		}
	}
	if m.ContentType == "" {
		m.ContentType = d.a.DefaultContentType
	}
	return m
}

// schema builds the schema under key of a message: a schema, or a 3.0 Multi Format Schema
// Object ({schemaFormat, schema}). A format other than JSON Schema (or the AsyncAPI and
// OpenAPI schemas, which extend it) is recorded in m and leaves the message untyped.
func (d *asyncDecoder) schema(msg *yaml.Node, key, format string, file int, m *Message) *base.SchemaProxy {
	n := resolveAlias(mappingValue(msg, key))
	if n == nil {
		return nil
	}
	formatNode := resolveAlias(mappingValue(msg, "schemaFormat"))
	if target, _ := d.a.deref(n, file); target != nil && mappingValue(target, "schemaFormat") != nil && mappingValue(target, "schema") != nil {
		formatNode = resolveAlias(mappingValue(target, "schemaFormat"))
		format = formatNode.Value
		n = resolveAlias(mappingValue(target, "schema"))
	}
	if !jsonSchemaFormat(format) {
		if m != nil {
			m.SchemaFormat, m.SchemaFormatPos = format, d.pos(formatNode, file)
		}
		return nil
	}
	if d.a.idx == nil {
		d.a.idx = index.NewSpecIndexWithConfig(d.a.root, index.CreateClosedAPIIndexConfig())
	}
	lsp := new(lowbase.SchemaProxy)
	if err := lsp.Build(context.Background(), nil, n, d.a.idx); err != nil {
		return nil
	}
	return base.NewSchemaProxy(&low.NodeReference[*lowbase.SchemaProxy]{Value: lsp, ValueNode: n})
}

// jsonSchemaFormat reports whether a schemaFormat is JSON Schema or a dialect of it that the
// type mapper reads: AsyncAPI's own schema (the default) and OpenAPI's schema object.
func jsonSchemaFormat(f string) bool {
	mt := strings.ToLower(strings.TrimSpace(strings.SplitN(f, ";", 2)[0]))
	switch mt {
	case "", "application/schema+json", "application/schema+yaml",
		"application/vnd.aai.asyncapi", "application/vnd.aai.asyncapi+json", "application/vnd.aai.asyncapi+yaml",
		"application/vnd.oai.openapi", "application/vnd.oai.openapi+json", "application/vnd.oai.openapi+yaml":
		return true
	}
	return false
}

// correlation decodes a Correlation ID Object (or a reference to one).
func (d *asyncDecoder) correlation(n *yaml.Node, file int) *Correlation {
	cn, cfile := d.a.deref(n, file)
	if cn == nil {
		return nil
	}
	loc := resolveAlias(mappingValue(cn, "location"))
	if loc == nil {
		return &Correlation{Problem: "the correlation ID has no location", Pos: d.pos(cn, cfile)}
	}
	c := &Correlation{Location: loc.Value, Pos: d.pos(loc, cfile)}
	c.Header, c.Pointer, c.Problem = MessageLocation(loc.Value)
	return c
}

// MessageLocation reads a runtime expression that names a place in a message, as AsyncAPI
// writes correlation ID and parameter locations: "$message.header#/name" or
// "$message.payload#/a/b". problem says why it cannot be read.
func MessageLocation(s string) (header bool, pointer []string, problem string) {
	var ptr string
	switch {
	case strings.HasPrefix(s, "$message.header#"):
		header, ptr = true, strings.TrimPrefix(s, "$message.header#")
	case strings.HasPrefix(s, "$message.payload#"):
		ptr = strings.TrimPrefix(s, "$message.payload#")
	default:
		return false, nil, fmt.Sprintf("location %q is not $message.header#/<name> or $message.payload#/<pointer>", s)
	}
	if ptr != "" && !strings.HasPrefix(ptr, "/") {
		return false, nil, fmt.Sprintf("location %q: the fragment must be a JSON Pointer (#/…)", s)
	}
	for _, t := range strings.Split(ptr, "/")[1:] {
		pointer = append(pointer, strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~"))
	}
	if header && len(pointer) != 1 {
		return false, nil, fmt.Sprintf("location %q must name one header: $message.header#/<name>", s)
	}
	return header, pointer, ""
}

// hasRootKey reports whether data's root mapping has key. Most descriptions are OpenAPI,
// some of them megabytes long: only documents that can have the key at the top are parsed,
// in block YAML at the start of a line (re) or anywhere in JSON.
func hasRootKey(data []byte, key string, re *regexp.Regexp) bool {
	if !bytes.Contains(data, []byte(key)) {
		return false
	}
	if trimmed := bytes.TrimSpace(data); !re.Match(data) && !bytes.HasPrefix(trimmed, []byte("{")) {
		return false
	}
	root, err := parseTree(data)
	if err != nil || root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return false
	}
	return mappingValue(root.Content[0], key) != nil
}

// RefFile resolves the path of a $ref against the file that holds it, as the generator's
// FileReader does before checking it is allowed.
func RefFile(from, ref string) string {
	from = strings.ReplaceAll(from, "\\", "/")
	if path.IsAbs(ref) {
		return path.Clean(ref)
	}
	return path.Join(path.Dir(from), ref)
}
