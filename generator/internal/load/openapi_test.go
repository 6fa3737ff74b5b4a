package load

import (
	"reflect"
	"testing"
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
	oa, err := ParseOpenAPI("api.yaml", []byte(src))
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

	clean, err := ParseOpenAPI("api.yaml", []byte(src+"    Owner: {type: object}\n    Owners: {type: array}\n"))
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
	oa, err := ParseOpenAPI("api.yaml", []byte(src))
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
