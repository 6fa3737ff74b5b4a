package load

import (
	"fmt"
	"strings"
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

func TestAliasBombFailsFast(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("arazzo: 1.0.1\nx-bomb:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&sb, "  a%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 10), ", "))
	}
	sb.WriteString("workflows: *a9\n")
	var diags diag.List
	if root := ParseYAML("bomb.yaml", []byte(sb.String()), &diags); root != nil {
		t.Fatal("a document expanding to 10^10 nodes was accepted")
	}
	got := diags.Sorted()
	if len(got) != 1 || got[0].Code != "too-large" || got[0].Pos.Line != 8 {
		t.Fatalf("diagnostics = %v, want one too-large error at line 8 (a5, the first value whose expansion passes the bound)", got)
	}
}

func TestSharedAliasesAreFine(t *testing.T) {
	// The same anchor used many times is ordinary YAML; only exponential growth is refused.
	doc := "arazzo: 1.0.1\nbase: &b {a: 1, b: 2}\nlist: [" + strings.TrimSuffix(strings.Repeat("*b, ", 1000), ", ") + "]\n"
	var diags diag.List
	if root := ParseYAML("ok.yaml", []byte(doc), &diags); root == nil {
		t.Fatalf("rejected: %v", diags.Sorted())
	}
}

func TestDeepNestingFailsFast(t *testing.T) {
	doc := "arazzo: 1.0.1\nx: " + strings.Repeat("[", 50000) + strings.Repeat("]", 50000) + "\n"
	var diags diag.List
	if root := ParseYAML("deep.yaml", []byte(doc), &diags); root != nil {
		t.Fatal("a document nested 50000 deep was accepted")
	}
	if got := diags.Sorted(); len(got) != 1 || got[0].Pos.Line != 2 || !strings.Contains(got[0].Msg, "depth") {
		t.Fatalf("diagnostics = %v, want one depth error on line 2", got)
	}
}

func TestOversizedDocument(t *testing.T) {
	var diags diag.List
	if root := ParseYAML("big.yaml", make([]byte, MaxDocumentBytes+1), &diags); root != nil {
		t.Fatal("an oversized document was accepted")
	}
	if got := diags.Sorted(); len(got) != 1 || got[0].Code != "too-large" {
		t.Fatalf("diagnostics = %v", got)
	}
}

// FuzzDecode: loading any input yields a document or positioned diagnostics, never a panic.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("arazzo: 1.0.1\ninfo: {title: t, version: '1'}\nsourceDescriptions: [{name: a, url: ./a.yaml}]\nworkflows: [{workflowId: w, steps: [{stepId: s, operationId: op, onFailure: [{name: r, type: retry}]}]}]\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("workflows: {x: 1}\ncomponents: {parameters: {p: [1]}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var diags diag.List
		root := ParseYAML("fuzz.yaml", data, &diags)
		if root == nil {
			if !diags.HasErrors() {
				t.Fatal("no document and no error")
			}
			return
		}
		Decode("fuzz.yaml", root, &diags)
		for _, d := range diags.Sorted() {
			if d.Pos.File != "fuzz.yaml" {
				t.Fatalf("diagnostic without the file: %v", d)
			}
		}
	})
}
