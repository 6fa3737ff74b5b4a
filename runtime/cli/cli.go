// Package cli is the driver of commands generated with arazzogen -cli: it parses the command
// line, assembles workflow inputs from flags, files and the environment, runs the workflow
// and prints its outputs as one JSON object. It uses only the standard library.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"time"
)

// Input describes one workflow input.
type Input struct {
	Name string
	// Type is the JSON Schema type ("string", "integer", "number", "boolean", "object",
	// "array"), or "" when the schema does not say; -input values of type "string" are taken
	// as they are and every other value is read as JSON.
	Type     string
	Required bool
}

// Workflow is one runnable workflow.
type Workflow struct {
	ID      string
	Summary string
	Inputs  []Input
	// Run decodes the inputs (a JSON object) and runs the workflow.
	Run func(ctx context.Context, cfg Config, inputs []byte) (any, error)
}

// Server overrides a source's base URL.
type Server struct {
	Source, URL string
}

// Config is what the generated client needs from the command line.
type Config struct {
	HTTPClient *http.Client
	Servers    []Server
}

// Command describes a generated command.
type Command struct {
	Name      string
	Sources   []string
	Workflows []Workflow
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
	var inputs, inputEnvs, servers multi
	list := fs.Bool("list", false, "list the workflows and their inputs")
	inputsFile := fs.String("inputs", "", "read inputs from a JSON object in `FILE` (- for standard input)")
	fs.Var(&inputs, "input", "set input `NAME=VALUE` (repeatable)")
	fs.Var(&inputEnvs, "input-env", "set input NAME from environment variable ENVVAR: `NAME=ENVVAR` (repeatable)")
	fs.Var(&servers, "server", "replace the base URL of a source: `SOURCE=URL` (repeatable)")
	timeout := fs.Duration("timeout", DefaultWait, "stop the workflow after `DURATION` (0: no limit)")
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "usage: %s -list\n       %s WORKFLOW_ID [-input NAME=VALUE]... [-input-env NAME=ENVVAR]... [-inputs FILE|-] [-server SOURCE=URL]... [-timeout DURATION]\n\nflags:\n", cmd.Name, cmd.Name)
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
	usage := func(format string, a ...any) int {
		fmt.Fprintf(env.Stderr, "%s: %s\n", cmd.Name, fmt.Sprintf(format, a...))
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
	values, err := collectInputs(wf, env, *inputsFile, inputs, inputEnvs)
	if err != nil {
		return usage("%v", err)
	}
	cfg := Config{HTTPClient: env.HTTPClient}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	for _, s := range servers {
		name, u, ok := strings.Cut(s, "=")
		if !ok || !slices.Contains(cmd.Sources, name) {
			return usage("-server %q: want SOURCE=URL with SOURCE one of %s", s, strings.Join(cmd.Sources, ", "))
		}
		cfg.Servers = append(cfg.Servers, Server{Source: name, URL: u})
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
	out, err := wf.Run(ctx, cfg, raw)
	if err != nil {
		msg := strings.Join(strings.Fields(err.Error()), " ")
		if errors.Is(err, context.DeadlineExceeded) && *timeout > 0 {
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
}

// collectInputs merges, in increasing priority, -inputs, -input-env and -input values, and
// checks names and required inputs.
func collectInputs(wf Workflow, env Env, file string, inputs, inputEnvs []string) (map[string]json.RawMessage, error) {
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
