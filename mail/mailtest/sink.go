package mailtest

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startTimeout bounds how long Start waits for mailpit to answer.
const startTimeout = 20 * time.Second

// Sink is a running mailpit process that accepts any message on its SMTP
// port, with or without authentication, over plain text.
type Sink struct {
	bin      string
	dir      string
	smtpAddr string
	httpAddr string
	http     *http.Client
	tls      tlsMode
	args     []string       // mailpit's arguments beyond addresses and database
	roots    *x509.CertPool // trusts the certificate of a TLS sink

	mu   sync.Mutex
	proc *process
}

// process is one run of mailpit.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
}

// Start runs a private mailpit on free loopback ports, with its database in
// t's temporary directory, waits until its HTTP API and SMTP port answer, and
// stops it when the test ends. When the mailpit binary cannot be found the
// test is skipped, or fails if CI=true (see the package documentation).
//
// By default the SMTP port speaks plain text and accepts any message, with
// or without authentication (any user name and password); see
// [WithSTARTTLS] and [WithImplicitTLS] for encrypted ports.
func Start(t testing.TB, opts ...Option) *Sink {
	t.Helper()
	bin := requireMailpit(t)
	s := &Sink{bin: bin, dir: t.TempDir(), http: &http.Client{Timeout: 10 * time.Second}}
	for _, opt := range opts {
		opt(s)
	}
	s.args = []string{"--smtp-auth-accept-any", "--smtp-disable-rdns", "--disable-version-check", "--enable-chaos"}
	switch s.tls {
	case plainText:
		s.args = append(s.args, "--smtp-auth-allow-insecure")
	case startTLS:
		cert, key := s.writeCert(t)
		s.args = append(s.args, "--smtp-tls-cert", cert, "--smtp-tls-key", key, "--smtp-require-starttls")
	case implicitTLS:
		cert, key := s.writeCert(t)
		s.args = append(s.args, "--smtp-tls-cert", cert, "--smtp-tls-key", key, "--smtp-require-tls")
	}
	t.Cleanup(s.stop)
	var err error
	for range 3 { // another process may take a port between probe and use
		s.smtpAddr, s.httpAddr = freeAddr(t), freeAddr(t)
		if err = s.launch(); err == nil {
			return s
		}
	}
	t.Fatalf("mailtest: starting mailpit: %v\n%s", err, s.logTail())
	return nil
}

// SMTPURL returns the URL of the SMTP port for mail.NewSMTP:
// smtp+insecure://127.0.0.1:port, or with [WithSTARTTLS]
// smtp://127.0.0.1:port?tls=starttls, or with [WithImplicitTLS]
// smtps://127.0.0.1:port. Any user name and password are accepted too
// (smtp+insecure://user:pass@127.0.0.1:port).
func (s *Sink) SMTPURL() string {
	switch s.tls {
	case startTLS:
		return "smtp://" + s.smtpAddr + "?tls=starttls"
	case implicitTLS:
		return "smtps://" + s.smtpAddr
	}
	return "smtp+insecure://" + s.smtpAddr
}

// SMTPAddr returns the host:port of the SMTP port.
func (s *Sink) SMTPAddr() string { return s.smtpAddr }

// APIURL returns the base URL of mailpit's web UI and REST API, with a
// trailing slash.
func (s *Sink) APIURL() string { return "http://" + s.httpAddr + "/" }

// Stop stops mailpit, keeping its database, so that a test can observe an
// SMTP outage; [Sink.Restart] brings it back on the same ports with the same
// messages. Stopping a stopped Sink does nothing.
func (s *Sink) Stop(t testing.TB) {
	t.Helper()
	s.stop()
}

// Restart starts a stopped Sink again on the same ports and database and
// waits until it answers. It fails the test if that is not possible (for
// example because another process took a port meanwhile).
func (s *Sink) Restart(t testing.TB) {
	t.Helper()
	s.stop()
	if err := s.launch(); err != nil {
		t.Fatalf("mailtest: restarting mailpit: %v\n%s", err, s.logTail())
	}
}

// launch starts mailpit on s's addresses and waits until it answers.
func (s *Sink) launch() error {
	logFile, err := os.OpenFile(s.logPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logFile.Close() // the child has its own descriptor
	args := append([]string{
		"--smtp", s.smtpAddr,
		"--listen", s.httpAddr,
		"--database", filepath.Join(s.dir, "mailpit.db"),
	}, s.args...)
	cmd := exec.Command(s.bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return err
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(p.done)
	}()
	s.mu.Lock()
	s.proc = p
	s.mu.Unlock()

	deadline := time.Now().Add(startTimeout)
	for {
		select {
		case <-p.done:
			return fmt.Errorf("mailpit exited: %v", cmd.ProcessState)
		default:
		}
		if s.ready() {
			return nil
		}
		if time.Now().After(deadline) {
			s.stop()
			return fmt.Errorf("mailpit did not answer within %v", startTimeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ready reports whether the HTTP API and the SMTP port both answer.
func (s *Sink) ready() bool {
	resp, err := s.http.Get(s.APIURL() + "readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false
	}
	c, err := net.DialTimeout("tcp", s.smtpAddr, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// stop ends the running process, if any: SIGTERM, then SIGKILL after 5 s.
func (s *Sink) stop() {
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	s.mu.Unlock()
	if p == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// logPath is where mailpit's output goes.
func (s *Sink) logPath() string { return filepath.Join(s.dir, "mailpit.log") }

// logTail returns the end of mailpit's output, for failure messages.
func (s *Sink) logTail() string {
	b, err := os.ReadFile(s.logPath())
	if err != nil {
		return ""
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return "mailpit output:\n" + string(bytes.TrimSpace(b))
}

// freeAddr returns a loopback address with a port that was free a moment
// ago.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: finding a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().String()
}

// errStopped is reported by API calls while the sink is stopped.
var errStopped = errors.New("mailtest: mailpit is stopped")
