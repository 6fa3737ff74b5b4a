package load

import (
	"github.com/arazzogen/arazzogen/generator/internal/diag"
	yaml "go.yaml.in/yaml/v4"
)

// XOperation is Redocly's x-operation step extension: the step calls url with method, with
// no OpenAPI description behind it (see the README's extensions table).
type XOperation struct {
	URL, Method Str
	Pos         diag.Pos // of the x-operation key
}

// xOperation decodes a step's x-operation object. A malformed one is reported here and
// comes back without url or method, so that the step is not also reported as having no
// operation.
func (d *decoder) xOperation(k, v *yaml.Node) *XOperation {
	x := &XOperation{Pos: d.pos(k)}
	if !d.fields(v, "x-operation", []string{"url", "method"}, func(key string, _, v *yaml.Node) {
		switch key {
		case "url":
			x.URL = d.str(key, v)
		case "method":
			x.Method = d.str(key, v)
		}
	}) {
		return x
	}
	if !x.URL.Set() {
		d.missing(v, "x-operation", "url")
	}
	if !x.Method.Set() {
		d.missing(v, "x-operation", "method")
	}
	return x
}
