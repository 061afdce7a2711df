package storetest

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/user"
)

type outboxTest = storeTest[Stores]

var outboxTests = []outboxTest{
	{"RoundTrip", testOutboxRoundTrip},
	{"Invalid", testOutboxInvalid},
	{"DueOrderAndLimit", testOutboxDueOrder},
	{"LeaseExpiry", testOutboxLeaseExpiry},
	{"Retry", testOutboxRetry},
	{"Failed", testOutboxFailed},
	{"ListAndDeleteSent", testOutboxList},
	{"ConcurrentClaims", testOutboxConcurrentClaims},
	{"AtomicRollback", testOutboxAtomicRollback},
	{"AtomicCommit", testOutboxAtomicCommit},
}

// outboxOwner is the lease owner of the tests' claims.
const outboxOwner = "storetest-worker"

// later is a time after every enqueue of a test: messages are due from the
// moment they are stored, by the store's clock.
func later() time.Time { return time.Now().Add(time.Second) }

// testMessage returns a message with every field set, told apart by n.
func testMessage(n int) *mail.Message {
	return &mail.Message{
		To:      []string{fmt.Sprintf("Анна Каренина <anna%d@example.com>", n), "bob@example.org"},
		From:    "Gatehouse <noreply@example.com>",
		Subject: fmt.Sprintf("Подтвердите адрес №%d — & <ok>", n),
		Text:    fmt.Sprintf("Здравствуйте!\n\nhttps://example.com/accounts/confirm-email/%d/\n", n),
		HTML:    fmt.Sprintf(`<p>Здравствуйте!</p><p><a href="https://example.com/c/%d/">Подтвердить</a></p>`, n),
		Headers: map[string]string{"X-Gatehouse-Kind": "verify", "Reply-To": "Support <help@example.com>"},
	}
}

func enqueue(t *testing.T, q mail.Queue, m *mail.Message) {
	t.Helper()
	check(t, q.Enqueue(t.Context(), m), "Enqueue")
}

func claim(t *testing.T, s mail.OutboxStore, now time.Time, lease time.Duration, limit int) []*mail.Queued {
	t.Helper()
	qs, err := s.Claim(t.Context(), outboxOwner, now, now.Add(lease), limit)
	check(t, err, "Claim")
	return qs
}

// list returns every message with one of statuses.
func list(t *testing.T, s mail.OutboxStore, statuses ...mail.Status) []*mail.Queued {
	t.Helper()
	qs, err := s.ListOutbox(t.Context(), 0, 1000, statuses...)
	check(t, err, "ListOutbox")
	return qs
}

// diffMessage describes how got differs from want, apart from the
// Message-ID that the queue adds ("" when equal).
func diffMessage(want, got *mail.Message) string {
	if got == nil {
		return "nil message"
	}
	h := maps.Clone(got.Headers)
	delete(h, "Message-ID")
	var d string
	if !slices.Equal(got.To, want.To) {
		d += fmt.Sprintf("\n  To: got %q, want %q", got.To, want.To)
	}
	if got.From != want.From || got.Subject != want.Subject || got.Text != want.Text || got.HTML != want.HTML {
		d += fmt.Sprintf("\n  got %q %q %q %q,\n  want %q %q %q %q", got.From, got.Subject, got.Text, got.HTML,
			want.From, want.Subject, want.Text, want.HTML)
	}
	if !maps.Equal(h, want.Headers) {
		d += fmt.Sprintf("\n  Headers: got %q, want %q and a Message-ID", got.Headers, want.Headers)
	}
	return d
}

// testOutboxRoundTrip: a claimed message is the enqueued one, with a
// Message-ID, its first attempt and the claim's lease.
func testOutboxRoundTrip(t *testing.T, s Stores) {
	m := testMessage(1)
	before := time.Now().Add(-time.Second)
	enqueue(t, s.Outbox, m)
	now := later()
	qs := claim(t, s.Outbox, now, time.Minute, 10)
	if len(qs) != 1 {
		t.Fatalf("Claim returned %d messages, want 1", len(qs))
	}
	q := qs[0]
	if d := diffMessage(m, q.Message); d != "" {
		t.Errorf("claimed message differs:%s", d)
	}
	if id := q.Message.Headers["Message-ID"]; len(id) < 5 || id[0] != '<' || id[len(id)-1] != '>' {
		t.Errorf("Message-ID = %q, want one added by the queue", id)
	}
	if q.ID == 0 || q.Status != mail.StatusPending || q.Attempts != 1 || q.LeaseOwner != outboxOwner ||
		!q.LeaseUntil.Equal(now.Add(time.Minute).Truncate(time.Microsecond)) || q.CreatedAt.Before(before) || q.CreatedAt.After(now) {
		t.Errorf("claimed = %+v, want pending, attempt 1, leased to %s until %v", q, outboxOwner, now.Add(time.Minute))
	}
	if m.Headers["Message-ID"] != "" || len(m.Headers) != 2 {
		t.Errorf("Enqueue modified the message's headers: %q", m.Headers)
	}
	check(t, s.Outbox.MarkSent(t.Context(), q, now), "MarkSent")
	sent := list(t, s.Outbox, mail.StatusSent)
	if len(sent) != 1 || sent[0].ID != q.ID || !sent[0].SentAt.Equal(now.Truncate(time.Microsecond)) ||
		sent[0].Message.Text != "" || sent[0].Message.HTML != "" || sent[0].Message.Subject != m.Subject {
		t.Errorf("after MarkSent: %+v, want sent at %v without bodies", sent, now)
	}
	if again := claim(t, s.Outbox, now.Add(24*time.Hour), time.Minute, 10); len(again) != 0 {
		t.Errorf("a sent message was claimed again: %+v", again)
	}
}

// testOutboxInvalid: a refused message wraps ErrInvalidMessage and leaves
// nothing queued.
func testOutboxInvalid(t *testing.T, s Stores) {
	for _, m := range []*mail.Message{
		{Subject: "no recipient"},
		{To: []string{"ann@example.com"}, Subject: "Hi\r\nBcc: all@example.com"},
		{To: []string{"ann@example.com"}, Headers: map[string]string{"From": "x@example.com"}},
	} {
		if err := s.Outbox.Enqueue(t.Context(), m); !errors.Is(err, mail.ErrInvalidMessage) {
			t.Errorf("Enqueue(%+v) = %v, want ErrInvalidMessage", m, err)
		}
	}
	if qs := list(t, s.Outbox); len(qs) != 0 {
		t.Errorf("invalid messages were queued: %+v", qs)
	}
}

// testOutboxDueOrder: a claim takes at most limit messages, the earliest
// due first.
func testOutboxDueOrder(t *testing.T, s Stores) {
	for i := range 5 {
		enqueue(t, s.Outbox, testMessage(i))
	}
	now := later()
	first := claim(t, s.Outbox, now, time.Minute, 2)
	if len(first) != 2 || first[0].Message.Subject != testMessage(0).Subject || first[1].Message.Subject != testMessage(1).Subject {
		t.Fatalf("Claim(limit 2) = %v, want messages 0 and 1", subjects(first))
	}
	// Message 0 is due again in an hour, after the others.
	check(t, s.Outbox.MarkRetry(t.Context(), first[0], now.Add(time.Hour), "later"), "MarkRetry")
	rest := claim(t, s.Outbox, now, time.Minute, 10)
	if len(rest) != 3 || rest[0].Message.Subject != testMessage(2).Subject {
		t.Fatalf("second Claim = %v, want messages 2, 3, 4", subjects(rest))
	}
	if none := claim(t, s.Outbox, now, time.Minute, 10); len(none) != 0 {
		t.Errorf("third Claim = %v, want none (leased or not due)", subjects(none))
	}
	if got := claim(t, s.Outbox, now.Add(time.Hour), time.Minute, 10); len(got) != 5 {
		t.Errorf("Claim an hour later = %v, want message 0 and the four expired leases", subjects(got))
	}
}

// testOutboxLeaseExpiry: a lease that ends without an outcome (a crashed
// worker) lets the message be claimed again, and the old claim can record
// nothing any more.
func testOutboxLeaseExpiry(t *testing.T, s Stores) {
	enqueue(t, s.Outbox, testMessage(1))
	now := later()
	crashed := claim(t, s.Outbox, now, time.Minute, 1)
	if len(crashed) != 1 {
		t.Fatalf("Claim returned %d messages", len(crashed))
	}
	if got := claim(t, s.Outbox, now.Add(59*time.Second), time.Minute, 1); len(got) != 0 {
		t.Fatalf("claimed while leased: %+v", got)
	}
	again := claim(t, s.Outbox, now.Add(time.Minute), time.Minute, 1)
	if len(again) != 1 || again[0].ID != crashed[0].ID || again[0].Attempts != 2 {
		t.Fatalf("Claim at the lease's end = %+v, want the message on its attempt 2", again)
	}
	for name, err := range map[string]error{
		"MarkSent":   s.Outbox.MarkSent(t.Context(), crashed[0], now),
		"MarkRetry":  s.Outbox.MarkRetry(t.Context(), crashed[0], now, "x"),
		"MarkFailed": s.Outbox.MarkFailed(t.Context(), crashed[0], "x"),
	} {
		if !errors.Is(err, mail.ErrLeaseLost) {
			t.Errorf("%s with the expired claim = %v, want ErrLeaseLost", name, err)
		}
	}
	check(t, s.Outbox.MarkSent(t.Context(), again[0], now.Add(time.Minute)), "MarkSent(new claim)")
	if err := s.Outbox.MarkSent(t.Context(), again[0], now); !errors.Is(err, mail.ErrLeaseLost) {
		t.Errorf("MarkSent twice = %v, want ErrLeaseLost", err)
	}
}

// testOutboxRetry: MarkRetry records the error and the due time.
func testOutboxRetry(t *testing.T, s Stores) {
	enqueue(t, s.Outbox, testMessage(1))
	now := later()
	q := claim(t, s.Outbox, now, time.Minute, 1)[0]
	next := now.Add(30 * time.Second)
	check(t, s.Outbox.MarkRetry(t.Context(), q, next, "mail: smtp 127.0.0.1:1: temporary failure"), "MarkRetry")
	got := list(t, s.Outbox, mail.StatusPending)
	if len(got) != 1 || got[0].LastError != "mail: smtp 127.0.0.1:1: temporary failure" ||
		!got[0].NextAttemptAt.Equal(next.Truncate(time.Microsecond)) || !got[0].LeaseUntil.IsZero() || got[0].Attempts != 1 {
		t.Fatalf("after MarkRetry: %+v", got)
	}
	if got[0].Message.Text != "" {
		t.Errorf("ListOutbox returned a body")
	}
	if qs := claim(t, s.Outbox, next.Add(-time.Microsecond), time.Minute, 1); len(qs) != 0 {
		t.Fatalf("claimed before its next attempt")
	}
	qs := claim(t, s.Outbox, next, time.Minute, 1)
	if len(qs) != 1 || qs[0].Attempts != 2 || qs[0].Message.Text != testMessage(1).Text {
		t.Fatalf("Claim at the next attempt = %+v, want attempt 2 with its body", qs)
	}
}

// testOutboxFailed: a failed message keeps its error and is never claimed.
func testOutboxFailed(t *testing.T, s Stores) {
	enqueue(t, s.Outbox, testMessage(1))
	now := later()
	q := claim(t, s.Outbox, now, time.Minute, 1)[0]
	check(t, s.Outbox.MarkFailed(t.Context(), q, "gave up after 1 attempts"), "MarkFailed")
	if qs := claim(t, s.Outbox, now.Add(1000*time.Hour), time.Minute, 10); len(qs) != 0 {
		t.Fatalf("a failed message was claimed")
	}
	failed := list(t, s.Outbox, mail.StatusFailed)
	if len(failed) != 1 || failed[0].Status != mail.StatusFailed || failed[0].LastError != "gave up after 1 attempts" {
		t.Fatalf("failed messages = %+v", failed)
	}
	if pending := list(t, s.Outbox, mail.StatusPending); len(pending) != 0 {
		t.Errorf("pending = %+v, want none", pending)
	}
}

// testOutboxList: ListOutbox filters by status and pages by ID; DeleteSent
// deletes only messages sent before the time given.
func testOutboxList(t *testing.T, s Stores) {
	ctx := t.Context()
	for i := range 4 {
		enqueue(t, s.Outbox, testMessage(i))
	}
	now := later()
	qs := claim(t, s.Outbox, now, time.Minute, 3)
	check(t, s.Outbox.MarkSent(ctx, qs[0], now), "MarkSent")
	check(t, s.Outbox.MarkSent(ctx, qs[1], now.Add(time.Hour)), "MarkSent")
	check(t, s.Outbox.MarkFailed(ctx, qs[2], "no"), "MarkFailed")
	for _, tc := range []struct {
		statuses []mail.Status
		want     int
	}{{nil, 4}, {[]mail.Status{mail.StatusSent}, 2}, {[]mail.Status{mail.StatusPending, mail.StatusFailed}, 2}} {
		if got := list(t, s.Outbox, tc.statuses...); len(got) != tc.want {
			t.Errorf("ListOutbox(%v) = %v, want %d", tc.statuses, subjects(got), tc.want)
		}
	}
	all := list(t, s.Outbox)
	page, err := s.Outbox.ListOutbox(ctx, all[0].ID, 2)
	check(t, err, "ListOutbox(page)")
	if len(page) != 2 || page[0].ID != all[1].ID || page[1].ID != all[2].ID {
		t.Errorf("page after %d = %v", all[0].ID, subjects(page))
	}
	if _, err := s.Outbox.ListOutbox(ctx, 0, 10, "lost"); err == nil {
		t.Errorf("ListOutbox(unknown status) succeeded")
	}
	n, err := s.Outbox.DeleteSent(ctx, now.Add(time.Minute))
	check(t, err, "DeleteSent")
	if left := list(t, s.Outbox); n != 1 || len(left) != 3 {
		t.Errorf("DeleteSent deleted %d, left %v; want 1 deleted, 3 left", n, subjects(left))
	}
}

// testOutboxAtomicRollback: a message enqueued in a transaction that fails
// is not queued.
func testOutboxAtomicRollback(t *testing.T, s Stores) {
	err := atomicQueue(t, s, func(tx user.Store, q mail.Queue) error {
		if err := tx.CreateUser(t.Context(), newUser("signup", "signup@example.com")); err != nil {
			return err
		}
		enqueue(t, q, testMessage(1))
		return errAbort
	})
	if !errors.Is(err, errAbort) {
		t.Fatalf("Atomic = %v, want errAbort", err)
	}
	if qs := list(t, s.Outbox); len(qs) != 0 {
		t.Errorf("rolled back message queued: %v", subjects(qs))
	}
}

// testOutboxAtomicCommit: a message enqueued in a committed transaction is
// queued, beside the rest of the transaction's writes.
func testOutboxAtomicCommit(t *testing.T, s Stores) {
	err := atomicQueue(t, s, func(tx user.Store, q mail.Queue) error {
		if err := tx.CreateUser(t.Context(), newUser("signup", "signup@example.com")); err != nil {
			return err
		}
		enqueue(t, q, testMessage(1))
		return nil
	})
	check(t, err, "Atomic")
	if qs := claim(t, s.Outbox, later(), time.Minute, 10); len(qs) != 1 || qs[0].Message.Subject != testMessage(1).Subject {
		t.Errorf("after commit: %v, want the message", subjects(qs))
	}
	if _, err := s.Users.UserByUsername(t.Context(), "signup"); err != nil {
		t.Errorf("after commit: user: %v", err)
	}
}

// atomicQueue runs fn in s.Users.Atomic with the bound store as a Queue,
// skipping the test when the backend has no such store.
func atomicQueue(t *testing.T, s Stores, fn func(tx user.Store, q mail.Queue) error) error {
	t.Helper()
	if s.Users == nil {
		t.Skip("no user.Store to run Atomic")
	}
	return s.Users.Atomic(t.Context(), func(tx user.Store) error {
		q, ok := tx.(mail.Queue)
		if !ok {
			t.Skipf("the store Atomic passes (%T) is not a mail.Queue", tx)
		}
		return fn(tx, q)
	})
}

func subjects(qs []*mail.Queued) []string {
	var out []string
	for _, q := range qs {
		out = append(out, fmt.Sprintf("%d:%s", q.ID, q.Message.Subject))
	}
	return out
}
