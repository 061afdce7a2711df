package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/gatehouse-auth/gatehouse/ratelimit"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/user"
)

var (
	_ user.Store      = (*DB)(nil)
	_ session.Store   = (*DB)(nil)
	_ ratelimit.Store = (*DB)(nil)
)

// DB is a Gatehouse store over database/sql. It implements user.Store,
// session.Store, ratelimit.Store, flow.Store and mail.OutboxStore (and so
// mail.Queue), and is safe for concurrent use.
type DB struct {
	d dialect
	// pool takes every write (and is the only pool on PostgreSQL and for an
	// in-memory SQLite database). On SQLite it holds one connection, so writers
	// queue in Go instead of failing with SQLITE_BUSY.
	pool *sql.DB
	// read serves reads outside transactions; on SQLite a pool of read-only
	// connections, which WAL lets run beside the writer.
	read *sql.DB
	// r and w are where this DB sends reads and writes: the pools, or tx.
	r, w querier
	// tx is set on the DB that Atomic passes to its fn.
	tx *sql.Tx
	// stmts holds the read queries prepared on the read pool, wstmts the
	// writes of the hot paths (login, signup, session) on the write pool.
	stmts, wstmts *stmtCache
	// gen watches the auth generation of a SQLite file (nil elsewhere).
	gen *genWatch
	// pgw follows the auth generation of PostgreSQL (nil elsewhere).
	pgw *pgWatch
	// notify holds the OnEnqueue function; enqueued is set, on the DB that
	// Atomic passes to its fn, when a message was enqueued in it.
	notify   *mailNotify
	enqueued *bool
}

// Open connects to the database that url names:
//
//	sqlite:PATH, sqlite://PATH   a SQLite file (created when missing)
//	sqlite::memory:              a private in-memory SQLite database
//	postgres://…, postgresql://… PostgreSQL, in pgx's URL format
//
// A SQLite URL may end in ?query with extra modernc.org/sqlite DSN
// parameters. Open pings the database but does not migrate it: call Migrate.
func Open(ctx context.Context, url string) (*DB, error) {
	var (
		db  *DB
		err error
	)
	switch {
	case strings.HasPrefix(url, "sqlite:"):
		db, err = openSQLite(ctx, strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "//"))
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		db, err = openPostgres(ctx, url)
	default:
		return nil, errors.New("sqlstore: unsupported database URL: want sqlite:PATH or postgres://…")
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open %s: %w", redact(url), err)
	}
	return db, nil
}

// newDB makes a DB over a write pool and a read pool (which may be the same).
func newDB(d dialect, pool, read *sql.DB) *DB {
	return &DB{d: d, pool: pool, read: read, r: read, w: pool, notify: &mailNotify{},
		stmts: &stmtCache{m: make(map[string]*sql.Stmt)}, wstmts: &stmtCache{m: make(map[string]*sql.Stmt)}}
}

// redact hides the password of a URL in error messages.
func redact(url string) string {
	at := strings.LastIndexByte(url, '@')
	scheme := strings.Index(url, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return url
	}
	userinfo := url[scheme+3 : at]
	if name, _, ok := strings.Cut(userinfo, ":"); ok {
		return url[:scheme+3] + name + ":xxxxx" + url[at:]
	}
	return url
}

// Close closes the connection pools. Calling it on the DB passed to an Atomic
// fn is an error.
func (db *DB) Close() error {
	if db.tx != nil {
		return errors.New("sqlstore: Close inside Atomic")
	}
	// The watchers first: they hold a connection (and, on PostgreSQL, a
	// listening goroutine) of their own.
	if db.gen != nil {
		db.gen.close()
	}
	if db.pgw != nil {
		db.pgw.close()
	}
	err := errors.Join(db.stmts.close(), db.wstmts.close(), db.pool.Close())
	if db.read != db.pool {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Dialect returns "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.d.name() }

// SQL returns the pool that writes go to, for queries of other packages. On
// SQLite it has a single connection: do not hold a transaction or unread rows
// on it while calling the DB.
func (db *DB) SQL() *sql.DB { return db.pool }

// Atomic runs fn in one transaction and passes it a DB (a user.Store, and also
// a session.Store and ratelimit.Store) bound to that transaction. fn's error
// or panic rolls everything back. Called on such a bound DB, Atomic runs fn in
// the same transaction: only the outermost call commits.
//
// While fn runs, use only the store it was given: on SQLite the transaction
// holds the single write connection, so a write through the outer DB would
// wait for it forever. The DB given to fn is also a mail.Queue: a message
// it enqueues commits or rolls back with the rest.
func (db *DB) Atomic(ctx context.Context, fn func(user.Store) error) error {
	defer db.authChanged()
	if db.tx != nil {
		return fn(db)
	}
	enqueued := false
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		bound := *db
		bound.r, bound.w, bound.tx, bound.enqueued = tx, tx, tx, &enqueued
		return fn(&bound)
	})
	if err == nil && enqueued {
		db.mailCommitted()
	}
	return err
}

// inTx runs fn in db's transaction, or in a new one that it commits.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	if db.tx != nil {
		return fn(db.tx)
	}
	tx, err := db.pool.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlstore: begin: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			_ = tx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return db.mapErr(err, "commit")
	}
	committed = true
	return nil
}

// mapErr turns driver errors into the errors the Store contracts promise: a
// unique violation into *user.DuplicateError, a missing row or a foreign key
// to a missing row into user.ErrNotFound. op names the operation.
func (db *DB) mapErr(err error, op string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("sqlstore: %s: %w", op, user.ErrNotFound)
	}
	if field, ok := db.d.uniqueField(err); ok {
		if field != "" {
			return &user.DuplicateError{Field: field}
		}
		return fmt.Errorf("sqlstore: %s: %w: %v", op, user.ErrDuplicate, err)
	}
	if db.d.isForeignKey(err) {
		return fmt.Errorf("sqlstore: %s: %w: %v", op, user.ErrNotFound, err)
	}
	return fmt.Errorf("sqlstore: %s: %w", op, err)
}

// mustAffect returns ErrNotFound when res changed no row.
func (db *DB) mustAffect(res sql.Result, err error, op string) error {
	if err != nil {
		return db.mapErr(err, op)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return db.mapErr(err, op)
	}
	if n == 0 {
		return fmt.Errorf("sqlstore: %s: %w", op, user.ErrNotFound)
	}
	return nil
}

// exec runs a statement for its effect only.
func (db *DB) exec(ctx context.Context, op, query string, args ...any) error {
	_, err := db.writeExec(ctx, query, args...)
	return db.mapErr(err, op)
}

// writeExec runs a write statement: in db's transaction when it has one,
// otherwise through a cached statement on the write pool (SQLite would
// otherwise parse the SQL of every login's session insert and last-login
// update again; pgx caches its statements itself). query must be a constant
// of this package, as for readRow.
func (db *DB) writeExec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if db.tx == nil {
		if st := db.wstmts.get(ctx, db.pool, query); st != nil {
			return st.ExecContext(ctx, args...)
		}
	}
	return db.w.ExecContext(ctx, query, args...)
}

// writeRow is writeExec for a statement that returns one row.
func (db *DB) writeRow(ctx context.Context, query string, args ...any) *sql.Row {
	if db.tx == nil {
		if st := db.wstmts.get(ctx, db.pool, query); st != nil {
			return st.QueryRowContext(ctx, args...)
		}
	}
	return db.w.QueryRowContext(ctx, query, args...)
}

// queryList runs a read query and scans every row with scan.
func queryList[T any](ctx context.Context, db *DB, op, query string, scan func(*sql.Rows) (T, error), args ...any) ([]T, error) {
	rows, err := db.readRows(ctx, query, args...)
	if err != nil {
		return nil, db.mapErr(err, op)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, db.mapErr(err, op)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, db.mapErr(err, op)
	}
	return out, nil
}

// stmtCache keeps the read queries prepared on the read pool, so that a hot
// lookup does not parse its SQL on every call (on SQLite that is a third of
// the time of a session + user + permissions lookup). database/sql prepares a
// statement on each connection the first time it runs there. The queries are
// constants of this package, so the cache stays small.
type stmtCache struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// get returns the statement for query, preparing it on the first call; nil
// when it cannot be prepared, for the caller to run the query unprepared and
// report the error.
func (c *stmtCache) get(ctx context.Context, pool *sql.DB, query string) *sql.Stmt {
	c.mu.Lock()
	st := c.m[query]
	c.mu.Unlock()
	if st != nil {
		return st
	}
	st, err := pool.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[query]; old != nil {
		st.Close()
		return old
	}
	c.m[query] = st
	return st
}

func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	for q, st := range c.m {
		err = errors.Join(err, st.Close())
		delete(c.m, q)
	}
	return err
}

// readRow runs a one-row read query: in db's transaction when it has one,
// otherwise through a cached statement on the read pool.
func (db *DB) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	if db.tx == nil {
		if st := db.stmts.get(ctx, db.read, query); st != nil {
			return st.QueryRowContext(ctx, args...)
		}
	}
	return db.r.QueryRowContext(ctx, query, args...)
}

// readRows is readRow for queries of many rows.
func (db *DB) readRows(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if db.tx == nil {
		if st := db.stmts.get(ctx, db.read, query); st != nil {
			return st.QueryContext(ctx, args...)
		}
	}
	return db.r.QueryContext(ctx, query, args...)
}
