package load

import "regexp"

// Linked is an Arazzo document together with the descriptions its source descriptions name,
// loaded: the entry document, or one that an arazzo source description reaches (Arazzo
// 1.0.1 §4: "workflows from other documents … MUST be included as a Source Description
// Object"). A file is loaded once however many documents name it, so documents that name
// each other share their Linked values instead of recursing.
type Linked struct {
	Doc *Document
	// OpenAPI maps the names of the document's openapi sources to their descriptions, and
	// Arazzo the names of its arazzo sources to their documents. A source that could not be
	// loaded is in neither (its error has been reported).
	OpenAPI map[string]*OpenAPI
	Arazzo  map[string]*Linked
	// AsyncAPI maps the names of its asyncapi sources to their documents (Arazzo 1.1).
	AsyncAPI map[string]*AsyncAPI
	// Qualifier names the document by the arazzo source names that lead to it from the
	// entry document, joined by dots ("tickets", "tickets.pricing"), the first way the
	// sources reach it in document order; "" for the entry document. Source description
	// names cannot contain dots, so a qualified name ("tickets.museum-api") never equals a
	// plain one.
	Qualifier string
}

// Qualify returns the qualified name of a source of the document: "museum-api" in the
// entry document, "tickets.museum-api" in the document that source "tickets" reaches.
func (l *Linked) Qualify(name string) string {
	if l.Qualifier == "" {
		return name
	}
	return l.Qualifier + "." + name
}

// LooksLikeArazzo reports whether data is an Arazzo document (its root mapping has an
// `arazzo` key), so that a source description without a type can be read as what it is:
// Arazzo gives the type no default (features AMB-R1).
func LooksLikeArazzo(data []byte) bool { return hasRootKey(data, "arazzo", topArazzoKey) }

// topArazzoKey matches an arazzo key at the start of a line: where block YAML puts the keys
// of its root mapping.
var topArazzoKey = regexp.MustCompile(`(?m)^["']?arazzo["']?\s*:`)
