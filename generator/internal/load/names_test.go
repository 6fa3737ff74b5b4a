package load

import (
	"strings"
	"testing"

	"github.com/arazzogen/arazzogen/generator/internal/diag"
)

// Every kind of name with a character that does not show as itself is an error at the name.
func TestHiddenCharactersInNames(t *testing.T) {
	src := `arazzo: 1.0.1
info: {title: t, version: "1"}
sourceDescriptions:
  - {name: "api\u202e", url: ./api.yaml}
workflows:
  - workflowId: "w\r"
    inputs:
      type: object
      properties:
        "id\x1b[2J": {type: string}
    steps:
      - stepId: "one\u2028"
        operationId: op
        parameters:
          - {name: "X-Key\x00", in: header, value: x}
        outputs:
          "out\ufeff": $statusCode
        onSuccess:
          - {name: "done\u200b", type: end}
components:
  inputs:
    "shared\u2066": {type: object}
  parameters:
    "p\t": {name: q, in: query, value: "1"}
`
	var diags diag.List
	root := ParseYAML("f.yaml", []byte(src), &diags)
	if root == nil {
		t.Fatalf("parse: %v", diags.Sorted())
	}
	Decode("f.yaml", root, &diags)
	var got []string
	for _, d := range diags.Sorted() {
		if d.Code == "hidden-character" {
			got = append(got, d.Pos.String()+" "+d.Msg[:strings.Index(d.Msg, ";")])
		}
	}
	want := []string{
		`f.yaml:4:12 sourceDescription name "api\u202e" holds the bidirectional control U+202E`,
		`f.yaml:6:17 workflowId "w\r" holds the control character U+000D`,
		`f.yaml:10:9 property name "id\x1b[2J" holds the control character U+001B`,
		`f.yaml:12:17 stepId "one\u2028" holds the line separator U+2028`,
		`f.yaml:15:20 parameter name "X-Key\x00" holds the control character U+0000`,
		`f.yaml:17:11 output name "out\ufeff" holds the byte order mark U+FEFF`,
		`f.yaml:19:20 action name "done\u200b" holds the format character U+200B`,
		`f.yaml:22:5 component name "shared\u2066" holds the bidirectional control U+2066`,
		`f.yaml:24:5 component name "p\t" holds the control character U+0009`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
