package gatehouse_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/mail"
)

// TestOutboxSurvivesSMTPOutage: with the mail server down a signup still
// succeeds; its confirmation waits in the outbox and, once the server is
// back and the retry is due, arrives exactly once.
func TestOutboxSurvivesSMTPOutage(t *testing.T) {
	// A short first wait, so the retry comes within the test (the outbox
	// runs on the wall clock, not the test's).
	e := newFlowEnv(t, account.Config{}, func(c *gatehouse.Config) { c.MailDelivery.RetryBase = 200 * time.Millisecond })
	e.sink.Stop(t)
	c := e.browser()
	if loc := location(t, e.signup(t, c, "oli", "oli@example.com", nil)); loc != "/dashboard/" || !e.signedIn(t, c) {
		t.Fatalf("a signup during an SMTP outage went to %s", loc)
	}
	// The worker tries, fails and schedules a retry.
	ctx := context.Background()
	deadline := time.Now().Add(10 * time.Second)
	for {
		qs, err := e.srv.DB.ListOutbox(ctx, 0, 10)
		must(t, err)
		if len(qs) == 1 && qs[0].Attempts >= 1 && qs[0].LastError != "" && qs[0].Status == mail.StatusPending {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no failed attempt recorded: %+v", qs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.sink.Restart(t)
	m := e.mail(t, "oli@example.com", account.NoticeEmailConfirmation)
	if !strings.Contains(m.Text, "/accounts/confirm-email/") {
		t.Fatalf("the confirmation lost its link:\n%s", m.Text)
	}
	e.outboxSettled(t)
	time.Sleep(300 * time.Millisecond) // several polls
	if n := len(e.sink.Messages(t)); n != 1 {
		t.Fatalf("the sink holds %d messages, want the confirmation once", n)
	}
	qs, err := e.srv.DB.ListOutbox(ctx, 0, 10)
	must(t, err)
	if len(qs) != 1 || qs[0].Status != mail.StatusSent {
		t.Fatalf("outbox after delivery: %+v", qs)
	}
}
