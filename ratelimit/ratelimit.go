package ratelimit

import (
	"context"
	"time"
)

// Store keeps the counters. Hit and Release must be atomic: N concurrent
// hits on one key leave the counter at exactly N more, and each release
// takes exactly one back. *sqlstore.DB implements it.
type Store interface {
	// Hit adds one to key's counter and returns it. When the key's window
	// has ended (or it has none), the counter restarts at 1 with a window
	// ending at now+window.
	Hit(ctx context.Context, key string, window time.Duration, now time.Time) (Counter, error)
	// Release gives one unit back: it takes one from key's counter when
	// its window is still open at now and the count is above zero, and
	// does nothing otherwise. The window's end does not move.
	Release(ctx context.Context, key string, now time.Time) error
	// Count returns key's counter in its current window (the zero Counter
	// when the window has ended or the key has none).
	Count(ctx context.Context, key string, now time.Time) (Counter, error)
	// Reset forgets key's counter.
	Reset(ctx context.Context, key string) error
	// DeleteExpiredLimits removes the counters whose window ended at or
	// before now and returns how many it removed (Hit and Count ignore them
	// anyway: this only reclaims space).
	DeleteExpiredLimits(ctx context.Context, now time.Time) (int64, error)
}

// Counter is a key's count in its window, and when that window ends.
type Counter struct {
	Count int64
	// Ends is when the window ends and the count starts again from zero
	// (the zero time for a counter with no window).
	Ends time.Time
}

// RetryAfter returns how long after now the window ends, rounded up to a
// whole second (at least one second), for a Retry-After header.
func (c Counter) RetryAfter(now time.Time) time.Duration {
	d := c.Ends.Sub(now)
	if d <= time.Second {
		return time.Second
	}
	return (d + time.Second - 1).Truncate(time.Second)
}
