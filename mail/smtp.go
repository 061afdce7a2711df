package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// DefaultSMTPTimeout bounds one [SMTP.Send], from dialling to the server's
// acceptance of the message, unless [WithTimeout] says otherwise.
const DefaultSMTPTimeout = 10 * time.Second

// SMTP is a [Mailer] that delivers each message over its own connection to
// an SMTP server, using github.com/wneessen/go-mail. Make one with
// [NewSMTP]. An SMTP is safe for concurrent use.
//
// Every message gets a Date and a Message-ID header (unless it brings its
// own Message-ID) and is sent as text/plain, text/html or, when both bodies
// are set, multipart/alternative, in quoted-printable UTF-8 with RFC 2047
// encoded headers.
type SMTP struct {
	cfg       smtpConfig
	from      string
	timeout   time.Duration
	tlsConfig *tls.Config
}

// SMTPOption configures an [SMTP] mailer in [NewSMTP].
type SMTPOption func(*SMTP)

// WithFrom sets the sender of messages that name none. Without it, such
// messages are sent from [DefaultFrom].
func WithFrom(addr string) SMTPOption {
	return func(s *SMTP) { s.from = addr }
}

// WithTimeout bounds each Send, from dialling to the server's acceptance of
// the message; the default is [DefaultSMTPTimeout]. A context deadline that
// comes sooner still wins.
func WithTimeout(d time.Duration) SMTPOption {
	return func(s *SMTP) { s.timeout = d }
}

// WithTLSConfig sets the TLS configuration for STARTTLS and implicit TLS,
// for example to trust a private certificate authority. It is cloned; an
// empty ServerName is set to the URL's host, and MinVersion is at least
// TLS 1.2.
func WithTLSConfig(c *tls.Config) SMTPOption {
	return func(s *SMTP) { s.tlsConfig = c.Clone() }
}

// NewSMTP returns an SMTP mailer for the server named by rawURL:
//
//	smtp://user:pass@host:587               STARTTLS when the server offers it
//	smtp://user:pass@host:587?tls=starttls  STARTTLS or fail
//	smtps://user:pass@host:465              TLS from the first byte
//	smtp+insecure://127.0.0.1:1025          plain text (or smtp://...?tls=none),
//	                                        for local sinks such as mailpit
//
// The port defaults to 587 (465 for smtps). The user name and password are
// percent-decoded and optional; without them no authentication is tried.
// With them, SCRAM-SHA-256, SCRAM-SHA-1, CRAM-MD5, PLAIN or LOGIN is used,
// whichever the server offers first in that order; PLAIN and LOGIN only over
// TLS, except with smtp+insecure or a server on localhost.
//
// Errors from NewSMTP and from the String method never contain the password.
func NewSMTP(rawURL string, opts ...SMTPOption) (*SMTP, error) {
	cfg, err := parseSMTPURL(rawURL)
	if err != nil {
		return nil, err
	}
	s := &SMTP{cfg: cfg, timeout: DefaultSMTPTimeout}
	for _, opt := range opts {
		if opt != nil {
			opt(s)
		}
	}
	if s.timeout <= 0 {
		return nil, fmt.Errorf("mail: SMTP timeout must be positive, not %v", s.timeout)
	}
	if s.from != "" {
		if err := checkAddress(s.from); err != nil {
			return nil, fmt.Errorf("mail: SMTP sender: %v", err)
		}
	}
	return s, nil
}

// String returns the server URL with the password replaced by xxxxx.
func (s *SMTP) String() string {
	return s.cfg.String()
}

// GoString is String, so that %#v does not print the password either.
func (s *SMTP) GoString() string {
	return s.cfg.String()
}

// Send validates m, connects to the server, authenticates when the URL has
// credentials, and transmits m. A validation failure wraps
// [ErrInvalidMessage] and happens before any connection is made; a failure
// to deliver wraps [ErrPermanent] when the server answered with a 5xx reply,
// and [ErrTemporary] otherwise: 4xx reply, connection refused or broken,
// timeout, cancelled context, TLS failure.
func (s *SMTP) Send(ctx context.Context, m *Message) error {
	e, err := prepare(m, s.from, time.Now())
	if err != nil {
		return err
	}
	msg, err := toMIME(e)
	if err != nil {
		return err
	}

	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	if err := ctx.Err(); err != nil {
		return s.failure(ctx, err)
	}

	// Every connection made for this Send is closed when it returns, and at
	// once when ctx ends, which interrupts a server that stalls mid-dialogue.
	var (
		mu    sync.Mutex
		conns []net.Conn
	)
	closeAll := func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	}
	stop := context.AfterFunc(ctx, closeAll)
	defer func() {
		stop()
		closeAll()
	}()
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := s.dial(ctx, network, addr)
		if err == nil {
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
		return c, err
	}

	client, err := gomail.NewClient(s.cfg.host, s.clientOptions(ctx, dial)...)
	if err != nil {
		return s.failure(ctx, err)
	}
	sc, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return s.failure(ctx, err)
	}
	if err := client.SendWithSMTPClient(sc, msg); err != nil {
		return s.failure(ctx, err)
	}
	// The server accepted the message at the end of DATA; a failing QUIT
	// changes nothing.
	_ = client.CloseWithSMTPClient(sc)
	return nil
}

// dial opens a TCP connection to addr, with TLS from the first byte for
// smtps.
func (s *SMTP) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{}
	if s.cfg.tls == tlsImplicit {
		td := &tls.Dialer{NetDialer: d, Config: s.tlsClientConfig()}
		return td.DialContext(ctx, network, addr)
	}
	return d.DialContext(ctx, network, addr)
}

// tlsClientConfig returns the TLS configuration for the server.
func (s *SMTP) tlsClientConfig() *tls.Config {
	c := &tls.Config{}
	if s.tlsConfig != nil {
		c = s.tlsConfig.Clone()
	}
	if c.ServerName == "" {
		c.ServerName = s.cfg.host
	}
	if c.MinVersion < tls.VersionTLS12 {
		c.MinVersion = tls.VersionTLS12
	}
	return c
}

// clientOptions configures a go-mail client for one Send under ctx, which
// has a deadline.
func (s *SMTP) clientOptions(ctx context.Context, dial gomail.DialContextFunc) []gomail.Option {
	timeout := s.timeout
	if deadline, ok := ctx.Deadline(); ok {
		timeout = max(time.Until(deadline), time.Millisecond)
	}
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.port),
		gomail.WithTimeout(timeout),
		gomail.WithDialContextFunc(dial),
		gomail.WithTLSConfig(s.tlsClientConfig()),
	}
	switch s.cfg.tls {
	case tlsOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case tlsStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default: // implicit TLS is done by dial; none is none
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.cfg.auth {
		mechs := []gomail.SMTPAuthType{
			gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1, gomail.SMTPAuthCramMD5,
			gomail.SMTPAuthPlain, gomail.SMTPAuthLogin,
		}
		if s.cfg.tls == tlsNone {
			mechs = []gomail.SMTPAuthType{
				gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1, gomail.SMTPAuthCramMD5,
				gomail.SMTPAuthPlainNoEnc, gomail.SMTPAuthLoginNoEnc,
			}
		}
		opts = append(opts,
			gomail.WithUsername(s.cfg.username),
			gomail.WithPassword(s.cfg.password),
			gomail.WithOpportunisticSMTPAuth(mechs...),
		)
	}
	return opts
}
