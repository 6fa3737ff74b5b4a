package xpath

import (
	"errors"
	"testing"
)

const fuzzDoc = `<?xml version="1.0"?>
<!--c--><r xmlns:p="urn:p" xml:lang="en">
  <a id="1" p:x="y" xml:id="i1">t1<b>2</b><![CDATA[c]]></a>
  <p:a><?pi d?><b xmlns="urn:q">3.5</b></p:a>
  <c/>
</r>`

// FuzzCompile checks that Compile never panics, that its errors are positioned
// *SyntaxErrors inside the expression, and that whatever compiles evaluates without
// panicking to a value of the expression's static type.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		"//a[1]", "count(//b) > 1", "/r/p:a/b", "//@*[. = 'y']", "a eq b",
		"substring('12345', 1.5, 2.6)", "(//a | //b)[last()]/following::node()",
		"namespace::*", "-(1 div 0)", "id('i1')/ancestor-or-self::*[2]", "'it''s'",
		"translate(normalize-space(.), 'abc', 'AB')", "//b[lang('en')][position() mod 2]",
	} {
		f.Add(s)
	}
	doc, err := Parse([]byte(fuzzDoc))
	if err != nil {
		f.Fatal(err)
	}
	ns := map[string]string{"p": "urn:p", "q": "urn:q"}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Compile(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Compile(%q): error of type %T: %v", src, err, err)
			}
			if se.Offset < 0 || se.Offset > len(src) {
				t.Fatalf("Compile(%q): offset %d outside the expression", src, se.Offset)
			}
			return
		}
		if bound, err := e.WithNamespaces(ns); err == nil {
			e = bound
		} else if !errors.As(err, new(*PrefixError)) {
			t.Fatalf("WithNamespaces(%q): error of type %T: %v", src, err, err)
		}
		v, err := e.EvaluateDocument(doc)
		if err != nil {
			if !errors.As(err, new(*PrefixError)) {
				t.Fatalf("Evaluate(%q): error of type %T: %v", src, err, err)
			}
			return
		}
		if v.Type() != e.Type() {
			t.Fatalf("Evaluate(%q): %s result, static type %s", src, v.Type(), e.Type())
		}
		_, _, _ = v.String(), v.Number(), v.Boolean()
	})
}

// FuzzParse checks that Parse never panics and that a parsed document supports the axes
// that walk the whole tree.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		fuzzDoc, libraryDoc, nsDoc, axesDoc, "<a/>", "<a>", "<a xmlns:p='u'><p:b/></a>",
		"<?xml version='1.0' encoding='ISO-8859-1'?><a>\xe9</a>", "<!DOCTYPE a><a>&amp;</a>",
	} {
		f.Add([]byte(s))
	}
	exprs := []*Expr{
		MustCompile("count(//node() | //@* | //namespace::*)"),
		MustCompile("//node()/preceding::node()[1]/following-sibling::node()[last()]"),
		MustCompile("string(/) = //*/@*"),
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(data)
		if err != nil {
			if !errors.As(err, new(*DocumentError)) {
				t.Fatalf("Parse: error of type %T: %v", err, err)
			}
			return
		}
		for _, e := range exprs {
			if _, err := e.EvaluateDocument(d); err != nil {
				t.Fatalf("%s: %v", e, err)
			}
		}
	})
}
