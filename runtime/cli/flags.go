package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/arazzogen/arazzogen/runtime"
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

// ClientFlags are the flags that configure the client of a run: -server SOURCE=URL,
// -auth-env NAME=ENVVAR, -token-url NAME=URL, -poll-interval DURATION and -max-step-runs N.
// Commands other than the generated one (an MCP server, say) register them to take the same
// flags.
type ClientFlags struct {
	servers, authEnvs, tokenURLs, brokers multi
	pollInterval                          setDuration
	maxStepRuns                           setInt
}

// Register defines -server, -auth-env, -token-url, -poll-interval and -max-step-runs on fs.
func (f *ClientFlags) Register(fs *flag.FlagSet) {
	fs.Var(&f.servers, "server", "replace the base URL of a source: `SOURCE=URL` (repeatable)")
	fs.Var(&f.authEnvs, "auth-env", "read the credential for a source from environment variable ENVVAR: `SOURCE=ENVVAR` (repeatable; see -list)")
	fs.Var(&f.tokenURLs, "token-url", "fetch the OAuth2 token of client credentials NAME from `NAME=URL` (repeatable; default: the description's tokenUrl, moved with -server when it is on the source's server)")
	fs.Var(&f.pollInterval, "poll-interval", "wait `DURATION` before a step that a goto action runs again, growing by half per further run up to 30s; a Retry-After header wins (default 1s; 0: only Retry-After)")
	fs.Var(&f.maxStepRuns, "max-step-runs", "fail when a step that goto or retry actions repeat would run more than `N` times in one workflow call (default 1000)")
}

// RegisterBrokers defines -broker on fs, for a command whose workflows send or receive
// messages (Command.Brokers).
func (f *ClientFlags) RegisterBrokers(fs *flag.FlagSet) {
	fs.Var(&f.brokers, "broker", "connect an AsyncAPI source to the broker at URL (nats://HOST:PORT, kafka://HOST:PORT): `SOURCE=URL` (repeatable; see -list)")
}

// BrokerURLs decides the broker of each AsyncAPI source wf needs: the -broker URL, else the
// one its description names. Its error is a usage error, which shows no password.
func (f *ClientFlags) BrokerURLs(cmd Command, wf Workflow) (map[string]string, error) {
	urls := map[string]string{}
	for _, b := range f.brokers {
		name, u, ok := strings.Cut(b, "=")
		if !ok || u == "" || !slices.ContainsFunc(cmd.Brokers, func(x Broker) bool { return x.Source == name }) {
			var names []string
			for _, x := range cmd.Brokers {
				names = append(names, x.Source)
			}
			return nil, fmt.Errorf("-broker %q: want SOURCE=URL with SOURCE one of %s", hideUserinfo(b), strings.Join(names, ", "))
		}
		urls[name] = u
	}
	for _, source := range wf.Brokers {
		if _, ok := urls[source]; ok {
			continue
		}
		i := slices.IndexFunc(cmd.Brokers, func(x Broker) bool { return x.Source == source })
		if i < 0 || cmd.Brokers[i].URL == "" {
			return nil, fmt.Errorf("workflow %s sends or receives messages through source %s, whose description names no NATS or Kafka server: give -broker %s=nats://HOST:PORT (or kafka://HOST:PORT)", wf.ID, source, source)
		}
		urls[source] = cmd.Brokers[i].URL
	}
	return urls, nil
}

// setDuration is a duration flag that knows whether it was given.
type setDuration struct {
	d   time.Duration
	set bool
}

func (v *setDuration) String() string { return v.d.String() }
func (v *setDuration) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return errors.New("want a duration of 0 or more, such as 2s or 500ms")
	}
	v.d, v.set = d, true
	return nil
}

// setInt is a positive integer flag that knows whether it was given.
type setInt struct {
	n   int
	set bool
}

func (v *setInt) String() string { return strconv.Itoa(v.n) }
func (v *setInt) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return errors.New("want a whole number of 1 or more")
	}
	v.n, v.set = n, true
	return nil
}

// Apply sets cfg.Servers, cfg.Auth, cfg.TokenURLs, cfg.PollInterval and cfg.MaxStepRuns from
// the flags, reading credentials with getenv. It returns the values to redact from
// everything printed (each credential, and the secret part of an ID:SECRET credential); its
// error is a usage error that shows none of them.
func (f *ClientFlags) Apply(cmd Command, getenv func(string) string, cfg *Config) (secrets []string, err error) {
	for _, s := range f.servers {
		name, u, ok := strings.Cut(s, "=")
		if !ok || !slices.Contains(cmd.Sources, name) {
			return secrets, fmt.Errorf("-server %q: want SOURCE=URL with SOURCE one of %s", hideUserinfo(s), strings.Join(cmd.Sources, ", "))
		}
		cfg.Servers = append(cfg.Servers, Server{Source: name, URL: u})
	}
	if f.pollInterval.set {
		cfg.PollInterval = &f.pollInterval.d
	}
	if f.maxStepRuns.set {
		cfg.MaxStepRuns = f.maxStepRuns.n
	}
	for _, kv := range f.tokenURLs {
		name, u, ok := strings.Cut(kv, "=")
		var names []string
		for _, a := range cmd.Auth {
			if a.Kind == clientCredentialsKind {
				names = append(names, a.Name)
			}
		}
		if !ok || u == "" || !slices.Contains(names, name) {
			if len(names) == 0 {
				return secrets, fmt.Errorf("-token-url %q: %s has no OAuth2 client credentials", hideUserinfo(kv), cmd.Name)
			}
			return secrets, fmt.Errorf("-token-url %q: want NAME=URL with NAME one of %s", hideUserinfo(kv), strings.Join(names, ", "))
		}
		cfg.TokenURLs = append(cfg.TokenURLs, TokenURL{Name: name, URL: u})
	}
	for _, b := range f.brokers {
		_, u, _ := strings.Cut(b, "=")
		if pu, err := url.Parse(u); err == nil && pu.User != nil {
			if pw, ok := pu.User.Password(); ok {
				secrets = append(secrets, pw) // never shown, though given as an argument
			}
		}
	}
	for _, kv := range f.authEnvs {
		name, envVar, ok := strings.Cut(kv, "=")
		if !ok || envVar == "" {
			return secrets, fmt.Errorf("-auth-env %q: want SOURCE=ENVVAR", kv)
		}
		ai := slices.IndexFunc(cmd.Auth, func(a Auth) bool { return a.Name == name })
		if ai < 0 {
			if len(cmd.Auth) == 0 {
				return secrets, fmt.Errorf("-auth-env %s: %s takes no credentials (its sources declare no security schemes)", name, cmd.Name)
			}
			var names []string
			for _, a := range cmd.Auth {
				names = append(names, a.Name)
			}
			return secrets, fmt.Errorf("-auth-env %s: unknown credential (known: %s)", name, strings.Join(names, ", "))
		}
		v := getenv(envVar)
		if v == "" {
			return secrets, fmt.Errorf("-auth-env %s: environment variable %s is not set", name, envVar)
		}
		if strings.Contains(cmd.Auth[ai].Kind, ":") {
			if _, _, err := SplitCredential(name, v); err != nil {
				return secrets, err
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
	return secrets, nil
}

// InputFlags are the flags that give a workflow its inputs: -input NAME=VALUE, -input-env
// NAME=ENVVAR and -inputs FILE|-.
type InputFlags struct {
	inputs, inputEnvs multi
	file              string
}

// Register defines -input, -input-env and -inputs on fs.
func (f *InputFlags) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.file, "inputs", "", "read inputs from a JSON object in `FILE` (- for standard input)")
	fs.Var(&f.inputs, "input", "set input `NAME=VALUE` (repeatable, once per input)")
	fs.Var(&f.inputEnvs, "input-env", "set input NAME from environment variable ENVVAR: `NAME=ENVVAR` (repeatable, once per input)")
}

// Values assembles the inputs of wf: those of -inputs, overridden by -input-env and -input
// (an input may be given once by those two), each read by its schema type. It checks names
// and required inputs, and returns the values to redact from everything printed: every value
// read from the environment and every value of a secret input. Its error is a usage error.
func (f *InputFlags) Values(wf Workflow, env Env) (values map[string]json.RawMessage, secrets []string, err error) {
	values, err = f.merge(wf, env, &secrets)
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

// SecretArguments names the secret inputs given as -input arguments, which other users of
// the machine can read in the process list.
func (f *InputFlags) SecretArguments(wf Workflow) []string {
	var names []string
	for _, kv := range f.inputs {
		name, _, _ := strings.Cut(kv, "=")
		if i := slices.IndexFunc(wf.Inputs, func(in Input) bool { return in.Name == name }); i >= 0 && secretInput(wf.Inputs[i]) && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names
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

func (f *InputFlags) merge(wf Workflow, env Env, secrets *[]string) (map[string]json.RawMessage, error) {
	values := map[string]json.RawMessage{}
	known := map[string]Input{}
	for _, in := range wf.Inputs {
		known[in.Name] = in
	}
	if f.file != "" {
		var data []byte
		var err error
		if f.file == "-" {
			data, err = io.ReadAll(io.LimitReader(env.Stdin, 64<<20))
		} else {
			data, err = os.ReadFile(f.file)
		}
		if err != nil {
			return nil, fmt.Errorf("-inputs: %v", err)
		}
		if err := json.Unmarshal(data, &values); err != nil {
			return nil, fmt.Errorf("-inputs %s: want a JSON object: %v", f.file, err)
		}
		for _, name := range slices.Sorted(maps.Keys(values)) {
			in, ok := known[name]
			if !ok && wf.Open {
				continue // an input nothing reads; reported and dropped by Run
			}
			if !ok {
				return nil, fmt.Errorf("-inputs %s: workflow %s has no input %q", f.file, wf.ID, name)
			}
			if err := checkType(in, values[name]); err != nil {
				return nil, fmt.Errorf("-inputs %s: %v", f.file, err)
			}
		}
	}
	given := map[string]string{} // input name → the flag that set it on the command line
	set := func(flagName, name, value string) error {
		in, ok := known[name]
		if !ok && wf.Open {
			in = Input{Name: name} // an input nothing reads; reported and dropped by Run
		} else if !ok {
			return fmt.Errorf("%s %s: workflow %s has no input %q%s", flagName, name, wf.ID, name, inputList(wf))
		}
		if first, dup := given[name]; dup {
			return fmt.Errorf("%s %s: input %s is already set by %s; give each input once", flagName, name, name, first)
		}
		given[name] = flagName
		v, err := in.Value(flagName, value)
		if err != nil {
			return err
		}
		if err := checkType(in, v); err != nil {
			return fmt.Errorf("%s %s: %v", flagName, name, err)
		}
		values[name] = v
		return nil
	}
	for _, kv := range f.inputEnvs {
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
	for _, kv := range f.inputs {
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

// unreadInputs names, in order, the inputs given to an open workflow (Workflow.Open) that
// it does not have.
func unreadInputs(wf Workflow, values map[string]json.RawMessage) []string {
	if !wf.Open {
		return nil
	}
	var names []string
	for name := range values {
		if !slices.ContainsFunc(wf.Inputs, func(in Input) bool { return in.Name == name }) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// secretInput reports whether an input's value must be kept out of messages.
func secretInput(in Input) bool { return in.Secret || runtime.SecretName(in.Name) }

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

// Value reads the text of an input given by a flag (-input, -input-env): as it is for a
// string input, as JSON for the other types, and as JSON when it is JSON else as a string
// when the schema gives no type. Its error names the flag and the input, never the text.
func (in Input) Value(flagName, text string) (json.RawMessage, error) {
	if in.Type != "string" && json.Valid([]byte(text)) {
		return json.RawMessage(text), nil
	}
	if in.Type != "string" && in.Type != "" {
		return nil, fmt.Errorf("%s %s: input of type %s must be written as JSON", flagName, in.Name, in.Type)
	}
	q, err := json.Marshal(text)
	return q, err
}

// checkType reports a value whose JSON type is not the input's schema type, naming the input
// and both types but never the value (the input may be secret). null stands for an absent
// optional input.
func checkType(in Input, raw json.RawMessage) error {
	got := jsonKind(raw)
	if in.Type == "" || got == in.Type || got == "integer" && in.Type == "number" || got == "null" && !in.Required {
		return nil
	}
	if got == "number" && in.Type == "integer" {
		return fmt.Errorf("input %s must be an integer, got a number with a fraction or exponent", in.Name)
	}
	return fmt.Errorf("input %s must be %s, got %s", in.Name, article(in.Type), article(got))
}

// jsonKind is the JSON Schema type of one JSON value: "integer" for a number written without
// fraction or exponent.
func jsonKind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "null"
	}
	switch raw[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	if bytes.ContainsAny(raw, ".eE") {
		return "number"
	}
	return "integer"
}

func article(jsonType string) string {
	switch jsonType {
	case "integer", "object", "array":
		return "an " + jsonType
	case "null":
		return "null"
	}
	return "a " + jsonType
}

// InputError is the error of inputs that do not decode into a workflow's inputs type (a
// member of an object input with the wrong type); the generated Run returns it, and the
// command exits with ExitUsage, naming the input and the type it needs.
type InputError struct{ Err error }

func (e *InputError) Error() string {
	var te *json.UnmarshalTypeError
	if errors.As(e.Err, &te) && te.Field != "" {
		got, _, _ := strings.Cut(te.Value, " ") // "number 1.5": the kind, not the value
		return fmt.Sprintf("input %s must be %s, got %s", te.Field, article(goJSONType(te.Type)), article(got))
	}
	return "inputs: " + e.Err.Error()
}

func (e *InputError) Unwrap() error { return e.Err }

// goJSONType is the JSON Schema type a Go type decodes from.
func goJSONType(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "null"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct:
		if t.PkgPath() == "time" && t.Name() == "Time" {
			return "string"
		}
		return "object"
	case reflect.Map:
		return "object"
	}
	return t.String()
}
