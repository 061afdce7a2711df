package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/mail"
)

// newMailer builds the mailer of the mail.* settings; the console backend
// writes to stdout.
func newMailer(s *Settings, stdout io.Writer) (mail.Mailer, error) {
	m, err := mail.FromURL(s.str("mail.backend"), s.str("mail.file_dir"), s.str("mail.smtp_url"), s.str("mail.from"))
	if err != nil {
		return nil, err
	}
	if c, ok := m.(*mail.Console); ok {
		c.W = stdout
	}
	return m, nil
}

// describeMailer names where the mailer of the settings sends mail, the
// SMTP password masked.
func describeMailer(s *Settings) string {
	switch b := strings.ToLower(strings.TrimSpace(s.str("mail.backend"))); b {
	case "", "console":
		return "the console backend (standard output)"
	case "file":
		return "the file backend (" + s.str("mail.file_dir") + ")"
	default:
		return "the " + b + " backend (" + maskURL(s.str("mail.smtp_url")) + ")"
	}
}

// outboxSettings returns mail.outbox_poll, mail.outbox_max_attempts and
// mail.outbox_keep_sent.
func outboxSettings(s *Settings) (poll time.Duration, attempts int, keep time.Duration, err error) {
	if poll, err = s.duration("mail.outbox_poll"); err != nil {
		return
	}
	if attempts, err = s.int("mail.outbox_max_attempts"); err == nil && attempts < 1 {
		err = fmt.Errorf("mail.outbox_max_attempts (%s): want at least 1, got %d", EnvName("mail.outbox_max_attempts"), attempts)
	}
	if err != nil {
		return
	}
	keep, err = s.duration("mail.outbox_keep_sent")
	return
}
