package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
)

// stepErrorJSON is the JSON form of a StepError. Err becomes its message and the sentinel
// errors it matches, so that errors.Is still works after a round trip.
type stepErrorJSON struct {
	Workflow   string   `json:"workflow"`
	Step       string   `json:"step"`
	Method     string   `json:"method,omitempty"`
	Path       string   `json:"path,omitempty"`
	StatusCode int      `json:"status,omitempty"`
	Reason     string   `json:"reason,omitempty"`
	Body       string   `json:"body,omitempty"`
	Err        string   `json:"error,omitempty"`
	Criterion  string   `json:"criterion,omitempty"`
	Attempts   int      `json:"attempts,omitempty"`
	Is         []string `json:"is,omitempty"`
	Transient  bool     `json:"transient,omitempty"`
}

// sentinels are the errors whose identity survives JSON, by name.
var sentinels = []struct {
	name string
	err  error
}{
	{"canceled", context.Canceled},
	{"deadline-exceeded", context.DeadlineExceeded},
	{"body-too-large", ErrBodyTooLarge},
}

// MarshalJSON encodes the error with every secret it knows redacted, as its message is: a
// StepError can travel (a durable engine records it) without carrying a secret along.
func (e *StepError) MarshalJSON() ([]byte, error) {
	j := stepErrorJSON{
		Workflow: e.Workflow, Step: e.Step, Method: e.Method, Path: e.Path, StatusCode: e.StatusCode,
		Reason:    RedactString(e.Reason, e.secrets.list()...),
		Body:      RedactString(e.Body, e.secrets.list()...),
		Criterion: e.Criterion, Attempts: e.Attempts,
		Transient: e.transient,
	}
	if e.Err != nil {
		j.Err = RedactString(e.Err.Error(), e.secrets.list()...)
		for _, s := range sentinels {
			if errors.Is(e.Err, s.err) {
				j.Is = append(j.Is, s.name)
			}
		}
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes what MarshalJSON encoded. Err then has the original message and
// matches (errors.Is) the context errors and ErrBodyTooLarge the original matched.
func (e *StepError) UnmarshalJSON(data []byte) error {
	var j stepErrorJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*e = StepError{Workflow: j.Workflow, Step: j.Step, Method: j.Method, Path: j.Path, StatusCode: j.StatusCode,
		Reason: j.Reason, Body: j.Body, Criterion: j.Criterion, Attempts: j.Attempts, transient: j.Transient}
	if j.Err != "" || len(j.Is) > 0 {
		e.Err = &decodedError{msg: j.Err, is: j.Is}
	}
	return nil
}

// decodedError is the Err of a decoded StepError.
type decodedError struct {
	msg string
	is  []string
}

func (d *decodedError) Error() string { return d.msg }

func (d *decodedError) Is(target error) bool {
	for _, s := range sentinels {
		if target == s.err {
			return slices.Contains(d.is, s.name)
		}
	}
	return false
}
