package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestMermaidRenders draws every diagram the generator writes with Mermaid's own renderer
// (@mermaid-js/mermaid-cli, which drives Chromium): the diagrams of each golden case's
// ARAZZO.md and of the examples' ARAZZO.md, and the -graph flowchart of each golden case.
// A syntax error in any of them fails the test.
//
// mmdc is found through $ARAZZOGEN_MMDC or on PATH, the puppeteer configuration (Debian's
// chromium, no sandbox) through $ARAZZOGEN_PUPPETEER_CONFIG or .ci/mermaid/puppeteer.json;
// .ci/run installs both. Outside CI ($ARAZZOGEN_CI unset) the test skips without them.
func TestMermaidRenders(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser; skipped in -short mode")
	}
	mmdc := os.Getenv("ARAZZOGEN_MMDC")
	if mmdc == "" {
		mmdc, _ = exec.LookPath("mmdc")
	}
	if mmdc == "" {
		if os.Getenv("ARAZZOGEN_CI") != "" {
			t.Fatal("mmdc (@mermaid-js/mermaid-cli) is not installed; .ci/run installs it")
		}
		t.Skip("mmdc (@mermaid-js/mermaid-cli) is not installed: .ci/run shows how to install it with Debian's chromium")
	}
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	examples, err := filepath.Glob(filepath.Join(repo, "examples", "*", "*", "ARAZZO.md"))
	if err != nil || len(examples) == 0 {
		t.Fatalf("no examples/*/*/ARAZZO.md: %v", err)
	}
	config := os.Getenv("ARAZZOGEN_PUPPETEER_CONFIG")
	if config == "" {
		config = filepath.Join(repo, ".ci", "mermaid", "puppeteer.json")
	}

	type diagram struct{ origin, text string }
	var diagrams []diagram
	for _, c := range loadCases(t, "golden") {
		for i, d := range mermaidBlocks(string(c.want["out/ARAZZO.md"])) {
			diagrams = append(diagrams, diagram{fmt.Sprintf("testdata/golden/%s.txtar out/ARAZZO.md diagram %d", c.name, i+1), d})
		}
		if g, ok := c.want["stdout"]; ok && slices.Contains(c.args, "-graph") {
			diagrams = append(diagrams, diagram{fmt.Sprintf("testdata/golden/%s.txtar stdout", c.name), string(g)})
			continue
		}
		diagrams = append(diagrams, diagram{fmt.Sprintf("arazzogen -graph of testdata/golden/%s.txtar", c.name), graphOf(t, c)})
	}
	for _, p := range examples {
		md, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(repo, p)
		for i, d := range mermaidBlocks(string(md)) {
			diagrams = append(diagrams, diagram{fmt.Sprintf("%s diagram %d", filepath.ToSlash(rel), i+1), d})
		}
	}

	// One Markdown file holding every diagram: mmdc renders them in one browser, in order,
	// to out-1.svg, out-2.svg, …, and stops at the first that does not parse.
	dir := t.TempDir()
	var all strings.Builder
	for _, d := range diagrams {
		fmt.Fprintf(&all, "```mermaid\n%s```\n\n", d.text)
	}
	in := filepath.Join(dir, "all.md")
	if err := os.WriteFile(in, []byte(all.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, mmdc, "-p", config, "-i", in, "-o", filepath.Join(dir, "out.md"))
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	rendered := 0
	for i := range diagrams {
		svg, serr := os.ReadFile(filepath.Join(dir, fmt.Sprintf("out-%d.svg", i+1)))
		if serr != nil {
			break
		}
		if !bytes.Contains(svg, []byte("<svg")) || bytes.Contains(svg, []byte("Syntax error")) {
			t.Errorf("%s: mmdc wrote no diagram:\n%s", diagrams[i].origin, svg)
		}
		rendered++
	}
	if err != nil || rendered != len(diagrams) {
		failed := "?"
		if rendered < len(diagrams) {
			failed = diagrams[rendered].origin + ":\n" + diagrams[rendered].text
		}
		t.Fatalf("mmdc: %v; %d of %d diagrams rendered; the next one is %s\n%s", err, rendered, len(diagrams), failed, out)
	}
	t.Logf("mmdc rendered %d diagrams", rendered)
}

// mermaidBlocks returns the contents of the ```mermaid fences of a Markdown text.
func mermaidBlocks(md string) []string {
	var blocks []string
	for {
		_, rest, ok := strings.Cut(md, "```mermaid\n")
		if !ok {
			return blocks
		}
		block, after, ok := strings.Cut(rest, "```\n")
		if !ok {
			return blocks
		}
		blocks = append(blocks, block)
		md = after
	}
}

// graphOf runs a golden case's command line with -graph and returns the flowchart.
func graphOf(t *testing.T, c *goldenCase) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range c.inputs {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), append([]string{"-graph"}, c.args...), &stdout, &stderr); code != 0 {
		t.Fatalf("%s: arazzogen -graph: exit %d\n%s", c.name, code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "arazzo.gen.go")); err == nil {
		t.Errorf("%s: -graph wrote files", c.name)
	}
	return stdout.String()
}
