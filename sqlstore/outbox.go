package sqlstore

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gatehouse-auth/gatehouse/mail"
)

var _ mail.OutboxStore = (*DB)(nil)

// outboxCols are the columns of a mail.Queued; outboxListCols the same
// without the bodies.
const (
	outboxCols     = `id, created_at, recipients, sender, subject, text_body, html_body, headers, status, attempts, next_attempt_at, lease_owner, lease_until, sent_at, last_error`
	outboxListCols = `id, created_at, recipients, sender, subject, '', '', headers, status, attempts, next_attempt_at, lease_owner, lease_until, sent_at, last_error`
)

// Outbox queries; qDueMail, qListOutbox and qDeleteSentMail must use an
// index (see TestQueryPlans).
const (
	qEnqueueMail = `INSERT INTO gh_mail_outbox (created_at, recipients, sender, subject, text_body, html_body, headers, next_attempt_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $1)`
	// qDueMail is the claim's choice of messages: $3 is now, $4 the limit.
	qDueMail = `SELECT id FROM gh_mail_outbox WHERE status = 'pending' AND next_attempt_at <= $3
		ORDER BY next_attempt_at, id LIMIT $4`
	// qClaimMail leases the messages of qDueMail (%s: the dialect's row
	// lock) to $1 until $2. The choice is a MATERIALIZED CTE, run once: as a
	// plain "id IN (subquery)" PostgreSQL may plan a nested loop that runs
	// the subquery again for each row, and each run, passing the rows the
	// statement has already updated, would lease limit more messages.
	qClaimMail = `WITH due AS MATERIALIZED (` + qDueMail + `%s)
		UPDATE gh_mail_outbox SET attempts = attempts + 1, lease_owner = $1, lease_until = $2, next_attempt_at = $2
		WHERE id IN (SELECT id FROM due) AND status = 'pending' AND next_attempt_at <= $3
		RETURNING ` + outboxCols
	// The claim of a message is its owner and its attempt count.
	qClaimHeld      = ` WHERE id = $1 AND lease_owner = $2 AND attempts = $3 AND status = 'pending'`
	qMarkSent       = `UPDATE gh_mail_outbox SET status = 'sent', sent_at = $4, lease_until = NULL, text_body = '', html_body = ''` + qClaimHeld
	qMarkRetry      = `UPDATE gh_mail_outbox SET next_attempt_at = $4, last_error = $5, lease_until = NULL` + qClaimHeld
	qMarkFailed     = `UPDATE gh_mail_outbox SET status = 'failed', last_error = $4, lease_until = NULL` + qClaimHeld
	qListOutbox     = `SELECT ` + outboxListCols + ` FROM gh_mail_outbox WHERE id > $1 AND status IN ($3, $4, $5) ORDER BY id LIMIT $2`
	qDeleteSentMail = `DELETE FROM gh_mail_outbox WHERE status = 'sent' AND sent_at < $1`
)

// mailNotify holds the function OnEnqueue set; the DBs that Atomic makes
// share their parent's.
type mailNotify struct{ fn atomic.Pointer[func()] }

// OnEnqueue sets fn to be called after each message enqueued through db is
// stored: at once outside a transaction, after the commit of the outermost
// Atomic inside one (never after a rollback). Pass the Wake method of the
// mail.Outbox that delivers db's messages, so that a message enqueued in
// this process is sent without waiting for the outbox's next poll. nil
// removes it. fn must not block.
func (db *DB) OnEnqueue(fn func()) {
	if fn == nil {
		db.notify.fn.Store(nil)
		return
	}
	db.notify.fn.Store(&fn)
}

// mailQueued notes that a message was enqueued through db.
func (db *DB) mailQueued() {
	if db.tx != nil {
		*db.enqueued = true
		return
	}
	db.mailCommitted()
}

// mailCommitted calls the OnEnqueue function.
func (db *DB) mailCommitted() {
	if fn := db.notify.fn.Load(); fn != nil {
		(*fn)()
	}
}

// Enqueue validates m and stores it, as mail.PrepareQueued returns it (with
// a Message-ID), pending and due at once. On a DB that Atomic passed to its
// fn, the message commits or rolls back with the transaction.
func (db *DB) Enqueue(ctx context.Context, m *mail.Message) error {
	q, err := mail.PrepareQueued(m)
	if err != nil {
		return err
	}
	to, err := jsonText(q.To)
	if err != nil {
		return fmt.Errorf("sqlstore: enqueue mail: %w", err)
	}
	headers, err := jsonText(q.Headers)
	if err != nil {
		return fmt.Errorf("sqlstore: enqueue mail: %w", err)
	}
	_, err = db.writeExec(ctx, qEnqueueMail, db.d.time(time.Now()), to, q.From, q.Subject, q.Text, q.HTML, headers)
	if err != nil {
		return fmt.Errorf("sqlstore: enqueue mail: %w", err)
	}
	db.mailQueued()
	return nil
}

// Claim leases up to limit due messages to owner until until in one
// statement: on PostgreSQL the rows are chosen FOR UPDATE SKIP LOCKED, so
// concurrent claims take different messages without waiting for each
// other; on SQLite the statement runs on the single writer connection of
// this DB and under the database's write lock against other processes.
func (db *DB) Claim(ctx context.Context, owner string, now, until time.Time, limit int) ([]*mail.Queued, error) {
	if db.tx != nil {
		return nil, fmt.Errorf("sqlstore: claim mail inside Atomic")
	}
	if limit <= 0 {
		return nil, nil
	}
	rows, err := db.w.QueryContext(ctx, fmt.Sprintf(qClaimMail, db.d.skipLocked()), owner, db.d.time(until), db.d.time(now), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: claim mail: %w", err)
	}
	defer rows.Close()
	var out []*mail.Queued
	for rows.Next() {
		q, err := scanQueued(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: claim mail: %w", err)
		}
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: claim mail: %w", err)
	}
	slices.SortFunc(out, func(a, b *mail.Queued) int { return cmp.Compare(a.ID, b.ID) }) // RETURNING has no order
	return out, nil
}

// MarkSent records that q was sent at at and empties its bodies.
func (db *DB) MarkSent(ctx context.Context, q *mail.Queued, at time.Time) error {
	return db.markClaim(ctx, "mark mail sent", qMarkSent, q, db.d.time(at))
}

// MarkRetry ends q's lease, records lastErr and makes q due at next.
func (db *DB) MarkRetry(ctx context.Context, q *mail.Queued, next time.Time, lastErr string) error {
	return db.markClaim(ctx, "mark mail for retry", qMarkRetry, q, db.d.time(next), lastErr)
}

// MarkFailed gives q up, recording lastErr.
func (db *DB) MarkFailed(ctx context.Context, q *mail.Queued, lastErr string) error {
	return db.markClaim(ctx, "mark mail failed", qMarkFailed, q, lastErr)
}

// markClaim runs an update of q that holds only while q's claim does.
func (db *DB) markClaim(ctx context.Context, op, query string, q *mail.Queued, args ...any) error {
	res, err := db.w.ExecContext(ctx, query, append([]any{q.ID, q.LeaseOwner, q.Attempts}, args...)...)
	if err != nil {
		return fmt.Errorf("sqlstore: %s %d: %w", op, q.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlstore: %s %d: %w", op, q.ID, err)
	}
	if n == 0 {
		return fmt.Errorf("sqlstore: %s %d: %w", op, q.ID, mail.ErrLeaseLost)
	}
	return nil
}

// ListOutbox returns at most limit messages with one of statuses (every
// status when none is given) and an ID above afterID, by ID, without their
// bodies.
func (db *DB) ListOutbox(ctx context.Context, afterID int64, limit int, statuses ...mail.Status) ([]*mail.Queued, error) {
	switch {
	case len(statuses) == 0:
		statuses = []mail.Status{mail.StatusPending, mail.StatusSent, mail.StatusFailed}
	case len(statuses) > 3:
		return nil, fmt.Errorf("sqlstore: list outbox: at most 3 statuses, got %d", len(statuses))
	}
	args := []any{afterID, limit}
	for i := range 3 { // the IN list has three places; repeat the last status
		s := statuses[min(i, len(statuses)-1)]
		switch s {
		case mail.StatusPending, mail.StatusSent, mail.StatusFailed:
		default:
			return nil, fmt.Errorf("sqlstore: list outbox: unknown status %q", s)
		}
		args = append(args, string(s))
	}
	return queryList(ctx, db, "list outbox", qListOutbox, func(rows *sql.Rows) (*mail.Queued, error) { return scanQueued(rows) }, args...)
}

// DeleteSent deletes the messages sent before before.
func (db *DB) DeleteSent(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.writeExec(ctx, qDeleteSentMail, db.d.time(before))
	if err != nil {
		return 0, fmt.Errorf("sqlstore: delete sent mail: %w", err)
	}
	return res.RowsAffected()
}

// scanQueued reads the columns outboxCols names.
func scanQueued(s scanner) (*mail.Queued, error) {
	q := &mail.Queued{Message: &mail.Message{}}
	var to, headers, status string
	err := s.Scan(&q.ID, timeCol{&q.CreatedAt}, &to, &q.Message.From, &q.Message.Subject, &q.Message.Text,
		&q.Message.HTML, &headers, &status, &q.Attempts, timeCol{&q.NextAttemptAt}, &q.LeaseOwner,
		timeCol{&q.LeaseUntil}, timeCol{&q.SentAt}, &q.LastError)
	if err != nil {
		return nil, err
	}
	q.Status = mail.Status(status)
	if err := json.Unmarshal([]byte(to), &q.Message.To); err != nil {
		return nil, fmt.Errorf("message %d: recipients: %w", q.ID, err)
	}
	if err := json.Unmarshal([]byte(headers), &q.Message.Headers); err != nil {
		return nil, fmt.Errorf("message %d: headers: %w", q.ID, err)
	}
	return q, nil
}

// jsonText encodes v as JSON text without escaping <, > and &, so that
// addresses such as "Ann <ann@example.com>" stay readable in the table.
func jsonText(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}
