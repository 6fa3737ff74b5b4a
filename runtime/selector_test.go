package runtime

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/arazzogen/arazzogen/runtime/jsonpath"
	"github.com/arazzogen/arazzogen/runtime/xpath"
)

func TestResponseRequest(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	tr, _ := newTestTransport(t)
	resp, err := tr.Send(context.Background(), &Request{
		Method: "POST", URL: srv.URL, ContentType: "application/json", Body: []byte(`{"a":1}`),
		Header: http.Header{"X-Trace": {"t1"}},
		Auth:   Bearer(StaticToken("tok")),
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"x-trace":       "t1",
		"Content-Type":  "application/json",
		"accept":        "application/json", // the transport's default
		"Authorization": "Bearer tok",       // applied by the credential
		"X-Absent":      "",
	} {
		if got := resp.RequestHeader(name); got != want {
			t.Errorf("RequestHeader(%q) = %q, want %q", name, got, want)
		}
	}
	if got := string(resp.RequestBody()); got != `{"a":1}` {
		t.Errorf("RequestBody() = %q", got)
	}
	var none Response
	if none.RequestHeader("Accept") != "" || none.RequestBody() != nil {
		t.Error("a Response that answers no request has request headers or a body")
	}
}

func TestSelectJSONPath(t *testing.T) {
	doc := []byte(`{"items":[{"id":1,"tag":"a"},{"id":2,"tag":"b"}],"n":null}`)
	tests := []struct {
		query string
		ctx   any
		want  string
	}{
		{`$.items[-1].id`, doc, `2`},      // singular: the value
		{`$.items[5]`, doc, ``},           // singular, nothing selected: null
		{`$.n`, doc, `null`},              // singular, selects a null
		{`$.items[*].id`, doc, `[1,2]`},   // a nodelist
		{`$.items[?@.id > 5]`, doc, `[]`}, // an empty nodelist
		{`$..tag`, json.RawMessage(doc), `["a","b"]`},
		{`$.k`, map[string]any{"k": "v"}, `"v"`}, // a Go value is read through its JSON
		{`$.k`, []byte(`not json`), ``},
		{`$.k`, nil, ``},
	}
	for _, tt := range tests {
		got := SelectJSONPath(jsonpath.MustParse(tt.query), tt.ctx)
		if string(got) != tt.want {
			t.Errorf("%s: got %s, want %s", tt.query, got, tt.want)
		}
	}
}

func TestSelectXPath(t *testing.T) {
	doc := `<o><id>7</id><id>8</id><ok>true</ok></o>`
	if got := SelectXPath(xpath.MustCompile(`/o/id`), []byte(doc)).String(); got != "7" {
		t.Errorf("node-set: got %q", got)
	}
	if got := SelectXPath(xpath.MustCompile(`count(/o/id)`), doc).Number(); got != 2 {
		t.Errorf("number: got %v", got)
	}
	quoted, _ := json.Marshal(doc)
	if got := SelectXPath(xpath.MustCompile(`/o/ok = 'true'`), json.RawMessage(quoted)).Boolean(); !got {
		t.Error("boolean over a JSON string: got false")
	}
	if got := SelectXPath(xpath.MustCompile(`/o/id`), `{"not": "xml"}`); got.Boolean() || got.String() != "" {
		t.Errorf("a context that is not XML selected %q", got.String())
	}
	if got := SelectXPath(xpath.MustCompile(`/o/id`), 42); got.Boolean() {
		t.Error("a number context selected nodes")
	}
}

func TestReplaceJSONPath(t *testing.T) {
	doc := []byte(`{"items": [{"id": 1, "tags": ["x"]}, {"id": 2}], "total": 2}`)
	tests := []struct {
		query string
		value any
		want  string
	}{
		{`$.items[*].id`, "n", `{"items": [{"id": "n", "tags": ["x"]}, {"id": "n"}], "total": 2}`},
		{`$..id`, 0, `{"items": [{"id": 0, "tags": ["x"]}, {"id": 0}], "total": 2}`},
		// The items are replaced; their ids, selected too, go with them.
		{`$.items[*]..*`, true, `{"items": [{"id": true, "tags": true}, {"id": true}], "total": 2}`},
		{`$..[?@.id == 2]`, map[string]int{"id": 3}, `{"items": [{"id": 1, "tags": ["x"]}, {"id":3}], "total": 2}`},
		{`$.missing`, 1, string(doc)},
		{`$`, []int{1}, `[1]`},
	}
	for _, tt := range tests {
		got, err := ReplaceJSONPath(doc, jsonpath.MustParse(tt.query), tt.value)
		if err != nil {
			t.Fatalf("%s: %v", tt.query, err)
		}
		if string(got) != tt.want {
			t.Errorf("%s: got %s\nwant %s", tt.query, got, tt.want)
		}
	}
	if _, err := ReplaceJSONPath([]byte(`{"a":`), jsonpath.MustParse(`$.a`), 1); err == nil {
		t.Error("a malformed body was accepted")
	}
}

func TestOutermost(t *testing.T) {
	in := [][]string{{"a", "b"}, {"a"}, {"c"}, {"a", "b", "c"}, {"c"}, {"d", "1"}, {"d", "10"}}
	want := [][]string{{"a"}, {"c"}, {"d", "1"}, {"d", "10"}}
	if got := Outermost(in); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	// Token boundaries count: ["ab"] does not contain ["a","b"].
	in = [][]string{{"ab"}, {"a", "b"}}
	if got := Outermost(in); !reflect.DeepEqual(got, in) {
		t.Errorf("got %q, want %q", got, in)
	}
}

func TestReplaceXPath(t *testing.T) {
	got, err := ReplaceXPath([]byte(`<o><id>1</id><id>2</id></o>`), xpath.MustCompile(`//id`), 7)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != `<o><id>7</id><id>7</id></o>` {
		t.Errorf("got %s", got)
	}
	got, err = ReplaceXPath([]byte(`<o a="1"/>`), xpath.MustCompile(`/o/@a`), json.RawMessage(`{"k":"<v>"}`))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != `<o a="{&quot;k&quot;:&quot;&lt;v&gt;&quot;}"/>` {
		t.Errorf("got %s", got)
	}
	if _, err := ReplaceXPath([]byte(`<o>`), xpath.MustCompile(`/o`), "x"); err == nil {
		t.Error("a malformed body was accepted")
	}
}
