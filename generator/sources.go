package generator

import (
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/diag"
	"github.com/arazzogen/arazzogen/generator/internal/load"
)

// sourceLoader loads the source descriptions of the entry document and, through its arazzo
// sources, of every Arazzo document it reaches, recursively. Each file is read and parsed
// once per Generate call: a description that several documents name is one description
// (one server URL, one set of credentials), and documents that name each other, directly or
// not, end the recursion at the document already loaded instead of going round.
type sourceLoader struct {
	ctx    context.Context
	cfg    Config
	files  *files
	diags  *diag.List
	docs   map[string]*load.Linked   // by identity of the file; nil when it could not be loaded
	apis   map[string]*load.OpenAPI  // likewise
	asyncs map[string]*load.AsyncAPI // likewise
	// keys are the qualified source names the documents have, which -source may map.
	keys map[string]bool
}

// loadSources loads what the entry document's sources name, and reports -source mappings
// that name no source.
func loadSources(ctx context.Context, cfg Config, fa *files, doc *load.Document, diags *diag.List) *load.Linked {
	l := &sourceLoader{ctx: ctx, cfg: cfg, files: fa, diags: diags, docs: map[string]*load.Linked{}, apis: map[string]*load.OpenAPI{}, asyncs: map[string]*load.AsyncAPI{}, keys: map[string]bool{}}
	entry := &load.Linked{Doc: doc}
	l.docs[identity(cfg.File)] = entry
	l.sources(entry)
	warnDropped(doc, entry.OpenAPI, diags)
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for name := range cfg.Sources {
			if !yield(name) {
				return
			}
		}
	}) {
		if l.keys[name] {
			continue
		}
		if strings.Contains(name, ".") {
			diags.Errorf(doc.Pos, "unknown-source", "-source %s=…: no document that the arazzo sources reach has a sourceDescription %q", name, name).
				WithHint("a source of a referenced document is named by the arazzo source names that lead to it: ARAZZOSOURCE.NAME")
		} else {
			diags.Errorf(doc.Pos, "unknown-source", "-source %s=…: the document has no sourceDescription named %q", name, name)
		}
	}
	return entry
}

// sources loads the sources of one document.
func (l *sourceLoader) sources(ln *load.Linked) {
	doc := ln.Doc
	seen := map[string]bool{}
	for _, s := range doc.SourceDescriptions {
		if l.ctx.Err() != nil {
			return
		}
		name := s.Name.Value
		if seen[name] {
			l.diags.Errorf(s.Name.Pos, "duplicate", "sourceDescription name %q is used twice", name)
			continue
		}
		seen[name] = true
		key := ln.Qualify(name)
		l.keys[key] = true
		switch s.Type.Value {
		case "", "openapi", "arazzo", "asyncapi":
		default:
			l.diags.Errorf(s.Type.Pos, "unsupported", "source description type %q is not supported (want openapi, arazzo or asyncapi)", s.Type.Value)
			continue
		}
		file, published, mapped, ok := l.resolve(doc, key, s)
		if !ok {
			continue
		}
		id := identity(file)
		if child, ok := l.docs[id]; ok {
			l.link(ln, s, child)
			continue
		}
		if oa, ok := l.apis[id]; ok {
			l.addOpenAPI(ln, s, oa)
			continue
		}
		if aa, ok := l.asyncs[id]; ok {
			l.addAsyncAPI(ln, s, aa)
			continue
		}
		data, err := l.files.read(file, !mapped)
		if err != nil {
			code, msg := readProblem(err)
			var outside *outsideError
			if errors.As(err, &outside) {
				l.diags.Errorf(s.URL.Pos, code, "source %q: %s; generation reads sources only inside the module or repository of the Arazzo document and the -allow directories (%s)", name, msg, l.files.rootsList()).
					WithHint("allow its directory with -allow DIR, or map the source with -source %s=PATH", key)
				continue
			}
			d := l.diags.Errorf(s.URL.Pos, code, "cannot read source %q from %s: %s", name, file, msg)
			if published != "" && !mapped {
				d.WithHint("its url identifies %s (resolved against $self); keep a copy at %s or map it with -source %s=PATH", published, file, key)
			} else if !mapped {
				d.WithHint("map it to a local file with -source %s=PATH", key)
			}
			continue
		}
		// Sniffing a description of megabytes for every document that uses it costs more
		// than comparing it with the cached one; what a cache has parsed is OpenAPI.
		known := l.cfg.Cache.holds(file, data)
		isAsync := !known && load.LooksLikeAsyncAPI(data)
		if s.Type.Value == "asyncapi" && !isAsync {
			l.diags.Errorf(s.Type.Pos, "source-type", "source %q is declared as asyncapi, but %s is not an AsyncAPI document (it has no top-level asyncapi field)", name, file)
			continue
		}
		if isAsync {
			aa := load.ParseAsyncAPI(file, data, l.refReader(), l.diags)
			l.asyncs[id] = aa
			l.addAsyncAPI(ln, s, aa)
			continue
		}
		isArazzo := !known && load.LooksLikeArazzo(data)
		if s.Type.Value == "arazzo" && !isArazzo {
			l.diags.Errorf(s.Type.Pos, "source-type", "source %q is declared as arazzo, but %s is not an Arazzo document (it has no top-level arazzo field)", name, file)
			continue
		}
		if isArazzo {
			l.link(ln, s, l.arazzo(id, file, data, key))
			continue
		}
		oa := loadOpenAPI(l.cfg.Cache, s, file, data, l.files.refAccess(), l.diags)
		l.apis[id] = oa
		l.addOpenAPI(ln, s, oa)
	}
}

// identity is how a file is recognised when several documents name it.
func identity(file string) string { return path.Clean(filepath.ToSlash(file)) }

// addOpenAPI records that source s of ln is the OpenAPI description oa (nil when it could
// not be loaded).
func (l *sourceLoader) addOpenAPI(ln *load.Linked, s *load.Source, oa *load.OpenAPI) {
	if oa == nil {
		return
	}
	if s.Type.Value == "arazzo" {
		l.diags.Errorf(s.Type.Pos, "source-type", "source %q is declared as arazzo, but %s is an OpenAPI description", s.Name.Value, oa.File).
			WithHint("write type: openapi")
		return
	}
	if ln.OpenAPI == nil {
		ln.OpenAPI = map[string]*load.OpenAPI{}
	}
	ln.OpenAPI[s.Name.Value] = oa
}

// addAsyncAPI records that source s of ln is the AsyncAPI document aa (nil when it could not
// be loaded).
func (l *sourceLoader) addAsyncAPI(ln *load.Linked, s *load.Source, aa *load.AsyncAPI) {
	if aa == nil {
		return
	}
	if t := s.Type.Value; t == "openapi" || t == "arazzo" {
		l.diags.Errorf(s.Type.Pos, "source-type", "source %q is declared as %s, but %s is an AsyncAPI document", s.Name.Value, t, aa.File).
			WithHint("write type: asyncapi")
		return
	}
	if ln.AsyncAPI == nil {
		ln.AsyncAPI = map[string]*load.AsyncAPI{}
	}
	ln.AsyncAPI[s.Name.Value] = aa
}

// refReader reads the local files that $refs of AsyncAPI documents name: resolved against
// the document holding the reference, and only inside the allowed roots, as sources are.
func (l *sourceLoader) refReader() load.FileReader {
	return func(from, ref string) (string, []byte, error) {
		file := filepath.FromSlash(load.RefFile(filepath.ToSlash(from), ref))
		data, err := l.files.read(file, true)
		if err != nil {
			var outside *outsideError
			if errors.As(err, &outside) {
				return "", nil, fmt.Errorf("%s (%s)", outside.Error(), l.files.rootsList())
			}
			_, msg := readProblem(err)
			return "", nil, fmt.Errorf("cannot read %s: %s", file, msg)
		}
		return file, data, nil
	}
}

// link records that source s of ln is the Arazzo document child (nil when it could not be
// loaded).
func (l *sourceLoader) link(ln *load.Linked, s *load.Source, child *load.Linked) {
	if child == nil {
		return
	}
	if s.Type.Value == "openapi" {
		l.diags.Errorf(s.Type.Pos, "source-type", "source %q is declared as openapi, but %s is an Arazzo document", s.Name.Value, child.Doc.File).
			WithHint("write type: arazzo")
		return
	}
	if ln.Arazzo == nil {
		ln.Arazzo = map[string]*load.Linked{}
	}
	ln.Arazzo[s.Name.Value] = child
}

// arazzo decodes an Arazzo document that a source names and loads its own sources. Its
// problems are reported at their places in its own file. The document is registered before
// its sources load, so that a document among them that names it back finds it.
func (l *sourceLoader) arazzo(id, file string, data []byte, key string) *load.Linked {
	l.docs[id] = nil // until it decodes; a broken document is reported once
	root := load.ParseYAML(file, data, l.diags)
	if root == nil {
		return nil
	}
	doc := load.Decode(file, root, l.diags)
	if doc == nil {
		return nil
	}
	ln := &load.Linked{Doc: doc, Qualifier: key}
	l.docs[id] = ln
	l.sources(ln)
	warnDropped(doc, ln.OpenAPI, l.diags)
	return ln
}

// resolve finds the file a source names: a -source mapping of its qualified name, a mapping
// of its url, or its url resolved against the document that names it (its $self, see
// sourceFile). Remote urls are refused unless mapped: generation reads only local files.
// So are files outside the module or repository of the entry document and the -allow
// directories (see allow.go). identity is the published document a relative url names under an
// http(s) $self.
func (l *sourceLoader) resolve(doc *load.Document, key string, s *load.Source) (file, published string, mapped, ok bool) {
	file, mapped = l.cfg.Sources[key]
	if !mapped {
		file, mapped = l.cfg.URLs[s.URL.Value]
	}
	if mapped {
		return file, "", true, true
	}
	file, published, remote := sourceFile(doc.Self.Value, doc.File, s.URL.Value)
	if remote {
		l.diags.Errorf(s.URL.Pos, "remote-source", "source %q has a remote url; generation reads only local files", s.Name.Value).
			WithHint("download it and map it with -source %s=PATH", key)
		return "", "", false, false
	}
	if f, ok := l.cfg.URLs[published]; ok && published != "" {
		return f, published, true, true
	}
	if !l.files.within(file) {
		l.diags.Errorf(s.URL.Pos, "outside-source", "source %q is %s, outside the module or repository of the Arazzo document and the -allow directories (%s)", s.Name.Value, file, l.files.rootsList()).
			WithHint("allow its directory with -allow %s, or map the source with -source %s=PATH", filepath.Dir(filepath.FromSlash(file)), key)
		return "", "", false, false
	}
	return file, published, false, true
}

// loadOpenAPI parses an OpenAPI description that source s names.
func loadOpenAPI(cache *SourceCache, s *load.Source, file string, data []byte, access *load.FileAccess, diags *diag.List) *load.OpenAPI {
	oa, err := cache.parseOpenAPI(file, data, access)
	var refused load.RefErrors
	if errors.As(err, &refused) {
		for _, r := range refused {
			diags.Errorf(diag.Pos{File: r.File, Line: r.Line, Col: r.Col}, "outside-ref", "source %q: %s", s.Name.Value, r.Error()).
				WithHint("$refs may name files inside the module or repository of the Arazzo document and the -allow directories; allow the directory with -allow DIR")
		}
		return nil
	}
	var bomb *load.AliasBombError
	if errors.As(err, &bomb) {
		diags.Errorf(diag.Pos{File: file, Line: bomb.Line, Col: bomb.Col}, "too-large", "%s", bomb.Error()).
			WithHint("aliases that repeat aliases grow exponentially; write the values out or reduce the nesting")
		return nil
	}
	if err != nil {
		if line, col, msg := load.YAMLErrorPos(err); line > 0 {
			diags.Errorf(diag.Pos{File: file, Line: line, Col: col}, "yaml", "malformed YAML in source %q: %s", s.Name.Value, msg)
			return nil
		}
		diags.Errorf(s.URL.Pos, "openapi", "cannot load source %q (%s): %s", s.Name.Value, file, err)
		return nil
	}
	// One warning per description, at the first dangling $ref: a large description can have
	// hundreds, and what matters is that the description is at fault, not the workflow.
	if n := len(oa.Unresolved); n > 0 {
		u, more := oa.Unresolved[0], ""
		if n > 1 {
			more = fmt.Sprintf(" (and %d other references)", n-1)
			if n == 2 {
				more = " (and 1 other reference)"
			}
		}
		what := "points at nothing"
		if u.Cycle {
			what = "points only at references that lead back to it"
		}
		diags.Warnf(diag.Pos{File: file, Line: u.Line, Col: u.Col}, "openapi-ref", "source %q: $ref %q %s%s; what depends on it is left out or untyped", s.Name.Value, u.Ref, what, more)
	}
	return oa
}
