package xpath

import (
	"math"
	"strconv"
	"strings"
)

// ValueType is one of the four XPath 1.0 data types.
type ValueType uint8

const (
	// NodeSetValue is an unordered collection of nodes without duplicates; this package
	// always hands it out in document order. The zero Value is an empty node-set.
	NodeSetValue ValueType = iota
	StringValue
	NumberValue
	BooleanValue
)

func (t ValueType) String() string {
	switch t {
	case NodeSetValue:
		return "node-set"
	case StringValue:
		return "string"
	case NumberValue:
		return "number"
	case BooleanValue:
		return "boolean"
	}
	return "ValueType(" + strconv.Itoa(int(t)) + ")"
}

// Value is the result of an XPath 1.0 expression. Its conversion methods follow the
// boolean(), string() and number() functions of XPath 1.0 §4.
type Value struct {
	typ   ValueType
	nodes []*Node
	str   string
	num   float64 // also holds a boolean as 0 or 1
}

func nodeSetValue(nodes []*Node) Value { return Value{typ: NodeSetValue, nodes: nodes} }
func stringValue(s string) Value       { return Value{typ: StringValue, str: s} }
func numberValue(f float64) Value      { return Value{typ: NumberValue, num: f} }

func booleanValue(b bool) Value {
	if b {
		return Value{typ: BooleanValue, num: 1}
	}
	return Value{typ: BooleanValue}
}

// Type reports which of the four types v holds.
func (v Value) Type() ValueType { return v.typ }

// Nodes returns the nodes of a node-set in document order, nil for other types. The slice
// belongs to the caller; the nodes are shared with the Document and must not be changed.
func (v Value) Nodes() []*Node {
	if v.typ != NodeSetValue {
		return nil
	}
	return v.nodes
}

// Boolean converts v like boolean(): a node-set is true when it is non-empty, a string when
// it is non-empty, a number when it is neither zero nor NaN.
func (v Value) Boolean() bool {
	switch v.typ {
	case NodeSetValue:
		return len(v.nodes) > 0
	case StringValue:
		return v.str != ""
	default: // numbers and booleans both keep their value in num
		return v.num != 0 && !math.IsNaN(v.num)
	}
}

// String converts v like string(): a node-set gives the string-value of its first node in
// document order ("" when empty), a number its XPath 1.0 decimal form, a boolean "true" or
// "false".
func (v Value) String() string {
	switch v.typ {
	case NodeSetValue:
		if len(v.nodes) == 0 {
			return ""
		}
		return v.nodes[0].StringValue()
	case StringValue:
		return v.str
	case NumberValue:
		return formatNumber(v.num)
	default:
		if v.num != 0 {
			return "true"
		}
		return "false"
	}
}

// Number converts v like number(): strings (and node-sets through their string) are parsed
// with the XPath 1.0 Number grammar, anything else giving NaN; booleans are 1 or 0.
func (v Value) Number() float64 {
	switch v.typ {
	case NodeSetValue:
		return parseNumber(v.String())
	case StringValue:
		return parseNumber(v.str)
	default:
		return v.num
	}
}

// formatNumber renders a number as XPath 1.0 §4.2 string() does: no exponent, no trailing
// zeros, integers without a decimal point, both zeros as "0", and NaN/Infinity spelled out.
func formatNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return "0"
	}
	// 'f' with precision -1 is the shortest decimal that reads back as f, which is what
	// "as many digits as are needed to uniquely distinguish the number" asks for.
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// isSpace is XPath's whitespace: the XML S production.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// parseNumber implements number() on a string: optional whitespace, an optional minus sign
// directly followed by Digits ('.' Digits?)? or '.' Digits, optional whitespace. Anything
// else, including exponents, a plus sign and "Infinity", is NaN.
func parseNumber(s string) float64 {
	s = strings.Trim(s, " \t\n\r")
	t := strings.TrimPrefix(s, "-")
	digits, dot := 0, false
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return math.NaN()
		}
	}
	if digits == 0 {
		return math.NaN()
	}
	// The grammar above is a subset of what ParseFloat accepts; a range error still yields
	// the correctly signed infinity or zero, which is the IEEE 754 value XPath wants.
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// round implements round(): the closest integer, halves towards positive infinity, with
// negative zero for arguments in [-0.5, -0] as XPath 1.0 §4.4 requires. It does not add 0.5
// and floor, which would round 0.49999999999999994 up.
func round(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return f
	}
	r := math.Floor(f)
	if f-r >= 0.5 {
		r++
	}
	if r == 0 && (f < 0 || math.Signbit(f)) {
		return math.Copysign(0, -1)
	}
	return r
}
