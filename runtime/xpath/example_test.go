package xpath_test

import (
	"fmt"

	"github.com/arazzogen/arazzogen/runtime/xpath"
)

const body = `<?xml version="1.0"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
  <s:Body>
    <r:Orders xmlns:r="urn:example:orders">
      <r:Order id="A1"><r:Status>shipped</r:Status><r:Total>120.50</r:Total></r:Order>
      <r:Order id="B2"><r:Status>pending</r:Status><r:Total>80</r:Total></r:Order>
    </r:Orders>
  </s:Body>
</s:Envelope>`

var ns = map[string]string{
	"soap": "http://schemas.xmlsoap.org/soap/envelope/",
	"o":    "urn:example:orders",
}

// An Arazzo success criterion of type xpath passes when boolean() of the result is true.
func ExampleExpr_Match() {
	criterion := xpath.MustCompile(`//o:Order[o:Status = 'shipped'] and sum(//o:Total) > 200`, xpath.Namespaces(ns))
	ok, err := criterion.Match([]byte(body))
	fmt.Println(ok, err)

	_, err = criterion.Match([]byte("<not-closed>"))
	fmt.Println(err)
	// Output:
	// true <nil>
	// xpath: invalid XML document: line 1: unexpected end of document: <not-closed> is not closed
}

// A selector picks a value: the string-value of the first selected node.
func ExampleExpr_Evaluate() {
	sel := xpath.MustCompile(`/soap:Envelope/soap:Body/o:Orders/o:Order[last()]/@id`, xpath.Namespaces(ns))
	v, _ := sel.Evaluate([]byte(body))
	fmt.Println(v.Type(), v.String())
	// Output: node-set B2
}

// One parsed body can serve several expressions.
func ExampleParse() {
	doc, err := xpath.Parse([]byte(body))
	if err != nil {
		panic(err)
	}
	for _, src := range []string{"count(//o:Order)", "string(//o:Order[1]/o:Total * 2)", "local-name(/*)"} {
		v, _ := xpath.MustCompile(src, xpath.Namespaces(ns)).EvaluateDocument(doc)
		fmt.Printf("%s = %s (%s)\n", src, v, v.Type())
	}
	// Output:
	// count(//o:Order) = 2 (number)
	// string(//o:Order[1]/o:Total * 2) = 241 (string)
	// local-name(/*) = Envelope (string)
}

func ExampleCompile_errors() {
	_, err := xpath.Compile(`//order[total gt 100]`)
	fmt.Println(err)
	_, err = xpath.Compile(`//o:order`, xpath.Namespaces(nil))
	fmt.Println(err)
	// Output:
	// xpath: syntax error at offset 14: "gt" is not an XPath 1.0 operator: the value comparison 'gt' is XPath 2.0; use >
	// xpath: namespace prefix "o" at offset 2 is not bound (bind it with Namespaces or WithNamespaces)
}
