// Package budget bounds the work of one evaluation of a query (JSONPath, XPath) on data a
// server sent: a number of units the evaluation may spend, and a context that may stop it.
// Evaluators spend units as they visit nodes; when none are left, or the context is done,
// Spend ends the evaluation by a panic that Run turns back into its error, so that deep
// recursions need no error plumbing.
package budget

import (
	"context"
	"fmt"
)

// Budget is what one evaluation may still do. It is not safe for concurrent use: each
// evaluation has its own.
type Budget struct {
	left, limit int64
	ctx         context.Context
	tick        int64 // units spent since the context was last checked
	spent       error // what to report when no units are left: wraps the caller's sentinel
	stopped     string
}

// New returns a budget of limit units, stopped by ctx too. spent is the error (such as
// jsonpath.ErrBudget) that the evaluation's error wraps when the units run out; name names
// the language in messages ("jsonpath", "xpath").
func New(ctx context.Context, limit int64, spent error, name string) *Budget {
	if ctx == nil {
		ctx = context.Background()
	}
	return &Budget{
		left: limit, limit: limit, ctx: ctx,
		spent:   fmt.Errorf("%w: the evaluation would visit or select more than %d nodes of this document", spent, limit),
		stopped: name + ": evaluation stopped",
	}
}

// stop is the panic value that ends an evaluation early.
type stop struct{ err error }

// Spend takes n units, and ends the evaluation when none are left or, every few thousand
// units, when the context is done.
func (b *Budget) Spend(n int) {
	b.left -= int64(n)
	if b.left < 0 {
		panic(stop{b.spent})
	}
	b.tick += int64(n)
	if b.tick >= 4096 {
		b.tick = 0
		if b.ctx.Err() != nil {
			panic(stop{fmt.Errorf("%s: %w", b.stopped, context.Cause(b.ctx))})
		}
	}
}

// Run runs an evaluation and returns the error of the budget or context that ended it, nil
// when it ran to the end. Any other panic goes on.
func Run(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s, ok := r.(stop)
			if !ok {
				panic(r)
			}
			err = s.err
		}
	}()
	f()
	return nil
}
