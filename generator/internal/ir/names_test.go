package ir

import (
	"go/token"
	"testing"
)

func TestGoNameIsAnExportedIdentifier(t *testing.T) {
	for in, want := range map[string]string{
		"refresh-and-list-customers": "RefreshAndListCustomers",
		"clientId":                   "ClientID",
		"9lives":                     "X9lives",
		"名前":                         "X名前",
		"one\n*/ panic(1) /*":        "OnePanic1",
		"a\u202eb\x00c":              "ABC",
		"":                           "X",
		"---":                        "X",
	} {
		got := GoName(in)
		if got != want {
			t.Errorf("GoName(%q) = %q, want %q", in, got, want)
		}
		if !token.IsIdentifier(got) || !token.IsExported(got) {
			t.Errorf("GoName(%q) = %q is not an exported identifier", in, got)
		}
	}
}
