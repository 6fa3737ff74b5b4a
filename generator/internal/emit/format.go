package emit

import (
	"bytes"
	"go/format"
	"go/scanner"
	"go/token"
	"sync"
)

// splitFormatMin is the size from which formatSource formats a file in two halves at once.
var splitFormatMin = 64 << 10 // a variable for the tests

// formatSource is format.Source, the two halves of a large file formatted at the same time:
// formatting is most of what emission costs, and a workflow package of a large document is
// hundreds of kilobytes. The file is cut before a top-level declaration that follows a
// blank line, with no comment between the two: gofmt formats each top-level declaration on
// its own and keeps exactly one blank line between declarations that had at least one, and
// its alignment of columns and comments stops at a blank line, so the halves, formatted
// apart and joined with a blank line, are what formatting the file gives. The second half is
// formatted under the file's package clause, which is then taken off again.
// TestFormatSourceIsGofmt compares the two on every generated file of the tests.
func formatSource(src []byte) ([]byte, error) {
	cut, clause := declCut(src)
	if len(src) < splitFormatMin || cut < 0 {
		return format.Source(src)
	}
	var first, second []byte
	var firstErr, secondErr error
	var wg sync.WaitGroup
	wg.Go(func() { first, firstErr = format.Source(src[:cut]) })
	rest := make([]byte, 0, len(clause)+2+len(src)-cut)
	rest = append(append(append(rest, clause...), "\n\n"...), src[cut:]...)
	second, secondErr = format.Source(rest)
	wg.Wait()
	prefix := append(append([]byte(nil), clause...), "\n\n"...)
	if firstErr != nil || secondErr != nil || !bytes.HasPrefix(second, prefix) {
		// Whatever the halves say, the file's own formatting decides (and reports errors
		// with the file's positions).
		return format.Source(src)
	}
	out := make([]byte, 0, len(first)+1+len(second)-len(prefix))
	out = append(append(append(out, first...), '\n'), second[len(prefix):]...)
	return out, nil
}

// declCut returns the offset of the top-level declaration nearest the middle of src that
// starts a line after a blank line, with only its own keyword (func, type, var or const)
// there: no comment directly above it or between it and the declaration before. It returns
// -1 when there is none, and the package clause ("package name") the second half needs.
func declCut(src []byte) (cut int, clause []byte) {
	var s scanner.Scanner
	fset := token.NewFileSet()
	s.Init(fset.AddFile("", -1, len(src)), src, nil, scanner.ScanComments)
	depth := 0
	cut = -1
	prevEnd := -1 // end of the previous token that is not a comment
	prevTok := token.ILLEGAL
	commentSince := false
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return cut, clause
		}
		off := int(pos) - 1
		switch tok {
		case token.COMMENT:
			commentSince = true
			continue
		case token.SEMICOLON:
			if lit == "\n" { // an inserted semicolon is the line break, not a token
				continue
			}
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
		case token.IDENT:
			if clause == nil && prevTok == token.PACKAGE {
				clause = append([]byte("package "), lit...)
			}
		case token.FUNC, token.TYPE, token.VAR, token.CONST:
			if depth == 0 && clause != nil && !commentSince && prevEnd >= 0 && off >= 2 &&
				bytes.Equal(src[off-2:off], []byte("\n\n")) && len(bytes.TrimSpace(src[prevEnd:off])) == 0 {
				if cut < 0 || distance(off, len(src)/2) < distance(cut, len(src)/2) {
					cut = off
				}
			}
		}
		prevEnd, prevTok = off+tokenLen(tok, lit), tok
		commentSince = false
	}
}

func tokenLen(tok token.Token, lit string) int {
	if lit != "" {
		return len(lit)
	}
	return len(tok.String())
}

func distance(a, b int) int {
	if a > b {
		return a - b
	}
	return b - a
}
