package runtime

import (
	"context"
	"time"
)

// A Flow is a workflow compiled for running one step at a time: each step is a function
// that reads the values it needs from the run's state S and writes its outputs there, and
// the steps' actions (goto, retry, end) are data that Drive follows. The generated workflow
// method drives a Flow in process (RunFlow); a durable engine such as Temporal drives the
// same Flow with its steps as activities, so that both run the same code. C is the
// generated Client.
//
// Flows are generated; their fields are not meant to be set by hand.
type Flow[C, S any] struct {
	Workflow string // the Arazzo workflowId, as errors and observers name it
	// Version identifies the flow's structure (its steps, actions and calls); it changes
	// when a regeneration changes what Drive would do, so that a durable engine can keep
	// runs started by an older version apart.
	Version    string
	Steps      []FlowStep[C, S]
	DependsOn  []*Call[C, S] // workflows run first
	RetrySlots int           // the number of retry actions, each with its own budget
	// Defaults gives the optional inputs in s that were not given (nil) their schema
	// defaults, before anything runs; nil when no input has a default.
	Defaults func(s *S) error
	// Secrets returns the secret values the state holds (secret inputs, the outputs of
	// called workflows and steps that are secret), to be redacted from errors and events;
	// nil when the workflow has none.
	Secrets func(s *S) []string
	// Transport is the client's Transport: the requests' client, limits and observer.
	Transport func(c *C) *Transport
	// MaxRuns bounds how often a step that actions can repeat may run (WithMaxStepRuns);
	// nil when no step can repeat.
	MaxRuns func(c *C) int
	// Start runs once the run has begun, before the dependsOn workflows and the first step,
	// for a workflow that sends or receives messages (AsyncAPI steps): it fails when the
	// client has no message transport for a source the workflow needs, and subscribes the
	// run (Run.Listen) to the channels its receive steps wait on, so that a reply published
	// before its receive step runs is kept. nil for other workflows. The subscriptions live
	// in the run, in process: a durable engine, whose steps run as separate activities,
	// does not run flows that have Start.
	Start func(c *C, run *Run, s *S) error
}

// FlowStep is one step of a Flow: an operation call (Run) or a call of another workflow
// (Call and Finish).
type FlowStep[C, S any] struct {
	ID string // the Arazzo stepId
	// Method is the operation's HTTP method; "" for a step that runs another workflow.
	Method string
	// Timeout is the step's Arazzo timeout; 0 for none.
	Timeout time.Duration
	// Target is set when an action can run the step again; its runs are counted.
	Target bool
	// OnSuccess and OnFailure are the step's actions in the order they are tried.
	OnSuccess, OnFailure []Action[C, S]
	// Run sends the step's request, checks its success criteria, writes its outputs to s
	// and reports which of its actions apply. st reports to the observer and collects
	// secrets; a response body never leaves Run.
	Run func(c *C, st *Step, s *S) Outcome
	// Call is set instead of Run for a step that runs another workflow; Finish then checks
	// the step's success criteria against the called workflow's outputs (out, a pointer to
	// its outputs struct, nil when err is set), writes the step's outputs and reports the
	// actions that apply. Finish reads only s and out, so a durable engine can run it in its
	// deterministic workflow code; st may be nil there.
	Call   *Call[C, S]
	Finish func(st *Step, s *S, out any, err error) Outcome
	// Reads copies into dst the values of src that the step reads, and Writes those it
	// writes (its outputs): a step run elsewhere gets the state it needs and gives back its
	// own part, and steps that neither read nor write each other's values can run at once.
	Reads, Writes func(dst, src *S)
	// Group is set on the first step of a group of steps that may run at once (arazzogen
	// -parallel): the number of steps, this one and those that follow it, in the group.
	// The compiler groups only operation steps that have no actions, that no action runs
	// and that do not read one another's outputs, so that running them at once decides
	// nothing Drive would decide: each goes on to the next step when it succeeds, and the
	// workflow fails when one fails. RunFlow runs a group's steps at once (Group); an
	// engine that cannot runs them one after the other.
	Group int
}

// Call runs another workflow of the package: a workflowId step, a dependsOn entry, or a
// goto or retry action naming a workflow.
type Call[C, S any] struct {
	Workflow string // the called workflow, as errors name it
	// Version is the called workflow's Flow.Version; "" for a workflow of another Arazzo
	// document, whose flow the package does not export.
	Version string
	// Inputs builds the called workflow's inputs value from s.
	Inputs func(s *S) (any, error)
	// Run runs the workflow in process with the inputs Inputs built and returns a pointer
	// to its outputs.
	Run func(c *C, ctx context.Context, in any) (any, error)
	// Outputs returns a new pointer to the called workflow's outputs struct, for an engine
	// that decodes them.
	Outputs func() any
	// Store keeps the outputs (out, from Run) in s; nil when nothing reads them.
	Store func(s *S, out any)
}

// ActionKind is what a success or failure action does.
type ActionKind uint8

const (
	ActionEnd   ActionKind = iota // finish the workflow
	ActionGoto                    // run Step next, or run Call and finish
	ActionRetry                   // run the step again, after Step or Call when set
)

// Action is a compiled success or failure action.
type Action[C, S any] struct {
	Kind ActionKind
	Step string      // the stepId a goto runs next or a retry runs first; "" for none
	Call *Call[C, S] // the workflow a goto or retry runs; nil for none
	// After is a retry's retryAfter (a Retry-After header of the response overrides it),
	// Limit its retryLimit, and Slot the index of its budget among Flow.RetrySlots.
	After time.Duration
	Limit int
	Slot  int
	// Resume numbers a retry that runs another step first (Step): when that step
	// succeeds, the flow comes back to the retrying step.
	Resume int
}

// Outcome is what one run of a step reports to Drive.
type Outcome struct {
	// Err is nil when the step succeeded: its success criteria held and its outputs were
	// read. Otherwise it is why the step failed (a *StepError for an operation step).
	Err error
	// Actions lists the indexes of the actions whose criteria hold, in order: of OnSuccess
	// when Err is nil, else of OnFailure. It ends at the first action that is not a retry,
	// since Drive takes that one whenever it gets that far.
	Actions []int
	// RetryAfter is the delay a Retry-After header of the failed step's response asked
	// for (at most MaxRetryWait), when HasRetryAfter is set; it overrides retryAfter.
	RetryAfter    time.Duration
	HasRetryAfter bool
}

// actionIndexes backs the one-element Actions of the common outcomes, so that reporting
// an action allocates nothing.
var actionIndexes = [16]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}

// Take returns an Outcome's Actions that start with action i (generated step functions
// append the retries that come after it).
func Take(i int) []int {
	if i < len(actionIndexes) {
		return actionIndexes[i : i+1 : i+1]
	}
	return []int{i}
}

// Failed is the outcome of a step that failed with err; resp is its response, when there
// was one, whose Retry-After header a retry or a goto's poll wait honours.
func Failed(err error, resp *Response) Outcome {
	o := Outcome{Err: err}
	o.retryAfter(resp)
	return o
}

// Succeeded is the outcome of a step that succeeded and whose success action number i
// applies; resp is its response, whose Retry-After header the wait before a step that a
// goto action runs again honours.
func Succeeded(i int, resp *Response) Outcome {
	o := Outcome{Actions: Take(i)}
	o.retryAfter(resp)
	return o
}

// retryAfter records the Retry-After header of resp (nil for none).
func (o *Outcome) retryAfter(resp *Response) {
	if resp == nil {
		return
	}
	if d, ok := RetryAfter(resp.Header, time.Now()); ok {
		o.RetryAfter, o.HasRetryAfter = min(d, MaxRetryWait), true
	}
}

// Position is where Drive is in a flow: the step to run next and the counters that bound
// loops. A durable engine that starts a run afresh (Temporal's continue-as-new) carries it
// over, with the state, so that the new run goes on where the old one stopped.
type Position struct {
	Step    int   // index of the step to run next
	Again   bool  // Step runs again as a retry: the step it continues stays open
	Retries []int // the budget spent by each retry action since its step last succeeded
	Runs    []int // how often each step that can repeat has run, by index
	// Poll is set when a goto action made Step the next step: the wait before it runs
	// again, when it has run already, reads the response that led to the goto.
	Poll    *PollWait `json:",omitempty"`
	Resume  int       // the Resume number of the retry waiting for a step to succeed; 0 for none
	Started bool      // the dependsOn workflows have run
}

// Engine runs what Drive decides. RunFlow's engine runs in process; a durable engine runs
// steps as activities and waits with durable timers.
type Engine[C, S any] interface {
	// Begin starts step i; again is set when it continues a retry of the step.
	Begin(i int, again bool)
	// Exec runs step i once.
	Exec(i int) Outcome
	// End ends step i with its final error (nil when it succeeded).
	End(i int, err error)
	// Wait waits before attempt number attempt of step i (2 for its first retry), delay
	// as the retry action or the response asked; cause is why the last attempt failed.
	Wait(i, attempt int, delay time.Duration, cause error) error
	// Call runs another workflow: a dependsOn entry when step is -1, else an action of
	// step number step (inside it when inStep is set: a retry's call).
	Call(call *Call[C, S], step int, inStep bool) error
	// Poll waits before step i runs again because a goto action jumped to it, when it has
	// run already (see PollWait); an error stops the run with it.
	Poll(i int, w PollWait) error
	// Jump is told when an action makes the flow go on at p.Step rather than the next
	// step (loops go through it); an error stops the run with it.
	Jump(p *Position) error
}

// A GroupEngine is an Engine that can run a group of steps (FlowStep.Group) at once.
// Drive runs the group's steps one after the other with an engine that is not one.
type GroupEngine interface {
	// ExecGroup begins, runs and ends steps first to first+n-1 at once, and returns nil
	// when every one succeeded. Otherwise it returns the error of the earliest step in
	// document order that failed on its own account (not because another's failure
	// cancelled it), and leaves that step open, as Drive leaves a failed step.
	ExecGroup(first, n int) error
}

// Drive runs flow f from p with engine e, following the steps' actions: the success
// action that applies, else the next step; the failure action that applies (a retry only
// while its budget lasts), else the workflow fails with the step's error. maxRuns bounds
// the runs of each step that can repeat; a step that a goto action runs again when it has
// run already waits first (Engine.Poll), so that a poll loop does not hammer the server.
//
// done reports whether the workflow reached its end, so that its outputs are due: err is
// then nil, or the failure an end action finished with. When done is false, err is why
// the workflow failed.
//
// Drive itself is deterministic: it reads no clock and starts no goroutine, so a durable
// engine can run it in its workflow code.
func Drive[C, S any](f *Flow[C, S], e Engine[C, S], p *Position, maxRuns int) (done bool, err error) {
	if len(p.Retries) < f.RetrySlots {
		p.Retries = append(p.Retries, make([]int, f.RetrySlots-len(p.Retries))...)
	}
	if !p.Started {
		for _, d := range f.DependsOn {
			if err := e.Call(d, -1, false); err != nil {
				return false, err
			}
		}
		p.Started = true
	}
	ge, groups := e.(GroupEngine)
	for p.Step < len(f.Steps) {
		i := p.Step
		st := &f.Steps[i]
		if n := min(st.Group, len(f.Steps)-i); groups && n > 1 && !p.Again && p.Resume == 0 {
			// The group's steps have no actions and none is an action's target: when they
			// all succeed the flow goes on after them, when one fails it fails.
			if err := ge.ExecGroup(i, n); err != nil {
				return false, err
			}
			p.Step = i + n
			continue
		}
		e.Begin(i, p.Again)
		p.Again = false
		poll := p.Poll
		p.Poll = nil
		if st.Target {
			if len(p.Runs) < len(f.Steps) {
				p.Runs = append(p.Runs, make([]int, len(f.Steps)-len(p.Runs))...)
			}
			p.Runs[i]++
			if p.Runs[i] > maxRuns {
				return false, TooManyRuns(f.Workflow, st.ID, maxRuns)
			}
			if poll != nil && p.Runs[i] > 1 {
				poll.Runs = p.Runs[i] - 1
				if err := e.Poll(i, *poll); err != nil {
					return false, err
				}
			}
		}
		o := e.Exec(i)
		if o.Err == nil {
			e.End(i, nil)
			if p.Resume != 0 {
				if back := f.resumes(p.Resume, st.ID); back >= 0 {
					p.Resume, p.Step = 0, back
					if err := e.Jump(p); err != nil {
						return false, err
					}
					continue
				}
			}
			for _, a := range st.OnFailure {
				if a.Kind == ActionRetry {
					p.Retries[a.Slot] = 0
				}
			}
			if len(o.Actions) == 0 {
				p.Step = i + 1
				continue
			}
			a := &st.OnSuccess[o.Actions[0]]
			switch {
			case a.Kind == ActionEnd:
				return true, nil
			case a.Call != nil:
				if err := e.Call(a.Call, i, false); err != nil {
					return false, err
				}
				return true, nil
			}
			p.Step = f.index(a.Step)
			p.Poll = &PollWait{RetryAfter: o.RetryAfter, HasRetryAfter: o.HasRetryAfter}
			if err := e.Jump(p); err != nil {
				return false, err
			}
			continue
		}
		var a *Action[C, S]
		for _, k := range o.Actions {
			c := &st.OnFailure[k]
			if c.Kind == ActionRetry && p.Retries[c.Slot] >= c.Limit {
				continue
			}
			a = c
			break
		}
		switch {
		case a == nil:
			return false, o.Err
		case a.Kind == ActionEnd:
			// The step stays open: the run ends it with the error it ends with.
			return true, o.Err
		case a.Kind == ActionRetry:
			p.Retries[a.Slot]++
			attempt := 1
			for _, r := range st.OnFailure {
				if r.Kind == ActionRetry {
					attempt += p.Retries[r.Slot]
				}
			}
			delay := a.After
			if o.HasRetryAfter {
				delay = o.RetryAfter
			}
			if err := e.Wait(i, attempt, max(delay, 0), o.Err); err != nil {
				return false, err
			}
			if a.Call != nil {
				if err := e.Call(a.Call, i, true); err != nil {
					return false, err
				}
			}
			if a.Step != "" {
				e.End(i, o.Err)
				p.Resume, p.Step = a.Resume, f.index(a.Step)
			} else {
				p.Again = true
			}
		default: // goto
			e.End(i, o.Err)
			if a.Call != nil {
				if err := e.Call(a.Call, i, false); err != nil {
					return false, err
				}
				return true, nil
			}
			p.Step = f.index(a.Step)
			p.Poll = &PollWait{RetryAfter: o.RetryAfter, HasRetryAfter: o.HasRetryAfter}
		}
		if err := e.Jump(p); err != nil {
			return false, err
		}
	}
	return true, nil
}

// index is the index of the step with the given id (len(f.Steps) for none, which ends
// the flow; generated flows only name their own steps).
func (f *Flow[C, S]) index(id string) int {
	for i := range f.Steps {
		if f.Steps[i].ID == id {
			return i
		}
	}
	return len(f.Steps)
}

// resumes returns the index of the step whose retry numbered resume ran step id first,
// or -1 when that retry ran another step.
func (f *Flow[C, S]) resumes(resume int, id string) int {
	for i := range f.Steps {
		for _, a := range f.Steps[i].OnFailure {
			if a.Resume == resume {
				if a.Step == id {
					return i
				}
				return -1
			}
		}
	}
	return -1
}

// RunFlow runs flow f in process for client c, starting from state s, and is what a
// generated workflow method calls: the run and its steps are reported to the Transport's
// observer, retries wait on timers that the context cancels, and the error returned has
// the run's secrets redacted. done is as for Drive: s holds the workflow's outputs then.
func RunFlow[C, S any](ctx context.Context, c *C, f *Flow[C, S], s *S) (done bool, err error) {
	run := f.Transport(c).Start(ctx, f.Workflow)
	defer func() { err = run.End(err) }()
	if f.Defaults != nil {
		if err := f.Defaults(s); err != nil {
			return false, err
		}
	}
	e := &localEngine[C, S]{c: c, f: f, s: s, run: run}
	e.secrets()
	if f.Start != nil {
		if err := f.Start(c, run, s); err != nil {
			return false, err
		}
	}
	maxRuns := DefaultMaxRuns
	if f.MaxRuns != nil {
		maxRuns = f.MaxRuns(c)
	}
	var p Position
	return Drive(f, e, &p, maxRuns)
}

// localEngine runs a flow in process.
type localEngine[C, S any] struct {
	c   *C
	f   *Flow[C, S]
	s   *S
	run *Run
	st  *Step // the step running
}

func (e *localEngine[C, S]) secrets() {
	if e.f.Secrets != nil {
		e.run.Secret(e.f.Secrets(e.s)...)
	}
}

func (e *localEngine[C, S]) Begin(i int, again bool) {
	if !again {
		e.st = e.run.Step(e.f.Steps[i].ID)
	}
}

func (e *localEngine[C, S]) Exec(i int) Outcome { return e.exec(i, e.st) }

// exec runs step i once as st.
func (e *localEngine[C, S]) exec(i int, st *Step) Outcome {
	fs := &e.f.Steps[i]
	if fs.Call == nil {
		return fs.Run(e.c, st, e.s)
	}
	in, err := fs.Call.Inputs(e.s)
	if err != nil {
		return fs.Finish(st, e.s, nil, err)
	}
	ctx := st.Context()
	if fs.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, fs.Timeout)
		defer cancel()
	}
	out, err := fs.Call.Run(e.c, ctx, in)
	return fs.Finish(st, e.s, out, err)
}

// ExecGroup runs the steps of a group in goroutines of a Group. They write disjoint
// fields of the state (each its own outputs) and read none that another writes.
func (e *localEngine[C, S]) ExecGroup(first, n int) error {
	g := e.run.Group()
	for i := first; i < first+n; i++ {
		g.Go(e.f.Steps[i].ID, func(st *Step) error {
			o := e.exec(i, st)
			if o.Err == nil {
				st.End(nil)
			}
			return o.Err
		})
	}
	return g.Wait()
}

func (e *localEngine[C, S]) End(_ int, err error) { e.st.End(err) }

func (e *localEngine[C, S]) Wait(_, attempt int, delay time.Duration, cause error) error {
	return WaitFor(e.st, attempt, cause, delay)
}

func (e *localEngine[C, S]) Call(call *Call[C, S], step int, inStep bool) error {
	in, err := call.Inputs(e.s)
	if err != nil {
		return err
	}
	ctx := e.run.Context()
	if inStep {
		ctx = e.st.Context()
	}
	out, err := call.Run(e.c, ctx, in)
	if err != nil {
		return err
	}
	if call.Store != nil {
		call.Store(e.s, out)
		e.secrets()
	}
	return nil
}

func (e *localEngine[C, S]) Poll(_ int, w PollWait) error {
	return e.st.pause(w.Delay(e.f.Transport(e.c).PollInterval))
}

func (e *localEngine[C, S]) Jump(*Position) error { return nil }

// WaitFor reports that step st is about to be tried again and sleeps for delay before
// that attempt, as Wait does once the delay is decided (Drive decides it from the retry
// action and the response's Retry-After header).
func WaitFor(st *Step, attempt int, cause error, delay time.Duration) error {
	delay = max(delay, 0)
	if err := st.spendRetryWait(delay, cause); err != nil {
		return err
	}
	st.Retry(attempt, delay, cause)
	return st.pause(delay)
}
