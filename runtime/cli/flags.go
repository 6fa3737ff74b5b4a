package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/arazzogen/arazzogen/runtime"
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

// ClientFlags are the flags that configure the client of a run: -server SOURCE=URL and
// -auth-env NAME=ENVVAR. Commands other than the generated one (an MCP server, say) register
// them to take the same flags.
type ClientFlags struct {
	servers, authEnvs, brokers multi
}

// Register defines -server and -auth-env on fs.
func (f *ClientFlags) Register(fs *flag.FlagSet) {
	fs.Var(&f.servers, "server", "replace the base URL of a source: `SOURCE=URL` (repeatable)")
	fs.Var(&f.authEnvs, "auth-env", "read the credential for a source from environment variable ENVVAR: `SOURCE=ENVVAR` (repeatable; see -list)")
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

// Apply sets cfg.Servers and cfg.Auth from the flags, reading credentials with getenv. It
// returns the values to redact from everything printed (each credential, and the secret
// part of an ID:SECRET credential); its error is a usage error that shows none of them.
func (f *ClientFlags) Apply(cmd Command, getenv func(string) string, cfg *Config) (secrets []string, err error) {
	for _, s := range f.servers {
		name, u, ok := strings.Cut(s, "=")
		if !ok || !slices.Contains(cmd.Sources, name) {
			return secrets, fmt.Errorf("-server %q: want SOURCE=URL with SOURCE one of %s", hideUserinfo(s), strings.Join(cmd.Sources, ", "))
		}
		cfg.Servers = append(cfg.Servers, Server{Source: name, URL: u})
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
		for name := range values {
			if _, ok := known[name]; !ok {
				return nil, fmt.Errorf("-inputs %s: workflow %s has no input %q", f.file, wf.ID, name)
			}
		}
	}
	given := map[string]string{} // input name → the flag that set it on the command line
	set := func(flagName, name, value string) error {
		in, ok := known[name]
		if !ok {
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
