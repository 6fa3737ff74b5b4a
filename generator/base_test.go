package generator

import "testing"

// TestSourceFile follows the base URI examples of Arazzo 1.1 Appendix B, with the document
// read from a local file.
func TestSourceFile(t *testing.T) {
	tests := []struct {
		name, self, doc, url string
		file, identity       string
		remote               bool
	}{
		{"no $self: the document's location", "", "flows/purchase.arazzo.yaml", "../specs/petstore.yaml", "specs/petstore.yaml", "", false},
		{"http $self: identity resolved against it, read beside the document", "https://api.example.com/workflows/purchase.arazzo.yaml", "flows/purchase.arazzo.yaml", "../specs/petstore.yaml",
			"specs/petstore.yaml", "https://api.example.com/specs/petstore.yaml", false},
		{"relative $self resolved against the location first", "workflows/purchase.arazzo.yaml", "v2/api-description.yaml", "../specs/petstore.yaml", "v2/specs/petstore.yaml", "", false},
		{"file $self", "file:///srv/set/flows/a.yaml", "elsewhere/a.yaml", "../oas/api.yaml", "/srv/set/oas/api.yaml", "", false},
		{"absolute-path $self", "/srv/set/flows/a.yaml", "elsewhere/a.yaml", "api.yaml", "/srv/set/flows/api.yaml", "", false},
		{"absolute url", "https://api.example.com/w/a.yaml", "a.yaml", "https://other.example.com/api.yaml", "", "https://other.example.com/api.yaml", true},
		{"absolute path url", "workflows/a.yaml", "a.yaml", "/srv/api.yaml", "/srv/api.yaml", "", false},
		{"file url, query and fragment dropped", "", "d/a.yaml", "file:///srv/api.yaml#/x", "/srv/api.yaml", "", false},
	}
	for _, tt := range tests {
		file, identity, remote := sourceFile(tt.self, tt.doc, tt.url)
		if file != tt.file || identity != tt.identity || remote != tt.remote {
			t.Errorf("%s: got (%q, %q, %v), want (%q, %q, %v)", tt.name, file, identity, remote, tt.file, tt.identity, tt.remote)
		}
	}
}
