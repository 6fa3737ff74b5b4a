package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// echoCommand has one workflow that returns its decoded inputs and the servers it was given.
func echoCommand(fail error) Command {
	return Command{
		Name:    "echo",
		Sources: []string{"api"},
		Workflows: []Workflow{{
			ID:      "echo",
			Summary: "Echo the inputs.",
			Inputs: []Input{
				{Name: "name", Type: "string", Required: true},
				{Name: "count", Type: "integer", Default: "1"},
				{Name: "tags", Type: "array"},
				{Name: "any"},
			},
			Run: func(ctx context.Context, cfg Config, inputs []byte) (any, error) {
				if fail != nil {
					return nil, fail
				}
				var in map[string]any
				if err := json.Unmarshal(inputs, &in); err != nil {
					return nil, err
				}
				in["servers"] = cfg.Servers
				return in, nil
			},
		}},
	}
}

func runCLI(t *testing.T, cmd Command, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), cmd, Env{
		Args: args, Stdin: strings.NewReader(stdin), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return env[k] },
	})
	return code, stdout.String(), stderr.String()
}

func TestRunTypesInputsBySchema(t *testing.T) {
	code, out, errOut := runCLI(t, echoCommand(nil), map[string]string{"NAME": "from env"}, "",
		"-input", "count=3", "echo", "-input-env", "name=NAME", "-input", `tags=["a","b"]`, "-input", "any=plain text",
		"-server", "api=http://127.0.0.1:1")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out)
	}
	want := map[string]any{
		"name": "from env", "count": float64(3), "tags": []any{"a", "b"}, "any": "plain text",
		"servers": []any{map[string]any{"Source": "api", "URL": "http://127.0.0.1:1"}},
	}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("outputs %s, want %s", gotJSON, wantJSON)
	}
}

func TestRunInputsFileAndStdin(t *testing.T) {
	file := filepath.Join(t.TempDir(), "in.json")
	if err := os.WriteFile(file, []byte(`{"name":"file","count":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, echoCommand(nil), nil, "", "echo", "-inputs", file, "-input", "count=2")
	if code != ExitOK || !strings.Contains(out, `"name": "file"`) || !strings.Contains(out, `"count": 2`) {
		t.Errorf("exit %d, out %s, err %s: -input must override -inputs", code, out, errOut)
	}
	code, out, _ = runCLI(t, echoCommand(nil), nil, `{"name":"stdin"}`, "echo", "-inputs", "-")
	if code != ExitOK || !strings.Contains(out, `"name": "stdin"`) {
		t.Errorf("exit %d, out %s", code, out)
	}
}

func TestRunUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no workflow", nil, nil, "name a workflow to run: echo WORKFLOW [flags]"},
		{"unknown workflow", nil, []string{"nope"}, `unknown workflow "nope" (known: echo)`},
		{"missing required", nil, []string{"echo"}, "needs input name"},
		{"unknown input", nil, []string{"echo", "-input", "name=x", "-input", "colour=red"}, `has no input "colour"`},
		{"not JSON", nil, []string{"echo", "-input", "name=x", "-input", "count=three"}, "must be written as JSON"},
		{"unset env", nil, []string{"echo", "-input-env", "name=MISSING"}, "MISSING is not set"},
		{"unknown source", nil, []string{"echo", "-input", "name=x", "-server", "other=http://x"}, "SOURCE one of api"},
		{"bad pair", nil, []string{"echo", "-input", "name"}, "want NAME=VALUE"},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, echoCommand(nil), tt.env, "", tt.args...)
		if code != ExitUsage || out != "" || !strings.Contains(errOut, tt.want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 2 and %q", tt.name, code, out, errOut, tt.want)
		}
	}
}

func TestRunFailureIsOneLine(t *testing.T) {
	code, out, errOut := runCLI(t, echoCommand(errors.New("workflow echo: step s: status 401\nsecond line")), nil, "", "echo", "-input", "name=x")
	if code != ExitFailed || out != "" || strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "echo: workflow echo: step s: status 401") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestList(t *testing.T) {
	code, out, _ := runCLI(t, echoCommand(nil), nil, "", "-list")
	want := "echo\tEcho the inputs.\n  -input name=<string, required>\n  -input count=<integer, default 1>\n  -input tags=<array>\n  -input any=<any>\n"
	if code != ExitOK || out != want {
		t.Errorf("exit %d, -list printed:\n%s\nwant:\n%s", code, out, want)
	}
}

// An input of the wrong JSON type is a usage error (exit 2) naming the input and the type it
// needs, from -inputs as from -input, and never showing the value.
func TestRunInputTypes(t *testing.T) {
	for _, c := range []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"string for integer", `{"name":"n","count":"three"}`, nil, "input count must be an integer, got a string"},
		{"fraction for integer", `{"name":"n","count":1.5}`, nil, "input count must be an integer, got a number with a fraction"},
		{"object for array", `{"name":"n","tags":{"a":1}}`, nil, "input tags must be an array, got an object"},
		{"null for a required one", `{"name":null}`, nil, "input name must be a string, got null"},
		{"number for string", `{"name":12345}`, nil, "input name must be a string, got an integer"},
		{"-input JSON of the wrong type", `{}`, []string{"-input", "name=n", "-input", `count="7"`}, "-input count: input count must be an integer, got a string"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, echoCommand(nil), nil, c.stdin, append([]string{"echo", "-inputs", "-"}, c.args...)...)
			if code != ExitUsage || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, errOut, c.want)
			}
			if strings.Contains(errOut, "three") || strings.Contains(errOut, "12345") {
				t.Errorf("the message shows the value: %s", errOut)
			}
		})
	}
	code, _, errOut := runCLI(t, echoCommand(nil), nil, `{"name":"n","count":null,"any":{"x":1}}`, "echo", "-inputs", "-")
	if code != ExitOK {
		t.Errorf("null for an optional input and any value for an untyped one: exit %d: %s", code, errOut)
	}
	// A member of an object input with the wrong type is found when the inputs are decoded.
	var in struct {
		Address struct {
			Zip int64 `json:"zip"`
		} `json:"address"`
	}
	cmd := echoCommand(nil)
	cmd.Workflows[0].Inputs = []Input{{Name: "address", Type: "object"}}
	cmd.Workflows[0].Run = func(ctx context.Context, cfg Config, inputs []byte) (any, error) {
		if err := json.Unmarshal(inputs, &in); err != nil {
			return nil, &InputError{Err: err}
		}
		return in, nil
	}
	code, _, errOut = runCLI(t, cmd, nil, `{"address":{"zip":"99999"}}`, "echo", "-inputs", "-")
	if code != ExitUsage || !strings.Contains(errOut, "input address.zip must be an integer, got a string") || strings.Contains(errOut, "99999") {
		t.Errorf("nested member: exit %d, stderr %q", code, errOut)
	}
}
