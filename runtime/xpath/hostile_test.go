package xpath

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
)

// deepXML is <a><a>…<a>x</a>…</a></a>, levels deep.
func deepXML(levels int) []byte {
	return []byte(strings.Repeat("<a>", levels) + "x" + strings.Repeat("</a>", levels))
}

// within runs f with a watchdog: it must return within limit and allocate less than
// maxAlloc bytes in total.
func within(t *testing.T, name string, limit time.Duration, maxAlloc uint64, f func()) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	done := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(limit):
		t.Fatalf("%s: still running after %s", name, limit)
	}
	runtime.ReadMemStats(&after)
	if a := after.TotalAlloc - before.TotalAlloc; a > maxAlloc {
		t.Errorf("%s: allocated %d MB, want under %d MB", name, a>>20, maxAlloc>>20)
	}
	t.Logf("%s: %s, %d MB allocated", name, time.Since(start).Round(time.Millisecond), (after.TotalAlloc-before.TotalAlloc)>>20)
}

// TestDeepDocumentExpressionsAreBounded: over a deeply nested document, //a//a//a//a walks
// each subtree once (a node-set has no duplicates, and the descendants of a node inside
// another are the other's already) and answers; expressions whose work is quadratic by
// nature (every a's following or ancestor axis, every a's string-value) stop with
// ErrBudget, each in well under a second and a bounded amount of memory.
func TestDeepDocumentExpressionsAreBounded(t *testing.T) {
	doc := deepXML(9000)
	d, err := Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		expr  string
		count int // -1: the budget may stop it
	}{
		{"//a//a//a//a", 8997},
		{"//a//a//a//b", 0},
		{"//*//*//node()", 8999}, // the elements below the second level, and the text
		{"count(//a[.//a//a])", -1},
		{"//a[ancestor::a/ancestor::a]", -1},
		{"//a[. = 'y']", -1},
		{"//a[string-length(.) > 1]", -1},
	} {
		x := MustCompile(tt.expr)
		within(t, tt.expr, 5*time.Second, 1<<30, func() {
			v, err := x.EvaluateDocument(d)
			switch {
			case tt.count < 0 && errors.Is(err, ErrBudget):
			case err != nil:
				t.Errorf("%s: %v", tt.expr, err)
			case x.Type() == NodeSetValue && len(v.Nodes()) != tt.count && tt.count >= 0:
				t.Errorf("%s: %d nodes, want %d", tt.expr, len(v.Nodes()), tt.count)
			}
		})
	}
}

// TestEvaluationHonoursTheContext: an evaluation stops soon after its context ends.
func TestEvaluationHonoursTheContext(t *testing.T) {
	d, err := Parse(deepXML(9000))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	_, err = MustCompile("//a[ancestor::a/ancestor::a]").EvaluateDocumentContext(ctx, d)
	if !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
		t.Errorf("error %v after %s, want the cancellation at once", err, time.Since(start))
	}
}

// TestReplaceTextIsLinear: a payload replacement over a deeply nested document, or one with
// many selected attributes, costs about one pass over the document.
func TestReplaceTextIsLinear(t *testing.T) {
	within(t, "ReplaceText //a on 9,000 levels", 5*time.Second, 256<<20, func() {
		out, n, err := MustCompile("//a").ReplaceText(deepXML(9000), "y")
		if err != nil || n != 9000 || string(out) != "<a>y</a>" {
			t.Errorf("%d nodes, %.40q, %v", n, out, err)
		}
	})
	var b strings.Builder
	b.WriteString("<r>")
	for range 50000 {
		b.WriteString(`<e k="v"/>`)
	}
	b.WriteString("</r>")
	within(t, "ReplaceText //@k on 50,000 elements", 5*time.Second, 256<<20, func() {
		out, n, err := MustCompile("//@k").ReplaceText([]byte(b.String()), "w")
		if err != nil || n != 50000 || strings.Count(string(out), `k="w"`) != 50000 {
			t.Errorf("%d nodes, %v", n, err)
		}
	})
}
