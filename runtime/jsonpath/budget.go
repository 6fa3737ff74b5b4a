package jsonpath

import (
	"context"
	"errors"
	"reflect"

	"github.com/arazzogen/arazzogen/runtime/internal/budget"
)

// DefaultBudget bounds the work of one evaluation, in units of one node visited; a node
// added to a nodelist costs eight, since it is also held in memory. Evaluating against a
// JSON document (SelectJSON, MatchJSONContext, LocateJSON) allows eight units more per byte of the
// document, so that a query that visits each node a few times never runs out on a large
// document; a query that would visit nodes far more often than that (nested descendant
// segments over a deeply nested document select more nodes than the document has bytes) is
// stopped with an error matching ErrBudget.
const DefaultBudget = 1 << 22

// ErrBudget is matched (errors.Is) by the error of an evaluation stopped because it would
// do more work than its budget (DefaultBudget) allows.
var ErrBudget = errors.New("jsonpath: evaluation budget spent")

// newBudget is the budget of one evaluation: DefaultBudget, and eight units per byte of
// the document evaluated (0 for a value given decoded).
func newBudget(ctx context.Context, docBytes int) *budget.Budget {
	return budget.New(ctx, DefaultBudget+8*int64(docBytes), ErrBudget, "jsonpath")
}

// nodeKey identifies a non-empty object or array by its storage: the same key is the same
// value, so what a segment selects from it is the same.
type nodeKey struct {
	p uintptr
	n int
}

// identity returns the key of a non-empty object or array; other values (scalars, empty
// containers) select nothing, and have none.
func identity(v any) (nodeKey, bool) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) > 0 {
			return nodeKey{reflect.ValueOf(x).Pointer(), -1}, true
		}
	case []any:
		if len(x) > 0 {
			return nodeKey{reflect.ValueOf(x).Pointer(), len(x)}, true
		}
	}
	return nodeKey{}, false
}
