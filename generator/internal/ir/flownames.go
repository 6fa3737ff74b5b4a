package ir

import "slices"

// StateNames are the members of a workflow's state type besides its step and dependsOn
// fields.
type StateNames struct {
	Inputs  string // the field holding the workflow's inputs
	Flow    string // the method returning the workflow's runtime.Flow
	Outputs string // the method computing the workflow's outputs
}

// TemporalNames are the identifiers of an exported workflow in the package generated with
// -temporal: the workflow function, the constant holding its type name, the unexported
// function both its registered forms call, and the Client methods that start it and wait
// for its outputs (Method) or only start it (Start).
type TemporalNames struct {
	Func, TypeName, Run, Method, Start string
}

// temporalReserved are the names the -temporal package declares for every document, the
// packages it imports, and the parameters and locals of its functions.
var temporalReserved = []string{"TaskQueue", "Option", "Register", "RegisterWorkflows", "RegisterActivities", "Client", "NewClient",
	"temporal", "client", "worker", "workflow", "context",
	"r", "c", "w", "s", "in", "ctx", "cont", "opts", "err", "done"}

// nameFlows names what each workflow's step-at-a-time form adds to the package: its state
// type and fields, its flow variable and its step functions. It runs after every other
// name is given, so that adding these never renames a workflow, a type or an option that
// exists without them.
func (b *builder) nameFlows(p *Program) {
	pkg, methods := newNamer(append(slices.Clone(temporalReserved), p.Package)...), newNamer()
	for _, w := range p.Workflows {
		if w.Source == "" {
			w.Temporal = TemporalNames{
				Func:     pkg.name(w.GoName),
				TypeName: pkg.name(w.GoName + "WorkflowName"),
				Run:      pkg.name(unexportedName(w.GoName)),
			}
			w.Temporal.Method = methods.name(w.GoName)
			w.Temporal.Start = methods.name("Start" + w.GoName)
		}
		w.State = b.typeNames.name(w.GoName + "State")
		w.Flow = b.typeNames.name(unexportedName(w.GoName + " flow"))
		members := newNamer()
		w.StateNames = StateNames{Inputs: members.name("Inputs"), Flow: members.name("Flow"), Outputs: members.name("Outputs")}
		for _, d := range w.DependsOn {
			if d.Used {
				d.Field = members.name(GoName(d.Workflow.Name()) + "Outputs")
			}
		}
		for _, st := range w.Steps {
			st.Field = members.name(GoName(st.ID))
			st.Func = b.typeNames.name(unexportedName(w.GoName + " " + st.ID))
		}
	}
}
