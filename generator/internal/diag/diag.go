// Package diag holds positioned diagnostics. Every user error the generator finds is a
// Diagnostic with the position of the offending node, so that all of them can be reported
// at once, sorted, in the familiar `path:line:col: severity: message` form.
package diag

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Pos is a position in an input file. Line and Col are 1-based; zero means unknown.
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string {
	line, col := max(p.Line, 1), max(p.Col, 1)
	return fmt.Sprintf("%s:%d:%d", p.File, line, col)
}

// Shift returns the position n columns to the right (for a location inside a scalar).
func (p Pos) Shift(n int) Pos {
	if p.Line == 0 {
		return p
	}
	p.Col += n
	return p
}

// Severity of a diagnostic.
type Severity int

const (
	Warning Severity = iota
	Error
)

func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// Diagnostic is one problem found in the input documents.
type Diagnostic struct {
	Pos      Pos
	Severity Severity
	Code     string // stable identifier, e.g. "unbraced-expression"
	Msg      string
	Hint     string // a known fix; empty when none
}

// String formats d as one line, and its hint as a second, indented one. Text from the
// documents inside the message (a name, a url, what libopenapi says about a description) is
// printed with every character that does not show as itself escaped, so that a line break
// or a terminal escape sequence in a document cannot forge or hide diagnostics.
func (d Diagnostic) String() string {
	pos := d.Pos
	pos.File = Printable(pos.File)
	s := fmt.Sprintf("%s: %s: %s", pos, d.Severity, Printable(d.Msg))
	if d.Hint != "" {
		s += "\n\thint: " + Printable(d.Hint)
	}
	return s
}

// Printable returns s with every rune that does not print (control and format characters,
// line separators, bytes that are not UTF-8) escaped as Go would in a quoted string; spaces
// and tabs are kept.
func Printable(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsPrint(r) && r != '\t' && !unicode.Is(unicode.Zs, r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case !unicode.IsPrint(r) && r != '\t' && !unicode.Is(unicode.Zs, r):
			q := strconv.QuoteRune(r) // '\n', '\x1b', '\u202e'
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// List collects diagnostics.
type List struct {
	items []Diagnostic
}

// Errorf records an error at pos.
func (l *List) Errorf(pos Pos, code, format string, args ...any) *Diagnostic {
	return l.add(pos, Error, code, fmt.Sprintf(format, args...))
}

// Warnf records a warning at pos.
func (l *List) Warnf(pos Pos, code, format string, args ...any) *Diagnostic {
	return l.add(pos, Warning, code, fmt.Sprintf(format, args...))
}

func (l *List) add(pos Pos, sev Severity, code, msg string) *Diagnostic {
	l.items = append(l.items, Diagnostic{Pos: pos, Severity: sev, Code: code, Msg: msg})
	return &l.items[len(l.items)-1]
}

// WithHint sets the hint of d and returns it, for chaining after Errorf/Warnf.
func (d *Diagnostic) WithHint(format string, args ...any) {
	d.Hint = fmt.Sprintf(format, args...)
}

// Strict turns every warning into an error.
func (l *List) Strict() {
	for i := range l.items {
		l.items[i].Severity = Error
	}
}

// HasErrors reports whether any diagnostic is an error.
func (l *List) HasErrors() bool {
	return slices.ContainsFunc(l.items, func(d Diagnostic) bool { return d.Severity == Error })
}

// Sorted returns the diagnostics ordered by file, line, column and message, without duplicates.
func (l *List) Sorted() []Diagnostic {
	out := slices.Clone(l.items)
	slices.SortStableFunc(out, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
			cmp.Compare(b.Severity, a.Severity),
			cmp.Compare(a.Msg, b.Msg),
		)
	})
	return slices.CompactFunc(out, func(a, b Diagnostic) bool { return a == b })
}
