package cli

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/arazzogen/arazzogen/runtime"
)

// Bounds of the printed outputs. A response of 144 KB holding arrays nested 9,000 deep,
// indented as encoding/json indents, prints 1.3 GB; the command refuses instead.
const (
	// MaxOutputBytes bounds the outputs as printed (indentation included), on standard
	// output or in -output's file.
	MaxOutputBytes = 64 << 20
	// MaxOutputDepth bounds how deep output values may nest: the limit of encoding/json's
	// decoder, which every value has passed.
	MaxOutputDepth = 10000
)

// encodeOutputs turns a workflow's outputs into one compact JSON object.
func encodeOutputs(out any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		if strings.Contains(err.Error(), "exceeded max depth") {
			return nil, fmt.Errorf("an output nests deeper than %d levels", MaxOutputDepth)
		}
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// indent renders compact JSON indented by two spaces, as json.Indent does, unless the result
// would pass limit bytes or nest deeper than MaxOutputDepth: indentation grows with depth
// times size, so a small deep value can print gigabytes. The size is measured first, so a
// refusal costs no memory.
func indent(compact []byte, limit int) ([]byte, error) {
	size, deepest, err := indentedSize(compact)
	if err != nil {
		return nil, err
	}
	if size > limit {
		return nil, fmt.Errorf("its outputs would print as %d MiB (they nest %d levels deep), more than the %d MiB allowed; nothing was printed", size>>20, deepest, limit>>20)
	}
	out := make([]byte, 0, size)
	spaces := bytes.Repeat([]byte(" "), 2*deepest)
	depth := 0
	scanJSON(compact, func(i int, c byte, inString bool) {
		if inString {
			out = append(out, c)
			return
		}
		switch c {
		case '{', '[':
			out = append(out, c)
			if !emptyAt(compact, i) {
				depth++
				out = append(out, '\n')
				out = append(out, spaces[:2*depth]...)
			}
		case '}', ']':
			if !emptyAt(compact, i-1) {
				depth--
				out = append(out, '\n')
				out = append(out, spaces[:2*depth]...)
			}
			out = append(out, c)
		case ',':
			out = append(out, ',', '\n')
			out = append(out, spaces[:2*depth]...)
		case ':':
			out = append(out, ':', ' ')
		default:
			out = append(out, c)
		}
	})
	return append(out, '\n'), nil
}

// indentedSize is the length of indent's result and the deepest nesting of compact.
func indentedSize(compact []byte) (size, deepest int, err error) {
	depth := 0
	scanJSON(compact, func(i int, c byte, inString bool) {
		size++
		if inString || err != nil {
			return
		}
		switch c {
		case '{', '[':
			if !emptyAt(compact, i) {
				depth++
				deepest = max(deepest, depth)
				size += 1 + 2*depth
				if depth > MaxOutputDepth {
					err = fmt.Errorf("an output nests deeper than %d levels", MaxOutputDepth)
				}
			}
		case '}', ']':
			if !emptyAt(compact, i-1) {
				depth--
				size += 1 + 2*depth
			}
		case ',':
			size += 1 + 2*depth
		case ':':
			size++
		}
	})
	return size + 1, deepest, err
}

// emptyAt reports whether compact[i] opens an empty object or array ({} or []).
func emptyAt(compact []byte, i int) bool {
	return i >= 0 && i+1 < len(compact) && (compact[i] == '{' && compact[i+1] == '}' || compact[i] == '[' && compact[i+1] == ']')
}

// scanJSON calls f for each byte of compact JSON, saying whether it is inside a string
// (quotes included).
func scanJSON(compact []byte, f func(i int, c byte, inString bool)) {
	inString, escaped := false, false
	for i, c := range compact {
		switch {
		case inString:
			f(i, c, true)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
			f(i, c, true)
		default:
			f(i, c, false)
		}
	}
}

// maskOutputs replaces, in the compact JSON object of a workflow's outputs, the value of
// every secret output with "[REDACTED]", the value of every member whose name is secret at
// any depth, and every known secret value.
func maskOutputs(compact []byte, outputs []Output, secrets []string) ([]byte, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(compact, &members); err != nil {
		return nil, err
	}
	redacted, _ := json.Marshal(runtime.Redacted)
	for _, o := range outputs {
		if _, ok := members[o.Name]; ok && o.Secret {
			members[o.Name] = redacted
		}
	}
	masked, err := marshalInOrder(compact, members)
	if err != nil {
		return nil, err
	}
	masked, complete := runtime.RedactJSON(masked)
	if !complete {
		return nil, errors.New("outputs are not well-formed JSON")
	}
	return []byte(runtime.RedactString(string(masked), secrets...)), nil
}

// marshalInOrder writes the members of an object in the order the compact object has them.
func marshalInOrder(compact []byte, members map[string]json.RawMessage) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(compact))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("outputs are not a JSON object")
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
		name := tok.(string)
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(name)
		b.Write(k)
		b.WriteByte(':')
		b.Write(members[name])
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// writeFile writes data to a file readable by its owner only (outputs may hold secrets),
// creating its directory.
func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}

// createFile creates a report file, and its directory (CI jobs write reports/x.xml into a
// fresh checkout).
func createFile(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	return os.Create(path)
}

// githubOutputs renders the outputs as lines of a GitHub Actions $GITHUB_OUTPUT file: NAME=VALUE,
// or for a value with a line break NAME<<DELIMITER, the value, DELIMITER, with a random
// delimiter the value does not contain. Strings are written as they are, null as nothing,
// other values as compact JSON (fromJSON reads them).
func githubOutputs(compact []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(compact))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("outputs are not a JSON object")
	}
	var b bytes.Buffer
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		if name == "" || strings.ContainsAny(name, "=<\r\n") {
			return nil, fmt.Errorf("output %q cannot be written to $GITHUB_OUTPUT (its name holds =, < or a line break)", name)
		}
		var value string
		switch {
		case string(raw) == "null":
		case raw[0] == '"':
			if err := json.Unmarshal(raw, &value); err != nil {
				return nil, err
			}
		default:
			value = string(raw)
		}
		if !strings.ContainsAny(value, "\r\n") {
			fmt.Fprintf(&b, "%s=%s\n", name, value)
			continue
		}
		delim := ""
		for delim == "" || strings.Contains(value, delim) {
			delim = "ghadelimiter_" + randomHex()
		}
		fmt.Fprintf(&b, "%s<<%s\n%s\n%s\n", name, delim, value, delim)
	}
	return b.Bytes(), nil
}

func randomHex() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// appendFile appends data to the file at path (GitHub Actions creates $GITHUB_OUTPUT; a new
// file is readable by its owner only).
func appendFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	if err := f.Close(); werr == nil {
		werr = err
	}
	return werr
}

// addMasks writes a GitHub Actions ::add-mask:: command for each secret output's value (and
// for each line of a value of several lines, since the log masks line by line), so that the
// runner hides the value from every later log line of the job.
func addMasks(w io.Writer, compact []byte, outputs []Output) error {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(compact, &members); err != nil {
		return err
	}
	for _, o := range outputs {
		raw, ok := members[o.Name]
		if !ok || !o.Secret || string(raw) == "null" {
			continue
		}
		var value string
		if json.Unmarshal(raw, &value) != nil {
			value = string(raw)
		}
		values := []string{value}
		if strings.ContainsAny(value, "\r\n") {
			values = append(values, strings.FieldsFunc(value, func(r rune) bool { return r == '\r' || r == '\n' })...)
		}
		for _, v := range values {
			if strings.TrimSpace(v) == "" {
				continue
			}
			if _, err := fmt.Fprintf(w, "::add-mask::%s\n", escapeCommandData(v)); err != nil {
				return err
			}
		}
	}
	return nil
}

// escapeCommandData escapes a workflow command's data as the Actions runner reads it.
func escapeCommandData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}
