package generator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/arazzogen/arazzogen/generator"
	"github.com/arazzogen/arazzogen/internal/gencheck"
	"github.com/arazzogen/arazzogen/runtime"
)

// fuzzDoc and fuzzAPI put the fuzzed strings into every kind of field the generated code
// can show: @TEXT@ in descriptions, summaries and titles (of the Arazzo document and of the
// OpenAPI description, its schemas, properties, parameters and security schemes), @NAME@ in
// names (workflowId, stepId, input, output, property and action names), @OPID@ as an
// operationId, @PATH@ in a path key, @PTR@ in JSON Pointers, @URL@ as an x-operation url and
// a tokenUrl, @SCHEME@ as a security scheme name. Each is written as a YAML double-quoted
// string, so it arrives exactly as fuzzed.
const fuzzDoc = `arazzo: 1.1.0
info: {title: @TEXT@, summary: @TEXT@, description: @TEXT@, version: "1"}
sourceDescriptions:
  - {name: shop, url: ./api.yaml, type: openapi}
workflows:
  - workflowId: get-order
    summary: @TEXT@
    description: @TEXT@
    inputs:
      type: object
      required: [orderId]
      properties:
        orderId: {type: string, description: @TEXT@}
        @NAME@: {type: string, description: @TEXT@}
    steps:
      - stepId: one
        description: @TEXT@
        operationPath: '{$sourceDescriptions.shop.url}#/paths/~1orders~1{orderId}/get'
        parameters:
          - {name: orderId, in: path, value: $inputs.orderId}
        successCriteria:
          - condition: $statusCode == 200
        outputs:
          id: $response.body#/id
          @NAME@: $response.body#/@PTR@
        onSuccess:
          - {name: @NAME@, type: goto, stepId: @NAME@}
      - stepId: @NAME@
        description: @TEXT@
        operationPath: @OPPATH@
      - stepId: call
        description: @TEXT@
        x-operation: {url: @URL@, method: post}
        outputs:
          raw: $response.body#/@PTR@
    outputs:
      @NAME@: $steps.one.outputs.id
`

const fuzzAPI = `openapi: 3.1.0
info: {title: @TEXT@, description: @TEXT@, version: "1"}
servers: [{url: "https://shop.example.com", description: @TEXT@}]
paths:
  /orders/{orderId}:
    get:
      operationId: @OPID@
      summary: @TEXT@
      description: @TEXT@
      security: [{@SCHEME@: []}, {oauth: [read]}]
      parameters:
        - {name: orderId, in: path, required: true, description: @TEXT@, schema: {type: string}}
      responses:
        "200":
          description: @TEXT@
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Order"}
  @PATH@:
    post:
      operationId: create
      description: @TEXT@
      requestBody:
        description: @TEXT@
        content:
          application/json:
            schema: {type: object, description: @TEXT@}
      responses:
        "201": {description: @TEXT@}
components:
  schemas:
    Order:
      description: @TEXT@
      type: object
      required: [id]
      properties:
        id: {type: string, description: @TEXT@}
        status: {type: string, description: @TEXT@, enum: [open, closed]}
        @NAME@: {type: integer, description: @TEXT@}
        items:
          type: array
          description: @TEXT@
          items: {type: object, description: @TEXT@, properties: {sku: {type: string, description: @TEXT@}}}
  securitySchemes:
    @SCHEME@: {type: apiKey, in: header, name: X-Key, description: @TEXT@}
    oauth:
      type: oauth2
      description: @TEXT@
      flows: {clientCredentials: {tokenUrl: @URL@, scopes: {read: @TEXT@}}}
`

// fuzzInput is one set of fuzzed strings.
type fuzzInput struct{ text, name, opID, path, ptr, url, scheme string }

func (in fuzzInput) files() map[string]string {
	q := func(s string) string {
		b, _ := json.Marshal(s) // JSON strings are YAML double-quoted strings
		return string(b)
	}
	opPath := "{$sourceDescriptions.shop.url}#/paths/" + url.PathEscape(strings.NewReplacer("~", "~0", "/", "~1").Replace(in.path)) + "/post"
	r := strings.NewReplacer("@TEXT@", q(in.text), "@NAME@", q(in.name), "@OPID@", q(in.opID),
		"@PATH@", q(in.path), "@OPPATH@", q(opPath), "@PTR@", in.ptr, "@URL@", q(in.url), "@SCHEME@", q(in.scheme))
	doc := r.Replace(fuzzDoc)
	// @PTR@ sits inside a plain YAML scalar: a quote or a line break in it ends the scalar,
	// which the generator then reports as malformed YAML.
	return map[string]string{"shop.arazzo.yaml": doc, "api.yaml": r.Replace(fuzzAPI)}
}

// neutral is what in becomes in the baseline: the text is "x", and each name keeps only
// what decides the shape of the generated code (whether it is a secret name, whether a
// struct tag or the output name grammar can hold it), so that the baseline's code has
// exactly the shape the fuzzed code must have.
func (in fuzzInput) neutral() fuzzInput {
	out := in
	if strings.TrimSpace(in.text) != "" { // blank text is left out of ARAZZO.md
		out.text = "x"
	}
	out.name = neutralName(in.name)
	if in.opID != "" {
		out.opID = "op"
	}
	if in.scheme != "" {
		out.scheme = "key"
	}
	return out
}

var outputKeyRE = regexp.MustCompile(`^[a-zA-Z0-9.\-_]+$`)

func neutralName(s string) string {
	if s == "" {
		return ""
	}
	secret := runtime.SecretName(s)
	tag := true
	for _, c := range s {
		if !strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c) && !unicode.IsLetter(c) && !unicode.IsDigit(c) {
			tag = false
		}
	}
	switch {
	case secret && !tag:
		return "api,token"
	case secret && !outputKeyRE.MatchString(s):
		return "api token"
	case secret:
		return "apiToken"
	case !tag:
		return "plain,name"
	case !outputKeyRE.MatchString(s):
		return "plain name"
	}
	return "plain"
}

func FuzzEmit(f *testing.F) {
	f.Add("Gets an order.", "note", "getOrder", "/orders", "id", "https://auth.example.com/token", "key")
	f.Add("//go:generate touch PWNED", "x\n*/ panic(1) /*", "op\n*/ func init() {} /*", "/a\n*/ /*", "a\n*/ b", "https://a.example.com\n*/ /*", "k\n*/ /*")
	f.Add("a\x00b\ufeffc\u202ed\u2066e\r\n+build ignore\n//line x.go:1", "名前", "", "/{x}", "~1", "/relative", "")
	f.Add("*/ func init() { panic(1) } /*", "password", "op", "/p", "items/0/sku", "{$inputs.orderId}/x", "oauth")
	f.Add("\"]; click w1_step1 href \"javascript:alert(1)\" %% <script>alert(1)</script> [l](https://e.example) | a | `x`", "a|b", "op", "/o", "id", "https://a.example.com/t", "k")
	f.Fuzz(func(t *testing.T, text, name, opID, path, ptr, u, scheme string) {
		in := fuzzInput{text, name, opID, path, ptr, u, scheme}
		got := generateFuzz(t, in)
		if got == nil {
			return // the document was refused with diagnostics; nothing was emitted
		}
		for name, src := range got {
			if !strings.HasSuffix(name, ".go") {
				if err := visibleText(src); err != nil {
					t.Fatalf("%s: %v\n%s", name, err, src)
				}
				continue
			}
			if err := gencheck.Inert(name, src); err != nil {
				t.Fatalf("%v\n%s", err, src)
			}
		}
		base := generateFuzz(t, in.neutral())
		if base == nil {
			return // the neutral names were refused, the fuzzed ones not: nothing to compare
		}
		for name, src := range got {
			if !reflect.DeepEqual(shape(t, name, src), shape(t, name, base[name])) {
				t.Fatalf("%s has another shape than the same document with neutral text:\n%s\n\nneutral:\n%s", name, src, base[name])
			}
		}
	})
}

// generateFuzz generates the fuzz document; nil when it has errors. An error of Generate
// itself (an emission failure) fails the test: a document may be refused, never crash the
// emitter.
func generateFuzz(t *testing.T, in fuzzInput) map[string][]byte {
	files := in.files()
	res, err := generator.Generate(context.Background(), generator.Config{
		File:       "shop.arazzo.yaml",
		Package:    "shop",
		CLI:        true,
		MCP:        true,
		Temporal:   true,
		Docs:       true,
		Graph:      true,
		ImportPath: "example.com/shop",
		ReadFile: func(name string) ([]byte, error) {
			if data, ok := files[name]; ok {
				return []byte(data), nil
			}
			return nil, fmt.Errorf("no file %s", name)
		},
	})
	if err != nil {
		t.Fatalf("Generate: %v\n%s", err, files["shop.arazzo.yaml"])
	}
	if res.HasErrors() {
		for _, d := range res.Diags {
			if d.Severity == generator.Error && d.Pos.Line == 0 && d.Pos.File == "" {
				t.Fatalf("error without a position: %v", d)
			}
		}
		return nil
	}
	out := map[string][]byte{"graph.mmd": res.Graph}
	for _, f := range res.Files {
		out[f.Path] = f.Data
	}
	return out
}

// visibleText reports a character of src that does not show as itself.
func visibleText(src []byte) error {
	for i, r := range string(src) {
		if r != '\n' && !unicode.IsPrint(r) && !unicode.Is(unicode.Zs, r) || r == utf8.RuneError {
			return fmt.Errorf("the character %U at byte %d does not show as itself", r, i)
		}
	}
	return nil
}

var (
	mermaidLabelRE = regexp.MustCompile(`"[^"]*"`)
	markdownEscRE  = regexp.MustCompile(`\\.`)
)

// textShape is the structure of ARAZZO.md or a Mermaid graph without the documents' text:
// in a diagram, each line with its quoted labels emptied (text cannot hold a quote); in
// Markdown, the ASCII punctuation of each line outside backslash escapes (markdownText
// escapes every punctuation character of the text). So a link, HTML, a table cell or a
// diagram statement that came from a document changes the shape.
func textShape(name string, src []byte) []string {
	mermaid := strings.HasSuffix(name, ".mmd")
	var out []string
	for _, l := range strings.Split(string(src), "\n") {
		switch {
		case l == "```mermaid":
			mermaid = true
		case l == "```" && !strings.HasSuffix(name, ".mmd"):
			mermaid = false
		}
		if mermaid {
			out = append(out, mermaidLabelRE.ReplaceAllString(l, `""`))
			continue
		}
		var b strings.Builder
		for _, r := range markdownEscRE.ReplaceAllString(l, "") {
			if r < utf8.RuneSelf && (unicode.IsPunct(r) || unicode.IsSymbol(r)) {
				b.WriteRune(r)
			}
		}
		out = append(out, b.String())
	}
	return out
}

// shape is the file's declarations (gencheck.Decls) and, for every function, the kinds of
// the syntax nodes of its body in order: what the code does, without the names and values
// that the documents decide.
func shape(t *testing.T, name string, src []byte) []string {
	if !strings.HasSuffix(name, ".go") {
		return textShape(name, src)
	}
	file, err := parser.ParseFile(token.NewFileSet(), name, src, 0)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	out := []string{fmt.Sprint(len(gencheck.Decls(file)))}
	for _, d := range gencheck.Decls(file) {
		kind, _, _ := strings.Cut(d, " ")
		out = append(out, kind)
	}
	ast.Inspect(file, func(n ast.Node) bool {
		if n != nil {
			out = append(out, fmt.Sprintf("%T", n))
		}
		return true
	})
	return out
}

// The fuzz document generates with plain strings, and with hostile ones in every field
// that may hold them; otherwise the fuzzing would only exercise refusals.
func TestFuzzDocumentGenerates(t *testing.T) {
	for _, in := range []fuzzInput{
		{"Gets an order.", "note", "getOrder", "/orders", "id", "https://auth.example.com/token", "key"},
		{"//go:generate touch PWNED\n*/ func init() { panic(1) } /*\x00\ufeff\u202e", "x", "op\n*/ func init() {} /*", "/a\n*/ /*", "id", "https://a.example.com/x\n*/ /*", "k\n*/ /*"},
	} {
		if generateFuzz(t, in) == nil {
			files := in.files()
			res, _ := generator.Generate(context.Background(), generator.Config{File: "shop.arazzo.yaml", Package: "shop", CLI: true, ImportPath: "example.com/shop",
				ReadFile: func(name string) ([]byte, error) { return []byte(files[name]), nil }})
			t.Fatalf("%q does not generate:\n%v", in.text, res.Diags)
		}
	}
}
