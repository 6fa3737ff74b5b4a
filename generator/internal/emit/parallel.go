package emit

import (
	"slices"

	"github.com/arazzogen/arazzogen/generator/internal/ir"
)

// groups finds the steps of a workflow that may run at once (arazzogen -parallel) and
// returns, for the first step of each group, the number of steps in it.
//
// A group is a run of consecutive steps, in document order, each of which
//   - is an operation step (a workflowId step runs a workflow of its own);
//   - has no success or failure actions, its own or the workflow's: it goes on to the next
//     step when it succeeds and fails the workflow when it fails, so running it beside
//     others moves control nowhere that document order would not;
//   - is no action's target (a goto or retry can run no step of a group again);
//   - is not an AsyncAPI step, and no subscription opens after it (ir.Listen): a receive
//     waits for a message that any step before it may cause, with its subscription opened
//     before that step, so message steps and the steps that subscriptions follow keep
//     document order;
//
// and no step of which reads another's outputs or names another in its dependsOn. Such steps read only the inputs, the
// outputs of the workflows the workflow depends on and of steps before the group, and each
// writes only its own outputs, so their order changes no value. Everything else runs in
// document order.
func groups(w *ir.Workflow) map[*ir.Step]int {
	var steps []*ir.Step
	for _, st := range w.Steps {
		if !st.Unreachable {
			steps = append(steps, st)
		}
	}
	out := map[*ir.Step]int{}
	for i := 0; i < len(steps); {
		j := i + 1
		if groupable(w, steps[i]) {
			for j < len(steps) && groupable(w, steps[j]) && independent(w, steps[i:j], steps[j]) {
				j++
			}
		}
		if j-i > 1 {
			out[steps[i]] = j - i
		}
		i = j
	}
	return out
}

func groupable(w *ir.Workflow, st *ir.Step) bool {
	return st.Call == nil && st.Message == nil && !st.Target && len(st.OnSuccess) == 0 && len(st.OnFailure) == 0 &&
		!slices.ContainsFunc(w.Listens, func(l *ir.Listen) bool { return l.After == st })
}

// independent reports whether step st reads none of the outputs of group's steps and none
// of them reads st's, and st's dependsOn names none of them.
func independent(w *ir.Workflow, group []*ir.Step, st *ir.Step) bool {
	reads := readsOf(w, st)
	for _, g := range group {
		if slices.Contains(reads, g.Field) || slices.Contains(readsOf(w, g), st.Field) || slices.Contains(st.DependsOn, g) {
			return false
		}
	}
	return true
}
