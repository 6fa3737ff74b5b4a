package ir

import (
	"strconv"
	"strings"
	"unicode"
)

// initialisms are written in upper case in Go names (as golint and gopls suggest).
var initialisms = map[string]bool{
	"api": true, "id": true, "ids": true, "url": true, "uri": true, "http": true, "https": true,
	"json": true, "xml": true, "html": true, "sql": true, "jwt": true, "uuid": true, "ip": true,
	"tls": true, "ttl": true, "oauth": false, "cpu": true, "db": false, "ok": false,
}

// words splits an identifier in any style ("refresh-and-list-customers", "clientId",
// "HTTPServer", "grant_type") into lower-case words.
func words(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r):
			// Split "fooBar" before B, and "HTTPServer" before S.
			if len(cur) > 0 && (!unicode.IsUpper(cur[len(cur)-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1])) {
				if !unicode.IsDigit(cur[len(cur)-1]) || !unicode.IsUpper(cur[0]) {
					flush()
				}
			}
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return out
}

// GoName turns an Arazzo or JSON name into an exported Go identifier: only letters and
// digits of the name are kept, so nothing else of it reaches the code.
func GoName(s string) string {
	var b strings.Builder
	for _, w := range words(s) {
		if initialisms[w] {
			b.WriteString(strings.ToUpper(w))
			continue
		}
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	name := b.String()
	if name == "" {
		name = "X"
	}
	if first := []rune(name)[0]; !unicode.IsUpper(first) {
		// A digit cannot start an identifier, and a letter without case ("名前") would
		// make it unexported, invisible to encoding/json and to other packages.
		name = "X" + name
	}
	return name
}

// localName turns a name into an unexported Go identifier.
func localName(prefix, s string) string { return prefix + GoName(s) }

// namer hands out unique identifiers within one scope, in call order, so that names are
// deterministic and collision-free.
type namer struct {
	used map[string]bool
}

func newNamer(reserved ...string) *namer {
	n := &namer{used: map[string]bool{}}
	for _, r := range reserved {
		n.used[r] = true
	}
	return n
}

func (n *namer) name(want string) string {
	name := want
	for i := 2; n.used[name]; i++ {
		name = want + strconv.Itoa(i)
	}
	n.used[name] = true
	return name
}
