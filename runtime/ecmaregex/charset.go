package ecmaregex

import (
	"sort"
	"sync"
	"unicode"
)

// Without the u flag an ECMAScript pattern and its input are sequences of UTF-16 code
// units, so every set here is a set of code units (0 to 0xFFFF), never of code points.

// unitRange is an inclusive range of UTF-16 code units.
type unitRange struct{ lo, hi uint16 }

// charSet is a sorted list of disjoint, non-adjacent ranges. The zero value is empty.
type charSet []unitRange

func single(u uint16) charSet { return charSet{{u, u}} }

// has reports whether u is in the set; binary search because \s and negated classes can
// hold a dozen ranges and this runs for every code unit the backtracker examines.
func (s charSet) has(u uint16) bool {
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch {
		case u < s[m].lo:
			hi = m
		case u > s[m].hi:
			lo = m + 1
		default:
			return true
		}
	}
	return false
}

// union returns the normalised union of the given sets.
func union(sets ...charSet) charSet {
	var all []unitRange
	for _, s := range sets {
		all = append(all, s...)
	}
	return normalize(all)
}

func normalize(rs []unitRange) charSet {
	if len(rs) == 0 {
		return nil
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].lo < rs[j].lo })
	out := charSet{rs[0]}
	for _, r := range rs[1:] {
		last := &out[len(out)-1]
		// Merge overlapping and adjacent ranges; the uint32 conversion keeps hi+1 from
		// wrapping at 0xFFFF.
		if uint32(r.lo) <= uint32(last.hi)+1 {
			if r.hi > last.hi {
				last.hi = r.hi
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

// negate returns the complement within the code unit space.
func (s charSet) negate() charSet {
	var out charSet
	next := uint32(0)
	for _, r := range s {
		if uint32(r.lo) > next {
			out = append(out, unitRange{uint16(next), r.lo - 1})
		}
		next = uint32(r.hi) + 1
	}
	if next <= 0xFFFF {
		out = append(out, unitRange{uint16(next), 0xFFFF})
	}
	return out
}

var (
	digitSet = charSet{{'0', '9'}}
	wordSet  = charSet{{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}
	// spaceSet is ECMAScript's WhiteSpace plus LineTerminator: TAB, VT, FF, ZWNBSP (U+FEFF),
	// every code point of general category Zs, LF, CR, LS and PS. It and dotSet are built
	// when a pattern first needs them, not when the program starts.
	spaceSet = sync.OnceValue(buildSpaceSet)
	// dotSet is what . matches without the s flag: everything but a LineTerminator.
	dotSet = sync.OnceValue(func() charSet { return charSet{{'\n', '\n'}, {'\r', '\r'}, {0x2028, 0x2029}}.negate() })
	allSet = charSet{{0, 0xFFFF}}
)

func buildSpaceSet() charSet {
	rs := []unitRange{{'\t', '\r'}, {0xFEFF, 0xFEFF}, {0x2028, 0x2029}}
	// Zs is taken from the unicode package so the set follows the Unicode version of the
	// toolchain, as engines follow theirs; every Zs code point is in the BMP.
	for _, r := range unicode.Zs.R16 {
		for c := r.Lo; c <= r.Hi; c += r.Stride {
			rs = append(rs, unitRange{c, c})
			if c > 0xFFFF-r.Stride {
				break
			}
		}
	}
	return normalize(rs)
}

// isWordUnit is the \w test used by \b and \B.
func isWordUnit(u uint16) bool {
	return u == '_' || ('0' <= u && u <= '9') || ('a' <= u && u <= 'z') || ('A' <= u && u <= 'Z')
}
