package ir

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/arazzogen/arazzogen/generator/internal/diag"
	"github.com/arazzogen/arazzogen/generator/internal/load"
	"github.com/arazzogen/arazzogen/generator/internal/types"
	"github.com/arazzogen/arazzogen/runtime"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
)

// CredentialKind says which Client option supplies a credential.
type CredentialKind int

const (
	// BearerToken is WithBearerToken: an http bearer scheme, an oauth2 scheme without a
	// client credentials flow, or openIdConnect (a token the caller obtains).
	BearerToken       CredentialKind = iota
	BasicAuth                        // WithBasicAuth: http basic
	APIKey                           // WithAPIKey: apiKey in a header, query parameter or cookie
	ClientCredentials                // WithClientCredentials: the oauth2 client credentials flow
)

// Credential is one security scheme of a source that an operation the workflows call
// needs. Each becomes a name that the Client's options and the command's -auth-env take.
type Credential struct {
	// Name is the source's name, or "SOURCE.SCHEME" when the workflows use several schemes
	// of the source.
	Name   string
	Source *Source
	Scheme string // the key in components.securitySchemes
	Kind   CredentialKind
	What   string // the scheme for documentation: "http bearer", "apiKey in header X-API-Key"
	// In and Param are where an API key goes: "header", "query" or "cookie", and its name.
	In, Param string
	// TokenURL is the client credentials flow's tokenUrl as written; Relative is set when it
	// is relative to the source's server, which is only known once the Client's options are
	// applied.
	TokenURL string
	Relative bool
	// Scopes are the scopes the operations' requirements ask for, in first-use order.
	Scopes []string
	Index  int // position in Program.Credentials
}

// Requirement is an operation's security requirement. A request carries the credentials of
// the first alternative whose credentials are all configured; alternatives that need no
// credential are left out, since sending none is what happens when no other one applies.
type Requirement struct {
	Alternatives [][]*Credential
	// Index is the position in Program.Requirements; -1 for a requirement of one credential,
	// which requests use directly.
	Index int
}

// Single is the one credential of a requirement that has no other alternative, else nil.
func (r *Requirement) Single() *Credential {
	if len(r.Alternatives) == 1 && len(r.Alternatives[0]) == 1 {
		return r.Alternatives[0][0]
	}
	return nil
}

// methodNames are declared on input and output structs that hold secrets; a field of the
// same name is renamed.
var methodNames = []string{"String", "GoString", "LogValue"}

type securityPass struct {
	b      *builder
	p      *Program
	creds  map[[2]string]*Credential // by source and scheme
	reqs   map[string]*Requirement
	warned map[[2]string]bool
	done   map[*Workflow]bool
}

// security runs once every workflow is built: it decides which credentials each operation
// step needs (from the OpenAPI securitySchemes and security requirements), names them, and
// marks the secret inputs and outputs.
func (b *builder) security(p *Program) {
	s := &securityPass{b: b, p: p, creds: map[[2]string]*Credential{}, reqs: map[string]*Requirement{},
		warned: map[[2]string]bool{}, done: map[*Workflow]bool{}}
	for _, wf := range p.Workflows {
		s.workflow(wf)
	}
	// A source whose operations need one scheme lends its name to the credential; with
	// several, each is "SOURCE.SCHEME".
	count := map[*Source]int{}
	for _, c := range p.Credentials {
		count[c.Source]++
	}
	for _, c := range p.Credentials {
		c.Name = c.Source.Name
		if count[c.Source] > 1 {
			c.Name += "." + c.Scheme
		}
	}
}

// workflow handles the workflows this one calls first, so that their outputs' secrecy is
// known where this one uses them.
func (s *securityPass) workflow(wf *Workflow) {
	if s.done[wf] {
		return
	}
	s.done[wf] = true
	for _, d := range wf.DependsOn {
		s.workflow(d.Workflow)
	}
	for _, st := range wf.Steps {
		if st.Call != nil {
			s.workflow(st.Call.Workflow)
		}
		for _, a := range slices.Concat(st.OnSuccess, st.OnFailure) {
			if a.Call != nil {
				s.workflow(a.Call.Workflow)
			}
		}
	}
	s.inputs(wf)
	for _, st := range wf.Steps {
		if st.Call == nil && st.Source != nil && !st.Unreachable {
			st.Security = s.requirement(wf, st)
		}
		op := s.operation(st)
		for i, f := range st.Outputs.Fields {
			v := st.OutputValues[i]
			f.Secret = runtime.SecretName(f.JSONName) || secretValue(v)
			if v.Kind == VResponseBody && op != nil {
				reached, _ := types.Walk(st.response, v.Pointer)
				f.Secret = f.Secret || secretSchema(reached)
			}
		}
	}
	// What a step sends as credentials is secret, whatever its name: the inputs and the
	// outputs of earlier steps its credential parameters are made of.
	for _, st := range wf.Steps {
		for _, p := range slices.Concat(st.Headers, st.Query, st.Cookies) {
			if p.Credential {
				markSecret(p.Value)
			}
		}
	}
	for i, f := range wf.Outputs.Fields {
		f.Secret = runtime.SecretName(f.JSONName) || secretValue(wf.OutputValues[i])
	}
	guardMethods(wf.Inputs)
	guardMethods(wf.Outputs)
}

// inputs marks the inputs whose names or schemas are secret.
func (s *securityPass) inputs(wf *Workflow) {
	var schemas map[string]*base.SchemaProxy
	if lw := wf.def; lw != nil && lw.Inputs != nil {
		names, props, _ := types.Properties(lw.InputsSchema)
		schemas = map[string]*base.SchemaProxy{}
		for i, n := range names {
			schemas[n] = props[i]
		}
	}
	for _, f := range wf.Inputs.Fields {
		f.Secret = runtime.SecretName(f.JSONName) || secretSchema(schemas[f.JSONName])
	}
}

// secretValue reports whether a value carries a secret: a secret input or output, a member
// whose name is secret, a header that holds credentials, or a template or payload built
// from one.
func secretValue(v *Value) bool {
	if v == nil {
		return false
	}
	if n := len(v.Pointer); n > 0 && runtime.SecretName(v.Pointer[n-1]) {
		return true
	}
	switch v.Kind {
	case VInput, VStepOutput, VCallOutput:
		return v.Field != nil && v.Field.Secret
	case VResponseHeader, VRequestHeader:
		return runtime.SensitiveHeader(v.Name)
	case VSelect:
		return secretValue(v.Context)
	}
	return slices.ContainsFunc(slices.Concat(v.Parts, v.Elems), secretValue)
}

// markSecret marks the inputs and outputs a value is made of as secret.
func markSecret(v *Value) {
	if v == nil {
		return
	}
	switch v.Kind {
	case VInput, VStepOutput, VCallOutput:
		if v.Field != nil {
			v.Field.Secret = true
		}
	case VSelect:
		markSecret(v.Context)
	}
	for _, p := range slices.Concat(v.Parts, v.Elems) {
		markSecret(p)
	}
}

// secretSchema reports whether a schema marks its value secret: `format: password`, or
// `writeOnly: true` (a value the API accepts but never shows back, such as a new password).
func secretSchema(sp *base.SchemaProxy) bool {
	if sp == nil {
		return false
	}
	sch := sp.Schema()
	return sch != nil && (sch.Format == "password" || sch.WriteOnly != nil && *sch.WriteOnly)
}

// guardMethods renames fields that would collide with the methods generated for a struct
// with secret fields.
func guardMethods(st *Struct) {
	if !slices.ContainsFunc(st.Fields, func(f *Field) bool { return f.Secret }) {
		return
	}
	taken := func(name string) bool {
		return slices.Contains(methodNames, name) || slices.ContainsFunc(st.Fields, func(f *Field) bool { return f.GoName == name })
	}
	for _, f := range st.Fields {
		if slices.Contains(methodNames, f.GoName) {
			name := f.GoName + "Value"
			for taken(name) {
				name += "_"
			}
			f.GoName = name
		}
	}
}

// operation finds a step's OpenAPI operation by method and path, which every operation
// step has however its operation was named.
func (s *securityPass) operation(st *Step) *load.Operation {
	if st.Source == nil || st.Call != nil {
		return nil
	}
	oa := st.Source.api
	if oa == nil {
		return nil
	}
	for _, op := range oa.Operations {
		if op.Method == st.Method && op.Path == st.Path {
			return op
		}
	}
	return nil
}

// scheme is a security scheme as the generated client can apply it.
type scheme struct {
	name string
	ss   *v3.SecurityScheme
	kind CredentialKind
	what string
	// tls schemes (mutualTLS) are satisfied by the HTTP client, not by a credential.
	tls bool
	// problem says why the scheme cannot be applied, completing "but …"; "" when it can.
	problem string
}

func classify(name string, ss *v3.SecurityScheme) scheme {
	sc := scheme{name: name, ss: ss}
	if ss == nil {
		sc.problem = "the source does not declare it in components.securitySchemes"
		return sc
	}
	switch strings.ToLower(ss.Type) {
	case "http":
		switch strings.ToLower(ss.Scheme) {
		case "bearer":
			sc.kind, sc.what = BearerToken, "http bearer"
		case "basic":
			sc.kind, sc.what = BasicAuth, "http basic"
		default:
			sc.problem = fmt.Sprintf("the generated client cannot apply http scheme %q (only bearer and basic)", ss.Scheme)
		}
	case "apikey":
		switch ss.In {
		case "header", "query", "cookie":
			if ss.Name == "" {
				sc.problem = "the apiKey scheme has no name"
			}
			sc.kind, sc.what = APIKey, fmt.Sprintf("apiKey in %s %s", ss.In, ss.Name)
		default:
			sc.problem = fmt.Sprintf("the generated client cannot send an API key in %q (only header, query or cookie)", ss.In)
		}
	case "oauth2":
		if ss.Flows != nil && ss.Flows.ClientCredentials != nil && ss.Flows.ClientCredentials.TokenUrl != "" {
			sc.kind, sc.what = ClientCredentials, "oauth2 client credentials"
		} else {
			sc.kind, sc.what = BearerToken, "oauth2 access token"
		}
	case "openidconnect":
		sc.kind, sc.what = BearerToken, "OpenID Connect access token"
	case "mutualtls":
		sc.tls = true
	default:
		sc.problem = fmt.Sprintf("the generated client cannot apply schemes of type %q", ss.Type)
	}
	return sc
}

// requirement compiles the security requirement of an operation step: the operation's own,
// else the description's.
func (s *securityPass) requirement(wf *Workflow, st *Step) *Requirement {
	op := s.operation(st)
	if op == nil {
		return nil
	}
	oa := st.Source.api
	reqs := op.Op().Security
	if reqs == nil {
		reqs = oa.Security()
	}
	declared := oa.SecurityScheme
	var alts [][]*Credential
	var problems []scheme
	anonymous := false
	for _, r := range reqs {
		if r == nil || r.Requirements == nil || r.Requirements.Len() == 0 {
			anonymous = true
			continue
		}
		var schemes []scheme
		var scopes [][]string
		usable := true
		for name, sc := range r.Requirements.FromOldest() {
			c := classify(name, declared(name))
			if c.problem != "" {
				usable = false
				problems = append(problems, c)
				continue
			}
			schemes = append(schemes, c)
			scopes = append(scopes, sc)
		}
		if !usable {
			continue
		}
		var alt []*Credential
		for i, c := range schemes {
			if c.tls {
				continue
			}
			alt = append(alt, s.credential(st.Source, c, scopes[i]))
		}
		if len(alt) == 0 {
			anonymous = true
			continue
		}
		alts = append(alts, alt)
	}
	if len(alts) == 0 {
		if !anonymous {
			for _, c := range problems {
				s.warn(wf, st, c)
			}
		}
		return nil
	}
	r := &Requirement{Alternatives: alts, Index: -1}
	if r.Single() != nil {
		return r
	}
	var key strings.Builder
	for _, alt := range alts {
		for _, c := range alt {
			fmt.Fprintf(&key, "%d,", c.Index)
		}
		key.WriteByte('|')
	}
	if prev := s.reqs[key.String()]; prev != nil {
		return prev
	}
	r.Index = len(s.p.Requirements)
	s.p.Requirements = append(s.p.Requirements, r)
	s.reqs[key.String()] = r
	return r
}

// credential returns (creating on first use) the credential of a source's scheme, adding
// the scopes an operation asks for.
func (s *securityPass) credential(src *Source, sc scheme, scopes []string) *Credential {
	key := [2]string{src.Name, sc.name}
	c := s.creds[key]
	if c == nil {
		c = &Credential{Source: src, Scheme: sc.name, Kind: sc.kind, What: sc.what, Index: len(s.p.Credentials)}
		switch sc.kind {
		case APIKey:
			c.In, c.Param = sc.ss.In, sc.ss.Name
		case ClientCredentials:
			c.TokenURL = sc.ss.Flows.ClientCredentials.TokenUrl
			u, err := url.Parse(c.TokenURL)
			c.Relative = err != nil || !u.IsAbs()
		}
		s.creds[key] = c
		s.p.Credentials = append(s.p.Credentials, c)
	}
	if c.Kind == ClientCredentials {
		for _, sc := range scopes {
			if sc != "" && !slices.Contains(c.Scopes, sc) {
				c.Scopes = append(c.Scopes, sc)
			}
		}
	}
	return c
}

// warn reports, once per scheme, an operation whose every security alternative uses a
// scheme the generated client cannot apply: its requests go out without credentials.
func (s *securityPass) warn(wf *Workflow, st *Step, c scheme) {
	key := [2]string{st.Source.Name, c.name}
	if s.warned[key] {
		return
	}
	s.warned[key] = true
	pos := diag.Pos{File: s.b.file}
	if lw := wf.def; lw != nil {
		for _, ls := range lw.Steps {
			if ls.ID.Value == st.ID {
				pos = ls.OperationID.Pos
				if !ls.OperationID.Set() {
					pos = ls.ID.Pos
				}
			}
		}
	}
	s.b.diags.Warnf(pos, "unsupported-security", "operation %s needs security scheme %q of source %q, but %s; its requests are sent without that credential", st.OperationID, c.name, st.Source.Name, c.problem).
		WithHint("set the credential with a header or query parameter in the workflow, or with a runtime.Doer given to WithHTTPClient")
}
