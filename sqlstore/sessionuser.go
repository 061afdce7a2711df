package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/user"
)

// qSessionUser reads a session and its user in one primary-key lookup each.
const qSessionUser = `SELECT s.id, s.user_id, s.created_at, s.last_seen_at, s.expires_at, s.remember, s.ip, s.user_agent, s.auth_at,
	u.id, u.username, u.email, u.first_name, u.last_name, u.password,
	u.is_active, u.is_staff, u.is_superuser, u.date_joined, u.last_login, u.language
	FROM gh_sessions s JOIN gh_users u ON u.id = s.user_id WHERE s.id = $1`

// SessionUser returns the session stored under id and its user in one query:
// the work of every authenticated request. ok is false when there is no
// such session.
func (db *DB) SessionUser(ctx context.Context, id string) (session.Session, *user.User, bool, error) {
	var ss session.Session
	u := new(user.User)
	err := db.readRow(ctx, qSessionUser, id).Scan(
		&ss.ID, &ss.UserID, timeCol{&ss.CreatedAt}, timeCol{&ss.LastSeenAt}, timeCol{&ss.ExpiresAt},
		&ss.Remember, &ss.IP, &ss.UserAgent, timeCol{&ss.AuthAt},
		&u.ID, &u.Username, &u.Email, &u.FirstName, &u.LastName, &u.Password,
		&u.IsActive, &u.IsStaff, &u.IsSuperuser, timeCol{&u.DateJoined}, timeCol{&u.LastLogin}, &u.Language)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return session.Session{}, nil, false, nil
	case err != nil:
		return session.Session{}, nil, false, sessionErr("session user", err)
	}
	return ss, u, true, nil
}
