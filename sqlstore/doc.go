// Package sqlstore keeps Gatehouse's users, groups, permissions, email
// addresses, sessions, rate-limit counters, flows, mail outbox, social
// accounts and two-factor authenticators in SQL: one *DB implements
// user.Store, session.Store, ratelimit.Store, flow.Store, social.Store,
// mfa.Store and mail.OutboxStore (a mail.Queue) over database/sql, on SQLite
// (modernc.org/sqlite, pure Go, the embedded default) and PostgreSQL
// (github.com/jackc/pgx/v5 through its database/sql driver).
//
// Open takes a URL (sqlite:PATH, sqlite::memory:, postgres://…); Migrate
// applies the schema embedded in the binary with goose, one directory of
// migrations per dialect. The SQL is shared between the dialects; what
// differs (timestamps, constraint errors, bulk loading, connection set-up)
// lives in dialect.go, sqlite.go and postgres.go.
//
// Uniqueness of canonical usernames and emails, group names and permission
// codes is enforced by unique indexes, so it holds under concurrency; a
// violation comes back as a *user.DuplicateError naming the field. Writes that
// touch several rows run in one transaction, and Atomic lets a caller group
// several Store calls into one; a message enqueued inside it commits with
// the rest. Mail claims take rows FOR UPDATE SKIP LOCKED on PostgreSQL and
// the single writer on SQLite, so several instances deliver each message
// once. Every query is parameterised.
//
// On SQLite every connection runs with WAL, busy_timeout=5000, foreign_keys=on
// and synchronous=NORMAL. Writes go through a single connection whose
// transactions BEGIN IMMEDIATE, so concurrent writers queue instead of failing
// with SQLITE_BUSY, while reads use a pool of read-only connections.
// Timestamps are stored as INTEGER unix microseconds (UTC) on SQLite and
// TIMESTAMPTZ on PostgreSQL; both round-trip a time.Time to the microsecond.
package sqlstore
