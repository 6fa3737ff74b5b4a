// Package expr parses Arazzo runtime expressions, expression strings ("{$…}" templates) and
// simple conditions into an AST. It implements the Arazzo 1.1 grammar, which is also used for
// 1.0.x documents because the 1.0.x grammar is greedy and undefined (features §13, AMB-E1).
//
// Parsing never panics; every error carries the byte offset inside the parsed string, so the
// generator can point at the exact column.
package expr

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Kind is the root of a runtime expression.
type Kind int

const (
	URL                Kind = iota + 1 // $url
	Method                             // $method
	StatusCode                         // $statusCode
	Self                               // $self
	RequestHeader                      // $request.header.<token>
	RequestQuery                       // $request.query.<name>
	RequestPath                        // $request.path.<name>
	RequestBody                        // $request.body[#ptr]
	ResponseHeader                     // $response.header.<token>
	ResponseBody                       // $response.body[#ptr]
	MessageHeader                      // $message.header.<token>
	MessagePayload                     // $message.payload[#ptr]
	Inputs                             // $inputs.<name>[#ptr]
	Outputs                            // $outputs.<name>[#ptr]
	Steps                              // $steps.<step>.outputs.<name>[#ptr]
	Workflows                          // $workflows.<wf>.(inputs|outputs).<name>[#ptr]
	SourceDescriptions                 // $sourceDescriptions.<name>.<reference>
	Components                         // $components.<type>.<name>
)

// Expr is one parsed runtime expression.
type Expr struct {
	Kind Kind
	// Name is the first name after the root: header/query/path name, input or output name,
	// step id, workflow id, source name or component type.
	Name string
	// Field is the second name: a step's or workflow's output (or input) name, a source's
	// reference id, or a component's key.
	Field string
	// WorkflowField is "inputs" or "outputs" for $workflows expressions.
	WorkflowField string
	// Pointer holds the decoded JSON Pointer tokens after '#'; HasPointer tells "#" (the
	// whole document, no tokens) apart from no pointer at all.
	Pointer    []string
	HasPointer bool
	// Raw is the source text of the expression.
	Raw string
	// Habits records the spellings outside the grammar that the parser read leniently;
	// Strict renders the expression as the grammar spells it.
	Habits Habit
}

// Habit is a set of lenient readings of real-world spellings (README, "Real-world
// documents"). Each has exactly one reading; the caller warns and names Strict.
type Habit uint8

const (
	// PointerWithoutSlash: "#access_token" read as "#/access_token".
	PointerWithoutSlash Habit = 1 << iota
	// HeadersPlural: "$response.headers.X" read as "$response.header.X".
	HeadersPlural
	// OmittedOutputs: "$steps.s.name" without ".outputs.". Field holds the name; only the
	// caller knows whether it is an output of s (then it reads "$steps.s.outputs.name").
	OmittedOutputs
	// OmittedWorkflowField: "$workflows.w.name" without ".outputs." or ".inputs.";
	// WorkflowField is empty and the caller decides as for OmittedOutputs.
	OmittedWorkflowField
	// WholeInputs: "$inputs" alone, or with a pointer ("$inputs#/files"): the object of all
	// inputs, which the grammar cannot name ("$inputs." needs a name in 1.0.1 and 1.1).
	// Name is empty; the caller reads a pointer's first token as the input name.
	WholeInputs
	// DotDrill: dots and brackets after a value (features AMB-E4): "$response.body.data[0]"
	// read as "$response.body#/data/0" by the parser, and "$steps.s.outputs.list.id" by the
	// caller, which knows that "list" is the output.
	DotDrill
)

// Describe says in words what the habits of h do that the grammar does not allow.
func (h Habit) Describe() string {
	var out []string
	if h&PointerWithoutSlash != 0 {
		out = append(out, "starts its JSON pointer without '/'")
	}
	if h&HeadersPlural != 0 {
		out = append(out, "says 'headers' where the grammar says 'header'")
	}
	if h&OmittedOutputs != 0 {
		out = append(out, "leaves out '.outputs.' after the step id")
	}
	if h&OmittedWorkflowField != 0 {
		out = append(out, "leaves out '.outputs.' after the workflow id")
	}
	if h&WholeInputs != 0 {
		out = append(out, "treats $inputs as one object, which runtime expressions cannot (they name one input: $inputs.<name>)")
	}
	if h&DotDrill != 0 {
		out = append(out, "drills into a value with dots or brackets, which runtime expressions do not have")
	}
	return strings.Join(out, " and ")
}

// Strict renders the expression in the grammar's own spelling: the habits it was read
// with are gone. A WholeInputs expression has no such spelling and renders as "$inputs".
func (e Expr) Strict() string {
	var b strings.Builder
	switch e.Kind {
	case URL:
		return "$url"
	case Method:
		return "$method"
	case StatusCode:
		return "$statusCode"
	case Self:
		return "$self"
	case RequestHeader:
		return "$request.header." + e.Name
	case RequestQuery:
		return "$request.query." + e.Name
	case RequestPath:
		return "$request.path." + e.Name
	case ResponseHeader:
		return "$response.header." + e.Name
	case MessageHeader:
		return "$message.header." + e.Name
	case RequestBody:
		b.WriteString("$request.body")
	case ResponseBody:
		b.WriteString("$response.body")
	case MessagePayload:
		b.WriteString("$message.payload")
	case Inputs, Outputs:
		b.WriteString(map[Kind]string{Inputs: "$inputs", Outputs: "$outputs"}[e.Kind])
		if e.Name != "" {
			b.WriteString("." + e.Name)
		}
	case Steps:
		b.WriteString("$steps." + e.Name + ".outputs." + e.Field)
	case Workflows:
		b.WriteString("$workflows." + e.Name + "." + cmp.Or(e.WorkflowField, "outputs") + "." + e.Field)
	case SourceDescriptions:
		return "$sourceDescriptions." + e.Name + "." + e.Field
	case Components:
		return "$components." + e.Name + "." + e.Field
	}
	if e.HasPointer {
		b.WriteString(PointerText(e.Pointer))
	}
	return b.String()
}

// PointerText renders JSON Pointer tokens after '#', escaping '~' and '/'.
func PointerText(tokens []string) string {
	var b strings.Builder
	b.WriteByte('#')
	for _, t := range tokens {
		b.WriteString("/" + strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1"))
	}
	return b.String()
}

func (e Expr) String() string { return e.Raw }

// Error is a parse error at a byte offset inside the parsed string.
type Error struct {
	Offset int
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg) }

func errAt(off int, format string, args ...any) *Error {
	return &Error{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// stopper decides where a name or pointer ends in a given context.
type stopper func(r byte) bool

func stopNever(byte) bool         { return false }
func stopAtBrace(r byte) bool     { return r == '}' }
func stopInCondition(r byte) bool { return isSpace(r) || strings.IndexByte("=!<>&|()}", r) >= 0 }
func stopInText(r byte) bool      { return isSpace(r) || strings.IndexByte("\"'`,;}{", r) >= 0 }

func isSpace(r byte) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

// Parse parses s as one whole runtime expression.
func Parse(s string) (Expr, error) {
	e, n, err := scan(s, stopNever)
	if err != nil {
		return Expr{}, err
	}
	if n != len(s) {
		return Expr{}, errAt(n, "unexpected %q after expression %s", s[n:], s[:n])
	}
	return e, nil
}

// roots lists every expression root with whether a '.' must follow it.
var roots = []struct {
	text string
	kind Kind
	dot  bool
}{
	{"$url", URL, false},
	{"$method", Method, false},
	{"$statusCode", StatusCode, false},
	{"$self", Self, false},
	{"$request", RequestBody, true},
	{"$response", ResponseBody, true},
	{"$message", MessagePayload, true},
	{"$inputs", Inputs, true},
	{"$outputs", Outputs, true},
	{"$steps", Steps, true},
	{"$workflows", Workflows, true},
	{"$sourceDescriptions", SourceDescriptions, true},
	{"$components", Components, true},
}

// LooksLikeExpression reports whether s starts with a known expression root, so that text
// such as a GraphQL variable "$name" is not mistaken for an expression.
func LooksLikeExpression(s string) bool {
	for _, r := range roots {
		if strings.HasPrefix(s, r.text) {
			rest := s[len(r.text):]
			if r.kind == Inputs && (rest == "" || rest[0] == '#') {
				return true // the whole inputs object (habit WholeInputs)
			}
			if r.dot {
				return strings.HasPrefix(rest, ".")
			}
			return rest == "" || !isIdentChar(rest[0])
		}
	}
	return false
}

func isAlnum(r byte) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
}
func isStrictIdentChar(r byte) bool { return isAlnum(r) || r == '-' || r == '_' }
func isIdentChar(r byte) bool       { return isStrictIdentChar(r) || r == '.' }
func isTchar(r byte) bool           { return isAlnum(r) || strings.IndexByte("!#$%&'*+-.^_`|~", r) >= 0 }

// scan parses the longest expression at the start of s; stop ends free-form names and pointers.
func scan(s string, stop stopper) (Expr, int, *Error) {
	if !strings.HasPrefix(s, "$") {
		return Expr{}, 0, errAt(0, "a runtime expression starts with '$'")
	}
	var root *struct {
		text string
		kind Kind
		dot  bool
	}
	for i := range roots {
		r := &roots[i]
		if strings.HasPrefix(s, r.text) && (r.dot || len(s) == len(r.text) || !isIdentChar(s[len(r.text)])) {
			root = r
			break
		}
	}
	if root == nil {
		end := 1
		for end < len(s) && isIdentChar(s[end]) && s[end] != '.' {
			end++
		}
		return Expr{}, 0, errAt(0, "unknown expression root %q (want $inputs, $steps, $statusCode, $response, $request, $outputs, $workflows, $components, $sourceDescriptions, $url, $method or $self)", s[:end])
	}
	p := &parser{s: s, i: len(root.text), stop: stop}
	e := Expr{Kind: root.kind}
	if !root.dot {
		e.Raw = s[:p.i]
		return e, p.i, nil
	}
	if root.kind == Inputs && (p.i == len(s) || s[p.i] == '#' || !isIdentChar(s[p.i])) {
		e.Habits |= WholeInputs
		if err := p.pointer(&e); err != nil {
			return Expr{}, 0, err
		}
		e.Raw = s[:p.i]
		return e, p.i, nil
	}
	if !p.eat('.') {
		return Expr{}, 0, errAt(p.i, "expected '.' after %s", root.text)
	}
	var err *Error
	switch root.kind {
	case RequestBody, ResponseBody, MessagePayload:
		err = p.source(&e, root.text)
	case Inputs, Outputs:
		e.Name, err = p.ident(isIdentChar, "name")
		if err == nil {
			err = p.pointer(&e)
		}
	case Steps:
		e.Name, err = p.ident(isStrictIdentChar, "step id")
		if err == nil && !p.eatWord(".outputs.") {
			err = p.omittedField(&e.Field, fmt.Sprintf("expected '.outputs.<name>' after $steps.%s", e.Name), "outputs")
			e.Habits |= OmittedOutputs
		} else if err == nil {
			e.Field, err = p.ident(isIdentChar, "output name")
		}
		if err == nil {
			err = p.pointer(&e)
		}
	case Workflows:
		e.Name, err = p.ident(isStrictIdentChar, "workflow id")
		if err == nil {
			switch {
			case p.eatWord(".inputs."):
				e.WorkflowField = "inputs"
			case p.eatWord(".outputs."):
				e.WorkflowField = "outputs"
			default:
				err = p.omittedField(&e.Field, fmt.Sprintf("expected '.inputs.<name>' or '.outputs.<name>' after $workflows.%s", e.Name), "inputs", "outputs")
				e.Habits |= OmittedWorkflowField
			}
		}
		if err == nil && e.WorkflowField != "" {
			e.Field, err = p.ident(isIdentChar, "name")
		}
		if err == nil {
			err = p.pointer(&e)
		}
	case SourceDescriptions:
		e.Name, err = p.ident(isStrictIdentChar, "source name")
		if err == nil && !p.eat('.') {
			err = errAt(p.i, "expected '.<reference>' after $sourceDescriptions.%s", e.Name)
		}
		if err == nil {
			e.Field = p.rest()
			if e.Field == "" {
				err = errAt(p.i, "expected a reference after $sourceDescriptions.%s.", e.Name)
			}
		}
	case Components:
		var typ string
		typ, err = p.ident(isStrictIdentChar, "component type")
		if err == nil && typ != "parameters" && typ != "successActions" && typ != "failureActions" && typ != "inputs" {
			err = errAt(p.i-len(typ), "unknown component type %q (want parameters, successActions or failureActions)", typ)
		}
		e.Name = typ
		if err == nil && !p.eat('.') {
			err = errAt(p.i, "expected '.<name>' after $components.%s", typ)
		}
		if err == nil {
			e.Field, err = p.ident(isIdentChar, "component name")
		}
	}
	if err != nil {
		return Expr{}, 0, err
	}
	e.Raw = s[:p.i]
	return e, p.i, nil
}

type parser struct {
	s    string
	i    int
	stop stopper
}

func (p *parser) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *parser) eatWord(w string) bool {
	if strings.HasPrefix(p.s[p.i:], w) {
		p.i += len(w)
		return true
	}
	return false
}

// omittedField reads the name of "$steps.s.<name>" or "$workflows.w.<name>", where the
// grammar wants ".outputs." first (habits OmittedOutputs and OmittedWorkflowField). The
// keywords alone ("$steps.s.outputs") stay the grammar's error msg, as does anything that
// is not a name.
func (p *parser) omittedField(field *string, msg string, keywords ...string) *Error {
	start := p.i
	if !p.eat('.') {
		return errAt(start, "%s", msg)
	}
	name, err := p.ident(isIdentChar, "name")
	if err != nil || slices.Contains(keywords, name) {
		p.i = start
		return errAt(start, "%s", msg)
	}
	*field = name
	return nil
}

func (p *parser) ident(ok func(byte) bool, what string) (string, *Error) {
	start := p.i
	for p.i < len(p.s) && ok(p.s[p.i]) && !p.stop(p.s[p.i]) {
		p.i++
	}
	// A trailing '.' belongs to the surrounding text ("… $inputs.name.").
	for p.i > start && p.s[p.i-1] == '.' {
		p.i--
	}
	if p.i == start {
		return "", errAt(start, "expected %s", what)
	}
	return p.s[start:p.i], nil
}

// rest consumes a free-form name ("name = *CHAR") up to the context's stop character.
func (p *parser) rest() string {
	start := p.i
	for p.i < len(p.s) && !p.stop(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

func (p *parser) source(e *Expr, root string) *Error {
	switch {
	case p.eatWord("header."), root != "$message" && p.eatWord("headers."):
		if p.s[p.i-len("headers."):p.i] == "headers." {
			e.Habits |= HeadersPlural
		}
		e.Kind = map[string]Kind{"$request": RequestHeader, "$response": ResponseHeader, "$message": MessageHeader}[root]
		start := p.i
		for p.i < len(p.s) && isTchar(p.s[p.i]) && !p.stop(p.s[p.i]) {
			p.i++
		}
		if p.i == start {
			return errAt(start, "expected a header name after %s.header.", root)
		}
		e.Name = p.s[start:p.i]
		return nil
	case root == "$request" && (p.eatWord("query.") || p.eatWord("path.")):
		e.Kind = RequestQuery
		if p.s[p.i-5:p.i] == "path." {
			e.Kind = RequestPath
		}
		e.Name = p.rest()
		if e.Name == "" {
			return errAt(p.i, "expected a parameter name")
		}
		return nil
	case root != "$message" && p.eatWord("body"), root == "$message" && p.eatWord("payload"):
		if p.dotPath(e) {
			return nil
		}
		return p.pointer(e)
	}
	want := "header.<name>, query.<name>, path.<name> or body"
	switch root {
	case "$response":
		want = "header.<name> or body"
	case "$message":
		want = "header.<name> or payload"
	}
	return errAt(p.i, "expected %s after %s.", want, root)
}

// dotPath reads ".data[0].id" after body or payload (habit DotDrill, features AMB-E4) as
// the pointer tokens it names; a '.' not followed by a name ends it and stays text.
func (p *parser) dotPath(e *Expr) bool {
	var tokens []string
	for p.i < len(p.s) && !p.stop(p.s[p.i]) {
		if p.s[p.i] == '.' {
			j := p.i + 1
			for j < len(p.s) && isStrictIdentChar(p.s[j]) && !p.stop(p.s[j]) {
				j++
			}
			if j == p.i+1 {
				break
			}
			tokens = append(tokens, p.s[p.i+1:j])
			p.i = j
			continue
		}
		if p.s[p.i] == '[' && len(tokens) > 0 {
			end := strings.IndexByte(p.s[p.i:], ']')
			if end < 2 {
				break
			}
			tokens = append(tokens, strings.Trim(p.s[p.i+1:p.i+end], `'"`))
			p.i += end + 1
			continue
		}
		break
	}
	if len(tokens) == 0 {
		return false
	}
	e.HasPointer, e.Pointer = true, tokens
	e.Habits |= DotDrill
	return true
}

// pointer parses an optional "#/json/pointer" suffix.
func (p *parser) pointer(e *Expr) *Error {
	if !p.eat('#') {
		return nil
	}
	e.HasPointer = true
	e.Pointer = []string{}
	for first := true; p.i < len(p.s) && !p.stop(p.s[p.i]); first = false {
		if p.s[p.i] != '/' && !first {
			return errAt(p.i, "a JSON pointer is a sequence of '/'-prefixed tokens")
		}
		if p.s[p.i] == '/' {
			p.i++
		} else {
			// "#access_token": the first token without its '/' has one reading.
			e.Habits |= PointerWithoutSlash
		}
		var tok strings.Builder
		for p.i < len(p.s) && p.s[p.i] != '/' && !p.stop(p.s[p.i]) {
			c := p.s[p.i]
			if c == '~' {
				switch {
				case p.i+1 < len(p.s) && p.s[p.i+1] == '0':
					tok.WriteByte('~')
				case p.i+1 < len(p.s) && p.s[p.i+1] == '1':
					tok.WriteByte('/')
				default:
					return errAt(p.i, "'~' in a JSON pointer must be written ~0 (and '/' as ~1)")
				}
				p.i += 2
				continue
			}
			tok.WriteByte(c)
			p.i++
		}
		e.Pointer = append(e.Pointer, tok.String())
	}
	return nil
}
