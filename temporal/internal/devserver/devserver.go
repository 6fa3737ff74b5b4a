// Package devserver starts a Temporal development server (`temporal server start-dev`) on
// loopback ports, for tests and demos.
package devserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"
)

// Version is the version of the temporal command the module is tested with.
const Version = "v1.5.1"

// InstallHint says how to get the temporal command.
const InstallHint = "go install github.com/temporalio/cli/cmd/temporal@" + Version

// Find returns the path of the temporal command: on PATH, in GOBIN, or in GOPATH/bin.
func Find() (string, error) {
	if p, err := exec.LookPath("temporal"); err == nil {
		return p, nil
	}
	var dirs []string
	if gobin := goEnv("GOBIN"); gobin != "" {
		dirs = append(dirs, gobin)
	}
	for _, p := range filepath.SplitList(goEnv("GOPATH")) {
		dirs = append(dirs, filepath.Join(p, "bin"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, "temporal")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("the temporal command is not installed (%s)", InstallHint)
}

func goEnv(name string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// Server is a running development server.
type Server struct {
	Bin     string // the temporal command
	Address string // host:port of the frontend (gRPC)
	UI      string // base URL of the web UI; "" when headless
	cmd     *exec.Cmd
	done    chan error
}

// Options of Start.
type Options struct {
	DBFile string // persist state there; in memory when empty
	UI     bool   // serve the web UI too
	Log    *os.File
}

// Start starts a development server on free loopback ports and waits until it answers.
// Transfers are polled quickly (history.transferProcessorMaxPollRPS=1000): with the default,
// the one history shard of the development server adds about 100 ms to every activity.
func Start(ctx context.Context, bin string, o Options) (*Server, error) {
	ports, err := freePorts(4)
	if err != nil {
		return nil, err
	}
	args := []string{"server", "start-dev", "--ip", "127.0.0.1",
		"--port", strconv.Itoa(ports[0]), "--http-port", strconv.Itoa(ports[1]), "--metrics-port", strconv.Itoa(ports[2]),
		"--dynamic-config-value", "history.transferProcessorMaxPollRPS=1000", "--log-level", "error"}
	s := &Server{Bin: bin, Address: "127.0.0.1:" + strconv.Itoa(ports[0]), done: make(chan error, 1)}
	if o.UI {
		args = append(args, "--ui-port", strconv.Itoa(ports[3]))
		s.UI = "http://127.0.0.1:" + strconv.Itoa(ports[3])
	} else {
		args = append(args, "--headless")
	}
	if o.DBFile != "" {
		args = append(args, "--db-filename", o.DBFile)
	}
	s.cmd = exec.Command(bin, args...)
	s.cmd.Stdout, s.cmd.Stderr = o.Log, o.Log
	s.cmd.SysProcAttr = SysProcAttr()
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { s.done <- s.cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := client.Dial(client.Options{HostPort: s.Address, Logger: quietLogger{}})
		if err == nil {
			_, err = c.CheckHealth(ctx, &client.CheckHealthRequest{})
			c.Close()
			if err == nil {
				return s, nil
			}
		}
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("temporal server start-dev exited: %v", err)
		case <-ctx.Done():
			s.Stop()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, errors.New("temporal server start-dev did not answer within 60s")
		}
	}
}

// Stop ends the server and waits for it.
func (s *Server) Stop() {
	if s.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
	}
}

// Show returns `temporal workflow show --output json` of a workflow: its history as the
// server keeps it.
func (s *Server) Show(ctx context.Context, workflowID string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, s.Bin, "workflow", "show", "--address", s.Address, "-w", workflowID, "--output", "json")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("temporal workflow show: %v: %s", err, ee.Stderr)
		}
		return nil, err
	}
	return out, nil
}

func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// quietLogger drops the SDK's log lines (connection attempts while the server starts).
type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}
