package emit

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	. "github.com/dave/jennifer/jen"
)

// Document text reaches the generated files only through this file: every comment of the
// generated Go code is written by its functions, each of which passes the text through
// inert, and text in ARAZZO.md and the Mermaid diagrams goes through markdownText and
// mermaidText. (Elsewhere document text is a Go string literal, quoted by jennifer, or an
// identifier the ir stage's namer made.) A character shows as itself (shows) or is written
// as an escape or dropped, in all three.
//
// Comments carry text from the documents
// (descriptions, summaries, ids, paths, expressions), which a document's author chooses:
// rendered as it is, a line "//go:generate …" would be a directive that `go generate` runs,
// a newline and "*/" would end a comment and make the rest code, and invisible characters
// (bidirectional controls, NUL, a byte order mark) would make the file read differently
// from how it compiles, or not compile at all. Text made inert is plain prose on a "// "
// line: nothing in it is a directive, a build constraint, a line directive or a comment
// delimiter, and every character that does not print is written as an escape.
//
// jennifer writes a comment that starts with "//" exactly as given, and one with a newline
// as a /* */ block; so each line is handed to it with its "// " already in front, which
// also keeps jennifer from choosing a block.

// inert makes one line of comment text harmless; the result follows "// " on one line:
//
//   - invalid UTF-8 is written as \xNN, and every rune that does not print (control and
//     format characters: NUL, line and paragraph separators, bidirectional controls such as
//     U+202E and U+2066, the byte order mark U+FEFF, zero-width characters) as \uNNNN or
//     \UNNNNNNNN; only the space and the tab are kept as they are;
//   - "*/" and "/*" become "*\/" and "/\*", so that no comment delimiter is left;
//   - a line that would read as a build constraint ("+build …") starts with a backslash.
//
// A "//go:…", "//line" or "//export" directive needs "//" at the very start of a comment;
// after "// " none of them is one.
func inert(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, text[i])
		case r == '\t':
			b.WriteRune(r)
		case !shows(r):
			if r > 0xffff {
				fmt.Fprintf(&b, `\U%08X`, r)
			} else {
				fmt.Fprintf(&b, `\u%04X`, r)
			}
		case r == '/' && strings.HasPrefix(text[i+size:], "*"):
			b.WriteString(`/\`)
		case r == '*' && strings.HasPrefix(text[i+size:], "/"):
			b.WriteString(`*\`)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	s := b.String()
	if strings.HasPrefix(strings.TrimLeft(s, " \t"), "+build") {
		s = `\` + s
	}
	return s
}

// shows reports whether r is written as itself: a letter, mark, number, punctuation
// character, symbol or space (U+0020 and the other space separators), or a tab. Control
// and format characters (NUL, the byte order mark, bidirectional controls, zero-width
// characters), line and paragraph separators, private-use and unassigned code points do
// not: a reader would not see them, or see them as something else.
func shows(r rune) bool {
	return r == '\t' || r != utf8.RuneError && (unicode.IsPrint(r) || unicode.Is(unicode.Zs, r))
}

// markdownText makes text inert in Markdown prose, headings and table cells: every ASCII
// punctuation character is escaped with a backslash (CommonMark allows it for all of them),
// which keeps emphasis, links, autolinks (www. and scheme: need their unescaped '.' and ':'),
// HTML and table pipes from forming; line breaks become spaces; control and formatting
// characters (bidi overrides among them) are dropped.
func markdownText(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case !shows(r):
			// dropped
		case r < utf8.RuneSelf && unicode.IsPunct(r) || r < utf8.RuneSelf && unicode.IsSymbol(r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mermaidText makes text safe inside a quoted Mermaid label: letters, digits, spaces and
// the punctuation that means nothing to Mermaid or HTML stay; every other ASCII character
// (quotes, brackets, '#', ';', '<', '&', backquotes, …) becomes an entity code (#35;), which
// Mermaid shows as the character; line breaks become spaces; control and formatting
// characters (bidi overrides among them) are dropped.
func mermaidText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case !shows(r):
			// dropped
		case r < utf8.RuneSelf && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(" .,:/-_=+*$!?@^~'", r):
			fmt.Fprintf(&b, "#%d;", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// commenter is what holds comments: a *File, a *Group or a *Statement.
type commenter interface {
	Comment(string) *Statement
}

// lineComment renders one line of comment text, made inert, as a "//" comment.
func lineComment(text string) *Statement { return Comment(lineText(text)) }

// lineText is the comment line that lineComment renders.
func lineText(text string) string {
	if text = inert(text); text == "" {
		return "//"
	}
	return "// " + text
}

// commentLine adds one line of comment text to c; a newline in text is escaped, not kept.
func commentLine(c commenter, text string) { c.Comment(lineText(text)) }

// commentf is commentLine with a format.
func commentf(c commenter, format string, args ...any) {
	commentLine(c, fmt.Sprintf(format, args...))
}

// commentText adds prose to c: the paragraphs of text (separated by newlines), each wrapped
// into lines of about 100 columns. Nothing is added for empty text.
func commentText(c commenter, text string) {
	for _, l := range wrap(text) {
		commentLine(c, l)
	}
}

// note is a trailing comment that echoes text (a runtime expression) after the code
// compiled from it; nothing when text is empty.
func note(text string) *Statement {
	if text == "" {
		return Null()
	}
	return lineComment(text)
}

// fileComments writes the header that marks a generated file and its package
// documentation, both made inert line by line.
func fileComments(f *File, header string, doc []string) {
	f.HeaderComment(lineText(header))
	for _, l := range doc {
		f.PackageComment(lineText(l))
	}
}

// wrap splits text into comment lines wrapped at about 100 columns; the lines are made
// inert when they are added.
func wrap(text string) []string {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	var out []string
	for _, para := range strings.Split(text, "\n") {
		l := ""
		for _, w := range strings.Fields(para) {
			if l != "" && len(l)+1+len(w) > 96 {
				out = append(out, l)
				l = ""
			}
			if l != "" {
				l += " "
			}
			l += w
		}
		out = append(out, l)
	}
	return out
}
