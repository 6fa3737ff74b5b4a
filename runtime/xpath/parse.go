package xpath

import "fmt"

// maxNesting bounds how deeply parentheses, predicates and function arguments may nest, so
// that neither the recursive-descent parser nor evaluation can be driven into unbounded
// recursion by a hostile expression. Real expressions stay far below it.
const maxNesting = 200

type parser struct {
	toks     []token
	i        int
	depth    int
	prefixed []*nodeTest // name tests with a prefix, resolved once bindings are known
}

func (p *parser) peek() token { return p.toks[p.i] }

// advance consumes a token; the final tEOF or tErr token is never consumed, so that peek
// stays within the list whatever a caller does.
func (p *parser) advance() token {
	t := p.toks[p.i]
	if t.kind != tEOF && t.kind != tErr {
		p.i++
	}
	return t
}

func errAt(off int, format string, args ...any) error {
	return &SyntaxError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// laterKeywords are names that open XPath 2.0+ expressions; they lex as XPath 1.0 name tests
// and are caught when a variable follows them.
var laterKeywords = map[string]string{
	"for":   "for expressions are XPath 2.0",
	"some":  "quantified expressions (some … satisfies) are XPath 2.0",
	"every": "quantified expressions (every … satisfies) are XPath 2.0",
	"let":   "let expressions are XPath 3.0",
}

// unexpected reports token t where want was expected, explaining constructs of later XPath
// versions where it can.
func (p *parser) unexpected(t token, want string) error {
	if t.kind == tErr {
		return t.err
	}
	if t.kind == tVar && p.i > 0 {
		if prev := p.toks[p.i-1]; prev.kind == tNameTest && prev.prefix == "" {
			if hint, ok := laterKeywords[prev.local]; ok {
				return errAt(prev.off, "%s; XPath 1.0 has no variables or iteration", hint)
			}
		}
	}
	if t.kind == tComma {
		return errAt(t.off, "%s, found ','; sequences (a, b) are XPath 2.0", want)
	}
	return errAt(t.off, "%s, found %s", want, t.describe())
}

func (p *parser) expect(k tokKind, want string) error {
	if t := p.peek(); t.kind != k {
		return p.unexpected(t, want)
	}
	p.advance()
	return nil
}

func parse(src string) (expr, []*nodeTest, error) {
	p := &parser{toks: lex(src)}
	e, err := p.parseExpr()
	if err != nil {
		return nil, nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, nil, p.unexpected(t, "expected an operator or the end of the expression")
	}
	return e, p.prefixed, nil
}

func (p *parser) parseExpr() (expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxNesting {
		return nil, errAt(p.peek().off, "expression nested more than %d levels deep", maxNesting)
	}
	return p.parseOr()
}

func (p *parser) parseOr() (expr, error)  { return p.parseLogical(tOr, (*parser).parseAnd) }
func (p *parser) parseAnd() (expr, error) { return p.parseLogical(tAnd, (*parser).parseEquality) }

func (p *parser) parseLogical(op tokKind, operand func(*parser) (expr, error)) (expr, error) {
	first, err := operand(p)
	if err != nil || p.peek().kind != op {
		return first, err
	}
	xs := []expr{first}
	for p.peek().kind == op {
		p.advance()
		x, err := operand(p)
		if err != nil {
			return nil, err
		}
		xs = append(xs, x)
	}
	return &logicalExpr{and: op == tAnd, xs: xs}, nil
}

// chain parses a left-associative run "operand (op operand)*" into its parts.
func (p *parser) chain(operand func(*parser) (expr, error), ops ...tokKind) (expr, []tokKind, []expr, error) {
	first, err := operand(p)
	if err != nil {
		return nil, nil, nil, err
	}
	var kinds []tokKind
	var rest []expr
	for {
		k := p.peek().kind
		found := false
		for _, op := range ops {
			found = found || k == op
		}
		if !found {
			return first, kinds, rest, nil
		}
		p.advance()
		x, err := operand(p)
		if err != nil {
			return nil, nil, nil, err
		}
		kinds, rest = append(kinds, k), append(rest, x)
	}
}

func (p *parser) parseEquality() (expr, error) {
	first, ops, rest, err := p.chain((*parser).parseRelational, tEq, tNeq)
	if err != nil || len(ops) == 0 {
		return first, err
	}
	return &compareExpr{first, ops, rest}, nil
}

func (p *parser) parseRelational() (expr, error) {
	first, ops, rest, err := p.chain((*parser).parseAdditive, tLt, tLe, tGt, tGe)
	if err != nil || len(ops) == 0 {
		return first, err
	}
	return &compareExpr{first, ops, rest}, nil
}

func (p *parser) parseAdditive() (expr, error) {
	first, ops, rest, err := p.chain((*parser).parseMultiplicative, tPlus, tMinus)
	if err != nil || len(ops) == 0 {
		return first, err
	}
	return &arithExpr{first, ops, rest}, nil
}

func (p *parser) parseMultiplicative() (expr, error) {
	first, ops, rest, err := p.chain((*parser).parseUnary, tMul, tDiv, tMod)
	if err != nil || len(ops) == 0 {
		return first, err
	}
	return &arithExpr{first, ops, rest}, nil
}

func (p *parser) parseUnary() (expr, error) {
	minus := 0
	for p.peek().kind == tMinus {
		p.advance()
		minus++
	}
	x, err := p.parseUnion()
	if err != nil || minus == 0 {
		return x, err
	}
	return &negExpr{x: x, odd: minus%2 == 1}, nil
}

func (p *parser) parseUnion() (expr, error) {
	start := p.peek()
	first, err := p.parsePath()
	if err != nil || p.peek().kind != tPipe {
		return first, err
	}
	if first.typ() != NodeSetValue {
		return nil, errAt(start.off, "the operands of | must be node-sets, this one is a %s", first.typ())
	}
	xs := []expr{first}
	for p.peek().kind == tPipe {
		p.advance()
		start := p.peek()
		x, err := p.parsePath()
		if err != nil {
			return nil, err
		}
		if x.typ() != NodeSetValue {
			return nil, errAt(start.off, "the operands of | must be node-sets, this one is a %s", x.typ())
		}
		xs = append(xs, x)
	}
	return &unionExpr{xs: xs}, nil
}

func stepStarts(k tokKind) bool {
	switch k {
	case tNameTest, tNodeType, tAxisName, tAt, tDot, tDotDot:
		return true
	}
	return false
}

func (p *parser) parsePath() (expr, error) {
	t := p.peek()
	switch t.kind {
	case tVar, tLParen, tLiteral, tNumber, tFuncName:
		f, err := p.parseFilter()
		if err != nil {
			return nil, err
		}
		if k := p.peek().kind; k != tSlash && k != tSlashSlash {
			return f, nil
		}
		if f.typ() != NodeSetValue {
			return nil, errAt(t.off, "a location path can only continue from a node-set, not from a %s", f.typ())
		}
		steps, err := p.parseRelative(nil)
		if err != nil {
			return nil, err
		}
		return &pathExpr{start: f, steps: steps}, nil
	case tSlash:
		p.advance()
		if !stepStarts(p.peek().kind) {
			if err := p.laterStep(); err != nil {
				return nil, err
			}
			return &pathExpr{abs: true}, nil // the root node alone
		}
		steps, err := p.parseRelative([]*step{})
		if err != nil {
			return nil, err
		}
		return &pathExpr{abs: true, steps: steps}, nil
	case tSlashSlash:
		steps, err := p.parseRelative(nil)
		if err != nil {
			return nil, err
		}
		return &pathExpr{abs: true, steps: steps}, nil
	}
	if stepStarts(t.kind) {
		steps, err := p.parseRelative([]*step{})
		if err != nil {
			return nil, err
		}
		return &pathExpr{steps: steps}, nil
	}
	return nil, p.unexpected(t, "expected an expression")
}

// laterStep explains a function call or parenthesized expression used as a path step, which
// XPath 2.0 allows (a/string(), a/(b|c)) and XPath 1.0 does not.
func (p *parser) laterStep() error {
	switch t := p.peek(); t.kind {
	case tFuncName:
		return errAt(t.off, "a function call as a path step (…/%s()) is XPath 2.0; XPath 1.0 steps are axis::test[predicate]", t.qname())
	case tLParen:
		return errAt(t.off, "a parenthesized expression as a path step is XPath 2.0; XPath 1.0 steps are axis::test[predicate]")
	}
	return nil
}

// parseRelative parses "step (('/' | '//') step)*". With steps == nil the first token is the
// '/' or '//' that leads into the path; otherwise the path starts with a step.
func (p *parser) parseRelative(steps []*step) ([]*step, error) {
	if steps != nil {
		s, err := p.parseStep()
		if err != nil {
			return nil, err
		}
		steps = append(steps, s)
	}
	for {
		k := p.peek().kind
		if k != tSlash && k != tSlashSlash {
			break
		}
		p.advance()
		if k == tSlashSlash {
			steps = append(steps, &step{axis: axisDescendantOrSelf, test: nodeTest{kind: testNode}})
		}
		if err := p.laterStep(); err != nil {
			return nil, err
		}
		s, err := p.parseStep()
		if err != nil {
			return nil, err
		}
		steps = append(steps, s)
	}
	return fuseDescendants(steps), nil
}

func (p *parser) parseStep() (*step, error) {
	t := p.peek()
	var s *step
	switch t.kind {
	case tDot, tDotDot:
		p.advance()
		s = &step{axis: axisSelf, test: nodeTest{kind: testNode}}
		long := "self::node()"
		if t.kind == tDotDot {
			s.axis, long = axisParent, "parent::node()"
		}
		if b := p.peek(); b.kind == tLBracket {
			return nil, errAt(b.off, "a predicate after '%s' is XPath 2.0; write %s[…]", punct[t.kind], long)
		}
		return s, nil
	case tAxisName:
		p.advance()
		if err := p.expect(tColonColon, "expected '::'"); err != nil {
			return nil, err
		}
		s = &step{axis: axisByName[t.local]}
	case tAt:
		p.advance()
		s = &step{axis: axisAttribute}
	case tNameTest, tNodeType:
		s = &step{axis: axisChild}
	default:
		return nil, p.unexpected(t, "expected a location step")
	}
	if err := p.parseNodeTest(s); err != nil {
		return nil, err
	}
	for p.peek().kind == tLBracket {
		pred, err := p.parsePredicate()
		if err != nil {
			return nil, err
		}
		s.preds = append(s.preds, pred)
	}
	return s, nil
}

func (p *parser) parseNodeTest(s *step) error {
	t := p.peek()
	s.test.principal = s.axis.principal()
	switch t.kind {
	case tNameTest:
		p.advance()
		s.test.prefix, s.test.local, s.test.off = t.prefix, t.local, t.off
		switch {
		case t.local == "*" && t.prefix == "":
			s.test.kind = testAny
		case t.local == "*":
			s.test.kind = testNSAny
		default:
			s.test.kind = testName
		}
		if t.prefix != "" {
			p.prefixed = append(p.prefixed, &s.test)
		}
		return nil
	case tNodeType:
		p.advance()
		if err := p.expect(tLParen, "expected '('"); err != nil {
			return err
		}
		switch t.local {
		case "node":
			s.test.kind = testNode
		case "text":
			s.test.kind = testText
		case "comment":
			s.test.kind = testComment
		default:
			s.test.kind = testPI
			if lit := p.peek(); lit.kind == tLiteral {
				p.advance()
				s.test.local = lit.local
			}
		}
		if r := p.advance(); r.kind != tRParen {
			if r.kind == tErr {
				return r.err
			}
			if t.local == "processing-instruction" {
				return errAt(r.off, "expected ')' after the optional target literal, found %s", r.describe())
			}
			return errAt(r.off, "expected ')': %s() takes no argument, found %s", t.local, r.describe())
		}
		return nil
	}
	return p.unexpected(t, "expected a node test (a name, *, prefix:*, node(), text(), comment() or processing-instruction())")
}

func (p *parser) parsePredicate() (expr, error) {
	p.advance() // '['
	e, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	if err := p.expect(tRBracket, "expected ']'"); err != nil {
		return nil, err
	}
	return e, nil
}

func (p *parser) parseFilter() (expr, error) {
	x, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	var preds []expr
	for t := p.peek(); t.kind == tLBracket; t = p.peek() {
		if x.typ() != NodeSetValue {
			return nil, errAt(t.off, "a predicate can only filter a node-set, not a %s", x.typ())
		}
		pred, err := p.parsePredicate()
		if err != nil {
			return nil, err
		}
		preds = append(preds, pred)
	}
	if preds == nil {
		return x, nil
	}
	return &filterExpr{x: x, preds: preds}, nil
}

func (p *parser) parsePrimary() (expr, error) {
	t := p.advance()
	switch t.kind {
	case tLiteral:
		return &constExpr{stringValue(t.local)}, nil
	case tNumber:
		return &constExpr{numberValue(t.num)}, nil
	case tVar:
		return nil, errAt(t.off, "variable reference $%s: variables are not supported, nothing can bind them", t.qname())
	case tFuncName:
		return p.parseCall(t)
	}
	// tLParen: parsePath only calls here for the kinds above and '('.
	if r := p.peek(); r.kind == tRParen {
		return nil, errAt(t.off, "() (the empty sequence) is XPath 2.0")
	}
	e, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	if err := p.expect(tRParen, "expected ')'"); err != nil {
		return nil, err
	}
	return e, nil
}

func (p *parser) parseCall(name token) (expr, error) {
	fn, err := lookupFunction(name)
	if err != nil {
		return nil, err
	}
	p.advance() // '(': the lexer only makes a function name when one follows
	var args []expr
	var offs []int
	if p.peek().kind != tRParen {
		for {
			offs = append(offs, p.peek().off)
			arg, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			args = append(args, arg)
			if p.peek().kind != tComma {
				break
			}
			p.advance()
		}
	}
	if err := p.expect(tRParen, "expected ',' or ')'"); err != nil {
		return nil, err
	}
	switch {
	case fn.max >= 0 && fn.min == fn.max && len(args) != fn.min:
		return nil, errAt(name.off, "%s() takes %s, got %d", fn.name, plural(fn.min, "argument"), len(args))
	case len(args) < fn.min || fn.max >= 0 && len(args) > fn.max:
		limit := fmt.Sprintf("at least %d", fn.min)
		if fn.max >= 0 {
			limit = fmt.Sprintf("%d to %d", fn.min, fn.max)
		}
		return nil, errAt(name.off, "%s() takes %s arguments, got %d", fn.name, limit, len(args))
	}
	if fn.nodeArgs {
		for i, a := range args {
			if a.typ() != NodeSetValue {
				return nil, errAt(offs[i], "the argument of %s() must be a node-set, not a %s", fn.name, a.typ())
			}
		}
	}
	return &callExpr{fn: fn, args: args}, nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// kindTests are XPath 2.0+ node tests that XPath 1.0 reads as function calls.
var kindTests = map[string]bool{
	"element": true, "attribute": true, "document-node": true, "schema-element": true,
	"schema-attribute": true, "namespace-node": true, "item": true, "empty-sequence": true,
	"function": true, "map": true, "array": true,
}

// laterFunctions are commonly used functions of the XPath 2.0+ library, named in errors so
// that an expression written for a later version says why it fails.
var laterFunctions = map[string]bool{
	"abs": true, "avg": true, "max": true, "min": true, "matches": true, "replace": true,
	"tokenize": true, "upper-case": true, "lower-case": true, "ends-with": true,
	"string-join": true, "exists": true, "empty": true, "distinct-values": true,
	"index-of": true, "reverse": true, "subsequence": true, "data": true,
	"current-date": true, "current-dateTime": true, "current-time": true, "compare": true,
	"codepoints-to-string": true, "string-to-codepoints": true, "normalize-unicode": true,
	"encode-for-uri": true, "iri-to-uri": true, "escape-html-uri": true,
	"round-half-to-even": true, "insert-before": true, "remove": true, "zero-or-one": true,
	"one-or-more": true, "exactly-one": true, "deep-equal": true, "head": true, "tail": true,
	"sort": true, "serialize": true, "parse-json": true, "json-doc": true, "json-to-xml": true,
	"xml-to-json": true, "doc": true, "collection": true, "root": true, "base-uri": true,
	"document-uri": true, "node-name": true, "nilled": true, "error": true, "trace": true,
	"format-number": true, "format-date": true, "format-dateTime": true, "has-children": true,
	"innermost": true, "outermost": true, "path": true, "string-length-of": true,
	"contains-token": true, "in-scope-prefixes": true, "namespace-uri-for-prefix": true,
	"resolve-QName": true, "QName": true, "xs:string": true, "dateTime": true, "boolean-of": true,
	"for-each": true, "filter": true, "fold-left": true, "fold-right": true, "apply": true,
	"analyze-string": true, "generate-id": true, "unparsed-text": true, "environment-variable": true,
}

func lookupFunction(t token) (*function, error) {
	if t.prefix == "" {
		if fn, ok := functions()[t.local]; ok {
			return fn, nil
		}
	}
	switch {
	case t.prefix == "fn" && functions()[t.local] != nil:
		return nil, errAt(t.off, "the fn: prefix is XPath 2.0; call %s() without it", t.local)
	case t.prefix != "":
		return nil, errAt(t.off, "unknown function %s(): extension functions are not supported", t.qname())
	case t.local == "if":
		return nil, errAt(t.off, "if (…) then … else … is XPath 2.0; XPath 1.0 has no conditional expression")
	case kindTests[t.local]:
		return nil, errAt(t.off, "the kind test %s() is XPath 2.0 or later", t.local)
	case laterFunctions[t.local]:
		return nil, errAt(t.off, "%s() is not an XPath 1.0 function (it is XPath 2.0 or later)", t.local)
	}
	return nil, errAt(t.off, "unknown function %s()", t.local)
}

// fuseDescendants rewrites "//name" (descendant-or-self::node()/child::name) into
// descendant::name, which selects the same nodes with one walk instead of a child scan per
// descendant. It is only equivalent when no predicate of the child step depends on the
// position, because proximity positions count among siblings before and among all
// descendants after the rewrite.
func fuseDescendants(steps []*step) []*step {
	out := steps[:0]
	for i := 0; i < len(steps); i++ {
		s := steps[i]
		if s.axis == axisDescendantOrSelf && s.test.kind == testNode && len(s.preds) == 0 && i+1 < len(steps) {
			next := steps[i+1]
			if next.axis == axisChild && !anyPositional(next.preds) {
				next.axis = axisDescendant
				out = append(out, next)
				i++
				continue
			}
		}
		out = append(out, s)
	}
	return out
}

func anyPositional(preds []expr) bool {
	for _, p := range preds {
		if p.typ() == NumberValue || usesPosition(p) {
			return true
		}
	}
	return false
}

// usesPosition reports whether e calls position() or last() for its own context.
// Predicates nested inside e (on a step or a filter expression) have a context of their
// own, so calls there do not count: //a[b[last()]] can still be rewritten.
func usesPosition(e expr) bool {
	switch e := e.(type) {
	case *callExpr:
		if e.fn.name == "position" || e.fn.name == "last" {
			return true
		}
		return anyUses(e.args)
	case *negExpr:
		return usesPosition(e.x)
	case *logicalExpr:
		return anyUses(e.xs)
	case *compareExpr:
		return usesPosition(e.first) || anyUses(e.rest)
	case *arithExpr:
		return usesPosition(e.first) || anyUses(e.rest)
	case *unionExpr:
		return anyUses(e.xs)
	case *filterExpr:
		return usesPosition(e.x)
	case *pathExpr:
		return e.start != nil && usesPosition(e.start)
	}
	return false
}

func anyUses(xs []expr) bool {
	for _, x := range xs {
		if usesPosition(x) {
			return true
		}
	}
	return false
}
