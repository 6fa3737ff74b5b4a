package emit

import (
	"bytes"
	"go/format"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var blanks = regexp.MustCompile(`[ \t]+`)

// unformat undoes much of what gofmt does, so that formatting has work to do: indentation
// and alignment are dropped and blank lines doubled.
func unformat(src []byte) []byte {
	lines := strings.Split(string(src), "\n")
	for i, l := range lines {
		l = strings.TrimLeft(l, "\t ")
		if !strings.HasPrefix(l, "//") && !strings.Contains(l, "`") && !strings.Contains(l, `"`) {
			l = blanks.ReplaceAllString(l, " ")
		}
		if l == "" {
			l = "\n"
		}
		lines[i] = l
	}
	return []byte(strings.Join(lines, "\n"))
}

// TestFormatSourceIsGofmt: for every Go file of the project, as it is and unformatted, and
// with the cut allowed in files of any size, formatSource gives what format.Source gives.
func TestFormatSourceIsGofmt(t *testing.T) {
	defer func(n int) { splitFormatMin = n }(splitFormatMin)
	splitFormatMin = 0
	root := filepath.Join("..", "..", "..")
	var compared, cut int
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git" || d.Name() == "testdata" && strings.Contains(path, "fuzz")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, in := range [][]byte{src, unformat(src)} {
			want, werr := format.Source(in)
			got, gerr := formatSource(in)
			if (werr == nil) != (gerr == nil) || !bytes.Equal(got, want) {
				t.Errorf("%s: formatSource differs from format.Source (errors %v, %v)", path, gerr, werr)
				continue
			}
			compared++
			if c, _ := declCut(in); c >= 0 {
				cut++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d sources compared (each Go file as it is and unformatted), %d of them cut in two", compared, cut)
	if cut*2 < compared {
		t.Errorf("only %d of %d sources could be cut", cut, compared)
	}
}
