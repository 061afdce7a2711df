package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/gatehouse-auth/gatehouse"
)

// expireSessions deletes expired sessions and rate-limit counters every ten
// minutes, so the tables hold only live rows (expiry itself is enforced on
// every request regardless).
func expireSessions(ctx context.Context, gh *gatehouse.Gatehouse, log *slog.Logger) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := gh.DeleteExpired(ctx)
		if err != nil {
			log.Warn("expire sessions", "err", err)
			continue
		}
		if n > 0 {
			log.Info("expired sessions deleted", "count", n)
		}
	}
}
