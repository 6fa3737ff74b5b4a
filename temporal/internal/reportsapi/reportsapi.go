// Package reportsapi is a fake of the reports API that the render-report workflow polls
// (internal/flows/jobs): it counts every request it gets, so that tests can tell how often
// each step was sent. For tests only.
package reportsapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
)

// Token is the bearer token the fake accepts.
const Token = "reports-token-3b9f1c"

// Server is the fake. Set its fields before serving.
type Server struct {
	// Busy is how many submissions are refused with 503 before one is accepted.
	Busy int
	// Renders is how many polls answer "rendering" before one answers "done".
	Renders int
	// DropPolls is how many polls have their connection closed without a response first.
	DropPolls int
	// DropSubmits is how many submissions have their connection closed without a response.
	DropSubmits int
	// PollRetryAfter, when set, is the Retry-After header of a "rendering" answer: the
	// workflow's retry then waits that long instead of its document's 30 minutes.
	PollRetryAfter string
	// OnPoll, when set, is called with the number of each poll before it is answered.
	OnPoll func(n int)

	mu      sync.Mutex
	submits int
	polls   int
}

// Counts returns how many submissions and polls the fake received.
func (s *Server) Counts() (submits, polls int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.submits, s.polls
}

// ServeHTTP answers POST /reports and GET /reports/{id}.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	refused := r.Header.Get("Authorization") != "Bearer "+Token
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/reports":
		s.mu.Lock()
		s.submits++
		n := s.submits
		s.mu.Unlock()
		if refused {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid token"})
			return
		}
		if n <= s.DropSubmits {
			drop(w)
			return
		}
		if n <= s.DropSubmits+s.Busy {
			w.Header().Set("Retry-After", "1")
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "busy"})
			return
		}
		var in struct{ Title string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		writeJSON(w, http.StatusCreated, map[string]any{"id": "rep-1", "status": "queued"})
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/reports/"):
		s.mu.Lock()
		s.polls++
		n := s.polls
		s.mu.Unlock()
		if s.OnPoll != nil {
			s.OnPoll(n)
		}
		if refused {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid token"})
			return
		}
		if n <= s.DropPolls {
			drop(w)
			return
		}
		id := strings.TrimPrefix(r.URL.Path, "/reports/")
		if n <= s.DropPolls+s.Renders {
			if s.PollRetryAfter != "" {
				w.Header().Set("Retry-After", s.PollRetryAfter)
			}
			writeJSON(w, http.StatusOK, map[string]any{"id": id, "status": "rendering"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"id": id, "status": "done", "url": "https://reports.example.com/files/" + id + ".pdf", "pages": 12})
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
	}
}

// drop closes the connection without a response.
func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			c.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
