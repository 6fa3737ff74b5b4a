package generator

import (
	"slices"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/diag"
	"github.com/arazzogen/arazzogen/generator/internal/load"
)

// warnDropped explains, at the step, why an operation that its description declares is
// reported as not defined: the description's path item for it does not build because a
// $ref in it points at nothing. Without this the error would contradict the file.
func warnDropped(doc *load.Document, openapi map[string]*load.OpenAPI, diags *diag.List) {
	names := slices.Sorted(func(yield func(string) bool) {
		for name, oa := range openapi {
			if len(oa.Dropped) > 0 && !yield(name) {
				return
			}
		}
	})
	if len(names) == 0 {
		return
	}
	for _, w := range doc.Workflows {
		for _, st := range w.Steps {
			ref := st.OperationID.Value
			if ref == "" {
				continue
			}
			for _, name := range names {
				oa := openapi[name]
				for _, d := range oa.Dropped {
					// Plain, $sourceDescriptions.<src>.<op> and lenient <src>.<op>; ids may
					// themselves contain dots.
					if ref == d.ID || strings.HasSuffix(ref, "."+d.ID) {
						diags.Warnf(st.OperationID.Pos, "openapi-ref", "operation %q of source %q (%s:%d) is left out: a $ref in its path item points at nothing", d.ID, name, oa.File, d.Line)
					}
				}
			}
		}
	}
}
