package generator

import (
	"net/url"
	"path"
	"path/filepath"
	"strings"
)

// sourceFile decides which local file holds a source description whose url is not mapped,
// following the base URI rules of Arazzo 1.1 ("Establishing the Base URI", features §1.11):
// a relative url resolves against the document's $self when it has one, a relative $self
// being first resolved against the document's own location, and against that location
// otherwise (1.0.x documents have no $self, so only the last applies to them).
//
// An http(s) $self makes a relative url identify a published document (identity, the url
// resolved against $self). Generation reads only local files, so that document is read from
// the same relative place beside this one, which is where a local copy of the document set
// keeps it, unless the url map maps the identity. remote reports an http(s) url written
// out, which only a mapping can serve.
func sourceFile(self, docFile, u string) (file, identity string, remote bool) {
	if strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
		return "", u, true
	}
	u = strings.TrimPrefix(u, "file://")
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	if filepath.IsAbs(u) || path.IsAbs(u) {
		return u, "", false
	}
	docDir := path.Dir(filepath.ToSlash(docFile))
	base, err := url.Parse(self)
	if self == "" || err != nil {
		return path.Join(docDir, u), "", false
	}
	switch {
	case base.Scheme == "file":
		return path.Join(path.Dir(base.Path), u), "", false
	case base.Scheme != "" || base.Host != "":
		ref, err := url.Parse(u)
		if err == nil {
			identity = base.ResolveReference(ref).String()
		}
		return path.Join(docDir, u), identity, false
	case path.IsAbs(base.Path):
		// An absolute-path reference replaces the location's path.
		return path.Join(path.Dir(base.Path), u), "", false
	}
	// A relative $self names the document relative to where it was read.
	return path.Join(docDir, path.Dir(base.Path), u), "", false
}
