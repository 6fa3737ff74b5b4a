package xpath

import (
	"errors"
	"fmt"
)

// SyntaxError reports an expression that Compile refuses. It covers every static error, not
// only grammar: unknown functions, wrong argument counts, a non-node-set where XPath 1.0
// requires a node-set, variable references and syntax of later XPath versions. Offset is the
// byte offset in the expression of the token that could not be accepted (the length of the
// expression when it ended too early), so a generator can point at the exact column.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("xpath: syntax error at offset %d: %s", e.Offset, e.Msg)
}

// PrefixError reports a namespace prefix in a name test that no binding resolves. Compile
// with the Namespaces option and WithNamespaces return it as soon as the bindings are known;
// Evaluate returns it, before reading the document, for an expression compiled without
// bindings, so that such an expression fails instead of silently selecting nothing.
type PrefixError struct {
	Prefix string
	Offset int // byte offset of the prefix in the expression
}

func (e *PrefixError) Error() string {
	return fmt.Sprintf("xpath: namespace prefix %q at offset %d is not bound (bind it with Namespaces or WithNamespaces)", e.Prefix, e.Offset)
}

// ErrTooDeep is the cause (errors.Is) of the DocumentError for a document whose elements
// nest deeper than MaxDepth.
var ErrTooDeep = errors.New("elements nested too deeply")

// DocumentError reports a document that is not well-formed, namespace-well-formed XML, or
// that exceeds a parsing bound. Line is 1-based, 0 when unknown. Err is the underlying
// cause when there is one: an *xml.SyntaxError from encoding/xml, or ErrTooDeep.
type DocumentError struct {
	Line int
	Msg  string
	Err  error
}

func (e *DocumentError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("xpath: invalid XML document: line %d: %s", e.Line, e.Msg)
	}
	return "xpath: invalid XML document: " + e.Msg
}

func (e *DocumentError) Unwrap() error { return e.Err }
