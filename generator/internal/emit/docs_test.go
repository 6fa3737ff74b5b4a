package emit

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// hostile are texts a document may hold that would break a Mermaid label or Markdown page
// if written as they are.
var hostile = []string{
	`"]; click step1 href "javascript:alert(1)"`,
	"a\nb\r\nc --> d",
	"%% comment\nend",
	"#quot; &amp; &#60; #35;",
	"`markdown` ```fence",
	"<img src=x onerror=alert(1)> <script>x</script>",
	"[link](https://evil.example) ![img](x.png) www.evil.example https://evil.example a@b.example",
	"| pipe | table |",
	"right-to-left \u202egnp.exe zero\u200bwidth bell\a nul\x00 sep\u2028",
	"{braces} (parens) [brackets] <angle>",
	"ünïcödé ✓ 日本語",
}

// TestMermaidTextInert: escaped text has none of the characters that end a label, start a
// statement or form markup, and decoding the entity codes gives back the text (with line
// breaks as spaces and invisible formatting characters dropped).
func TestMermaidTextInert(t *testing.T) {
	entity := regexp.MustCompile(`#(\d+);`)
	for _, s := range hostile {
		got := mermaidText(s)
		bare := entity.ReplaceAllString(got, "")
		if i := strings.IndexAny(bare, "\"[](){}<>|;#`&\n\r\u202e\u200b\u2028\x00\a"); i >= 0 {
			t.Errorf("mermaidText(%q) = %q keeps %q outside entity codes", s, got, bare[i])
		}
		decoded := entity.ReplaceAllStringFunc(got, func(m string) string {
			n, _ := strconv.Atoi(m[1 : len(m)-1])
			return string(rune(n))
		})
		if want := visible(s); decoded != want {
			t.Errorf("mermaidText(%q) decodes to %q, want %q", s, decoded, want)
		}
	}
}

// TestMarkdownTextInert: every ASCII punctuation character is backslash-escaped, so no
// link, autolink, HTML, emphasis or table cell boundary can form, and removing the escapes
// gives back the text.
func TestMarkdownTextInert(t *testing.T) {
	for _, s := range hostile {
		got := markdownText(s)
		var unescaped strings.Builder
		for i := 0; i < len(got); i++ {
			c := got[i]
			if c == '\\' && i+1 < len(got) {
				unescaped.WriteByte(got[i+1])
				i++
				continue
			}
			if c < 0x80 && (unicode.IsPunct(rune(c)) || unicode.IsSymbol(rune(c))) {
				t.Errorf("markdownText(%q) = %q: %q at %d is not escaped", s, got, c, i)
			}
			if c == '\n' || c == '\r' {
				t.Errorf("markdownText(%q) = %q keeps a line break", s, got)
			}
			unescaped.WriteByte(c)
		}
		if want := strings.TrimSpace(visible(s)); unescaped.String() != want {
			t.Errorf("markdownText(%q) unescapes to %q, want %q", s, unescaped.String(), want)
		}
	}
}

// visible is s with line breaks and tabs as spaces and control and formatting characters
// removed.
func visible(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
