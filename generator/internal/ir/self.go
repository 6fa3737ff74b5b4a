package ir

import (
	"github.com/arazzogen/arazzogen/generator/internal/diag"
	"github.com/arazzogen/arazzogen/generator/internal/expr"
)

// selfRef resolves the Arazzo 1.1 expression $self: the document's $self field, exactly as
// written. A relative $self is not resolved against the document's location: that location
// is a path on the machine that generated the code, which generated code must not contain.
// A document without $self gives the expression no value (features AMB-E8), which is an
// error rather than a guess.
func (b *builder) selfRef(e expr.Expr, pos diag.Pos) *Value {
	self := b.in.Doc.Self
	if !self.Set() {
		b.errorf(pos, "no-self", "%s reads the document's $self field, which this document does not have", e.Raw).
			WithHint("add $self: <the document's URI> at the top of the document (Arazzo 1.1)")
		return nil
	}
	return stringLiteral(self.Value)
}
