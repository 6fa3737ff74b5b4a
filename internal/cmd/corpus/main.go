// Command corpus generates every Arazzo document of a real-world corpus, compiles and vets
// the generated code, and prints one line per document that fails, then a summary:
//
//	go run ./internal/cmd/corpus [-dir DIR] [-v] [-j N] [-min PERCENT] [-keep]
//
// The corpus is -dir, else $CORPUS, else ../shared/corpus/realworld beside the repository.
// Run it from inside the repository: the generated code is compiled against this
// repository's runtime. Exit status: 0 when every document passed (or at least -min percent
// of them, and none panicked), 1 otherwise, 2 when the run itself could not be done.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/arazzogen/arazzogen/internal/corpus"
)

const modulePath = "github.com/arazzogen/arazzogen"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("corpus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "corpus root `DIR` (default $CORPUS, else ../shared/corpus/realworld beside the repository)")
	verbose := fs.Bool("v", false, "print every failure's detail (all diagnostics, compiler output, panic stack) and timings")
	jobs := fs.Int("j", 0, "documents generated at once, and the go command's -p (default GOMAXPROCS)")
	minPass := fs.Float64("min", 100, "exit 1 only when fewer than `PERCENT` of the documents pass (panics always fail)")
	keep := fs.Bool("keep", false, "keep the temporary module with the generated code and print its path")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "corpus: unexpected arguments %q\n", fs.Args())
		return 2
	}
	repo, err := repoRoot()
	if err != nil {
		fmt.Fprintf(stderr, "corpus: %v\n", err)
		return 2
	}
	root := *dir
	if root == "" {
		root = os.Getenv("CORPUS")
	}
	if root == "" {
		root = filepath.Join(repo, "..", "shared", "corpus", "realworld")
	}
	opts := corpus.Options{Dir: root, Repo: repo, Jobs: *jobs, Keep: *keep}
	if *verbose {
		opts.Log = stderr
	}
	rep, err := corpus.Run(ctx, opts)
	if err != nil {
		fmt.Fprintf(stderr, "corpus: %v\n", err)
		return 2
	}
	if rep.Module != "" {
		fmt.Fprintf(stderr, "corpus: generated code kept in %s\n", rep.Module)
	}
	if err := rep.Write(stdout, *verbose); err != nil {
		fmt.Fprintf(stderr, "corpus: %v\n", err)
		return 2
	}
	c := rep.Counts()
	total := c.Passed + c.Failed
	if c.Panics > 0 || total > 0 && float64(c.Passed)*100 < *minPass*float64(total) {
		return 1
	}
	return 0
}

// repoRoot finds this repository from the working directory: the nearest go.mod above it
// that declares the arazzogen module.
func repoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if data, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				if f := strings.Fields(line); len(f) == 2 && f[0] == "module" && f[1] == modulePath {
					return d, nil
				}
			}
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("run from inside the %s repository (no go.mod declaring it above %s)", modulePath, wd)
		}
	}
}
