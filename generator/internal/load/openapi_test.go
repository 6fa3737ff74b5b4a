package load

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v4"
)

// A description with references that point at nothing still loads: the operations that do
// not use them are intact, and the references are listed by position.
func TestParseOpenAPIUnresolvedRefs(t *testing.T) {
	src := `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  count: {type: integer}
  /owners:
    get:
      operationId: listOwners
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Owners'
components:
  schemas:
    Pet:
      type: object
      properties:
        owner:
          $ref: '#/components/schemas/Owner'
`
	oa, err := ParseOpenAPI("api.yaml", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	if oa.Operation("listPets") == nil || oa.Operation("listOwners") == nil {
		t.Fatalf("operations missing: %v", oa.Operations)
	}
	want := []Unresolved{
		{Ref: "#/components/schemas/Owners", Line: 25, Col: 17},
		{Ref: "#/components/schemas/Owner", Line: 32, Col: 11},
	}
	if !reflect.DeepEqual(oa.Unresolved, want) {
		t.Errorf("Unresolved = %+v, want %+v", oa.Unresolved, want)
	}

	clean, err := ParseOpenAPI("api.yaml", []byte(src+"    Owner: {type: object}\n    Owners: {type: array}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(clean.Unresolved) != 0 {
		t.Errorf("Unresolved = %+v for a description whose references all resolve", clean.Unresolved)
	}
}

// A path item with a $ref into another document that points at nothing is left out of the
// model whole (libopenapi resolves those; local ones are taken out first, see
// danglingrefs_test.go); its operations are listed as dropped.
func TestParseOpenAPIDroppedOperations(t *testing.T) {
	src := `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        "200": {description: ok}
  /pets/{id}:
    parameters:
    - $ref: 'no-such-file.yaml#/components/parameters/PetID'
    get:
      operationId: getPet
      responses:
        "200": {description: ok}
    delete:
      operationId: deletePet
      responses:
        "204": {description: gone}
`
	oa, err := ParseOpenAPI("api.yaml", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	if oa.Operation("listPets") == nil {
		t.Error("listPets is missing")
	}
	want := []Dropped{{ID: "getPet", Line: 13}, {ID: "deletePet", Line: 17}}
	if !reflect.DeepEqual(oa.Dropped, want) {
		t.Errorf("Dropped = %+v, want %+v", oa.Dropped, want)
	}
}

// An OpenAPI description whose aliases expand exponentially is refused at the first value
// past the bound, whether libopenapi would accept the text or not; aliases that do not
// multiply are ordinary YAML.
func TestParseOpenAPIAliasBomb(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths: {}\nx-bomb:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&sb, "  a%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 10), ", "))
	}
	bomb := sb.String()
	for name, src := range map[string]string{
		"openapi":     bomb,
		"not openapi": strings.Replace(bomb, "openapi: 3.0.3\n", "", 1), // libopenapi refuses it
	} {
		_, err := ParseOpenAPI("bomb.yaml", []byte(src), nil)
		var be *AliasBombError
		if !errors.As(err, &be) {
			t.Errorf("%s: err = %v, want an AliasBombError", name, err)
			continue
		}
		line := 10 // a5, the first value whose expansion passes the bound
		if name == "not openapi" {
			line--
		}
		if be.Line != line {
			t.Errorf("%s: the bomb is reported at line %d, want %d", name, be.Line, line)
		}
	}

	shared := "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths: {}\nx-base: &b {a: 1, b: 2}\nx-list: [" +
		strings.TrimSuffix(strings.Repeat("*b, ", 1000), ", ") + "]\n"
	if _, err := ParseOpenAPI("ok.yaml", []byte(shared), nil); err != nil {
		t.Errorf("shared aliases: %v", err)
	}
}

// Malformed YAML in a description is reported with the parser's position.
func TestParseOpenAPIMalformedYAML(t *testing.T) {
	_, err := ParseOpenAPI("bad.yaml", []byte("openapi: 3.0.3\ninfo: {title: t\npaths: {}\n"), nil)
	if err == nil {
		t.Fatal("malformed YAML was accepted")
	}
	if line, _, _ := YAMLErrorPos(err); line == 0 {
		t.Errorf("no position in %q", err)
	}
}

// Without aliases a tree is passed however large it is: the bound is on what aliases add.
func TestAliasBombWithoutAliases(t *testing.T) {
	x := &yaml.Node{Kind: yaml.ScalarNode, Value: "x"}
	big := &yaml.Node{Kind: yaml.SequenceNode, Content: make([]*yaml.Node, MaxExpandedNodes+1)}
	for i := range big.Content {
		big.Content[i] = x
	}
	if n := aliasBomb(big); n != nil {
		t.Errorf("a tree without aliases is reported at %v", n)
	}
	big.Content = append(big.Content, &yaml.Node{Kind: yaml.AliasNode, Alias: big.Content[0]})
	if n := aliasBomb(big); n != big {
		t.Errorf("a tree with an alias and more than %d nodes: aliasBomb = %v, want the root", MaxExpandedNodes, n)
	}
}
