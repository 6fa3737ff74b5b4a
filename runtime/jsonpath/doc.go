// Package jsonpath implements JSONPath as standardized by RFC 9535, using only the standard
// library. Generated code uses it for Arazzo "jsonpath" success criteria and selectors; the
// generator parses every query at generation time, so that a malformed query is reported
// with its position before any code runs.
//
// # Supported syntax
//
// All of RFC 9535:
//
//   - the root identifier $, child segments (.name, .*, [...]) and descendant segments
//     (..name, ..*, ..[...]);
//   - name selectors in single or double quotes with every escape of §2.3.1.1 (surrogate
//     pairs included), wildcard, index and slice selectors (integers within ±(2^53-1), no
//     leading zeros, no -0);
//   - filter selectors: @ and $ queries, existence tests, comparisons (== != < <= > >=) of
//     literals (numbers, strings, true, false, null), singular queries and function results,
//     && || ! and parentheses;
//   - the function extensions length, count, match, search and value, with the
//     well-typedness rules of §2.4.3: a non-singular query where a value is required, a
//     comparison of a logical result, a function result used as a test where it is a value,
//     an unknown function or a wrong number of arguments are all syntax errors;
//   - whitespace exactly where the grammar allows it (none before $ or after the query, none
//     between a function name and its parenthesis, none inside the brackets of a singular
//     query that is compared or passed as a value).
//
// match and search take I-Regexp patterns (RFC 9485), which are translated to Go regexp
// syntax: match is anchored at both ends, search is not, and . matches any character but
// line feed and carriage return. A pattern that is not an I-Regexp (\d, \w, lazy
// quantifiers, non-capturing groups, ...) or that Go cannot run (a repetition count above
// 1000) makes the function yield false, as RFC 9535 requires; it is not a syntax error, since
// the pattern may come from the document. An unescaped ^ or $ is an anchor, as in the
// RFC 9485 §5 mappings and the JSONPath Compliance Test Suite. Go regexps run in linear
// time, so a pattern from a document cannot make evaluation take exponential time.
//
// The package passes the whole JSONPath Compliance Test Suite.
//
// # Values
//
// Select works on values as encoding/json decodes them into an any: nil, bool, float64 or
// json.Number, string, []any and map[string]any (int and int64 are accepted as numbers too).
// SelectJSON decodes with json.Number so that integers above 2^53, typically identifiers,
// keep their precision. The result is the nodelist's values, in order.
//
// Comparisons follow RFC 9535 §2.3.5.2: numbers compare by value whatever their type or
// spelling (1 == 1.0 == 1e0), integers written without fraction or exponent compare exactly
// even beyond 2^53, and other numbers compare as float64; strings compare by Unicode scalar
// values; arrays and objects compare by deep equality; a query that selects nothing yields
// Nothing, which equals only Nothing and orders with nothing.
//
// RFC 9535 leaves the order of an object's members unspecified; this package visits them in
// ascending key order so that results are reproducible.
//
// # Errors
//
// Parse returns a *SyntaxError for any query that is not well-formed or not well-typed. Its
// Offset is the byte offset in the query where the problem was found, and its message reads
// like "jsonpath: offset 7: expected ',' or ']', found '1'". Evaluation never fails: a query
// that finds nothing yields an empty result. SelectJSON fails only when the document is not
// exactly one JSON value.
//
// # Plain paths
//
// Singular reports whether a query selects at most one node, and Tokens turns a singular
// query of names and non-negative indices into RFC 6901 JSON Pointer reference tokens, so
// that $.data.items[0].id can be read with a pointer lookup instead of an evaluation.
package jsonpath
