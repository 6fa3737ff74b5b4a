package ecmaregex

import (
	"strings"
	"testing"
)

var benchText = strings.Repeat("lorem ipsum dolor sit amet, consectetur adipiscing elit ", 18) // ~1 KiB

func BenchmarkCompile(b *testing.B) {
	for _, p := range []struct{ name, pattern string }{
		{"translated", `^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$`},
		{"backtracking", `^(?=.*\d)(?=.*[a-z])(?=.*[A-Z]).{8,}$`},
	} {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Compile(p.pattern); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkMatch(b *testing.B) {
	for _, c := range []struct {
		name, pattern, input string
		backtracking, want   bool
	}{
		{"translated/email", `^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$`, "someone@example.com", false, true},
		{"translated/1KiB-miss", `\berror\b|\bfail(ed|ure)?\b`, benchText, false, false},
		{"translated/1KiB-astral", `^[^\n]*$`, benchText + "😀", false, true},
		{"backtracking/password", `^(?=.*\d)(?=.*[a-z])(?=.*[A-Z]).{8,}$`, "Corr3ctHorseBattery", true, true},
		{"backtracking/1KiB-lookbehind", `(?<=id=)\d+`, benchText + "id=42", true, true},
		{"backtracking/1KiB-backref-miss", `\b(\w+) \1\b`, benchText, true, false},
		{"backtracking/budget-exhausted", `(?=a)(a+)+$`, strings.Repeat("a", 40) + "b", true, false},
	} {
		re := MustCompile(c.pattern)
		if re.Backtracking() != c.backtracking {
			b.Fatalf("/%s/: Backtracking() = %v", c.pattern, re.Backtracking())
		}
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.input)))
			for b.Loop() {
				if got := re.MatchString(c.input); got != c.want {
					b.Fatalf("MatchString = %v", got)
				}
			}
		})
	}
}
