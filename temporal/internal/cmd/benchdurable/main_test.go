package main

import (
	"bytes"
	"io"
	"regexp"
	"testing"
	"time"
)

// One short round on the test environment prints both implementations and the summary line.
func TestReport(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out, io.Discard, 1, time.Millisecond, false); err != nil {
		t.Fatal(err)
	}
	for _, re := range []string{
		`(?m)^\| handwritten \| \d+ \| \d+ \| \d+ \| \d+ \|$`,
		`(?m)^\| generated \| \d+ \| \d+ \| \d+ \| \d+ \|$`,
		`(?m)^bench-durable: generated/hand-written test-env ns/op \d+\.\d\d cpu-ns/op \d+\.\d\d allocs/op \d+\.\d\d; dev-server n/a$`,
	} {
		if !regexp.MustCompile(re).MatchString(out.String()) {
			t.Errorf("no line matches %s in\n%s", re, out.String())
		}
	}
}

func TestMedianRatio(t *testing.T) {
	gen := []measurement{{ns: 30}, {ns: 10}, {ns: 40}}
	hand := []measurement{{ns: 10}, {ns: 10}, {ns: 10}}
	if got := medianRatio(gen, hand, func(m measurement) float64 { return m.ns }); got != 3 {
		t.Errorf("median ratio %v; want 3", got)
	}
	if got := medianOf([]float64{4, 1, 3, 2}); got != 2.5 {
		t.Errorf("median %v; want 2.5", got)
	}
}
