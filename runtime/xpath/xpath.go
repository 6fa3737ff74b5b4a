package xpath

import (
	"context"
	"errors"

	"fmt"
	ibudget "github.com/arazzogen/arazzogen/runtime/internal/budget"
	"maps"
)

// Expr is a compiled XPath 1.0 expression. It is immutable and safe for concurrent use.
type Expr struct {
	src  string
	root expr
	ns   map[string]string // bindings the prefixes were resolved with; nil when none given
	// unbound is the first prefix left unresolved because no bindings were given; Evaluate
	// reports it rather than letting the name test match nothing.
	unbound *PrefixError
}

// Option configures Compile.
type Option func(*options)

type options struct {
	ns    map[string]string
	nsSet bool
}

// Namespaces binds prefixes to namespace URIs for the expression's name tests. With this
// option every prefix must be bound, and Compile reports an unbound one as a *PrefixError
// at its offset. The prefix "xml" is always bound to the XML namespace. Unprefixed names
// always mean "no namespace", as in XPath 1.0; there is no default element namespace, so
// the empty prefix cannot be bound.
func Namespaces(ns map[string]string) Option {
	return func(o *options) {
		o.nsSet = true
		if o.ns == nil {
			o.ns = map[string]string{}
		}
		maps.Copy(o.ns, ns)
	}
}

// Compile parses an XPath 1.0 expression and checks it statically: grammar, function names
// and argument counts, and the node-set operands that XPath 1.0 requires. Every such error
// is a *SyntaxError with the byte offset of the offending token. Prefixes are resolved with
// the Namespaces option when it is given (*PrefixError for an unbound one); without it they
// are left for WithNamespaces, and evaluating before binding them fails with *PrefixError.
func Compile(src string, opts ...Option) (*Expr, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	root, prefixed, err := parse(src)
	if err != nil {
		return nil, err
	}
	e := &Expr{src: src, root: root}
	if o.nsSet {
		if err := checkBindings(o.ns); err != nil {
			return nil, err
		}
		e.ns = o.ns
	}
	for _, t := range prefixed {
		uri, ok := e.ns[t.prefix]
		if t.prefix == "xml" {
			uri, ok = xmlURI, true
		}
		switch {
		case ok:
			t.space = uri
		case o.nsSet:
			return nil, &PrefixError{Prefix: t.prefix, Offset: t.off}
		case e.unbound == nil:
			e.unbound = &PrefixError{Prefix: t.prefix, Offset: t.off}
		}
	}
	return e, nil
}

func checkBindings(ns map[string]string) error {
	for prefix, uri := range ns {
		switch {
		case prefix == "":
			return errors.New("xpath: the empty prefix cannot be bound: in XPath 1.0 an unprefixed name test always means no namespace")
		case !isNCName(prefix):
			return fmt.Errorf("xpath: namespace prefix %q is not an NCName", prefix)
		case prefix == "xmlns":
			return errors.New("xpath: the xmlns prefix cannot be bound")
		case prefix == "xml" && uri != xmlURI:
			return fmt.Errorf("xpath: the xml prefix is always bound to %s", xmlURI)
		case uri == "":
			return fmt.Errorf("xpath: namespace prefix %q is bound to an empty URI; unprefixed names already select no-namespace nodes", prefix)
		}
	}
	return nil
}

// MustCompile is Compile for expressions known to be valid, such as those a generator has
// already compiled; it panics on error.
func MustCompile(src string, opts ...Option) *Expr {
	e, err := Compile(src, opts...)
	if err != nil {
		panic(err)
	}
	return e
}

// WithNamespaces returns a copy of e whose prefixes resolve through ns, added to (and
// overriding) any bindings e was compiled with. Every prefix in the expression must then be
// bound: an unbound one is a *PrefixError.
func (e *Expr) WithNamespaces(ns map[string]string) (*Expr, error) {
	merged := maps.Clone(e.ns)
	if merged == nil {
		merged = map[string]string{}
	}
	maps.Copy(merged, ns)
	// Recompiling keeps compiled expressions immutable: the copy gets its own tree.
	return Compile(e.src, Namespaces(merged))
}

// String returns the source of the expression.
func (e *Expr) String() string { return e.src }

// Type returns the static type of the expression's result, known at compile time in XPath
// 1.0: a path is a node-set, a comparison a boolean, count() a number, and so on.
func (e *Expr) Type() ValueType { return e.root.typ() }

// Evaluate parses doc and evaluates the expression with the root node as the context node.
// A document that does not parse is a *DocumentError; an expression with an unbound prefix
// is a *PrefixError, reported before doc is read. An evaluation that would pass its budget
// (see EvaluateContext) is an error matching ErrBudget.
func (e *Expr) Evaluate(doc []byte) (Value, error) {
	return e.EvaluateContext(context.Background(), doc)
}

// EvaluateContext is Evaluate, stopped with an error when ctx is done or when the
// evaluation would do more work than DefaultBudget and eight units per byte of doc allow
// (errors.Is(err, ErrBudget)).
func (e *Expr) EvaluateContext(ctx context.Context, doc []byte) (Value, error) {
	if e.unbound != nil {
		return Value{}, e.unbound
	}
	d, err := Parse(doc)
	if err != nil {
		return Value{}, err
	}
	return e.EvaluateDocumentContext(ctx, d)
}

// EvaluateDocument evaluates the expression against an already parsed document, so that one
// response body can serve several expressions.
func (e *Expr) EvaluateDocument(d *Document) (Value, error) {
	return e.EvaluateDocumentContext(context.Background(), d)
}

// EvaluateDocumentContext is EvaluateDocument with the context and budget of
// EvaluateContext.
func (e *Expr) EvaluateDocumentContext(ctx context.Context, d *Document) (v Value, err error) {
	if e.unbound != nil {
		return Value{}, e.unbound
	}
	if d == nil || d.root == nil {
		return Value{}, errors.New("xpath: nil document")
	}
	err = ibudget.Run(func() { v = e.evalRoot(d, newBudget(ctx, d.size)) })
	if err != nil {
		return Value{}, err
	}
	return v, nil
}

// evalRoot evaluates the expression with the root node of d as the context node.
func (e *Expr) evalRoot(d *Document, b *budget) Value {
	return e.root.eval(ctx{node: d.root, pos: 1, size: 1, doc: d, b: b})
}

// Match reports boolean() of the result, which is how an Arazzo xpath success criterion
// passes: true, a non-zero number, a non-empty string or a non-empty node-set. An empty or
// malformed document, an unbound prefix or a spent budget is an error (and the criterion
// fails).
func (e *Expr) Match(doc []byte) (bool, error) {
	return e.MatchContext(context.Background(), doc)
}

// MatchContext is Match with the context and budget of EvaluateContext.
func (e *Expr) MatchContext(ctx context.Context, doc []byte) (bool, error) {
	v, err := e.EvaluateContext(ctx, doc)
	if err != nil {
		return false, err
	}
	return v.Boolean(), nil
}

// MatchDocument is Match on an already parsed document.
func (e *Expr) MatchDocument(d *Document) (bool, error) {
	v, err := e.EvaluateDocument(d)
	if err != nil {
		return false, err
	}
	return v.Boolean(), nil
}
