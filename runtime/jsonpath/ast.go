package jsonpath

import (
	"regexp"

	"github.com/arazzogen/arazzogen/runtime/internal/budget"
)

// query is "$" or "@" followed by segments.
type query struct {
	absolute bool // starts at the root ($) rather than the current node (@)
	segs     []segment
	// singular: every segment is a child segment with exactly one name or index selector.
	singular bool
	// strictSingular additionally follows the singular-query grammar of RFC 9535 §2.3.5.1,
	// which has no whitespace inside brackets; only such queries may be compared or passed
	// where a value is expected.
	strictSingular bool
}

type segment struct {
	descendant bool
	sels       []selector
	spaced     bool // whitespace appeared inside the brackets
}

type selKind uint8

const (
	selName selKind = iota
	selWildcard
	selIndex
	selSlice
	selFilter
)

type selector struct {
	kind  selKind
	name  string
	index int64 // selIndex
	// selSlice: bounds present or not, per RFC 9535 §2.3.4.2.
	start, end, step          int64
	hasStart, hasEnd, hasStep bool
	filter                    logical
}

// env carries what a filter needs beyond the current node, and the evaluation's budget.
type env struct {
	root  any
	b     *budget.Budget
	found map[foundKey]bool // answers of query.from, by node
}

// logical is a filter expression yielding LogicalType.
type logical interface {
	test(e *env, cur any) bool
}

// valueExpr yields ValueType: a value, or ok == false for Nothing.
type valueExpr interface {
	value(e *env, cur any) (v any, ok bool)
}

type orExpr []logical
type andExpr []logical
type notExpr struct{ x logical }

// existsExpr is a test expression on a query: true when the nodelist is not empty.
type existsExpr struct{ q *query }

type cmpOp uint8

const (
	opEq cmpOp = iota
	opNe
	opLt
	opLe
	opGt
	opGe
)

type compareExpr struct {
	op   cmpOp
	l, r valueExpr
}

// literalExpr is a literal: string, bool, nil or json.Number.
type literalExpr struct{ v any }

// singularExpr is a singular query used as a value.
type singularExpr struct{ q *query }

type fnKind uint8

const (
	fnLength fnKind = iota
	fnCount
	fnMatch
	fnSearch
	fnValue
)

// Declared types of function parameters and results (RFC 9535 §2.4.1).
type fnType uint8

const (
	typeValue fnType = iota
	typeLogical
	typeNodes
)

type fnDef struct {
	kind   fnKind
	params []fnType
	result fnType
}

var functions = map[string]*fnDef{
	"length": {fnLength, []fnType{typeValue}, typeValue},
	"count":  {fnCount, []fnType{typeNodes}, typeValue},
	"match":  {fnMatch, []fnType{typeValue, typeValue}, typeLogical},
	"search": {fnSearch, []fnType{typeValue, typeValue}, typeLogical},
	"value":  {fnValue, []fnType{typeNodes}, typeValue},
}

// fnArg is one well-typed argument: a value expression or a query producing nodes.
type fnArg struct {
	val   valueExpr
	nodes *query
}

type funcCall struct {
	name string
	def  *fnDef
	args []fnArg
	// For match and search with a literal pattern, the pattern is compiled once while
	// parsing; constRe is nil when the literal is not a valid I-Regexp (the function then
	// yields LogicalFalse, RFC 9535 §2.4.6).
	constPattern bool
	constRe      *regexp.Regexp
	cache        *regexCache
}
