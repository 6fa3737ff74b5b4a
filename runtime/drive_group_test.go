package runtime

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

type groupClient struct {
	rt Transport
}

type groupState struct {
	A, B, C string
	Sum     string
}

// groupFlow is a fan-out: three steps that read nothing of one another, grouped, and a
// fourth that reads them all. Each of the three waits (up to a second) for the others to
// have started when together is set.
func groupFlow(together bool, fail map[string]error) *Flow[groupClient, groupState] {
	var started sync.WaitGroup
	started.Add(3)
	all := make(chan struct{})
	go func() { started.Wait(); close(all) }()
	step := func(id string, out func(s *groupState) *string) FlowStep[groupClient, groupState] {
		return FlowStep[groupClient, groupState]{ID: id, Method: "GET", Run: func(c *groupClient, st *Step, s *groupState) Outcome {
			started.Done()
			if together {
				select {
				case <-all:
				case <-time.After(time.Second):
					return Outcome{Err: fmt.Errorf("%s: the other steps did not start", id)}
				}
			}
			if err := fail[id]; err != nil {
				return Outcome{Err: err}
			}
			*out(s) = id
			return Outcome{}
		}}
	}
	steps := []FlowStep[groupClient, groupState]{
		step("a", func(s *groupState) *string { return &s.A }),
		step("b", func(s *groupState) *string { return &s.B }),
		step("c", func(s *groupState) *string { return &s.C }),
		{ID: "sum", Method: "GET", Run: func(c *groupClient, st *Step, s *groupState) Outcome {
			s.Sum = s.A + s.B + s.C
			return Outcome{}
		}},
	}
	steps[0].Group = 3
	return &Flow[groupClient, groupState]{Workflow: "fan", Steps: steps, Transport: func(c *groupClient) *Transport { return &c.rt }}
}

// RunFlow runs a group's steps at once, and the step after the group sees their outputs.
func TestRunFlowGroup(t *testing.T) {
	rec := &recorder{}
	c := &groupClient{rt: Transport{Observer: rec}}
	var s groupState
	done, err := RunFlow(context.Background(), c, groupFlow(true, nil), &s)
	if !done || err != nil {
		t.Fatalf("RunFlow = %v, %v", done, err)
	}
	if s.Sum != "abc" {
		t.Errorf("sum = %q, want abc", s.Sum)
	}
	var starts []string
	for _, l := range rec.lines {
		if name, ok := strings.CutPrefix(l, "step start "); ok {
			starts = append(starts, name)
		}
	}
	if want := []string{"a", "b", "c", "sum"}; !slices.Equal(starts, want) {
		t.Errorf("steps started in the order %q, want %q", starts, want)
	}
	if i, j := slices.Index(rec.lines, "step start sum"), slices.Index(rec.lines, "step end c ok"); i < j {
		t.Errorf("sum started before c ended: %q", rec.lines)
	}
}

// An engine that is not a GroupEngine runs a group's steps one after the other.
func TestDriveGroupWithoutGroupEngine(t *testing.T) {
	c := &groupClient{}
	var s groupState
	f := groupFlow(false, nil)
	run := c.rt.Start(context.Background(), "fan")
	e := struct {
		Engine[groupClient, groupState]
	}{&localEngine[groupClient, groupState]{c: c, f: f, s: &s, run: run}}
	if _, ok := any(e).(GroupEngine); ok {
		t.Fatal("the wrapped engine is a GroupEngine")
	}
	done, err := Drive(f, e, &Position{}, DefaultMaxRuns)
	run.End(err)
	if !done || err != nil || s.Sum != "abc" {
		t.Fatalf("Drive = %v, %v, sum %q", done, err, s.Sum)
	}
	// And the flow that waits for its steps to run together fails without a GroupEngine:
	// the test above proves something.
	s = groupState{}
	f = groupFlow(true, nil)
	run = c.rt.Start(context.Background(), "fan")
	e = struct {
		Engine[groupClient, groupState]
	}{&localEngine[groupClient, groupState]{c: c, f: f, s: &s, run: run}}
	_, err = Drive(f, e, &Position{}, DefaultMaxRuns)
	run.End(err)
	if err == nil || !strings.Contains(err.Error(), "did not start") {
		t.Fatalf("sequential run of steps that wait for each other: %v", err)
	}
}

// When steps of a group fail, the run fails with the earliest one's error in document
// order, the step after the group does not run, the failed steps end with their errors,
// and no goroutine is left.
func TestRunFlowGroupFailure(t *testing.T) {
	before := runtime.NumGoroutine()
	errB, errC := errors.New("b failed"), errors.New("c failed")
	rec := &recorder{}
	c := &groupClient{rt: Transport{Observer: rec}}
	var s groupState
	done, err := RunFlow(context.Background(), c, groupFlow(true, map[string]error{"b": errB, "c": errC}), &s)
	if done || !errors.Is(err, errB) {
		t.Fatalf("RunFlow = %v, %v; want b's error", done, err)
	}
	if s.Sum != "" || slices.Contains(rec.lines, "step start sum") {
		t.Errorf("the step after the group ran: %q", rec.lines)
	}
	for _, want := range []string{"step end a ok", "step end b failed", "step end c failed"} {
		if !slices.Contains(rec.lines, want) {
			t.Errorf("no %q in %q", want, rec.lines)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after RunFlow, %d before", n, before)
	}
}
