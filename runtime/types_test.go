package runtime

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// Types like the ones generated code declares.
type (
	testStatus string
	testLine   struct {
		Sku string `json:"sku"`
	}
	testLabels struct {
		Primary *string          `json:"primary,omitempty"`
		Extra   map[string]int64 `json:"-"`
	}
)

func (v testLabels) MarshalJSON() ([]byte, error) {
	type fields testLabels
	return MarshalExtra(fields(v), v.Extra, "primary")
}

func (v *testLabels) UnmarshalJSON(data []byte) error {
	type fields testLabels
	if err := json.Unmarshal(data, (*fields)(v)); err != nil {
		return err
	}
	return UnmarshalExtra(data, &v.Extra, "primary")
}

func TestExtraMembersRoundTrip(t *testing.T) {
	var v testLabels
	if err := json.Unmarshal([]byte(`{"b":2,"primary":"x","a":1}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.Primary == nil || *v.Primary != "x" || !reflect.DeepEqual(v.Extra, map[string]int64{"a": 1, "b": 2}) {
		t.Fatalf("decoded %+v (extra %v)", v, v.Extra)
	}
	// A member named like a declared property is left out: the field wins.
	v.Extra["primary"] = 9
	got, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != `{"primary":"x","a":1,"b":2}` {
		t.Errorf("encoded %s", got)
	}
	for in, want := range map[string]string{
		`{}`:              `{}`,
		`{"z":3}`:         `{"z":3}`,
		`{"primary":"p"}`: `{"primary":"p"}`,
	} {
		var v testLabels
		if err := json.Unmarshal([]byte(in), &v); err != nil {
			t.Fatal(err)
		}
		if got, _ := json.Marshal(v); string(got) != want {
			t.Errorf("%s round-trips as %s, want %s", in, got, want)
		}
	}
	if err := json.Unmarshal([]byte(`{"a":"not a number"}`), &v); err == nil {
		t.Error("an extra member of the wrong type was accepted")
	}
	if _, err := MarshalExtra([]int{1}, map[string]int{"a": 1}); err == nil {
		t.Error("MarshalExtra accepted fields that are not an object")
	}
}

func TestPickValue(t *testing.T) {
	lines := []testLine{{Sku: "a"}, {Sku: "b"}}
	if got := string(PickValue(lines, "1", "sku")); got != `"b"` {
		t.Errorf("PickValue = %s, want \"b\"", got)
	}
	if got := PickValue(lines, "5"); got != nil {
		t.Errorf("PickValue out of range = %s, want nil", got)
	}
	var missing *testLine
	if got := PickValue(missing, "sku"); got != nil {
		t.Errorf("PickValue of nil = %s, want nil", got)
	}
	if got := PickValue(func() {}); got != nil {
		t.Errorf("PickValue of an unencodable value = %s, want nil", got)
	}
}

func TestTextOfTypedValues(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	status := testStatus("sold")
	for _, c := range []struct {
		v    any
		want string
	}{
		{testStatus("available"), "available"},
		{&status, "sold"},
		{(*testStatus)(nil), "null"},
		{at, "2026-01-02T03:04:05Z"},
		{&at, "2026-01-02T03:04:05Z"},
		{int32(7), "7"},
		{[]byte("hi"), "aGk="},
		{testLine{Sku: "x"}, `{"sku":"x"}`},
	} {
		if got := Text(c.v); got != c.want {
			t.Errorf("Text(%#v) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestCompareTypedValues(t *testing.T) {
	status := testStatus("Sold")
	n := int32(3)
	for _, c := range []struct {
		a    any
		op   string
		b    any
		want bool
	}{
		{testStatus("sold"), "==", "SOLD", true}, // strings compare case-insensitively
		{&status, "!=", "sold", false},
		{(*testStatus)(nil), "==", nil, true},
		{(*testStatus)(nil), "!=", "sold", true},
		{&n, ">", 2.5, true},
		{testLine{Sku: "x"}, "==", map[string]any{"sku": "x"}, true},
		{time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), "==", "2026-01-02T00:00:00Z", true},
	} {
		if got := Compare(c.a, c.op, c.b); got != c.want {
			t.Errorf("Compare(%#v %s %#v) = %v, want %v", c.a, c.op, c.b, got, c.want)
		}
	}
	if Truthy((*testLine)(nil)) || !Truthy(testLine{Sku: "x"}) {
		t.Error("Truthy of a nil pointer must be false and of an object true")
	}
}
