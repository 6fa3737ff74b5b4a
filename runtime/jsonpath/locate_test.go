package jsonpath

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
)

func TestLocate(t *testing.T) {
	doc := `{"store":{"book":[{"t":"a","p":8},{"t":"b","p":12},{"t":"c","p":9}],"bike":{"p":20}},"n":{"0":1}}`
	tests := []struct {
		query string
		want  [][]string
	}{
		{`$`, [][]string{{}}},
		{`$.store.bike.p`, [][]string{{"store", "bike", "p"}}},
		{`$.store.book[*].t`, [][]string{{"store", "book", "0", "t"}, {"store", "book", "1", "t"}, {"store", "book", "2", "t"}}},
		{`$.store.book[-1]`, [][]string{{"store", "book", "2"}}},
		{`$.store.book[::-2]`, [][]string{{"store", "book", "2"}, {"store", "book", "0"}}},
		{`$.store.book[?@.p < 10].t`, [][]string{{"store", "book", "0", "t"}, {"store", "book", "2", "t"}}},
		// Descendants: parents before children, members in key order.
		{`$..p`, [][]string{{"store", "bike", "p"}, {"store", "book", "0", "p"}, {"store", "book", "1", "p"}, {"store", "book", "2", "p"}}},
		{`$.n['0']`, [][]string{{"n", "0"}}},
		{`$.store.book[0, 0]`, [][]string{{"store", "book", "0"}, {"store", "book", "0"}}},
		{`$.missing`, nil},
	}
	for _, tt := range tests {
		got, err := MustParse(tt.query).LocateJSON([]byte(doc))
		if err != nil {
			t.Fatalf("%s: %v", tt.query, err)
		}
		if len(got) == 0 && len(tt.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.query, got, tt.want)
		}
	}
	if _, err := MustParse("$").LocateJSON([]byte(`{} x`)); err == nil {
		t.Error("LocateJSON accepted text after the document")
	}
}

// TestLocateIndependent checks that sibling locations do not share storage: a caller may
// keep and change one without changing another.
func TestLocateIndependent(t *testing.T) {
	got, err := MustParse(`$..*`).LocateJSON([]byte(`{"a":{"b":1,"c":2,"d":3}}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("got %q", got)
	}
	got[1][1] = "changed"
	if got[2][1] != "c" || got[3][1] != "d" {
		t.Fatalf("changing one location changed another: %q", got)
	}
}

// TestCTSLocate runs every suite case that lists the normalized paths of its result and
// requires Locate to find exactly those paths (one of them, where the suite allows several
// orders).
func TestCTSLocate(t *testing.T) {
	raw, err := os.ReadFile(ctsPath)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("JSONPath compliance suite not found at %s (it lives outside the repository); skipping", ctsPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	var suite struct {
		Tests []struct {
			Name         string          `json:"name"`
			Selector     string          `json:"selector"`
			Document     json.RawMessage `json:"document"`
			ResultPaths  []string        `json:"result_paths"`
			ResultsPaths [][]string      `json:"results_paths"`
		} `json:"tests"`
	}
	if err := json.Unmarshal(raw, &suite); err != nil {
		t.Fatal(err)
	}
	cases := 0
	for _, c := range suite.Tests {
		want := c.ResultsPaths
		if c.ResultPaths != nil {
			want = append(want, c.ResultPaths)
		}
		if len(want) == 0 {
			continue
		}
		cases++
		got, err := MustParse(c.Selector).LocateJSON(c.Document)
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		ok := false
		for _, w := range want {
			ok = ok || samePaths(t, got, w)
		}
		if !ok {
			t.Errorf("%s: %q located %q, want one of %q", c.Name, c.Selector, got, want)
		}
	}
	if cases < 400 {
		t.Fatalf("only %d suite cases list result paths; the suite file looks wrong", cases)
	}
}

func samePaths(t *testing.T, got [][]string, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i, w := range want {
		tokens, err := normalizedPath(w)
		if err != nil {
			t.Fatalf("suite path %q: %v", w, err)
		}
		if !reflect.DeepEqual(got[i], tokens) {
			return false
		}
	}
	return true
}

// normalizedPath reads an RFC 9535 §2.7 normalized path ("$['a'][0]") into its tokens.
func normalizedPath(s string) ([]string, error) {
	if !strings.HasPrefix(s, "$") {
		return nil, errors.New("no $")
	}
	tokens := []string{}
	for i := 1; i < len(s); {
		if s[i] != '[' {
			return nil, fmt.Errorf("expected [ at %d", i)
		}
		i++
		if s[i] != '\'' {
			end := strings.IndexByte(s[i:], ']')
			tokens = append(tokens, s[i:i+end])
			i += end + 1
			continue
		}
		i++
		var b strings.Builder
		for s[i] != '\'' {
			if s[i] != '\\' {
				b.WriteByte(s[i])
				i++
				continue
			}
			i++
			switch c := s[i]; c {
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				n, err := strconv.ParseUint(s[i+1:i+5], 16, 16)
				if err != nil {
					return nil, err
				}
				r := rune(n)
				i += 4
				if utf16.IsSurrogate(r) && strings.HasPrefix(s[i+1:], `\u`) {
					lo, _ := strconv.ParseUint(s[i+3:i+7], 16, 16)
					r = utf16.DecodeRune(r, rune(lo))
					i += 6
				}
				b.WriteRune(r)
			default:
				b.WriteByte(c)
			}
			i++
		}
		tokens = append(tokens, b.String())
		i += 2 // the closing quote and bracket
	}
	return tokens, nil
}
