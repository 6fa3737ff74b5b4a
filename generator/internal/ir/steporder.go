package ir

import (
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/load"
)

// stepOrder is the order a workflow's steps run in (Arazzo 1.1 "Step Dependencies and
// Execution Order"): document order, except that a step runs after every step its
// dependsOn names, which a sequential tool must honour. Of the steps whose dependencies
// have run, the first in document order runs next, so a document without dependsOn runs
// exactly as written. Steps in a dependency cycle can never all run first: each cycle is
// an error at the dependsOn entry that closes it, and its steps keep their document order
// (cyclic reports them, so their dependencies are not reported again).
func (b *builder) stepOrder(w *load.Workflow) (order []*load.Step, cyclic map[*load.Step]bool) {
	index := map[string]int{}
	for i, s := range w.Steps {
		if _, dup := index[s.ID.Value]; !dup {
			index[s.ID.Value] = i
		}
	}
	deps := make([][]int, len(w.Steps))
	for i, s := range w.Steps {
		for _, d := range s.DependsOn {
			if j, ok := index[d.Value]; ok && !strings.HasPrefix(d.Value, "$") && j != i {
				deps[i] = append(deps[i], j)
			}
		}
	}
	cyclic = map[*load.Step]bool{}
	for _, cycle := range dependencyCycles(deps) {
		first, last := w.Steps[cycle[0]], w.Steps[cycle[len(cycle)-1]]
		var ids []string
		for _, i := range cycle {
			ids = append(ids, w.Steps[i].ID.Value)
			cyclic[w.Steps[i]] = true
		}
		ids = append(ids, first.ID.Value)
		at := last.Pos
		for _, d := range last.DependsOn {
			if d.Value == first.ID.Value {
				at = d.Pos
			}
		}
		b.errorf(at, "cycle", "the dependsOn of steps %s form a cycle (each step depends on the next), so none of them can run first", strings.Join(ids, " → ")).
			WithHint("remove one of the dependsOn entries")
	}
	placed := make([]bool, len(w.Steps))
	for len(order) < len(w.Steps) {
		next := -1
		for i := range w.Steps {
			if placed[i] {
				continue
			}
			ready := cyclic[w.Steps[i]]
			if !ready {
				ready = true
				for _, j := range deps[i] {
					ready = ready && (placed[j] || cyclic[w.Steps[j]])
				}
			}
			if ready {
				next = i
				break
			}
		}
		if next < 0 {
			break // only cycles are left, and they are placed above
		}
		placed[next] = true
		order = append(order, w.Steps[next])
	}
	return order, cyclic
}

// dependencyCycles finds the cycles of a dependency graph (deps[i] are the nodes i
// depends on) that a depth-first walk in node order meets, one per edge that closes one,
// each listed along its dependencies (a, b: a depends on b, which depends on a).
func dependencyCycles(deps [][]int) [][]int {
	const (
		unvisited = iota
		active
		done
	)
	state := make([]int, len(deps))
	var stack []int
	var cycles [][]int
	var visit func(i int)
	visit = func(i int) {
		state[i] = active
		stack = append(stack, i)
		for _, j := range deps[i] {
			switch state[j] {
			case unvisited:
				visit(j)
			case active:
				for k := len(stack) - 1; k >= 0; k-- {
					if stack[k] == j {
						cycles = append(cycles, append([]int(nil), stack[k:]...))
						break
					}
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[i] = done
	}
	for i := range deps {
		if state[i] == unvisited {
			visit(i)
		}
	}
	return cycles
}
