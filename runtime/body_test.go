package runtime

import (
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"slices"
	"strings"
	"testing"
)

func TestJSONString(t *testing.T) {
	cases := map[string]string{
		"plain":             "plain",
		`say "hi"\now`:      `say \"hi\"\\now`,
		"tab\tnl\ncr\r\x01": `tab\tnl\ncr\r\u0001`,
		"é<&>":              "é<&>",
		"bad\xffutf8":       `bad\ufffdutf8`,
	}
	for in, want := range cases {
		if got := JSONString(in); got != want {
			t.Errorf("JSONString(%q) = %q, want %q", in, got, want)
		}
		if !json.Valid([]byte(`"` + JSONString(in) + `"`)) {
			t.Errorf("JSONString(%q) does not make a valid JSON string", in)
		}
	}
}

func TestJSONValue(t *testing.T) {
	n := int64(3)
	var nilN *int64
	cases := []struct {
		v    any
		want string
	}{
		{"a\"b", `"a\"b"`},
		{int64(5), "5"},
		{2.5, "2.5"},
		{true, "true"},
		{&n, "3"},
		{nilN, "null"},
		{nil, "null"},
		{json.RawMessage(` {"a":1} `), `{"a":1}`},
		{json.RawMessage(nil), "null"},
		{[]string{"x"}, `["x"]`},
		{Object{{"b", 1}, {"a", 2}}, `{"b":1,"a":2}`},
	}
	for _, c := range cases {
		if got := JSONValue(c.v); got != c.want {
			t.Errorf("JSONValue(%#v) = %s, want %s", c.v, got, c.want)
		}
	}
}

func TestXMLEscape(t *testing.T) {
	if got := XMLEscape(`a<b>&"c'`); got != "a&lt;b&gt;&amp;&quot;c&apos;" {
		t.Errorf("XMLEscape = %q", got)
	}
	if got := XMLEscape("plain"); got != "plain" {
		t.Errorf("XMLEscape(plain) = %q", got)
	}
}

func TestXMLElement(t *testing.T) {
	cases := []struct {
		v    any
		want string
	}{
		{"a<b", "<x>a&lt;b</x>"},
		{json.RawMessage(`[{"Key":"k1"},{"Key":"k2","VersionId":"v"}]`), "<x><Key>k1</Key></x><x><Key>k2</Key><VersionId>v</VersionId></x>"},
		{json.RawMessage(`{"b":[1,2],"a":{"c":true},"n":null}`), "<x><b>1</b><b>2</b><a><c>true</c></a></x>"},
		{[]string{"p", "q"}, "<x>p</x><x>q</x>"},
		{(*string)(nil), ""},
		{json.RawMessage(nil), ""},
		{int64(3), "<x>3</x>"},
	}
	for _, c := range cases {
		if got := XMLElement("x", c.v); got != c.want {
			t.Errorf("XMLElement(%v) = %s, want %s", c.v, got, c.want)
		}
	}
}

func TestReplaceJSON(t *testing.T) {
	doc := []byte(`{"b": 1, "a": {"x": [10, 20, {"y": "z"}]}, "c": {} , "d": []}`)
	cases := []struct {
		value  any
		tokens []string
		want   string
	}{
		{"new", []string{"b"}, `{"b": "new", "a": {"x": [10, 20, {"y": "z"}]}, "c": {} , "d": []}`},
		{int64(7), []string{"a", "x", "1"}, `{"b": 1, "a": {"x": [10, 7, {"y": "z"}]}, "c": {} , "d": []}`},
		{json.RawMessage(`{"k":true}`), []string{"a", "x", "2", "y"}, `{"b": 1, "a": {"x": [10, 20, {"y": {"k":true}}]}, "c": {} , "d": []}`},
		{"added", []string{"a", "w"}, `{"b": 1, "a": {"x": [10, 20, {"y": "z"}],"w":"added"}, "c": {} , "d": []}`},
		{1, []string{"c", "k"}, `{"b": 1, "a": {"x": [10, 20, {"y": "z"}]}, "c": {"k":1} , "d": []}`},
		{1, []string{"d", "-"}, `{"b": 1, "a": {"x": [10, 20, {"y": "z"}]}, "c": {} , "d": [1]}`},
		{30, []string{"a", "x", "-"}, `{"b": 1, "a": {"x": [10, 20, {"y": "z"},30]}, "c": {} , "d": []}`},
		{[]string{"w"}, nil, `["w"]`},
	}
	for _, c := range cases {
		got, err := ReplaceJSON(doc, c.value, c.tokens...)
		if err != nil {
			t.Errorf("ReplaceJSON(%v): %v", c.tokens, err)
			continue
		}
		if string(got) != c.want {
			t.Errorf("ReplaceJSON(%v)\n got %s\nwant %s", c.tokens, got, c.want)
		}
		if !json.Valid(got) {
			t.Errorf("ReplaceJSON(%v) gave invalid JSON %s", c.tokens, got)
		}
	}
	for _, bad := range [][]string{{"missing", "deeper"}, {"b", "x"}, {"a", "x", "9"}, {"a", "x", "first"}, {"a", "x", "01"}} {
		if out, err := ReplaceJSON(doc, 1, bad...); err == nil {
			t.Errorf("ReplaceJSON(%v) = %s, want an error", bad, out)
		} else if !strings.Contains(err.Error(), "payload replacement at /") {
			t.Errorf("error %q does not name the target", err)
		}
	}
	if got, _ := ReplaceJSON([]byte(`{"a/b":{"~":1}}`), 2, "a/b", "~"); string(got) != `{"a/b":{"~":2}}` {
		t.Errorf("escaped tokens: %s", got)
	}
}

func TestFormBody(t *testing.T) {
	var f Form
	f.Add("grant_type", "refresh_token")
	f.Add("a b", "c&d=e+f")
	f.AddValue("scopes", []string{"read", "write"}, Encoding{})
	f.AddValue("meta", json.RawMessage(`{"k": "v w"}`), Encoding{})
	f.AddValue("pair", []string{"x", "y"}, Encoding{Style: StyleForm, Explode: false})
	f.AddValue("deep", json.RawMessage(`{"a":"b"}`), Encoding{Style: StyleDeepObject, Explode: true})
	f.AddValue("asJSON", "text", Encoding{ContentType: "application/json"})
	f.AddValue("absent", nil, Encoding{})
	body, err := f.Encode()
	if err != nil {
		t.Fatal(err)
	}
	want := "grant_type=refresh_token&a+b=c%26d%3De%2Bf&scopes=read&scopes=write&meta=%7B%22k%22%3A%22v+w%22%7D" +
		"&pair=x,y&deep%5Ba%5D=b&asJSON=%22text%22"
	if string(body) != want {
		t.Errorf("form\n got %s\nwant %s", body, want)
	}
	for _, c := range []struct {
		v    any
		want string
	}{
		{"a=1&b=2", "a=1&b=2"},
		{json.RawMessage(`"x=y"`), "x=y"},
		{json.RawMessage(`{"z":1,"a":[true,false],"o":{"p":null}}`), "z=1&a=true&a=false&o=%7B%22p%22%3Anull%7D"},
		{Object{{"n", "v"}}, "n=v"},
		{nil, ""},
	} {
		got, err := FormBody(c.v)
		if err != nil || string(got) != c.want {
			t.Errorf("FormBody(%v) = %q, %v; want %q", c.v, got, err, c.want)
		}
	}
	if _, err := FormBody(json.RawMessage(`[1]`)); err == nil {
		t.Error("an array form payload must be refused")
	}
}

func TestMultipart(t *testing.T) {
	build := func() *Multipart {
		m := &Multipart{}
		m.Add("name", "report")
		m.AddValue("meta", json.RawMessage(`{"a": 1}`), Encoding{})
		m.AddValue("tags", []string{"x", "y"}, Encoding{})
		m.AddValue("file", "<svg/>", Encoding{ContentType: "image/svg+xml"})
		m.AddValue("absent", nil, Encoding{})
		return m
	}
	body, ct, err := build().Encode()
	if err != nil {
		t.Fatal(err)
	}
	body2, ct2, _ := build().Encode()
	if string(body) != string(body2) || ct != ct2 {
		t.Error("the same parts must give the same body and boundary")
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		t.Fatalf("content type %q: %v", ct, err)
	}
	r := multipart.NewReader(strings.NewReader(string(body)), params["boundary"])
	type got struct{ name, ct, data string }
	var parts []got
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(p)
		parts = append(parts, got{p.FormName(), p.Header.Get("Content-Type"), string(data)})
	}
	want := []got{
		{"name", "", "report"},
		{"meta", "application/json", `{"a":1}`},
		{"tags", "", "x"},
		{"tags", "", "y"},
		{"file", "image/svg+xml", "<svg/>"},
	}
	if len(parts) != len(want) {
		t.Fatalf("parts %v, want %v", parts, want)
	}
	for i := range want {
		if parts[i] != want[i] {
			t.Errorf("part %d = %+v, want %+v", i, parts[i], want[i])
		}
	}
	if _, _, err := MultipartBody(json.RawMessage(`"text"`)); err == nil {
		t.Error("a string multipart payload must be refused")
	}
	if b, ct, err := MultipartBody(json.RawMessage(`{"a":"b"}`)); err != nil || !strings.Contains(string(b), "name=\"a\"\r\n\r\nb\r\n") || ct == "" {
		t.Errorf("MultipartBody = %q, %q, %v", b, ct, err)
	}
}

// An Encoding Object's contentType may list several media types and ranges; each part
// carries the one that fits its value, never the list.
func TestMultipartContentTypeList(t *testing.T) {
	// Values reach a part through JSON, so they are text: signatures that are valid UTF-8.
	gif := "GIF89a\x01\x00\x01\x00"
	pdf := "%PDF-1.7\n"
	for _, c := range []struct {
		name, list string
		value      any
		want       []string
	}{
		{"gif among files", "application/pdf, image/jpeg, image/gif", gif, []string{"image/gif"}},
		{"pdf among files", "image/jpeg, application/pdf, image/gif", pdf, []string{"application/pdf"}},
		{"unrecognized text: the first", "application/pdf, image/jpeg, image/png", "PDF-CONTENT", []string{"application/pdf"}},
		{"a range gives the recognized type", "image/*", gif, []string{"image/gif"}},
		{"text in a list with text/plain", "image/png, text/plain", "hello", []string{"text/plain"}},
		{"an object takes the JSON type", "text/plain, application/json", json.RawMessage(`{"a":1}`), []string{"application/json"}},
		{"a string is not JSON when another type is allowed", "application/json, image/png", "abc", []string{"image/png"}},
		{"each item its own", "image/gif, application/pdf", []string{pdf, gif}, []string{"application/pdf", "image/gif"}},
		{"nothing recognized under a range", "image/*", "abc", []string{"application/octet-stream"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var m Multipart
			m.AddValue("f", c.value, Encoding{ContentType: c.list})
			var got []string
			for _, p := range m.parts {
				got = append(got, p.contentType)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("part types %q, want %q", got, c.want)
			}
		})
	}
	var f Form
	f.AddValue("meta", json.RawMessage(`{"a":1}`), Encoding{ContentType: "application/json, text/plain"})
	f.AddValue("note", "x y", Encoding{ContentType: "application/json, text/plain"})
	if b, _ := f.Encode(); string(b) != "meta=%7B%22a%22%3A1%7D&note=x+y" {
		t.Errorf("form %s", b)
	}
}
