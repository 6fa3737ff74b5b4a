package emit

import (
	"reflect"

	"github.com/arazzogen/arazzogen/generator/internal/ir"
)

// reads collects the state a step reads by walking everything the step holds: every value
// in its request, criteria, outputs and actions, found by reflection so that a field added
// to the IR later is not missed.
type reads struct {
	inputs bool
	steps  map[*ir.Step]bool
	calls  map[*ir.Call]bool
	seen   map[any]bool
}

var (
	stepType     = reflect.TypeFor[*ir.Step]()
	valueType    = reflect.TypeFor[*ir.Value]()
	callType     = reflect.TypeFor[*ir.Call]()
	workflowType = reflect.TypeFor[*ir.Workflow]()
	irPkg        = stepType.Elem().PkgPath()
)

func reflectValue(x any) reflect.Value { return reflect.ValueOf(x) }

// walk visits v. root is the step whose reads are collected: other steps met on the way
// (action targets, the step a value reads) are recorded or skipped, never entered.
func (r *reads) walk(v reflect.Value, root *ir.Step) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		key := v.Interface()
		if r.seen[key] {
			return
		}
		r.seen[key] = true
		switch v.Type() {
		case stepType:
			if v.Interface().(*ir.Step) != root {
				return
			}
		case workflowType:
			return
		case valueType:
			x := v.Interface().(*ir.Value)
			switch x.Kind {
			case ir.VInput:
				r.inputs = true
			case ir.VStepOutput:
				r.steps[x.Step] = true
			case ir.VCallOutput:
				r.calls[x.Call] = true
			}
		case callType:
			for _, a := range v.Interface().(*ir.Call).Args {
				r.walk(reflect.ValueOf(a), root)
			}
			return
		}
		if v.Elem().Kind() == reflect.Struct && v.Elem().Type().PkgPath() != irPkg {
			return // types, positions: no values inside
		}
		r.walk(v.Elem(), root)
	case reflect.Struct:
		if v.Type().PkgPath() != irPkg {
			return
		}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			if v.Type() == valueType.Elem() && (f.Name == "Step" || f.Name == "Call" || f.Name == "Field") {
				continue
			}
			r.walk(v.Field(i), root)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			r.walk(v.Index(i), root)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			r.walk(it.Value(), root)
		}
	case reflect.Interface:
		if !v.IsNil() {
			r.walk(v.Elem(), root)
		}
	}
}
