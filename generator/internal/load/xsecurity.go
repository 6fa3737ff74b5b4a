package load

import (
	"github.com/arazzogen/arazzogen/generator/internal/diag"
	yaml "go.yaml.in/yaml/v4"
)

// XSecurity is one entry of Redocly Respect's x-security extension (on a step, or on a
// workflow for all its steps): the credentials of one security scheme, named by schemeName
// among the step operation's components.securitySchemes or given inline as scheme, with
// the values the scheme needs (token, username and password, value or apiKey, accessToken),
// each a literal or a runtime expression.
type XSecurity struct {
	SchemeName Str
	Scheme     *yaml.Node // an inline OpenAPI Security Scheme Object
	Values     []XSecurityValue
	Pos        diag.Pos
}

// XSecurityValue is one member of an x-security entry's values.
type XSecurityValue struct {
	Name  Str
	Value *yaml.Node
}

// xSecurity decodes an x-security list. Malformed entries are reported and left out.
func (d *decoder) xSecurity(key string, v *yaml.Node) []*XSecurity {
	var out []*XSecurity
	for _, n := range d.seq(key, v) {
		x := &XSecurity{Pos: d.pos(n)}
		ok := d.fields(n, "x-security entry", []string{"schemeName", "scheme", "values"}, func(key string, _, v *yaml.Node) {
			switch key {
			case "schemeName":
				x.SchemeName = d.str(key, v)
			case "scheme":
				if v.Kind != yaml.MappingNode {
					d.diags.Errorf(d.pos(v), "shape", "scheme must be an OpenAPI Security Scheme Object")
					return
				}
				x.Scheme = v
			case "values":
				if v.Kind != yaml.MappingNode {
					d.diags.Errorf(d.pos(v), "shape", "values must be a mapping of names to values")
					return
				}
				for i := 0; i+1 < len(v.Content); i += 2 {
					k := v.Content[i]
					x.Values = append(x.Values, XSecurityValue{Name: Str{Value: k.Value, Pos: d.pos(k), Node: k}, Value: resolveAlias(v.Content[i+1])})
				}
			}
		})
		if !ok {
			continue
		}
		switch {
		case x.SchemeName.Set() && x.Scheme != nil:
			d.diags.Errorf(x.SchemeName.Pos, "bad-value", "an x-security entry names its scheme either by schemeName or inline as scheme, not both")
			continue
		case !x.SchemeName.Set() && x.Scheme == nil:
			d.diags.Errorf(x.Pos, "missing-field", "an x-security entry needs schemeName (a scheme of the operation's description) or scheme (an inline one)")
			continue
		}
		out = append(out, x)
	}
	return out
}
