package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/arazzogen/arazzogen/runtime"
)

// maxResponseExcerpt bounds the part of the server's answer a failure line shows.
const maxResponseExcerpt = 300

// reporter prints the command's errors and warnings on standard error: one line of text
// each ("NAME: message"), or with -error-format json one JSON object a line.
type reporter struct {
	name    string
	w       io.Writer
	json    bool
	secrets *[]string // redacted from every message
}

func (r *reporter) redact(s string) string {
	s = runtime.RedactString(s, *r.secrets...)
	return strings.Join(strings.Fields(s), " ") // one line
}

func (r *reporter) emit(obj map[string]any, text string) {
	if r.json {
		b, _ := json.Marshal(obj)
		fmt.Fprintf(r.w, "%s\n", b)
		return
	}
	fmt.Fprintf(r.w, "%s: %s\n", r.name, text)
}

// warn prints a warning.
func (r *reporter) warn(format string, a ...any) {
	msg := r.redact(fmt.Sprintf(format, a...))
	r.emit(map[string]any{"level": "warning", "command": r.name, "message": msg}, "warning: "+msg)
}

// usage prints a usage error and returns ExitUsage.
func (r *reporter) usage(format string, a ...any) int {
	msg := r.redact(fmt.Sprintf(format, a...))
	r.emit(map[string]any{"level": "error", "command": r.name, "exit": ExitUsage, "message": msg}, msg)
	return ExitUsage
}

// failure prints why a run failed and returns ExitFailed. The line is the error's message,
// what stopped the run when it did not stop by itself (note), and, when a step failed on
// the server's answer, that answer: the title and detail of a problem+json body, or a bounded
// excerpt. The JSON form carries the same in members.
func (r *reporter) failure(err error, note string) int {
	msg := r.redact(err.Error())
	if note != "" && !strings.Contains(msg, note) {
		msg += " (" + note + ")"
	}
	obj := map[string]any{"level": "error", "command": r.name, "exit": ExitFailed}
	var se *runtime.StepError
	if errors.As(err, &se) {
		obj["workflow"], obj["step"] = se.Workflow, se.Step
		if se.Method != "" {
			obj["method"], obj["path"] = se.Method, se.Path
		}
		if se.StatusCode != 0 {
			obj["status"] = se.StatusCode
		}
		if se.Reason != "" {
			obj["reason"] = r.redact(se.Reason)
		}
		if se.Criterion != "" {
			obj["criterion"] = se.Criterion
		}
		if se.Attempts > 1 {
			obj["attempts"] = se.Attempts
		}
		if answer := r.answer(se); answer != nil {
			obj["response"] = answer
			text, _ := answer["text"].(string)
			msg += "; response: " + text
		}
	}
	obj["message"] = msg
	r.emit(obj, msg)
	return ExitFailed
}

// answer describes the server's answer in a failed step: {"title", "detail"} of a problem
// body, and "text", the line the text form shows; nil without a body.
func (r *reporter) answer(se *runtime.StepError) map[string]any {
	if strings.TrimSpace(se.Body) == "" {
		return nil
	}
	a := map[string]any{}
	title, detail := se.Problem()
	title, detail = r.redact(title), r.redact(detail)
	var text string
	switch {
	case title != "" && detail != "":
		text = title + ": " + detail
	case title != "" || detail != "":
		text = title + detail
	default:
		text = r.redact(se.Body)
	}
	if title != "" {
		a["title"] = title
	}
	if detail != "" {
		a["detail"] = detail
	}
	a["text"] = runtime.CutText(text, maxResponseExcerpt)
	a["excerpt"] = runtime.CutText(r.redact(se.Body), maxResponseExcerpt)
	return a
}
