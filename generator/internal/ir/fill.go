package ir

import (
	"slices"
	"strconv"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/diag"
	"github.com/arazzogen/arazzogen/generator/internal/types"
	"github.com/pb33f/libopenapi/datamodel/high/base"
)

// schemaType is the one JSON type a schema declares ("null" aside); "" when it declares
// none or several.
func schemaType(sp *base.SchemaProxy) string {
	if sp == nil {
		return ""
	}
	s := sp.Schema()
	if s == nil {
		return ""
	}
	t := slices.DeleteFunc(slices.Clone(s.Type), func(t string) bool { return t == "null" })
	if len(t) != 1 {
		return ""
	}
	return t[0]
}

// fills reports whether a value of JSON type have can fill a slot of type want. An integer
// fills a number; a parameter (sent as text) only needs a value of a structured or boolean
// slot to have that type, as "5" fills an integer query parameter.
func fills(have, want string, text bool) bool {
	switch {
	case have == "" || want == "" || have == want:
		return true
	case have == "integer" && want == "number":
		return true
	case text:
		return want != "boolean" && want != "array" && want != "object"
	}
	return false
}

// checkInputFill warns where a workflow input's schema type cannot fill the parameter or
// request body field it is sent to (a string input into a boolean, array or object field),
// which the server would reject.
func (b *builder) checkInputFill(v *Value, slot *base.SchemaProxy, pos diag.Pos, what string, text bool) {
	if v == nil || v.Kind != VInput || len(v.Pointer) > 0 || v.Field == nil {
		return
	}
	have, want := v.Type.JSONType(), schemaType(slot)
	if fills(have, want, text) {
		return
	}
	b.diags.Warnf(pos, "input-type", "input %q is of type %s, but %s is of type %s", v.Field.JSONName, have, what, want).
		WithHint("declare the input as type %s, or send a value of that type", want)
}

// checkBodyFill walks a JSON request body against its schema for checkInputFill.
func (b *builder) checkBodyFill(v *Value, sp *base.SchemaProxy, pos diag.Pos, opID, path string, depth int) {
	if v == nil || sp == nil || depth > maxPayloadDepth {
		return
	}
	switch v.Kind {
	case VObject:
		shape, ok := types.ObjectShape(sp)
		if !ok {
			return
		}
		for i, k := range v.Keys {
			child := path + "/" + strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
			if p := shape.Prop(k); p != nil {
				b.checkBodyFill(v.Elems[i], p.Schema, pos, opID, child, depth+1)
			} else if shape.Extra != nil {
				b.checkBodyFill(v.Elems[i], shape.Extra, pos, opID, child, depth+1)
			}
		}
	case VArray:
		items := types.Items(sp)
		for i, e := range v.Elems {
			b.checkBodyFill(e, items, pos, opID, path+"/"+strconv.Itoa(i), depth+1)
		}
	default:
		if path == "" {
			return // a whole JSON body given as one string is the JSON text itself
		}
		b.checkInputFill(v, sp, pos, "request body field "+path+" of operation "+opID, false)
	}
}
