package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestDemoRunsEveryWorkflow(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("demo failed: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		`"accessToken": "demo-access-token"`,
		`"customers": [`,
		`"accessToken": "demo-airbyte-access-token"`,
		`"connectToken": "ctok_0123456789abcdef0123456789abcdef"`,
		`"revokedStatus": 200`,
		`Step: "refreshToken", StatusCode: 401`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %s:\n%s", want, out.String())
		}
	}
}
