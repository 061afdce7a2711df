package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/mail/mailtest"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

// openCLIDB opens the database of c, as another process would.
func openCLIDB(t *testing.T, c *cli) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(t.Context(), c.env["GATEHOUSE_DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// queue enqueues a message to addr.
func queue(t *testing.T, db *sqlstore.DB, addr, subject string) {
	t.Helper()
	if err := db.Enqueue(t.Context(), &mail.Message{To: []string{addr}, Subject: subject, Text: "secret body"}); err != nil {
		t.Fatal(err)
	}
}

// TestMailOutboxListsFailedMessages runs a message out of its attempts
// against a port where nothing listens: `mail outbox --status failed` lists
// it with its attempts and last error, and the default listing shows it
// beside the pending ones.
func TestMailOutboxListsFailedMessages(t *testing.T) {
	c := newCLI(t)
	if out := c.ok("", "mail", "outbox"); out != "The mail outbox holds no pending or failed messages.\n" {
		t.Errorf("empty outbox: %q", out)
	}
	db := openCLIDB(t, c)
	queue(t, db, "ann@example.com", "Confirm your address")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "smtp+insecure://" + l.Addr().String()
	l.Close()
	mailer, err := mail.NewSMTP(dead)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Add(time.Second)
	o := &mail.Outbox{Store: db, Mailer: mailer, MaxAttempts: 3, Now: func() time.Time { return now },
		Log: slog.New(slog.DiscardHandler)}
	for range 3 {
		if n, err := o.Deliver(t.Context()); n != 0 || err != nil {
			t.Fatalf("Deliver = %d, %v", n, err)
		}
		now = now.Add(time.Hour) // past every backoff
	}
	queue(t, db, "bob@example.com", "Reset your password")

	var failed []outboxJSON
	if err := json.Unmarshal([]byte(c.ok("", "mail", "outbox", "--status", "failed", "--json")), &failed); err != nil {
		t.Fatal(err)
	}
	if len(failed) != 1 {
		t.Fatalf("--status failed listed %d messages, want 1", len(failed))
	}
	f := failed[0]
	if f.Status != "failed" || f.Attempts != 3 || len(f.To) != 1 || f.To[0] != "ann@example.com" ||
		f.Subject != "Confirm your address" || f.NextAttemptAt != nil || f.SentAt != nil ||
		!strings.HasPrefix(f.LastError, "gave up after 3 attempts: mail: smtp 127.0.0.1:") {
		t.Errorf("failed message: %+v", f)
	}
	table := c.ok("", "mail", "outbox")
	for _, want := range []string{"ID", "NEXT ATTEMPT", "LAST ERROR", "failed", "ann@example.com", "Confirm your address",
		"gave up after 3 attempts", "pending", "bob@example.com", "Reset your password"} {
		if !strings.Contains(table, want) {
			t.Errorf("mail outbox lacks %q:\n%s", want, table)
		}
	}
	if strings.Contains(table, "secret body") {
		t.Errorf("mail outbox printed a body:\n%s", table)
	}
	if out := c.ok("", "mail", "outbox", "--status", "sent"); out != "The mail outbox holds no sent messages.\n" {
		t.Errorf("--status sent: %q", out)
	}
	var all []outboxJSON
	json.Unmarshal([]byte(c.ok("", "mail", "outbox", "--status", "all", "--json")), &all)
	if len(all) != 2 || all[1].Status != "pending" || all[1].NextAttemptAt == nil {
		t.Errorf("--status all: %+v", all)
	}
	c.fails("--status: want pending, failed, sent or all", "mail", "outbox", "--status", "lost")
}

// TestMailTest sends a test message through SMTP to mailpit, then reports
// the error clearly, without the password, while mailpit is down.
func TestMailTest(t *testing.T) {
	sink := mailtest.Start(t)
	c := newEmptyCLI(t) // no database needed
	c.env["GATEHOUSE_MAIL_BACKEND"] = "smtp"
	c.env["GATEHOUSE_MAIL_SMTP_URL"] = "smtp+insecure://me:hunter2@" + sink.SMTPAddr()
	out := c.ok("", "mail", "test", "ann@example.com")
	if want := "Test message sent to ann@example.com through the smtp backend (smtp+insecure://me:xxxxx@" + sink.SMTPAddr() + ")."; !strings.Contains(out, want) {
		t.Errorf("mail test printed %q, want %q", out, want)
	}
	msgs := sink.WaitFor(t, 1, 10*time.Second)
	if m := msgs[0]; m.Subject != "Gatehouse test message" || len(m.To) != 1 || m.To[0] != "ann@example.com" || m.Username != "me" {
		t.Errorf("arrived: %+v", m)
	}
	sink.Stop(t)
	_, err := c.run("", "mail", "test", "ann@example.com")
	if err == nil || !strings.Contains(err.Error(), "the test message to ann@example.com was not sent through the smtp backend") ||
		!strings.Contains(err.Error(), "temporary failure") || strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "\n") {
		t.Errorf("mail test with mailpit down: %v", err)
	}
	c.fails(`"not an address" is not an email address`, "mail", "test", "not an address")

	c.env["GATEHOUSE_MAIL_BACKEND"] = "console"
	if out := c.ok("", "mail", "test", "bob@example.com"); !strings.Contains(out, "Subject: Gatehouse test message") ||
		!strings.Contains(out, "through the console backend") {
		t.Errorf("mail test on the console: %s", out)
	}
}

// TestServeDeliversQueuedMail starts serve with mailpit as its SMTP
// server: a message queued in the database (by another process) is
// delivered by serve's outbox worker, which stops with serve.
func TestServeDeliversQueuedMail(t *testing.T) {
	sink := mailtest.Start(t)
	c := newCLI(t)
	c.env["GATEHOUSE_MAIL_BACKEND"] = "smtp"
	c.env["GATEHOUSE_MAIL_SMTP_URL"] = sink.SMTPURL()
	c.env["GATEHOUSE_MAIL_OUTBOX_POLL"] = "100ms"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, strings.NewReader(""), &out, io.Discard, c.environ())
	}()
	re := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)
	for i := 0; i < 200 && !re.MatchString(out.String()); i++ {
		time.Sleep(25 * time.Millisecond)
	}
	if !re.MatchString(out.String()) {
		cancel()
		t.Fatalf("serve printed no URL: %q", out.String())
	}
	queue(t, openCLIDB(t, c), "cy@example.com", "Queued elsewhere")
	msgs := sink.WaitFor(t, 1, 10*time.Second)
	if msgs[0].Subject != "Queued elsewhere" || msgs[0].From != "noreply@localhost" {
		t.Errorf("arrived: %+v", msgs[0])
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	if out := c.ok("", "mail", "outbox", "--status", "sent"); !strings.Contains(out, "Queued elsewhere") {
		t.Errorf("mail outbox --status sent:\n%s", out)
	}
}
