package xpath

import (
	"math"
	"strings"
	"sync"
	"unicode/utf8"
)

// function is an entry of the XPath 1.0 core function library (§4).
type function struct {
	name     string
	min, max int // argument counts; max < 0 is variadic
	ret      ValueType
	nodeArgs bool // every argument must be a node-set
	impl     func(c ctx, args []expr) Value
}

type callExpr struct {
	fn   *function
	args []expr
}

func (e *callExpr) typ() ValueType   { return e.fn.ret }
func (e *callExpr) eval(c ctx) Value { return e.fn.impl(c, e.args) }

// functions is the function library by name, built when the first expression is compiled
// rather than when the program starts.
var functions = sync.OnceValue(func() map[string]*function {
	table := map[string]*function{}
	for _, f := range []*function{
		// Node-set functions (§4.1).
		{name: "last", ret: NumberValue, impl: func(c ctx, _ []expr) Value { return numberValue(float64(c.size)) }},
		{name: "position", ret: NumberValue, impl: func(c ctx, _ []expr) Value { return numberValue(float64(c.pos)) }},
		{name: "count", min: 1, max: 1, ret: NumberValue, nodeArgs: true, impl: func(c ctx, a []expr) Value {
			return numberValue(float64(len(a[0].eval(c).nodes)))
		}},
		{name: "id", min: 1, max: 1, ret: NodeSetValue, impl: fnID},
		{name: "local-name", max: 1, ret: StringValue, nodeArgs: true, impl: nameFunc((*Node).LocalName)},
		{name: "namespace-uri", max: 1, ret: StringValue, nodeArgs: true, impl: nameFunc((*Node).NamespaceURI)},
		{name: "name", max: 1, ret: StringValue, nodeArgs: true, impl: nameFunc((*Node).Name)},

		// String functions (§4.2).
		{name: "string", max: 1, ret: StringValue, impl: func(c ctx, a []expr) Value { return stringValue(strArg(c, a, 0)) }},
		{name: "concat", min: 2, max: -1, ret: StringValue, impl: func(c ctx, a []expr) Value {
			var b strings.Builder
			for i := range a {
				b.WriteString(strArg(c, a, i))
			}
			return stringValue(b.String())
		}},
		{name: "starts-with", min: 2, max: 2, ret: BooleanValue, impl: func(c ctx, a []expr) Value {
			return booleanValue(strings.HasPrefix(strArg(c, a, 0), strArg(c, a, 1)))
		}},
		{name: "contains", min: 2, max: 2, ret: BooleanValue, impl: func(c ctx, a []expr) Value {
			return booleanValue(strings.Contains(strArg(c, a, 0), strArg(c, a, 1)))
		}},
		{name: "substring-before", min: 2, max: 2, ret: StringValue, impl: func(c ctx, a []expr) Value {
			before, _, found := strings.Cut(strArg(c, a, 0), strArg(c, a, 1))
			if !found {
				return stringValue("")
			}
			return stringValue(before)
		}},
		{name: "substring-after", min: 2, max: 2, ret: StringValue, impl: func(c ctx, a []expr) Value {
			_, after, _ := strings.Cut(strArg(c, a, 0), strArg(c, a, 1))
			return stringValue(after)
		}},
		{name: "substring", min: 2, max: 3, ret: StringValue, impl: fnSubstring},
		{name: "string-length", max: 1, ret: NumberValue, impl: func(c ctx, a []expr) Value {
			return numberValue(float64(utf8.RuneCountInString(strArg(c, a, 0))))
		}},
		{name: "normalize-space", max: 1, ret: StringValue, impl: func(c ctx, a []expr) Value {
			return stringValue(strings.Join(strings.FieldsFunc(strArg(c, a, 0), func(r rune) bool {
				return r < utf8.RuneSelf && isSpace(byte(r))
			}), " "))
		}},
		{name: "translate", min: 3, max: 3, ret: StringValue, impl: fnTranslate},

		// Boolean functions (§4.3).
		{name: "boolean", min: 1, max: 1, ret: BooleanValue, impl: func(c ctx, a []expr) Value { return booleanValue(a[0].eval(c).Boolean()) }},
		{name: "not", min: 1, max: 1, ret: BooleanValue, impl: func(c ctx, a []expr) Value { return booleanValue(!a[0].eval(c).Boolean()) }},
		{name: "true", ret: BooleanValue, impl: func(ctx, []expr) Value { return booleanValue(true) }},
		{name: "false", ret: BooleanValue, impl: func(ctx, []expr) Value { return booleanValue(false) }},
		{name: "lang", min: 1, max: 1, ret: BooleanValue, impl: fnLang},

		// Number functions (§4.4).
		{name: "number", max: 1, ret: NumberValue, impl: func(c ctx, a []expr) Value {
			if len(a) == 0 {
				return numberValue(parseNumber(c.b.stringValue(c.node)))
			}
			return numberValue(c.b.num(a[0].eval(c)))
		}},
		{name: "sum", min: 1, max: 1, ret: NumberValue, nodeArgs: true, impl: func(c ctx, a []expr) Value {
			total := 0.0
			for _, n := range a[0].eval(c).nodes {
				total += parseNumber(c.b.stringValue(n))
			}
			return numberValue(total)
		}},
		{name: "floor", min: 1, max: 1, ret: NumberValue, impl: func(c ctx, a []expr) Value { return numberValue(math.Floor(c.b.num(a[0].eval(c)))) }},
		{name: "ceiling", min: 1, max: 1, ret: NumberValue, impl: func(c ctx, a []expr) Value { return numberValue(math.Ceil(c.b.num(a[0].eval(c)))) }},
		{name: "round", min: 1, max: 1, ret: NumberValue, impl: func(c ctx, a []expr) Value { return numberValue(round(c.b.num(a[0].eval(c)))) }},
	} {
		table[f.name] = f
	}
	return table
})

// strArg is string() of argument i, or of the context node when the argument is optional
// and absent.
func strArg(c ctx, a []expr, i int) string {
	if i >= len(a) {
		return c.b.stringValue(c.node)
	}
	return c.b.str(a[i].eval(c))
}

// nameFunc builds local-name, namespace-uri and name: applied to the first node of the
// argument in document order, or to the context node without an argument.
func nameFunc(get func(*Node) string) func(c ctx, a []expr) Value {
	return func(c ctx, a []expr) Value {
		n := c.node
		if len(a) > 0 {
			nodes := a[0].eval(c).nodes
			if len(nodes) == 0 {
				return stringValue("")
			}
			n = nodes[0]
		}
		return stringValue(get(n))
	}
}

// fnID selects elements by ID. Without DTD processing the only attributes known to be IDs
// are xml:id ones (W3C xml:id), so id() finds those and nothing else.
func fnID(c ctx, a []expr) Value {
	v := a[0].eval(c)
	var tokens []string
	if v.typ == NodeSetValue {
		for _, n := range v.nodes {
			tokens = append(tokens, strings.Fields(c.b.stringValue(n))...)
		}
	} else {
		tokens = strings.Fields(c.b.str(v))
	}
	var out []*Node
	for _, t := range tokens {
		if n, ok := c.doc.ids[t]; ok {
			out = append(out, n)
		}
	}
	return nodeSetValue(normalize(out))
}

// fnSubstring follows §4.2 literally: the character at position p (counted from 1 in code
// points) is kept when round(start) <= p < round(start) + round(length). Doing the
// arithmetic in floating point gives the specified NaN and infinity results for free.
func fnSubstring(c ctx, a []expr) Value {
	s := strArg(c, a, 0)
	from := round(c.b.num(a[1].eval(c)))
	to := math.Inf(1)
	if len(a) == 3 {
		to = from + round(c.b.num(a[2].eval(c)))
	}
	var b strings.Builder
	p := 1.0
	for _, r := range s {
		if p >= from && p < to {
			b.WriteRune(r)
		}
		p++
	}
	return stringValue(b.String())
}

// fnTranslate replaces each character of the first string found in the second by the
// character at the same position in the third, or drops it when the third is shorter; the
// first occurrence in the second string decides.
func fnTranslate(c ctx, a []expr) Value {
	s, from, to := strArg(c, a, 0), []rune(strArg(c, a, 1)), []rune(strArg(c, a, 2))
	mapping := make(map[rune]rune, len(from))
	for i, r := range from {
		if _, seen := mapping[r]; seen {
			continue
		}
		if i < len(to) {
			mapping[r] = to[i]
		} else {
			mapping[r] = -1
		}
	}
	var b strings.Builder
	for _, r := range s {
		if m, ok := mapping[r]; ok {
			if m >= 0 {
				b.WriteRune(m)
			}
			continue
		}
		b.WriteRune(r)
	}
	return stringValue(b.String())
}

// fnLang tests the xml:lang of the nearest element, from the context node up, that has
// one: equal ignoring case, or equal up to a '-' suffix (lang('en') matches "en-US").
func fnLang(c ctx, a []expr) Value {
	want := strArg(c, a, 0)
	for n := c.node; n != nil; n = n.parent {
		c.b.spend(1)
		if n.typ != ElementNode {
			continue
		}
		for _, at := range n.attrs {
			if at.space == xmlURI && at.local == "lang" {
				have := at.data
				ok := strings.EqualFold(have, want) ||
					len(have) > len(want) && have[len(want)] == '-' && strings.EqualFold(have[:len(want)], want)
				return booleanValue(ok)
			}
		}
	}
	return booleanValue(false)
}
