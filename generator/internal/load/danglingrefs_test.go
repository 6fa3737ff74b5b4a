package load

import (
	"reflect"
	"testing"
)

// danglingAPI has a path item whose parameters, request body schema, and response schema
// partly point at nothing, directly or through a chain of components.
const danglingAPI = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /users/{user_id}:
    parameters:
    - $ref: '#/components/parameters/UserId'
    put:
      operationId: UpdateUser
      parameters:
      - $ref: '#/components/parameters/Include'
      - $ref: '#/components/parameters/Verbose'
      - $ref: '#/components/parameters/Chained'
      requestBody:
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/UserInput'
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/UserResponse'
              example:
                user: {$ref: '#/not/a/reference'}
              examples:
                one: {$ref: '#/components/examples/Gone'}
        "404":
          $ref: '#/components/responses/NotFound'
    get:
      operationId: ShowUser
      responses:
        "200": {description: ok}
  /users/{user_id}/tags:
    get:
      operationId: ListTags
      parameters:
      - $ref: '#/paths/~1users~1%7Buser_id%7D/put/parameters/1'
      responses:
        "200": {description: ok}
components:
  parameters:
    Verbose: {name: verbose, in: query, schema: {type: boolean}}
    Chained: {$ref: '#/components/parameters/Gone'}
  schemas:
    UserResponse:
      type: object
      properties:
        user: {$ref: '#/components/schemas/User'}
        count: {type: integer}
    Tagged:
      $id: https://example.com/tagged
      $defs:
        tag: {type: string}
      properties:
        tag: {$ref: '#/$defs/tag'}
`

// A $ref that points at nothing costs only what it stands for: the operation is kept, a
// dangling parameter is left out of it and a dangling schema, response or request body is
// untyped; Lost says what each operation lacks and where the references are.
func TestDanglingRefsKeepOperations(t *testing.T) {
	oa, err := ParseOpenAPI("api.yaml", []byte(danglingAPI))
	if err != nil {
		t.Fatal(err)
	}
	if len(oa.Dropped) != 0 {
		t.Errorf("Dropped = %+v, want none", oa.Dropped)
	}
	update := oa.Operation("UpdateUser")
	if update == nil || oa.Operation("ShowUser") == nil || oa.Operation("ListTags") == nil {
		t.Fatalf("operations missing: %+v", oa.Operations)
	}
	var names []string
	for _, p := range update.Params() {
		names = append(names, p.In+" "+p.Name)
	}
	if want := []string{"query verbose"}; !reflect.DeepEqual(names, want) {
		t.Errorf("UpdateUser parameters = %q, want %q", names, want)
	}
	body := update.Op().RequestBody.Content.GetOrZero("application/json").Schema
	if s := body.Schema(); body.IsReference() || s == nil || len(s.Type) != 0 || s.Properties != nil {
		t.Errorf("request body schema = %+v (reference %v), want an empty schema", s, body.IsReference())
	}
	resp := update.Op().Responses.Codes.GetOrZero("200").Content.GetOrZero("application/json").Schema.Schema()
	if user := resp.Properties.GetOrZero("user"); user == nil || user.IsReference() || len(user.Schema().Type) != 0 {
		t.Errorf("property user = %+v, want an empty schema", user)
	}
	if count := resp.Properties.GetOrZero("count"); count == nil || count.Schema().Type[0] != "integer" {
		t.Errorf("property count = %+v, want an integer", count)
	}

	want := []LostRef{
		{Ref: "#/components/parameters/UserId", Line: 6, Col: 7, Kind: "parameter"},
		{Ref: "#/components/parameters/Include", Line: 10, Col: 9, Kind: "parameter"},
		{Ref: "#/components/parameters/Chained", Line: 12, Col: 9, Kind: "parameter"},
		{Ref: "#/components/schemas/UserInput", Line: 17, Col: 15, Kind: "schema", Where: "the request body"},
		{Ref: "#/components/schemas/User", Line: 50, Col: 16, Kind: "schema", Where: "response 200"},
		{Ref: "#/components/responses/NotFound", Line: 30, Col: 11, Kind: "response", Code: "404"},
	}
	if got := oa.Lost(update); !reflect.DeepEqual(got, want) {
		t.Errorf("Lost(UpdateUser) =\n%+v\nwant\n%+v", got, want)
	}
	// The path item's parameter is ShowUser's loss too; the percent-encoded pointer of
	// ListTags resolves.
	if got, want := oa.Lost(oa.Operation("ShowUser")), want[:1]; !reflect.DeepEqual(got, want) {
		t.Errorf("Lost(ShowUser) = %+v, want %+v", got, want)
	}
	if got := oa.Lost(oa.Operation("ListTags")); got != nil {
		t.Errorf("Lost(ListTags) = %+v, want nothing", got)
	}
	if p := oa.Operation("ListTags").Params(); len(p) != 1 || p[0].Name != "verbose" {
		t.Errorf("ListTags parameters = %+v, want verbose", p)
	}

	// Each dangling reference once, at its first place; the example payload and the
	// reference relative to a schema's $id are not references of the document. The lost
	// example is listed here but not by Lost: it changes nothing about a call.
	wantUnresolved := []Unresolved{
		{Ref: "#/components/parameters/UserId", Line: 6, Col: 7},
		{Ref: "#/components/parameters/Include", Line: 10, Col: 9},
		{Ref: "#/components/parameters/Chained", Line: 12, Col: 9},
		{Ref: "#/components/schemas/UserInput", Line: 17, Col: 15},
		{Ref: "#/components/examples/Gone", Line: 28, Col: 23},
		{Ref: "#/components/responses/NotFound", Line: 30, Col: 11},
		{Ref: "#/components/parameters/Gone", Line: 45, Col: 15},
		{Ref: "#/components/schemas/User", Line: 50, Col: 16},
	}
	if !reflect.DeepEqual(oa.Unresolved, wantUnresolved) {
		t.Errorf("Unresolved =\n%+v\nwant\n%+v", oa.Unresolved, wantUnresolved)
	}
}
