package jsonpath

import (
	"slices"
	"unicode/utf8"
)

// eval returns the nodelist of q, starting at the root or at cur.
func (q *query) eval(e *env, cur any) []any {
	start := cur
	if q.absolute {
		start = e.root
	}
	nodes := []any{start}
	var next []any
	for k := range q.segs {
		seg := &q.segs[k]
		next = next[:0]
		for _, n := range nodes {
			if seg.descendant {
				next = seg.descend(e, n, next)
			} else {
				next = seg.apply(e, n, next)
			}
		}
		nodes, next = next, nodes
		if len(nodes) == 0 {
			break
		}
	}
	return nodes
}

// single evaluates a singular query without building nodelists.
func (q *query) single(root, cur any) (any, bool) {
	v := cur
	if q.absolute {
		v = root
	}
	for k := range q.segs {
		sel := &q.segs[k].sels[0]
		switch sel.kind {
		case selName:
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[sel.name]; !ok {
				return nil, false
			}
		case selIndex:
			a, ok := v.([]any)
			if !ok {
				return nil, false
			}
			i, ok := normIndex(sel.index, len(a))
			if !ok {
				return nil, false
			}
			v = a[i]
		}
	}
	return v, true
}

func normIndex(i int64, n int) (int, bool) {
	if i < 0 {
		i += int64(n)
	}
	if i < 0 || i >= int64(n) {
		return 0, false
	}
	return int(i), true
}

// apply appends the results of the segment's selectors on node v, selector by selector.
func (seg *segment) apply(e *env, v any, out []any) []any {
	for k := range seg.sels {
		out = seg.sels[k].apply(e, v, out)
	}
	return out
}

// descend visits v and then its descendants, parents before children and array elements in
// order (RFC 9535 §2.5.2.2), applying the selectors at each node.
func (seg *segment) descend(e *env, v any, out []any) []any {
	out = seg.apply(e, v, out)
	switch v := v.(type) {
	case []any:
		for _, c := range v {
			out = seg.descend(e, c, out)
		}
	case map[string]any:
		for _, k := range sortedKeys(v) {
			out = seg.descend(e, v[k], out)
		}
	}
	return out
}

// sortedKeys fixes an order for object members, which RFC 9535 leaves unspecified, so that
// results are reproducible.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (sel *selector) apply(e *env, v any, out []any) []any {
	switch sel.kind {
	case selName:
		if m, ok := v.(map[string]any); ok {
			if c, ok := m[sel.name]; ok {
				out = append(out, c)
			}
		}
	case selWildcard:
		switch v := v.(type) {
		case []any:
			out = append(out, v...)
		case map[string]any:
			for _, k := range sortedKeys(v) {
				out = append(out, v[k])
			}
		}
	case selIndex:
		if a, ok := v.([]any); ok {
			if i, ok := normIndex(sel.index, len(a)); ok {
				out = append(out, a[i])
			}
		}
	case selSlice:
		if a, ok := v.([]any); ok {
			out = sel.slice(a, out)
		}
	case selFilter:
		switch v := v.(type) {
		case []any:
			for _, c := range v {
				if sel.filter.test(e, c) {
					out = append(out, c)
				}
			}
		case map[string]any:
			for _, k := range sortedKeys(v) {
				if c := v[k]; sel.filter.test(e, c) {
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// slice implements RFC 9535 §2.3.4.2.2.
func (sel *selector) slice(a []any, out []any) []any {
	sel.eachSliced(len(a), func(i int) { out = append(out, a[i]) })
	return out
}

// eachSliced calls f with the indexes a slice selector selects in an array of n elements,
// in the order it selects them.
func (sel *selector) eachSliced(n int, f func(i int)) {
	step := int64(1)
	if sel.hasStep {
		step = sel.step
	}
	if step == 0 {
		return
	}
	size := int64(n)
	norm := func(i int64) int64 {
		if i < 0 {
			return size + i
		}
		return i
	}
	if step > 0 {
		start, end := int64(0), size
		if sel.hasStart {
			start = norm(sel.start)
		}
		if sel.hasEnd {
			end = norm(sel.end)
		}
		lower := min(max(start, 0), size)
		upper := min(max(end, 0), size)
		for i := lower; i < upper; i += step {
			f(int(i))
		}
		return
	}
	start, end := size-1, -size-1
	if sel.hasStart {
		start = norm(sel.start)
	}
	if sel.hasEnd {
		end = norm(sel.end)
	}
	upper := min(max(start, -1), size-1)
	lower := min(max(end, -1), size-1)
	for i := upper; lower < i; i += step {
		f(int(i))
	}
}

func (x orExpr) test(e *env, cur any) bool {
	for _, t := range x {
		if t.test(e, cur) {
			return true
		}
	}
	return false
}

func (x andExpr) test(e *env, cur any) bool {
	for _, t := range x {
		if !t.test(e, cur) {
			return false
		}
	}
	return true
}

func (x notExpr) test(e *env, cur any) bool { return !x.x.test(e, cur) }

func (x existsExpr) test(e *env, cur any) bool {
	if x.q.singular {
		_, ok := x.q.single(e.root, cur)
		return ok
	}
	return len(x.q.eval(e, cur)) > 0
}

func (x compareExpr) test(e *env, cur any) bool {
	l, lok := x.l.value(e, cur)
	r, rok := x.r.value(e, cur)
	switch x.op {
	case opEq:
		return equal(l, lok, r, rok)
	case opNe:
		return !equal(l, lok, r, rok)
	case opLt:
		return less(l, lok, r, rok)
	case opGt:
		return less(r, rok, l, lok)
	case opLe:
		return less(l, lok, r, rok) || equal(l, lok, r, rok)
	default: // opGe
		return less(r, rok, l, lok) || equal(l, lok, r, rok)
	}
}

func (x *literalExpr) value(*env, any) (any, bool) { return x.v, true }

func (x singularExpr) value(e *env, cur any) (any, bool) { return x.q.single(e.root, cur) }

// value evaluates the functions declared to return ValueType.
func (f *funcCall) value(e *env, cur any) (any, bool) {
	switch f.def.kind {
	case fnLength:
		v, ok := f.args[0].val.value(e, cur)
		if !ok {
			return nil, false
		}
		switch v := v.(type) {
		case string:
			return float64(utf8.RuneCountInString(v)), true
		case []any:
			return float64(len(v)), true
		case map[string]any:
			return float64(len(v)), true
		}
		return nil, false
	case fnCount:
		return float64(len(f.args[0].nodes.eval(e, cur))), true
	case fnValue:
		q := f.args[0].nodes
		if q.singular {
			return q.single(e.root, cur)
		}
		if nodes := q.eval(e, cur); len(nodes) == 1 {
			return nodes[0], true
		}
	}
	return nil, false
}

// test evaluates match and search (the functions declared to return LogicalType).
func (f *funcCall) test(e *env, cur any) bool {
	v, ok := f.args[0].val.value(e, cur)
	if !ok {
		return false
	}
	s, ok := v.(string)
	if !ok {
		return false
	}
	re := f.constRe
	if !f.constPattern {
		pv, ok := f.args[1].val.value(e, cur)
		if !ok {
			return false
		}
		pattern, ok := pv.(string)
		if !ok {
			return false
		}
		re = f.cache.get(pattern, f.def.kind == fnMatch)
	}
	return re != nil && re.MatchString(s)
}
