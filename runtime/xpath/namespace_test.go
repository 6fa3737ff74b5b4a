package xpath

import (
	"errors"
	"testing"
)

const nsDoc = `<root xmlns="urn:default" xmlns:a="urn:a">
<item a:attr="1" plain="2">one</item>
<a:item>two</a:item>
<other xmlns="" xmlns:b="urn:a"><item>three</item><b:item>four</b:item></other>
</root>`

var nsBindings = map[string]string{"d": "urn:default", "p": "urn:a"}

func TestNamespaces(t *testing.T) {
	const xmlNS = "ns:xml=http://www.w3.org/XML/1998/namespace"
	runCases(t, nsDoc, nsBindings, []evalCase{
		// Unprefixed name tests mean "no namespace", never the document's default.
		{"string(//item)", `"three"`},
		{"count(//item)", "n:1"},
		{"string(//d:item)", `"one"`},
		// Matching is by namespace URI: a: and b: are the same namespace, p: in the
		// expression.
		{"//p:item", "{a:item b:item}"},
		{"//p:*", "{a:item b:item}"},
		{"//d:*", "{root item}"},
		{"//@p:attr", "{@a:attr=1}"},
		{"//@d:plain", "{}"}, // unprefixed attributes are in no namespace
		{"//d:item/@plain", "{@plain=2}"},
		{"//@*[namespace-uri() = 'urn:a']", "{@a:attr=1}"},
		{"name((//p:item)[2])", `"b:item"`},
		{"local-name((//p:item)[2])", `"item"`},
		{"namespace-uri(/*)", `"urn:default"`},
		{"namespace-uri(//other)", `""`},
		// Namespace nodes: one per in-scope prefix, including the implicit xml one.
		{"/d:root/namespace::*", "{ns:=urn:default ns:a=urn:a " + xmlNS + "}"},
		{"/d:root/other/namespace::*", "{ns:a=urn:a ns:b=urn:a " + xmlNS + "}"},
		{"/d:root/namespace::a", "{ns:a=urn:a}"},
		{"name(/*/namespace::a)", `"a"`},
		{"namespace-uri(/*/namespace::a)", `""`},
		{"count(/*/namespace::* | /*/namespace::*)", "n:3"},
		{"/*/namespace::a/parent::*", "{root}"},
		{"count(/*/namespace::node())", "n:3"},
		{"/*/namespace::p:a", "{}"}, // namespace nodes have no namespace URI
		{"/*/namespace::*[. = 'urn:a']", "{ns:a=urn:a}"},
		{"count(//namespace::*)", "n:18"},
		{"(/*/namespace::*)[2]", "{ns:a=urn:a}"},
		{"//d:item/namespace::* | //d:item/@*", "{ns:=urn:default ns:a=urn:a " + xmlNS + " @a:attr=1 @plain=2}"},
		{"/*/namespace::a/following::*[1]", "{item}"},
		{"count(/*/namespace::a/ancestor::node())", "n:2"},
	})
}

func TestXMLPrefixIsAlwaysBound(t *testing.T) {
	runCases(t, `<r xml:lang="de"><s xml:space="preserve"/></r>`, nil, []evalCase{
		{"string(/r/@xml:lang)", `"de"`},
		{"name(//@xml:*)", `"xml:lang"`},
		{"count(//@xml:*)", "n:2"},
	})
}

func TestUnboundPrefix(t *testing.T) {
	// With bindings given at Compile, an unbound prefix is a compile-time error.
	_, err := Compile("//d:item | //q:item", Namespaces(nsBindings))
	var pe *PrefixError
	if !errors.As(err, &pe) || pe.Prefix != "q" || pe.Offset != 13 {
		t.Fatalf("Compile with bindings: got %v, want PrefixError q at 13", err)
	}

	// Without bindings the expression compiles (WithNamespaces may bind it later), but
	// evaluating it fails before the document is even read.
	e, err := Compile("//d:item | //q:item")
	if err != nil {
		t.Fatalf("Compile without bindings: %v", err)
	}
	for _, doc := range []string{nsDoc, "not xml"} {
		_, err = e.Evaluate([]byte(doc))
		if !errors.As(err, &pe) || pe.Prefix != "d" || pe.Offset != 2 {
			t.Errorf("Evaluate(%.10q): got %v, want PrefixError d at 2", doc, err)
		}
	}
	d, _ := Parse([]byte(nsDoc))
	if _, err := e.EvaluateDocument(d); !errors.As(err, &pe) {
		t.Errorf("EvaluateDocument: got %v, want PrefixError", err)
	}
	if ok, err := e.Match([]byte(nsDoc)); ok || !errors.As(err, &pe) {
		t.Errorf("Match: got %v, %v, want false and PrefixError", ok, err)
	}

	// WithNamespaces must bind every prefix.
	if _, err := e.WithNamespaces(map[string]string{"d": "urn:default"}); !errors.As(err, &pe) || pe.Prefix != "q" {
		t.Errorf("WithNamespaces missing q: got %v", err)
	}
	bound, err := e.WithNamespaces(map[string]string{"d": "urn:default", "q": "urn:a"})
	if err != nil {
		t.Fatalf("WithNamespaces: %v", err)
	}
	v, err := bound.Evaluate([]byte(nsDoc))
	if err != nil || describe(v) != "{item a:item b:item}" {
		t.Errorf("bound expression: got %s, %v", describe(v), err)
	}
	// The original is unchanged, and later bindings override earlier ones.
	if _, err := e.Evaluate([]byte(nsDoc)); !errors.As(err, &pe) {
		t.Errorf("original expression after WithNamespaces: got %v, want PrefixError", err)
	}
	rebound, err := bound.WithNamespaces(map[string]string{"q": "urn:nothing"})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := rebound.Evaluate([]byte(nsDoc)); describe(v) != "{item}" {
		t.Errorf("rebound expression: got %s, want {item}", describe(v))
	}
}

func TestInvalidBindings(t *testing.T) {
	for _, ns := range []map[string]string{
		{"": "urn:default"},
		{"xmlns": "urn:x"},
		{"xml": "urn:not-xml"},
		{"p": ""},
		{"1p": "urn:x"},
		{"a:b": "urn:x"},
	} {
		if _, err := Compile("//a", Namespaces(ns)); err == nil {
			t.Errorf("Compile with %v: no error", ns)
		}
		if _, err := MustCompile("//a").WithNamespaces(ns); err == nil {
			t.Errorf("WithNamespaces(%v): no error", ns)
		}
	}
	if _, err := Compile("//xml:a", Namespaces(map[string]string{"xml": xmlURI})); err != nil {
		t.Errorf("binding xml to its own namespace: %v", err)
	}
}
