package ecmaregex

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestBudgetStopsCatastrophicPattern(t *testing.T) {
	// (a+)+$ is exponential on a run of a's that does not end the input; the lookahead only
	// forces the backtracker.
	re := MustCompile(`(?=a)(a+)+$`)
	if !re.Backtracking() {
		t.Fatal("pattern was translated")
	}
	in := strings.Repeat("a", 5000) + "b"
	start := time.Now()
	ok, err := re.Match(in)
	elapsed := time.Since(start)
	if ok || !errors.Is(err, ErrBudget) {
		t.Fatalf("Match = %v, %v; want false and ErrBudget", ok, err)
	}
	if re.MatchString(in) {
		t.Error("MatchString reported a match after exhausting the budget")
	}
	// A million steps take milliseconds; a generous bound keeps slow machines green while
	// still failing on anything unbounded.
	if elapsed > 2*time.Second {
		t.Errorf("budget exhaustion took %v", elapsed)
	}
	// The same pattern succeeds quickly when a match exists.
	if ok, err := re.Match(strings.Repeat("a", 5000)); !ok || err != nil {
		t.Errorf("Match on all a's = %v, %v; want true", ok, err)
	}
}

func TestWithBudget(t *testing.T) {
	re := MustCompile(`^(?=(a+))\1b`)
	in := strings.Repeat("a", 2000) + "b"
	if ok, err := re.Match(in); !ok || err != nil {
		t.Fatalf("default budget: %v, %v", ok, err)
	}
	small := re.WithBudget(100)
	if ok, err := small.Match(in); ok || !errors.Is(err, ErrBudget) {
		t.Fatalf("budget 100: %v, %v; want ErrBudget", ok, err)
	}
	// The copy must not change the original.
	if ok, err := re.Match(in); !ok || err != nil {
		t.Fatalf("original after WithBudget: %v, %v", ok, err)
	}
	if re.WithBudget(0).budget != DefaultBudget {
		t.Error("WithBudget(0) did not restore the default")
	}
	// The translated engine has no budget to exhaust.
	if ok, err := MustCompile(`(a+)+$`).WithBudget(1).Match(in); ok || err != nil {
		t.Errorf("translated (a+)+$ = %v, %v; want false, nil", ok, err)
	}
}

// TestUnanchoredSearchCost checks that start positions a match cannot begin at are skipped
// without spending budget, so a lookaround pattern can scan a long input.
func TestUnanchoredSearchCost(t *testing.T) {
	re := MustCompile(`(?<=\$)\d+(?!\d*px)`)
	in := strings.Repeat("x", 1_200_000) + "$12"
	if ok, err := re.Match(in); !ok || err != nil {
		t.Fatalf("Match = %v, %v", ok, err)
	}
	anchored := MustCompile(`^(?=.*\d)`)
	if ok, err := anchored.Match(strings.Repeat("x", 100_000) + "1"); !ok || err != nil {
		t.Fatalf("anchored Match = %v, %v", ok, err)
	}
}

func TestLongInputNoRecursion(t *testing.T) {
	// Deep greedy loops over groups push one entry per iteration on the machine's own
	// stack, never on the goroutine's.
	re := MustCompile(`^(?:(a)|b)*\1$`).WithBudget(20_000_000)
	in := strings.Repeat("ab", 100_000)
	if ok, err := re.Match(in + "aa"); !ok || err != nil {
		t.Fatalf("Match = %v, %v", ok, err)
	}
	// Ending in "ba", the last iteration is b and resets the capture, so \1 is empty
	// and a is left over: false, after backtracking through every iteration.
	if ok, err := re.Match(in + "a"); ok || err != nil {
		t.Fatalf("Match = %v, %v", ok, err)
	}
}

func TestConcurrentMatch(t *testing.T) {
	re := MustCompile(`^(?<w>[a-z]+)-\k<w>$`)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			word := strings.Repeat(string(rune('a'+g)), g+1)
			for i := 0; i < 500; i++ {
				if !re.MatchString(word + "-" + word) {
					t.Errorf("no match for %q", word)
					return
				}
				if re.MatchString(word + "-" + word + "x") {
					t.Errorf("match for %q", word+"x")
					return
				}
			}
		}(g)
	}
	wg.Wait()
}
