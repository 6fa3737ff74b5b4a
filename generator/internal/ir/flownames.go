package ir

// StateNames are the members of a workflow's state type besides its step and dependsOn
// fields.
type StateNames struct {
	Inputs  string // the field holding the workflow's inputs
	Flow    string // the method returning the workflow's runtime.Flow
	Outputs string // the method computing the workflow's outputs
}

// nameFlows names what each workflow's step-at-a-time form adds to the package: its state
// type and fields, its flow variable and its step functions. It runs after every other
// name is given, so that adding these never renames a workflow, a type or an option that
// exists without them.
func (b *builder) nameFlows(p *Program) {
	for _, w := range p.Workflows {
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
