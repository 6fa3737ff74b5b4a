package ir

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/arazzogen/arazzogen/generator/internal/diag"
	"github.com/arazzogen/arazzogen/generator/internal/load"
	"github.com/arazzogen/arazzogen/generator/internal/types"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	yaml "go.yaml.in/yaml/v4"
)

// This file connects the builder to the schema type registry: the types of inputs and
// response values, the named types the program declares, and the checks of request
// payloads against request schemas.

// newSchemaRegistry returns the registry of a build; its type and constant names share
// the package namespace with every other generated identifier.
func newSchemaRegistry(names *namer) *types.Registry {
	return types.NewRegistry(GoName, names.name)
}

// inputHint names the inline schema of a workflow input after the inputs struct.
func inputHint(structName, workflowID, input string) types.Hint {
	return types.Hint{
		Name:  structName + GoName(input),
		Where: fmt.Sprintf("the inputs of workflow %q", workflowID),
		Path:  "/properties/" + strings.ReplaceAll(strings.ReplaceAll(input, "~", "~0"), "/", "~1"),
	}
}

// responseType is the type of the value at a JSON Pointer in the current step's response
// body; known is false when the schema rules the pointer out.
func (b *builder) responseType(sc *scope, pointer []string) (t types.Type, known bool) {
	op := sc.current.OperationID
	h := types.Hint{Name: GoName(op) + "Response", Where: "the response body of operation " + op}
	if oa := sc.current.Source.api; oa != nil {
		h.File = path.Base(filepath.ToSlash(oa.File))
	}
	return b.schemas.At(sc.response, h, pointer)
}

// selectable reports whether a JSON Pointer can select inside values of type t: JSON
// objects and arrays, typed or not.
func selectable(t types.Type) bool {
	switch t.Kind {
	case types.Raw, types.Struct, types.Map, types.Slice, types.Union:
		return true
	}
	return false
}

// finishTypes decides the names of the schema types the program uses and lists them.
func (b *builder) finishTypes(p *Program) []*types.Named {
	var roots []types.Type
	add := func(s *Struct) {
		for _, f := range s.Fields {
			roots = append(roots, f.Type)
		}
	}
	for _, w := range p.Workflows {
		add(w.Inputs)
		for _, st := range w.Steps {
			add(st.Outputs)
		}
		add(w.Outputs)
	}
	return b.schemas.Finish(roots)
}

// requestSchema is the schema of an operation's request body for a content type: the
// exact media type, else the first JSON one.
func requestSchema(op *v3.Operation, contentType string) *base.SchemaProxy {
	if op.RequestBody == nil || op.RequestBody.Content == nil {
		return nil
	}
	mediaType, _, _ := strings.Cut(contentType, ";")
	for _, ct := range []string{contentType, strings.TrimSpace(mediaType)} {
		if mt, ok := op.RequestBody.Content.Get(ct); ok && mt != nil {
			return mt.Schema
		}
	}
	for ct, mt := range op.RequestBody.Content.FromOldest() {
		if strings.Contains(ct, "json") && mt != nil {
			return mt.Schema
		}
	}
	return nil
}

// checkPayload warns about payload members that the request schema of the operation does
// not declare, and about required properties the payload leaves out. Only what the
// document spells out is checked: a value computed by an expression could be anything.
func (b *builder) checkPayload(rb *load.RequestBody, op *load.Operation, contentType string) {
	sp := requestSchema(op.Op(), contentType)
	if sp == nil || rb.Payload == nil {
		return
	}
	at := rb.PayloadPos
	if at.Line == 0 {
		at = load.PosOf(b.file, rb.Payload)
	}
	b.checkPayloadValue(rb.Payload, sp, at, op.ID, "", 0)
}

// maxPayloadDepth bounds the payload check, which follows the payload, not the schema.
const maxPayloadDepth = 64

// checkPayloadValue checks node against schema sp; at is the position of the key that
// holds node and path its JSON Pointer in the payload.
func (b *builder) checkPayloadValue(n *yaml.Node, sp *base.SchemaProxy, at diag.Pos, opID, path string, depth int) {
	if n == nil || depth > maxPayloadDepth {
		return
	}
	switch n.Kind {
	case yaml.AliasNode:
		b.checkPayloadValue(n.Alias, sp, at, opID, path, depth+1)
	case yaml.SequenceNode:
		items := types.Items(sp)
		if items == nil {
			return
		}
		for i, e := range n.Content {
			b.checkPayloadValue(e, items, load.PosOf(b.file, e), opID, path+"/"+strconv.Itoa(i), depth+1)
		}
	case yaml.MappingNode:
		shape, ok := types.ObjectShape(sp)
		if !ok {
			return
		}
		where := ""
		if path != "" {
			where = " at " + path
		}
		var declared, set, notRequired []string
		for _, p := range shape.Props {
			declared = append(declared, p.Name)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			set = append(set, k.Value)
			if !slices.Contains(shape.Required, k.Value) {
				notRequired = append(notRequired, k.Value)
			}
			keyPos := load.PosOf(b.file, k)
			childPath := path + "/" + strings.ReplaceAll(strings.ReplaceAll(k.Value, "~", "~0"), "/", "~1")
			switch p := shape.Prop(k.Value); {
			case p != nil:
				b.checkPayloadValue(v, p.Schema, keyPos, opID, childPath, depth+1)
			case slices.Contains(shape.Required, k.Value):
				// Required but not declared: descriptions do this; the name is expected.
			case shape.ExtraAllowed:
				if shape.Extra != nil {
					b.checkPayloadValue(v, shape.Extra, keyPos, opID, childPath, depth+1)
				}
			case len(declared) > 0:
				// JSON Schema admits undeclared members unless additionalProperties says
				// otherwise, but in a request they are far more often a misspelling.
				d := b.diags.Warnf(keyPos, "payload-unknown-property", "the request body schema of operation %s has no property %q%s", opID, k.Value, where)
				if s := closest(k.Value, declared); s != "" {
					d.WithHint("did you mean %q?", s)
				} else {
					d.WithHint("known properties: %s", listSome(declared, 8))
				}
			}
		}
		for _, req := range shape.Required {
			if slices.Contains(set, req) {
				continue
			}
			if p := shape.Prop(req); p != nil && types.IsReadOnly(p.Schema) {
				continue // readOnly properties are required in responses only
			}
			d := b.diags.Warnf(at, "payload-missing-property", "operation %s requires property %q in the request body%s, but the payload does not set it", opID, req, where)
			if s := closest(req, notRequired); s != "" {
				d.WithHint("the payload sets %q; did you mean %q?", s, req)
			}
		}
	}
}

// listSome joins the first n names, saying how many more there are.
func listSome(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}

// inputDefault is the JSON text of the default an optional input's schema declares, or ""
// (with a warning) when the value cannot be one of the input's Go type: a default the
// workflow would fail on when it applies it is better reported now.
func (b *builder) inputDefault(w *load.Workflow, name string, t types.Type, n *yaml.Node) string {
	var v any
	if err := n.Decode(&v); err != nil {
		return ""
	}
	data, err := json.Marshal(v)
	if err != nil {
		b.diags.Warnf(load.PosOf(b.file, n), "bad-default", "the default of input %q of workflow %q is not a JSON value (%v); it is not applied", name, w.ID.Value, err)
		return ""
	}
	if why := defaultMismatch(t.NonNull(), v); why != "" {
		b.diags.Warnf(load.PosOf(b.file, n), "bad-default", "the default %s of input %q of workflow %q %s; it is not applied", data, name, w.ID.Value, why).
			WithHint("give a default of the input's type, %s", t.NonNull())
		return ""
	}
	return string(data)
}

// defaultMismatch says why a decoded default value cannot be a value of type t ("" when it
// can), judged on its JSON kind (and, for the types that parse strings, its text).
func defaultMismatch(t types.Type, v any) string {
	if v == nil {
		return "is null"
	}
	want := t.JSONType()
	switch x := v.(type) {
	case string:
		switch {
		case want != "" && want != "string":
			return "is a string, but the input is " + article(want)
		case t.Kind == types.Time:
			if _, err := time.Parse(time.RFC3339Nano, x); err != nil {
				return "is not an RFC 3339 date-time"
			}
		case t.Kind == types.Bytes:
			if _, err := base64.StdEncoding.DecodeString(x); err != nil {
				return "is not base64"
			}
		}
	case bool:
		if want != "" && want != "boolean" {
			return "is a boolean, but the input is " + article(want)
		}
	case int, int64, uint64, float64:
		f, _ := strconv.ParseFloat(fmt.Sprint(x), 64)
		switch {
		case want == "integer" && (f != math.Trunc(f) || math.Abs(f) > 1<<53):
			return "is not an integer"
		case want == "integer" && (t.Kind == types.Int32 || t.Kind == types.Enum && t.Named.Base.Kind == types.Int32) && (f > math.MaxInt32 || f < math.MinInt32):
			return "does not fit the input's int32"
		case want != "" && want != "number" && want != "integer":
			return "is a number, but the input is " + article(want)
		}
	case []any:
		if want != "" && want != "array" {
			return "is an array, but the input is " + article(want)
		}
	case map[string]any:
		if want != "" && want != "object" {
			return "is an object, but the input is " + article(want)
		}
	}
	return ""
}

func article(jsonType string) string {
	switch jsonType {
	case "integer", "object", "array":
		return "an " + jsonType
	}
	return "a " + jsonType
}
