package loadgen

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"
)

// baselineChildEnv, set to "1" in its environment, makes the tool's
// executable the baseline server (see ServeBaselineIfChild).
const baselineChildEnv = "GATEHOUSE_BENCH_BASELINE_CHILD"

// baselineStartTimeout bounds how long the baseline process may take to
// start listening.
const baselineStartTimeout = 10 * time.Second

// ServeBaselineIfChild makes this process the baseline scenario's server
// when the tool started it as one, and otherwise returns at once. Every
// executable that runs the baseline scenario (the command, and test
// binaries through TestMain) calls it first in main.
//
// The baseline server is a process of its own because that is what it
// stands for: a server. Inside the tool's process the handler shares one
// Go scheduler with the client, and a response wakes the goroutine waiting
// for it without the kernel waking another process; on a two-core machine
// that makes it some 30% faster than the same handler in a process of its
// own, a speed no server can reach.
func ServeBaselineIfChild() {
	if os.Getenv(baselineChildEnv) != "1" {
		return
	}
	if err := serveBaselineChild(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gatehouse-bench: baseline server:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// serveBaselineChild serves baselineHandler on a free port of 127.0.0.1,
// writes the address as one line to stdout, and stops when stdin ends:
// when the tool closes it, or exits without doing so.
func serveBaselineChild(stdin io.Reader, stdout io.Writer) error {
	srv, l, err := newBaselineServer()
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(stdout, l.Addr()); err != nil {
		l.Close()
		return err
	}
	go func() {
		io.Copy(io.Discard, stdin)
		srv.Close()
	}()
	if err := srv.Serve(l); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// baselineProcess is a running baseline server process.
type baselineProcess struct {
	addr  string // host:port it listens on
	cmd   *exec.Cmd
	stdin io.Closer
	done  chan error // Wait's result
}

// startBaselineProcess starts this executable as the baseline server and
// waits until it listens.
func startBaselineProcess(ctx context.Context) (*baselineProcess, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), baselineChildEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &baselineProcess{cmd: cmd, stdin: stdin, done: make(chan error, 1)}
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- s
		io.Copy(io.Discard, stdout)
		p.done <- cmd.Wait()
	}()
	timer := time.NewTimer(baselineStartTimeout)
	defer timer.Stop()
	select {
	case s := <-line:
		p.addr = strings.TrimSpace(s)
	case <-timer.C:
		p.kill()
		return nil, fmt.Errorf("the server process did not start listening within %s", baselineStartTimeout)
	case <-ctx.Done():
		p.kill()
		return nil, ctx.Err()
	}
	host, _, err := net.SplitHostPort(p.addr)
	if err != nil || host != "127.0.0.1" {
		p.kill()
		return nil, fmt.Errorf("the server process did not start (it said %q; was ServeBaselineIfChild called first in main?)", p.addr)
	}
	return p, nil
}

// stop ends the process: it stops serving when its stdin closes.
func (p *baselineProcess) stop() error {
	p.stdin.Close()
	select {
	case err := <-p.done:
		return err
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		return fmt.Errorf("baseline server process did not stop within 5s: killed (%v)", <-p.done)
	}
}

// kill ends the process at once and waits for it.
func (p *baselineProcess) kill() {
	p.stdin.Close()
	p.cmd.Process.Kill()
	<-p.done
}
