// Package flow keeps the server-side state of an anonymous browser's
// unfinished business: a login waiting on its stages (a verified email, and
// later a second factor), a password-reset key taken out of its URL, a code
// mailed to the user. A flow is named by an opaque random token held in a
// cookie; the store keeps only the token's SHA-256, an expiry, and the
// flow's data. Flows are single use: the step that finishes one takes it
// (Take), so a replayed cookie finds nothing.
package flow

import (
	"context"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/opaque"
)

// Flow is one unfinished piece of work.
type Flow struct {
	// ID is hex(SHA-256(token)); the token itself is never stored.
	ID string
	// Kind says what the flow is ("login", "password_reset" …); a step
	// reads only flows of its own kind.
	Kind string
	// Data is the flow's state, encoded by the package that owns the kind.
	Data      []byte
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Store keeps flows. Every instance of a site shares it, so a flow started
// on one continues on another. Implementations must be safe for concurrent
// use; *sqlstore.DB is one.
type Store interface {
	// SaveFlow inserts f, or replaces the flow with the same ID.
	SaveFlow(ctx context.Context, f Flow) error
	// FindFlow returns the flow stored under id unless it expired at now.
	FindFlow(ctx context.Context, id string, now time.Time) (f Flow, ok bool, err error)
	// TakeFlow deletes the flow stored under id and returns it unless it
	// expired at now, atomically: of concurrent calls for one id at most
	// one gets ok.
	TakeFlow(ctx context.Context, id string, now time.Time) (f Flow, ok bool, err error)
	// DeleteExpiredFlows removes flows that expired at or before now and
	// returns how many.
	DeleteExpiredFlows(ctx context.Context, now time.Time) (int64, error)
}

// TokenBytes is the entropy of a token: 256 bits.
const TokenBytes = opaque.Bytes

// NewToken returns a fresh random token (base64url, 43 characters) and the
// ID its record is stored under.
func NewToken() (token, id string) { return opaque.New() }

// HashToken returns the storage ID of a token.
func HashToken(token string) string { return opaque.Hash(token) }

// ValidToken reports whether s has the shape NewToken gives, so that junk
// cookies are refused before any store lookup.
func ValidToken(s string) bool { return opaque.Valid(s) }
