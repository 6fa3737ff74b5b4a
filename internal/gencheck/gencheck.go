// Package gencheck checks generated Go source for what a hostile document could have put
// into it: the tests of the generator and of the command run every file they generate
// through Inert.
package gencheck

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Inert reports why src is not inert generated code, or nil. Inert code
//
//   - is UTF-8 and holds no character that does not show as itself (no control character
//     but the tab and the newline, no format character such as a bidirectional control or a
//     byte order mark, no line separator, no private-use character), in comments, strings
//     and identifiers alike;
//   - parses as Go;
//   - has only "//" line comments, none of them a directive ("//go:…", "//line", "//export",
//     "//extern"), a build constraint ("+build" after the slashes) or holding "/*" or "*/";
//   - does not import "C" (whose preamble comment is code);
//   - has no line, whatever holds it (a raw string), that starts with "//go:" or "//line",
//     which go generate would run or the compiler obey without parsing the file.
func Inert(name string, src []byte) error {
	line := 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return fmt.Errorf("%s:%d: byte %#x is not UTF-8", name, line, src[i])
		case r == '\n':
			line++
		case r == '\t':
		case !unicode.IsPrint(r) && !unicode.Is(unicode.Zs, r):
			return fmt.Errorf("%s:%d: the character %U does not show as itself", name, line, r)
		}
		i += size
	}
	// go generate and the go command's line reading do not parse Go: a line of a raw string
	// that starts with "//go:" is a directive to them.
	for i, l := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(l, "//go:") || strings.HasPrefix(l, "//line ") {
			return fmt.Errorf("%s:%d: the line %q is a directive", name, i+1, l)
		}
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		return err
	}
	var errs []error
	for _, cg := range file.Comments {
		for _, c := range cg.List {
			if msg := commentProblem(c.Text); msg != "" {
				errs = append(errs, fmt.Errorf("%s: comment %q %s", fset.Position(c.Pos()), c.Text, msg))
			}
		}
	}
	for _, im := range file.Imports {
		if p, _ := strconv.Unquote(im.Path.Value); p == "C" {
			errs = append(errs, fmt.Errorf("%s: imports \"C\"", fset.Position(im.Pos())))
		}
	}
	return errors.Join(errs...)
}

func commentProblem(text string) string {
	body, ok := strings.CutPrefix(text, "//")
	if !ok {
		return "is a /* */ comment"
	}
	for _, d := range []string{"go:", "line ", "line\t", "export ", "extern ", "sys", "+build"} {
		if strings.HasPrefix(body, d) {
			return "is a directive"
		}
	}
	if strings.HasPrefix(strings.TrimLeft(body, " \t"), "+build") {
		return "is a build constraint"
	}
	if strings.Contains(body, "*/") || strings.Contains(body, "/*") {
		return "holds a comment delimiter"
	}
	return ""
}

// Decls lists the top-level declarations of a parsed file in order, each as its kind and
// name: "func F", "method T.M", "type T", "const A", "var B", "import p".
func Decls(file *ast.File) []string {
	var out []string
	for _, d := range file.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil || len(d.Recv.List) == 0 {
				out = append(out, "func "+d.Name.Name)
				continue
			}
			out = append(out, "method "+recvName(d.Recv.List[0].Type)+"."+d.Name.Name)
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					out = append(out, "type "+s.Name.Name)
				case *ast.ValueSpec:
					for _, n := range s.Names {
						out = append(out, strings.ToLower(d.Tok.String())+" "+n.Name)
					}
				case *ast.ImportSpec:
					out = append(out, "import "+s.Path.Value)
				}
			}
		}
	}
	return out
}

func recvName(t ast.Expr) string {
	switch t := t.(type) {
	case *ast.StarExpr:
		return recvName(t.X)
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return recvName(t.X)
	case *ast.IndexListExpr:
		return recvName(t.X)
	}
	return "?"
}
