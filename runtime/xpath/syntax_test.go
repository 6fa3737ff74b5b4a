package xpath

import (
	"errors"
	"strings"
	"testing"
)

func TestSyntaxErrors(t *testing.T) {
	deep := strings.Repeat("(", 300) + "1" + strings.Repeat(")", 300)
	for _, c := range []struct {
		expr string
		off  int
		msg  string
	}{
		{"", 0, "expected an expression, found end of expression"},
		{"//a[", 4, "expected an expression, found end of expression"},
		{"1 +", 3, "expected an expression"},
		{"1 = ", 4, "expected an expression"},
		{"-", 1, "expected an expression"},
		{"a[1]]", 4, "expected an operator or the end of the expression, found ']'"},
		{"'abc", 0, "unterminated string literal"},
		{`"a`, 0, "unterminated string literal"},
		{"child::", 7, "expected a node test"},
		{"bogus::a", 0, `unknown axis "bogus"`},
		{"a::b", 0, `unknown axis "a"`},
		{"x:y::z", 0, "an axis name cannot have a prefix"},
		{"1 = = 2", 4, "expected an expression, found '='"},
		{"foo()", 0, "unknown function foo()"},
		{"count(1)", 6, "the argument of count() must be a node-set, not a number"},
		{"sum('1')", 4, "the argument of sum() must be a node-set, not a string"},
		{"local-name(1)", 11, "must be a node-set"},
		{"substring('a')", 0, "substring() takes 2 to 3 arguments, got 1"},
		{"concat('a')", 0, "concat() takes at least 2 arguments, got 1"},
		{"true(1)", 0, "true() takes 0 arguments, got 1"},
		{"not()", 0, "not() takes 1 argument, got 0"},
		{"'a'/b", 0, "a location path can only continue from a node-set, not from a string"},
		{"count(a)//b", 0, "not from a number"},
		{"'a'[1]", 3, "a predicate can only filter a node-set, not a string"},
		{"1 | //a", 0, "the operands of | must be node-sets, this one is a number"},
		{"//a | 1", 6, "the operands of | must be node-sets, this one is a number"},
		{"$x", 0, "variable reference $x"},
		{"1 + $p:x", 4, "variable reference $p:x: variables are not supported"},
		{"$", 1, "expected a variable name after '$'"},
		{"$p:", 3, `expected a local name after "p:"`},
		{"a/", 2, "expected a location step, found end of expression"},
		{"//", 2, "expected a location step"},
		{"/ /", 2, "found '/'"},
		{"@", 1, "expected a node test"},
		{"a[@]", 3, "expected a node test"},
		{"a[]", 2, "expected an expression, found ']'"},
		{"a[1", 3, "expected ']'"},
		{"count(a", 7, "expected ',' or ')'"},
		{"node(1)", 5, "node() takes no argument"},
		{"text(", 5, "text() takes no argument, found end of expression"},
		{"processing-instruction(1)", 23, "expected ')'"},
		{"processing-instruction('a', 'b')", 26, "expected ')' after the optional target literal, found ','"},
		{"a:", 2, `expected a local name or '*' after "a:"`},
		{"1 2", 2, "expected an operator or the end of the expression, found number 2"},
		{"a b", 2, `expected an operator or the end of the expression, found "b"`},
		{"1.2.3", 3, "found number 0.3"},
		{"%", 0, "unexpected character '%'"},
		{"a\xffb", 1, "invalid UTF-8"},
		{"'a\xff'", 2, "invalid UTF-8"},
		{"1 + + 'a", 4, "expected an expression, found '+'"}, // the earlier error wins
		{"a[1 'x", 4, "unterminated string literal"},
		{"count(1) 'abc", 6, "the argument of count() must be a node-set"},
		{deep, 200, "nested more than 200 levels deep"},

		// Syntax of XPath 2.0 and later, refused with the reason.
		{"a eq b", 2, "the value comparison 'eq' is XPath 2.0; use ="},
		{"a[. ge 1]", 4, "'ge' is XPath 2.0; use >="},
		{"a is b", 2, "'is' is XPath 2.0"},
		{"1 to 5", 2, "range expressions ('to') are XPath 2.0"},
		{"a intersect b", 2, "'intersect' is XPath 2.0"},
		{"a union b", 2, "use |"},
		{"a instance of xs:string", 2, "'instance of' is XPath 2.0"},
		{"for $x in a return $x", 0, "for expressions are XPath 2.0"},
		{"for $x", 0, "for expressions are XPath 2.0"},
		{"some $x in a satisfies $x", 0, "quantified expressions"},
		{"let $a := 1", 0, "let expressions are XPath 3.0"},
		{"a := 1", 2, "':=' (let) is XPath 3.0"},
		{"if (a) then b else c", 0, "if (…) then … else … is XPath 2.0"},
		{"//a/string()", 4, "a function call as a path step (…/string()) is XPath 2.0"},
		{"/count(a)", 1, "a function call as a path step"},
		{"//a/(b|c)", 4, "a parenthesized expression as a path step is XPath 2.0"},
		{".[1]", 1, "a predicate after '.' is XPath 2.0; write self::node()[…]"},
		{"..[1]", 2, "write parent::node()[…]"},
		{"(: comment :) a", 0, "comments (: … :) are XPath 2.0"},
		{"a || b", 2, "the || string concatenation operator is XPath 3.0"},
		{"a ! b", 2, "the ! simple map operator is XPath 3.0"},
		{"a => b", 2, "the => arrow operator is XPath 3.1"},
		{"a << b", 2, "<< is XPath 2.0"},
		{"a >> b", 2, ">> is XPath 2.0"},
		{"a?b", 1, "the ? lookup operator"},
		{"map{}", 3, "XPath 3.x"},
		{"Q{urn:x}a", 0, "Q{uri}local names are XPath 3.0"},
		{"f#1", 1, "named function references"},
		{"1e3", 1, "exponent notation (1e…) is XPath 2.0"},
		{"2.5E-3", 3, "exponent notation"},
		{"'it''s'", 3, "a doubled quote inside a literal is XPath 2.0 escaping"},
		{"matches(a, 'x')", 0, "matches() is not an XPath 1.0 function (it is XPath 2.0 or later)"},
		{"lower-case(a)", 0, "XPath 2.0 or later"},
		{"element()", 0, "the kind test element() is XPath 2.0 or later"},
		{"//a/attribute(b)", 4, "function call as a path step"},
		{"fn:count(a)", 0, "the fn: prefix is XPath 2.0; call count() without it"},
		{"ex:f(a)", 0, "unknown function ex:f(): extension functions are not supported"},
		{"p:node()", 0, "unknown function p:node()"},
		{"(1, 2)", 2, "found ','; sequences (a, b) are XPath 2.0"},
		{"a[1] , b", 5, "sequences (a, b) are XPath 2.0"},
		{"()", 0, "() (the empty sequence) is XPath 2.0"},
	} {
		_, err := Compile(c.expr)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Compile(%q): got %v, want a *SyntaxError", c.expr, err)
			continue
		}
		if se.Offset != c.off || !strings.Contains(se.Msg, c.msg) {
			t.Errorf("Compile(%q):\n got offset %d: %s\nwant offset %d: …%s…", c.expr, se.Offset, se.Msg, c.off, c.msg)
		}
	}
}

// TestValidSyntax covers grammar corners that must be accepted.
func TestValidSyntax(t *testing.T) {
	for _, src := range []string{
		"*", "* * *", "@*", "//@*", "a/*/b", "p:*", "//p:a/@p:b", "child::p:*",
		"ancestor::*", "ancestor-or-self::node()", "attribute::a", "child::a", "descendant::a",
		"descendant-or-self::a", "following::a", "following-sibling::a", "namespace::a",
		"parent::a", "preceding::a", "preceding-sibling::a", "self::a",
		"node()", "text()", "comment()", "processing-instruction()", "processing-instruction('x')",
		"a[1][2][last()]", "(a)[1]/b", "(a | b)//c", "id('x')/a", "//a[b[c[d]]]",
		"-a", "a-b", "a - b", "a -b", "a --b", "1.", ".5", "00.500", "'\"'", `"'"`,
		"my-elem.x", "_a", "título", "a//b", "/descendant::a/child::b",
		"a div b mod c * d", "a = b != c", "a < b <= c > d >= e",
		"count((a))", "concat(a, b, c, d, e)", "string-length()", "normalize-space()",
		"number()", "string()", "local-name()", "name()", "namespace-uri()",
		" \t\r\n//a \t\r\n",
		strings.Repeat("(", 199) + "1" + strings.Repeat(")", 199),
		strings.Repeat("-", 10000) + "1",
		"1" + strings.Repeat(" + 1", 10000),
	} {
		if _, err := Compile(src); err != nil {
			t.Errorf("Compile(%.40q): %v", src, err)
		}
	}
}

func TestStaticType(t *testing.T) {
	for src, want := range map[string]ValueType{
		"//a":                 NodeSetValue,
		"(//a)[1]":            NodeSetValue,
		"id('x')":             NodeSetValue,
		"a | b":               NodeSetValue,
		"'x'":                 StringValue,
		"concat(a, b)":        StringValue,
		"1":                   NumberValue,
		"-a":                  NumberValue,
		"count(a) + 1":        NumberValue,
		"a = 1":               BooleanValue,
		"a or b":              BooleanValue,
		"not(a)":              BooleanValue,
		"(1 < 2)":             BooleanValue,
		"starts-with(a, 'b')": BooleanValue,
	} {
		if got := MustCompile(src).Type(); got != want {
			t.Errorf("Type(%q) = %s, want %s", src, got, want)
		}
	}
}

// TestCoreLibrary checks that exactly the 27 functions of XPath 1.0 §4 exist.
func TestCoreLibrary(t *testing.T) {
	core := strings.Fields(`last position count id local-name namespace-uri name string concat
		starts-with contains substring-before substring-after substring string-length
		normalize-space translate boolean not true false lang number sum floor ceiling round`)
	if len(functions()) != len(core) {
		t.Errorf("%d functions, want %d", len(functions()), len(core))
	}
	for _, name := range core {
		if functions()[name] == nil {
			t.Errorf("missing %s()", name)
		}
	}
}
