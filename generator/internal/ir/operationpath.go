package ir

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/diag"
	"github.com/arazzogen/arazzogen/generator/internal/load"
)

// pointerToken is one decoded token of an operationPath's JSON Pointer with the byte
// offset of its raw text in the operationPath string.
type pointerToken struct {
	text string
	off  int
}

// operationPath resolves an operationPath step target to the operation it points at: the
// same *load.Operation an operationId would give, including operations without an id.
//
// The canonical form is '{$sourceDescriptions.<name>.url}#/paths/~1pets~1{petId}/get'.
// Following features AMB-T1, the fragment is percent-decoded, raw '{…}' is accepted in it,
// and the pointer must reach an Operation Object. Real documents also write the source as
// '$sourceDescriptions.<name>' or just '<name>' (or the source's url) and forget to escape
// the path's '/' as '~1'; those are read leniently with a warning that names the canonical
// form.
func (b *builder) operationPath(ps load.Str) (*load.Operation, *Source) {
	s := ps.Value
	at := func(off int) diag.Pos { return innerPos(ps.Node, ps.Pos, off) }
	hash := strings.IndexByte(s, '#')
	if hash < 0 {
		d := b.errorf(ps.Pos, "operation-path", "operationPath %q has no '#' followed by a JSON Pointer to an operation", s)
		d.WithHint("write operationPath: '{$sourceDescriptions.<name>.url}#/paths/~1<path>/<method>', or name the operation with operationId")
		return nil, nil
	}
	name, lenient, ok := b.operationPathSource(s[:hash], at)
	if !ok {
		return nil, nil
	}
	oa := b.in.OpenAPI[name]
	if oa == nil {
		b.arazzoNotOperations(ps.Pos, "operationPath", name)
		return nil, nil // or the source failed to load, which was reported
	}
	tokens, ok := b.pointerTokens(s, hash+1, at)
	if !ok {
		return nil, nil
	}
	canonical := func(path, method string) string {
		c := "{$sourceDescriptions." + name + ".url}#/paths/" + escapePointerToken(path)
		if method != "" {
			c += "/" + method
		}
		return c
	}
	if len(tokens) == 0 || tokens[0].text != "paths" {
		off := hash + 1
		if len(tokens) > 0 {
			off = tokens[0].off
		}
		b.errorf(at(off), "operation-path", "operationPath must point into the description's /paths, at an operation").
			WithHint("write operationPath: '%s'", canonical("/<path>", "<method>"))
		return nil, nil
	}
	if len(tokens) == 1 {
		b.errorf(at(tokens[0].off), "operation-path", "operationPath points at /paths, not at an operation").
			WithHint("write operationPath: '%s'", canonical("/<path>", "<method>"))
		return nil, nil
	}
	path, method := tokens[1].text, ""
	rest := tokens[2:]
	if !oa.HasPath(path) {
		// The usual mistake: the path's own '/' left unescaped, so that it spans several
		// tokens ("#/paths//pets/{id}/get" or "#/paths/pets/get").
		if p, m, ok := joinedPath(oa, tokens[1:]); ok {
			lenient = append(lenient, fmt.Sprintf("the path in operationPath %q is not escaped; reading it as %s", s, p))
			path, method, rest = p, m, nil
		} else {
			d := b.errorf(at(tokens[1].off), "unknown-path", "source %q has no path %q (%s)", name, path, oa.File)
			if c := closest(path, oa.Paths()); c != "" {
				d.WithHint("did you mean '%s'?", canonical(c, firstMethod(oa, c)))
			}
			return nil, nil
		}
	} else if len(rest) > 0 {
		method = rest[0].text
		rest = rest[1:]
	}
	methods := oa.Methods(path)
	if method == "" && len(methods) == 1 {
		// The path item has one operation, so the pointer can only mean it.
		method = methods[0]
		lenient = append(lenient, fmt.Sprintf("operationPath %q points at the path item %s, not at an operation; reading it as its only operation, %s", s, path, strings.ToUpper(method)))
	}
	if method == "" {
		d := b.errorf(at(tokens[len(tokens)-1].off), "operation-path", "operationPath points at the path item %s, not at one of its operations", path)
		hintMethods(d, methods, func(m string) string { return canonical(path, m) })
		return nil, nil
	}
	op := oa.OperationAt(path, method)
	if op == nil {
		d := b.errorf(at(tokens[2].off), "unknown-operation", "path %s of source %q has no %q operation", path, name, method)
		hintMethods(d, methods, func(m string) string { return canonical(path, m) })
		return nil, nil
	}
	if method != strings.ToLower(method) {
		lenient = append(lenient, fmt.Sprintf("operationPath %q names the method in upper case; OpenAPI writes it %q", s, strings.ToLower(method)))
	}
	if len(rest) > 0 {
		b.errorf(at(rest[0].off), "operation-path", "operationPath must end at the operation (%s %s), not inside it", op.Method, path).
			WithHint("write operationPath: '%s'", canonical(path, strings.ToLower(method)))
		return nil, nil
	}
	for _, msg := range lenient {
		b.diags.Warnf(ps.Pos, "operation-path-form", "%s", msg).
			WithHint("write operationPath: '%s'", canonical(path, strings.ToLower(method)))
	}
	return op, b.source(name)
}

// operationPathSource reads the part before '#': the source description, canonically
// "{$sourceDescriptions.<name>.url}". lenient collects the messages of the habits read
// leniently; ok is false after an error.
func (b *builder) operationPathSource(prefix string, at func(int) diag.Pos) (name string, lenient []string, ok bool) {
	raw := prefix
	braced := strings.HasPrefix(raw, "{") && strings.HasSuffix(raw, "}")
	if braced {
		raw = raw[1 : len(raw)-1]
	}
	const root = "$sourceDescriptions."
	known := func(n string) bool { return b.sourceDesc(n) != nil }
	switch {
	case strings.HasPrefix(raw, root):
		name = raw[len(root):]
		field := ""
		if i := strings.IndexByte(name, '.'); i >= 0 {
			name, field = name[:i], name[i+1:]
		}
		if folded := b.foldSourceName(name); !known(name) && folded != "" {
			lenient = append(lenient, fmt.Sprintf("operationPath names source %q, which is not declared as written; reading it as %q, the one source that differs only in letter case", name, folded))
			name = folded
		}
		if !known(name) {
			b.unknownSource(at(strings.Index(prefix, root)+len(root)), name)
			return "", nil, false
		}
		switch {
		case field != "" && field != "url":
			b.errorf(at(strings.Index(prefix, root)+len(root)+len(name)+1), "operation-path", "operationPath names %s%s.%s; only .url refers to the source's document", root, name, field).
				WithHint("write operationPath: '{%s%s.url}#/paths/…'", root, name)
			return "", nil, false
		case field == "":
			lenient = append(lenient, fmt.Sprintf("operationPath names the source as %q; reading it as {%s%s.url}", prefix, root, name))
		case !braced:
			lenient = append(lenient, fmt.Sprintf("operationPath writes %s%s.url without braces; reading it as {%s%s.url}", root, name, root, name))
		}
		return name, lenient, true
	case known(prefix):
		return prefix, []string{fmt.Sprintf("operationPath names source %q without $sourceDescriptions; reading it as {%s%s.url}", prefix, root, prefix)}, true
	}
	for _, sd := range b.in.Doc.SourceDescriptions {
		if sd.URL.Value != "" && sd.URL.Value == prefix {
			n := sd.Name.Value
			return n, []string{fmt.Sprintf("operationPath names the url of source %q; reading it as {%s%s.url}", n, root, n)}, true
		}
	}
	d := b.errorf(at(0), "operation-path", "operationPath %q does not name a source description before '#'", prefix)
	var names []string
	for _, sd := range b.in.Doc.SourceDescriptions {
		names = append(names, sd.Name.Value)
	}
	if c := closest(strings.Trim(prefix, "{}$"), names); c != "" {
		d.WithHint("write operationPath: '{%s%s.url}#…'", root, c)
	} else {
		d.WithHint("write operationPath: '{%s<name>.url}#/paths/…' with one of: %s", root, strings.Join(names, ", "))
	}
	return "", nil, false
}

func (b *builder) unknownSource(pos diag.Pos, name string) {
	var names []string
	for _, sd := range b.in.Doc.SourceDescriptions {
		names = append(names, sd.Name.Value)
	}
	d := b.errorf(pos, "unknown-source", "operationPath names source %q, which is not in sourceDescriptions", name)
	hintNames(d, name, names, "sources")
}

// pointerTokens splits the fragment of s starting at byte off into decoded JSON Pointer
// tokens: percent-decoding first (a URI fragment), then RFC 6901 '~1' and '~0'.
func (b *builder) pointerTokens(s string, off int, at func(int) diag.Pos) ([]pointerToken, bool) {
	frag := s[off:]
	if frag == "" {
		return nil, true
	}
	if frag[0] != '/' {
		b.errorf(at(off), "operation-path", "the JSON Pointer after '#' must start with '/' (%q)", frag).
			WithHint("write operationPath: '{$sourceDescriptions.<name>.url}#/paths/~1<path>/<method>'")
		return nil, false
	}
	var out []pointerToken
	start := off + 1
	for _, raw := range strings.Split(frag[1:], "/") {
		text, err := url.PathUnescape(raw)
		if err != nil {
			b.errorf(at(start), "operation-path", "malformed percent-encoding in operationPath token %q", raw)
			return nil, false
		}
		if i := badTilde(text); i >= 0 {
			b.errorf(at(start), "operation-path", "'~' in a JSON Pointer must be written ~0 (and '/' as ~1) (token %q)", raw)
			return nil, false
		}
		text = strings.ReplaceAll(strings.ReplaceAll(text, "~1", "/"), "~0", "~")
		out = append(out, pointerToken{text: text, off: start})
		start += len(raw) + 1
	}
	return out, true
}

func badTilde(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '~' && (i+1 >= len(s) || s[i+1] != '0' && s[i+1] != '1') {
			return i
		}
	}
	return -1
}

// joinedPath reads tokens (after "paths") whose path was written without '~1': all but the
// last token joined with '/' form the path, the last is the method. It also accepts the
// tokens as a whole path, which is a path item without its method (method "").
func joinedPath(oa *load.OpenAPI, tokens []pointerToken) (path, method string, ok bool) {
	join := func(ts []pointerToken) string {
		var parts []string
		for _, t := range ts {
			parts = append(parts, t.text)
		}
		return "/" + strings.TrimPrefix(strings.Join(parts, "/"), "/")
	}
	if len(tokens) >= 2 {
		p, m := join(tokens[:len(tokens)-1]), tokens[len(tokens)-1].text
		if oa.OperationAt(p, m) != nil {
			return p, m, true
		}
	}
	if p := join(tokens); oa.HasPath(p) {
		return p, "", true
	}
	return "", "", false
}

func firstMethod(oa *load.OpenAPI, path string) string {
	if ms := oa.Methods(path); len(ms) > 0 {
		return ms[0]
	}
	return ""
}

func hintMethods(d *diag.Diagnostic, methods []string, canonical func(string) string) {
	switch len(methods) {
	case 0:
		d.WithHint("the path item has no operations")
	case 1:
		d.WithHint("did you mean '%s'?", canonical(methods[0]))
	default:
		d.WithHint("the path item has %s; did you mean '%s'?", strings.Join(methods, ", "), canonical(methods[0]))
	}
}

// escapePointerToken escapes a JSON Pointer token (RFC 6901): '~' as ~0, '/' as ~1.
func escapePointerToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
