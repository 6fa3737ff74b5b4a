package emit

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	. "github.com/dave/jennifer/jen"
)

// Every comment of the generated code is written by the functions of this file, and every
// one of them passes its text through inert. Comments carry text from the documents
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
		case r == ' ' || r == '\t':
			b.WriteRune(r)
		case !unicode.IsPrint(r):
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
