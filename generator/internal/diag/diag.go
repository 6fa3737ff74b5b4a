// Package diag holds positioned diagnostics. Every user error the generator finds is a
// Diagnostic with the position of the offending node, so that all of them can be reported
// at once, sorted, in the familiar `path:line:col: severity: message` form.
package diag

import (
	"cmp"
	"fmt"
	"slices"
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

func (d Diagnostic) String() string {
	s := fmt.Sprintf("%s: %s: %s", d.Pos, d.Severity, d.Msg)
	if d.Hint != "" {
		s += "\n\thint: " + d.Hint
	}
	return s
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
