package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"runtime"
	"strconv"
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

// openSQLite opens path (":memory:" or "" for a private in-memory database),
// which may end in ?query with extra DSN parameters.
//
// A file database gets two pools: one writer connection with BEGIN IMMEDIATE
// transactions, so that concurrent writers queue instead of failing with
// SQLITE_BUSY on a lock upgrade, and read-only connections that WAL lets read
// beside it. Every connection gets its pragmas from the DSN.
func openSQLite(ctx context.Context, path string) (*DB, error) {
	path, extra, _ := strings.Cut(path, "?")
	memory := path == "" || path == ":memory:"
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
	if memory {
		path = ":memory:"
	} else {
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
	return newDB(sqliteDialect{}, pool, read), nil
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// sqliteBulkRows is how many users one INSERT carries: 5 parameters each,
// under SQLite's limit of 32766 bound parameters.
var sqliteBulkRows = 5000

// sqliteBulkTx is how many users one transaction carries.
var sqliteBulkTx = 100_000

// bulkUsers inserts with multi-row INSERTs in transactions of sqliteBulkTx
// users; each transaction then adds the primary email rows of its users with
// one INSERT … SELECT (the transaction holds the write lock, so the ids above
// the maximum it saw at its start are its own).
func (d sqliteDialect) bulkUsers(ctx context.Context, db *DB, b *bulkBatch) error {
	full := sqliteInsertUsers(sqliteBulkRows)
	for b.done < b.count {
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			var maxID int64
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM gh_users`).Scan(&maxID); err != nil {
				return err
			}
			stmt, err := tx.PrepareContext(ctx, full)
			if err != nil {
				return err
			}
			defer stmt.Close()
			end := min(b.count, b.done+sqliteBulkTx)
			args := make([]any, 0, 2+5*sqliteBulkRows)
			for i := b.done; i < end; i += sqliteBulkRows {
				n := min(sqliteBulkRows, end-i)
				args = append(args[:0], b.password, d.time(b.joined))
				for j := i; j < i+n; j++ {
					r := b.row(j)
					args = append(args, r.username, r.usernameKey, r.skeleton, r.email, r.emailKey)
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
			if err != nil {
				return err
			}
			b.done = end
			return nil
		})
		if err != nil {
			return db.mapErr(err, "bulk create users")
		}
		b.report()
	}
	return nil
}

// sqliteInsertUsers returns an INSERT of n users: $1 is the password, $2 the
// join time, then five parameters a user.
func sqliteInsertUsers(n int) string {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO gh_users (username, username_key, username_skeleton, email, email_key, password, date_joined) VALUES `)
	p := 3
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("($")
		for k := range 5 {
			if k > 0 {
				sb.WriteString(",$")
			}
			sb.WriteString(strconv.Itoa(p))
			p++
		}
		sb.WriteString(",$1,$2)")
	}
	return sb.String()
}
