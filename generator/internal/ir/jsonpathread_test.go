package ir

import "testing"

func TestDoubleEquals(t *testing.T) {
	tests := []struct {
		in, want string
		changed  bool
	}{
		{`$.data[?(@.type='language')]`, `$.data[?(@.type=='language')]`, true},
		{`$[?@.a = 1 && @.b=2]`, `$[?@.a == 1 && @.b==2]`, true},
		{`$[?@.a == 1 && @.b != 2 && @.c <= 3 && @.d >= 4]`, `$[?@.a == 1 && @.b != 2 && @.c <= 3 && @.d >= 4]`, false},
		{`$[?@.a == 'x=y' && @.b == "p = \"q\""]`, `$[?@.a == 'x=y' && @.b == "p = \"q\""]`, false},
		{`$[?@.a = 'it''s']`, `$[?@.a == 'it''s']`, true},
	}
	for _, tt := range tests {
		got, changed := doubleEquals(tt.in)
		if got != tt.want || changed != tt.changed {
			t.Errorf("doubleEquals(%s) = %s, %v; want %s, %v", tt.in, got, changed, tt.want, tt.changed)
		}
	}
}

func TestRootForm(t *testing.T) {
	tests := []struct{ in, want string }{
		{`$[?count(@.pets) > 0]`, `$[?count($.pets) > 0]`},
		{`$[?@.state == '@home'].id`, `$[?$.state == '@home'].id`},
		// A filter nested in the root filter keeps its own @.
		{`$[?count(@.pets[?@.age > 2]) > 0]`, `$[?count($.pets[?@.age > 2]) > 0]`},
		{`$[?count($.pets) > 0]`, `$[?count($.pets) > 0]`},
	}
	for _, tt := range tests {
		got, ok := rootForm(tt.in)
		if !ok || got != tt.want {
			t.Errorf("rootForm(%s) = %s, %v; want %s", tt.in, got, ok, tt.want)
		}
	}
}

func TestInMediaRange(t *testing.T) {
	tests := []struct {
		mt, rng string
		want    bool
	}{
		{"application/merge-patch+json", "application/*+json", true},
		{"application/json", "application/*+json", false},
		{"application/+json", "application/*+json", false},
		{"text/plain+json", "application/*+json", false},
		{"application/soap+xml", "application/*+json", false},
		{"application/xml", "application/*", true},
		{"text/csv", "application/*", false},
		{"image/png", "*/*", true},
		{"application/json", "application/json", false},
	}
	for _, tt := range tests {
		if got := inMediaRange(tt.mt, tt.rng); got != tt.want {
			t.Errorf("inMediaRange(%s, %s) = %v, want %v", tt.mt, tt.rng, got, tt.want)
		}
	}
	if got := structuredSyntax("application/*+json"); got != "application/json" {
		t.Errorf("structuredSyntax(application/*+json) = %q", got)
	}
	if got := structuredSyntax("application/*"); got != "" {
		t.Errorf("structuredSyntax(application/*) = %q", got)
	}
}
