package ir

import (
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/arazzogen/arazzogen/generator/internal/diag"
	"github.com/arazzogen/arazzogen/generator/internal/expr"
	"github.com/arazzogen/arazzogen/generator/internal/load"
	"github.com/arazzogen/arazzogen/generator/internal/types"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/orderedmap"
	yaml "go.yaml.in/yaml/v4"
)

// AsyncAPI steps (Arazzo 1.1 §4.6, features §6.15–16, §6.20). A step with an action, a
// channelPath, a correlationId, or an operationId of an asyncapi source sends a message to
// a channel or waits for one. Such a step compiles like an operation step where it can:
// the payload is a request body (replacements and Selector Objects included), typed and
// checked by the message's payload schema; its header parameters are the message's
// headers; its criteria and outputs read $message ($message.payload#/…,
// $message.header.<name>), typed by the message's schemas.
//
// A receive step waits for the first message on its channel whose correlation ID is the
// step's correlationId and for which its success criteria hold (the criteria choose among
// the messages; a step that gets none in time fails). The action is the workflow's (AMB-A2):
// a step that sends to a 3.0 operation sends on that operation's channel, and one that
// receives from an operation with a reply waits on the reply's channel, for the reply's
// messages.
//
// So that a reply is not lost, the run subscribes to a receive step's channel before the
// workflow's first step, or, when the channel's address depends on a step's outputs, right
// after that step (Listen); the subscription ends after the last receive step on the
// channel, or with the run when a loop can come back to it.

// MessageSource is an AsyncAPI source the workflows send to or receive from.
type MessageSource struct {
	Name   string // the sourceDescription name
	GoName string // exported constant name
	Index  int    // position in Program.MessageSources
	// DefaultURL is the broker URL of the description's first server whose protocol the
	// broker module speaks ("nats://host:4222", "kafka://host:9092"); "" when none.
	DefaultURL string

	api      *load.AsyncAPI
	declared string // the name in its document
}

// MessageStep is what an AsyncAPI step sends or receives.
type MessageStep struct {
	Receive bool // action receive; send otherwise
	Source  *MessageSource
	// Target names what the step targets, for the comment: "operation placeOrder", "the
	// reply of operation placeOrder", "channel confirm-order".
	Target string
	// Address is the channel's address as the description writes it ("orders.{id}"), and
	// Params the values of its parameters, in the order they appear in it.
	Address string
	Params  []*Param
	// Headers are the message headers a send step sets, names as written.
	Headers []*Param
	// Correlation is where a receive step finds the correlation ID in a message (one place
	// per distinct location of the channel's messages), and CorrelationValue the step's
	// correlationId; both nil without one.
	Correlation      []MessageLocation
	CorrelationValue *Value
	// Last is set on a receive step after which no step of the workflow receives on its
	// channel: the run's subscription ends with it.
	Last bool
}

// MessageLocation is a place in a message: a header (Pointer holds its name) or a JSON
// Pointer into the payload.
type MessageLocation struct {
	Header  bool
	Pointer []string
}

// Listen subscribes a run to the channel of a receive step before the step runs: before
// the workflow's first step (After nil), or right after the step whose outputs the channel's
// address reads.
type Listen struct {
	Step  *Step
	After *Step
}

// messageScope is what $message means in an AsyncAPI step.
type messageScope struct {
	step    *Step
	receive bool
	// exists is set where the message exists: after it is published or received (criteria,
	// outputs, success actions).
	exists bool
	// name names the message for messages; payload and headers are its schemas (nil
	// untyped: several messages, or none).
	name             string
	payload, headers *base.SchemaProxy
}

// isMessageStep reports whether s is an AsyncAPI step: it has an action, a channelPath or a
// correlationId, or its operationId names an operation of an asyncapi source (an
// operationId step without action is then a mistake messageStep reports).
func (b *builder) isMessageStep(s *load.Step) bool {
	if s.Action.Set() || s.ChannelPath.Set() || s.CorrelationID != nil {
		return true
	}
	if !s.OperationID.Set() || len(b.doc.linked.AsyncAPI) == 0 {
		return false
	}
	name, id := b.splitOperationID(s.OperationID.Value)
	if name != "" {
		return b.doc.linked.AsyncAPI[name] != nil
	}
	for _, oa := range b.in.OpenAPI {
		if oa.Operation(id) != nil {
			return false
		}
	}
	for _, aa := range b.doc.linked.AsyncAPI {
		if aa.Operation(id) != nil {
			return true
		}
	}
	return false
}

// splitOperationID reads "$sourceDescriptions.<name>.<id>" (the source name as declared,
// also when written in other letter case) and the lenient "<name>.<id>"; name is "" for a
// plain id.
func (b *builder) splitOperationID(ref string) (name, id string) {
	if e, err := expr.Parse(ref); err == nil && e.Kind == expr.SourceDescriptions {
		if n := b.foldSourceName(e.Name); n != "" {
			return n, e.Field
		}
		return e.Name, e.Field
	}
	if n, op, ok := strings.Cut(ref, "."); ok && b.sourceDesc(n) != nil {
		return n, op
	}
	return "", ref
}

// foldSourceName is the declared name of the source that name spells in other letter case
// when exactly one does; "" otherwise.
func (b *builder) foldSourceName(name string) string {
	if b.sourceDesc(name) != nil {
		return name
	}
	found := ""
	for _, sd := range b.in.Doc.SourceDescriptions {
		if strings.EqualFold(sd.Name.Value, name) {
			if found != "" {
				return ""
			}
			found = sd.Name.Value
		}
	}
	return found
}

// messageTarget is what an AsyncAPI step's target resolves to.
type messageTarget struct {
	source  string
	api     *load.AsyncAPI
	op      *load.MessageOperation // nil for a channel
	channel *load.Channel
}

// messageStep compiles an AsyncAPI step.
func (b *builder) messageStep(sc *scope, st *Step, s *load.Step) *Step {
	defer func() { sc.message = nil }()
	t := b.messageTarget(s)
	receive := s.Action.Value == "receive"
	switch s.Action.Value {
	case "send", "receive":
	case "":
		d := b.errorf(s.ID.Pos, "missing-field", "step %q is an AsyncAPI step (it sends or receives messages), so it needs action: send or action: receive", s.ID.Value)
		if s.CorrelationID != nil {
			d.WithHint("a step with a correlationId waits for a message: add action: receive")
		}
		t = nil
	default:
		b.errorf(s.Action.Pos, "bad-value", "action %q is not send or receive", s.Action.Value)
		t = nil
	}
	if t == nil {
		b.messageUnbound(sc, st, s)
		return nil
	}
	ms := &MessageStep{Receive: receive, Source: b.messageSource(t.source, t.api)}
	channel, messages, ok := b.messageChannel(s, t, ms)
	if !ok {
		b.messageUnbound(sc, st, s)
		return nil
	}
	ms.Address = channel.Address
	if i := strings.IndexFunc(channel.Address, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
	}); i >= 0 {
		b.errorf(channel.Pos, "bad-value", "the address %q of channel %q holds white space or a control character, which no broker's subject or topic can", channel.Address, channel.Name)
		b.messageUnbound(sc, st, s)
		return nil
	}
	if !channel.HasAddress {
		ms.Address = channel.Name
		b.diags.Warnf(b.targetPos(s), "channel-address", "channel %q of source %q has no address (the AsyncAPI document leaves it unknown); using its name %q as the address", channel.Name, t.source, channel.Name).
			WithHint("give the channel address: %s in %s", channel.Name, t.api.File)
	}
	st.Message = ms
	st.Method, st.Path = "SEND", ms.Address
	if receive {
		st.Method = "RECEIVE"
	}
	st.OperationID = channel.Name
	if t.op != nil && t.op.ID != "" {
		st.OperationID = t.op.ID
	}
	msc := &messageScope{step: st, receive: receive}
	b.messageSchemas(msc, messages)
	sc.current, sc.hasResp, sc.response, sc.message = st, false, nil, msc

	b.messageParams(sc, st, s, channel, t.source)
	if s.CorrelationID != nil {
		b.correlation(sc, st, s, messages)
	}
	if s.RequestBody != nil {
		if receive {
			b.errorf(s.RequestBody.Pos, "bad-value", "step %q receives a message, so it has no requestBody: the payload of a send step is what a receive step gets", s.ID.Value)
		} else {
			b.requestBody(sc, st, s, messageOperation(st.OperationID, ms.Address, messages, t.api))
		}
	}
	if !receive {
		b.checkHeaders(s, st, msc, messages)
	}

	msc.exists = true
	for _, c := range s.SuccessCriteria {
		if cr := b.criterion(sc, c); cr != nil {
			st.Criteria = append(st.Criteria, cr)
		}
	}
	st.OutputValues = b.outputs(sc, s.Outputs, st.Outputs)
	b.actionsOf(sc, st, s)
	if receive {
		b.listen(sc, st)
	}
	return st
}

// messageUnbound checks the expressions of an AsyncAPI step whose target could not be
// resolved, as checkUnbound does for operation steps; $message is untyped there.
func (b *builder) messageUnbound(sc *scope, st *Step, s *load.Step) {
	sc.message = &messageScope{step: st, receive: s.Action.Value == "receive", exists: true}
	b.checkUnbound(sc, st, s)
}

// messageTarget resolves the step's channelPath, operationId or (leniently) operationPath
// to an operation or a channel of an AsyncAPI source; nil after an error.
func (b *builder) messageTarget(s *load.Step) *messageTarget {
	set := 0
	for _, f := range []load.Str{s.ChannelPath, s.OperationID, s.OperationPath, s.WorkflowID} {
		if f.Set() {
			set++
		}
	}
	if set > 1 {
		b.errorf(s.ID.Pos, "bad-value", "step %q has more than one of channelPath, operationId, operationPath and workflowId; an AsyncAPI step names its channel with channelPath or its operation with operationId", s.ID.Value)
		return nil
	}
	switch {
	case s.ChannelPath.Set():
		return b.channelPath(s.ChannelPath)
	case s.OperationID.Set():
		return b.messageOperationID(s.OperationID, s.OperationID.Value)
	case s.OperationPath.Set():
		return b.messageOperationPath(s.OperationPath)
	case s.WorkflowID.Set():
		b.errorf(s.Action.Pos, "bad-value", "step %q runs workflow %s; action, channelPath and correlationId belong to AsyncAPI steps, which send or receive messages", s.ID.Value, s.WorkflowID.Value)
		return nil
	}
	b.errorf(s.ID.Pos, "missing-field", "step %q has an action but neither channelPath nor operationId: an AsyncAPI step names the channel or the AsyncAPI operation it sends to or receives from", s.ID.Value)
	return nil
}

// messageAPI returns the AsyncAPI document of source name (spelled as declared or, with a
// warning, in other letter case); nil after an error, or when the source failed to load.
func (b *builder) messageAPI(name string, pos diag.Pos, what string) (string, *load.AsyncAPI) {
	folded := b.foldSourceName(name)
	if folded == "" {
		var names []string
		for _, sd := range b.in.Doc.SourceDescriptions {
			names = append(names, sd.Name.Value)
		}
		d := b.errorf(pos, "unknown-source", "%s names source %q, which is not in sourceDescriptions", what, name)
		hintNames(d, name, names, "sources")
		return "", nil
	}
	if folded != name {
		b.diags.Warnf(pos, "source-case", "%s names source %q, which is not declared as written; reading it as %q, the one source that differs only in letter case", what, name, folded).
			WithHint("write %q: source names are case-sensitive", folded)
	}
	aa := b.doc.linked.AsyncAPI[folded]
	if aa == nil {
		if b.in.OpenAPI[folded] != nil {
			b.errorf(pos, "source-type", "%s names source %q, which is an OpenAPI description; action, channelPath and correlationId belong to steps of AsyncAPI sources", what, folded).
				WithHint("call an OpenAPI operation without action; send or receive messages through a source of type asyncapi")
		} else if b.doc.linked.Arazzo[folded] != nil {
			b.arazzoNotOperations(pos, what, folded)
		}
		return "", nil // or the source failed to load, which was reported
	}
	return folded, aa
}

// messageOperationID resolves an AsyncAPI operationId: "$sourceDescriptions.<src>.<id>",
// the lenient "<src>.<id>", or a plain id searched in every asyncapi source.
func (b *builder) messageOperationID(id load.Str, ref string) *messageTarget {
	name, opID := b.splitOperationID(ref)
	if strings.HasPrefix(ref, "$") && name == "" {
		b.errorf(id.Pos, "expression", "operationId %q is not a $sourceDescriptions.<name>.<operationId> expression", ref)
		return nil
	}
	what := fmt.Sprintf("operationId %q", ref)
	var candidates []string
	if name != "" {
		src, aa := b.messageAPI(name, id.Pos, what)
		if aa == nil {
			return nil
		}
		if op := aa.Operation(opID); op != nil {
			return &messageTarget{source: src, api: aa, op: op}
		}
		if t := b.channelByName(id.Pos, ref, opID, []string{src}); t != nil {
			return t
		}
		for _, op := range aa.Operations {
			candidates = append(candidates, op.ID)
		}
		d := b.errorf(id.Pos, "unknown-operation", "operation %q is not defined in AsyncAPI source %q (%s)", opID, src, aa.File)
		hintNames(d, opID, candidates, "operations")
		return nil
	}
	var found []string
	var target *messageTarget
	var names []string
	for _, sd := range b.in.Doc.SourceDescriptions {
		aa := b.doc.linked.AsyncAPI[sd.Name.Value]
		if aa == nil {
			continue
		}
		names = append(names, sd.Name.Value)
		if op := aa.Operation(opID); op != nil {
			if target == nil {
				target = &messageTarget{source: sd.Name.Value, api: aa, op: op}
			}
			found = append(found, sd.Name.Value)
		}
		for _, op := range aa.Operations {
			candidates = append(candidates, op.ID)
		}
	}
	if target == nil {
		if len(names) == 0 {
			return nil // no asyncapi source could be loaded; that was reported
		}
		if t := b.channelByName(id.Pos, ref, opID, names); t != nil {
			return t
		}
		d := b.errorf(id.Pos, "unknown-operation", "operationId %q is not defined in any AsyncAPI source description", opID)
		hintNames(d, opID, candidates, "operations")
		return nil
	}
	if len(found) > 1 {
		b.diags.Warnf(id.Pos, "ambiguous-operation", "operationId %q is defined in sources %s; using %q", opID, strings.Join(found, ", "), target.source).
			WithHint("write operationId: $sourceDescriptions.%s.%s", target.source, opID)
	}
	return target
}

// channelByName is the lenient reading of an operationId that names no operation but, apart
// from letter case and punctuation, exactly one channel of the sources (the specification's
// own example receives on "confirmOrder", its channel "confirm-order"): that channel, with a
// warning naming its channelPath.
func (b *builder) channelByName(pos diag.Pos, ref, name string, sources []string) *messageTarget {
	key := foldName(name)
	var found *messageTarget
	for _, src := range sources {
		aa := b.doc.linked.AsyncAPI[src]
		if aa == nil {
			continue
		}
		for _, ch := range aa.Channels {
			if foldName(ch.Name) == key || ch.HasAddress && foldName(ch.Address) == key {
				if found != nil {
					return nil
				}
				found = &messageTarget{source: src, api: aa, channel: ch}
			}
		}
	}
	if found != nil {
		path := channelPathOf(found.source, found.channel)
		b.diags.Warnf(pos, "operation-is-channel", "%q names no operation; reading it as channel %q, the one channel with that name apart from letter case and punctuation", ref, found.channel.Name).
			WithHint("write channelPath: '%s'", path)
	}
	return found
}

// foldName is a name without letter case and punctuation, for lenient matching.
func foldName(s string) string {
	var sb strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			sb.WriteRune(unicode.ToLower(r))
		}
	}
	return sb.String()
}

func channelPathOf(source string, ch *load.Channel) string {
	return "{$sourceDescriptions." + source + ".url}#/channels/" + escapePointerToken(ch.Name)
}

// channelPath resolves a channelPath: '{$sourceDescriptions.<name>.url}#/channels/<key>'
// canonically, with the lenient source spellings of operationPath; a bare channel name
// (no '#') is read as the one channel of the asyncapi sources that has it as its key or
// address.
func (b *builder) channelPath(cp load.Str) *messageTarget {
	s := cp.Value
	at := func(off int) diag.Pos { return innerPos(cp.Node, cp.Pos, off) }
	hash := strings.IndexByte(s, '#')
	if hash < 0 {
		var found *messageTarget
		n := 0
		for _, sd := range b.in.Doc.SourceDescriptions {
			aa := b.doc.linked.AsyncAPI[sd.Name.Value]
			if aa == nil {
				continue
			}
			for _, ch := range aa.Channels {
				if ch.Name == s || ch.HasAddress && ch.Address == s {
					found = &messageTarget{source: sd.Name.Value, api: aa, channel: ch}
					n++
				}
			}
		}
		if n == 1 {
			b.diags.Warnf(cp.Pos, "channel-path-form", "channelPath %q is a channel name, not a source reference with a JSON Pointer; reading it as %s", s, channelPathOf(found.source, found.channel)).
				WithHint("write channelPath: '%s'", channelPathOf(found.source, found.channel))
			return found
		}
		b.errorf(cp.Pos, "channel-path", "channelPath %q has no '#' followed by a JSON Pointer to a channel", s).
			WithHint("write channelPath: '{$sourceDescriptions.<name>.url}#/channels/<channel>'")
		return nil
	}
	name, lenient, ok := b.operationPathSource(s[:hash], at)
	if !ok {
		return nil
	}
	src, aa := b.messageAPI(name, cp.Pos, "channelPath")
	if aa == nil {
		return nil
	}
	tokens, ok := b.pointerTokens(s, hash+1, at)
	if !ok {
		return nil
	}
	var ptr strings.Builder
	for _, t := range tokens {
		ptr.WriteString("/" + escapePointerToken(t.text))
	}
	if len(tokens) != 2 || tokens[0].text != "channels" {
		b.errorf(at(hash+1), "channel-path", "channelPath must point at a channel: #/channels/<channel>").
			WithHint("write channelPath: '{$sourceDescriptions.%s.url}#/channels/<channel>'", src)
		return nil
	}
	ch := aa.ChannelAt(ptr.String())
	if ch == nil {
		var names []string
		for _, c := range aa.Channels {
			names = append(names, c.Name)
		}
		d := b.errorf(at(tokens[1].off), "unknown-channel", "source %q has no channel %q (%s)", src, tokens[1].text, aa.File)
		hintNames(d, tokens[1].text, names, "channels")
		return nil
	}
	for _, msg := range lenient {
		b.diags.Warnf(cp.Pos, "channel-path-form", "%s", strings.ReplaceAll(msg, "operationPath", "channelPath")).
			WithHint("write channelPath: '%s'", channelPathOf(src, ch))
	}
	return &messageTarget{source: src, api: aa, channel: ch}
}

// messageOperationPath reads an operationPath on an AsyncAPI step. The specification's own
// example writes "$sourceDescriptions.<name>.<operationId>" there (AMB-T1), which is read
// as that operationId; a pointer to a 3.0 operation or a channel is read as operationId or
// channelPath. Each reading warns with the field to write.
func (b *builder) messageOperationPath(ps load.Str) *messageTarget {
	s := ps.Value
	hash := strings.IndexByte(s, '#')
	if hash < 0 {
		e, err := expr.Parse(s)
		if err != nil || e.Kind != expr.SourceDescriptions || e.Field == "" {
			b.errorf(ps.Pos, "operation-path", "operationPath %q on an AsyncAPI step names neither an operation nor a channel", s).
				WithHint("name the operation with operationId: $sourceDescriptions.<name>.<operationId>, or the channel with channelPath")
			return nil
		}
		t := b.messageOperationID(ps, s)
		if t != nil {
			strict := "$sourceDescriptions." + t.source + "." + e.Field
			if t.op != nil {
				b.diags.Warnf(ps.Pos, "operation-path-form", "operationPath %q names an operation by its operationId, which is what operationId is for; reading it as operationId: %s", s, strict).
					WithHint("write operationId: %s", strict)
			}
		}
		return t
	}
	at := func(off int) diag.Pos { return innerPos(ps.Node, ps.Pos, off) }
	name, _, ok := b.operationPathSource(s[:hash], at)
	if !ok {
		return nil
	}
	src, aa := b.messageAPI(name, ps.Pos, "operationPath")
	if aa == nil {
		return nil
	}
	tokens, ok := b.pointerTokens(s, hash+1, at)
	if !ok {
		return nil
	}
	if len(tokens) == 2 && tokens[0].text == "operations" {
		if op := aa.Operation(tokens[1].text); op != nil {
			strict := "$sourceDescriptions." + src + "." + op.ID
			b.diags.Warnf(ps.Pos, "operation-path-form", "operationPath points at AsyncAPI operation %q; reading it as operationId: %s", op.ID, strict).
				WithHint("write operationId: %s", strict)
			return &messageTarget{source: src, api: aa, op: op}
		}
	}
	if len(tokens) == 2 && tokens[0].text == "channels" {
		if ch := aa.ChannelAt("/channels/" + escapePointerToken(tokens[1].text)); ch != nil {
			b.diags.Warnf(ps.Pos, "operation-path-form", "operationPath points at channel %q; reading it as channelPath", ch.Name).
				WithHint("write channelPath: '%s'", channelPathOf(src, ch))
			return &messageTarget{source: src, api: aa, channel: ch}
		}
	}
	b.errorf(ps.Pos, "operation-path", "operationPath %q points at neither an operation nor a channel of AsyncAPI source %q", s, src).
		WithHint("name the operation with operationId: $sourceDescriptions.%s.<operationId>, or the channel with channelPath", src)
	return nil
}

// messageSource returns (creating on first use) the program's entry for an AsyncAPI source.
// A source of a referenced Arazzo document that has the name of another is qualified by
// the arazzo source names that lead to it, as OpenAPI sources are (external.go).
func (b *builder) messageSource(name string, aa *load.AsyncAPI) *MessageSource {
	for _, ms := range b.prog.MessageSources {
		if ms.api == aa && ms.declared == name {
			return ms
		}
	}
	ms := &MessageSource{Name: name, declared: name, Index: len(b.prog.MessageSources), api: aa}
	if slices.ContainsFunc(b.prog.MessageSources, func(m *MessageSource) bool { return m.Name == name }) {
		ms.Name = b.doc.linked.Qualify(name)
	}
	ms.GoName = b.typeNames.name("Source" + GoName(ms.Name))
	for _, s := range aa.Servers {
		if p := strings.ToLower(s.Protocol); (p == "nats" || p == "kafka") && s.URL != "" {
			ms.DefaultURL = s.URL
			break
		}
	}
	b.prog.MessageSources = append(b.prog.MessageSources, ms)
	return ms
}

func (b *builder) targetPos(s *load.Step) diag.Pos {
	for _, f := range []load.Str{s.ChannelPath, s.OperationID, s.OperationPath} {
		if f.Set() {
			return f.Pos
		}
	}
	return s.ID.Pos
}

// messageChannel decides the channel the step uses and the messages it may carry, from the
// workflow's action (see the top of this file).
func (b *builder) messageChannel(s *load.Step, t *messageTarget, ms *MessageStep) (*load.Channel, []*load.Message, bool) {
	pos := b.targetPos(s)
	if t.op == nil {
		ms.Target = "channel " + t.channel.Name
		messages := t.channel.Messages
		// A 2.x channel: its publish operation carries what a workflow sends (the
		// application consumes it), its subscribe operation what a workflow receives.
		want := "publish"
		if ms.Receive {
			want = "subscribe"
		}
		for _, op := range t.api.Operations {
			if op.Channel == t.channel && op.Action == want {
				messages = op.Messages
			}
		}
		return t.channel, messages, true
	}
	op := t.op
	ms.Target = "operation " + op.ID
	if ms.Receive && op.Reply != nil {
		ms.Target = "the reply of operation " + op.ID
		if op.Reply.AddressLocation != "" {
			b.errorf(pos, "unsupported", "the reply of operation %q goes to an address the request names at run time (%s), which is not supported yet", op.ID, op.Reply.AddressLocation).
				WithHint("give the reply a channel with a fixed address in %s", t.api.File)
			return nil, nil, false
		}
		if op.Reply.Channel == nil {
			b.errorf(pos, "unknown-channel", "the reply of operation %q has no channel to receive it on (%s)", op.ID, t.api.File)
			return nil, nil, false
		}
		messages := op.Reply.Messages
		if len(messages) == 0 {
			messages = op.Reply.Channel.Messages
		}
		return op.Reply.Channel, messages, true
	}
	if op.Channel == nil {
		b.errorf(pos, "unknown-channel", "operation %q has no channel (%s)", op.ID, t.api.File)
		return nil, nil, false
	}
	return op.Channel, op.Messages, true
}

// messageSchemas types $message by the messages: the payload and headers schemas of the one
// message, or of several messages that share them; untyped otherwise. A schema format other
// than JSON Schema leaves the payload untyped, with a warning.
func (b *builder) messageSchemas(msc *messageScope, messages []*load.Message) {
	var names []string
	for i, m := range messages {
		names = append(names, m.Name)
		if m.SchemaFormat != "" {
			b.diags.Warnf(m.SchemaFormatPos, "schema-format", "message %q has a payload in schema format %q, which arazzogen does not read; $message.payload of step %q is untyped (json.RawMessage)", m.Name, m.SchemaFormat, msc.step.ID)
		}
		if i == 0 {
			msc.payload, msc.headers = m.Payload, m.Headers
			continue
		}
		if !sameSchema(msc.payload, m.Payload) {
			msc.payload = nil
		}
		if !sameSchema(msc.headers, m.Headers) {
			msc.headers = nil
		}
	}
	msc.name = strings.Join(names, ", ")
}

// messageOperation presents what a send step publishes as an operation with a request body,
// so that the payload compiles exactly as a request body does: its content type (the
// message's, else JSON) and its schema (the message's payload), which checks the payload.
func messageOperation(id, address string, messages []*load.Message, aa *load.AsyncAPI) *load.Operation {
	content := orderedmap.New[string, *v3.MediaType]()
	for _, m := range messages {
		ct := m.ContentType
		if ct == "" {
			ct = "application/json"
		}
		if _, dup := content.Get(ct); !dup {
			mt := &v3.MediaType{}
			if len(messages) == 1 {
				mt.Schema = m.Payload
			}
			content.Set(ct, mt)
		}
	}
	if content.Len() == 0 {
		ct := aa.DefaultContentType
		if ct == "" {
			ct = "application/json"
		}
		content.Set(ct, &v3.MediaType{})
	}
	return load.BuiltOperation(id, "SEND", address, &v3.Operation{OperationId: id, RequestBody: &v3.RequestBody{Content: content}})
}

// messageParams compiles an AsyncAPI step's parameters: in: header are message headers (a
// send step's), in: channel the channel address's parameters (in: path is read as channel,
// with a warning). Workflow parameters apply to operation steps, not to messages.
func (b *builder) messageParams(sc *scope, st *Step, s *load.Step, ch *load.Channel, source string) {
	ms := st.Message
	values := map[string]*Param{}
	seen := map[string]bool{}
	for _, p := range s.Parameters {
		if p.Reference.Set() {
			if p = b.expandParameter(p); p == nil {
				continue
			}
		}
		in := p.In.Value
		switch in {
		case "header":
		case "channel":
		case "path":
			b.diags.Warnf(p.In.Pos, "parameter-location", "parameter %q is a parameter of the channel address %s; AsyncAPI steps write in: channel, not in: path", p.Name.Value, ch.Address).
				WithHint("write in: channel")
			in = "channel"
		case "":
			b.errorf(p.Pos, "missing-field", "parameter %q of an AsyncAPI step needs 'in': header (a message header) or channel (a channel address parameter)", p.Name.Value)
			continue
		default:
			b.errorf(p.In.Pos, "bad-value", "parameter location %q does not apply to an AsyncAPI step: its parameters are in: header (message headers) or in: channel (channel address parameters)", in)
			continue
		}
		if p.Value == nil {
			continue // reported by the decoder
		}
		if seen[in+"\x00"+p.Name.Value] {
			b.diags.Warnf(p.Name.Pos, "duplicate-parameter", "%s parameter %q is set twice; the later value is used", in, p.Name.Value)
		}
		seen[in+"\x00"+p.Name.Value] = true
		v := b.value(sc, p.Value, p.Value.Value, load.PosOf(b.file, p.Value))
		if v == nil {
			continue
		}
		param := &Param{Name: p.Name.Value, Value: v}
		if in == "header" {
			if ms.Receive {
				b.errorf(p.In.Pos, "bad-value", "step %q receives a message, so it sends no headers: header parameters belong to send steps", s.ID.Value).
					WithHint("to wait for a message with a certain header, test it in successCriteria: $message.header.%s == …", p.Name.Value)
				continue
			}
			if i := slices.IndexFunc(ms.Headers, func(h *Param) bool { return h.Name == param.Name }); i >= 0 {
				ms.Headers[i] = param
			} else {
				ms.Headers = append(ms.Headers, param)
			}
			continue
		}
		if !slices.ContainsFunc(ch.Params, func(cp *load.ChannelParam) bool { return cp.Name == p.Name.Value }) && !strings.Contains(ch.Address, "{"+p.Name.Value+"}") {
			d := b.errorf(p.Name.Pos, "unknown-parameter", "channel %q (address %s) has no parameter %q", ch.Name, ch.Address, p.Name.Value)
			var names []string
			for _, cp := range ch.Params {
				names = append(names, cp.Name)
			}
			hintNames(d, p.Name.Value, names, "channel parameters")
			continue
		}
		values[p.Name.Value] = param
	}
	// The address's parameters, in the order they appear in it.
	rest := ms.Address
	for {
		i := strings.IndexByte(rest, '{')
		j := strings.IndexByte(rest, '}')
		if i < 0 || j < i {
			break
		}
		name := rest[i+1 : j]
		rest = rest[j+1:]
		if slices.ContainsFunc(ms.Params, func(p *Param) bool { return p.Name == name }) {
			continue
		}
		param := values[name]
		if param == nil {
			param = b.defaultChannelParam(s, st, ch, name, source)
		}
		if param != nil {
			ms.Params = append(ms.Params, param)
		}
	}
}

// defaultChannelParam is the value of a channel parameter the step does not set: the
// parameter's default, else, on a send step, the value at the parameter's location in the
// message being sent. nil after an error.
func (b *builder) defaultChannelParam(s *load.Step, st *Step, ch *load.Channel, name, source string) *Param {
	ms := st.Message
	i := slices.IndexFunc(ch.Params, func(p *load.ChannelParam) bool { return p.Name == name })
	if i >= 0 && ch.Params[i].HasDefault {
		d := ch.Params[i].Default
		q := strconv.Quote(d)
		return &Param{Name: name, Value: &Value{Kind: VLit, Type: types.Type{Kind: types.String}, JSON: q, Text: d, Src: "the default of channel parameter " + name}}
	}
	if i >= 0 && ch.Params[i].Location != "" && !ms.Receive {
		header, ptr, problem := load.MessageLocation(ch.Params[i].Location)
		switch {
		case problem != "":
		case header:
			if j := slices.IndexFunc(ms.Headers, func(h *Param) bool { return h.Name == ptr[0] }); j >= 0 {
				return &Param{Name: name, Value: ms.Headers[j].Value}
			}
		case s.RequestBody != nil && s.RequestBody.Payload != nil:
			// Read from the payload once it is encoded (emit: runtime.Pick of the body).
			return &Param{Name: name, Value: &Value{Kind: VResponseBody, Message: true, Pointer: ptr, Type: types.Type{Kind: types.Raw}, Src: ch.Params[i].Location}}
		}
	}
	d := b.errorf(s.ID.Pos, "missing-parameter", "step %q does not set parameter %q of the address %s of channel %q (source %s)", s.ID.Value, name, ch.Address, ch.Name, source)
	if ms.Receive && i >= 0 && ch.Params[i].Location != "" {
		d.WithHint("add a parameter {name: %s, in: channel, value: …}: a receive step subscribes before it has a message, so the parameter's location (%s) cannot give the value", name, ch.Params[i].Location)
	} else {
		d.WithHint("add a parameter {name: %s, in: channel, value: …}", name)
	}
	return nil
}

// checkHeaders compares a send step's headers with the message's header schema: a header
// the schema does not declare, and a required one the step does not set, are warnings.
func (b *builder) checkHeaders(s *load.Step, st *Step, msc *messageScope, messages []*load.Message) {
	if msc.headers == nil || len(messages) != 1 {
		return
	}
	shape, ok := types.ObjectShape(msc.headers)
	if !ok || len(shape.Props) == 0 {
		return
	}
	var declared []string
	for _, p := range shape.Props {
		declared = append(declared, p.Name)
	}
	set := map[string]bool{}
	for _, p := range s.Parameters {
		if p.In.Value != "header" || st.Message.Receive {
			continue
		}
		set[p.Name.Value] = true
		if !slices.Contains(declared, p.Name.Value) && !shape.ExtraAllowed {
			d := b.diags.Warnf(p.Name.Pos, "undeclared-header", "message %q does not declare header %q", messages[0].Name, p.Name.Value)
			hintNames(d, p.Name.Value, declared, "headers")
		}
	}
	for _, req := range shape.Required {
		if !set[req] {
			d := b.diags.Warnf(s.ID.Pos, "missing-header", "message %q requires header %q, which step %q does not set", messages[0].Name, req, s.ID.Value)
			d.WithHint("add a parameter {name: %s, in: header, value: …}", req)
		}
	}
}

// correlation compiles a receive step's correlationId: the value, and where the messages of
// the channel carry it.
func (b *builder) correlation(sc *scope, st *Step, s *load.Step, messages []*load.Message) {
	n := s.CorrelationID
	pos := load.PosOf(b.file, n)
	if !st.Message.Receive {
		b.errorf(pos, "bad-value", "correlationId belongs to receive steps: it picks the message the step waits for; a send step's message carries its correlation ID in the header or payload the step gives it").
			WithHint("set the correlation ID as a header parameter or in the payload, where the message's correlationId location says")
		return
	}
	v := b.value(sc, n, n.Value, pos)
	if v == nil {
		return
	}
	if n.Kind != yaml.ScalarNode || v.Kind == VObject || v.Kind == VArray {
		b.errorf(pos, "bad-value", "correlationId must be one value (a runtime expression, a string or a number), not %s", map[bool]string{true: "an object", false: "an array"}[n.Kind == yaml.MappingNode])
		return
	}
	var locs []MessageLocation
	var without []string
	for _, m := range messages {
		c := m.Correlation
		if c == nil {
			without = append(without, m.Name)
			continue
		}
		if c.Problem != "" {
			b.errorf(c.Pos, "bad-value", "the correlation ID of message %q: %s", m.Name, c.Problem)
			return
		}
		loc := MessageLocation{Header: c.Header, Pointer: c.Pointer}
		if !slices.ContainsFunc(locs, func(l MessageLocation) bool { return l.Header == loc.Header && slices.Equal(l.Pointer, loc.Pointer) }) {
			locs = append(locs, loc)
		}
	}
	if len(locs) == 0 {
		what := "the channel's messages declare"
		if len(messages) == 1 {
			what = fmt.Sprintf("message %q declares", messages[0].Name)
		} else if len(messages) == 0 {
			what = "the channel declares no messages, so"
		}
		b.errorf(pos, "no-correlation", "step %q has a correlationId, but %s no correlationId location, so no message can be matched against it", s.ID.Value, what).
			WithHint("declare correlationId: {location: '$message.header#/<name>'} (or $message.payload#/…) on the message in the AsyncAPI document")
		return
	}
	if len(without) > 0 {
		b.diags.Warnf(pos, "no-correlation", "messages %s declare no correlationId location; the step matches only messages that carry the ID where the others do", strings.Join(without, ", "))
	}
	st.Message.Correlation, st.Message.CorrelationValue = locs, v
}

// messageRef resolves $message.header.<name> and $message.payload#/… in an AsyncAPI step: the
// message it sent or received, read from the message itself (a header or the payload) and
// typed by the message's schemas. The message exists only once it is sent or received.
func (b *builder) messageRef(sc *scope, e *expr.Expr, pos diag.Pos) *Value {
	m := sc.message
	if m == nil {
		where := "outside a step"
		switch {
		case sc.current != nil && sc.current.Call != nil:
			where = fmt.Sprintf("in step %q, which runs workflow %s", sc.current.ID, sc.current.Call.Workflow.Name())
		case sc.current != nil:
			where = fmt.Sprintf("in step %q, which calls %s over HTTP", sc.current.ID, sc.current.OperationID)
		}
		b.errorf(pos, "no-message", "%s cannot be used %s: $message is the message an AsyncAPI step sends or receives", e.Raw, where)
		return nil
	}
	if sc.failing {
		b.errorf(pos, "no-message", "%s cannot be used in a failure action of step %q: a step that fails has no message (its receive timed out, or its publish failed)", e.Raw, m.step.ID)
		return nil
	}
	if !m.exists {
		verb := "sent"
		if m.receive {
			verb = "received"
		}
		b.errorf(pos, "no-message", "%s cannot be used before step %q's message is %s; it can be read in the step's successCriteria, outputs and onSuccess criteria", e.Raw, m.step.ID, verb)
		return nil
	}
	if e.Kind == expr.MessageHeader {
		if shape, ok := types.ObjectShape(m.headers); ok && len(shape.Props) > 0 && shape.Prop(e.Name) == nil && !shape.ExtraAllowed {
			var names []string
			for _, p := range shape.Props {
				names = append(names, p.Name)
			}
			d := b.diags.Warnf(pos, "unknown-header", "message %s declares no header %q; the value is empty when the message has none", m.name, e.Name)
			hintNames(d, e.Name, names, "headers")
		}
		return &Value{Kind: VResponseHeader, Message: true, Name: e.Name, Type: types.Type{Kind: types.String}, Src: e.Raw}
	}
	v := &Value{Kind: VResponseBody, Message: true, Pointer: e.Pointer, Src: e.Raw, Type: types.Type{Kind: types.Raw}}
	if m.payload == nil {
		return v
	}
	h := types.Hint{Name: GoName(m.name) + "Payload", Where: "the payload of message " + m.name}
	if ms := m.step.Message; ms != nil && ms.Source.api != nil {
		h.File = path.Base(filepath.ToSlash(ms.Source.api.File))
	}
	t, known := b.schemas.At(m.payload, h, e.Pointer)
	if !known {
		b.diags.Warnf(pos, "unknown-pointer", "the payload schema of message %s has nothing at %s; the value is untyped", m.name, pointerText(e.Pointer)).
			WithHint("check the pointer against the message's payload schema")
	}
	v.Type = t
	return v
}

// notHTTP reports $statusCode, $response and $request in an AsyncAPI step, which has no
// HTTP exchange.
func (b *builder) notHTTP(sc *scope, e *expr.Expr, pos diag.Pos) *Value {
	m := sc.message
	verb, read := "sends", "$message.payload or $message.header.<name> (the message sent)"
	if m.receive {
		verb, read = "receives", "$message.payload or $message.header.<name>"
	}
	what := "HTTP response"
	switch e.Kind {
	case expr.StatusCode:
		what = "HTTP status"
	case expr.RequestHeader, expr.RequestQuery, expr.RequestPath, expr.RequestBody:
		what = "HTTP request"
	}
	b.errorf(pos, "no-response", "%s cannot be used in step %q: it %s a message on AsyncAPI channel %s, which has no %s", e.Raw, m.step.ID, verb, m.step.Path, what).
		WithHint("read the message with %s", read)
	return nil
}

// listen decides where the run subscribes to a receive step's channel: before the first
// step, or right after the last step whose outputs the address reads. A receive step that
// is the workflow's first subscribes when it runs.
func (b *builder) listen(sc *scope, st *Step) {
	if len(sc.wf.Steps) == 0 {
		return
	}
	l := &Listen{Step: st}
	for _, p := range st.Message.Params {
		for _, s := range stepsRead(p.Value) {
			if i, j := slices.Index(sc.wf.Steps, s), slices.Index(sc.wf.Steps, l.After); i >= 0 && (l.After == nil || i > j) {
				l.After = s
			}
		}
	}
	if l.After != nil && l.After == sc.wf.Steps[len(sc.wf.Steps)-1] {
		return // the step right before: the receive step subscribes as early itself
	}
	sc.wf.Listens = append(sc.wf.Listens, l)
}

// stepsRead lists the steps whose outputs a value reads.
func stepsRead(v *Value) []*Step {
	if v == nil {
		return nil
	}
	var out []*Step
	if v.Kind == VStepOutput {
		out = append(out, v.Step)
	}
	out = append(out, stepsRead(v.Context)...)
	for _, p := range slices.Concat(v.Parts, v.Elems) {
		out = append(out, stepsRead(p)...)
	}
	return out
}

// finishMessages completes the AsyncAPI steps of a workflow once its control flow is known:
// which receive step is the last on its channel, which subscriptions are needed (none for
// unreachable steps), and the message sources the workflow and those it calls need.
func (b *builder) finishMessages(wf *Workflow) {
	wf.Listens = slices.DeleteFunc(wf.Listens, func(l *Listen) bool { return l.Step.Unreachable })
	for i, st := range wf.Steps {
		ms := st.Message
		if ms == nil || !ms.Receive || st.Unreachable {
			continue
		}
		ms.Last = !wf.Loops && !slices.ContainsFunc(wf.Steps[i+1:], func(o *Step) bool {
			return o.Message != nil && o.Message.Receive && !o.Unreachable && o.Message.Source == ms.Source && o.Message.Address == ms.Address
		})
	}
	add := func(s *MessageSource) {
		if !slices.Contains(wf.MessageSources, s) {
			wf.MessageSources = append(wf.MessageSources, s)
		}
	}
	calls := slices.Clone(wf.DependsOn)
	for _, st := range wf.Steps {
		if st.Unreachable {
			continue
		}
		if st.Message != nil {
			add(st.Message.Source)
		}
		if st.Call != nil {
			calls = append(calls, st.Call)
		}
		for _, a := range slices.Concat(st.OnSuccess, st.OnFailure) {
			if a.Call != nil {
				calls = append(calls, a.Call)
			}
		}
	}
	for _, c := range calls {
		if c.Workflow != nil {
			for _, s := range c.Workflow.MessageSources {
				add(s)
			}
		}
	}
	slices.SortStableFunc(wf.MessageSources, func(a, b *MessageSource) int { return a.Index - b.Index })
}

// unrunMessages reports every AsyncAPI step when the workflows are also generated for a
// runner that cannot carry messages: -temporal runs each step as an activity of its own,
// possibly on another worker, so the subscription that keeps the reply to a message
// published by one step for the receive step after it would have to outlive the activity
// that opened it; the -mcp server has no -broker to connect the sources to brokers.
func (b *builder) unrunMessages(p *Program) {
	for _, w := range p.Workflows {
		for _, st := range w.Steps {
			if st.Message == nil {
				continue
			}
			i := slices.IndexFunc(w.def.Steps, func(s *load.Step) bool { return s.ID.Value == st.ID })
			if i < 0 {
				continue
			}
			verb := "sends"
			if st.Message.Receive {
				verb = "receives"
			}
			pos := w.def.Steps[i].ID.Pos
			if b.in.Temporal {
				b.diags.Errorf(pos, "unsupported", "step %q of workflow %q %s messages (an AsyncAPI step), which -temporal does not run: Temporal runs each step as an activity of its own, and the subscription that keeps a reply for a later receive step cannot outlive one", st.ID, w.ID, verb).
					WithHint("generate the workflows that send or receive messages without -temporal: they run in process, with the client's message transports")
			}
			if b.in.MCP {
				b.diags.Errorf(pos, "unsupported", "step %q of workflow %q %s messages (an AsyncAPI step), which the -mcp server does not run: it has no -broker to connect the AsyncAPI sources to brokers", st.ID, w.ID, verb).
					WithHint("generate the workflows that send or receive messages without -mcp; the -cli command runs them with -broker SOURCE=URL")
			}
		}
	}
}
