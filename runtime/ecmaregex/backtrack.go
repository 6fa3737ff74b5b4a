package ecmaregex

import (
	"math"
	"sync"
	"unicode/utf16"
)

// The backtracker runs patterns that RE2 cannot express. It follows the matcher semantics
// of ECMA-262 (22.2.2) directly: a depth-first search over code units, lookarounds that are
// atomic once they succeed, lookbehinds matched right to left, captures reset at every
// iteration of the quantifier that encloses them, and the empty-iteration check of
// RepeatMatcher. The search is an explicit stack machine rather than recursion so that deep
// inputs cannot exhaust the goroutine stack, and every instruction, every code unit a
// repetition or back reference examines, and every slot a capture reset clears costs one
// step against the budget, which therefore bounds both time and memory.

type opcode uint8

const (
	opSet        opcode = iota // one code unit in set
	opSplit                    // try x, on failure y
	opJmp                      // go to x
	opGroupStart               // slot x = position
	opGroupEnd                 // capture y = (slot x, position)
	opReset                    // captures x+1..y = undefined
	opBOL                      // ^
	opEOL                      // $
	opWordB                    // \b
	opNotWordB                 // \B
	opBackref                  // the first defined capture of refs
	opLoopInit                 // counter slot x = 0
	opLoop                     // counter x; body at pc+1, exit at y
	opIterStart                // slot x = position at iteration start
	opIterEnd                  // counter x, start slot y, loop head z
	opStar                     // repetition of one code unit of set
	opLookStart                // lookaround; x is the instruction after its opLookEnd
	opLookEnd                  // lookaround body matched
	opMatch
)

type inst struct {
	op      opcode
	back    bool // matching right to left, inside a lookbehind
	greedy  bool
	neg     bool
	x, y, z int
	min     int
	max     int // < 0: unbounded
	set     charSet
	refs    []int
}

type program struct {
	insts    []inst
	nslots   int // 2*(ngroups+1) capture slots, then registers
	anchored bool
	// first holds every code unit a match can begin with, when a match cannot be empty;
	// other start positions are skipped without running the machine.
	first    charSet
	useFirst bool
	pool     sync.Pool
}

type compiler struct {
	insts  []inst
	nslots int
}

func compileProgram(t *tree) *program {
	c := &compiler{nslots: 2 * (t.ngroups + 1)}
	c.node(t.root, false)
	c.emit(inst{op: opMatch})
	p := &program{insts: c.insts, nslots: c.nslots, anchored: anchoredStart(t.root)}
	first, nullable := firstUnits(t.root)
	p.first, p.useFirst = first, !nullable
	return p
}

func (c *compiler) emit(in inst) int {
	c.insts = append(c.insts, in)
	return len(c.insts) - 1
}

func (c *compiler) reg() int {
	c.nslots++
	return c.nslots - 1
}

func (c *compiler) node(n *node, back bool) {
	switch n.kind {
	case nEmpty:
	case nSet:
		c.emit(inst{op: opSet, set: n.set, back: back})
	case nSeq:
		// Right to left, an Alternative matches its last Term first.
		if back {
			for k := len(n.subs) - 1; k >= 0; k-- {
				c.node(n.subs[k], back)
			}
		} else {
			for _, s := range n.subs {
				c.node(s, back)
			}
		}
	case nAlt:
		var jumps []int
		for k, s := range n.subs {
			if k == len(n.subs)-1 {
				c.node(s, back)
				break
			}
			split := c.emit(inst{op: opSplit})
			c.insts[split].x = split + 1
			c.node(s, back)
			jumps = append(jumps, c.emit(inst{op: opJmp}))
			c.insts[split].y = len(c.insts)
		}
		for _, j := range jumps {
			c.insts[j].x = len(c.insts)
		}
	case nGroup:
		r := c.reg()
		c.emit(inst{op: opGroupStart, x: r})
		c.node(n.subs[0], back)
		c.emit(inst{op: opGroupEnd, x: r, y: n.index, back: back})
	case nRepeat:
		if n.max == 0 {
			// RepeatMatcher with max 0 continues at once, without even resetting captures.
			return
		}
		body := n.subs[0]
		if body.kind == nSet {
			c.emit(inst{op: opStar, set: body.set, min: n.min, max: n.max, greedy: n.greedy, back: back})
			return
		}
		count, start := c.reg(), c.reg()
		c.emit(inst{op: opLoopInit, x: count})
		head := c.emit(inst{op: opLoop, x: count, min: n.min, max: n.max, greedy: n.greedy})
		c.emit(inst{op: opIterStart, x: start})
		if n.groupHi > n.groupLo {
			c.emit(inst{op: opReset, x: n.groupLo, y: n.groupHi})
		}
		c.node(body, back)
		c.emit(inst{op: opIterEnd, x: count, y: start, min: n.min, z: head})
		c.insts[head].y = len(c.insts)
	case nBOL:
		c.emit(inst{op: opBOL})
	case nEOL:
		c.emit(inst{op: opEOL})
	case nWordB:
		c.emit(inst{op: opWordB})
	case nNotWordB:
		c.emit(inst{op: opNotWordB})
	case nLook:
		start := c.emit(inst{op: opLookStart, neg: n.neg})
		c.node(n.subs[0], n.behind)
		c.emit(inst{op: opLookEnd, neg: n.neg})
		c.insts[start].x = len(c.insts)
	case nBackref:
		c.emit(inst{op: opBackref, refs: n.refs, back: back})
	}
}

// anchoredStart reports whether every match must begin at position 0, so that the search
// need not try other start positions.
func anchoredStart(n *node) bool {
	switch n.kind {
	case nBOL:
		return true
	case nSeq:
		return anchoredStart(n.subs[0])
	case nAlt:
		for _, s := range n.subs {
			if !anchoredStart(s) {
				return false
			}
		}
		return true
	case nGroup:
		return anchoredStart(n.subs[0])
	case nRepeat:
		return n.min > 0 && n.max != 0 && anchoredStart(n.subs[0])
	}
	return false
}

// firstUnits returns a superset of the code units a match of n can consume first, and
// whether n can match without consuming any (then the set says nothing).
func firstUnits(n *node) (charSet, bool) {
	switch n.kind {
	case nSet:
		return n.set, false
	case nSeq:
		var acc []charSet
		for _, s := range n.subs {
			f, nullable := firstUnits(s)
			acc = append(acc, f)
			if !nullable {
				return union(acc...), false
			}
		}
		return union(acc...), true
	case nAlt:
		var acc []charSet
		nullable := false
		for _, s := range n.subs {
			f, nl := firstUnits(s)
			acc = append(acc, f)
			nullable = nullable || nl
		}
		return union(acc...), nullable
	case nGroup:
		return firstUnits(n.subs[0])
	case nRepeat:
		if n.max == 0 {
			return nil, true
		}
		f, nullable := firstUnits(n.subs[0])
		return f, nullable || n.min == 0
	case nBackref:
		// It repeats whatever a group captured, which may be empty.
		return allSet, true
	}
	// Assertions and lookarounds consume nothing.
	return nil, true
}

const (
	eUndo       = iota // restore slot pos to a
	eChoice            // resume at pc, pos
	eStarGreedy        // opStar at pc-1 matched a units from pos; retry with one fewer
	eStarLazy          // opStar at pc-1 stands at pos after a units; retry with one more
	eLook              // lookaround started at pos; negative ones resume at pc
)

// entry is 20 bytes: the stack is the backtracker's only memory that grows with the work
// done, so its size decides how much memory a budget allows.
type entry struct {
	kind uint8
	neg  bool
	pc   int32
	pos  int32
	a, b int32
}

type machine struct {
	prog   *program
	in     []uint16
	slots  []int
	stack  []entry
	steps  int
	budget int
}

// match runs the ECMAScript search: try the matcher at each start index in turn until one
// succeeds. The budget covers the whole search.
func (p *program) match(s string, budget int) (bool, error) {
	m, _ := p.pool.Get().(*machine)
	if m == nil {
		m = &machine{prog: p, slots: make([]int, p.nslots)}
	}
	defer func() {
		// Do not keep a huge input or stack alive in the pool.
		if cap(m.in) > 1<<16 {
			m.in = nil
		}
		if cap(m.stack) > 1<<16 {
			m.stack = nil
		}
		p.pool.Put(m)
	}()
	m.in = appendUnits(m.in[:0], s)
	if len(m.in) > math.MaxInt32 {
		// Positions on the stack are 32-bit; no budget would cover such an input anyway.
		return false, ErrBudget
	}
	m.steps, m.budget = 0, budget
	for start := 0; start <= len(m.in); start++ {
		if p.anchored && start > 0 {
			break
		}
		if p.useFirst && (start == len(m.in) || !p.first.has(m.in[start])) {
			continue
		}
		for k := range m.slots {
			m.slots[k] = -1
		}
		m.stack = m.stack[:0]
		ok, err := m.run(start)
		if ok || err != nil {
			return ok, err
		}
	}
	return false, nil
}

// appendUnits appends the UTF-16 encoding of s; a byte that is not UTF-8 becomes U+FFFD.
func appendUnits(dst []uint16, s string) []uint16 {
	for _, r := range s {
		if r >= 0x10000 {
			hi, lo := utf16.EncodeRune(r)
			dst = append(dst, uint16(hi), uint16(lo))
			continue
		}
		dst = append(dst, uint16(r))
	}
	return dst
}

// set writes a slot, recording the old value when there is anything to backtrack to.
func (m *machine) set(k, v int) {
	if len(m.stack) > 0 {
		m.stack = append(m.stack, entry{kind: eUndo, pos: int32(k), a: int32(m.slots[k])})
	}
	m.slots[k] = v
}

func (m *machine) isWordAt(i int) bool {
	return i >= 0 && i < len(m.in) && isWordUnit(m.in[i])
}

// step moves one code unit in the instruction's direction if that unit is in set.
func (m *machine) step(in *inst, pos int) (int, bool) {
	if in.back {
		if pos > 0 && in.set.has(m.in[pos-1]) {
			return pos - 1, true
		}
		return pos, false
	}
	if pos < len(m.in) && in.set.has(m.in[pos]) {
		return pos + 1, true
	}
	return pos, false
}

func (m *machine) run(start int) (bool, error) {
	insts := m.prog.insts
	pc, pos := 0, start
	for {
		m.steps++
		if m.steps > m.budget {
			return false, ErrBudget
		}
		in := &insts[pc]
		ok := true
		switch in.op {
		case opSet:
			pos, ok = m.step(in, pos)
			pc++
		case opSplit:
			m.stack = append(m.stack, entry{kind: eChoice, pc: int32(in.y), pos: int32(pos)})
			pc = in.x
		case opJmp:
			pc = in.x
		case opGroupStart:
			m.set(in.x, pos)
			pc++
		case opGroupEnd:
			lo, hi := m.slots[in.x], pos
			if in.back {
				lo, hi = hi, lo
			}
			m.set(2*in.y, lo)
			m.set(2*in.y+1, hi)
			pc++
		case opReset:
			for g := in.x + 1; g <= in.y; g++ {
				m.steps++
				if m.slots[2*g] >= 0 || m.slots[2*g+1] >= 0 {
					m.set(2*g, -1)
					m.set(2*g+1, -1)
				}
			}
			pc++
		case opBOL:
			ok = pos == 0
			pc++
		case opEOL:
			ok = pos == len(m.in)
			pc++
		case opWordB, opNotWordB:
			ok = (m.isWordAt(pos-1) != m.isWordAt(pos)) == (in.op == opWordB)
			pc++
		case opBackref:
			pos, ok = m.backref(in, pos)
			pc++
		case opLoopInit:
			m.set(in.x, 0)
			pc++
		case opLoop:
			count := m.slots[in.x]
			switch {
			case count < in.min:
				pc++
			case in.max >= 0 && count >= in.max:
				pc = in.y
			case in.greedy:
				m.stack = append(m.stack, entry{kind: eChoice, pc: int32(in.y), pos: int32(pos)})
				pc++
			default:
				m.stack = append(m.stack, entry{kind: eChoice, pc: int32(pc + 1), pos: int32(pos)})
				pc = in.y
			}
		case opIterStart:
			m.set(in.x, pos)
			pc++
		case opIterEnd:
			count := m.slots[in.x]
			// RepeatMatcher: once the minimum is reached, an iteration that consumed
			// nothing fails, which is what ends loops over empty matches.
			if count >= in.min && pos == m.slots[in.y] {
				ok = false
				break
			}
			m.set(in.x, count+1)
			pc = in.z
		case opStar:
			pos, ok = m.star(in, pc, pos)
			pc++
		case opLookStart:
			m.stack = append(m.stack, entry{kind: eLook, neg: in.neg, pc: int32(in.x), pos: int32(pos)})
			pc++
		case opLookEnd:
			j := len(m.stack) - 1
			for m.stack[j].kind != eLook {
				j--
			}
			if in.neg {
				// The negated body matched: undo what it did and fail.
				m.unwind(j)
				m.stack = m.stack[:j]
				ok = false
				break
			}
			// A lookaround succeeds at most once: drop the choices made inside it but keep
			// the undo records, since its captures stay set until something before it
			// backtracks.
			pos = int(m.stack[j].pos)
			w := j
			for _, e := range m.stack[j+1:] {
				if e.kind == eUndo {
					m.stack[w] = e
					w++
				}
			}
			m.stack = m.stack[:w]
			pc++
		case opMatch:
			return true, nil
		}
		if !ok {
			if pc, pos, ok = m.backtrack(); !ok {
				return false, nil
			}
		}
	}
}

// unwind pops the stack down to index j, restoring slots on the way.
func (m *machine) unwind(j int) {
	for k := len(m.stack) - 1; k > j; k-- {
		if e := m.stack[k]; e.kind == eUndo {
			m.slots[e.pos] = int(e.a)
		}
	}
	m.stack = m.stack[:j+1]
}

func (m *machine) backref(in *inst, pos int) (int, bool) {
	s, e := -1, -1
	for _, g := range in.refs {
		if m.slots[2*g] >= 0 && m.slots[2*g+1] >= 0 {
			s, e = m.slots[2*g], m.slots[2*g+1]
			break
		}
	}
	if s < 0 {
		// A reference to a group that did not participate matches the empty string.
		return pos, true
	}
	n := e - s
	m.steps += n
	from := pos
	if in.back {
		from = pos - n
	}
	if from < 0 || from+n > len(m.in) {
		return pos, false
	}
	for k := 0; k < n; k++ {
		if m.in[from+k] != m.in[s+k] {
			return pos, false
		}
	}
	if in.back {
		return from, true
	}
	return pos + n, true
}

// star matches a repetition of a single code unit class without a stack entry per unit:
// greedy takes the longest run and leaves one entry that gives back a unit per retry; lazy
// takes the minimum and leaves one entry that takes a unit more per retry.
func (m *machine) star(in *inst, pc, pos int) (int, bool) {
	limit := in.max
	if limit < 0 {
		limit = maxCount
	}
	want := limit
	if !in.greedy {
		want = in.min
	}
	n, p := 0, pos
	for n < want {
		np, ok := m.step(in, p)
		if !ok {
			break
		}
		p = np
		n++
	}
	m.steps += n
	if n < in.min {
		return pos, false
	}
	if in.greedy {
		if n > in.min {
			m.stack = append(m.stack, entry{kind: eStarGreedy, pc: int32(pc + 1), pos: int32(pos), a: int32(n), b: int32(in.min)})
		}
	} else if n < limit {
		m.stack = append(m.stack, entry{kind: eStarLazy, pc: int32(pc + 1), pos: int32(p), a: int32(n), b: int32(limit)})
	}
	return p, true
}

// backtrack resumes at the most recent choice, restoring slots on the way.
func (m *machine) backtrack() (int, int, bool) {
	for len(m.stack) > 0 {
		top := len(m.stack) - 1
		e := &m.stack[top]
		switch e.kind {
		case eUndo:
			m.slots[e.pos] = int(e.a)
			m.stack = m.stack[:top]
		case eChoice:
			pc, pos := int(e.pc), int(e.pos)
			m.stack = m.stack[:top]
			return pc, pos, true
		case eStarGreedy:
			e.a--
			pc, pos := int(e.pc), int(e.pos+e.a)
			if m.prog.insts[pc-1].back {
				pos = int(e.pos - e.a)
			}
			if e.a <= e.b {
				m.stack = m.stack[:top]
			}
			return pc, pos, true
		case eStarLazy:
			m.steps++
			pos, ok := m.step(&m.prog.insts[e.pc-1], int(e.pos))
			if !ok {
				m.stack = m.stack[:top]
				continue
			}
			e.pos = int32(pos)
			e.a++
			pc := int(e.pc)
			if e.a >= e.b {
				m.stack = m.stack[:top]
			}
			return pc, pos, true
		case eLook:
			neg, pc, pos := e.neg, int(e.pc), int(e.pos)
			m.stack = m.stack[:top]
			if neg {
				// Nothing in the negated body matched: the lookaround holds.
				return pc, pos, true
			}
		}
	}
	return 0, 0, false
}
