package ir

import (
	"go/token"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/diag"
	"github.com/arazzogen/arazzogen/generator/internal/expr"
	"github.com/arazzogen/arazzogen/generator/internal/load"
)

// Workflows of other Arazzo documents (features §4.3, §5.5, §6.7): an arazzo source
// description names a document whose workflows steps, actions and dependsOn entries call as
// $sourceDescriptions.<name>.<workflowId>. Such a workflow compiles like any other, in its
// own document's context: its operations resolve against its document's sources, its
// Reusable Objects against its document's components (components are scoped to the
// document that defines them, §4.4.4), its Arazzo version decides its features. Only the
// workflows that the generated ones call, directly or not, are compiled.
//
// Names. A referenced document's workflow becomes an unexported method named after the
// arazzo source names that lead to its document and its workflowId
// (ticketsGetMuseumTickets for source "tickets" and workflow "get-museum-tickets"), with
// unexported inputs and outputs types: the package's API is the entry document's workflows,
// which a change inside a referenced document does not rename, and the prefix keeps them
// apart from the entry document's workflows and from each other. Errors and observers name
// such a workflow "<source>.<workflowId>" (Workflow.Name).
//
// Sources. A source of a referenced document that names the same description file under
// the same name as a source met before (the entry document's first) is that source: one
// server URL and one set of credentials. Any other source keeps its name when no other
// source has it, else it is qualified by the arazzo source names that lead to its document
// ("tickets.museum-api"), as -source takes it too.

// document is an Arazzo document whose workflows may be compiled.
type document struct {
	linked *load.Linked
	// workflows indexes the document's workflows by id (the first of duplicates).
	workflows map[string]*load.Workflow
	order     []*load.Workflow // document order, without duplicates
}

// documents walks the entry document and every document its arazzo sources reach, depth
// first in source order, each once, and indexes their workflows.
func (b *builder) documents(entry *load.Linked) []*document {
	var out []*document
	var visit func(ln *load.Linked)
	visit = func(ln *load.Linked) {
		if b.docs[ln.Doc] != nil {
			return
		}
		d := &document{linked: ln, workflows: map[string]*load.Workflow{}}
		b.docs[ln.Doc] = d
		out = append(out, d)
		seen := map[string]diag.Pos{}
		for _, w := range ln.Doc.Workflows {
			if prev, dup := seen[w.ID.Value]; dup && w.ID.Set() {
				b.errorf(w.ID.Pos, "duplicate", "workflowId %q is already used at %s", w.ID.Value, prev)
				continue
			}
			seen[w.ID.Value] = w.ID.Pos
			d.workflows[w.ID.Value] = w
			d.order = append(d.order, w)
		}
		for _, sd := range ln.Doc.SourceDescriptions {
			if child := ln.Arazzo[sd.Name.Value]; child != nil {
				visit(child)
			}
		}
	}
	visit(entry)
	return out
}

// nameSources decides the name of every OpenAPI source of the documents (see above).
func (b *builder) nameSources(docs []*document) {
	claimed := map[string]bool{}
	for _, d := range docs {
		for _, sd := range d.linked.Doc.SourceDescriptions {
			oa := d.linked.OpenAPI[sd.Name.Value]
			key := sourceKey{oa, sd.Name.Value}
			if oa == nil || b.sourceNames[key] != "" {
				continue
			}
			name := sd.Name.Value
			if claimed[name] {
				name = d.linked.Qualify(name)
			}
			claimed[name] = true
			b.sourceNames[key] = name
		}
	}
}

// sourceKey identifies an OpenAPI source across documents: its description and its name.
type sourceKey struct {
	api  *load.OpenAPI
	name string
}

// enter makes d the document being compiled until the returned function is called.
func (b *builder) enter(d *document) (restore func()) {
	saved, savedIn, savedFile := b.doc, b.in, b.file
	b.doc, b.file = d, d.linked.Doc.File
	b.in.Doc, b.in.OpenAPI, b.in.Arazzo = d.linked.Doc, d.linked.OpenAPI, d.linked.Arazzo
	return func() { b.doc, b.in, b.file = saved, savedIn, savedFile }
}

// externalWorkflow resolves a workflowId of the form $sourceDescriptions.<name>.<workflowId>
// to the document the arazzo source names and its workflow; nil when it does not resolve
// (reported, unless the source's own loading failed and was reported).
func (b *builder) externalWorkflow(id load.Str, e expr.Expr) (*document, *load.Workflow) {
	sd := b.sourceDesc(e.Name)
	if sd == nil {
		var names []string
		for _, s := range b.in.Doc.SourceDescriptions {
			names = append(names, s.Name.Value)
		}
		d := b.errorf(id.Pos, "unknown-source", "workflowId %q names source %q, which is not in sourceDescriptions", id.Value, e.Name)
		hintNames(d, e.Name, names, "sources")
		return nil, nil
	}
	ln := b.doc.linked.Arazzo[e.Name]
	if ln == nil {
		if b.in.OpenAPI[e.Name] == nil && sd.Type.Value != "openapi" {
			return nil, nil // the source could not be loaded, which was reported
		}
		d := b.errorf(id.Pos, "unknown-workflow", "%s names a workflow of source %q, which is an OpenAPI description, not an Arazzo document: it has no workflows", id.Value, e.Name)
		b.hintWorkflow(d, e.Field)
		return nil, nil
	}
	target := b.docs[ln.Doc]
	ref := e.Field
	lw := target.workflows[ref]
	if lw == nil {
		// The legacy form $sourceDescriptions.<name>.workflows.<workflowId> (Redocly's).
		if rest, ok := strings.CutPrefix(ref, "workflows."); ok && target.workflows[rest] != nil {
			strict := "$sourceDescriptions." + e.Name + "." + rest
			b.diags.Warnf(id.Pos, "workflows-segment", "workflowId %q puts .workflows. between the source and the workflowId; reading it as %s", id.Value, strict).
				WithHint("write workflowId: %s", strict)
			ref, lw = rest, target.workflows[rest]
		}
	}
	if lw == nil {
		var ids []string
		for _, w := range target.order {
			ids = append(ids, w.ID.Value)
		}
		d := b.errorf(id.Pos, "unknown-workflow", "source %q (%s) has no workflow %q", e.Name, ln.Doc.File, ref)
		hintNames(d, ref, ids, "workflows")
		return nil, nil
	}
	return target, lw
}

// arazzoNotOperations reports, for an operationId or operationPath that names source name
// whose description is not loaded, whether that source is an Arazzo document, and then
// says so: an Arazzo document has workflows, not operations.
func (b *builder) arazzoNotOperations(pos diag.Pos, what, name string) bool {
	if b.in.Arazzo[name] == nil {
		return false
	}
	b.errorf(pos, "source-type", "%s names source %q, which is an Arazzo document: it has workflows, not operations", what, name).
		WithHint("run one of its workflows with workflowId: $sourceDescriptions.%s.<workflowId>", name)
	return true
}

// hintWorkflow suggests, for a workflowId that names no workflow, the nearest one this
// document can call: its own by id, those of its arazzo sources as $sourceDescriptions.….
func (b *builder) hintWorkflow(d *diag.Diagnostic, id string) {
	for _, sd := range b.in.Doc.SourceDescriptions {
		if ln := b.doc.linked.Arazzo[sd.Name.Value]; ln != nil {
			for _, w := range b.docs[ln.Doc].order {
				if w.ID.Value == id {
					d.WithHint("did you mean $sourceDescriptions.%s.%s?", sd.Name.Value, id)
					return
				}
			}
		}
	}
	hintNames(d, id, b.ownWorkflowIDs(), "workflows")
}

func (b *builder) ownWorkflowIDs() []string {
	var ids []string
	for _, w := range b.doc.order {
		ids = append(ids, w.ID.Value)
	}
	return ids
}

// unexportedName turns a qualified workflow name ("tickets.get-museum-tickets") into an
// unexported Go identifier ("ticketsGetMuseumTickets").
func unexportedName(s string) string {
	ws := words(s)
	if len(ws) == 0 {
		return "x"
	}
	first := ws[0]
	if first[0] >= '0' && first[0] <= '9' {
		first = "x" + first
	}
	name := first
	if len(ws) > 1 {
		name += GoName(strings.Join(ws[1:], " "))
	}
	if token.IsKeyword(name) {
		name += "Workflow"
	}
	return name
}

// Name is how errors and observers name the workflow: its workflowId, qualified by the
// arazzo source names that lead to its document when it is in another document.
func (w *Workflow) Name() string {
	if w.Source == "" {
		return w.ID
	}
	return w.Source + "." + w.ID
}

// External reports whether the workflow belongs to a document other than the entry
// document; such a workflow is an unexported method that only the others call.
func (w *Workflow) External() bool { return w.Source != "" }
