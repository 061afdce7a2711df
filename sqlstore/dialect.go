package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/pressly/goose/v3"
)

// dialect is everything that differs between SQLite and PostgreSQL. The SQL
// text itself is shared: both take $n placeholders, ON CONFLICT upserts,
// RETURNING, partial indexes and || for concatenation.
type dialect interface {
	// name is "sqlite" or "postgres", also the migrations directory.
	name() string
	// goose returns the goose dialect and the provider options to migrate with.
	goose() (goose.Dialect, []goose.ProviderOption, error)
	// time encodes a timestamp argument (UTC, truncated to microseconds).
	time(t time.Time) any
	// uniqueField reports whether err is a unique violation and, if the
	// constraint is one of ours, which user.DuplicateError field it guards.
	uniqueField(err error) (field string, ok bool)
	// isForeignKey reports whether err is a foreign key violation.
	isForeignKey(err error) bool
	// skipLocked is the row lock that lets concurrent mail claims pass
	// each other's rows ("" where one writer runs at a time).
	skipLocked() string
	// bulkUsers inserts the users that next yields, in batches, calling
	// progress after each committed batch.
	bulkUsers(ctx context.Context, db *DB, b *bulkBatch) error
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// utcMicro returns t in UTC, truncated to the microsecond both databases keep.
func utcMicro(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// nullTime encodes t, or NULL when t is zero.
func nullTime(d dialect, t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return d.time(t)
}

// timeCol scans a timestamp of either dialect (INTEGER unix microseconds on
// SQLite, TIMESTAMPTZ on PostgreSQL) into a UTC time.Time; NULL scans as the
// zero time.
type timeCol struct{ t *time.Time }

// Scan implements sql.Scanner.
func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.t = time.Time{}
	case int64:
		*c.t = time.UnixMicro(v).UTC()
	case time.Time:
		*c.t = v.UTC()
	default:
		return fmt.Errorf("sqlstore: cannot scan %T into a time", src)
	}
	return nil
}
