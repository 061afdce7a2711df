package mail

import (
	"context"
	"maps"
	"slices"
	"strings"
)

// Queue stores messages for later delivery, by an [Outbox], instead of
// sending them at once: a flow that mails (signup, password reset) then
// neither waits for the mail server nor fails when it is down.
type Queue interface {
	// Enqueue validates the message (see [Message.Validate]; a refused
	// message yields an error wrapping [ErrInvalidMessage] and nothing is
	// stored) and stores it for delivery. When the store is bound to a
	// transaction — sqlstore's Atomic passes such a DB to its function — the
	// message commits or rolls back with it: a mail is queued exactly when
	// the action that caused it happened. Enqueue neither modifies m nor
	// keeps it.
	Enqueue(ctx context.Context, m *Message) error
}

// PrepareQueued validates m and returns the copy of it that a [Queue]
// stores: To and Headers are copied, and a Message-ID header is added when m
// has none and fewer than [MaxHeaders] headers (with the domain of m.From,
// or localhost), so that every attempt
// to deliver the message carries the same ID and a receiver that gets it
// twice can tell. The error, if any, wraps [ErrInvalidMessage].
func PrepareQueued(m *Message) (*Message, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	q := *m
	q.To = slices.Clone(m.To)
	q.Headers = make(map[string]string, len(m.Headers)+1)
	maps.Copy(q.Headers, m.Headers)
	for name := range q.Headers {
		if strings.EqualFold(name, "Message-ID") {
			return &q, nil
		}
	}
	if len(q.Headers) < MaxHeaders { // a full set of headers would be refused
		q.Headers["Message-ID"] = newMessageID(m.From)
	}
	return &q, nil
}
