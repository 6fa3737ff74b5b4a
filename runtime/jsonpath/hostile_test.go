package jsonpath

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// deepDoc is {"a":{"a":…{"a":1}…}}, levels deep: 9,000 levels are 54 KB.
func deepDoc(levels int) []byte {
	return []byte(strings.Repeat(`{"a":`, levels) + "1" + strings.Repeat("}", levels))
}

// bounded runs f with a watchdog: it must return within limit and allocate less than
// maxAlloc bytes in total.
func bounded(t *testing.T, name string, limit time.Duration, maxAlloc uint64, f func()) {
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

// TestDeepDescendantQueriesAreBounded: nested descendant segments over a deeply nested
// document select far more nodes than it has (each "a" below another one is selected again
// from each above it). Selecting stops with ErrBudget in well under a second and a bounded
// amount of memory; asking only whether anything is selected (a criterion) visits each node
// a few times and answers.
func TestDeepDescendantQueriesAreBounded(t *testing.T) {
	doc := deepDoc(9000)
	for _, q := range []string{"$..a..a..a", "$..a..a..a..zzz", "$..*..*..*", "$..[?@..a]..a", "$..a[?count(@..a) > 0]"} {
		p := MustParse(q)
		bounded(t, "SelectJSON "+q, 5*time.Second, 1<<30, func() {
			nodes, err := p.SelectJSON(doc)
			if err != nil && !errors.Is(err, ErrBudget) {
				t.Errorf("%s: %v", q, err)
			}
			if err == nil && strings.HasSuffix(q, "zzz") && len(nodes) != 0 {
				t.Errorf("%s selected %d nodes", q, len(nodes))
			}
		})
	}
	for q, want := range map[string]bool{"$..a..a..a": true, "$..a..a..a..zzz": false, "$..*..*..*": true, "$[?@..a..a..a]": true, "$..a[?@..a..a..b]": false} {
		p := MustParse(q)
		var v any
		if err := json.Unmarshal(doc, &v); err != nil {
			t.Fatal(err)
		}
		bounded(t, "match "+q, 5*time.Second, 1<<30, func() {
			got, err := p.MatchContext(context.Background(), v)
			if err != nil || got != want {
				t.Errorf("%s: %v, %v; want %v", q, got, err, want)
			}
		})
	}
}

// TestEvaluationHonoursTheContext: an evaluation stops soon after its context ends, even
// within its budget.
func TestEvaluationHonoursTheContext(t *testing.T) {
	doc := deepDoc(9000)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	time.Sleep(30 * time.Millisecond)
	start := time.Now()
	_, err := MustParse("$..a..a..zzz").SelectJSONContext(ctx, doc)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
		t.Errorf("error %v after %s, want the deadline at once", err, time.Since(start))
	}
}

// TestMatchAgreesWithSelect checks the set evaluation of MatchContext against Select on the
// compliance suite's documents and selectors.
func TestMatchAgreesWithSelect(t *testing.T) {
	raw, err := os.ReadFile(ctsPath)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("JSONPath compliance suite not found at %s; skipping", ctsPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	var suite struct{ Tests []ctsCase }
	if err := json.Unmarshal(raw, &suite); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range suite.Tests {
		p, err := Parse(c.Selector)
		if err != nil || c.Document == nil {
			continue
		}
		var doc any
		if json.Unmarshal(c.Document, &doc) != nil {
			continue
		}
		got, err := p.MatchContext(context.Background(), doc)
		if want := len(p.Select(doc)) > 0; err != nil || got != want {
			t.Errorf("%s: %q: Match %v (%v), Select found %v", c.Name, c.Selector, got, err, want)
		}
		n++
	}
	if n < 400 {
		t.Errorf("only %d cases compared", n)
	}
}
