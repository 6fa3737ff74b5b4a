// Package ecmaregex matches ECMAScript regular expressions, the dialect of Arazzo regex
// success criteria, using only the standard library.
//
// # Dialect
//
// A pattern is what appears between the slashes of an ECMAScript regular expression literal
// with no flags, as ECMA-262 defines it including the web-compatibility grammar of Annex B.
// Matching is a search, like RegExp.prototype.test: /b/ matches "abc", and a whole-string
// match is written ^…$.
//
// Without the u flag, patterns and inputs are sequences of UTF-16 code units, and that is
// observable: . and classes match one code unit, so /^.$/ does not match "😀" while /^..$/
// does, and \uD83D finds the first half of it. Inputs are read as UTF-8; a byte that is not
// UTF-8 reads as U+FFFD. In particular:
//
//   - . matches anything but LF, CR, U+2028 and U+2029; [^] matches anything and [] nothing.
//   - \s is ECMAScript's WhiteSpace and LineTerminator set (TAB, VT, FF, SP, U+00A0, U+FEFF,
//     the other Zs spaces, LF, CR, U+2028, U+2029); \d, \w and \b are ASCII.
//   - ^ and $ are the start and end of the input, never of a line.
//   - \uXXXX, \xHH, \cX, \0, \f \n \r \t \v; any other escaped character stands for itself
//     (\a, \z, \/, \p{L} is "p{L}"); \u{…} is 'u' followed by a quantifier, as without the
//     u flag.
//   - Annex B: a '{' that starts no complete {n}, {n,} or {n,m} is a literal, as are ']' and
//     '}'; \1 to \9… are back references when that many groups exist and legacy octal escapes
//     otherwise; \8 and \9 are then literal digits; [\d-z] is \d, '-' and 'z'; a backslash
//     before a 'c' that starts no control escape is a literal backslash; lookaheads may be
//     quantified.
//   - Groups: capturing, (?:…), named (?<name>…) with \k<name> (a name may repeat in
//     different alternatives, as ECMAScript 2025 allows), lookahead (?=…) (?!…) and
//     lookbehind (?<=…) (?<!…). Lazy quantifiers are accepted.
//
// Flags, and with them the u and v modes, \p{…} property escapes, case-insensitive matching
// and the (?i:…) modifiers of ECMAScript 2025, are not supported.
//
// A malformed pattern is a *SyntaxError giving the byte offset of the offending character.
// The message wording follows the common engines ("nothing to repeat", "unterminated
// group"); the offset is this package's own, since ECMAScript defines none.
//
// # Strategy
//
// Compile parses the pattern into a syntax tree once. When the tree uses only what RE2 can
// express, it is translated into Go regexp syntax with every ECMAScript meaning spelled out
// explicitly: classes become explicit code unit ranges (negation resolved beforehand), ^ and
// $ become \A and \z, captures become plain groups because only the existence of a match is
// asked. To keep the code unit model under Go's code point matching, surrogate code units
// are named in the translation by stand-in runes at U+10F800…U+10FFFF, and an input that
// holds astral characters is rewritten so each becomes the stand-ins of its two surrogates.
// The translated engine runs in time linear in the input.
//
// Patterns with lookaround or back references, and the rare ones Go refuses (repetition
// counts above 1000, or an expansion past its size limit), run on a backtracking engine that
// follows the ECMA-262 matcher semantics: atomic lookarounds, lookbehinds matched right to
// left, captures reset at each iteration of their enclosing quantifier, and the rule that
// an iteration past the minimum may not match the empty string. Backtracking reports which
// engine a pattern got. Tests check both engines against each other on generated patterns
// and inputs.
//
// # Budget
//
// Backtracking can take exponential time, as in /(?=a)(a+)+$/ on "aaaa…b". Each Match on the
// backtracking engine therefore has a step budget, DefaultBudget (one million) unless set
// with WithBudget: a step is one instruction, or one code unit examined by a repetition or
// back reference, and the budget covers the whole search across start positions (positions
// where no match can begin are skipped for free, and a pattern beginning with ^ is tried at
// position 0 only). Memory also stays proportional to the steps taken. A search that runs
// out returns an error wrapping ErrBudget, and MatchString reports false, so a hostile or
// unlucky pattern fails its criterion instead of hanging the workflow.
package ecmaregex
