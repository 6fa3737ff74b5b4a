package ecmaregex

import (
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Go's regexp reads UTF-8 and matches code points, while a non-unicode ECMAScript pattern
// matches UTF-16 code units: /^.$/ does not match "😀" but /^..$/ does. To keep that
// exact, an input holding astral characters is rewritten before matching so that each
// astral character becomes two runes standing for its surrogates, and the translated
// pattern names surrogate code units by the same runes. The stand-ins are the last 2048
// code points, U+10F800 to U+10FFFF: a real character there is astral, so in a rewritten
// input it is itself replaced by stand-ins and can never be confused with one.
const surrogateBase = 0x10F800 - 0xD800

// standIn maps a code unit to the rune that represents it in Go's regexp.
func standIn(u uint16) rune {
	if utf16.IsSurrogate(rune(u)) {
		return rune(u) + surrogateBase
	}
	return rune(u)
}

// maxRE2Repeat is the largest repetition count Go's regexp accepts.
const maxRE2Repeat = 1000

// translate writes the RE2 syntax for n and reports false when n needs a feature RE2 lacks
// (lookaround, back references) or a repetition count beyond Go's limit. Only whether a
// match exists is ever asked, and without lookaround or back references that depends only
// on the language each subpattern matches, not on the order alternatives or repetitions are
// tried, so captures become plain groups and greediness is kept only for readability.
func translate(n *node, b *strings.Builder) bool {
	switch n.kind {
	case nEmpty:
		b.WriteString("(?:)")
	case nSet:
		writeSet(b, n.set)
	case nSeq:
		for _, s := range n.subs {
			if !translate(s, b) {
				return false
			}
		}
	case nAlt:
		b.WriteString("(?:")
		for k, s := range n.subs {
			if k > 0 {
				b.WriteByte('|')
			}
			if !translate(s, b) {
				return false
			}
		}
		b.WriteByte(')')
	case nGroup:
		b.WriteString("(?:")
		if !translate(n.subs[0], b) {
			return false
		}
		b.WriteByte(')')
	case nRepeat:
		if n.min > maxRE2Repeat || n.max > maxRE2Repeat {
			return false
		}
		b.WriteString("(?:")
		if !translate(n.subs[0], b) {
			return false
		}
		b.WriteByte(')')
		switch {
		case n.min == 0 && n.max < 0:
			b.WriteByte('*')
		case n.min == 1 && n.max < 0:
			b.WriteByte('+')
		case n.min == 0 && n.max == 1:
			b.WriteByte('?')
		case n.max < 0:
			fmt.Fprintf(b, "{%d,}", n.min)
		case n.min == n.max:
			fmt.Fprintf(b, "{%d}", n.min)
		default:
			fmt.Fprintf(b, "{%d,%d}", n.min, n.max)
		}
		if !n.greedy {
			b.WriteByte('?')
		}
	case nBOL:
		// Without the m flag ^ and $ are the ends of the input only; \A and \z say so
		// whatever flags Go's defaults carry.
		b.WriteString(`\A`)
	case nEOL:
		b.WriteString(`\z`)
	case nWordB:
		// Go's \b is the ASCII word boundary, as ECMAScript's is without the u and i flags.
		b.WriteString(`\b`)
	case nNotWordB:
		b.WriteString(`\B`)
	default:
		return false
	}
	return true
}

// writeSet writes a positive character class over stand-in runes. Negation is always
// resolved in code unit space first, so Go never complements a class over its own, larger,
// rune space.
func writeSet(b *strings.Builder, s charSet) {
	var rs [][2]rune
	for _, r := range s {
		// Split at the surrogate block, whose stand-ins are not contiguous with the rest.
		for _, seg := range [...]unitRange{{0, 0xD7FF}, {0xD800, 0xDFFF}, {0xE000, 0xFFFF}} {
			lo, hi := max(r.lo, seg.lo), min(r.hi, seg.hi)
			if lo <= hi {
				rs = append(rs, [2]rune{standIn(lo), standIn(hi)})
			}
		}
	}
	switch {
	case len(rs) == 0:
		// [] matches nothing; RE2 has no empty class, but a complemented full one is empty.
		b.WriteString(`[^\x{0}-\x{10FFFF}]`)
		return
	case len(rs) == 1 && rs[0][0] == rs[0][1]:
		writeRune(b, rs[0][0])
		return
	}
	b.WriteByte('[')
	for _, r := range rs {
		writeRune(b, r[0])
		if r[1] != r[0] {
			b.WriteByte('-')
			writeRune(b, r[1])
		}
	}
	b.WriteByte(']')
}

// writeRune writes r so that it is a literal both inside and outside a class.
func writeRune(b *strings.Builder, r rune) {
	if r < utf8.RuneSelf && ('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
		b.WriteRune(r)
		return
	}
	fmt.Fprintf(b, `\x{%X}`, r)
}

// hasAstral reports whether s may hold an astral character: only those, and bytes that are
// not UTF-8 at all, start with 0xF0 or above.
func hasAstral(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0xF0 {
			return true
		}
	}
	return false
}

// toStandIns rewrites every astral character of s as the stand-ins of its two surrogates.
// A byte that is not UTF-8 becomes U+FFFD, which is what Go's regexp would read it as.
func toStandIns(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	for _, r := range s {
		if r >= 0x10000 {
			hi, lo := utf16.EncodeRune(r)
			b.WriteRune(hi + surrogateBase)
			b.WriteRune(lo + surrogateBase)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
