package corpus

import (
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/arazzogen/arazzogen/generator"
)

// failedDir holds the packages that did not compile: the go command's ./... pattern skips
// directories whose name starts with an underscore.
const failedDir = "_failed"

// compile builds the generated packages, then vets the whole module, with one go command
// each over all packages, which is far faster than one per document. A package that fails
// gives its document the first error and leaves the module, and the command runs again over
// the rest, so that one document's failure cannot hide another's.
//
// go build is given the package directories, not ./...: with ./... it would link every
// generated command, which costs far more than everything else here. The commands are still
// type-checked, in full, by go vet ./..., which also compiles each package they import.
func compile(ctx context.Context, mod string, jobs int, results []*Result, logf func(string, ...any)) error {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return err
	}
	live := map[string]*Result{}
	for _, r := range results {
		if r.Passed() {
			live[r.Package] = r
		}
	}
	for _, verb := range []string{"build", "vet"} {
		for len(live) > 0 {
			args := []string{verb, "-p", strconv.Itoa(jobs)}
			if verb == "build" {
				for _, pkg := range slices.Sorted(maps.Keys(live)) {
					args = append(args, "./"+pkg)
				}
			} else {
				args = append(args, "./...")
			}
			cmd := exec.CommandContext(ctx, gobin, args...)
			cmd.Dir = mod
			cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
			out, err := cmd.CombinedOutput()
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			blamed := 0
			for pkg, lines := range attribute(string(out)) {
				r := live[pkg]
				if r == nil {
					continue
				}
				blamed++
				r.Reason = "go " + verb + ": " + lines[0]
				r.Detail = strings.Join(lines, "\n") + "\n"
				r.Stats = generator.Stats{}
				delete(live, pkg)
				if err := os.MkdirAll(filepath.Join(mod, failedDir), 0o755); err != nil {
					return err
				}
				if err := os.Rename(filepath.Join(mod, pkg), filepath.Join(mod, failedDir, pkg)); err != nil {
					return err
				}
			}
			if blamed == 0 {
				return fmt.Errorf("go %s failed and no generated package can be blamed: %v\n%s", verb, err, out)
			}
			logf("corpus: go %s: %d packages failed; again without them", verb, blamed)
		}
	}
	return nil
}

var (
	// A file position at the start of a line: "p0003/arazzo.gen.go:12:3: …" (go build,
	// go vet), possibly after "./" or "vet: ".
	pkgAtStart = regexp.MustCompile(`^(?:vet: )?(?:\./)?(p\d+)/`)
	// The package's import path anywhere: "package corpus.example/gen/p0003: …".
	pkgInLine = regexp.MustCompile(regexp.QuoteMeta(modulePath) + `/(p\d+)\b`)
)

// attribute splits go build or go vet output by the generated package it is about. The
// go command heads each package's errors with "# import/path"; lines outside a section are
// attributed by the package they name, and lines that name none are dropped.
func attribute(out string) map[string][]string {
	byPkg := map[string][]string{}
	current := ""
	for _, line := range strings.Split(out, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		if strings.HasPrefix(line, "go: ") {
			// The go command's own messages end a package's section.
			current = ""
			continue
		}
		if h, ok := strings.CutPrefix(line, "# "); ok {
			current = ""
			if m := pkgInLine.FindStringSubmatch(h); m != nil {
				current = m[1]
			}
			continue
		}
		pkg := current
		if m := pkgAtStart.FindStringSubmatch(line); m != nil {
			pkg = m[1]
		} else if m := pkgInLine.FindStringSubmatch(line); m != nil && pkg == "" {
			pkg = m[1]
		}
		if pkg != "" {
			byPkg[pkg] = append(byPkg[pkg], strings.TrimPrefix(line, "vet: "))
		}
	}
	return byPkg
}
