package xpath

import (
	"encoding/xml"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestMalformedDocuments(t *testing.T) {
	for _, c := range []struct{ doc, msg string }{
		{"", "empty document"},
		{" \n\t", "empty document"},
		{"<a>", "<a> is not closed"},
		{"<a><b></a>", "element <b> closed by </a>"},
		{`<p:a xmlns:p="u"></q:a>`, "element <p:a> closed by </q:a>"},
		{"<a/><b/>", "more than one document element"},
		{"text", "character data outside the document element"},
		{"<a/>junk", "character data outside the document element"},
		{"<![CDATA[x]]><a/>", "character data outside the document element"},
		{"</a>", "unexpected end tag"},
		{"<!-- only a comment -->", "no document element"},
		{"<p:a/>", `namespace prefix "p" of p:a is not declared`},
		{`<a p:x="1"/>`, `namespace prefix "p" of p:x is not declared`},
		{`<a xmlns:p=""/>`, `prefix "p" cannot be undeclared`},
		{`<a xmlns:xmlns="urn:x"/>`, "the xmlns prefix cannot be declared"},
		{`<a xmlns:xml="urn:x"/>`, "the xml prefix can only be bound"},
		{`<a xmlns:p="http://www.w3.org/XML/1998/namespace"/>`, "cannot be bound"},
		{`<a xmlns="http://www.w3.org/2000/xmlns/"/>`, "the default namespace cannot be"},
		{`<xmlns:a/>`, "reserved prefix xmlns"},
		{`<:a/>`, "not a valid qualified name"},
		{`<a x="1" x="2"/>`, "attribute x repeated"},
		{`<a xmlns:p="u" xmlns:q="u" p:x="1" q:x="2"/>`, "attribute q:x repeated"},
		{`<a>&undefined;</a>`, "invalid character entity"},
		{`<a>&#0;</a>`, "illegal character code"},
		{"<?xml version='1.0' encoding='EBCDIC'?><a/>", `unsupported encoding "EBCDIC"`},
		{"<?xml version='1.0' encoding='US-ASCII'?><a>\xe9</a>", "is not US-ASCII"},
		{"<?xml version='2.0'?><a/>", "unsupported version"},
		{"<a/><?xml version='1.0'?>", "XML declaration is allowed only at the start"},
		{"<a><!DOCTYPE a></a>", "after the start of the document element"},
		{"<a b=c/>", "unquoted or missing attribute value"},
		{"<a><?xml-stylesheet href='x'?><?p:q?></a>", "contains a colon"},
	} {
		_, err := Parse([]byte(c.doc))
		var de *DocumentError
		if !errors.As(err, &de) {
			t.Errorf("Parse(%q): got %v, want a *DocumentError", c.doc, err)
			continue
		}
		if !strings.Contains(de.Msg, c.msg) {
			t.Errorf("Parse(%q): got %q, want …%s…", c.doc, de.Msg, c.msg)
		}
		// Evaluate and Match report the same error: an Arazzo criterion fails.
		e := MustCompile("true()")
		if ok, err := e.Match([]byte(c.doc)); ok || !errors.As(err, &de) {
			t.Errorf("Match(%q) = %v, %v; want false and a *DocumentError", c.doc, ok, err)
		}
	}
}

func TestDocumentErrorDetails(t *testing.T) {
	_, err := Parse([]byte("<a>\n<b>\n</c></a>"))
	var de *DocumentError
	if !errors.As(err, &de) || de.Line != 3 {
		t.Fatalf("got %v, want a DocumentError on line 3", err)
	}
	if got, want := err.Error(), "xpath: invalid XML document: line 3: element <b> closed by </c>"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	_, err = Parse([]byte("<a>\n&bogus;</a>"))
	var se *xml.SyntaxError
	if !errors.As(err, &se) || !errors.As(err, &de) || de.Line != 2 {
		t.Errorf("got %v, want a DocumentError on line 2 wrapping *xml.SyntaxError", err)
	}
}

func nested(depth int) []byte {
	return []byte(strings.Repeat("<a>", depth) + "x" + strings.Repeat("</a>", depth))
}

func TestDepthBound(t *testing.T) {
	_, err := Parse(nested(MaxDepth + 1))
	var de *DocumentError
	if !errors.Is(err, ErrTooDeep) || !errors.As(err, &de) {
		t.Fatalf("Parse at depth %d: got %v, want ErrTooDeep", MaxDepth+1, err)
	}
	// A bound that rejects before reading the rest: a document that is only opening tags
	// fails on depth, not on the missing end tags.
	_, err = Parse([]byte(strings.Repeat("<a>", 3*MaxDepth)))
	if !errors.Is(err, ErrTooDeep) {
		t.Fatalf("unterminated deep document: got %v, want ErrTooDeep", err)
	}

	// At the bound everything works, and walking the deep tree is iterative.
	d, err := Parse(nested(MaxDepth))
	if err != nil {
		t.Fatalf("Parse at depth %d: %v", MaxDepth, err)
	}
	for src, want := range map[string]string{
		"count(//a)":                             fmt.Sprintf("n:%d", MaxDepth),
		"string(/)":                              `"x"`,
		"count(//a[not(a)]/ancestor::a)":         fmt.Sprintf("n:%d", MaxDepth-1),
		"count(//text()/preceding::node())":      "n:0",
		"count(/a/descendant-or-self::node())":   fmt.Sprintf("n:%d", MaxDepth+1),
		"count((//a)[last()]/following::node())": "n:0",
	} {
		v, err := MustCompile(src).EvaluateDocument(d)
		if err != nil || describe(v) != want {
			t.Errorf("%s = %s, %v; want %s", src, describe(v), err, want)
		}
	}
}

func TestNodeAPI(t *testing.T) {
	d, err := Parse([]byte(`<r xmlns:p="urn:p"><p:e p:a="1" b="2">t<!--c--><?pi x?></p:e></r>`))
	if err != nil {
		t.Fatal(err)
	}
	root := d.Root()
	if root.Type() != DocumentNode || root.Parent() != nil {
		t.Errorf("root: %s, parent %v", root.Type(), root.Parent())
	}
	// The string-value of the root is its text descendants only, not comments or PIs.
	if got := root.StringValue(); got != "t" {
		t.Errorf("root string-value %q, want %q", got, "t")
	}
	r := slices.Collect(root.Children())
	if len(r) != 1 || r[0].Name() != "r" || r[0].Parent() != root {
		t.Fatalf("root children %v", r)
	}
	e := slices.Collect(r[0].Children())[0]
	if e.Type() != ElementNode || e.Name() != "p:e" || e.LocalName() != "e" || e.NamespaceURI() != "urn:p" {
		t.Errorf("element: %s %s %s %s", e.Type(), e.Name(), e.LocalName(), e.NamespaceURI())
	}
	var attrs []string
	for a := range e.Attributes() {
		attrs = append(attrs, fmt.Sprintf("%s %s{%s}%s=%s", a.Type(), a.Name(), a.NamespaceURI(), a.LocalName(), a.StringValue()))
		if a.Parent() != e {
			t.Errorf("attribute parent %v", a.Parent())
		}
	}
	if want := []string{"attribute p:a{urn:p}a=1", "attribute b{}b=2"}; !slices.Equal(attrs, want) {
		t.Errorf("attributes %q, want %q", attrs, want)
	}
	var kinds []string
	for c := range e.Children() {
		kinds = append(kinds, c.Type().String()+":"+c.Name()+":"+c.StringValue())
	}
	if want := []string{"text::t", "comment::c", "processing-instruction:pi:x"}; !slices.Equal(kinds, want) {
		t.Errorf("children %q, want %q", kinds, want)
	}

	v, _ := MustCompile("count(//*)").EvaluateDocument(d)
	if v.Nodes() != nil || v.Type() != NumberValue || v.Number() != 2 || v.String() != "2" || !v.Boolean() {
		t.Errorf("number value: %v %s %v %q %v", v.Nodes(), v.Type(), v.Number(), v.String(), v.Boolean())
	}
	v, _ = MustCompile("//@*").EvaluateDocument(d)
	if len(v.Nodes()) != 2 || v.String() != "1" || v.Number() != 1 || !v.Boolean() {
		t.Errorf("node-set value: %d %q %v", len(v.Nodes()), v.String(), v.Number())
	}
	var zero Value
	if zero.Type() != NodeSetValue || zero.Boolean() || zero.String() != "" || zero.Number() == zero.Number() {
		t.Errorf("zero Value is not an empty node-set")
	}
	if _, err := MustCompile("1").EvaluateDocument(nil); err == nil {
		t.Error("EvaluateDocument(nil): no error")
	}
}

func TestMatch(t *testing.T) {
	doc := []byte(libraryDoc)
	for src, want := range map[string]bool{
		"//book":                 true,
		"//nothing":              false,
		"count(//nothing)":       false,
		"count(//book)":          true,
		"'x'":                    true,
		"''":                     false,
		"0 div 0":                false,
		"-1":                     true,
		"//book[@id = 'b2']":     true,
		"//price > 100":          false,
		"string(//nothing)":      false,
		"boolean(//book/@year)":  true,
		"//book/title = 'Deux'":  true,
		"//book/title != 'Deux'": true,
	} {
		e := MustCompile(src)
		got, err := e.Match(doc)
		if err != nil || got != want {
			t.Errorf("Match(%q) = %v, %v; want %v", src, got, err, want)
		}
		d, _ := Parse(doc)
		if got, err := e.MatchDocument(d); err != nil || got != want {
			t.Errorf("MatchDocument(%q) = %v, %v; want %v", src, got, err, want)
		}
	}
	// A null context (no body) fails rather than matching.
	if ok, err := MustCompile("true()").Match(nil); ok || err == nil {
		t.Errorf("Match(nil) = %v, %v; want false and an error", ok, err)
	}
}

func TestMustCompilePanics(t *testing.T) {
	defer func() {
		if _, ok := recover().(*SyntaxError); !ok {
			t.Error("MustCompile did not panic with a *SyntaxError")
		}
	}()
	MustCompile("a[")
}

func TestExprString(t *testing.T) {
	if got := MustCompile(" //a ").String(); got != " //a " {
		t.Errorf("String() = %q", got)
	}
}

// TestConcurrentEvaluation shares one Document and one Expr between goroutines; run with
// -race it checks that evaluation, including on-demand namespace nodes, does not write to
// either.
func TestConcurrentEvaluation(t *testing.T) {
	d, err := Parse([]byte(nsDoc))
	if err != nil {
		t.Fatal(err)
	}
	e := MustCompile("count(//namespace::*) + count(//p:item)", Namespaces(nsBindings))
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 50 {
				v, err := e.EvaluateDocument(d)
				if err != nil || v.Number() != 20 {
					t.Errorf("got %v, %v", v.Number(), err)
					return
				}
			}
		})
	}
	wg.Wait()
}
