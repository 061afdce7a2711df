package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse-auth/gatehouse/ratelimit"
)

// Rate-limit queries that must use an index (see TestQueryPlans).
const (
	qCountLimit   = `SELECT count, expires_at FROM gh_ratelimits WHERE key = $1 AND expires_at > $2`
	qExpireLimits = `DELETE FROM gh_ratelimits WHERE expires_at <= $1`
)

// Hit adds one to key's counter and returns it, in one statement: the
// upsert restarts the counter at 1 with a window ending at now+window when
// the old window has ended, so N concurrent hits yield exactly N.
func (db *DB) Hit(ctx context.Context, key string, window time.Duration, now time.Time) (ratelimit.Counter, error) {
	var c ratelimit.Counter
	err := db.w.QueryRowContext(ctx, `INSERT INTO gh_ratelimits (key, count, expires_at) VALUES ($1, 1, $2)
		ON CONFLICT (key) DO UPDATE SET
			count = CASE WHEN gh_ratelimits.expires_at <= $3 THEN 1 ELSE gh_ratelimits.count + 1 END,
			expires_at = CASE WHEN gh_ratelimits.expires_at <= $3
				THEN excluded.expires_at ELSE gh_ratelimits.expires_at END
		RETURNING count, expires_at`, key, db.d.time(now.Add(window)), db.d.time(now)).Scan(&c.Count, timeCol{&c.Ends})
	if err != nil {
		return ratelimit.Counter{}, fmt.Errorf("sqlstore: rate limit hit: %w", err)
	}
	return c, nil
}

// Release takes one from key's counter, in one statement, when its window
// is still open at now and the count is above zero; otherwise it changes
// nothing. The window's end does not move.
func (db *DB) Release(ctx context.Context, key string, now time.Time) error {
	if _, err := db.w.ExecContext(ctx, `UPDATE gh_ratelimits SET count = count - 1
		WHERE key = $1 AND expires_at > $2 AND count > 0`, key, db.d.time(now)); err != nil {
		return fmt.Errorf("sqlstore: rate limit release: %w", err)
	}
	return nil
}

// Count returns key's counter in its current window (zero when it has ended).
func (db *DB) Count(ctx context.Context, key string, now time.Time) (ratelimit.Counter, error) {
	var c ratelimit.Counter
	err := db.readRow(ctx, qCountLimit, key, db.d.time(now)).Scan(&c.Count, timeCol{&c.Ends})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ratelimit.Counter{}, nil
	case err != nil:
		return ratelimit.Counter{}, fmt.Errorf("sqlstore: rate limit count: %w", err)
	}
	return c, nil
}

// Reset forgets key's counter.
func (db *DB) Reset(ctx context.Context, key string) error {
	if _, err := db.w.ExecContext(ctx, `DELETE FROM gh_ratelimits WHERE key = $1`, key); err != nil {
		return fmt.Errorf("sqlstore: rate limit reset: %w", err)
	}
	return nil
}

// DeleteExpiredLimits removes the counters whose window ended at or before
// now, and returns how many it removed. Hit and Count ignore such counters
// anyway; this only reclaims their space.
func (db *DB) DeleteExpiredLimits(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.w.ExecContext(ctx, qExpireLimits, db.d.time(now))
	if err != nil {
		return 0, fmt.Errorf("sqlstore: delete expired rate limits: %w", err)
	}
	return res.RowsAffected()
}
