package session

import (
	"context"
	"time"
)

// Store persists sessions. Find returns ok=false, not an error, for an unknown
// ID. An error from any method means the store could not answer; callers treat
// that as "not logged in" (fail closed). Implementations must be safe for
// concurrent use.
type Store interface {
	// Find returns the session stored under id.
	Find(ctx context.Context, id string) (s Session, ok bool, err error)
	// Save inserts s, or replaces the session with the same ID.
	Save(ctx context.Context, s Session) error
	// Touch records activity: sets LastSeenAt of session id.
	Touch(ctx context.Context, id string, at time.Time) error
	// Delete removes one session; deleting an unknown ID is not an error.
	Delete(ctx context.Context, id string) error
	// DeleteUser removes every session of the user except the one with ID
	// except (pass "" to remove all).
	DeleteUser(ctx context.Context, userID int64, except string) error
	// ListUser lists the user's sessions, newest first.
	ListUser(ctx context.Context, userID int64) ([]Session, error)
	// DeleteExpired removes sessions whose ExpiresAt is before now or whose
	// LastSeenAt is before idleBefore, and returns how many it removed.
	DeleteExpired(ctx context.Context, now, idleBefore time.Time) (int64, error)
}
