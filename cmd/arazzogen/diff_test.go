package main

import "testing"

func TestUnifiedDiff(t *testing.T) {
	a := "one\ntwo\nthree\nfour\n"
	b := "one\n2\nthree\nfour\nfive\n"
	want := "--- a\n+++ b\n@@ -1,4 +1,5 @@\n one\n-two\n+2\n three\n four\n+five\n"
	if got := unifiedDiff("a", "b", a, b); got != want {
		t.Errorf("diff:\n%s\nwant:\n%s", got, want)
	}
}
