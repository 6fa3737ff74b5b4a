package runtime

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/arazzogen/arazzogen/runtime/jsonpath"
	"github.com/arazzogen/arazzogen/runtime/xpath"
)

// deepServer answers /json with {"a":{"a":…}} and /xml with <a><a>…</a></a>, 9,000 levels
// deep (54 KB and 63 KB).
func deepServer(t *testing.T) *httptest.Server {
	const levels = 9000
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/xml" {
			w.Header().Set("Content-Type", "application/xml")
			w.Write([]byte(strings.Repeat("<a>", levels) + "x" + strings.Repeat("</a>", levels)))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(strings.Repeat(`{"a":`, levels) + "1" + strings.Repeat("}", levels)))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// finishes fails the test when f has not returned within limit.
func finishes(t *testing.T, name string, limit time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
		t.Logf("%s: %s", name, time.Since(start).Round(time.Millisecond))
	case <-time.After(limit):
		t.Fatalf("%s: still evaluating after %s", name, limit)
	}
}

// TestCriteriaOnADeepResponseAreBounded: the matchers generated code calls for jsonpath and
// xpath criteria and selectors return quickly on a response built to make nested descendant
// queries explode, without a deadline.
func TestCriteriaOnADeepResponseAreBounded(t *testing.T) {
	srv := deepServer(t)
	get := func(path string) []byte {
		resp, err := (&Transport{}).Send(context.Background(), &Request{Method: "GET", URL: srv.URL + path})
		if err != nil {
			t.Fatal(err)
		}
		return resp.Body
	}
	js, xml := get("/json"), get("/xml")
	finishes(t, "MatchJSONPath $..a..a..a", 5*time.Second, func() {
		if !MatchJSONPath(jsonpath.MustParse("$..a..a..a"), js) {
			t.Error("$..a..a..a does not match")
		}
	})
	finishes(t, "MatchJSONPath $..a..a..a..zzz", 5*time.Second, func() {
		if MatchJSONPath(jsonpath.MustParse("$..a..a..a..zzz"), js) {
			t.Error("$..a..a..a..zzz matches")
		}
	})
	finishes(t, "SelectJSONPath $..a..a..a", 5*time.Second, func() { SelectJSONPath(jsonpath.MustParse("$..a..a..a"), js) })
	finishes(t, "MatchXPath //a//a//a//a", 5*time.Second, func() {
		if !MatchXPath(xpath.MustCompile("//a//a//a//a"), xml) {
			t.Error("//a//a//a//a does not match")
		}
	})
	finishes(t, "SelectXPath count(//a//a//a//a)", 5*time.Second, func() {
		if n := SelectXPath(xpath.MustCompile("count(//a//a//a//a)"), xml).Number(); n != 8997 {
			t.Errorf("count = %v", n)
		}
	})
}
