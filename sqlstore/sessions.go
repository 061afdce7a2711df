package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse-auth/gatehouse/session"
)

const sessionCols = `id, user_id, created_at, last_seen_at, expires_at, remember, ip, user_agent, auth_at`

// Session queries that must use an index (see TestQueryPlans).
const (
	qFindSession       = `SELECT ` + sessionCols + ` FROM gh_sessions WHERE id = $1`
	qListUserSessions  = `SELECT ` + sessionCols + ` FROM gh_sessions WHERE user_id = $1 ORDER BY created_at DESC, id`
	qDeleteUserSession = `DELETE FROM gh_sessions WHERE user_id = $1 AND id <> $2`
	qDeleteExpired     = `DELETE FROM gh_sessions WHERE expires_at < $1 OR last_seen_at < $2`
)

func scanSession(s scanner) (session.Session, error) {
	var ss session.Session
	err := s.Scan(&ss.ID, &ss.UserID, timeCol{&ss.CreatedAt}, timeCol{&ss.LastSeenAt},
		timeCol{&ss.ExpiresAt}, &ss.Remember, &ss.IP, &ss.UserAgent, timeCol{&ss.AuthAt})
	return ss, err
}

func scanSessions(rows *sql.Rows) (session.Session, error) { return scanSession(rows) }

// sessionErr wraps a session store failure.
func sessionErr(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("sqlstore: %s: %w", op, err)
}

// Find returns the session stored under id: one primary key lookup.
func (db *DB) Find(ctx context.Context, id string) (session.Session, bool, error) {
	s, err := scanSession(db.readRow(ctx, qFindSession, id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return session.Session{}, false, nil
	case err != nil:
		return session.Session{}, false, sessionErr("find session", err)
	}
	return s, true, nil
}

// qSaveSession inserts a session or replaces every field of the one with
// the same ID.
const qSaveSession = `INSERT INTO gh_sessions (` + sessionCols + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, created_at = excluded.created_at,
			last_seen_at = excluded.last_seen_at, expires_at = excluded.expires_at,
			remember = excluded.remember, ip = excluded.ip, user_agent = excluded.user_agent,
			auth_at = excluded.auth_at`

// Save inserts s, or replaces every field of the session with the same ID.
// Replacing one may change what its requests see (its user, expiry or last
// authentication; the schema's trigger moves the auth generation then): on
// PostgreSQL, where this process counts its own changes at once, the
// statement reports whether it replaced a row (xmax is set on an updated
// row version, zero on an inserted one).
func (db *DB) Save(ctx context.Context, s session.Session) error {
	args := []any{s.ID, s.UserID, db.d.time(s.CreatedAt), db.d.time(s.LastSeenAt), db.d.time(s.ExpiresAt),
		s.Remember, s.IP, s.UserAgent, nullTime(db.d, s.AuthAt)}
	if db.pgw == nil {
		_, err := db.writeExec(ctx, qSaveSession, args...)
		return sessionErr("save session", err)
	}
	var replaced bool
	err := db.writeRow(ctx, qSaveSession+` RETURNING (xmax <> 0)`, args...).Scan(&replaced)
	if err != nil || replaced {
		db.authChanged()
	}
	return sessionErr("save session", err)
}

// Touch sets LastSeenAt of session id; an unknown id is not an error.
func (db *DB) Touch(ctx context.Context, id string, at time.Time) error {
	_, err := db.writeExec(ctx, `UPDATE gh_sessions SET last_seen_at = $2 WHERE id = $1`, id, db.d.time(at))
	return sessionErr("touch session", err)
}

// Delete removes one session; deleting an unknown ID is not an error.
func (db *DB) Delete(ctx context.Context, id string) error {
	_, err := db.deleteSessions(ctx, "delete session", `DELETE FROM gh_sessions WHERE id = $1`, id)
	return err
}

// DeleteUser removes every session of the user except the one with ID except
// ("" removes all).
func (db *DB) DeleteUser(ctx context.Context, userID int64, except string) error {
	_, err := db.deleteSessions(ctx, "delete user sessions", qDeleteUserSession, userID, except)
	return err
}

// deleteSessions runs a DELETE on gh_sessions and notes an auth change only
// when it removed rows (or may have: an error after the statement ran), so
// a logout carrying a stale or forged cookie does not make every instance
// drop its cache.
func (db *DB) deleteSessions(ctx context.Context, op, q string, args ...any) (int64, error) {
	res, err := db.writeExec(ctx, q, args...)
	if err != nil {
		db.authChanged()
		return 0, sessionErr(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil || n > 0 {
		db.authChanged()
	}
	return n, sessionErr(op, err)
}

// ListUser lists the user's sessions, newest first.
func (db *DB) ListUser(ctx context.Context, userID int64) ([]session.Session, error) {
	return queryList(ctx, db, "list user sessions", qListUserSessions, scanSessions, userID)
}

// DeleteExpired removes sessions whose ExpiresAt is before now or whose
// LastSeenAt is before idleBefore, and returns how many it removed. Each
// condition has its own index.
func (db *DB) DeleteExpired(ctx context.Context, now, idleBefore time.Time) (int64, error) {
	return db.deleteSessions(ctx, "delete expired sessions", qDeleteExpired, db.d.time(now), db.d.time(idleBefore))
}
