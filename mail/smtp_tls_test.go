package mail_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/mail/mailtest"
)

func TestSMTPSTARTTLS(t *testing.T) {
	sink := mailtest.Start(t, mailtest.WithSTARTTLS())
	m := &mail.Message{To: []string{"ann@example.com"}, Subject: "Тема", Text: "по TLS"}

	// The sink refuses clients that skip STARTTLS, so delivery proves that
	// both smtp:// (opportunistic) and ?tls=starttls upgrade, and that
	// credentials go over the encrypted connection.
	for _, u := range []string{
		sink.SMTPURL(),
		"smtp://mailer:p%40ss@" + sink.SMTPAddr(),
	} {
		s := newSMTP(t, u, mail.WithTLSConfig(sink.TLSConfig()))
		if err := s.Send(context.Background(), m); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	msgs := sink.WaitFor(t, 2, waitTime)
	if msgs[0].Subject != "Тема" || norm(msgs[0].Text) != "по TLS" {
		t.Errorf("message = %+v", msgs[0])
	}
	if msgs[0].Username != "" || msgs[1].Username != "mailer" {
		t.Errorf("users %q and %q, want none and mailer", msgs[0].Username, msgs[1].Username)
	}

	// Without trust in the certificate the handshake fails, and plain text
	// is refused by the server.
	err := newSMTP(t, sink.SMTPURL()).Send(context.Background(), m)
	if !errors.Is(err, mail.ErrTemporary) || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("Send with an untrusted certificate = %v", err)
	}
	err = newSMTP(t, "smtp+insecure://"+sink.SMTPAddr()).Send(context.Background(), m)
	if err == nil {
		t.Error("plain-text Send to a STARTTLS-only server succeeded")
	}
	if n := sink.Count(t); n != 2 {
		t.Errorf("sink holds %d messages, want 2", n)
	}
}

func TestSMTPImplicitTLS(t *testing.T) {
	sink := mailtest.Start(t, mailtest.WithImplicitTLS())
	m := &mail.Message{To: []string{"ann@example.com"}, Subject: "smtps", Text: "x", HTML: "<b>x</b>"}
	u := strings.Replace(sink.SMTPURL(), "://", "://mailer:secret@", 1)
	if err := newSMTP(t, u, mail.WithTLSConfig(sink.TLSConfig())).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := sink.WaitFor(t, 1, waitTime)[0]
	if got.Subject != "smtps" || got.Username != "mailer" || norm(got.HTML) != "<b>x</b>" {
		t.Errorf("message = %+v", got)
	}
	err := newSMTP(t, u).Send(context.Background(), m)
	if !errors.Is(err, mail.ErrTemporary) || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("Send with an untrusted certificate = %v", err)
	}
}
