// Package ratelimit counts events per key in fixed windows, in a store shared
// by every instance, so that limits (failed logins per account and per IP …)
// hold across a cluster and under concurrency.
package ratelimit

import (
	"context"
	"time"
)

// Store keeps the counters. Hit must be atomic: N concurrent hits on one key
// leave the counter at exactly N more.
type Store interface {
	// Hit adds one to key's counter and returns the new count. When the key's
	// window has ended (or it has none), the counter restarts at 1 with a window
	// ending at now+window.
	Hit(ctx context.Context, key string, window time.Duration, now time.Time) (int64, error)
	// Count returns key's count in its current window (0 when it has ended).
	Count(ctx context.Context, key string, now time.Time) (int64, error)
	// Reset forgets key's counter.
	Reset(ctx context.Context, key string) error
}

// Limit is "at most Max events per Window".
type Limit struct {
	Max    int64
	Window time.Duration
}
