// Package leak checks that a test leaves no goroutine behind.
package leak

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// Check records the goroutines running now and, when the test ends, fails it if more are
// running than then, once they have had a moment to finish.
func Check(t testing.TB) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(3 * time.Second)
		for {
			n := runtime.NumGoroutine()
			if n <= before {
				return
			}
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				buf = buf[:runtime.Stack(buf, true)]
				t.Errorf("%d goroutines running after the test, %d before:\n%s", n, before, strings.TrimSpace(string(buf)))
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}
