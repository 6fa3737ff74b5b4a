package xpath

import (
	"strconv"
	"strings"
	"testing"
)

// describe renders a Value independently of the package's own string conversions, so that
// tests compare against what the value is rather than against how String() formats it.
func describe(v Value) string {
	switch v.Type() {
	case NodeSetValue:
		parts := make([]string, 0, len(v.Nodes()))
		for _, n := range v.Nodes() {
			parts = append(parts, describeNode(n))
		}
		return "{" + strings.Join(parts, " ") + "}"
	case StringValue:
		return strconv.Quote(v.str)
	case NumberValue:
		return "n:" + strconv.FormatFloat(v.num, 'g', -1, 64)
	case BooleanValue:
		return strconv.FormatBool(v.num != 0)
	}
	return "?"
}

func describeNode(n *Node) string {
	switch n.Type() {
	case DocumentNode:
		return "/"
	case ElementNode:
		return n.Name()
	case AttributeNode:
		return "@" + n.Name() + "=" + n.StringValue()
	case TextNode:
		return strconv.Quote(n.StringValue())
	case CommentNode:
		return "<!--" + n.StringValue() + "-->"
	case ProcessingInstructionNode:
		return "<?" + n.LocalName() + " " + n.StringValue() + "?>"
	case NamespaceNode:
		return "ns:" + n.LocalName() + "=" + n.StringValue()
	}
	return "?"
}

type evalCase struct {
	expr string
	want string
}

// runCases compiles and evaluates each expression against doc with the given bindings.
func runCases(t *testing.T, doc string, ns map[string]string, cases []evalCase) {
	t.Helper()
	d, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	var opts []Option
	if ns != nil {
		opts = append(opts, Namespaces(ns))
	}
	for _, c := range cases {
		e, err := Compile(c.expr, opts...)
		if err != nil {
			t.Errorf("Compile(%q): %v", c.expr, err)
			continue
		}
		v, err := e.EvaluateDocument(d)
		if err != nil {
			t.Errorf("Evaluate(%q): %v", c.expr, err)
			continue
		}
		if got := describe(v); got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.expr, got, c.want)
		}
		if v.Type() != e.Type() {
			t.Errorf("%s: result type %s, static type %s", c.expr, v.Type(), e.Type())
		}
	}
}
