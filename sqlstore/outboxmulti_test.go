package sqlstore_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/mail/mailtest"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

// TestOutboxTwoInstancesDeliverOnce runs two workers, each over its own
// *sqlstore.DB on one database (as two server instances would), on 50
// messages queued through both: every message arrives exactly once, on its
// first attempt.
func TestOutboxTwoInstancesDeliverOnce(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		url := "sqlite:" + filepath.Join(t.TempDir(), "shared.db")
		testTwoInstances(t, openMigrated(t, url), openMigrated(t, url))
	})
	t.Run("postgres", func(t *testing.T) {
		url := postgresSchema(t)
		testTwoInstances(t, openMigrated(t, url), openMigrated(t, url))
	})
}

func testTwoInstances(t *testing.T, a, b *sqlstore.DB) {
	const n = 50
	sink := mailtest.Start(t)
	mailer := smtpTo(t, sink.SMTPURL())
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 2)
	for i, db := range []*sqlstore.DB{a, b} {
		o := &mail.Outbox{Store: db, Mailer: mailer, Poll: 20 * time.Millisecond, Owner: fmt.Sprintf("instance-%d", i),
			Log: slog.New(slog.DiscardHandler)}
		db.OnEnqueue(o.Wake)
		go func() { done <- o.Run(ctx) }()
	}
	for i := range n {
		db := a
		if i%2 == 1 {
			db = b
		}
		if err := db.Enqueue(t.Context(), &mail.Message{To: []string{fmt.Sprintf("user%d@example.com", i)},
			Subject: fmt.Sprintf("message %d", i), Text: "hello"}); err != nil {
			t.Fatal(err)
		}
	}
	sink.WaitFor(t, n, sinkWait)
	for deadline := time.Now().Add(sinkWait); ; time.Sleep(20 * time.Millisecond) {
		pending, err := a.ListOutbox(t.Context(), 0, 1000, mail.StatusPending)
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d messages still pending", len(pending))
		}
	}
	time.Sleep(200 * time.Millisecond) // a duplicate would have arrived by now
	cancel()
	for range 2 {
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
	}
	seen := map[string]int{}
	for _, m := range sink.Messages(t) {
		seen[m.Subject]++
	}
	for i := range n {
		if c := seen[fmt.Sprintf("message %d", i)]; c != 1 {
			t.Errorf("message %d arrived %d times", i, c)
		}
	}
	if len(seen) != n {
		t.Errorf("%d distinct messages arrived, want %d", len(seen), n)
	}
	sent, err := b.ListOutbox(t.Context(), 0, 1000, mail.StatusSent)
	if err != nil {
		t.Fatal(err)
	}
	owners := map[string]int{}
	for _, q := range sent {
		owners[q.LeaseOwner]++
		if q.Attempts != 1 {
			t.Errorf("message %d took %d attempts", q.ID, q.Attempts)
		}
	}
	if len(sent) != n {
		t.Errorf("%d messages marked sent, want %d", len(sent), n)
	}
	t.Logf("messages sent per instance: %v", owners)
}
