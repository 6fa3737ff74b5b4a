package corpus

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// oaiExpectation is what the generator must say about one example document of the Arazzo
// specification. Documents that hold mistakes must fail with positioned diagnostics naming
// each mistake (the ones ../shared/corpus/oai-examples/README.md lists, found by reading
// the documents against their OpenAPI descriptions); the others must generate code that
// compiles and vets.
type oaiExpectation struct {
	pass bool
	// diags are "line:col: severity: text" prefixes of diagnostics that must be reported
	// for the document, text matched as a substring of the message; or "hint: text", a
	// hint that must be given.
	diags []string
}

var oaiExamples = map[string]oaiExpectation{}

// TestOAIExamples runs the example documents of the Arazzo specification, with its
// url-map.json mapping their remote sources to local copies, and checks each outcome.
func TestOAIExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles generated code with the go command; skipped in -short mode")
	}
	root := filepath.Join(repoRoot(t), "..", "shared", "corpus", "oai-examples")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("the OAI examples are not present (a fresh clone has no ../shared): %v", err)
	}
	rep, err := Run(context.Background(), Options{Dir: root, Repo: repoRoot(t), Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, r := range rep.Results {
		seen = append(seen, r.Path)
		want, ok := oaiExamples[r.Path]
		if !ok {
			t.Errorf("%s: no expectation; its outcome was: %s", r.Path, outcome(r))
			continue
		}
		if r.Panic {
			t.Errorf("%s: %s", r.Path, r.Reason)
			continue
		}
		if want.pass {
			if !r.Passed() {
				t.Errorf("%s: want code that compiles and vets, got: %s\n%s", r.Path, r.Reason, r.Detail)
			}
			continue
		}
		if r.Passed() {
			t.Errorf("%s: generated, but the document has mistakes that must be errors", r.Path)
			continue
		}
		for _, d := range want.diags {
			if !hasDiag(r.Detail, r.Path, d) {
				t.Errorf("%s: no diagnostic %q among:\n%s", r.Path, d, r.Detail)
			}
		}
	}
	for p := range oaiExamples {
		if !slices.Contains(seen, p) {
			t.Errorf("%s: expected but not discovered", p)
		}
	}
}

// hasDiag reports whether detail holds the diagnostic "line:col: severity: text" for the
// document at path.
func hasDiag(detail, path, want string) bool {
	if hint, ok := strings.CutPrefix(want, "hint: "); ok {
		for _, l := range strings.Split(detail, "\n") {
			if h, ok := strings.CutPrefix(l, "\thint: "); ok && strings.Contains(h, hint) {
				return true
			}
		}
		return false
	}
	pos, rest, _ := strings.Cut(want, ": ")
	line, col, _ := strings.Cut(pos, ":")
	sev, text, _ := strings.Cut(rest, ": ")
	prefix := path + ":" + line + ":" + col + ": " + sev + ": "
	for _, l := range strings.Split(detail, "\n") {
		if msg, ok := strings.CutPrefix(l, prefix); ok && strings.Contains(msg, text) {
			return true
		}
	}
	return false
}

func outcome(r *Result) string {
	if r.Passed() {
		return "generated"
	}
	return r.Reason
}
