package ir

import (
	"net/http"
	"slices"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/load"
	"github.com/arazzogen/arazzogen/generator/internal/types"
	yaml "go.yaml.in/yaml/v4"
)

// xScheme is the part of a security scheme that x-security needs.
type xScheme struct {
	typ, scheme, in, name string
}

// xSecurity applies Redocly Respect's x-security extension to an operation step: the
// workflow's entries, then the step's, each turned into the header, query parameter or
// cookie its scheme puts credentials in (later entries, and any of them over the step's own
// parameters, win), as Respect does:
//   - apiKey: values.value (or values.apiKey) in the scheme's location and name;
//   - http bearer: Authorization: Bearer values.token;
//   - http basic: Authorization: Basic base64(values.username:values.password);
//   - any other scheme (oauth2, openIdConnect): Authorization: Bearer values.accessToken.
//
// The values are literals or runtime expressions, evaluated when the step runs.
func (b *builder) xSecurity(sc *scope, st *Step, op *load.Operation, s *load.Step) {
	for _, x := range slices.Concat(sc.doc.XSecurity, s.XSecurity) {
		sch, ok := b.xSecurityScheme(st, op, x)
		if !ok {
			continue
		}
		values := map[string]*Value{}
		failed := false
		for _, v := range x.Values {
			val := b.value(sc, v.Value, v.Value.Value, load.PosOf(b.file, v.Value))
			if val == nil {
				failed = true
				continue
			}
			values[v.Name.Value] = val
		}
		if failed {
			continue
		}
		need := func(names ...string) *Value {
			for _, n := range names {
				if v := values[n]; v != nil {
					return v
				}
			}
			b.errorf(x.Pos, "missing-field", "x-security: the %s scheme needs values.%s", sch.label(), names[0])
			return nil
		}
		text := func(parts ...*Value) *Value {
			return &Value{Kind: VTemplate, Type: types.Type{Kind: types.String}, Parts: parts}
		}
		lit := func(s string) *Value { return &Value{Kind: VLit, Type: types.Type{Kind: types.String}, Text: s} }
		switch {
		case sch.typ == "apiKey":
			v := need("value", "apiKey")
			if v == nil {
				continue
			}
			if _, known := defaultStyles[sch.in]; !known || sch.in == "path" || sch.name == "" {
				b.errorf(x.Pos, "bad-value", "x-security: an apiKey scheme needs in (header, query or cookie) and name")
				continue
			}
			setParam(st, sch.in, &Param{Name: sch.name, Value: v, Style: defaultStyles[sch.in], Explode: defaultStyles[sch.in] == "form", Credential: true})
		case sch.typ == "http" && sch.scheme == "bearer":
			if v := need("token"); v != nil {
				setParam(st, "header", &Param{Name: "Authorization", Value: text(lit("Bearer "), v), Style: "simple", Credential: true})
			}
		case sch.typ == "http" && sch.scheme == "basic":
			user, password := need("username"), need("password")
			if user == nil || password == nil {
				continue
			}
			pair := text(user, lit(":"), password)
			pair.Base64 = true
			setParam(st, "header", &Param{Name: "Authorization", Value: text(lit("Basic "), pair), Style: "simple", Credential: true})
		case sch.typ == "http" && sch.scheme != "":
			// Digest needs a challenge from the server first; other schemes have no
			// credentials Respect defines.
			b.errorf(x.Pos, "unsupported", "x-security: http scheme %q is not supported (bearer and basic are)", sch.scheme)
		default:
			if v := need("accessToken"); v != nil {
				setParam(st, "header", &Param{Name: "Authorization", Value: text(lit("Bearer "), v), Style: "simple", Credential: true})
			}
		}
	}
}

func (s xScheme) label() string {
	if s.typ == "http" {
		return "http " + s.scheme
	}
	return s.typ
}

// xSecurityScheme finds the scheme of an x-security entry: named among the
// securitySchemes of the step operation's description, or inline.
func (b *builder) xSecurityScheme(st *Step, op *load.Operation, x *load.XSecurity) (xScheme, bool) {
	if x.Scheme != nil {
		var s xScheme
		for i := 0; i+1 < len(x.Scheme.Content); i += 2 {
			k, v := x.Scheme.Content[i].Value, x.Scheme.Content[i+1]
			if v.Kind != yaml.ScalarNode {
				continue
			}
			switch k {
			case "type":
				s.typ = v.Value
			case "scheme":
				s.scheme = strings.ToLower(v.Value) // HTTP auth schemes are case-insensitive
			case "in":
				s.in = v.Value
			case "name":
				s.name = v.Value
			}
		}
		if s.typ == "" {
			b.errorf(load.PosOf(b.file, x.Scheme), "missing-field", "x-security: the scheme needs a type (apiKey, http, oauth2 or openIdConnect)")
			return s, false
		}
		return s, true
	}
	if op.Undescribed || st.Source == nil || st.Source.api == nil {
		b.errorf(x.SchemeName.Pos, "bad-value", "x-security: schemeName %q names a scheme of the step's OpenAPI description, and this step has none", x.SchemeName.Value).
			WithHint("give the scheme inline: scheme: {type: http, scheme: bearer}")
		return xScheme{}, false
	}
	if ss := st.Source.api.SecurityScheme(x.SchemeName.Value); ss != nil {
		return xScheme{typ: ss.Type, scheme: strings.ToLower(ss.Scheme), in: ss.In, name: ss.Name}, true
	}
	e := b.errorf(x.SchemeName.Pos, "unknown-scheme", "x-security: the description of source %q has no security scheme %q", st.Source.Name, x.SchemeName.Value)
	hintNames(e, x.SchemeName.Value, st.Source.api.SecuritySchemeNames(), "security schemes")
	return xScheme{}, false
}

// setParam sets a header, query parameter or cookie of a step, replacing the one of the
// same name (header names compared case-insensitively).
func setParam(st *Step, in string, p *Param) {
	var list *[]*Param
	switch in {
	case "header":
		p.Name = http.CanonicalHeaderKey(p.Name)
		list = &st.Headers
	case "query":
		list = &st.Query
	case "cookie":
		list = &st.Cookies
	}
	*list = slices.DeleteFunc(*list, func(q *Param) bool { return q.Name == p.Name })
	*list = append(*list, p)
}
