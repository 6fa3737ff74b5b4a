package xpath

import (
	"strings"
	"testing"
)

func TestReplaceText(t *testing.T) {
	tests := []struct {
		name, doc, expr, text, want string
		count                       int
	}{
		{"element content", `<o><id>1</id><n>a</n></o>`, `/o/id`, "42", `<o><id>42</id><n>a</n></o>`, 1},
		{"every selected element", `<o><i>1</i> <i>2</i></o>`, `//i`, "x", `<o><i>x</i> <i>x</i></o>`, 2},
		{"children dropped", `<o><a><b>1</b><!--c--></a></o>`, `/o/a`, "t", `<o><a>t</a></o>`, 1},
		{"empty element", `<o><a/><b x="1" /></o>`, `/o/*`, "v", `<o><a>v</a><b x="1" >v</b></o>`, 2},
		{"prefixed empty element", `<o xmlns:p="urn:p"><p:a/></o>`, `/o/*`, "v", `<o xmlns:p="urn:p"><p:a>v</p:a></o>`, 1},
		{"attribute", `<o id="1" k='2'><a/></o>`, `/o/@k`, `it's "q"`, `<o id="1" k='it&apos;s &quot;q&quot;'><a/></o>`, 1},
		{"attribute and its element", `<o><a id="1">x</a></o>`, `/o/a | /o/a/@id`, "v", `<o><a id="v">v</a></o>`, 2},
		{"attribute of an empty element and the element", `<o><a id="1"/></o>`, `/o/a/@id | /o/a`, "v", `<o><a id="v">v</a></o>`, 2},
		{"text node", `<o>one<b/>two</o>`, `/o/text()[2]`, "2", `<o>one<b/>2</o>`, 1},
		{"text with entities and CDATA is one node", `<o>a &amp; <![CDATA[b]]></o>`, `/o/text()`, "<c>", `<o>&lt;c&gt;</o>`, 1},
		{"nested selection left to the ancestor", `<o><a><a>1</a></a></o>`, `//a`, "z", `<o><a>z</a></o>`, 2},
		{"attribute inside a replaced element", `<o><a><b id="1"/></a></o>`, `/o/a | //@id`, "z", `<o><a>z</a></o>`, 2},
		{"nothing selected", `<o/>`, `/o/x`, "z", `<o/>`, 0},
		{"rest kept byte for byte", "<?xml version=\"1.0\"?>\n<!-- c -->\n<o  a = \"1\"\n>\n  <x>old</x>\n</o>\n", `/o/x`, "new", "<?xml version=\"1.0\"?>\n<!-- c -->\n<o  a = \"1\"\n>\n  <x>new</x>\n</o>\n", 1},
		{"byte order mark", "\xef\xbb\xbf<o>1</o>", `/o`, "2", "\xef\xbb\xbf<o>2</o>", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n, err := MustCompile(tt.expr).ReplaceText([]byte(tt.doc), tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want || n != tt.count {
				t.Errorf("got %q (%d nodes), want %q (%d)", got, n, tt.want, tt.count)
			}
			if _, err := Parse(got); err != nil {
				t.Errorf("the result does not parse: %v", err)
			}
		})
	}
}

func TestReplaceTextErrors(t *testing.T) {
	tests := []struct{ name, doc, expr, want string }{
		{"not a node-set", `<o/>`, `count(/o)`, "yields a number"},
		{"comment", `<o><!--c--></o>`, `/o/comment()`, "comment node"},
		{"root", `<o/>`, `/`, "root node"},
		{"malformed", `<o>`, `/o`, "not closed"},
		{"latin-1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><o>\xe9</o>", `/o`, "only UTF-8"},
		{"unbound prefix", `<o/>`, `/p:o`, "not bound"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := MustCompile(tt.expr).ReplaceText([]byte(tt.doc), "x")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// FuzzReplaceText checks that replacing the nodes an expression selects in any document
// that parses yields a document that parses, and that the document element then holds
// exactly the text it was given.
func FuzzReplaceText(f *testing.F) {
	for _, s := range []string{
		fuzzDoc, "<a/>", "<a x='1' y=\"2\"/>", "<a>t<b/>u<!--c--><?p?></a>", "\xef\xbb\xbf<a>&amp;<![CDATA[<]]></a>",
		"<p:a xmlns:p='urn:p' p:x='1'><p:b/></p:a>", "<a\n  x\t=\n'1'\n/>",
	} {
		f.Add([]byte(s))
	}
	const text = "a<&>\"' ]]>\r\n\t"
	exprs := []*Expr{MustCompile("//@*"), MustCompile("//text()"), MustCompile("//*[not(*)]"), MustCompile("//*")}
	root := MustCompile("/*")
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := Parse(data); err != nil {
			return
		}
		for _, e := range append(exprs, root) {
			out, _, err := e.ReplaceText(data, text)
			if err != nil {
				if !strings.Contains(err.Error(), "only UTF-8") {
					t.Fatalf("%s on %q: %v", e, data, err)
				}
				return
			}
			d, err := Parse(out)
			if err != nil {
				t.Fatalf("%s on %q gave %q, which does not parse: %v", e, data, out, err)
			}
			if e == root {
				if got := d.Root().StringValue(); got != text {
					t.Fatalf("/* on %q: the document element holds %q", data, got)
				}
			}
		}
	})
}
