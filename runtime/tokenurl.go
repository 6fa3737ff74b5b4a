package runtime

import "net/url"

// ResolveURL resolves a URL that an OpenAPI description gives relative to a server (such as
// an oauth2 tokenUrl "/oauth/token") against the server's base URL, as RFC 3986 does. An
// absolute ref, or one that cannot be parsed, is returned as it is. Generated code calls it
// once the Client's options are applied, so that WithServerURL moves the token endpoint
// along with the API.
func ResolveURL(base, ref string) string {
	r, err := url.Parse(ref)
	if err != nil || r.IsAbs() {
		return ref
	}
	b, err := url.Parse(base)
	if err != nil || base == "" {
		return ref
	}
	return b.ResolveReference(r).String()
}
