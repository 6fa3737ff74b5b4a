package ir

import (
	"reflect"
	"strings"
	"testing"

	"github.com/arazzogen/arazzogen/generator/internal/expr"
	"github.com/arazzogen/arazzogen/generator/internal/types"
)

// textParts turns a template into the parts of a text body: each expression becomes an
// input value named after it.
func textParts(t *testing.T, template string) []TextPart {
	t.Helper()
	pv, err := expr.ParseValue(template)
	if err != nil {
		t.Fatalf("%s: %v", template, err)
	}
	var parts []TextPart
	for _, p := range pv.Parts {
		if p.Expr == nil {
			parts = append(parts, TextPart{Lit: p.Lit})
			continue
		}
		f := &Field{GoName: GoName(p.Expr.Name), JSONName: p.Expr.Name, Type: types.Type{Kind: types.String}}
		parts = append(parts, TextPart{Value: &Value{Kind: VInput, Field: f, Type: f.Type, Src: p.Expr.Raw}})
	}
	return parts
}

// describe renders a value of a form field: literal text quoted, inputs by name, templates
// as their parts joined with '+'.
func describe(v *Value) string {
	switch v.Kind {
	case VLit:
		return `"` + v.Text + `"`
	case VInput:
		return v.Field.JSONName
	case VTemplate:
		var parts []string
		for _, p := range v.Parts {
			parts = append(parts, describe(p))
		}
		return strings.Join(parts, "+")
	}
	return "?"
}

func TestFormFields(t *testing.T) {
	cases := []struct {
		text string
		want []string // name=value, values as describe renders them
	}{
		{`a=1&b=two`, []string{`a="1"`, `b="two"`}},
		{`customerName={$inputs.name}&location=Lviv`, []string{`customerName=name`, `location="Lviv"`}},
		{`city=Lviv%20West&q=a+b%26c`, []string{`city="Lviv West"`, `q="a b&c"`}},
		{`id=pre-{$inputs.id}-{$inputs.n}x`, []string{`id="pre-"+id+"-"+n+"x"`}},
		{`a&b=&&c=3`, []string{`a=""`, `b=""`, `c="3"`}},
		{`na%20me=1`, []string{`na me="1"`}},
	}
	for _, c := range cases {
		obj, ok := formFields(textParts(t, c.text))
		if !ok {
			t.Errorf("%s: not read as fields", c.text)
			continue
		}
		var got []string
		for i, k := range obj.Keys {
			got = append(got, k+"="+describe(obj.Elems[i]))
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.text, got, c.want)
		}
	}
	for _, bad := range []string{`{$inputs.name}=1`, `a{$inputs.x}=1`, `a=%zz`} {
		if _, ok := formFields(textParts(t, bad)); ok {
			t.Errorf("%s: read as fields", bad)
		}
	}
}

func TestPointInto(t *testing.T) {
	in := &Field{GoName: "Order", JSONName: "order", Type: types.Type{Kind: types.Raw}}
	n := &Field{GoName: "N", JSONName: "n", Type: types.Type{Kind: types.Int64}}
	payload := &Value{Kind: VObject, Keys: []string{"lit", "order", "n", "list"}, Elems: []*Value{
		{Kind: VLit, Type: types.Type{Kind: types.Raw}, JSON: `{"a":[1,"x"]}`},
		{Kind: VInput, Field: in, Type: in.Type},
		{Kind: VInput, Field: n, Type: n.Type},
		{Kind: VArray, Elems: []*Value{{Kind: VInput, Field: n, Type: n.Type}}},
	}}
	cases := []struct {
		pointer []string
		want    string // "nil" when the value is left to run time
	}{
		{[]string{"lit", "a", "1"}, `lit "x"`},
		{[]string{"order", "items", "0"}, `input order /items/0`},
		{[]string{"n"}, `input n`},
		{[]string{"list", "0"}, `input n`},
		{[]string{"n", "x"}, "nil"},    // a scalar has no members
		{[]string{"lit", "b"}, "nil"},  // no such member
		{[]string{"list"}, "nil"},      // an array built at run time: read as sent
		{[]string{}, "nil"},            // the whole payload, likewise
		{[]string{"list", "1"}, "nil"}, // out of range
		{[]string{"lit", "a"}, `lit [1,"x"]`},
	}
	for _, c := range cases {
		v := pointInto(payload, c.pointer)
		got := "nil"
		switch {
		case v == nil:
		case v.Kind == VLit:
			got = "lit " + v.JSON
		case v.Kind == VInput:
			got = "input " + v.Field.JSONName
			if len(v.Pointer) > 0 {
				got += " /" + strings.Join(v.Pointer, "/")
			}
		}
		if got != c.want {
			t.Errorf("%q: got %s, want %s", c.pointer, got, c.want)
		}
	}
}
