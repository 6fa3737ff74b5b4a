package jsonpath

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func decodeFloat(t *testing.T, doc string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// selectBoth runs the query on the document decoded with float64 numbers and with
// json.Number, and returns the results as JSON; both must agree.
func selectBoth(t *testing.T, query, doc string) string {
	t.Helper()
	p, err := Parse(query)
	if err != nil {
		t.Fatalf("Parse(%q): %v", query, err)
	}
	// json.Number keeps the document's spelling (1.0, 10e-1); the JSON round trip
	// compares the values.
	a := mustJSON(normalize(mustJSON(p.Select(decodeFloat(t, doc)))))
	got, err := p.SelectJSON([]byte(doc))
	if err != nil {
		t.Fatalf("SelectJSON: %v", err)
	}
	if b := mustJSON(normalize(mustJSON(got))); a != b {
		t.Fatalf("%s: Select gives %s but SelectJSON gives %s", query, a, b)
	}
	return a
}

func TestSelect(t *testing.T) {
	const store = `{"store": {"book": [
		{"category": "reference", "author": "Nigel Rees", "title": "Sayings", "price": 8.95},
		{"category": "fiction", "author": "Evelyn Waugh", "title": "Sword", "price": 12.99},
		{"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
		{"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord", "isbn": "0-395-19395-8", "price": 22.99}],
		"bicycle": {"color": "red", "price": 399}}}`
	tests := []struct{ query, doc, want string }{
		{"$.store.book[*].author", store, `["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]`},
		{"$..author", store, `["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]`},
		{"$.store.*", store, `[{"color":"red","price":399},[{"author":"Nigel Rees","category":"reference","price":8.95,"title":"Sayings"},{"author":"Evelyn Waugh","category":"fiction","price":12.99,"title":"Sword"},{"author":"Herman Melville","category":"fiction","isbn":"0-553-21311-3","price":8.99,"title":"Moby Dick"},{"author":"J. R. R. Tolkien","category":"fiction","isbn":"0-395-19395-8","price":22.99,"title":"The Lord"}]]`},
		{"$.store..price", store, `[399,8.95,12.99,8.99,22.99]`},
		{"$..book[2].title", store, `["Moby Dick"]`},
		{"$..book[-1].title", store, `["The Lord"]`},
		{"$..book[0,1].title", store, `["Sayings","Sword"]`},
		{"$..book[:2].title", store, `["Sayings","Sword"]`},
		{"$..book[::-2].title", store, `["The Lord","Sword"]`},
		{"$..book[?@.isbn].title", store, `["Moby Dick","The Lord"]`},
		{"$..book[?@.price<10].title", store, `["Sayings","Moby Dick"]`},
		{"$..book[?@.price<=8.99 && @.category=='fiction'].title", store, `["Moby Dick"]`},
		{"$..book[?search(@.author, 'R\\\\.')].title", store, `["The Lord"]`},
		{"$..book[?match(@.title, 'S.*')].title", store, `["Sayings","Sword"]`},
		{"$..*[?@.color].color", store, `["red"]`},
		{"$..[?@.price > $.store.bicycle.price]", store, `[]`},
		{"$..[?@.price >= $.store.bicycle.price]", store, `[{"color":"red","price":399}]`},
		{"$[?count(@.*) == 2]", `[[1,2],[3],{"a":1,"b":2}]`, `[[1,2],{"a":1,"b":2}]`},
		{"$[?length(@) == 2]", `["ab","é☺",[1,2],{"a":1},2]`, `["ab","é☺",[1,2]]`},
		{"$[?value(@..x) == 1]", `[{"x":1},{"a":{"x":1}},{"x":1,"a":{"x":1}}]`, `[{"x":1},{"a":{"x":1}}]`},
	}
	for _, tt := range tests {
		if got := selectBoth(t, tt.query, tt.doc); got != tt.want {
			t.Errorf("%s\n got %s\nwant %s", tt.query, got, tt.want)
		}
	}
}

// TestComparisons covers RFC 9535 §2.3.5.2.2 one rule at a time.
func TestComparisons(t *testing.T) {
	tests := []struct{ query, doc, want string }{
		// Numbers compare by value whatever their spelling.
		{"$[?@ == 1]", `[1, 1.0, 10e-1, 100e-2, "1", true, [1]]`, `[1,1,1,1]`},
		{"$[?@ == -0]", `[0, -0, 0.0, 1]`, `[0,-0,0]`},
		{"$[?@ < 1e2]", `[99, 100, 1e2, 100.5]`, `[99]`},
		// Deep equality of structures.
		{"$[?@ == $[0]]", `[{"a":[1,{"b":2}]}, {"a":[1.0,{"b":2e0}]}, {"a":[1,{"b":2,"c":3}]}, {"a":[{"b":2},1]}]`, `[{"a":[1,{"b":2}]},{"a":[1,{"b":2}]}]`},
		// Strings order by code point; other types do not order.
		{"$[?@ < 'b']", `["a", "B", "é", "ba", 1, null, true]`, `["a","B"]`},
		{"$[?@ >= 'b']", `["a", "b", "é", 1]`, `["b","é"]`},
		{"$[?@ <= true]", `[true, false, 1]`, `[true]`},
		{"$[?@ < null]", `[null, 0]`, `[]`},
		// Nothing equals only Nothing; null is a value.
		{"$[?@.a == @.b]", `[{}, {"a":null}, {"a":null,"b":null}, {"a":1,"b":1}]`, `[{},{"a":null,"b":null},{"a":1,"b":1}]`},
		{"$[?@.a == null]", `[{}, {"a":null}]`, `[{"a":null}]`},
		{"$[?@.a != null]", `[{}, {"a":null}, {"a":0}]`, `[{},{"a":0}]`},
		{"$[?@.a <= @.b]", `[{}, {"a":1}]`, `[{}]`},
		{"$[?@.a < @.b]", `[{}]`, `[]`},
		// Existence is about the node, not its value.
		{"$[?@.a]", `[{"a":null}, {"a":false}, {}]`, `[{"a":null},{"a":false}]`},
		{"$[?!@.a]", `[{"a":null}, {}]`, `[{}]`},
		// A function yielding Nothing.
		{"$[?length(@.a) == length(@.b)]", `[{"a":1,"b":true}, {"a":"x","b":[0]}, {"a":"x"}]`, `[{"a":1,"b":true},{"a":"x","b":[0]}]`},
	}
	for _, tt := range tests {
		if got := selectBoth(t, tt.query, tt.doc); got != tt.want {
			t.Errorf("%s on %s\n got %s\nwant %s", tt.query, tt.doc, got, tt.want)
		}
	}
}

// TestLargeIntegers: IDs above 2^53 stay distinct when decoded as json.Number.
func TestLargeIntegers(t *testing.T) {
	p := MustParse("$[?@.id == 9007199254740993].n")
	doc := []byte(`[{"id": 9007199254740992, "n": "a"}, {"id": 9007199254740993, "n": "b"}, {"id": 9007199254740993.0, "n": "c"}]`)
	got, err := p.SelectJSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	// 9007199254740993.0 is not an integer literal, so it compares as the float64 it rounds to.
	if want := []any{"b", "c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	p = MustParse("$[?@ > 9007199254740992]")
	got = p.Select([]any{json.Number("9007199254740993"), json.Number("9007199254740992"), float64(1 << 53), int64(1<<53 + 1)})
	if want := []any{json.Number("9007199254740993"), int64(1<<53 + 1)}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestRegexp(t *testing.T) {
	tests := []struct {
		pattern string
		in      string
		match   bool // match() result
		search  bool // search() result
	}{
		{"a.c", "abc", true, true},
		{"a.c", "a\nc", false, false},
		{"a.c", "a\rc", false, false},
		{"a.c", "a\u2028c", true, true},
		{"a.c", "a😀c", true, true},
		{"b", "abc", false, true},
		{"a|b", "b", true, true},
		{"(a|b)c", "bc", true, true},
		{"ab{2,3}", "abbb", true, true},
		{"ab{2,}", "abbbbb", true, true},
		{"ab{2}", "abbb", false, true},
		{"[^a]", "\n", true, true},
		{"[a-c-]+", "a-c", true, true},
		{"[-a]+", "-a", true, true},
		{"[\\p{Lu}]", "É", true, true},
		{"\\P{L}", "1", true, true},
		{"\\p{Nd}+", "١٢", true, true},
		{"[\\]\\[]+", "][", true, true},
		{"\\.", ".", true, true},
		{"\\n", "\n", true, true},
		{"\\\\", "\\", true, true},
		{"^ab", "abc", false, true},
		{"bc$", "abc", false, true},
		{"x^", "x^", false, false},
		// Not I-Regexp: the functions yield LogicalFalse.
		{"\\d", "1", false, false},
		{"\\w", "a", false, false},
		{"a*?", "a", false, false},
		{"a**", "a", false, false},
		{"(?:a)", "a", false, false},
		{"\\p{IsBasicLatin}", "a", false, false},
		{"[]", "a", false, false},
		{"[a--]", "a", false, false},
		{"a{,2}", "a", false, false},
		{"(a", "a", false, false},
		{"a)", "a", false, false},
		{"a{1001}", "a", false, false}, // valid I-Regexp beyond what Go runs
		{"[z-a]", "a", false, false},
	}
	doc := func(s string) []any { return []any{s} }
	for _, tt := range tests {
		lit := strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(tt.pattern)
		m := MustParse("$[?match(@, '" + lit + "')]")
		s := MustParse("$[?search(@, '" + lit + "')]")
		if got := len(m.Select(doc(tt.in))) == 1; got != tt.match {
			t.Errorf("match(%q, %q) = %v, want %v", tt.in, tt.pattern, got, tt.match)
		}
		if got := len(s.Select(doc(tt.in))) == 1; got != tt.search {
			t.Errorf("search(%q, %q) = %v, want %v", tt.in, tt.pattern, got, tt.search)
		}
		// The same pattern taken from the document goes through the runtime cache.
		dm := MustParse("$.s[?match(@, $.p)]")
		root := map[string]any{"s": doc(tt.in), "p": tt.pattern}
		if got := len(dm.Select(root)) == 1; got != tt.match {
			t.Errorf("match(%q, $.p = %q) = %v, want %v", tt.in, tt.pattern, got, tt.match)
		}
	}
}

func TestRegexpCategories(t *testing.T) {
	for name := range categories {
		if compileIRegexp(`\p{`+name+`}[\P{`+name+`}]`, true) == nil {
			t.Errorf("category %s does not compile", name)
		}
	}
}

func TestSelectJSONErrors(t *testing.T) {
	p := MustParse("$.a")
	for _, doc := range []string{``, `{`, `{"a":1} x`, `{"a":1}{}`, `nul`} {
		if got, err := p.SelectJSON([]byte(doc)); err == nil {
			t.Errorf("SelectJSON(%q) = %v, want an error", doc, got)
		}
	}
	got, err := p.SelectJSON([]byte(" {\"a\": 12345678901234567890}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []any{json.Number("12345678901234567890")}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
}

// TestSelectOnNullContext: a null document selects nothing but itself.
func TestSelectOnNull(t *testing.T) {
	if got := MustParse("$.a").Select(nil); len(got) != 0 {
		t.Errorf("$.a on null = %v", got)
	}
	if got := MustParse("$").Select(nil); len(got) != 1 || got[0] != nil {
		t.Errorf("$ on null = %v", got)
	}
}

// TestConcurrentSelect shares one Path, including its cache of patterns taken from the
// document, between goroutines; run with -race.
func TestConcurrentSelect(t *testing.T) {
	p := MustParse("$.items[?match(@.v, @.p)].v")
	items := make([]any, 100)
	for i := range items {
		items[i] = map[string]any{"v": fmt.Sprintf("v%d", i), "p": fmt.Sprintf("v%d|x", i%(regexCacheSize+10))}
	}
	root := map[string]any{"items": items}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				// Items whose index is below regexCacheSize+10 match their own pattern.
				if got := len(p.Select(root)); got != regexCacheSize+10 {
					t.Errorf("selected %d, want %d", got, regexCacheSize+10)
					return
				}
			}
		}()
	}
	wg.Wait()
	fc := p.q.segs[1].sels[0].filter.(*funcCall)
	if n := len(fc.cache.m); n > regexCacheSize {
		t.Errorf("pattern cache holds %d entries, above its bound %d", n, regexCacheSize)
	}
}
