package mail

import (
	"context"
	"errors"
	"time"
)

// Status is where a message of an outbox stands.
type Status string

// The states of a queued message. A message is pending from [Queue.Enqueue]
// until it is sent or given up.
const (
	StatusPending Status = "pending" // waiting for its next attempt, or being sent
	StatusSent    Status = "sent"    // handed over to the mailer
	StatusFailed  Status = "failed"  // given up: invalid, or out of attempts
)

// ErrLeaseLost is wrapped by the errors of [OutboxStore] calls on a message
// whose lease its worker no longer holds: the lease ended and another worker
// claimed the message, or it is no longer pending.
var ErrLeaseLost = errors.New("mail: outbox lease lost")

// Queued is one message of an outbox and where its delivery stands.
type Queued struct {
	ID      int64
	Message *Message // as enqueued (see PrepareQueued); the bodies are dropped once sent
	Status  Status
	// Attempts counts the claims of the message: every delivery attempt,
	// including one whose worker stopped before recording its outcome.
	Attempts      int
	CreatedAt     time.Time
	NextAttemptAt time.Time // when a pending message is due (the end of its lease while leased)
	LeaseOwner    string    // the worker of the last claim; empty before the first
	LeaseUntil    time.Time // when the last claim's lease ends; zero before the first
	SentAt        time.Time // zero until sent
	LastError     string    // why the last attempt failed: the mailer's error, never the body
}

// OutboxStore keeps the messages of an [Outbox]: a [Queue], and the calls a
// worker makes to deliver what it holds. Implementations must be safe for
// concurrent use by several workers, in one process or many.
type OutboxStore interface {
	Queue

	// Claim leases to owner, until until, at most limit pending messages
	// that are due at now (their next attempt is at or before now), chosen
	// earliest due first, adds one to their Attempts and returns them with
	// their bodies, by ID. Two Claims, even from two processes, never return the
	// same message while its lease lasts; a message whose lease ends without
	// MarkSent, MarkRetry or MarkFailed (its worker crashed) is due again
	// when the lease ends.
	Claim(ctx context.Context, owner string, now, until time.Time, limit int) ([]*Queued, error)

	// MarkSent records that q, as Claim returned it, was sent at at, and
	// may drop its bodies. The error wraps ErrLeaseLost when the claim is no
	// longer q's latest or the message is not pending.
	MarkSent(ctx context.Context, q *Queued, at time.Time) error

	// MarkRetry ends q's lease, records lastErr and makes q due again at
	// next. The error wraps ErrLeaseLost as for MarkSent.
	MarkRetry(ctx context.Context, q *Queued, next time.Time, lastErr string) error

	// MarkFailed gives q up: it records lastErr and q is never claimed
	// again. The error wraps ErrLeaseLost as for MarkSent.
	MarkFailed(ctx context.Context, q *Queued, lastErr string) error

	// ListOutbox returns at most limit messages with one of statuses (every
	// status when none is given) and an ID above afterID, by ID, without
	// their bodies.
	ListOutbox(ctx context.Context, afterID int64, limit int, statuses ...Status) ([]*Queued, error)

	// DeleteSent deletes the messages sent before before and returns how
	// many it deleted.
	DeleteSent(ctx context.Context, before time.Time) (int64, error)
}
