package types

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/arazzogen/arazzogen/generator/internal/load"
	"github.com/pb33f/libopenapi/datamodel/high/base"
)

// testGoName is a small stand-in for the IR's namer: words split at non-alphanumerics,
// each capitalised.
func testGoName(s string) string {
	var b strings.Builder
	upper := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			upper = true
			continue
		}
		if upper {
			r = unicode.ToUpper(r)
			upper = false
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 || unicode.IsDigit([]rune(b.String())[0]) {
		return "X" + b.String()
	}
	return b.String()
}

func newTestRegistry(reserved ...string) *Registry {
	used := map[string]bool{}
	for _, r := range reserved {
		used[r] = true
	}
	return NewRegistry(testGoName, func(want string) string {
		name := want
		for i := 2; used[name]; i++ {
			name = want + strconv.Itoa(i)
		}
		used[name] = true
		return name
	})
}

// openAPI wraps component schemas (YAML, indented under components.schemas) in a 3.1
// description whose operation "get" answers with schema root (a YAML flow mapping).
func openAPI(t *testing.T, version, root, schemas string) *base.SchemaProxy {
	t.Helper()
	doc := "openapi: " + version + `
info: {title: t, version: "1"}
paths:
  /x:
    get:
      operationId: get
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: ` + root + `
components:
  schemas:
` + schemas
	oa, err := load.ParseOpenAPI(t.Name()+".yaml", []byte(doc))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	resp, _ := oa.Operation("get").Op().Responses.Codes.Get("200")
	mt, _ := resp.Content.Get("application/json")
	return mt.Schema
}

// describe renders named types compactly, one per line, for exact comparison.
func describe(decls []*Named) string {
	var b strings.Builder
	for _, n := range decls {
		switch n.Kind {
		case Struct:
			var fields []string
			for _, f := range n.Fields {
				tag := f.JSONName
				if !f.Required {
					tag += ",omitempty"
				}
				fields = append(fields, fmt.Sprintf("%s %s `%s`", f.GoName, f.Type, tag))
			}
			if n.Extra != nil {
				fields = append(fields, fmt.Sprintf("%s %s `-`", n.Extra.GoName, n.Extra.Type))
			}
			fmt.Fprintf(&b, "%s struct{%s}\n", n.Name, strings.Join(fields, "; "))
		case Enum:
			var consts []string
			for _, c := range n.Consts {
				consts = append(consts, c.GoName+"="+c.Value)
			}
			fmt.Fprintf(&b, "%s enum %s{%s}\n", n.Name, n.Base, strings.Join(consts, " "))
		case Union:
			var variants []string
			for _, v := range n.Variants {
				variants = append(variants, v.Method+" "+v.Type.String())
			}
			fmt.Fprintf(&b, "%s %s{%s}\n", n.Name, n.Keyword, strings.Join(variants, "; "))
		}
	}
	return b.String()
}

// mapRoot maps the response schema of a test description and returns its type and the
// named types it declares.
func mapRoot(t *testing.T, version, root, schemas string) (Type, string) {
	t.Helper()
	r := newTestRegistry()
	typ := r.Of(openAPI(t, version, root, schemas), Hint{Name: "Root", Where: "the response"})
	return typ, describe(r.Finish([]Type{typ}))
}

func check(t *testing.T, gotType Type, gotDecls, wantType, wantDecls string) {
	t.Helper()
	if gotType.String() != wantType {
		t.Errorf("type = %s, want %s", gotType, wantType)
	}
	if gotDecls != wantDecls {
		t.Errorf("declarations:\n%s\nwant:\n%s", gotDecls, wantDecls)
	}
}

func TestScalarsAndFormats(t *testing.T) {
	typ, decls := mapRoot(t, "3.1.0", `{$ref: "#/components/schemas/Sample"}`, `
    Sample:
      type: object
      required: [s, i, i32, n, f, b, at, day, blob, bin]
      properties:
        s: {type: string}
        i: {type: integer}
        i32: {type: integer, format: int32}
        n: {type: number}
        f: {type: number, format: float}
        b: {type: boolean}
        at: {type: string, format: date-time}
        day: {type: string, format: date}
        blob: {type: string, format: byte}
        bin: {type: string, format: binary}
`)
	check(t, typ, decls, "Sample",
		"Sample struct{S string `s`; I int64 `i`; I32 int32 `i32`; N float64 `n`; F float64 `f`; B bool `b`; At time.Time `at`; Day string `day`; Blob []byte `blob`; Bin string `bin`}\n")
}

func TestOptionalFields(t *testing.T) {
	typ, decls := mapRoot(t, "3.1.0", `{$ref: "#/components/schemas/Sample"}`, `
    Sample:
      type: object
      required: [name, maybe, child, list]
      properties:
        name: {type: string}
        maybe: {type: [string, "null"]}
        nick: {type: string}
        count: {type: integer}
        child: {$ref: "#/components/schemas/Child"}
        other: {$ref: "#/components/schemas/Child"}
        list: {type: array, items: {type: string}}
        tags: {type: array, items: {type: string}}
        extra: {type: object}
        at: {type: string, format: date-time}
    Child:
      type: object
      properties:
        id: {type: string}
`)
	check(t, typ, decls, "Sample",
		"Sample struct{Name string `name`; Maybe *string `maybe`; Nick *string `nick,omitempty`; Count *int64 `count,omitempty`; Child Child `child`; Other *Child `other,omitempty`; List []string `list`; Tags []string `tags,omitempty`; Extra json.RawMessage `extra,omitempty`; At *time.Time `at,omitempty`}\n"+
			"Child struct{Id *string `id,omitempty`}\n")
}

func TestNestedObjectsAreNamedAfterTheirPlace(t *testing.T) {
	typ, decls := mapRoot(t, "3.1.0", `{type: object, properties: {order: {$ref: "#/components/schemas/Order"}}}`, `
    Order:
      type: object
      properties:
        address:
          type: object
          properties:
            city: {type: string}
            geo: {type: object, properties: {lat: {type: number}}}
        lines:
          type: array
          items: {type: object, properties: {sku: {type: string}}}
`)
	check(t, typ, decls, "Root",
		"Root struct{Order *Order `order,omitempty`}\n"+
			"Order struct{Address *OrderAddress `address,omitempty`; Lines []OrderLinesItem `lines,omitempty`}\n"+
			"OrderAddress struct{City *string `city,omitempty`; Geo *OrderAddressGeo `geo,omitempty`}\n"+
			"OrderAddressGeo struct{Lat *float64 `lat,omitempty`}\n"+
			"OrderLinesItem struct{Sku *string `sku,omitempty`}\n")
}

func TestEnums(t *testing.T) {
	typ, decls := mapRoot(t, "3.1.0", `{$ref: "#/components/schemas/Sample"}`, `
    Sample:
      type: object
      required: [status, level, state, flag, mixed, score]
      properties:
        status: {type: string, enum: [pending, in-progress, "", pending]}
        level: {type: integer, enum: [1, -2, 30]}
        small: {type: integer, format: int32, enum: [7]}
        huge: {type: integer, format: int32, enum: [1, 3000000000]}
        state: {type: [string, "null"], enum: [on, off, null]}
        untyped: {enum: [a, b]}
        flag: {type: boolean, enum: [true]}
        mixed: {enum: [a, 1]}
        score: {type: number, enum: [1.5, 2]}
        shapes: {type: string, enum: [{a: 1}]}
`)
	check(t, typ, decls, "Sample",
		"Sample struct{Status SampleStatus `status`; Level SampleLevel `level`; Small *SampleSmall `small,omitempty`; Huge *int32 `huge,omitempty`; State *SampleState `state`; Untyped *SampleUntyped `untyped,omitempty`; Flag bool `flag`; Mixed json.RawMessage `mixed`; Score float64 `score`; Shapes *string `shapes,omitempty`}\n"+
			"SampleStatus enum string{SampleStatusPending=pending SampleStatusInProgress=in-progress SampleStatusEmpty=}\n"+
			"SampleLevel enum int64{SampleLevel1=1 SampleLevelMinus2=-2 SampleLevel30=30}\n"+
			"SampleSmall enum int32{SampleSmall7=7}\n"+
			"SampleState enum string{SampleStateOn=on SampleStateOff=off}\n"+
			"SampleUntyped enum string{SampleUntypedA=a SampleUntypedB=b}\n")
}

func TestNullable30(t *testing.T) {
	typ, decls := mapRoot(t, "3.0.3", `{$ref: "#/components/schemas/Sample"}`, `
    Sample:
      type: object
      required: [name, vet, list]
      properties:
        name: {type: string, nullable: true}
        vet:
          nullable: true
          allOf: [{$ref: "#/components/schemas/Vet"}]
        list: {type: array, nullable: true, items: {type: integer}}
    Vet:
      type: object
      properties:
        name: {type: string}
`)
	check(t, typ, decls, "Sample",
		"Sample struct{Name *string `name`; Vet *Vet `vet`; List []int64 `list`}\n"+
			"Vet struct{Name *string `name,omitempty`}\n")
}

func TestNullable31(t *testing.T) {
	typ, decls := mapRoot(t, "3.1.0", `{$ref: "#/components/schemas/Sample"}`, `
    Sample:
      type: object
      required: [name, vet, count, nothing]
      properties:
        name: {type: [string, "null"]}
        vet:
          oneOf: [{$ref: "#/components/schemas/Vet"}, {type: "null"}]
        count:
          anyOf: [{type: "null"}, {type: integer}]
        nothing: {type: "null"}
        multi: {type: [string, integer]}
    Vet:
      type: object
      properties:
        name: {type: string}
`)
	check(t, typ, decls, "Sample",
		"Sample struct{Name *string `name`; Vet *Vet `vet`; Count *int64 `count`; Nothing json.RawMessage `nothing`; Multi json.RawMessage `multi,omitempty`}\n"+
			"Vet struct{Name *string `name,omitempty`}\n")
}

func TestAllOf(t *testing.T) {
	typ, decls := mapRoot(t, "3.1.0", `{$ref: "#/components/schemas/Sample"}`, `
    Sample:
      type: object
      required: [pet, wrapped, merged]
      properties:
        pet: {$ref: "#/components/schemas/Pet"}
        wrapped:
          description: A pet, documented here.
          allOf: [{$ref: "#/components/schemas/Pet"}, {description: only words}]
        merged:
          allOf:
            - {$ref: "#/components/schemas/Pet"}
            - type: object
              required: [owner]
              properties:
                owner: {type: string}
                name: {type: string, description: redefined}
        impossible:
          allOf: [{type: string}, {type: integer}]
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        age: {type: integer}
`)
	check(t, typ, decls, "Sample",
		"Sample struct{Pet Pet `pet`; Wrapped Pet `wrapped`; Merged SampleMerged `merged`; Impossible json.RawMessage `impossible,omitempty`}\n"+
			"Pet struct{Name string `name`; Age *int64 `age,omitempty`}\n"+
			"SampleMerged struct{Name string `name`; Age *int64 `age,omitempty`; Owner string `owner`}\n")
}

func TestUnions(t *testing.T) {
	typ, decls := mapRoot(t, "3.1.0", `{$ref: "#/components/schemas/Toy"}`, `
    Toy:
      description: Something to play with.
      oneOf:
        - {$ref: "#/components/schemas/Ball"}
        - {type: "null"}
        - {type: object, properties: {length: {type: integer}}}
        - {type: string}
        - {type: array, items: {type: string}}
        - {}
    Ball:
      type: object
      properties:
        diameter: {type: number}
`)
	check(t, typ, decls, "Toy",
		"Toy oneOf{AsBall Ball; AsToyVariant3 ToyVariant3; AsString string; AsStringSlice []string}\n"+
			"Ball struct{Diameter *float64 `diameter,omitempty`}\n"+
			"ToyVariant3 struct{Length *int64 `length,omitempty`}\n")
	if !typ.Nullable || typ.Pointer() {
		t.Errorf("a union with a null alternative is nullable without a pointer; got Nullable=%v Pointer=%v", typ.Nullable, typ.Pointer())
	}

	typ, decls = mapRoot(t, "3.1.0", `{anyOf: [{type: string}, {type: string, format: date-time}, {type: string}]}`, `
    Unused: {type: string}
`)
	check(t, typ, decls, "Root", "Root anyOf{AsString string; AsTime time.Time; AsString2 string}\n")
}

func TestAdditionalProperties(t *testing.T) {
	typ, decls := mapRoot(t, "3.1.0", `{$ref: "#/components/schemas/Sample"}`, `
    Sample:
      type: object
      required: [counts, anything, labels, open, free, closed]
      properties:
        counts: {type: object, additionalProperties: {type: integer}}
        anything: {type: object, additionalProperties: true}
        labels:
          type: object
          properties:
            primary: {type: string}
          additionalProperties: {type: string}
        open:
          type: object
          properties:
            id: {type: string}
          additionalProperties: true
        free: {type: object}
        closed:
          type: object
          properties:
            id: {type: string}
          additionalProperties: false
        nested: {type: object, additionalProperties: {type: object, properties: {n: {type: integer}}}}
`)
	check(t, typ, decls, "Sample",
		"Sample struct{Counts map[string]int64 `counts`; Anything json.RawMessage `anything`; Labels SampleLabels `labels`; Open SampleOpen `open`; Free json.RawMessage `free`; Closed SampleClosed `closed`; Nested map[string]SampleNestedValue `nested,omitempty`}\n"+
			"SampleLabels struct{Primary *string `primary,omitempty`; AdditionalProperties map[string]string `-`}\n"+
			"SampleOpen struct{Id *string `id,omitempty`; AdditionalProperties map[string]json.RawMessage `-`}\n"+
			"SampleClosed struct{Id *string `id,omitempty`}\n"+
			"SampleNestedValue struct{N *int64 `n,omitempty`}\n")
}

func TestReferencesShareOneType(t *testing.T) {
	typ, decls := mapRoot(t, "3.1.0", `{$ref: "#/components/schemas/Pair"}`, `
    Pair:
      type: object
      required: [a, b, c]
      properties:
        a: {$ref: "#/components/schemas/Point"}
        b: {$ref: "#/components/schemas/Point"}
        c: {$ref: "#/components/schemas/Alias"}
    Alias: {$ref: "#/components/schemas/Point"}
    Point:
      type: object
      properties:
        x: {type: number}
`)
	check(t, typ, decls, "Pair",
		"Pair struct{A Point `a`; B Point `b`; C Point `c`}\n"+
			"Point struct{X *float64 `x,omitempty`}\n")
}

func TestRecursion(t *testing.T) {
	typ, decls := mapRoot(t, "3.1.0", `{$ref: "#/components/schemas/Node"}`, `
    Node:
      type: object
      required: [self, kids, peer]
      properties:
        self: {$ref: "#/components/schemas/Node"}
        next: {$ref: "#/components/schemas/Node"}
        kids: {type: array, items: {$ref: "#/components/schemas/Node"}}
        byName: {type: object, additionalProperties: {$ref: "#/components/schemas/Node"}}
        peer: {$ref: "#/components/schemas/Peer"}
        nested: {$ref: "#/components/schemas/Nested"}
    Peer:
      type: object
      required: [back]
      properties:
        back: {$ref: "#/components/schemas/Node"}
    Nested:
      type: array
      items: {$ref: "#/components/schemas/Nested"}
`)
	// Node.self and Peer.back close cycles of required struct fields, so they are pointers;
	// Node.peer is reached first and stays a value. An array of itself has no name to refer
	// to, so its items are raw JSON.
	check(t, typ, decls, "Node",
		"Node struct{Self *Node `self`; Next *Node `next,omitempty`; Kids []Node `kids`; ByName map[string]Node `byName,omitempty`; Peer Peer `peer`; Nested []json.RawMessage `nested,omitempty`}\n"+
			"Peer struct{Back *Node `back`}\n")
}

func TestNameCollisions(t *testing.T) {
	// Two descriptions with a schema of the same name, a component named like an inline
	// schema, and a name the package already uses: suffixes follow the order of first use.
	first := openAPI(t, "3.1.0", `{$ref: "#/components/schemas/Pet"}`, `
    Pet:
      type: object
      properties:
        status: {type: string, enum: [a, b]}
        client: {$ref: "#/components/schemas/Client"}
    Client:
      type: object
      properties:
        id: {type: string}
`)
	second := openAPI(t, "3.0.3", `{$ref: "#/components/schemas/Pet"}`, `
    Pet:
      type: object
      properties:
        kind: {$ref: "#/components/schemas/PetStatus"}
    PetStatus: {type: string, enum: [x]}
`)
	r := newTestRegistry("Client")
	a := r.Of(first, Hint{Name: "First"})
	b := r.Of(second, Hint{Name: "Second"})
	got := describe(r.Finish([]Type{a, b}))
	want := "Pet struct{Status *PetStatus `status,omitempty`; Client *Client2 `client,omitempty`}\n" +
		"PetStatus enum string{PetStatusA=a PetStatusB=b}\n" +
		"Client2 struct{Id *string `id,omitempty`}\n" +
		"Pet2 struct{Kind *PetStatus2 `kind,omitempty`}\n" +
		"PetStatus2 enum string{PetStatus2X=x}\n"
	if got != want {
		t.Errorf("declarations:\n%s\nwant:\n%s", got, want)
	}
}

func TestFinishKeepsOnlyReachableTypes(t *testing.T) {
	sp := openAPI(t, "3.1.0", `{$ref: "#/components/schemas/Order"}`, `
    Order:
      type: object
      properties:
        status: {type: string, enum: [open, closed]}
        line: {type: object, properties: {sku: {type: string}}}
`)
	r := newTestRegistry()
	// The whole order is mapped (as for a value only compared in a condition), but only
	// its line is an output.
	r.Of(sp, Hint{Name: "Root"})
	line, known := r.At(sp, Hint{Name: "Root"}, []string{"line"})
	if !known {
		t.Fatal("pointer /line is not known")
	}
	if got, want := describe(r.Finish([]Type{line})), "OrderLine struct{Sku *string `sku,omitempty`}\n"; got != want {
		t.Errorf("declarations:\n%s\nwant:\n%s", got, want)
	}
}

func TestAt(t *testing.T) {
	sp := openAPI(t, "3.1.0", `{type: object, properties: {data: {$ref: "#/components/schemas/Page"}, meta: {type: object}}}`, `
    Page:
      allOf:
        - {$ref: "#/components/schemas/Base"}
        - type: object
          properties:
            items:
              type: array
              items: {type: object, properties: {id: {type: string}, at: {type: string, format: date-time}}}
    Base:
      type: object
      properties:
        total: {type: integer, format: int32}
        tags: {type: object, additionalProperties: {type: object, properties: {n: {type: integer}}}}
`)
	for _, c := range []struct {
		pointer   string
		want      string
		wantKnown bool
	}{
		{"", "Root", true},
		{"/data/total", "int32", true},
		{"/data/items", "[]PageItemsItem", true},
		{"/data/items/0", "PageItemsItem", true},
		{"/data/items/3/at", "time.Time", true},
		{"/data/tags/x", "BaseTagsValue", true},
		{"/data/nope", "json.RawMessage", false},
		{"/meta/anything", "json.RawMessage", true},
	} {
		r := newTestRegistry()
		tokens := strings.Split(c.pointer, "/")[1:]
		got, known := r.At(sp, Hint{Name: "Root"}, tokens)
		if got.String() != c.want || known != c.wantKnown {
			t.Errorf("At(%q) = %s, known %v; want %s, known %v", c.pointer, got, known, c.want, c.wantKnown)
		}
	}
}

func TestUnusableTagNamesKeepRawJSON(t *testing.T) {
	for _, name := range []string{`"a b"`, `"a,b"`, `"-"`, `"q\"uote"`} {
		typ, decls := mapRoot(t, "3.1.0", `{type: object, properties: {ok: {type: string}, `+name+`: {type: string}}}`, "    X: {type: string}\n")
		check(t, typ, decls, "json.RawMessage", "")
	}
}

func TestAnonymousOf(t *testing.T) {
	sp := openAPI(t, "3.1.0", `{type: object, properties: {s: {type: string, enum: [a]}, list: {type: array, items: {type: object, properties: {x: {type: string}}}}}}`, "    X: {type: string}\n")
	if got := Of(sp); got.Kind != Raw {
		t.Errorf("Of(object) = %s, want json.RawMessage", got)
	}
	s, _ := Walk(sp, []string{"s"})
	if got := Of(s); got.String() != "string" {
		t.Errorf("Of(enum) = %s, want string", got)
	}
	list, _ := Walk(sp, []string{"list"})
	if got := Of(list); got.String() != "[]json.RawMessage" {
		t.Errorf("Of(array of objects) = %s, want []json.RawMessage", got)
	}
}

func TestObjectShape(t *testing.T) {
	sp := openAPI(t, "3.1.0", `{$ref: "#/components/schemas/Req"}`, `
    Req:
      allOf:
        - {$ref: "#/components/schemas/Base"}
        - type: object
          required: [b, a]
          properties:
            b: {type: string}
          additionalProperties: {type: integer}
    Base:
      type: object
      required: [a]
      properties:
        a: {type: string}
        id: {type: string, readOnly: true}
`)
	sh, ok := ObjectShape(sp)
	if !ok {
		t.Fatal("no shape")
	}
	var props []string
	for _, p := range sh.Props {
		props = append(props, p.Name)
	}
	if got := fmt.Sprint(props, sh.Required, sh.ExtraAllowed, sh.Extra != nil); got != "[a id b] [a b] true true" {
		t.Errorf("shape = %s", got)
	}
	if !IsReadOnly(sh.Prop("id").Schema) || IsReadOnly(sh.Prop("a").Schema) {
		t.Error("readOnly is not reported")
	}
	union := openAPI(t, "3.1.0", `{oneOf: [{type: object}, {type: string}]}`, "    X: {type: string}\n")
	if _, ok := ObjectShape(union); ok {
		t.Error("a oneOf has a shape")
	}
}

func TestRequiredAt(t *testing.T) {
	sp := openAPI(t, "3.1.0", `{type: object, required: [order, meta], properties: {order: {$ref: "#/components/schemas/Order"}, meta: {type: [object, "null"], required: [n], properties: {n: {type: integer}}}, list: {type: array, items: {$ref: "#/components/schemas/Order"}}, free: {type: object}}}`, `
    Order:
      allOf:
        - {$ref: "#/components/schemas/Base"}
        - type: object
          required: [status]
          properties:
            status: {type: string}
            paidAt: {type: string, format: date-time}
            note: {type: [string, "null"]}
    Base:
      type: object
      required: [id]
      properties:
        id: {type: string}
`)
	for _, c := range []struct {
		pointer string
		want    bool
	}{
		{"", true},
		{"/order", true},
		{"/order/id", true},      // required by an allOf member through a $ref
		{"/order/status", true},  // required by the other member
		{"/order/paidAt", false}, // optional
		{"/order/note", false},
		{"/meta", true},
		{"/meta/n", false},    // meta may be null
		{"/list", false},      // optional
		{"/list/0/id", false}, // an element may be absent
		{"/free/anything", false},
	} {
		tokens := strings.Split(c.pointer, "/")[1:]
		if got := RequiredAt(sp, tokens); got != c.want {
			t.Errorf("RequiredAt(%q) = %v, want %v", c.pointer, got, c.want)
		}
	}
}
