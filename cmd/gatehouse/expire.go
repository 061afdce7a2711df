package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

// expireSessions deletes expired sessions and rate-limit counters every ten
// minutes, so the tables hold only live rows (expiry itself is enforced on
// every request regardless).
func expireSessions(ctx context.Context, db *sqlstore.DB, gh *gatehouse.Gatehouse, log *slog.Logger) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		cfg := gh.Sessions().Config()
		now := time.Now()
		// Idle past the longest idle timeout (remember-me's) is dead for every
		// session; shorter-lived ones are refused on use and go at their
		// absolute expiry.
		n, err := db.DeleteExpired(ctx, now, now.Add(-cfg.RememberIdleTimeout))
		if err != nil {
			log.Warn("expire sessions", "err", err)
			continue
		}
		if n > 0 {
			log.Info("expired sessions deleted", "count", n)
		}
		if _, err := db.DeleteExpiredLimits(ctx, now); err != nil {
			log.Warn("expire rate-limit counters", "err", err)
		}
	}
}
