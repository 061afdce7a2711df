package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// BulkCreateSessions inserts count live sessions spread over the existing
// users, for load tests that need a realistically large session table. Their
// ids are random hashes whose tokens nobody holds, so they can never be used
// to sign in. The database generates the rows itself (a recursive CTE on
// SQLite, generate_series on PostgreSQL), in batches of 100,000.
func (db *DB) BulkCreateSessions(ctx context.Context, count int, progress func(done int)) error {
	if db.tx != nil {
		return errors.New("sqlstore: BulkCreateSessions inside Atomic")
	}
	now := time.Now()
	created, expires := db.d.time(now), db.d.time(now.Add(30*24*time.Hour))
	var q string
	if db.d.name() == "sqlite" {
		q = `INSERT INTO gh_sessions (id, user_id, created_at, last_seen_at, expires_at, remember, ip, user_agent, auth_at)
			WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < $1),
			u(lo, cnt) AS (SELECT min(id), count(*) FROM gh_users)
			SELECT lower(hex(randomblob(32))), u.lo + (n.x % u.cnt), $2, $2, $3, 1, '127.0.0.1', 'bulk', $2 FROM n, u WHERE u.cnt > 0`
	} else {
		q = `INSERT INTO gh_sessions (id, user_id, created_at, last_seen_at, expires_at, remember, ip, user_agent, auth_at)
			SELECT md5(random()::text || clock_timestamp()::text || x::text) || md5(x::text || random()::text),
				u.lo + (x % u.cnt), $2, $2, $3, TRUE, '127.0.0.1', 'bulk', $2
			FROM generate_series(1, $1::bigint) AS x, (SELECT min(id) AS lo, count(*) AS cnt FROM gh_users) AS u WHERE u.cnt > 0`
	}
	const batch = 100_000
	for done := 0; done < count; done += batch {
		n := min(batch, count-done)
		if _, err := db.pool.ExecContext(ctx, q, n, created, expires); err != nil {
			return fmt.Errorf("sqlstore: bulk sessions: %w", db.mapErr(err, "bulk sessions"))
		}
		if progress != nil {
			progress(done + n)
		}
	}
	return nil
}
