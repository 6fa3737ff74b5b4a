// Package ir is the checked, Go-shaped model of the workflows to generate. Building it
// resolves every operation, parameter and runtime expression and decides every Go name and
// type; emission only renders what is here and never reports a user error.
package ir

import (
	"github.com/arazzogen/arazzogen/generator/internal/load"
	"github.com/arazzogen/arazzogen/generator/internal/types"
	"github.com/pb33f/libopenapi/datamodel/high/base"
)

// Program is everything generated from one Arazzo document.
type Program struct {
	Package    string
	SourceFile string // base name of the Arazzo document, for the generated header
	Title      string
	Sources    []*Source // the sources the workflows call, in document order
	// MessageSources are the AsyncAPI sources the workflows send to or receive from, in
	// the order of first use (message.go).
	MessageSources []*MessageSource
	Workflows      []*Workflow
	DocVersion     string // the document's info.version
	Arazzo         string // the Arazzo version the document declares
	// Patterns are the criteria whose regex, JSONPath or XPath is compiled once into a
	// package variable; Queries the selectors and replacement targets that are.
	Patterns []*Criterion
	Queries  []*Query
	// ReadsSentRequest is set when a $request expression reads the request as it was sent
	// (VRequestHeader, VRequestBody).
	ReadsSentRequest bool
	// ReadsRequestURL is set when $url reads the URL a request was sent to (VRequestURL).
	ReadsRequestURL bool
	// Types are the named schema types the workflows use, in the order of first use.
	Types []*types.Named
	// Parallel is set when independent steps are to run at once (arazzogen -parallel).
	Parallel bool

	// Security (see security.go): the credentials the operations the workflows call need,
	// one Client option name each, and the security requirements that choose among them.
	Credentials  []*Credential
	Requirements []*Requirement
}

// Source is an OpenAPI source description the workflows call.
type Source struct {
	Name       string // Arazzo sourceDescription name
	GoName     string // exported constant name
	DefaultURL string // the description's servers[0] url; "" when it declares none
	Index      int    // position in Program.Sources
	// Origin marks the server of x-operation steps' literal urls (xoperation.go) rather
	// than a source description: Name and DefaultURL are the origin, "https://host".
	Origin bool

	api *load.OpenAPI
}

// Workflow is one workflow, compiled to one method.
type Workflow struct {
	ID string
	// Source is set for a workflow of another Arazzo document: the arazzo source names that
	// lead to its document from the entry document, joined by dots (see external.go).
	Source       string
	GoName       string // method name
	Summary      string
	Description  string
	Inputs       *Struct
	Outputs      *Struct
	OutputValues []*Value // parallel to Outputs.Fields
	Steps        []*Step
	// DependsOn are the workflows run first, with inputs of the same names.
	DependsOn []*Call
	// RetrySlots is the number of retry actions, each with its own budget.
	RetrySlots int
	// Finish is set when an end action jumps to the workflow's outputs.
	Finish bool
	// Loops is set when a goto or retry can run a step again, so step runs are bounded.
	Loops bool
	// OpenInputs is set when the workflow declares no inputs schema: any inputs are
	// accepted, and those it never reads are ignored (the generated command warns).
	OpenInputs bool
	// MessageSources are the AsyncAPI sources this workflow and those it calls need a
	// message transport for; Listens the subscriptions its receive steps open early
	// (message.go).
	MessageSources []*MessageSource
	Listens        []*Listen
	// State names the type of a run's state (inputs and what the steps produced), Flow the
	// package variable holding the workflow's runtime.Flow, and StateNames the members of
	// the state type that are not step or dependsOn fields (see flownames.go).
	State, Flow string
	StateNames  StateNames
	// Temporal names the workflow's identifiers in the -temporal package (exported
	// workflows only).
	Temporal TemporalNames

	def  *load.Workflow // what it was compiled from
	home *document      // the document that defines it
}

// Call runs another workflow, of the document or of another one: a workflowId step, a
// dependsOn entry, or a goto/retry action naming a workflow.
type Call struct {
	Workflow *Workflow
	// Args are the callee's inputs, parallel to Workflow.Inputs.Fields; nil leaves one unset.
	Args []*Value
	Var  string // local variable holding the callee's outputs (dependsOn)
	// Field is the state field holding the callee's outputs (dependsOn whose outputs are
	// read).
	Field string
	// Used is set when an expression reads the callee's outputs.
	Used bool
}

// Struct is a named struct type (inputs, outputs) or a step's local output struct.
type Struct struct {
	GoName string
	Fields []*Field
}

// Field is a struct field whose JSON name is the Arazzo name.
type Field struct {
	GoName   string
	JSONName string
	Type     types.Type
	Required bool // for inputs: required by the schema
	// OmitEmpty leaves the field out of JSON when it is empty (optional inputs).
	OmitEmpty bool
	// Default is the JSON text of an optional input's schema default, which the workflow
	// method applies when the input is absent (nil); "" for none.
	Default string
	Doc     string
	// KeyedByMethod marks a JSON name that a struct tag cannot hold (an output name with a
	// comma, from a lenient reading): the struct's MarshalJSON writes it instead.
	KeyedByMethod bool
	// Added marks an input the inputs schema does not declare, added because the workflow
	// reads it (a lenient reading): it is never offered as "did you mean".
	Added bool
	// Secret marks a value that must never appear in errors, logs or String output: its
	// name is secret by runtime.SecretName, its schema has format: password or writeOnly,
	// or it is an output holding a secret value (see security.go).
	Secret bool
}

// Step is one operation call.
type Step struct {
	ID  string
	Var string // local variable holding the step's outputs
	// Field is the state field holding the step's outputs, and Func the function that runs
	// the step (see flownames.go).
	Field, Func string
	Description string
	OperationID string
	// Source is the server the request goes to; nil for an x-operation whose url is built
	// at run time, which BaseURL starts instead.
	Source      *Source
	BaseURL     *Value
	Method      string
	Path        string // OpenAPI path template; an x-operation's url as written
	PathParts   []PathPart
	Query       []*Param
	Headers     []*Param
	ContentType string
	// Accept is the Accept header the operation's responses call for (see acceptHeader);
	// "" for the runtime's default.
	Accept   string
	Body     *Value // nil without a request body
	Criteria []*Criterion
	Outputs  *Struct
	// OutputValues is parallel to Outputs.Fields.
	OutputValues []*Value
	// Call is set instead of an operation for a workflowId step, Message for an AsyncAPI
	// step (message.go).
	Call    *Call
	Message *MessageStep
	// OnSuccess and OnFailure are the step's actions merged with the workflow's, in the
	// order they are tried.
	OnSuccess, OnFailure []*Action
	// Target is set when a goto or retry can jump to this step.
	Target bool
	// DependsOn are the earlier steps the step's 1.1 dependsOn names.
	DependsOn []*Step
	// Timeout bounds the step (Arazzo 1.1 timeout, milliseconds); 0 for none.
	Timeout int64
	// Unreachable steps are never emitted (their outputs stay zero).
	Unreachable bool
	// Security is the operation's security requirement; nil when it needs no credential
	// (see security.go).
	Security *Requirement

	// Request building beyond path, query and header parameters (ir/request.go): cookie
	// parameters, the Arazzo 1.1 querystring parameter, how Body is encoded (BodyText and
	// BodyFields hold templated and per-field bodies), and the payload replacements that can
	// only be applied to the encoded body at run time.
	Cookies      []*Param
	QueryString  *Param
	QueryLiteral string // fixed query text of a path template with '?' ("/{Bucket}?acl"), encoded
	BodyKind     BodyKind
	BodyText     []TextPart
	BodyFields   []*BodyField
	Replacements []*Replacement

	// response is the schema of the body of the responses the step's success admits; nil
	// when it is untyped (responses.go).
	response *base.SchemaProxy
}

// ActionKind is what an action does.
type ActionKind int

const (
	End   ActionKind = iota // finish the workflow
	Goto                    // jump to Step, or run Call and finish
	Retry                   // run the step again (after Step or Call, when set)
)

// Action is a compiled success or failure action.
type Action struct {
	Name     string
	Kind     ActionKind
	Step     *Step // goto or retry target step
	Call     *Call // goto or retry target workflow
	Criteria []*Criterion
	// RetryAfter is the delay before a retry in seconds; a Retry-After header overrides it.
	RetryAfter float64
	RetryLimit int
	Slot       int // index of the retry budget in the workflow
	// Resume numbers the retry actions that run another step first, so that step can
	// come back; 0 otherwise.
	Resume int
}

// PathPart is literal path text or a path parameter value.
type PathPart struct {
	Lit   string
	Value *Value
	// Param is the path parameter (name and style) whose value this is; nil for literal text.
	Param *Param
}

// Param is a path, query, header, cookie or querystring parameter.
type Param struct {
	Name  string // header names are canonical
	Value *Value
	// Credential marks a parameter that carries credentials (x-security): the inputs and
	// outputs its value is made of are secret, whatever their names.
	Credential bool
	// Serialization, from the OpenAPI parameter (features AMB-P1): its style ("" for the
	// location's default), explode and allowReserved; MediaType is set when it declares
	// content instead of a style (the value is sent in that media type).
	Style         string
	Explode       bool
	AllowReserved bool
	MediaType     string
}

// Criterion is a compiled success criterion; Text is the original condition.
type Criterion struct {
	Text string
	Kind CriterionKind
	Cond *Cond // Simple
	// Context is the value a regex, JSONPath or XPath condition applies to.
	Context *Value
	// Pattern is the regex, query or expression when it is known at generation time (it
	// has been compiled then, and Var names the package variable holding it); Template is
	// set instead when the condition embeds runtime expressions.
	Pattern  string
	Var      string
	Template *Value
	// Tokens is set for a singular JSONPath query, compiled to a JSON Pointer lookup.
	Tokens   []string
	Singular bool
}

// CriterionKind is the condition language of a criterion.
type CriterionKind int

const (
	Simple CriterionKind = iota
	Regex
	JSONPath
	XPath
)

// Cond is a condition node: Op is "&&", "||", "!", a comparison, or "" for an operand.
type Cond struct {
	Op    string
	L, R  *Cond
	Value *Value
}

// ValueKind says where a value comes from.
type ValueKind int

const (
	VLit            ValueKind = iota // a literal; JSON holds its JSON text, Text the string
	VInput                           // a workflow input field
	VStepOutput                      // an earlier step's output field
	VStatus                          // $statusCode of the current step
	VResponseBody                    // $response.body#Pointer of the current step
	VResponseHeader                  // $response.header.Name of the current step
	VTemplate                        // a string built from Parts
	VObject                          // a JSON object of Keys and Elems
	VArray                           // a JSON array of Elems
	VCallOutput                      // an output of a called workflow (Call, Field)
	// VRequestHeader is a header of the current step's request as it was sent (Name),
	// read at run time: one the step does not set itself (credentials, defaults).
	VRequestHeader
	// VRequestBody is the current step's request body as it was sent, at Pointer, read at
	// run time: a body only encoding decides (templated text, run-time replacements).
	// Its type is json.RawMessage for JSON bodies, string for the others.
	VRequestBody
	// VSelect is a Selector Object evaluated at run time: Query applied to Context.
	VSelect
	// VRequestURL is $url: the URL the current step's request was sent to, read at run
	// time (a string).
	VRequestURL
)

// Value is a compiled runtime value with its Go type.
type Value struct {
	Kind ValueKind
	Type types.Type
	// JSON is the JSON text of a literal (also set for a whole literal object or array);
	// Text is the string of a string literal.
	JSON, Text string
	Field      *Field // VInput, VStepOutput, VCallOutput
	Step       *Step  // VStepOutput
	Call       *Call  // VCallOutput
	// Pointer drills into a json.RawMessage value (VInput, VStepOutput) or the response body.
	Pointer []string
	// Required is set for a VResponseBody value that the response schema requires at
	// Pointer: an output decoding it fails the step when the response lacks it. A value
	// the schema does not require has an optional type (see types.Type.Optional).
	Required bool
	Name     string // VResponseHeader
	Parts    []*Value
	Keys     []string
	// FieldNames are the Go field names of an object's keys (a payload struct).
	FieldNames []string
	Elems      []*Value
	// Context and Query are the context and the compiled selector of a VSelect.
	Context *Value
	Query   *Query
	// Src is the source text of the expression, echoed in a comment.
	Src string
	// Base64 makes a template's text its standard base64 encoding (the user:password pair of
	// HTTP basic credentials, from x-security).
	Base64 bool
	// Message marks a VResponseBody or VResponseHeader of an AsyncAPI step: the payload or a
	// header of the message it sent or received ($message.payload, $message.header.<name>,
	// whose Name keeps its case), not of an HTTP response.
	Message bool
	// Length makes the value the length of the value it names (elements of an array,
	// members of an object, UTF-16 code units of a string), as read from the `.length` of
	// the JSONPath comparison habit. Only conditions read it; its Go value is untyped.
	Length bool
}

// Query is a JSONPath query or an XPath expression that generated code compiles once into
// the package variable Var: a Selector Object's selector, or a payload replacement's target.
// It was compiled when the code was generated, so a malformed one is a positioned error.
type Query struct {
	Kind CriterionKind // JSONPath or XPath
	Text string
	Var  string
}

// IsLiteral reports whether the whole value is known at generation time.
func (v *Value) IsLiteral() bool { return v.Kind == VLit }
