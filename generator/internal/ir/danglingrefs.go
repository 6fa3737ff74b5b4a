package ir

import (
	"fmt"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/diag"
	"github.com/arazzogen/arazzogen/generator/internal/load"
)

// maxLostShown bounds the parts listed in one warning; the rest are counted.
const maxLostShown = 4

// warnLost tells, at a step, what its operation lacks because $refs in the description
// point at nothing (load/danglingrefs.go). The source's own warning counts the references;
// this one names those that matter to the step, so a missing parameter or an untyped
// output is not a surprise.
func (b *builder) warnLost(pos diag.Pos, source *Source, op *load.Operation) {
	if source == nil || source.Origin {
		return
	}
	src := source.Name
	oa := b.in.OpenAPI[src]
	if oa == nil {
		return
	}
	lost := oa.Lost(op)
	if len(lost) == 0 {
		return
	}
	var parts []string
	for i, l := range lost {
		if i == maxLostShown {
			parts = append(parts, fmt.Sprintf("and %d more", len(lost)-i))
			break
		}
		parts = append(parts, fmt.Sprintf("%s (%s:%d:%d)", lostPhrase(l), oa.File, l.Line, l.Col))
	}
	d := b.diags.Warnf(pos, "openapi-ref", "operation %s of source %q is incomplete, because $refs in its description point at nothing: %s", operationName(op), src, strings.Join(parts, "; "))
	d.WithHint("define what the references name in %s; a parameter the step sets that the operation no longer declares is sent in its location's default style", oa.File)
}

func lostPhrase(l load.LostRef) string {
	switch l.Kind {
	case "parameter":
		return fmt.Sprintf("parameter %s is left out", l.Ref)
	case "schema":
		if l.Where != "" {
			return fmt.Sprintf("the schema %s of %s is untyped", l.Ref, l.Where)
		}
		return fmt.Sprintf("schema %s is untyped", l.Ref)
	case "request body":
		return fmt.Sprintf("the request body %s is untyped", l.Ref)
	case "response":
		if l.Code != "" {
			return fmt.Sprintf("response %s (%s) is untyped", l.Code, l.Ref)
		}
		return fmt.Sprintf("response %s is untyped", l.Ref)
	}
	return fmt.Sprintf("%s %s is empty", l.Kind, l.Ref)
}
