package runtime

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/runtime/jsonpath"
	"github.com/arazzogen/arazzogen/runtime/xpath"
)

// TestRunEvaluationFailsClearly: a criterion whose evaluation the budget stops fails its
// step saying so; a selector whose evaluation the budget stops fails the run at its next
// request, or at its end; a run past its deadline stops an evaluation.
func TestRunEvaluationFailsClearly(t *testing.T) {
	srv := deepServer(t)
	tr := &Transport{}

	// A success criterion, as generated code checks it.
	run := tr.Start(context.Background(), "w")
	st := run.Step("poll")
	resp, err := st.Send(&Request{Method: "GET", URL: srv.URL + "/json"})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if st.MatchJSONPath(jsonpath.MustParse("$..a[?count(@..a) > 99999]"), resp.Body) {
		t.Fatal("matched")
	}
	err = run.End(resp.Unmet("$..a[?count(@..a) > 99999]"))
	if !errors.Is(err, jsonpath.ErrBudget) || !strings.Contains(err.Error(), "step poll") ||
		!strings.Contains(err.Error(), "success criterion not met: $..a[?count(@..a) > 99999]: jsonpath: evaluation budget spent") {
		t.Errorf("criterion: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the criterion took %s", d)
	}

	// A selector in an output, then the next step.
	run = tr.Start(context.Background(), "w")
	st = run.Step("read")
	resp, err = st.Send(&Request{Method: "GET", URL: srv.URL + "/json"})
	if err != nil {
		t.Fatal(err)
	}
	if out := st.SelectJSONPath(jsonpath.MustParse("$..a..a..a"), resp.Body); out != nil {
		t.Errorf("selector yielded %d bytes", len(out))
	}
	st.End(nil)
	st = run.Step("next")
	_, err = st.Send(&Request{Method: "GET", URL: srv.URL + "/json"})
	if !errors.Is(err, jsonpath.ErrBudget) || !strings.Contains(err.Error(), "step read: evaluating jsonpath $..a..a..a stopped") {
		t.Errorf("the request after the selector: %v", err)
	}
	_ = run.End(err)

	// A selector of the last step: the run's end returns the error.
	run = tr.Start(context.Background(), "w")
	st = run.Step("last")
	st.SelectXPath(xpath.MustCompile("//a[ancestor::a/ancestor::a]"), []byte(strings.Repeat("<a>", 9000)+strings.Repeat("</a>", 9000)))
	st.End(nil)
	if err := run.End(nil); !errors.Is(err, xpath.ErrBudget) || !strings.Contains(err.Error(), "step last") {
		t.Errorf("the end of the run: %v", err)
	}

	// A deadline.
	ctx, cancel := context.WithCancel(context.Background())
	run = tr.Start(ctx, "w")
	st = run.Step("s")
	cancel()
	if st.MatchXPath(xpath.MustCompile("//a[ancestor::a/ancestor::a]"), []byte(strings.Repeat("<a>", 9000)+strings.Repeat("</a>", 9000))) {
		t.Error("matched")
	}
	if err := run.End(nil); !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "evaluating xpath") {
		t.Errorf("a cancelled run: %v", err)
	}

	// No step (a durable engine's workflow code judging a called workflow's outputs): the
	// budget still bounds the evaluation, and there is no run to fail.
	var none *Step
	start = time.Now()
	if none.MatchJSONPath(jsonpath.MustParse("$..a[?count(@..a) > 99999]"), []byte(strings.Repeat(`{"a":`, 9000)+"1"+strings.Repeat("}", 9000))) {
		t.Error("a nil step matched")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("a nil step's evaluation took %s", d)
	}
}
