package generator

import (
	"github.com/arazzogen/arazzogen/generator/internal/ir"
	"github.com/arazzogen/arazzogen/generator/internal/types"
)

// Stats measures how well the generated code is typed, for reports over many documents.
type Stats struct {
	// StepOutputs and WorkflowOutputs count the outputs of every generated step and workflow.
	StepOutputs, WorkflowOutputs OutputStats
}

// OutputStats counts outputs by the Go type they got: Typed ones any other type than a bare
// json.RawMessage (a scalar, a struct, a union with typed accessors, a slice or map even of
// raw elements: their shape is known), Raw ones json.RawMessage because the schema did not
// say more.
type OutputStats struct {
	Typed, Raw int
}

// Add returns the sum of s and t.
func (s Stats) Add(t Stats) Stats {
	return Stats{StepOutputs: s.StepOutputs.add(t.StepOutputs), WorkflowOutputs: s.WorkflowOutputs.add(t.WorkflowOutputs)}
}

// Outputs is the total over steps and workflows.
func (s Stats) Outputs() OutputStats { return s.StepOutputs.add(s.WorkflowOutputs) }

func (s OutputStats) add(t OutputStats) OutputStats {
	return OutputStats{Typed: s.Typed + t.Typed, Raw: s.Raw + t.Raw}
}

func (s *OutputStats) count(st *ir.Struct) {
	if st == nil {
		return
	}
	for _, f := range st.Fields {
		if f.Type.Kind == types.Raw {
			s.Raw++
		} else {
			s.Typed++
		}
	}
}

// statsOf measures a program that generated code.
func statsOf(p *ir.Program) Stats {
	var s Stats
	for _, w := range p.Workflows {
		s.WorkflowOutputs.count(w.Outputs)
		for _, st := range w.Steps {
			s.StepOutputs.count(st.Outputs)
		}
	}
	return s
}
