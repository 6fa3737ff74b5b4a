package load

import "strings"

// OperationAt returns the operation at a path template and method (lower or upper case),
// whether or not it has an operationId: the same *Operation that Operation(id) returns for
// it. It is how operationPath steps are resolved.
func (o *OpenAPI) OperationAt(path, method string) *Operation {
	method = strings.ToUpper(method)
	for _, op := range o.Operations {
		if op.Path == path && op.Method == method {
			return op
		}
	}
	return nil
}

// HasPath reports whether the description has a path item at the template.
func (o *OpenAPI) HasPath(path string) bool {
	_, ok := o.model.items[path]
	return ok
}

// Methods lists the methods of the operations at a path template, lower case, in document
// order.
func (o *OpenAPI) Methods(path string) []string {
	var out []string
	for _, op := range o.Operations {
		if op.Path == path {
			out = append(out, strings.ToLower(op.Method))
		}
	}
	return out
}

// Paths lists the path templates that have operations, in document order.
func (o *OpenAPI) Paths() []string {
	var out []string
	for _, op := range o.Operations {
		if len(out) == 0 || out[len(out)-1] != op.Path {
			out = append(out, op.Path)
		}
	}
	return out
}
