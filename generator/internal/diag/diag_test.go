package diag

import "testing"

func TestStringEscapesHiddenCharacters(t *testing.T) {
	d := Diagnostic{Pos: Pos{File: "a\nb.yaml", Line: 2, Col: 3}, Severity: Error, Msg: "operation \"x\n*/ y\" \x1b[2K\u202eevil \xff", Hint: "tab\tkept, \u00a0space kept"}
	want := "a\\nb.yaml:2:3: error: operation \"x\\n*/ y\" \\x1b[2K\\u202eevil \\xff\n\thint: tab\tkept, \u00a0space kept"
	if got := d.String(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
