// Package cli is the driver of commands generated with arazzogen -cli: it parses the command
// line, assembles workflow inputs from flags, files and the environment, reads credentials
// from the environment, runs the workflow and prints its outputs as one JSON object, writes
// test reports (runtime/report) and GitHub Actions outputs for CI jobs, and can show what a
// run would send without sending it. It uses only the standard library.
//
// Secrets never come from the command line's arguments (which other users of the machine
// can read in the process list): credentials are read only with -auth-env, and no message,
// trace or report shows a credential, a value read with -input-env, or the value of an input
// that is secret (Input.Secret, or a name runtime.SecretName marks).
//
// ClientFlags and InputFlags hold the flags that configure a client and give a workflow its
// inputs, for other commands that run workflows the same way.
package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/arazzogen/arazzogen/runtime"
	"github.com/arazzogen/arazzogen/runtime/report"
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
	// Default is the JSON text of the schema's default, which the workflow applies when
	// the input is not given; -list and -help show it.
	Default string
}

// Output describes one workflow output, a member of the JSON object the command prints.
type Output struct {
	Name string
	// Type is the JSON type of the value ("string", "integer", "number", "boolean",
	// "object", "array"), or "" when the schema does not say.
	Type string
	// Secret marks an output whose value is secret by its name, schema or origin (a secret
	// input or credential): -mask-secrets shows it as "[REDACTED]".
	Secret bool
}

// Step describes one step of a workflow, for -help and -dry-run.
type Step struct {
	ID string
	// Operation is what the step calls: "POST /auth/refresh (refreshAuthToken)" or
	// "workflow other-workflow".
	Operation string
	// Criteria are the success criteria, as the document writes them.
	Criteria []string
	// Actions describe the success and failure actions in the order they are tried, such
	// as "on failure: retry after 2s, at most 3 times, when $statusCode == 503".
	Actions []string
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
	ID          string
	Summary     string
	Description string
	Inputs      []Input
	Outputs     []Output
	Steps       []Step
	// Open marks a workflow whose document declares no inputs schema: like an interpreter,
	// the command accepts inputs it does not know, with a warning, and ignores them (the
	// workflow never reads them).
	Open bool
	// Brokers names the AsyncAPI sources the workflow (or one it calls) sends messages to or
	// receives them from: the command connects to their brokers before it runs.
	Brokers []string
	// Run decodes the inputs (a JSON object) and runs the workflow.
	Run func(ctx context.Context, cfg Config, inputs []byte) (any, error)
}

// Document describes the Arazzo document a command was generated from, for -version and
// -help.
type Document struct {
	File    string // base name of the document
	Title   string // info.title
	Version string // info.version
	Arazzo  string // the Arazzo version it declares
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

// TokenURL sets the token URL of an OAuth2 client credentials credential (-token-url).
type TokenURL struct {
	Name, URL string
}

// clientCredentialsKind is the Auth.Kind of an OAuth2 client credentials credential.
const clientCredentialsKind = "CLIENT_ID:CLIENT_SECRET"

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
	// Observer is told about the run: the -v trace, the -report recorders and -dry-run;
	// nil when none of them is asked for.
	Observer runtime.Observer
	// Transports connect the AsyncAPI sources the workflow needs to their brokers (-broker);
	// the command closes them when the run ends.
	Transports []Transport
	// TokenURLs replace the token URLs of OAuth2 client credentials (-token-url NAME=URL),
	// for the generated command's WithTokenURL options.
	TokenURLs []TokenURL
	// PollInterval is the wait before a step a goto runs again (-poll-interval, for
	// WithPollInterval); nil leaves the client's default, runtime.DefaultPollInterval.
	PollInterval *time.Duration
	// MaxStepRuns bounds the runs of a step that goto or retry actions repeat
	// (-max-step-runs, for WithMaxStepRuns); 0 leaves the client's default,
	// runtime.DefaultMaxRuns.
	MaxStepRuns int
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
	// Document is what the command was generated from.
	Document Document
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
// status; generated main functions pass it to os.Exit. SIGINT (Ctrl-C) and SIGTERM (what CI
// systems send to cancel a job) cancel the run: it stops at once, naming the step, and
// its reports are written. A second signal ends the process.
func Main(cmd Command) int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		s, ok := <-sigs
		if !ok {
			return
		}
		signal.Stop(sigs) // a second signal kills the process
		cancel(&signalError{s})
	}()
	return Run(ctx, cmd, Env{Args: os.Args[1:], Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
}

// signalError is the cancellation cause of a run stopped by a signal.
type signalError struct{ sig os.Signal }

func (e *signalError) Error() string { return "stopped by signal: " + e.sig.String() }

// reportFlag is one -report FORMAT[=FILE].
type reportFlag struct {
	format, file string // file "" is standard output
}

type reportFlags []reportFlag

func (r *reportFlags) String() string { return "" }
func (r *reportFlags) Set(v string) error {
	format, file, hasFile := strings.Cut(v, "=")
	switch format {
	case "junit", "tap", "json":
	default:
		return fmt.Errorf("want junit, tap or json, then =FILE (standard output without one)")
	}
	if hasFile && file == "" {
		return fmt.Errorf("-report %s=: want a file name", format)
	}
	*r = append(*r, reportFlag{format, file})
	return nil
}

// options are the parsed command line.
type options struct {
	inputs       InputFlags
	client       ClientFlags
	list, ver    bool
	timeout      time.Duration
	verbose      bool
	reports      reportFlags
	errorFormat  string
	dryRun       bool
	output       string
	githubOutput bool
	maskSecrets  bool
}

func (o *options) register(fs *flag.FlagSet) {
	fs.BoolVar(&o.list, "list", false, "list the workflows, their inputs and the credentials")
	fs.BoolVar(&o.ver, "version", false, "print the document the command was generated from and the arazzogen version")
	o.inputs.Register(fs)
	o.client.Register(fs)
	fs.DurationVar(&o.timeout, "timeout", DefaultWait, "stop the workflow after `DURATION` (0: no limit)")
	fs.BoolVar(&o.verbose, "v", false, "trace each request (URL, headers, body) and response, secrets redacted and bodies cut to 4 KiB, to standard error")
	fs.Var(&o.reports, "report", "write a test report, one test case per step run: `FORMAT[=FILE]`, FORMAT junit, tap or json, to standard output without FILE (repeatable)")
	fs.StringVar(&o.errorFormat, "error-format", "text", "print errors and warnings on standard error as `text` lines or json objects (one a line)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "send nothing: print the requests the first step would send (secrets redacted) and the plan of steps")
	fs.StringVar(&o.output, "output", "", "write the outputs to `FILE` (mode 0600) instead of standard output")
	fs.BoolVar(&o.githubOutput, "github-output", false, "also append the outputs to the file $GITHUB_OUTPUT names (GitHub Actions step outputs)")
	fs.BoolVar(&o.maskSecrets, "mask-secrets", false, "print secret outputs as \"[REDACTED]\" on standard output (files keep them); under GitHub Actions also emit ::add-mask:: for them")
}

// errorFormatOf finds -error-format among the arguments before they are parsed, so that
// even a flag error is printed in the format asked for.
func errorFormatOf(args []string) string {
	for i, a := range args {
		if a == "--" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name != "error-format" || !strings.HasPrefix(a, "-") {
			continue
		}
		if !hasValue && i+1 < len(args) {
			value = args[i+1]
		}
		return value
	}
	return "text"
}

// Run runs the command with the given environment and returns the exit status.
func Run(ctx context.Context, cmd Command, env Env) int {
	var secrets []string
	rep := &reporter{name: cmd.Name, w: env.Stderr, json: errorFormatOf(env.Args) == "json", secrets: &secrets}

	var o options
	fs := flag.NewFlagSet(cmd.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed by rep
	o.register(fs)
	if len(cmd.Brokers) > 0 {
		o.client.RegisterBrokers(fs)
	}
	// Flags may come before or after the workflow id.
	var positional []string
	args := env.Args
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			if wf, ok := findWorkflow(cmd, positional); ok {
				printWorkflowHelp(cmd, wf, env.Stdout)
			} else {
				printHelp(cmd, fs, env.Stdout)
			}
			return ExitOK
		}
		if err != nil {
			return rep.usage("%v (%s -help lists the flags)", err, cmd.Name)
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if o.errorFormat != "text" && o.errorFormat != "json" {
		return rep.usage("-error-format %q: want text or json", o.errorFormat)
	}
	switch {
	case o.ver:
		printVersion(cmd, env.Stdout)
		return ExitOK
	case o.list:
		printList(cmd, env.Stdout)
		return ExitOK
	case len(positional) == 0:
		return rep.usage("name a workflow to run: %s WORKFLOW [flags] (%s -list names them, %s -help says more)", cmd.Name, cmd.Name, cmd.Name)
	case len(positional) > 1:
		return rep.usage("one workflow at a time (got %s)", strings.Join(positional, ", "))
	}
	wf, ok := findWorkflow(cmd, positional)
	if !ok {
		var ids []string
		for _, w := range cmd.Workflows {
			ids = append(ids, w.ID)
		}
		return rep.usage("unknown workflow %q (known: %s)", positional[0], strings.Join(ids, ", "))
	}

	// Every value read from the environment, and every secret input, is redacted from what
	// the command prints.
	values, inputSecrets, err := o.inputs.Values(wf, env)
	secrets = append(secrets, inputSecrets...)
	if err != nil {
		return rep.usage("%v", err)
	}
	for _, name := range unreadInputs(wf, values) {
		rep.warn("workflow %s reads no input %q; ignoring it", wf.ID, name)
		delete(values, name)
	}
	cfg := Config{HTTPClient: env.HTTPClient}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	authSecrets, err := o.client.Apply(cmd, env.Getenv, &cfg)
	secrets = append(secrets, authSecrets...)
	if err != nil {
		return rep.usage("%v", err)
	}
	if code := o.check(cmd, env, rep); code != ExitOK {
		return code
	}
	brokers, err := o.client.BrokerURLs(cmd, wf)
	if err != nil {
		return rep.usage("%v", err)
	}
	for _, name := range o.inputs.SecretArguments(wf) {
		rep.warn("input %s is secret; pass it with -input-env to keep it out of the process list", name)
	}
	raw, err := json.Marshal(values)
	if err != nil {
		return rep.usage("%v", err)
	}

	// Reports are created before anything is sent, so that a path that cannot be written
	// is a usage error, and written whatever happens to the run.
	reports, code := openReports(o.reports, cmd.Name, env, rep)
	if code != ExitOK {
		return code
	}
	var observers []runtime.Observer
	for _, r := range reports {
		r.rec.Secret(secrets...)
		observers = append(observers, r.rec)
	}
	if o.verbose {
		var h slog.Handler = slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
		if rep.json {
			h = slog.NewJSONHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
		}
		observers = append(observers, runtime.SlogTraceObserver(slog.New(redactingHandler{h, secrets})))
	}
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	var dry *dryRun
	if o.dryRun {
		var cancel context.CancelCauseFunc
		ctx, cancel = context.WithCancelCause(ctx)
		defer cancel(nil)
		dry = &dryRun{cancel: cancel}
		observers = append(observers, dry)
		cfg.HTTPClient = &http.Client{Transport: dry}
	}
	if len(observers) > 0 {
		cfg.Observer = runtime.MultiObserver(observers...)
	}
	for _, source := range wf.Brokers {
		if dry != nil {
			// A dry run publishes nothing either: the first message ends it as the first
			// request does.
			cfg.Transports = append(cfg.Transports, Transport{Source: source, Transport: dry})
			continue
		}
		if cmd.Dial == nil {
			return rep.failure(fmt.Errorf("source %s needs a message broker, and the command cannot connect to one", source), "")
		}
		t, err := cmd.Dial(ctx, brokers[source])
		if err != nil {
			return rep.failure(fmt.Errorf("source %s: %w", source, err), stopNote(ctx, o.timeout))
		}
		defer t.Close()
		cfg.Transports = append(cfg.Transports, Transport{Source: source, Transport: t})
	}

	out, runErr := wf.Run(ctx, cfg, raw)
	if ie := (*InputError)(nil); errors.As(runErr, &ie) {
		return rep.usage("%v", ie)
	}

	if dry != nil {
		if runErr != nil && !errors.Is(context.Cause(ctx), errDryRun) {
			rep.failure(runErr, "")
		}
		dry.print(env.Stdout, wf, secrets)
		return ExitOK
	}
	code = ExitOK
	if runErr != nil {
		code = rep.failure(runErr, stopNote(ctx, o.timeout))
	} else if code = o.writeOutputs(out, wf, env, rep, secrets); code != ExitOK {
		runErr = errors.New("the outputs could not be written")
	}
	if code := closeReports(ctx, reports, wf.ID, runErr, rep); code != ExitOK {
		return code
	}
	return code
}

func findWorkflow(cmd Command, positional []string) (Workflow, bool) {
	if len(positional) != 1 {
		return Workflow{}, false
	}
	i := slices.IndexFunc(cmd.Workflows, func(w Workflow) bool { return w.ID == positional[0] })
	if i < 0 {
		return Workflow{}, false
	}
	return cmd.Workflows[i], true
}

// check refuses combinations of flags that cannot work, before anything is sent.
func (o *options) check(cmd Command, env Env, rep *reporter) int {
	stdoutReports := 0
	for _, r := range o.reports {
		if r.file == "" {
			stdoutReports++
		}
	}
	switch {
	case o.dryRun && (len(o.reports) > 0 || o.output != "" || o.githubOutput):
		return rep.usage("-dry-run sends nothing, so it writes no report and no outputs (drop -report, -output and -github-output)")
	case stdoutReports > 1:
		return rep.usage("only one -report can go to standard output; give the others a file (-report FORMAT=FILE)")
	case stdoutReports == 1 && o.output == "" && !o.githubOutput:
		return rep.usage("-report without a file writes to standard output, where the outputs go; write them to a file with -output FILE (or -github-output)")
	case o.githubOutput && env.Getenv("GITHUB_OUTPUT") == "":
		return rep.usage("-github-output: GITHUB_OUTPUT is not set (GitHub Actions sets it for each step)")
	}
	return ExitOK
}

// stopNote says what stopped a run that did not fail by itself: -timeout, or a signal.
func stopNote(ctx context.Context, timeout time.Duration) string {
	var se *signalError
	switch cause := context.Cause(ctx); {
	case errors.As(cause, &se):
		return se.Error()
	// Only when -timeout itself ran out: a request timeout also ends in DeadlineExceeded.
	case errors.Is(ctx.Err(), context.DeadlineExceeded) && timeout > 0:
		return fmt.Sprintf("-timeout %s", timeout)
	}
	return ""
}

// writeOutputs prints the outputs (masked with -mask-secrets) or writes them to -output's
// file, appends them to $GITHUB_OUTPUT with -github-output, and emits ::add-mask:: for
// secret outputs under GitHub Actions with -mask-secrets.
func (o *options) writeOutputs(out any, wf Workflow, env Env, rep *reporter, secrets []string) int {
	compact, err := encodeOutputs(out)
	if err != nil {
		return rep.failure(fmt.Errorf("workflow %s: %v", wf.ID, err), "")
	}
	printed := compact
	if o.maskSecrets && o.output == "" {
		if printed, err = maskOutputs(compact, wf.Outputs, secrets); err != nil {
			return rep.failure(fmt.Errorf("workflow %s: cannot mask its outputs: %v", wf.ID, err), "")
		}
	}
	text, err := indent(printed, MaxOutputBytes)
	if err != nil {
		return rep.failure(fmt.Errorf("workflow %s: %v", wf.ID, err), "")
	}
	if o.maskSecrets && env.Getenv("GITHUB_ACTIONS") == "true" {
		// On standard error, which the runner reads for workflow commands as it does
		// standard output, so that standard output stays one JSON object.
		if err := addMasks(env.Stderr, compact, wf.Outputs); err != nil {
			return rep.failure(fmt.Errorf("workflow %s: %v", wf.ID, err), "")
		}
	}
	if o.githubOutput {
		lines, err := githubOutputs(compact)
		if err == nil {
			err = appendFile(env.Getenv("GITHUB_OUTPUT"), lines)
		}
		if err != nil {
			return rep.failure(fmt.Errorf("-github-output: %v", err), "")
		}
	}
	if o.output != "" {
		if err := writeFile(o.output, text); err != nil {
			return rep.failure(fmt.Errorf("-output: %v", err), "")
		}
		return ExitOK
	}
	if _, err := env.Stdout.Write(text); err != nil {
		return rep.failure(fmt.Errorf("cannot print outputs: %v", err), "")
	}
	return ExitOK
}

// openReport is a -report being written.
type openReport struct {
	flag reportFlag
	rec  *report.Recorder
	w    io.Writer
	f    *os.File // nil for standard output
}

func openReports(flags reportFlags, name string, env Env, rep *reporter) ([]*openReport, int) {
	var open []*openReport
	for _, rf := range flags {
		r := &openReport{flag: rf, rec: report.New(name), w: env.Stdout}
		if rf.file != "" {
			f, err := createFile(rf.file)
			if err != nil {
				for _, o := range open {
					if o.f != nil {
						o.f.Close()
					}
				}
				return nil, rep.usage("-report %s=%s: %v", rf.format, rf.file, err)
			}
			r.f, r.w = f, f
		}
		open = append(open, r)
	}
	return open, ExitOK
}

// closeReports writes and closes every report. A run that failed before its workflow
// started (inputs that do not decode) still shows as a failed workflow.
func closeReports(ctx context.Context, reports []*openReport, workflow string, runErr error, rep *reporter) int {
	code := ExitOK
	for _, r := range reports {
		if runErr != nil && len(r.rec.Suites()) == 0 {
			r.rec.WorkflowEnd(r.rec.WorkflowStart(ctx, runtime.WorkflowEvent{Workflow: workflow}), runtime.WorkflowEvent{Workflow: workflow, Err: runErr})
		}
		var buf bytes.Buffer
		var err error
		switch r.flag.format {
		case "junit":
			err = r.rec.WriteJUnit(&buf)
		case "tap":
			err = r.rec.WriteTAP(&buf)
		case "json":
			err = r.rec.WriteJSON(&buf)
		}
		if err == nil {
			_, err = r.w.Write(buf.Bytes())
		}
		if r.f != nil {
			if cerr := r.f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			code = rep.failure(fmt.Errorf("-report %s: %v", r.flag.format, err), "")
		}
	}
	return code
}

// redactingHandler redacts the command's secrets (values read from the environment, secret
// inputs) from the -v trace, beyond what the run redacts itself.
type redactingHandler struct {
	slog.Handler
	secrets []string
}

func (h redactingHandler) Handle(ctx context.Context, r slog.Record) error {
	if len(h.secrets) == 0 {
		return h.Handler.Handle(ctx, r)
	}
	out := slog.NewRecord(r.Time, r.Level, runtime.RedactString(r.Message, h.secrets...), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.redact(a))
		return true
	})
	return h.Handler.Handle(ctx, out)
}

func (h redactingHandler) redact(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, runtime.RedactString(v.String(), h.secrets...))
	case slog.KindGroup:
		attrs := v.Group()
		red := make([]slog.Attr, len(attrs))
		for i, g := range attrs {
			red[i] = h.redact(g)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(red...)}
	case slog.KindAny:
		return slog.String(a.Key, runtime.RedactString(fmt.Sprint(v.Any()), h.secrets...))
	}
	return a
}

func (h redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return redactingHandler{h.Handler.WithAttrs(attrs), h.secrets}
}

func (h redactingHandler) WithGroup(name string) slog.Handler {
	return redactingHandler{h.Handler.WithGroup(name), h.secrets}
}
