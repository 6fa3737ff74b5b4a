package load

import (
	"testing"

	"github.com/arazzogen/arazzogen/generator/internal/diag"
)

func TestParseYAMLErrorPositions(t *testing.T) {
	tests := []struct {
		src       string
		line, col int
		msg       string
	}{
		{"a: b: c", 1, 5, "mapping values are not allowed in this context"},
		{"a:\n\t- x", 2, 1, "found character that cannot start any token (while scanning for the next token)"},
		{"a: [1,", 2, 1, "did not find expected node content (while parsing a flow node)"},
		{"a: 'x", 1, 4, "found unexpected end of stream (while scanning a quoted scalar)"},
		{"- a\nb: c", 1, 1, "did not find expected '-' indicator (while parsing a block collection)"},
		{"a: *nope", 1, 4, "unknown anchor 'nope' referenced"},
	}
	for _, tt := range tests {
		var diags diag.List
		if ParseYAML("f.yaml", []byte(tt.src), &diags) != nil {
			t.Errorf("%q parsed", tt.src)
			continue
		}
		ds := diags.Sorted()
		want := diag.Diagnostic{Pos: diag.Pos{File: "f.yaml", Line: tt.line, Col: tt.col}, Severity: diag.Error, Code: "yaml", Msg: "malformed YAML: " + tt.msg}
		if len(ds) != 1 || ds[0] != want {
			t.Errorf("%q: got %+v, want %+v", tt.src, ds, want)
		}
	}
}
