package jsonpath

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestSyntaxErrorOffsets(t *testing.T) {
	tests := []struct {
		query  string
		offset int
		msg    string // a substring of the message
	}{
		{"", 0, "starts with '$'"},
		{" $", 0, "leading whitespace"},
		{"a", 0, "starts with '$'"},
		{"$ ", 1, "trailing whitespace"},
		{"$.a ", 3, "trailing whitespace"},
		{"$a", 1, "unexpected 'a'"},
		{"$.a b", 4, "unexpected 'b'"},
		{"$.", 2, "expected a member name or '*' after '.'"},
		{"$. a", 2, "expected a member name or '*'"},
		{"$.1", 2, "expected a member name"},
		{"$..", 3, "after '..'"},
		{"$.a[0", 5, "expected ',' or ']'"},
		{"$.a[0 1]", 6, "expected ',' or ']'"},
		{"$[]", 2, "expected a selector"},
		{"$[01]", 2, "leading zeros"},
		{"$[-0]", 2, "-0"},
		{"$[9007199254740992]", 2, "out of range"},
		{"$[-9007199254740992]", 2, "out of range"},
		{"$[1:2:-0]", 6, "-0"},
		{"$['a]", 2, "unterminated string"},
		{"$['a\\\"']", 4, "invalid escape"},
		{"$[\"a\\'\"]", 4, "invalid escape"},
		{"$['\\uD800']", 3, "low surrogate"},
		{"$['\\uDC00']", 3, "unpaired low surrogate"},
		{"$['\\u12G4']", 3, "four hexadecimal digits"},
		{"$['a\tb']", 4, "control character"},
		{"$['\xff']", 3, "invalid UTF-8"},
		{"$[?@.a=1]", 6, "equality is '=='"},
		{"$[?@.a==]", 8, "expected a query, a literal"},
		{"$[?@.* == 1]", 3, "singular query"},
		{"$[?@[ 'a' ] == 1]", 3, "no whitespace inside brackets"},
		{"$[?1 == @.a == 2]", 12, "cannot be chained"},
		{"$[?!@.a == 1]", 8, "'!' cannot negate a comparison"},
		{"$[?(@.a) == 1]", 9, "parenthesized expression"},
		{"$[?!!@.a]", 4, "cannot be repeated"},
		{"$[?true]", 3, "literal cannot be used as a test"},
		{"$[?'a' || @.b]", 3, "literal cannot be used as a test"},
		{"$[?length(@.a)]", 3, "length() is a value"},
		{"$[?match(@.a, 'x') == true]", 3, "match() is not a value"},
		{"$[?foo(@.a)]", 3, "unknown function foo()"},
		{"$[?count (@.*) == 1]", 8, "no whitespace is allowed between a function name"},
		{"$[?length(@.*) == 1]", 10, "argument 1 of length() must be a value"},
		{"$[?count(1) == 1]", 9, "argument 1 of count() must be a query"},
		{"$[?length(@.a == 1) == 1]", 10, "not a logical expression"},
		{"$[?match(@.a) == 1]", 3, "match() takes 2 arguments, not 1"},
		{"$[?value(@.a, @.b) == 1]", 3, "value() takes 1 argument, not 2"},
		{"$[?length(match(@.a, 'x')) == 1]", 10, "match() does not return one"},
		{"$[?@.a == tru]", 10, "unexpected name \"tru\""},
		{"$[?@.a == 1.]", 12, "digit after '.'"},
		{"$[?@.a == 01]", 10, "leading zeros"},
		{"$[?@.a == 1e]", 12, "digit in the exponent"},
		{"$[?@.a == True]", 10, "found 'T'"},
		{"$[?(@.a]", 7, "expected ')'"},
		{"$[?" + strings.Repeat("(", 300) + "@" + strings.Repeat(")", 300) + "]", 3 + maxNesting, "nested too deeply"},
	}
	for _, tt := range tests {
		p, err := Parse(tt.query)
		if err == nil {
			t.Errorf("Parse(%q) succeeded (%v), want an error at offset %d", tt.query, p, tt.offset)
			continue
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) error %T is not a *SyntaxError", tt.query, err)
			continue
		}
		if se.Offset != tt.offset || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("Parse(%q) = offset %d %q, want offset %d containing %q", tt.query, se.Offset, se.Msg, tt.offset, tt.msg)
		}
		if want := "jsonpath: offset "; !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Parse(%q) error %q does not start with %q", tt.query, err, want)
		}
	}
}

func TestSyntaxErrorFormat(t *testing.T) {
	_, err := Parse("$.a[0 1]")
	if got, want := err.Error(), "jsonpath: offset 6: expected ',' or ']', found '1'"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestValidQueries(t *testing.T) {
	for _, q := range []string{
		"$",
		"$.a",
		"$ .a [0] ..b",
		"$[?@ .a .b == 1]",    // whitespace between the segments of a singular query
		"$[?@[-1] == $['a']]", // negative indices are still singular
		"$[?@.a == -0]",
		"$[?@.a == 1E+2]",
		"$[?@.a == 1.5e-3]",
		"$[?!(!@.a)]",
		"$[?count(@..*) > 1 && (@.a || !@.b)]",
		"$[?match(@.a, $.pattern) || search(@.b, '[a-z]')]",
		"$[?length(value(@..x)) >= 2]",
		"$[?@.a == null && @.b == true || @.c != false]",
		"$['\\u00e9\\uD83D\\uDE00\\b\\f\\n\\r\\t\\/\\\\\"']",
		"$[\"'\\\"\"]",
		"$[::-1]",
		"$[1 : 5 : 2, -1:, :2]",
		"$.☺._x1",
	} {
		p, err := Parse(q)
		if err != nil {
			t.Errorf("Parse(%q): %v", q, err)
			continue
		}
		if p.String() != q {
			t.Errorf("String() = %q, want %q", p.String(), q)
		}
	}
}

func TestStringEscapes(t *testing.T) {
	p, err := Parse(`$['\u00e9\uD83D\uDE00\b\f\n\r\t\/\\"']`)
	if err != nil {
		t.Fatal(err)
	}
	want := "é😀\b\f\n\r\t/\\\""
	if got := p.q.segs[0].sels[0].name; got != want {
		t.Errorf("name = %q, want %q", got, want)
	}
}

func TestTokens(t *testing.T) {
	tests := []struct {
		query    string
		tokens   []string
		ok       bool
		singular bool
	}{
		{"$", []string{}, true, true},
		{"$.data.items[0].id", []string{"data", "items", "0", "id"}, true, true},
		{"$['a/b']['c~d'][12]", []string{"a/b", "c~d", "12"}, true, true},
		{"$ .a [ 'b' ]", []string{"a", "b"}, true, true},
		{"$['']", []string{""}, true, true},
		{"$['-']", []string{"-"}, true, true},
		{"$['01']", []string{"01"}, true, true},
		// A pointer token "0" would select an array element; the name selector cannot.
		{"$.a['0']", nil, false, true},
		{"$.a['12']", nil, false, true},
		// Negative indices count from the end, which a pointer cannot express.
		{"$.a[-1]", nil, false, true},
		{"$.a.*", nil, false, false},
		{"$..a", nil, false, false},
		{"$.a[0:1]", nil, false, false},
		{"$.a[0,1]", nil, false, false},
		{"$.a[?@.b]", nil, false, false},
	}
	for _, tt := range tests {
		p, err := Parse(tt.query)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.query, err)
		}
		if got := p.Singular(); got != tt.singular {
			t.Errorf("%q: Singular() = %v, want %v", tt.query, got, tt.singular)
		}
		tokens, ok := p.Tokens()
		if ok != tt.ok || !slices.Equal(tokens, tt.tokens) || ok && tokens == nil {
			t.Errorf("%q: Tokens() = %q, %v; want %q, %v", tt.query, tokens, ok, tt.tokens, tt.ok)
		}
	}
}

func TestMustParse(t *testing.T) {
	if MustParse("$.a").String() != "$.a" {
		t.Error("MustParse lost the query")
	}
	defer func() {
		var se *SyntaxError
		if err, _ := recover().(error); !errors.As(err, &se) {
			t.Errorf("MustParse panicked with %v, want a *SyntaxError", err)
		}
	}()
	MustParse("$[")
}
