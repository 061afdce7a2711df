package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// postgresDialect stores timestamps as TIMESTAMPTZ.
type postgresDialect struct{}

func (postgresDialect) name() string { return "postgres" }

// goose takes a session advisory lock, so that instances starting together
// do not run the same migration twice.
func (postgresDialect) goose() (goose.Dialect, []goose.ProviderOption, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return "", nil, err
	}
	return goose.DialectPostgres, []goose.ProviderOption{goose.WithSessionLocker(locker)}, nil
}

func (postgresDialect) time(t time.Time) any { return utcMicro(t) }

// pgUnique maps our unique index names to DuplicateError fields.
var pgUnique = map[string]string{
	"gh_users_username_key_uniq":        "username",
	"gh_users_email_key_uniq":           "email",
	"gh_email_addresses_email_key_uniq": "email",
	"gh_groups_name_uniq":               "name",
	"gh_permissions_code_uniq":          "permission",
}

func (postgresDialect) uniqueField(err error) (string, bool) {
	var e *pgconn.PgError
	if !errors.As(err, &e) || e.Code != "23505" { // unique_violation
		return "", false
	}
	return pgUnique[e.ConstraintName], true
}

func (postgresDialect) isForeignKey(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23503" // foreign_key_violation
}

// skipLocked locks the chosen rows and passes over the rows another claim
// has locked, so concurrent claims take different messages.
func (postgresDialect) skipLocked() string { return " FOR UPDATE SKIP LOCKED" }

// Pool limits for PostgreSQL. Every request of a Gatehouse server needs a few
// short queries, so a modest pool serves many requests; SQL() can change them.
const (
	pgMaxOpen     = 20
	pgMaxIdle     = 10
	pgMaxLifetime = 30 * time.Minute
	pgMaxIdleTime = 5 * time.Minute
)

// openPostgres opens a pool through pgx's database/sql driver. Query
// parameters pgx does not know (search_path, application_name …) are sent to
// the server as run-time parameters.
func openPostgres(ctx context.Context, url string) (*DB, error) {
	pool, err := sql.Open("pgx", url)
	if err != nil {
		return nil, err
	}
	pool.SetMaxOpenConns(pgMaxOpen)
	pool.SetMaxIdleConns(pgMaxIdle)
	pool.SetConnMaxLifetime(pgMaxLifetime)
	pool.SetConnMaxIdleTime(pgMaxIdleTime)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	db := newDB(postgresDialect{}, pool, pool)
	db.pgw = newPGWatch(url)
	return db, nil
}

// pgBulkTx is how many users one COPY transaction carries.
var pgBulkTx = 100_000

// pgBulkWorkers is how many connections BulkCreateUsers loads through at
// once: index maintenance keeps a server process busy, so two of them use two
// cores.
const pgBulkWorkers = 2

// bulkUsers reserves the users' ids from the identity sequence, then COPYs the
// users and their primary email rows, one transaction per pgBulkTx users, on
// pgBulkWorkers connections at once. progress is called under a lock.
func (postgresDialect) bulkUsers(ctx context.Context, db *DB, b *bulkBatch) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		next     = b.done // first user no worker has claimed
		firstErr error
		wg       sync.WaitGroup
	)
	claim := func() (start, end int, ok bool) {
		mu.Lock()
		defer mu.Unlock()
		if next >= b.count || firstErr != nil {
			return 0, 0, false
		}
		start, end = next, min(b.count, next+pgBulkTx)
		next = end
		return start, end, true
	}
	finish := func(n int, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			if firstErr == nil {
				firstErr = err
				cancel()
			}
			return
		}
		b.done += n
		b.report()
	}
	for range pgBulkWorkers {
		wg.Go(func() {
			if err := pgBulkWorker(ctx, db, b, claim, finish); err != nil {
				finish(0, err)
			}
		})
	}
	wg.Wait()
	return db.mapErr(firstErr, "bulk create users")
}

// pgBulkWorker loads the batches it claims through one connection.
func pgBulkWorker(ctx context.Context, db *DB, b *bulkBatch, claim func() (int, int, bool), finish func(int, error)) error {
	conn, err := db.pool.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("driver connection is %T, not pgx", dc)
		}
		pc := sc.Conn()
		var rows []bulkRow
		for {
			start, end, ok := claim()
			if !ok {
				return nil
			}
			rows = rows[:0]
			for i := start; i < end; i++ {
				rows = append(rows, b.row(i))
			}
			if err := pgx.BeginFunc(ctx, pc, func(tx pgx.Tx) error {
				return pgCopyUsers(ctx, tx, b, rows)
			}); err != nil {
				return err
			}
			finish(len(rows), nil)
		}
	})
}

// pgCopyUsers writes one batch inside tx.
func pgCopyUsers(ctx context.Context, tx pgx.Tx, b *bulkBatch, rows []bulkRow) error {
	idRows, err := tx.Query(ctx, `SELECT nextval(pg_get_serial_sequence('gh_users', 'id')) FROM generate_series(1, $1)`, len(rows))
	if err != nil {
		return err
	}
	ids, err := pgx.CollectRows(idRows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	if len(ids) != len(rows) {
		return fmt.Errorf("reserved %d ids for %d users", len(ids), len(rows))
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"gh_users"},
		[]string{"id", "username", "username_key", "username_skeleton", "email", "email_key", "password", "date_joined"},
		pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
			r := &rows[i]
			return []any{ids[i], r.username, r.usernameKey, r.skeleton, r.email, r.emailKey, b.password, b.joined}, nil
		}))
	if err != nil {
		return err
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"gh_email_addresses"},
		[]string{"user_id", "email", "email_key", "verified", "is_primary"},
		pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
			r := &rows[i]
			return []any{ids[i], r.email, r.emailKey, false, true}, nil
		}))
	return err
}
