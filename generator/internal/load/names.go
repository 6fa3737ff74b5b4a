package load

import (
	"unicode"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v4"
)

// Names (stepIds, workflowIds, source, action, parameter and output names, and every key
// of the document) are printed: in generated code, in errors and logs, in a terminal. A
// character that does not show as itself there (a control character such as a newline or
// an escape, a format character such as a bidirectional control or a zero-width space, a
// line separator, or a byte that is not UTF-8) would let a name read differently from what
// it is, or break the line it is printed on. No real name needs one, so a name with one is
// an error rather than something to escape at every place that prints it.

// hiddenRune returns the first rune of s that would not show as itself, and whether there
// is one; a byte that is not UTF-8 is returned as utf8.RuneError.
func hiddenRune(s string) (rune, bool) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			return utf8.RuneError, true
		}
		if !unicode.IsPrint(r) && !unicode.Is(unicode.Zs, r) {
			return r, true
		}
		i += size
	}
	return 0, false
}

// hiddenName reports a name with a hidden character; what names the name ("stepId").
func (d *decoder) hiddenName(what string, n *yaml.Node) {
	r, ok := hiddenRune(n.Value)
	if !ok {
		return
	}
	desc := "a byte that is not UTF-8"
	if r != utf8.RuneError {
		desc = describeRune(r)
	}
	d.diags.Errorf(d.pos(n), "hidden-character", "%s %q holds %s; names may not hold control, format or line-separator characters, which do not show as themselves where the name is printed", what, n.Value, desc).
		WithHint("remove the character from the name")
}

func describeRune(r rune) string {
	kind := "an invisible character"
	switch {
	case unicode.Is(unicode.Cc, r):
		kind = "the control character"
	case r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c:
		kind = "the bidirectional control"
	case r == 0xfeff:
		kind = "the byte order mark"
	case unicode.Is(unicode.Cf, r):
		kind = "the format character"
	case unicode.In(r, unicode.Zl, unicode.Zp):
		kind = "the line separator"
	case unicode.Is(unicode.Co, r):
		kind = "the private-use character"
	}
	return kind + " " + formatRune(r)
}

func formatRune(r rune) string {
	const hex = "0123456789ABCDEF"
	b := []byte("U+")
	digits := 4
	if r > 0xffff {
		digits = 6
	}
	for i := digits - 1; i >= 0; i-- {
		b = append(b, hex[(r>>(4*i))&0xf])
	}
	return string(b)
}

// name decodes a string that names something.
func (d *decoder) name(key string, v *yaml.Node) Str {
	s := d.str(key, v)
	if v.Kind == yaml.ScalarNode {
		d.hiddenName(key, v)
	}
	return s
}

// hiddenKeys reports every mapping key of the tree under n that holds a hidden character:
// keys are names (outputs, components, properties, payload members) or field names. parent
// is the key n is the value of, in components when inComponents.
func (d *decoder) hiddenKeys(n *yaml.Node, parent string, inComponents bool, depth int) {
	if n == nil || depth > maxAliasDepth {
		return
	}
	what := "key"
	switch parent {
	case "outputs":
		what = "output name"
	case "properties":
		what = "property name"
	case "inputs", "parameters", "successActions", "failureActions":
		if inComponents {
			what = "component name"
		}
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.ScalarNode {
				d.hiddenName(what, k)
			}
			d.hiddenKeys(n.Content[i+1], k.Value, parent == "components" && depth == 1, depth+1)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			d.hiddenKeys(c, "", false, depth+1)
		}
	}
}
