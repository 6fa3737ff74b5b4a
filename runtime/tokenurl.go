package runtime

import (
	"net/url"
	"strings"
)

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

// TokenURL is the token URL an OAuth2 credential uses once the Client's options are
// applied. explicit, when set (WithTokenURL), wins, resolved against server when relative.
// Otherwise the description's declared tokenUrl is used:
//   - relative to the source's server ("/oauth/token"): resolved against server;
//   - absolute and under the source's default server URL defaultServer (servers[0]): the
//     same path below server, so that pointing the API elsewhere with WithServerURL (a
//     test or staging server) moves the token endpoint along and no token is fetched from
//     production;
//   - absolute on defaultServer's origin but not under its path: that path on server's
//     origin;
//   - absolute on another origin (a separate identity provider): as declared.
func TokenURL(explicit, declared, defaultServer, server string) string {
	if explicit != "" {
		return ResolveURL(server, explicit)
	}
	d, err := url.Parse(declared)
	if err != nil || !d.IsAbs() {
		return ResolveURL(server, declared)
	}
	if server == "" || defaultServer == "" || ServerURL(server) == ServerURL(defaultServer) {
		return declared
	}
	def, err1 := url.Parse(ServerURL(defaultServer))
	to, err2 := url.Parse(ServerURL(server))
	if err1 != nil || err2 != nil || !sameOrigin(d, def) || to.Host == "" {
		return declared
	}
	moved := *d
	moved.Scheme, moved.Host, moved.User = to.Scheme, to.Host, to.User
	if rest, ok := strings.CutPrefix(d.EscapedPath(), def.EscapedPath()); ok && (rest == "" || rest[0] == '/' || def.EscapedPath() == "") {
		moved.Path, moved.RawPath = "", ""
		if p, err := url.PathUnescape(to.EscapedPath() + rest); err == nil {
			moved.Path = p
			moved.RawPath = to.EscapedPath() + rest
		}
	}
	return moved.String()
}
