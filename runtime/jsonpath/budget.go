package jsonpath

import (
	"context"
	"errors"
	"fmt"
	"reflect"
)

// DefaultBudget bounds the work of one evaluation, in units of one node visited; a node
// added to a nodelist costs eight, since it is also held in memory. Evaluating against a
// JSON document (SelectJSON, MatchJSON, LocateJSON) allows eight units more per byte of the
// document, so that a query that visits each node a few times never runs out on a large
// document; a query that would visit nodes far more often than that (nested descendant
// segments over a deeply nested document select more nodes than the document has bytes) is
// stopped with an error matching ErrBudget.
const DefaultBudget = 1 << 22

// ErrBudget is matched (errors.Is) by the error of an evaluation stopped because it would
// do more work than its budget (DefaultBudget) allows.
var ErrBudget = errors.New("jsonpath: evaluation budget spent")

// budget is what one evaluation may still do, and the context that may stop it.
type budget struct {
	left  int64
	limit int64
	ctx   context.Context
	tick  int64 // units spent since the context was last checked
}

// stopped is the panic value that ends an evaluation early; the entry points recover it.
type stopped struct{ err error }

func newBudget(ctx context.Context, docBytes int) *budget {
	if ctx == nil {
		ctx = context.Background()
	}
	limit := int64(DefaultBudget) + 8*int64(docBytes)
	return &budget{left: limit, limit: limit, ctx: ctx}
}

// spend takes n units, and stops the evaluation when none are left or, every few thousand
// units, when its context is done.
func (b *budget) spend(n int) {
	b.left -= int64(n)
	if b.left < 0 {
		panic(stopped{fmt.Errorf("%w: the query would visit or select more than %d nodes of this document", ErrBudget, b.limit)})
	}
	b.tick += int64(n)
	if b.tick >= 4096 {
		b.tick = 0
		if err := b.ctx.Err(); err != nil {
			panic(stopped{fmt.Errorf("jsonpath: evaluation stopped: %w", context.Cause(b.ctx))})
		}
	}
}

// guard runs f and turns the stop of an evaluation into its error.
func guard(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s, ok := r.(stopped)
			if !ok {
				panic(r)
			}
			err = s.err
		}
	}()
	f()
	return nil
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
