package xpath

import (
	"math"
	"slices"
)

// expr is a compiled expression node. Every expression has a type known at compile time
// (XPath 1.0 has no variables here, and every function has a fixed result type), which is
// what lets Compile reject every type error before evaluation.
//
// eval results are owned by the caller: node-sets are always freshly built slices, never
// slices of the document, so callers may filter them in place.
type expr interface {
	typ() ValueType
	eval(c ctx) Value
}

// ctx is the XPath evaluation context: node, proximity position and size. Passed by value so
// that evaluating a predicate per node allocates nothing.
type ctx struct {
	node      *Node
	pos, size int
	doc       *Document
	b         *budget
}

type constExpr struct{ v Value }

func (e *constExpr) typ() ValueType { return e.v.typ }
func (e *constExpr) eval(ctx) Value { return e.v }

// negExpr is a run of unary minus signs, kept flat so that "----1" costs no recursion.
type negExpr struct {
	x   expr
	odd bool
}

func (e *negExpr) typ() ValueType { return NumberValue }
func (e *negExpr) eval(c ctx) Value {
	f := c.b.num(e.x.eval(c))
	if e.odd {
		f = -f
	}
	return numberValue(f)
}

// logicalExpr is a flat chain of "or" or of "and", evaluated left to right with
// short-circuiting as §3.4 specifies.
type logicalExpr struct {
	and bool
	xs  []expr
}

func (e *logicalExpr) typ() ValueType { return BooleanValue }
func (e *logicalExpr) eval(c ctx) Value {
	for _, x := range e.xs {
		if x.eval(c).Boolean() != e.and {
			return booleanValue(!e.and)
		}
	}
	return booleanValue(e.and)
}

// compareExpr and arithExpr are left-associative chains folded in a loop rather than nested
// binary nodes, so that a long chain cannot deepen the evaluation stack.
type compareExpr struct {
	first expr
	ops   []tokKind
	rest  []expr
}

func (e *compareExpr) typ() ValueType { return BooleanValue }
func (e *compareExpr) eval(c ctx) Value {
	v := e.first.eval(c)
	for i, op := range e.ops {
		v = booleanValue(compareValues(c.b, op, v, e.rest[i].eval(c)))
	}
	return v
}

type arithExpr struct {
	first expr
	ops   []tokKind
	rest  []expr
}

func (e *arithExpr) typ() ValueType { return NumberValue }
func (e *arithExpr) eval(c ctx) Value {
	f := c.b.num(e.first.eval(c))
	for i, op := range e.ops {
		g := c.b.num(e.rest[i].eval(c))
		switch op {
		case tPlus:
			f += g
		case tMinus:
			f -= g
		case tMul:
			f *= g
		case tDiv:
			f /= g
		case tMod:
			// XPath mod truncates like Java's %, and so does math.Mod: the result takes
			// the sign of the dividend (5 mod -2 = 1, -5 mod 2 = -1).
			f = math.Mod(f, g)
		}
	}
	return numberValue(f)
}

type unionExpr struct{ xs []expr }

func (e *unionExpr) typ() ValueType { return NodeSetValue }
func (e *unionExpr) eval(c ctx) Value {
	nodes := e.xs[0].eval(c).nodes
	for _, x := range e.xs[1:] {
		nodes = mergeNodes(nodes, x.eval(c).nodes)
		c.b.spend(len(nodes))
	}
	return nodeSetValue(nodes)
}

// filterExpr is a primary expression with predicates, e.g. (//a)[1]. Its predicates count
// positions in document order (§3.3: "with respect to the child axis").
type filterExpr struct {
	x     expr
	preds []expr
}

func (e *filterExpr) typ() ValueType { return NodeSetValue }
func (e *filterExpr) eval(c ctx) Value {
	nodes := e.x.eval(c).nodes
	for _, p := range e.preds {
		nodes = applyPredicate(nodes, p, c)
	}
	return nodeSetValue(nodes)
}

// pathExpr is a location path, or a filter expression followed by steps.
type pathExpr struct {
	start expr // nil: the context node, or the root node when abs
	abs   bool
	steps []*step
}

func (e *pathExpr) typ() ValueType { return NodeSetValue }
func (e *pathExpr) eval(c ctx) Value {
	var nodes []*Node
	switch {
	case e.start != nil:
		nodes = e.start.eval(c).nodes
	case e.abs:
		nodes = []*Node{c.doc.root}
	default:
		nodes = []*Node{c.node}
	}
	for _, s := range e.steps {
		if len(nodes) == 0 {
			break
		}
		nodes = s.apply(nodes, c)
	}
	return nodeSetValue(nodes)
}

type step struct {
	axis  axis
	test  nodeTest
	preds []expr
}

// apply evaluates the step from every node of in (document order, no duplicates) and
// returns the union of the results in document order.
//
// The descendant axes without predicates are worked out once per subtree: a node of in
// that lies inside the subtree of an earlier one adds nothing that one did not (and so
// //a//a//a visits each node a few times, not once per a above it).
func (s *step) apply(in []*Node, c ctx) []*Node {
	var out, buf []*Node
	descendants := len(s.preds) == 0 && (s.axis == axisDescendant || s.axis == axisDescendantOrSelf)
	var coveredUntil *Node // the first node after the last subtree walked; nil: the end
	covering := false
	for _, n := range in {
		if descendants && owner(n) == nil {
			if covering && (coveredUntil == nil || n.ord < coveredUntil.ord) {
				continue
			}
			covering, coveredUntil = true, afterSubtree(n)
		}
		buf = s.axis.collect(n, &s.test, buf[:0], c.b)
		for _, p := range s.preds {
			buf = applyPredicate(buf, p, c)
		}
		if s.axis.reverse() {
			slices.Reverse(buf)
		}
		if len(in) == 1 {
			return buf // from one node an axis yields each node once, now in document order
		}
		out = append(out, buf...)
	}
	c.b.spend(len(out))
	return normalize(out)
}

// applyPredicate keeps the nodes for which p holds, positions counted in the order of
// nodes; a number result is a position test (§2.4), anything else is converted by boolean().
func applyPredicate(nodes []*Node, p expr, c ctx) []*Node {
	size := len(nodes)
	if k, ok := p.(*constExpr); ok && k.v.typ == NumberValue {
		// [n] with a literal n is the most common predicate; pick the node directly.
		i := k.v.num
		if i >= 1 && i <= float64(size) && i == math.Trunc(i) {
			nodes[0] = nodes[int(i)-1]
			return nodes[:1]
		}
		return nodes[:0]
	}
	kept := 0
	for i, n := range nodes {
		c.b.spend(1)
		v := p.eval(ctx{node: n, pos: i + 1, size: size, doc: c.doc, b: c.b})
		var keep bool
		if v.typ == NumberValue {
			keep = v.num == float64(i+1)
		} else {
			keep = v.Boolean()
		}
		if keep {
			nodes[kept] = n
			kept++
		}
	}
	return nodes[:kept]
}

// normalize puts a node list into document order without duplicates. Results built from
// disjoint subtrees in order are usually sorted already, so that is checked first.
func normalize(nodes []*Node) []*Node {
	sorted := true
	for i := 1; i < len(nodes); i++ {
		if nodes[i-1].ord >= nodes[i].ord {
			sorted = false
			break
		}
	}
	if sorted {
		return nodes
	}
	slices.SortFunc(nodes, func(a, b *Node) int { return a.ord - b.ord })
	// Namespace nodes are made on demand, so the same node can appear as two pointers with
	// one order number: deduplicate by order, not by pointer.
	return slices.CompactFunc(nodes, func(a, b *Node) bool { return a.ord == b.ord })
}

// mergeNodes is the union of two node-sets in document order.
func mergeNodes(a, b []*Node) []*Node {
	if len(a) == 0 {
		return b
	}
	if len(b) == 0 {
		return a
	}
	out := make([]*Node, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i].ord < b[j].ord:
			out = append(out, a[i])
			i++
		case a[i].ord > b[j].ord:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

type testKind uint8

const (
	testName    testKind = iota // QName
	testAny                     // *
	testNSAny                   // prefix:*
	testNode                    // node()
	testText                    // text()
	testComment                 // comment()
	testPI                      // processing-instruction() or processing-instruction('target')
)

type nodeTest struct {
	kind      testKind
	principal NodeType // the axis's principal node type, for name tests
	prefix    string
	local     string // name, or the PI target ("" for any)
	space     string // resolved namespace URI of prefix
	off       int    // offset of the prefix, for unbound-prefix errors
}

func (t *nodeTest) match(n *Node) bool {
	switch t.kind {
	case testName:
		return n.typ == t.principal && n.local == t.local && n.space == t.space
	case testAny:
		return n.typ == t.principal
	case testNSAny:
		return n.typ == t.principal && n.space == t.space
	case testNode:
		return true
	case testText:
		return n.typ == TextNode
	case testComment:
		return n.typ == CommentNode
	default:
		return n.typ == ProcessingInstructionNode && (t.local == "" || n.local == t.local)
	}
}

// compareValues implements =, !=, <, <=, >, >= with the XPath 1.0 §3.4 rules: comparisons
// involving node-sets are existential over the nodes' string-values, a node-set against a
// boolean compares boolean(node-set), and otherwise the operands are converted to boolean,
// number or string in that order of precedence for = and !=, to numbers for the others.
func compareValues(bud *budget, op tokKind, a, b Value) bool {
	aSet, bSet := a.typ == NodeSetValue, b.typ == NodeSetValue
	switch {
	case aSet && bSet:
		return compareNodeSets(bud, op, a.nodes, b.nodes)
	case aSet:
		if b.typ == BooleanValue {
			return compareAtoms(op, booleanValue(len(a.nodes) > 0), b)
		}
		for _, n := range a.nodes {
			if compareAtoms(op, stringValue(bud.stringValue(n)), b) {
				return true
			}
		}
		return false
	case bSet:
		if a.typ == BooleanValue {
			return compareAtoms(op, a, booleanValue(len(b.nodes) > 0))
		}
		for _, n := range b.nodes {
			if compareAtoms(op, a, stringValue(bud.stringValue(n))) {
				return true
			}
		}
		return false
	}
	return compareAtoms(op, a, b)
}

func compareAtoms(op tokKind, a, b Value) bool {
	if op == tEq || op == tNeq {
		var eq bool
		switch {
		case a.typ == BooleanValue || b.typ == BooleanValue:
			eq = a.Boolean() == b.Boolean()
		case a.typ == NumberValue || b.typ == NumberValue:
			eq = a.Number() == b.Number() // NaN is unequal to everything, itself included
		default:
			eq = a.String() == b.String()
		}
		return eq == (op == tEq)
	}
	return compareNumbers(op, a.Number(), b.Number())
}

// compareNumbers applies a relational operator; = and != never get here as numbers.
func compareNumbers(op tokKind, x, y float64) bool {
	switch op {
	case tLt:
		return x < y
	case tLe:
		return x <= y
	case tGt:
		return x > y
	}
	return x >= y
}

func compareNodeSets(bud *budget, op tokKind, a, b []*Node) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	switch op {
	case tEq:
		seen := make(map[string]struct{}, len(b))
		for _, n := range b {
			seen[bud.stringValue(n)] = struct{}{}
		}
		for _, n := range a {
			if _, ok := seen[bud.stringValue(n)]; ok {
				return true
			}
		}
		return false
	case tNeq:
		// Some pair differs unless every string-value on both sides is the same one.
		first := bud.stringValue(a[0])
		for _, set := range [][]*Node{a, b} {
			for _, n := range set {
				if bud.stringValue(n) != first {
					return true
				}
			}
		}
		return false
	}
	// A pair satisfies x < y exactly when min(a) < max(b), and likewise for the others;
	// NaN values satisfy no relation and are left out of the extremes.
	aMin, aMax, aOK := numberRange(bud, a)
	bMin, bMax, bOK := numberRange(bud, b)
	if !aOK || !bOK {
		return false
	}
	switch op {
	case tLt, tLe:
		return compareNumbers(op, aMin, bMax)
	default:
		return compareNumbers(op, aMax, bMin)
	}
}

func numberRange(bud *budget, nodes []*Node) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, n := range nodes {
		f := parseNumber(bud.stringValue(n))
		if math.IsNaN(f) {
			continue
		}
		ok = true
		lo, hi = min(lo, f), max(hi, f)
	}
	return lo, hi, ok
}
