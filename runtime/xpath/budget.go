package xpath

import (
	"context"
	"errors"

	ibudget "github.com/arazzogen/arazzogen/runtime/internal/budget"
)

// DefaultBudget bounds the work of one evaluation, in units of one node visited (on an
// axis, by a predicate, or to build a string-value). Evaluating a document of n bytes
// allows eight units more per byte, so that an expression that visits each node a few
// times never runs out on a large document; one that would visit nodes far more often
// (such as //a/following::a on many elements) is stopped with an error matching ErrBudget.
const DefaultBudget = 1 << 21

// ErrBudget is matched (errors.Is) by the error of an evaluation stopped because it would
// do more work than its budget (DefaultBudget) allows.
var ErrBudget = errors.New("xpath: evaluation budget spent")

// budget is the budget of one evaluation, with the string-values it builds paid for.
type budget struct{ *ibudget.Budget }

// newBudget is the budget of one evaluation: DefaultBudget, and eight units per byte of
// the document.
func newBudget(ctx context.Context, docBytes int) *budget {
	return &budget{ibudget.New(ctx, DefaultBudget+8*int64(docBytes), ErrBudget, "xpath")}
}

func (b *budget) spend(n int) { b.Spend(n) }

// stringValue is n.StringValue(), each node visited paid for.
func (b *budget) stringValue(n *Node) string {
	if n.typ != DocumentNode && n.typ != ElementNode {
		return n.data
	}
	b.spend(1)
	if len(n.children) == 1 && n.children[0].typ == TextNode {
		return n.children[0].data
	}
	var s []byte
	for x := firstInSubtree(n); x != nil; x = nextInSubtree(x, n) {
		b.spend(1)
		if x.typ == TextNode {
			s = append(s, x.data...)
		}
	}
	return string(s)
}

// str is v.String() and num v.Number(), the string-value of a node-set paid for.
func (b *budget) str(v Value) string {
	if v.typ == NodeSetValue {
		if len(v.nodes) == 0 {
			return ""
		}
		return b.stringValue(v.nodes[0])
	}
	return v.String()
}

func (b *budget) num(v Value) float64 {
	if v.typ == NodeSetValue {
		return parseNumber(b.str(v))
	}
	return v.Number()
}
