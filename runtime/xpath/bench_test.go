package xpath

import (
	"fmt"
	"strings"
	"testing"
)

// ordersResponse builds a SOAP response of the kind an Arazzo step receives from an XML
// API: an envelope, a header, and n orders with attributes, nested items and mixed
// namespaces. With n = 200 it is about 100 KiB.
func ordersResponse(n int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:o="urn:example:orders">
  <soap:Header><o:RequestId>7f3c9a</o:RequestId></soap:Header>
  <soap:Body>
    <o:ListOrdersResponse>
      <o:Result><o:Status>OK</o:Status><o:Count>`)
	fmt.Fprint(&b, n)
	b.WriteString("</o:Count></o:Result>\n")
	statuses := []string{"pending", "shipped", "delivered", "cancelled"}
	for i := range n {
		fmt.Fprintf(&b, `      <o:Order id="ord-%04d" created="2024-05-%02dT10:00:00Z">
        <o:Customer ref="cus-%d"><o:Name>Customer %d</o:Name><o:Email>c%d@example.com</o:Email></o:Customer>
        <o:Status>%s</o:Status>
        <o:Items>
`, i, i%28+1, i%37, i%37, i%37, statuses[i%len(statuses)])
		total := 0
		for j := range 3 {
			price := (i*7+j*13)%90 + 10
			total += price
			fmt.Fprintf(&b, `          <o:Item sku="SKU-%d-%d" qty="%d"><o:Price currency="EUR">%d.00</o:Price><!-- line %d --></o:Item>
`, i, j, j+1, price, j)
		}
		fmt.Fprintf(&b, "        </o:Items>\n        <o:Total>%d.00</o:Total>\n      </o:Order>\n", total)
	}
	b.WriteString("    </o:ListOrdersResponse>\n  </soap:Body>\n</soap:Envelope>\n")
	return []byte(b.String())
}

var benchNS = map[string]string{
	"soap": "http://schemas.xmlsoap.org/soap/envelope/",
	"o":    "urn:example:orders",
}

// benchExprs are success criteria and selectors of the shapes Arazzo workflows use, each
// with the result it must give on ordersResponse(200).
var benchExprs = []struct {
	name, src string
	want      bool
}{
	{"status", "/soap:Envelope/soap:Body/o:ListOrdersResponse/o:Result/o:Status = 'OK'", true},
	{"filter", "//o:Order[o:Status = 'shipped' and number(o:Total) > 250]", true},
	{"count", "count(//o:Order) = /soap:Envelope/soap:Body/o:ListOrdersResponse/o:Result/o:Count", true},
	{"position", "//o:Order[last()]/o:Items/o:Item[1]/@sku = 'SKU-199-0'", true},
	{"missing", "//o:Order[@id = 'ord-9999']", false},
}

func BenchmarkMatch(b *testing.B) {
	doc := ordersResponse(200)
	for _, c := range benchExprs {
		e := MustCompile(c.src, Namespaces(benchNS))
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				ok, err := e.Match(doc)
				if err != nil || ok != c.want {
					b.Fatalf("Match = %v, %v; want %v", ok, err, c.want)
				}
			}
		})
	}
}

// BenchmarkMatchDocument is Match without the parse, the cost of each further criterion on
// an already parsed response.
func BenchmarkMatchDocument(b *testing.B) {
	d, err := Parse(ordersResponse(200))
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range benchExprs {
		e := MustCompile(c.src, Namespaces(benchNS))
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ok, err := e.MatchDocument(d)
				if err != nil || ok != c.want {
					b.Fatalf("MatchDocument = %v, %v; want %v", ok, err, c.want)
				}
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	doc := ordersResponse(200)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(benchExprs[1].src, Namespaces(benchNS)); err != nil {
			b.Fatal(err)
		}
	}
}
