package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/mail/mailtest"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
	"github.com/gatehouse-auth/gatehouse/user"
)

// sinkWait bounds how long a test waits for mailpit to store messages.
const sinkWait = 30 * time.Second

// clock is a settable clock for mail.Outbox.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

// newClock starts a second from now, after every message enqueued so far.
func newClock() *clock { return &clock{t: time.Now().Add(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// smtpTo returns an SMTP mailer for url.
func smtpTo(t *testing.T, url string) mail.Mailer {
	t.Helper()
	m, err := mail.NewSMTP(url, mail.WithFrom("Gatehouse <noreply@example.com>"), mail.WithTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// closedPort returns an SMTP URL where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "smtp+insecure://" + addr
}

// outbox returns a quiet Outbox over db with the given mailer and clock.
func outbox(db *sqlstore.DB, m mail.Mailer, c *clock) *mail.Outbox {
	return &mail.Outbox{Store: db, Mailer: m, Now: c.Now, Log: slog.New(slog.DiscardHandler)}
}

// signup creates a user and queues their welcome mail in one transaction,
// as a signup does.
func signup(t *testing.T, db *sqlstore.DB, name string) {
	t.Helper()
	err := db.Atomic(t.Context(), func(tx user.Store) error {
		u := &user.User{Username: name, Email: name + "@example.com", IsActive: true, DateJoined: time.Now()}
		if err := tx.CreateUser(t.Context(), u); err != nil {
			return err
		}
		return tx.(mail.Queue).Enqueue(t.Context(), &mail.Message{
			To:      []string{u.Email},
			Subject: "Welcome, " + name,
			Text:    "Confirm your address: https://example.com/accounts/confirm-email/KEY-" + name + "/",
		})
	})
	if err != nil {
		t.Fatalf("signup %s: %v", name, err)
	}
}

// only returns the one message of the outbox.
func only(t *testing.T, db *sqlstore.DB) *mail.Queued {
	t.Helper()
	qs, err := db.ListOutbox(t.Context(), 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 1 {
		t.Fatalf("the outbox holds %d messages, want 1", len(qs))
	}
	return qs[0]
}

// deliver runs one Deliver pass and checks how many it sent.
func deliver(t *testing.T, o *mail.Outbox, want int) {
	t.Helper()
	n, err := o.Deliver(t.Context())
	if err != nil || n != want {
		t.Fatalf("Deliver = %d, %v; want %d sent", n, err, want)
	}
}

// wantWait checks that q is due again between half of wait and all of it
// after now, the backoff with its jitter.
func wantWait(t *testing.T, q *mail.Queued, now time.Time, wait time.Duration) {
	t.Helper()
	if got := q.NextAttemptAt.Sub(now); got < wait/2-time.Millisecond || got > wait+time.Millisecond {
		t.Errorf("after attempt %d the next is %v later, want between %v and %v", q.Attempts, got, wait/2, wait)
	}
}

// TestOutboxRetriesThroughOutage queues a signup's mail while the SMTP
// server is down: the attempts fail and are retried after 30 s, then 60 s
// (with jitter); once the server is back the mail arrives exactly once,
// with the same Message-ID it was queued with.
func TestOutboxRetriesThroughOutage(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		sink := mailtest.Start(t)
		sink.Stop(t)
		signup(t, db, "ann")
		clk := newClock()
		o := outbox(db, smtpTo(t, sink.SMTPURL()), clk)

		deliver(t, o, 0)
		q := only(t, db)
		if q.Status != mail.StatusPending || q.Attempts != 1 || !strings.Contains(q.LastError, "temporary failure") {
			t.Fatalf("after a failed attempt: %+v", q)
		}
		if strings.Contains(q.LastError, "KEY-ann") {
			t.Errorf("LastError holds the body: %q", q.LastError)
		}
		wantWait(t, q, clk.Now(), 30*time.Second)
		deliver(t, o, 0) // not due yet: no attempt
		if again := only(t, db); again.Attempts != 1 {
			t.Fatalf("a message was tried before it was due: %+v", again)
		}

		clk.Set(q.NextAttemptAt)
		deliver(t, o, 0)
		q = only(t, db)
		if q.Attempts != 2 {
			t.Fatalf("second attempt: %+v", q)
		}
		wantWait(t, q, clk.Now(), time.Minute)

		sink.Restart(t)
		clk.Set(q.NextAttemptAt)
		deliver(t, o, 1)
		msgs := sink.WaitFor(t, 1, sinkWait)
		clk.Set(clk.Now().Add(24 * time.Hour))
		deliver(t, o, 0)
		if n := sink.Count(t); n != 1 || len(msgs) != 1 {
			t.Fatalf("%d messages arrived, want 1", n)
		}
		sent := only(t, db)
		if sent.Status != mail.StatusSent || sent.Attempts != 3 || !sent.SentAt.Equal(q.NextAttemptAt) {
			t.Errorf("after delivery: %+v", sent)
		}
		m := msgs[0]
		if m.Subject != "Welcome, ann" || len(m.To) != 1 || m.To[0] != "ann@example.com" || !strings.Contains(m.Text, "KEY-ann") {
			t.Errorf("arrived: %+v", m)
		}
		if "<"+m.MessageID+">" != sent.Message.Headers["Message-ID"] {
			t.Errorf("Message-ID %q, queued as %q", m.MessageID, sent.Message.Headers["Message-ID"])
		}
	})
}

// TestOutboxGivesUpAfterMaxAttempts: with nothing listening, the third of
// three attempts marks the message failed, and it is never tried again.
func TestOutboxGivesUpAfterMaxAttempts(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		signup(t, db, "bo")
		clk := newClock()
		o := outbox(db, smtpTo(t, closedPort(t)), clk)
		o.MaxAttempts = 3
		for attempt := 1; attempt <= 3; attempt++ {
			deliver(t, o, 0)
			q := only(t, db)
			if q.Attempts != attempt {
				t.Fatalf("attempt %d: %+v", attempt, q)
			}
			if attempt < 3 {
				wantWait(t, q, clk.Now(), 30*time.Second<<(attempt-1))
				clk.Set(q.NextAttemptAt)
			}
		}
		q := only(t, db)
		if q.Status != mail.StatusFailed || !strings.HasPrefix(q.LastError, "gave up after 3 attempts: mail: smtp 127.0.0.1:") {
			t.Fatalf("after 3 attempts: %+v", q)
		}
		clk.Set(clk.Now().Add(1000 * time.Hour))
		deliver(t, o, 0)
		if q := only(t, db); q.Attempts != 3 {
			t.Errorf("a failed message was tried again: %+v", q)
		}
	})
}

// TestOutboxReclaimsCrashedLease: a message claimed by an instance that
// then stopped is left alone while the lease lasts, then delivered once by
// another; the crashed claim can record nothing.
func TestOutboxReclaimsCrashedLease(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqlstore.DB) {
		sink := mailtest.Start(t)
		signup(t, db, "cy")
		clk := newClock()
		start := clk.Now()
		crashed, err := db.Claim(t.Context(), "crashed-instance", start, start.Add(time.Minute), 10)
		if err != nil || len(crashed) != 1 {
			t.Fatalf("Claim = %v, %v", crashed, err)
		}
		o := outbox(db, smtpTo(t, sink.SMTPURL()), clk)
		clk.Set(start.Add(59 * time.Second))
		deliver(t, o, 0)
		clk.Set(start.Add(time.Minute))
		deliver(t, o, 1)
		sink.WaitFor(t, 1, sinkWait)
		if err := db.MarkSent(t.Context(), crashed[0], start); !errors.Is(err, mail.ErrLeaseLost) {
			t.Errorf("MarkSent by the crashed instance = %v, want ErrLeaseLost", err)
		}
		if q := only(t, db); q.Status != mail.StatusSent || q.Attempts != 2 || q.LeaseOwner == "crashed-instance" {
			t.Errorf("after the reclaim: %+v", q)
		}
		if n := sink.Count(t); n != 1 {
			t.Errorf("%d messages arrived, want 1", n)
		}
	})
}

// TestOutboxGivesUpOnRepeatedCrashes: a message whose workers stopped
// mid-send as many times as it has attempts is failed, not sent again.
func TestOutboxGivesUpOnRepeatedCrashes(t *testing.T) {
	db := openSQLite(t)
	sink := mailtest.Start(t)
	signup(t, db, "di")
	clk := newClock()
	now := clk.Now()
	for i := range 2 {
		at := now.Add(time.Duration(i) * time.Minute)
		if qs, err := db.Claim(t.Context(), fmt.Sprintf("crash-%d", i), at, at.Add(time.Minute), 1); err != nil || len(qs) != 1 {
			t.Fatalf("Claim %d = %v, %v", i, qs, err)
		}
	}
	o := outbox(db, smtpTo(t, sink.SMTPURL()), clk)
	o.MaxAttempts = 2
	clk.Set(now.Add(2 * time.Minute))
	deliver(t, o, 0)
	if q := only(t, db); q.Status != mail.StatusFailed || !strings.Contains(q.LastError, "stopped before recording") {
		t.Errorf("after two crashed attempts: %+v", q)
	}
	if n := sink.Count(t); n != 0 {
		t.Errorf("%d messages sent, want none", n)
	}
}

// TestOutboxRunWakesOnEnqueue: with a poll of an hour, a message queued in
// this process is sent at once, because OnEnqueue wakes the worker; Run
// returns nil when its context ends.
func TestOutboxRunWakesOnEnqueue(t *testing.T) {
	db := openSQLite(t)
	sink := mailtest.Start(t)
	o := &mail.Outbox{Store: db, Mailer: smtpTo(t, sink.SMTPURL()), Poll: time.Hour, Log: slog.New(slog.DiscardHandler)}
	db.OnEnqueue(o.Wake)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- o.Run(ctx) }()
	time.Sleep(100 * time.Millisecond) // let the first pass find nothing
	signup(t, db, "ed")
	sink.WaitFor(t, 1, sinkWait)
	signup(t, db, "flo")
	sink.WaitFor(t, 2, sinkWait)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}

// TestOutboxMisconfigured: Run and Deliver refuse an Outbox without a
// Store or Mailer, or with negative settings, at once.
func TestOutboxMisconfigured(t *testing.T) {
	db := openSQLite(t)
	console := &mail.Console{}
	for _, o := range []*mail.Outbox{
		{Mailer: console},
		{Store: db},
		{Store: db, Mailer: console, Lease: -time.Second},
		{Store: db, Mailer: console, MaxAttempts: -1},
	} {
		if err := o.Run(t.Context()); err == nil || !strings.HasPrefix(err.Error(), "mail: outbox: ") {
			t.Errorf("Run(%+v) = %v", o, err)
		}
		if _, err := o.Deliver(t.Context()); err == nil {
			t.Errorf("Deliver(%+v) succeeded", o)
		}
	}
}

// TestOnEnqueue: the function runs after a committed enqueue (once per
// transaction), never after a rollback.
func TestOnEnqueue(t *testing.T) {
	db := openSQLite(t)
	calls := 0
	db.OnEnqueue(func() { calls++ })
	m := &mail.Message{To: []string{"gus@example.com"}, Subject: "Hi"}
	if err := db.Enqueue(t.Context(), m); err != nil || calls != 1 {
		t.Fatalf("Enqueue outside a transaction: %v, %d calls", err, calls)
	}
	errAbort := errors.New("abort")
	err := db.Atomic(t.Context(), func(tx user.Store) error {
		tx.(mail.Queue).Enqueue(t.Context(), m)
		return errAbort
	})
	if !errors.Is(err, errAbort) || calls != 1 {
		t.Fatalf("rolled back: %v, %d calls", err, calls)
	}
	err = db.Atomic(t.Context(), func(tx user.Store) error {
		for range 2 {
			if err := tx.(mail.Queue).Enqueue(t.Context(), m); err != nil {
				return err
			}
		}
		if calls != 1 {
			t.Errorf("called before the commit")
		}
		return nil
	})
	if err != nil || calls != 2 {
		t.Fatalf("committed: %v, %d calls", err, calls)
	}
	db.OnEnqueue(nil)
	if err := db.Enqueue(t.Context(), m); err != nil || calls != 2 {
		t.Fatalf("after OnEnqueue(nil): %v, %d calls", err, calls)
	}
}
