package load

import "testing"

func TestLooksLikeArazzo(t *testing.T) {
	for src, want := range map[string]bool{
		"arazzo: 1.0.1\ninfo: {}\n":                         true,
		"# a comment\n'arazzo': 1.1.0\n":                    true,
		`{"info": {}, "arazzo": "1.0.1"}`:                   true,
		"openapi: 3.1.0\ninfo: {description: see arazzo}\n": false,
		"openapi: 3.1.0\nx-meta:\n  arazzo: 1.0.1\n":        false,
		`{"openapi": "3.1.0", "x": {"arazzo": "1.0.1"}}`:    false,
		"arazzo: [unclosed\n":                               false,
	} {
		if got := LooksLikeArazzo([]byte(src)); got != want {
			t.Errorf("LooksLikeArazzo(%q) = %v, want %v", src, got, want)
		}
	}
}
