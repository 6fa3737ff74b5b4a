// Package cli is the driver of commands generated with arazzogen -cli: it parses the command
// line, assembles workflow inputs from flags, files and the environment, reads credentials
// from the environment, runs the workflow and prints its outputs as one JSON object. It uses
// only the standard library.
//
// Secrets never come from the command line's arguments (which other users of the machine
// can read in the process list): credentials are read only with -auth-env, and an error
// message never shows a credential, a value read with -input-env, or the value of an input
// that is secret (Input.Secret, or a name runtime.SecretName marks).
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/arazzogen/arazzogen/runtime"
)

// Input describes one workflow input.
type Input struct {
	Name string
	// Type is the JSON Schema type ("string", "integer", "number", "boolean", "object",
	// "array"), or "" when the schema does not say; -input values of type "string" are taken
	// as they are and every other value is read as JSON.
	Type     string
	Required bool
	// Secret marks an input whose value must never appear in a message (its schema has
	// `format: password`); inputs whose names runtime.SecretName marks are secret too.
	Secret bool
}

// Auth is one credential the command accepts with -auth-env NAME=ENVVAR.
type Auth struct {
	// Name is the source description's name, or "SOURCE.SCHEME" when the source has
	// several security schemes.
	Name string
	// Kind says what the variable holds, for -list: "bearer token", "api key",
	// "USER:PASSWORD" (http basic), "CLIENT_ID:CLIENT_SECRET" (oauth2 client credentials).
	// A Kind with a colon is a two-part credential: -auth-env refuses a value without one
	// (see SplitCredential) as a usage error, before anything runs.
	Kind string
}

// Workflow is one runnable workflow.
type Workflow struct {
	ID      string
	Summary string
	Inputs  []Input
	// Brokers names the AsyncAPI sources the workflow (or one it calls) sends messages to or
	// receives them from: the command connects to their brokers before it runs.
	Brokers []string
	// Run decodes the inputs (a JSON object) and runs the workflow.
	Run func(ctx context.Context, cfg Config, inputs []byte) (any, error)
}

// Server overrides a source's base URL.
type Server struct {
	Source, URL string
}

// Broker is an AsyncAPI source whose messages go through a broker; URL is the broker the
// command connects to without -broker (from the description's servers), "" when none.
type Broker struct {
	Source, URL string
}

// Transport is the connection to the broker of an AsyncAPI source, for the client's
// WithMessageTransport.
type Transport struct {
	Source    string
	Transport runtime.MessageTransport
}

// Config is what the generated client needs from the command line.
type Config struct {
	HTTPClient *http.Client
	Servers    []Server
	// Auth maps an Auth.Name to the secret read from the environment with -auth-env. The
	// generated command turns each into the credential its scheme needs, for example
	//
	//	if v, ok := cfg.Auth["prismaticGraphqlApi"]; ok {
	//		opts = append(opts, pkg.WithBearerToken("prismaticGraphqlApi", runtime.StaticToken(v)))
	//	}
	//
	// and, for schemes that need two values, splits them with SplitCredential.
	Auth map[string]string
	// Observer logs requests and responses, redacted, to standard error when -v is given;
	// nil otherwise.
	Observer runtime.Observer
	// Transports connect the AsyncAPI sources the workflow needs to their brokers (-broker);
	// the command closes them when the run ends.
	Transports []Transport
}

// SplitCredential splits an -auth-env value of the form ID:SECRET (http basic's
// USER:PASSWORD, oauth2's CLIENT_ID:CLIENT_SECRET) at its first colon, so the secret may
// hold colons. Its error names the credential, never the value.
func SplitCredential(name, value string) (id, secret string, err error) {
	id, secret, ok := strings.Cut(value, ":")
	if !ok || id == "" {
		return "", "", fmt.Errorf("-auth-env %s: the variable must hold ID:SECRET", name)
	}
	return id, secret, nil
}

// Command describes a generated command.
type Command struct {
	Name      string
	Sources   []string
	Workflows []Workflow
	// Auth lists the credentials -auth-env accepts; empty when the sources declare no
	// security schemes.
	Auth []Auth
	// Brokers lists the AsyncAPI sources, which -broker SOURCE=URL connects to a broker,
	// and Dial makes the connection (github.com/arazzogen/arazzogen/broker.Dial in generated
	// commands: nats:// and kafka:// URLs). Both are empty when no step sends or receives
	// messages.
	Brokers []Broker
	Dial    func(ctx context.Context, url string) (runtime.MessageTransport, error)
}

// Env is the process environment of a run, replaceable in tests.
type Env struct {
	Args   []string // without the program name
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// HTTPClient sends requests; a client with no timeout of its own when nil (the
	// -timeout flag bounds the whole run).
	HTTPClient *http.Client
}

// Exit statuses.
const (
	ExitOK      = 0
	ExitFailed  = 1 // the workflow failed
	ExitUsage   = 2 // bad command line or inputs
	DefaultWait = 5 * time.Minute
)

// Main runs the command with the process's arguments and environment and returns the exit
// status; generated main functions pass it to os.Exit.
func Main(cmd Command) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return Run(ctx, cmd, Env{Args: os.Args[1:], Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
}

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

// Run runs the command with the given environment and returns the exit status.
func Run(ctx context.Context, cmd Command, env Env) int {
	fs := flag.NewFlagSet(cmd.Name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var inputs, inputEnvs, servers, authEnvs, brokers multi
	list := fs.Bool("list", false, "list the workflows, their inputs and the credentials")
	inputsFile := fs.String("inputs", "", "read inputs from a JSON object in `FILE` (- for standard input)")
	fs.Var(&inputs, "input", "set input `NAME=VALUE` (repeatable)")
	fs.Var(&inputEnvs, "input-env", "set input NAME from environment variable ENVVAR: `NAME=ENVVAR` (repeatable)")
	fs.Var(&servers, "server", "replace the base URL of a source: `SOURCE=URL` (repeatable)")
	fs.Var(&authEnvs, "auth-env", "read the credential for a source from environment variable ENVVAR: `SOURCE=ENVVAR` (repeatable; see -list)")
	if len(cmd.Brokers) > 0 {
		fs.Var(&brokers, "broker", "connect an AsyncAPI source to the broker at URL (nats://HOST:PORT, kafka://HOST:PORT): `SOURCE=URL` (repeatable; see -list)")
	}
	timeout := fs.Duration("timeout", DefaultWait, "stop the workflow after `DURATION` (0: no limit)")
	verbose := fs.Bool("v", false, "log each request and response, with secrets redacted, to standard error")
	fs.Usage = func() {
		broker := ""
		if len(cmd.Brokers) > 0 {
			broker = " [-broker SOURCE=URL]..."
		}
		fmt.Fprintf(env.Stderr, "usage: %s -list\n       %s WORKFLOW_ID [-input NAME=VALUE]... [-input-env NAME=ENVVAR]... [-inputs FILE|-] [-auth-env SOURCE=ENVVAR]... [-server SOURCE=URL]...%s [-timeout DURATION] [-v]\n\nflags:\n", cmd.Name, cmd.Name, broker)
		fs.PrintDefaults()
	}
	// Flags may come before or after the workflow id.
	var positional []string
	args := env.Args
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return ExitOK
			}
			return ExitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if *list {
		printList(cmd, env.Stdout)
		return ExitOK
	}
	// Every value read from the environment, and every secret input, is redacted from what
	// the command prints.
	var secrets []string
	usage := func(format string, a ...any) int {
		fmt.Fprintf(env.Stderr, "%s: %s\n", cmd.Name, runtime.RedactString(fmt.Sprintf(format, a...), secrets...))
		return ExitUsage
	}
	if len(positional) != 1 {
		fs.Usage()
		return ExitUsage
	}
	i := slices.IndexFunc(cmd.Workflows, func(w Workflow) bool { return w.ID == positional[0] })
	if i < 0 {
		var ids []string
		for _, w := range cmd.Workflows {
			ids = append(ids, w.ID)
		}
		return usage("unknown workflow %q (known: %s)", positional[0], strings.Join(ids, ", "))
	}
	wf := cmd.Workflows[i]
	values, secrets, err := collectInputs(wf, env, *inputsFile, inputs, inputEnvs)
	if err != nil {
		return usage("%v", err)
	}
	for _, name := range argumentSecrets(wf, inputs) {
		fmt.Fprintf(env.Stderr, "%s: warning: input %s is secret; pass it with -input-env to keep it out of the process list\n", cmd.Name, name)
	}
	cfg := Config{HTTPClient: env.HTTPClient}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	for _, s := range servers {
		name, u, ok := strings.Cut(s, "=")
		if !ok || !slices.Contains(cmd.Sources, name) {
			return usage("-server %q: want SOURCE=URL with SOURCE one of %s", hideUserinfo(s), strings.Join(cmd.Sources, ", "))
		}
		cfg.Servers = append(cfg.Servers, Server{Source: name, URL: u})
	}
	for _, kv := range authEnvs {
		name, envVar, ok := strings.Cut(kv, "=")
		if !ok || envVar == "" {
			return usage("-auth-env %q: want SOURCE=ENVVAR", kv)
		}
		ai := slices.IndexFunc(cmd.Auth, func(a Auth) bool { return a.Name == name })
		if ai < 0 {
			if len(cmd.Auth) == 0 {
				return usage("-auth-env %s: %s takes no credentials (its sources declare no security schemes)", name, cmd.Name)
			}
			var names []string
			for _, a := range cmd.Auth {
				names = append(names, a.Name)
			}
			return usage("-auth-env %s: unknown credential (known: %s)", name, strings.Join(names, ", "))
		}
		v := env.Getenv(envVar)
		if v == "" {
			return usage("-auth-env %s: environment variable %s is not set", name, envVar)
		}
		if strings.Contains(cmd.Auth[ai].Kind, ":") {
			if _, _, err := SplitCredential(name, v); err != nil {
				return usage("%v", err)
			}
		}
		if cfg.Auth == nil {
			cfg.Auth = map[string]string{}
		}
		cfg.Auth[name] = v
		secrets = append(secrets, v)
		if _, secret, ok := strings.Cut(v, ":"); ok {
			secrets = append(secrets, secret) // the password or client secret of ID:SECRET
		}
	}
	brokerURLs := map[string]string{}
	for _, b := range brokers {
		name, u, ok := strings.Cut(b, "=")
		if !ok || u == "" || !slices.ContainsFunc(cmd.Brokers, func(x Broker) bool { return x.Source == name }) {
			var names []string
			for _, x := range cmd.Brokers {
				names = append(names, x.Source)
			}
			return usage("-broker %q: want SOURCE=URL with SOURCE one of %s", hideUserinfo(b), strings.Join(names, ", "))
		}
		brokerURLs[name] = u
		if pu, err := url.Parse(u); err == nil && pu.User != nil {
			if pw, ok := pu.User.Password(); ok {
				secrets = append(secrets, pw) // never shown, though given as an argument
			}
		}
	}
	for _, source := range wf.Brokers {
		if _, ok := brokerURLs[source]; ok {
			continue
		}
		i := slices.IndexFunc(cmd.Brokers, func(x Broker) bool { return x.Source == source })
		if i < 0 || cmd.Brokers[i].URL == "" {
			return usage("workflow %s sends or receives messages through source %s, whose description names no NATS or Kafka server: give -broker %s=nats://HOST:PORT (or kafka://HOST:PORT)", wf.ID, source, source)
		}
		brokerURLs[source] = cmd.Brokers[i].URL
	}
	if *verbose {
		h := slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
		cfg.Observer = runtime.SlogObserver(slog.New(h))
	}
	raw, err := json.Marshal(values)
	if err != nil {
		return usage("%v", err)
	}
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	for _, source := range wf.Brokers {
		u := brokerURLs[source]
		if cmd.Dial == nil {
			fmt.Fprintf(env.Stderr, "%s: source %s needs a message broker, and the command cannot connect to one\n", cmd.Name, source)
			return ExitFailed
		}
		t, err := cmd.Dial(ctx, u)
		if err != nil {
			fmt.Fprintf(env.Stderr, "%s: source %s: %s\n", cmd.Name, source, runtime.RedactString(err.Error(), secrets...))
			return ExitFailed
		}
		defer t.Close()
		cfg.Transports = append(cfg.Transports, Transport{Source: source, Transport: t})
	}
	out, err := wf.Run(ctx, cfg, raw)
	if err != nil {
		msg := strings.Join(strings.Fields(runtime.RedactString(err.Error(), secrets...)), " ")
		// Only when -timeout itself ran out: a request timeout also ends in DeadlineExceeded.
		if errors.Is(ctx.Err(), context.DeadlineExceeded) && *timeout > 0 {
			msg += fmt.Sprintf(" (-timeout %s)", *timeout)
		}
		fmt.Fprintf(env.Stderr, "%s: %s\n", cmd.Name, msg)
		return ExitFailed
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintf(env.Stderr, "%s: cannot print outputs: %v\n", cmd.Name, err)
		return ExitFailed
	}
	return ExitOK
}

func printList(cmd Command, w io.Writer) {
	for _, wf := range cmd.Workflows {
		fmt.Fprintf(w, "%s", wf.ID)
		if wf.Summary != "" {
			fmt.Fprintf(w, "\t%s", wf.Summary)
		}
		fmt.Fprintln(w)
		for _, in := range wf.Inputs {
			req := ""
			if in.Required {
				req = ", required"
			}
			typ := in.Type
			if typ == "" {
				typ = "any"
			}
			fmt.Fprintf(w, "  -input %s=<%s%s>\n", in.Name, typ, req)
		}
	}
	if len(cmd.Auth) > 0 {
		fmt.Fprintln(w, "credentials (-auth-env SOURCE=ENVVAR):")
		for _, a := range cmd.Auth {
			fmt.Fprintf(w, "  -auth-env %s=<%s>\n", a.Name, a.Kind)
		}
	}
	if len(cmd.Brokers) > 0 {
		fmt.Fprintln(w, "message brokers (-broker SOURCE=URL):")
		for _, b := range cmd.Brokers {
			def := "nats://HOST:PORT or kafka://HOST:PORT"
			if b.URL != "" {
				def += ", default " + b.URL
			}
			fmt.Fprintf(w, "  -broker %s=<%s>\n", b.Source, def)
		}
	}
}

// secretInput reports whether an input's value must be kept out of messages.
func secretInput(in Input) bool { return in.Secret || runtime.SecretName(in.Name) }

// argumentSecrets names the secret inputs given as -input arguments.
func argumentSecrets(wf Workflow, inputs []string) []string {
	var names []string
	for _, kv := range inputs {
		name, _, _ := strings.Cut(kv, "=")
		if i := slices.IndexFunc(wf.Inputs, func(in Input) bool { return in.Name == name }); i >= 0 && secretInput(wf.Inputs[i]) && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names
}

// hideUserinfo replaces the user info of a URL in a SOURCE=URL flag value, which may hold a
// password.
func hideUserinfo(s string) string {
	name, raw, ok := strings.Cut(s, "=")
	if u, err := url.Parse(raw); ok && err == nil && u.User != nil {
		u.User = url.User(runtime.Redacted)
		return name + "=" + u.String()
	}
	return s
}

// collectInputs merges, in increasing priority, -inputs, -input-env and -input values, and
// checks names and required inputs. It also returns the values to redact from messages:
// every value read from the environment and every value of a secret input.
func collectInputs(wf Workflow, env Env, file string, inputs, inputEnvs []string) (values map[string]json.RawMessage, secrets []string, err error) {
	values, err = mergeInputs(wf, env, file, inputs, inputEnvs, &secrets)
	if err != nil {
		return nil, secrets, err
	}
	for _, in := range wf.Inputs {
		raw, ok := values[in.Name]
		if !ok || !secretInput(in) {
			continue
		}
		// The value as given, and each string in it: a message may show a re-encoded
		// object or a single member.
		secrets = append(secrets, string(raw))
		var v any
		if json.Unmarshal(raw, &v) == nil {
			secrets = appendStrings(secrets, v)
		}
	}
	return values, secrets, nil
}

// appendStrings appends every string in a decoded JSON value, and the compact JSON of the
// value itself.
func appendStrings(dst []string, v any) []string {
	switch x := v.(type) {
	case string:
		return append(dst, x)
	case map[string]any:
		for _, m := range x {
			dst = appendStrings(dst, m)
		}
	case []any:
		for _, e := range x {
			dst = appendStrings(dst, e)
		}
	}
	if b, err := json.Marshal(v); err == nil {
		dst = append(dst, string(b))
	}
	return dst
}

func mergeInputs(wf Workflow, env Env, file string, inputs, inputEnvs []string, secrets *[]string) (map[string]json.RawMessage, error) {
	values := map[string]json.RawMessage{}
	known := map[string]Input{}
	for _, in := range wf.Inputs {
		known[in.Name] = in
	}
	if file != "" {
		var data []byte
		var err error
		if file == "-" {
			data, err = io.ReadAll(io.LimitReader(env.Stdin, 64<<20))
		} else {
			data, err = os.ReadFile(file)
		}
		if err != nil {
			return nil, fmt.Errorf("-inputs: %v", err)
		}
		if err := json.Unmarshal(data, &values); err != nil {
			return nil, fmt.Errorf("-inputs %s: want a JSON object: %v", file, err)
		}
		for name := range values {
			if _, ok := known[name]; !ok {
				return nil, fmt.Errorf("-inputs %s: workflow %s has no input %q", file, wf.ID, name)
			}
		}
	}
	set := func(flagName, name, value string) error {
		in, ok := known[name]
		if !ok {
			return fmt.Errorf("%s %s: workflow %s has no input %q%s", flagName, name, wf.ID, name, inputList(wf))
		}
		if in.Type == "string" {
			q, _ := json.Marshal(value)
			values[name] = q
			return nil
		}
		if !json.Valid([]byte(value)) {
			if in.Type == "" {
				q, _ := json.Marshal(value)
				values[name] = q
				return nil
			}
			return fmt.Errorf("%s %s: input of type %s must be written as JSON", flagName, name, in.Type)
		}
		values[name] = json.RawMessage(value)
		return nil
	}
	for _, kv := range inputEnvs {
		name, envVar, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("-input-env %q: want NAME=ENVVAR", kv)
		}
		v := env.Getenv(envVar)
		if v == "" {
			return nil, fmt.Errorf("-input-env %s: environment variable %s is not set", name, envVar)
		}
		*secrets = append(*secrets, v)
		if err := set("-input-env", name, v); err != nil {
			return nil, err
		}
	}
	for _, kv := range inputs {
		name, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("-input %q: want NAME=VALUE", kv)
		}
		if err := set("-input", name, v); err != nil {
			return nil, err
		}
	}
	var missing []string
	for _, in := range wf.Inputs {
		if _, ok := values[in.Name]; in.Required && !ok {
			missing = append(missing, in.Name)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("workflow %s needs input %s (set with -input NAME=VALUE or -input-env NAME=ENVVAR)", wf.ID, strings.Join(missing, ", "))
	}
	return values, nil
}

func inputList(wf Workflow) string {
	if len(wf.Inputs) == 0 {
		return " (it takes no inputs)"
	}
	var names []string
	for _, in := range wf.Inputs {
		names = append(names, in.Name)
	}
	return " (inputs: " + strings.Join(names, ", ") + ")"
}
