package runtime

import (
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
)

// The types of this package that can hold a secret print themselves with every fmt verb
// (%v, %+v, %#v, %s, %q) without it: errors as their redacted message, the others as a
// Go-like literal whose secret parts are Redacted. fmt cannot call these methods on a value
// it reaches through an unexported struct field, and prints such a value field by field; a
// StepError keeps its secrets in a function, which fmt prints as an address, so that even
// then they do not show.

// secretSet holds the values a StepError redacts.
type secretSet func() []string

func newSecretSet(values []string) secretSet {
	if len(values) == 0 {
		return nil
	}
	return func() []string { return values }
}

func (s secretSet) list() []string {
	if s == nil {
		return nil
	}
	return s()
}

// Format prints the error's message, secrets redacted, for every verb; %#v prints a Go-like
// literal of its fields, each redacted.
func (e StepError) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		sec := e.secrets.list()
		fmt.Fprintf(f, "&runtime.StepError{Workflow:%q, Step:%q, Method:%q, Path:%q, StatusCode:%d, Reason:%q, Body:%q, Err:%s, Criterion:%q, Attempts:%d}",
			RedactString(e.Workflow, sec...), RedactString(e.Step, sec...), e.Method, RedactString(e.Path, sec...),
			e.StatusCode, RedactString(e.Reason, sec...), RedactString(e.Body, sec...), goError(e.Err, sec),
			RedactString(e.Criterion, sec...), e.Attempts)
		return
	}
	formatMessage(f, verb, e.Error())
}

// goError renders an error in a Go-like literal: its redacted message.
func goError(err error, secrets []string) string {
	if err == nil {
		return "nil"
	}
	return "errors.New(" + strconv.Quote(RedactString(err.Error(), secrets...)) + ")"
}

// formatMessage prints an error message as %s does, or quoted for %q.
func formatMessage(f fmt.State, verb rune, msg string) {
	if verb == 'q' {
		msg = strconv.Quote(msg)
	}
	io.WriteString(f, msg)
}

// Format prints the error's redacted message for every verb.
func (e *redactedError) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		io.WriteString(f, "errors.New("+strconv.Quote(e.msg)+")")
		return
	}
	formatMessage(f, verb, e.msg)
}

// Format prints the request for every verb as a Go-like literal: the URL and headers with
// every secret value (and the values of secret-named query parameters and headers)
// Redacted, the body as its size, Secrets as their number.
func (r Request) Format(f fmt.State, _ rune) {
	sec := append(r.secrets[:len(r.secrets):len(r.secrets)], r.Secrets...)
	auth := "nil"
	if r.Auth != nil {
		auth = "(set)"
	}
	fmt.Fprintf(f, "runtime.Request{Workflow:%q, Step:%q, Method:%q, Path:%q, URL:%q, Header:%v, ContentType:%q, Body:(%d bytes), Timeout:%s, Auth:%s, Secrets:(%d values)}",
		r.Workflow, r.Step, r.Method, RedactString(r.Path, sec...), redactURL(r.URL, sec), RedactHeader(r.Header, sec...),
		r.ContentType, len(r.Body), r.Timeout, auth, len(r.Secrets))
}

// redactURL is a URL with its user info, secret values and the values of secret-named
// query parameters Redacted.
func redactURL(raw string, secrets []string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return RedactString(raw, secrets...)
	}
	if u.User != nil {
		u.User = url.User("REDACTED") // brackets would be escaped
	}
	if u.RawQuery != "" {
		parts := strings.Split(u.RawQuery, "&")
		for i, p := range parts {
			name, _, hasValue := strings.Cut(p, "=")
			if n, err := url.QueryUnescape(name); err == nil && hasValue && SecretName(n) {
				parts[i] = name + "=" + Redacted
			}
		}
		u.RawQuery = strings.Join(parts, "&")
	}
	return RedactString(u.String(), secrets...)
}

// Format prints the response for every verb as a Go-like literal: its headers redacted
// and an excerpt of its body redacted as a StepError's is. The request it answers is not
// printed.
func (r Response) Format(f fmt.State, _ rune) {
	var sec []string
	if r.req != nil {
		sec = append(r.req.secrets[:len(r.req.secrets):len(r.req.secrets)], r.req.Secrets...)
	}
	fmt.Fprintf(f, "runtime.Response{StatusCode:%d, Header:%v, Body:%q}", r.StatusCode, RedactHeader(r.Header, sec...), excerpt(r.Body, sec))
}

// Format prints the run for every verb without the secrets it collected.
func (r *Run) Format(f fmt.State, _ rune) {
	r.mu.Lock()
	n := len(r.secrets)
	r.mu.Unlock()
	fmt.Fprintf(f, "&runtime.Run{Workflow:%q, Secrets:(%d values)}", r.workflow, n)
}

// Format prints the field with its value Redacted when it is secret.
func (fl Field) Format(f fmt.State, _ rune) {
	v := any(Redacted)
	if !fl.Secret {
		v = redactedText(fl.Value)
	}
	fmt.Fprintf(f, "runtime.Field{Name:%q, Value:%s, Secret:%t}", fl.Name, v, fl.Secret)
}

// Format prints what String does for every verb: the endpoint and client, never the
// secret or the token.
func (c OAuth2ClientCredentials) Format(f fmt.State, _ rune) {
	io.WriteString(f, c.String())
}
