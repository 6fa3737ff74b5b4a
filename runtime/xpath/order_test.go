package xpath

import (
	"fmt"
	"testing"
)

// checkDocumentOrder walks a document in the order §5 defines (an element, then its
// namespace nodes, then its attributes, then its children) and checks that order numbers
// strictly increase along it; namespace nodes made on demand beyond the numbers Parse
// reserved would collide with the attributes or children after them. Sorting,
// deduplication and unions depend on this order.
func checkDocumentOrder(d *Document) error {
	last := -1
	visit := func(n *Node) error {
		if n.ord <= last {
			return fmt.Errorf("%s %q has order %d after %d", n.Type(), n.Name(), n.ord, last)
		}
		last = n.ord
		return nil
	}
	var walk func(n *Node) error
	walk = func(n *Node) error {
		if err := visit(n); err != nil {
			return err
		}
		if n.typ == ElementNode {
			for _, x := range n.namespaces() {
				if err := visit(x); err != nil {
					return err
				}
			}
			for _, x := range n.attrs {
				if err := visit(x); err != nil {
					return err
				}
			}
		}
		for i, c := range n.children {
			if c.parent != n || int(c.idx) != i {
				return fmt.Errorf("child %d of %q has parent %p index %d", i, n.Name(), c.parent, c.idx)
			}
			if err := walk(c); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(d.root)
}

func TestDocumentOrder(t *testing.T) {
	for _, doc := range []string{libraryDoc, nsDoc, axesDoc, fuzzDoc, string(ordersResponse(5)),
		`<a xmlns="u" xmlns:p="v"><b xmlns="" xmlns:p="w" p:x="1"><c xmlns="u2"/></b></a>`} {
		d, err := Parse([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if err := checkDocumentOrder(d); err != nil {
			t.Errorf("%.30q: %v", doc, err)
		}
	}
}
