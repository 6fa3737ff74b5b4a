// Package demotrace prints the requests and responses of workflow runs for the demos
// (make demo, make demo-durable), as the runtime's Observer reports them.
package demotrace

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/arazzogen/arazzogen/runtime"
)

// Observer prints each request a step sends and the response it gets to out: the URL as
// sent, headers and bodies, with every credential, secret input and token redacted
// (runtime.RequestEvent.URL, BodyExcerpt). Any runtime.Observer can watch a client this way
// (WithObserver).
func Observer(out io.Writer) runtime.Observer { return trace{out: out} }

type trace struct {
	runtime.NopObserver
	out io.Writer
}

func (t trace) Request(ctx context.Context, e runtime.RequestEvent) context.Context {
	fmt.Fprintf(t.out, "  → %s %s\n", e.Method, strings.TrimPrefix(e.URL(), e.Server))
	for _, h := range []string{"Authorization", "X-Pd-Environment"} {
		if v := e.Header.Get(h); v != "" {
			fmt.Fprintf(t.out, "    %s: %s\n", h, v)
		}
	}
	if b := e.BodyExcerpt(); b != "" {
		fmt.Fprintf(t.out, "    %s\n", compact(b))
	}
	return ctx
}

func (t trace) Response(ctx context.Context, e runtime.ResponseEvent) {
	if e.Err != nil && e.StatusCode == 0 {
		fmt.Fprintf(t.out, "  ← %v\n", e.Err)
		return
	}
	fmt.Fprintf(t.out, "  ← %d %s\n    %s\n", e.StatusCode, http.StatusText(e.StatusCode), compact(e.BodyExcerpt()))
}

func compact(s string) string {
	var buf bytes.Buffer
	if json.Compact(&buf, []byte(s)) == nil {
		s = buf.String()
	}
	return runtime.CutText(strings.TrimSpace(s), 200)
}
