package ir

import (
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/load"
	"github.com/arazzogen/arazzogen/generator/internal/types"
	"github.com/arazzogen/arazzogen/runtime/jsonpath"
)

// parseJSONPath parses a JSONPath query of the document (a criterion, a selector, a
// replacement target). A query that is malformed only because a filter compares with a
// single "=" ($.data[?(@.type='language')], a Jayway habit) is read with "==" and a warning
// naming the strict form; text is the query as read. The error is the one of the query as
// written.
func (b *builder) parseJSONPath(s load.Str) (text string, p *jsonpath.Path, err error) {
	p, err = jsonpath.Parse(s.Value)
	if err == nil {
		return s.Value, p, nil
	}
	fixed, changed := doubleEquals(s.Value)
	if !changed {
		return s.Value, nil, err
	}
	fp, ferr := jsonpath.Parse(fixed)
	if ferr != nil {
		return s.Value, nil, err
	}
	b.diags.Warnf(s.Pos, "jsonpath-single-equals", "JSONPath query %q compares with a single \"=\", which RFC 9535 does not have; reading it as %q", s.Value, fixed).
		WithHint("write %s", fixed)
	return fixed, fp, nil
}

// doubleEquals turns each single "=" outside string literals into "==", leaving "==",
// "!=", "<=" and ">=" as they are. changed is false when there is none.
func doubleEquals(q string) (string, bool) {
	var out strings.Builder
	changed := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c == '\'' || c == '"' {
			end := stringEnd(q, i)
			out.WriteString(q[i:end])
			i = end - 1
			continue
		}
		if c == '=' && (i == 0 || !strings.ContainsRune("=!<>", rune(q[i-1]))) && (i+1 == len(q) || q[i+1] != '=') {
			out.WriteString("==")
			changed = true
			continue
		}
		out.WriteByte(c)
	}
	return out.String(), changed
}

// stringEnd returns the index just after the JSONPath string literal that starts at
// q[start] (its quote), or len(q) when it is not closed.
func stringEnd(q string, start int) int {
	for i := start + 1; i < len(q); i++ {
		switch q[i] {
		case '\\':
			i++
		case q[start]:
			return i + 1
		}
	}
	return len(q)
}

// warnRootFilter warns where a jsonpath criterion filters the root of a context whose
// schema is an object. RFC 9535 would filter the object's member values; a criterion reads
// the filter on the context itself (jsonpath.Path.MatchCriterionJSONContext), as the
// specification's own example $[?count(@.pets) > 0] means. The hint gives the form that
// both readings agree on, with $ for the filter's own @.
func (b *builder) warnRootFilter(c *load.Criterion, cr *Criterion, p *jsonpath.Path) {
	if !p.RootFilter() || cr.Context == nil || cr.Context.Type.Kind != types.Struct && cr.Context.Type.Kind != types.Map {
		return
	}
	form, ok := rootForm(cr.Pattern)
	if ok && form == cr.Pattern {
		return // the filter reads the context as $ already: both readings agree
	}
	d := b.diags.Warnf(c.Condition.Pos, "jsonpath-root-filter", "the filter of %q is applied to the context itself, an object here (the reading of the Arazzo specification's example), not to its member values as RFC 9535 says", cr.Pattern)
	if ok {
		d.WithHint("write %s, which means the same under both readings", form)
	} else {
		d.WithHint("refer to the context as $ inside the filter, which means the same under both readings")
	}
}

// rootForm rewrites the @ of a root filter's own expressions (not of filters nested in it)
// as $, the form an RFC 9535 reading and the criterion reading agree on for an object; it
// is q itself when the filter has no such @.
func rootForm(q string) (string, bool) {
	open := strings.IndexByte(q, '[')
	if open < 0 {
		return "", false
	}
	var out strings.Builder
	out.WriteString(q[:open+1])
	depth := 1
	i := open + 1
	for ; i < len(q) && depth > 0; i++ {
		c := q[i]
		switch {
		case c == '\'' || c == '"':
			end := stringEnd(q, i)
			out.WriteString(q[i:end])
			i = end - 1
			continue
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '@' && depth == 1:
			c = '$'
		}
		out.WriteByte(c)
	}
	out.WriteString(q[i:])
	form := out.String()
	if _, err := jsonpath.Parse(form); err != nil {
		return "", false
	}
	return form, true
}
