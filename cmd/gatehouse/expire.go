package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

// expireSessions deletes expired sessions every ten minutes, so the table holds
// only live ones (expiry itself is enforced on every request regardless).
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
		// The shorter idle timeout is safe for every session: remembered ones
		// are kept alive by their own longer limit only if touched within it.
		n, err := db.DeleteExpired(ctx, now, now.Add(-cfg.RememberIdleTimeout))
		if err != nil {
			log.Warn("expire sessions", "err", err)
			continue
		}
		if n > 0 {
			log.Info("expired sessions deleted", "count", n)
		}
	}
}
