package ir

import (
	"strings"
	"testing"

	"github.com/arazzogen/arazzogen/generator/internal/expr"
	"github.com/arazzogen/arazzogen/generator/internal/types"
)

func TestJSONSkeleton(t *testing.T) {
	cases := []struct {
		template string
		skeleton string
		inString []bool // per expression part, in order
	}{
		{`{"a": "{$inputs.x}", "b": {$inputs.y}}`, `{"a": "", "b": null}`, []bool{true, false}},
		{`{"q": "say \"{$inputs.x}\"", "n": [{$inputs.y}]}`, `{"q": "say \"\"", "n": [null]}`, []bool{true, false}},
		{`{"esc\\": {$inputs.x}}`, `{"esc\\": null}`, []bool{false}},
		{`["{$inputs.x}{$inputs.y}"]`, `[""]`, []bool{true, true}},
		{`{"s": "$inputs.x"}`, `{"s": ""}`, []bool{true}},
	}
	for _, c := range cases {
		pv, err := expr.ParseValue(c.template)
		if err != nil {
			t.Fatalf("%s: %v", c.template, err)
		}
		skel, in, _ := jsonSkeleton(pv.Parts)
		if skel != c.skeleton {
			t.Errorf("%s: skeleton %s, want %s", c.template, skel, c.skeleton)
		}
		var got []bool
		for i, p := range pv.Parts {
			if p.Expr != nil {
				got = append(got, in[i])
			}
		}
		if len(got) != len(c.inString) {
			t.Errorf("%s: %d expressions, want %d", c.template, len(got), len(c.inString))
			continue
		}
		for i := range got {
			if got[i] != c.inString[i] {
				t.Errorf("%s: expression %d inside a string = %v, want %v", c.template, i, got[i], c.inString[i])
			}
		}
	}
}

func TestJSONSkeletonErrorOffset(t *testing.T) {
	template := `{"a": {$inputs.x}, "b": }`
	pv, _ := expr.ParseValue(template)
	skel, _, spans := jsonSkeleton(pv.Parts)
	e := validJSON(skel)
	if e == nil {
		t.Fatalf("%s must be invalid", skel)
	}
	if off := spans.original(e.offset - 1); template[off] != '}' || off != len(template)-1 {
		t.Errorf("error maps to offset %d (%q), want the final '}'", off, template[off:])
	}
	if validJSON(`{"a": 1} x`) == nil {
		t.Error("text after the value must be an error")
	}
}

func lit(s string) *Value {
	return &Value{Kind: VLit, Type: types.Type{Kind: types.Raw}, JSON: s}
}

func TestSplice(t *testing.T) {
	payload := lit(`{"pet":{"name":"x","tags":["a"]},"n":1}`)
	input := &Value{Kind: VInput, Type: types.Type{Kind: types.Raw}, Src: "$inputs.o", Field: &Field{GoName: "O"}}
	obj := &Value{Kind: VObject, Type: types.Type{Kind: types.Raw}, Keys: []string{"o", "s"}, FieldNames: []string{"O", "S"},
		Elems: []*Value{input, {Kind: VInput, Type: types.Type{Kind: types.String}, Src: "$inputs.s", Field: &Field{GoName: "S"}}}}
	str := &Value{Kind: VLit, Type: types.Type{Kind: types.String}, JSON: `"v"`, Text: "v"}
	cases := []struct {
		in     *Value
		target string
		want   string // the folded literal, "runtime", or "bad:<token index>"
	}{
		{payload, "/pet/name", `{"pet":{"name":"v","tags":["a"]},"n":1}`},
		{payload, "/pet/tags/0", `{"pet":{"name":"x","tags":["v"]},"n":1}`},
		{payload, "/pet/tags/-", `{"pet":{"name":"x","tags":["a","v"]},"n":1}`},
		{payload, "/pet/age", `{"pet":{"name":"x","tags":["a"],"age":"v"},"n":1}`},
		{payload, "", `"v"`},
		{payload, "/pet/owner/name", "bad:1"},
		{payload, "/pet/tags/1", "bad:2"},
		{payload, "/pet/tags/01", "bad:2"},
		{payload, "/n/x", "bad:1"},
		{obj, "/o/deep", "runtime"},
		{obj, "/s/x", "bad:1"},
	}
	for _, c := range cases {
		var tokens []string
		if c.target != "" {
			tokens = strings.Split(c.target[1:], "/")
		}
		out, done, bad, _ := splice(c.in, tokens, str)
		got := "runtime"
		switch {
		case bad >= 0:
			got = "bad:" + string(rune('0'+bad))
		case done:
			got = refold(out).JSON
		}
		if got != c.want {
			t.Errorf("splice(%s) = %s, want %s", c.target, got, c.want)
		}
	}
	if payload.JSON != `{"pet":{"name":"x","tags":["a"]},"n":1}` {
		t.Error("splice must not change the payload it was given")
	}
}

func TestDefaultContentType(t *testing.T) {
	cases := []struct {
		declared []string
		want     string
	}{
		{nil, "application/json"},
		{[]string{"application/xml", "application/json"}, "application/json"},
		{[]string{"text/plain", "application/vnd.api+json"}, "application/vnd.api+json"},
		{[]string{"application/x-www-form-urlencoded", "multipart/form-data"}, "application/x-www-form-urlencoded"},
		{[]string{"*/*"}, "application/json"},
		{[]string{"application/*", "text/csv"}, "text/csv"},
	}
	for _, c := range cases {
		if got := defaultContentType(c.declared); got != c.want {
			t.Errorf("defaultContentType(%v) = %s, want %s", c.declared, got, c.want)
		}
	}
}

func TestClassifyMedia(t *testing.T) {
	cases := map[string]mediaKind{
		"application/json": mediaJSON, "application/problem+json": mediaJSON,
		"application/x-www-form-urlencoded": mediaForm, "multipart/form-data": mediaMultipart,
		"application/xml": mediaXML, "text/xml": mediaXML, "application/atom+xml": mediaXML,
		"text/plain": mediaText, "text/csv": mediaText, "application/octet-stream": mediaOther,
		"multipart/mixed": mediaOther,
	}
	for mt, want := range cases {
		if got := classifyMedia(mt); got != want {
			t.Errorf("classifyMedia(%s) = %d, want %d", mt, got, want)
		}
	}
}
