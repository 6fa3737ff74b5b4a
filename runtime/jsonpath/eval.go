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
		switch {
		case seg.descendant && len(nodes) > 1:
			next = seg.descendAll(e, nodes, next)
		case seg.descendant:
			next = seg.descend(e, nodes[0], next)
		default:
			for _, n := range nodes {
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

// descendAll applies a descendant segment to each node of a nodelist. Where one node lies
// inside another (descendant segments after descendant segments), what the segment selects
// from the inner one is a run of what it selected from the outer one, in the same order:
// that run is copied rather than worked out again, so the nodes are visited once whatever
// the nesting, and the work is that of the nodes selected.
func (seg *segment) descendAll(e *env, nodes []any, out []any) []any {
	memo := map[nodeKey][2]int{}
	for _, n := range nodes {
		out = seg.descendMemo(e, n, out, memo)
	}
	return out
}

// descendMemo is descend, recording where each object's or array's results lie in out and
// reusing them when it meets the same one again.
func (seg *segment) descendMemo(e *env, v any, out []any, memo map[nodeKey][2]int) []any {
	k, container := identity(v)
	if container {
		if at, ok := memo[k]; ok {
			e.b.Spend(1 + 8*(at[1]-at[0]))
			return append(out, out[at[0]:at[1]]...)
		}
	}
	start := len(out)
	out = seg.apply(e, v, out)
	switch v := v.(type) {
	case []any:
		for _, c := range v {
			out = seg.descendMemo(e, c, out, memo)
		}
	case map[string]any:
		for _, k := range sortedKeys(e, v) {
			out = seg.descendMemo(e, v[k], out, memo)
		}
	}
	if container {
		memo[k] = [2]int{start, len(out)}
	}
	return out
}

// exists reports whether q selects at least one node, starting at the root or at cur.
func (q *query) exists(e *env, cur any) bool {
	if q.absolute {
		cur = e.root
	}
	return q.from(e, 0, cur)
}

// foundKey names one answer of from and below: segment k of query q, from the node key.
type foundKey struct {
	q     *query
	k     int
	n     nodeKey
	below bool
}

// from reports whether segments k… of q select anything starting from node v. Only the
// emptiness of the nodelist matters, so the answer for a node is kept (in env) and reused
// wherever the node is reached again, from another node of a nodelist or from another
// evaluation of a filter: each object or array is worked on once per segment, and a filter
// such as [?@..a..b] over a deeply nested document costs what one pass costs.
func (q *query) from(e *env, k int, v any) bool {
	if k == len(q.segs) {
		return true
	}
	key, ok := identity(v)
	if !ok {
		return false // no segment selects anything from a scalar or an empty container
	}
	if q.segs[k].descendant {
		return q.below(e, k, v, key)
	}
	return q.at(e, k, v, key)
}

// at reports whether segment k's selectors select, at v, a node from which the rest of
// the query selects anything.
func (q *query) at(e *env, k int, v any, key nodeKey) bool {
	fk := foundKey{q, k, key, false}
	if found, ok := e.found[fk]; ok {
		return found
	}
	found := false
	for _, c := range q.segs[k].apply(e, v, nil) {
		if q.from(e, k+1, c) {
			found = true
			break
		}
	}
	e.remember(fk, found)
	return found
}

// below is at for v and each of its descendants.
func (q *query) below(e *env, k int, v any, key nodeKey) bool {
	fk := foundKey{q, k, key, true}
	if found, ok := e.found[fk]; ok {
		return found
	}
	found := q.at(e, k, v, key)
	each := func(c any) {
		if !found {
			if ck, ok := identity(c); ok {
				found = q.below(e, k, c, ck)
			}
		}
	}
	switch v := v.(type) {
	case []any:
		for _, c := range v {
			each(c)
		}
	case map[string]any:
		for _, k := range sortedKeys(e, v) {
			each(v[k])
		}
	}
	e.remember(fk, found)
	return found
}

func (e *env) remember(k foundKey, found bool) {
	if e.found == nil {
		e.found = map[foundKey]bool{}
	}
	e.found[k] = found
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
		for _, k := range sortedKeys(e, v) {
			out = seg.descend(e, v[k], out)
		}
	}
	return out
}

// sortedKeys fixes an order for object members, which RFC 9535 leaves unspecified, so that
// results are reproducible.
func sortedKeys(e *env, m map[string]any) []string {
	e.b.Spend(len(m))
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (sel *selector) apply(e *env, v any, out []any) []any {
	before := len(out)
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
			for _, k := range sortedKeys(e, v) {
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
			e.b.Spend(len(v))
			for _, c := range v {
				if sel.filter.test(e, c) {
					out = append(out, c)
				}
			}
		case map[string]any:
			for _, k := range sortedKeys(e, v) {
				if c := v[k]; sel.filter.test(e, c) {
					out = append(out, c)
				}
			}
		}
	}
	e.b.Spend(1 + 8*(len(out)-before))
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
	return x.q.exists(e, cur)
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
