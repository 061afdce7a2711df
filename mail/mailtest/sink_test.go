package mailtest_test

import (
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/mail/mailtest"
)

// send delivers a minimal message with net/smtp.
func send(t *testing.T, s *mailtest.Sink, subject string) error {
	t.Helper()
	msg := "From: a@example.com\r\nTo: b@example.com\r\nSubject: " + subject +
		"\r\nMessage-ID: <" + subject + "@example.com>\r\n\r\nhello " + subject + "\r\n"
	return smtp.SendMail(s.SMTPAddr(), nil, "a@example.com", []string{"b@example.com"}, []byte(msg))
}

func TestSinkReceives(t *testing.T) {
	s := mailtest.Start(t)
	if !strings.HasPrefix(s.SMTPURL(), "smtp+insecure://127.0.0.1:") {
		t.Errorf("SMTPURL() = %q", s.SMTPURL())
	}
	if err := send(t, s, "one"); err != nil {
		t.Fatal(err)
	}
	if err := send(t, s, "two"); err != nil {
		t.Fatal(err)
	}
	msgs := s.WaitFor(t, 2, 5*time.Second)
	if len(msgs) != 2 || msgs[0].Subject != "one" || msgs[1].Subject != "two" {
		t.Fatalf("messages = %+v, want one then two", msgs)
	}
	m := msgs[0]
	if m.From != "a@example.com" || len(m.To) != 1 || m.To[0] != "b@example.com" {
		t.Errorf("addresses = %q %q", m.From, m.To)
	}
	if m.MessageID != "one@example.com" || strings.TrimSpace(m.Text) != "hello one" {
		t.Errorf("MessageID = %q, Text = %q", m.MessageID, m.Text)
	}
	if got := m.Headers["Subject"]; len(got) != 1 || got[0] != "one" {
		t.Errorf("Headers[Subject] = %q", got)
	}
	s.Clear(t)
	if n := s.Count(t); n != 0 {
		t.Errorf("Count after Clear = %d", n)
	}
}

func TestSinkStopRestart(t *testing.T) {
	s := mailtest.Start(t)
	if err := send(t, s, "before"); err != nil {
		t.Fatal(err)
	}
	s.WaitFor(t, 1, 5*time.Second)
	s.Stop(t)
	if err := send(t, s, "during"); err == nil {
		t.Fatal("send to a stopped sink succeeded")
	}
	s.Restart(t)
	if err := send(t, s, "after"); err != nil {
		t.Fatal(err)
	}
	msgs := s.WaitFor(t, 2, 5*time.Second)
	if len(msgs) != 2 || msgs[0].Subject != "before" || msgs[1].Subject != "after" {
		t.Fatalf("messages = %+v, want before then after", msgs)
	}
}

func TestSinkChaos(t *testing.T) {
	s := mailtest.Start(t)
	s.SetChaos(t, mailtest.Chaos{Recipient: 550})
	err := send(t, s, "refused")
	if err == nil || !strings.Contains(err.Error(), "550") {
		t.Fatalf("send with chaos: err = %v, want a 550 reply", err)
	}
	s.SetChaos(t, mailtest.Chaos{})
	if err := send(t, s, "accepted"); err != nil {
		t.Fatal(err)
	}
	if n := s.Count(t); n != 1 {
		t.Errorf("Count = %d, want 1", n)
	}
}
