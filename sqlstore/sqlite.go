package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// sqliteDialect stores timestamps as INTEGER unix microseconds.
type sqliteDialect struct{}

func (sqliteDialect) name() string { return "sqlite" }

func (sqliteDialect) goose() (goose.Dialect, []goose.ProviderOption, error) {
	return goose.DialectSQLite3, nil, nil
}

func (sqliteDialect) time(t time.Time) any { return t.UnixMicro() }

// sqliteUnique maps the columns SQLite names in "UNIQUE constraint failed:
// table.col, …" to DuplicateError fields.
var sqliteUnique = []struct{ cols, field string }{
	{"gh_users.username_key", "username"},
	{"gh_users.email_key", "email"},
	{"gh_email_addresses.email_key", "email"},
	{"gh_groups.name", "name"},
	{"gh_permissions.app_label, gh_permissions.codename", "permission"},
}

func (sqliteDialect) uniqueField(err error) (string, bool) {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return "", false
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
	default:
		return "", false
	}
	msg := e.Error()
	for _, u := range sqliteUnique {
		if i := strings.Index(msg, u.cols); i >= 0 {
			// Make sure the match is the whole column list, not a prefix.
			if rest := msg[i+len(u.cols):]; rest == "" || rest[0] == ' ' || rest[0] == ')' {
				return u.field, true
			}
		}
	}
	return "", true
}

func (sqliteDialect) isForeignKey(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// skipLocked is empty: SQLite has one writer at a time, whose statement
// sees every earlier claim.
func (sqliteDialect) skipLocked() string { return "" }

// openSQLite opens path (":memory:" for a private in-memory database), which
// may end in ?query with extra DSN parameters.
//
// A file database gets two pools: one writer connection with BEGIN IMMEDIATE
// transactions, so that concurrent writers queue instead of failing with
// SQLITE_BUSY on a lock upgrade, and read-only connections that WAL lets read
// beside it. Every connection gets its pragmas from the DSN.
func openSQLite(ctx context.Context, path string) (*DB, error) {
	path, extra, _ := strings.Cut(path, "?")
	if path == "" {
		return nil, errors.New("empty SQLite path: use sqlite:PATH or sqlite::memory:")
	}
	memory := path == ":memory:"
	common := url.Values{}
	common.Add("_pragma", "busy_timeout(5000)")
	common.Add("_pragma", "foreign_keys(1)")
	if !memory {
		common.Add("_pragma", "synchronous(NORMAL)")
	}
	dsn := func(v url.Values) string {
		s := path + "?" + v.Encode()
		if extra != "" {
			s += "&" + extra
		}
		return s
	}

	wv := cloneValues(common)
	wv.Set("_txlock", "immediate")
	if !memory {
		wv.Add("_pragma", "journal_mode(WAL)")
	}
	pool, err := sql.Open("sqlite", dsn(wv))
	if err != nil {
		return nil, err
	}
	// One connection: for :memory: it is the database itself, so it must never
	// be closed while the DB is open.
	pool.SetMaxOpenConns(1)
	pool.SetMaxIdleConns(1)
	pool.SetConnMaxLifetime(0)
	pool.SetConnMaxIdleTime(0)
	if err := pool.PingContext(ctx); err != nil { // creates the file, sets WAL
		pool.Close()
		return nil, err
	}
	if memory {
		return newDB(sqliteDialect{}, pool, pool), nil
	}

	rv := cloneValues(common)
	rv.Add("_pragma", "query_only(1)")
	read, err := sql.Open("sqlite", dsn(rv))
	if err != nil {
		pool.Close()
		return nil, err
	}
	n := max(4, runtime.GOMAXPROCS(0))
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	read.SetConnMaxIdleTime(5 * time.Minute)
	if err := read.PingContext(ctx); err != nil {
		pool.Close()
		read.Close()
		return nil, err
	}
	db := newDB(sqliteDialect{}, pool, read)
	db.gen = &genWatch{}
	if !strings.HasPrefix(path, "file:") {
		db.gen.path = path // a plain file name: its WAL-index is path-shm
	}
	return db, nil
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// sqliteBulkRows is how many users one INSERT carries, at 7 parameters each
// well under SQLite's limit of 32766 bound parameters. Larger statements save
// little: preparing one costs time in proportion to its length.
var sqliteBulkRows = 500

// sqliteBulkTx is how many users one transaction carries.
var sqliteBulkTx = 100_000

// bulkUsers inserts with multi-row INSERTs, in transactions of sqliteBulkTx
// users.
func (d sqliteDialect) bulkUsers(ctx context.Context, db *DB, b *bulkBatch) error {
	for b.done < b.count {
		end := min(b.count, b.done+sqliteBulkTx)
		if err := db.inTx(ctx, func(tx *sql.Tx) error { return d.bulkTx(ctx, tx, b, end) }); err != nil {
			return db.mapErr(err, "bulk create users")
		}
		b.done = end
		b.report()
	}
	return nil
}

// bulkTx inserts users b.done to end-1 in tx, then adds their primary email
// rows with one INSERT … SELECT: the transaction holds the write lock, so the
// ids above the maximum it saw at its start are its own.
func (d sqliteDialect) bulkTx(ctx context.Context, tx *sql.Tx, b *bulkBatch, end int) error {
	var maxID int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM gh_users`).Scan(&maxID); err != nil {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, sqliteInsertUsers(sqliteBulkRows))
	if err != nil {
		return err
	}
	defer stmt.Close()
	args := make([]any, 0, 7*sqliteBulkRows)
	joined := d.time(b.joined)
	for i := b.done; i < end; i += sqliteBulkRows {
		n := min(sqliteBulkRows, end-i)
		args = args[:0]
		for j := i; j < i+n; j++ {
			r := b.row(j)
			args = append(args, r.username, r.usernameKey, r.skeleton, r.email, r.emailKey, b.password, joined)
		}
		if n == sqliteBulkRows {
			_, err = stmt.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, sqliteInsertUsers(n), args...)
		}
		if err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO gh_email_addresses (user_id, email, email_key, verified, is_primary)
		SELECT id, email, email_key, 0, 1 FROM gh_users WHERE id > $1`, maxID)
	return err
}

// sqliteInsertUsers returns an INSERT of n users, seven parameters a user.
// The parameters are anonymous (?): SQLite looks named ones ($n) up in a
// list, which makes binding tens of thousands of them quadratic.
func sqliteInsertUsers(n int) string {
	const row = "(?,?,?,?,?,?,?)"
	var sb strings.Builder
	sb.Grow(128 + n*(len(row)+1))
	sb.WriteString(`INSERT INTO gh_users (username, username_key, username_skeleton, email, email_key, password, date_joined) VALUES `)
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(row)
	}
	return sb.String()
}
