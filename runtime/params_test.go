package runtime

import (
	"encoding/json"
	"strings"
	"testing"
)

// The values of the OpenAPI 3.1.1 "Style Examples" table (§4.8.12.4), in the forms generated
// code passes them: a plain string, a typed slice, and a JSON object whose member order must
// be kept.
var (
	styleString = "blue"
	styleArray  = []string{"blue", "black", "brown"}
	styleObject = json.RawMessage(`{"R":100,"G":200,"B":150}`)
)

// TestPathStyleExamples checks path serialization against the table's matrix, label and
// simple rows ("undefined" is a nil value).
func TestPathStyleExamples(t *testing.T) {
	rows := []struct {
		style                    Style
		explode                  bool
		undef, str, arr, objWant string
	}{
		{StyleMatrix, false, ";color", ";color=blue", ";color=blue,black,brown", ";color=R,100,G,200,B,150"},
		{StyleMatrix, true, ";color", ";color=blue", ";color=blue;color=black;color=brown", ";R=100;G=200;B=150"},
		{StyleLabel, false, ".", ".blue", ".blue,black,brown", ".R,100,G,200,B,150"},
		{StyleLabel, true, ".", ".blue", ".blue.black.brown", ".R=100.G=200.B=150"},
		{StyleSimple, false, "", "blue", "blue,black,brown", "R,100,G,200,B,150"},
		{StyleSimple, true, "", "blue", "blue,black,brown", "R=100,G=200,B=150"},
		{StyleDefault, false, "", "blue", "blue,black,brown", "R,100,G,200,B,150"},
	}
	for _, r := range rows {
		for _, c := range []struct {
			v    any
			want string
		}{{nil, r.undef}, {styleString, r.str}, {styleArray, r.arr}, {styleObject, r.objWant}} {
			if got := PathParam("color", r.style, r.explode, c.v); got != c.want {
				t.Errorf("PathParam(style %d, explode %v, %v) = %q, want %q", r.style, r.explode, c.v, got, c.want)
			}
		}
	}
}

// TestQueryStyleExamples checks query serialization against the table's form,
// spaceDelimited, pipeDelimited and deepObject rows. An undefined value adds nothing (the
// generated client leaves absent optional values out rather than sending "color=").
func TestQueryStyleExamples(t *testing.T) {
	rows := []struct {
		style             Style
		explode           bool
		str, arr, objWant string
	}{
		{StyleForm, false, "?color=blue", "?color=blue,black,brown", "?color=R,100,G,200,B,150"},
		{StyleForm, true, "?color=blue", "?color=blue&color=black&color=brown", "?R=100&G=200&B=150"},
		{StyleSpaceDelimited, false, "?color=blue", "?color=blue%20black%20brown", "?color=R%20100%20G%20200%20B%20150"},
		{StylePipeDelimited, false, "?color=blue", "?color=blue%7Cblack%7Cbrown", "?color=R%7C100%7CG%7C200%7CB%7C150"},
		{StyleDeepObject, true, "?color=blue", "?color=blue&color=black&color=brown", "?color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"},
	}
	for _, r := range rows {
		for _, c := range []struct {
			v    any
			want string
		}{{nil, ""}, {styleString, r.str}, {styleArray, r.arr}, {styleObject, r.objWant}} {
			var q Query
			q.AddStyled("color", r.style, r.explode, false, c.v)
			if got := q.String(); got != c.want {
				t.Errorf("AddStyled(style %d, explode %v, %v) = %q, want %q", r.style, r.explode, c.v, got, c.want)
			}
		}
	}
}

func TestQueryEscaping(t *testing.T) {
	var q Query
	q.Add("a b", "c d+e&f=g/h?i#j~k")
	q.AddReserved("r", "c d+e&f=g/h?i#j[k]:@!$'()*,;%41%zz")
	q.AddStyled("s", StyleForm, false, false, []string{"x,y", "z"})
	q.AddStyled("t", StyleForm, true, true, []string{"a/b", "c&d"})
	q.AddEncoded("")
	want := "?a%20b=c%20d%2Be%26f%3Dg%2Fh%3Fi%23j~k" +
		"&r=c%20d%2Be%26f%3Dg/h?i%23j%5Bk%5D:@!$'()*,;%41%25zz" +
		"&s=x%2Cy,z" +
		"&t=a/b&t=c%26d"
	if got := q.String(); got != want {
		t.Errorf("query\n got %s\nwant %s", got, want)
	}
	q.AddEncoded("acl")
	want += "&acl"
	if got := q.String(); got != want {
		t.Errorf("query\n got %s\nwant %s", got, want)
	}
	if got := EscapeQuery("é ü", false); got != "%C3%A9%20%C3%BC" {
		t.Errorf("EscapeQuery(UTF-8) = %q", got)
	}
}

// TestStyledValueKinds covers the Go types generated code passes: pointers (nil is
// undefined), typed slices, []any, ordered runtime.Object, maps (sorted keys), JSON scalars
// and nested structures (carried as JSON text).
func TestStyledValueKinds(t *testing.T) {
	s, n := "x y", int64(7)
	var nilStr *string
	cases := []struct {
		v    any
		want string
	}{
		{&s, "?p=x%20y"},
		{&n, "?p=7"},
		{nilStr, ""},
		{[]int64{1, 2}, "?p=1&p=2"},
		{[]float64{1.5}, "?p=1.5"},
		{[]bool{true}, "?p=true"},
		{[]any{"a", 1, map[string]any{"k": "v"}}, "?p=a&p=1&p=%7B%22k%22%3A%22v%22%7D"},
		{Object{{"z", 1}, {"a", "b"}}, "?z=1&a=b"},
		{map[string]any{"z": 1, "a": "b"}, "?a=b&z=1"},
		{json.RawMessage(`"quoted"`), "?p=quoted"},
		{json.RawMessage(`12.50`), "?p=12.50"},
		{json.RawMessage(`null`), ""},
		{json.RawMessage(`[]`), ""},
		{json.RawMessage(`{}`), ""},
		{json.RawMessage(` [ {"a": 1} , [2] ] `), "?p=%7B%22a%22%3A1%7D&p=%5B2%5D"},
		{true, "?p=true"},
		{3.25, "?p=3.25"},
	}
	for _, c := range cases {
		var q Query
		q.AddStyled("p", StyleForm, true, false, c.v)
		if got := q.String(); got != c.want {
			t.Errorf("AddStyled(%#v) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestDeepObjectNested(t *testing.T) {
	var q Query
	q.AddStyled("filter", StyleDeepObject, true, false, json.RawMessage(`{"a":{"b":"c d"},"tags":["x","y"],"n":null,"m":1}`))
	want := "?filter%5Ba%5D%5Bb%5D=c%20d&filter%5Btags%5D=x&filter%5Btags%5D=y&filter%5Bm%5D=1"
	if got := q.String(); got != want {
		t.Errorf("deepObject\n got %s\nwant %s", got, want)
	}
}

func TestPathEscaping(t *testing.T) {
	if got := PathParam("id", StyleSimple, false, []string{"a/b", "c,d", "e f"}); got != "a%2Fb,c%2Cd,e%20f" {
		t.Errorf("simple array = %q", got)
	}
	if got := PathParam("id", StyleMatrix, false, ""); got != ";id" {
		t.Errorf("matrix empty string = %q, want %q (RFC 6570 §3.2.7)", got, ";id")
	}
	if got := PathParam("id", StyleLabel, false, ""); got != "." {
		t.Errorf("label empty string = %q", got)
	}
}

func TestPathReserved(t *testing.T) {
	if got := PathReserved("projects/p 1/locations/l:x?y#z%2F%zz"); got != "projects/p%201/locations/l:x%3Fy%23z%2F%25zz" {
		t.Errorf("PathReserved = %q", got)
	}
}

func TestHeaderValue(t *testing.T) {
	cases := []struct {
		explode bool
		v       any
		want    string
		ok      bool
	}{
		{false, "a b", "a b", true},
		{false, styleArray, "blue,black,brown", true},
		{false, styleObject, "R,100,G,200,B,150", true},
		{true, styleObject, "R=100,G=200,B=150", true},
		{false, nil, "", false},
		{false, []string{}, "", false},
	}
	for _, c := range cases {
		got, ok := HeaderValue(c.explode, c.v)
		if got != c.want || ok != c.ok {
			t.Errorf("HeaderValue(%v, %v) = %q, %v; want %q, %v", c.explode, c.v, got, ok, c.want, c.ok)
		}
	}
}

func TestCookies(t *testing.T) {
	var c Cookies
	c.Add("session", "abc==")
	c.Add("q", `a b;c,"d"\é`)
	c.AddStyled("color", false, styleArray)
	c.AddStyled("color", true, styleArray)
	c.AddStyled("rgb", false, styleObject)
	c.AddStyled("rgb", true, styleObject)
	c.AddStyled("list", false, []string{"x,y"})
	c.AddStyled("none", true, nil)
	want := `session=abc==; q=a%20b%3Bc%2C%22d%22%5C%C3%A9; color=blue,black,brown; ` +
		`color=blue; color=black; color=brown; rgb=R,100,G,200,B,150; R=100; G=200; B=150; list=x%2Cy`
	if got := c.String(); got != want {
		t.Errorf("cookies\n got %s\nwant %s", got, want)
	}
	var empty Cookies
	if empty.String() != "" {
		t.Error("no cookie should give an empty header")
	}
}

func TestQueryString(t *testing.T) {
	cases := []struct {
		mt   string
		v    any
		want string
	}{
		{"application/x-www-form-urlencoded", "a=1&b=x y&c=%2F#", "?a=1&b=x%20y&c=%2F%23"},
		{"application/x-www-form-urlencoded", "?a=1", "?a=1"},
		{"application/x-www-form-urlencoded", "", ""},
		{"application/x-www-form-urlencoded", json.RawMessage(`{"a":"x y","b":[1,2]}`), "?a=x+y&b=1&b=2"},
		{"application/json", json.RawMessage(`{"a":"x y"}`), `?%7B%22a%22:%22x%20y%22%7D`},
		{"application/json", nil, ""},
	}
	for _, c := range cases {
		if got := QueryString(c.mt, c.v); got != c.want {
			t.Errorf("QueryString(%s, %v) = %q, want %q", c.mt, c.v, got, c.want)
		}
	}
}

func TestEscapeAllocatesNothingForPlainText(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() { _ = escape("plain-value_1.2~") })
	if allocs != 0 {
		t.Errorf("escape of unreserved text allocated %v times", allocs)
	}
	if !strings.Contains(escape("a b"), "%20") {
		t.Error("space must be %20")
	}
}
