package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gatehouse-auth/gatehouse/mfa"
	"github.com/gatehouse-auth/gatehouse/user"
)

var _ mfa.Store = (*DB)(nil)

const authenticatorCols = `id, user_id, type, data, created_at, last_used_at, credential_id`

// MFA queries that must use an index (see TestQueryPlans).
const (
	qAuthenticatorsOfUser      = `SELECT ` + authenticatorCols + ` FROM gh_mfa_authenticators WHERE user_id = $1 ORDER BY id`
	qAuthenticatorByCredential = `SELECT ` + authenticatorCols + ` FROM gh_mfa_authenticators WHERE credential_id = $1`
	qAddAuthenticator          = `INSERT INTO gh_mfa_authenticators (user_id, type, data, created_at, last_used_at, credential_id)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`
	qCASAuthenticator = `UPDATE gh_mfa_authenticators SET data = $3, last_used_at = COALESCE($4, last_used_at)
		WHERE id = $1 AND data = $2`
	qTouchAuthenticator   = `UPDATE gh_mfa_authenticators SET last_used_at = $2 WHERE id = $1`
	qDeleteAuthenticator  = `DELETE FROM gh_mfa_authenticators WHERE id = $1 AND user_id = $2`
	qDeleteAuthenticators = `DELETE FROM gh_mfa_authenticators WHERE user_id = $1`
	qUseTOTPStep          = `INSERT INTO gh_mfa_used_steps (user_id, step, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, step) DO NOTHING`
	qExpireTOTPSteps = `DELETE FROM gh_mfa_used_steps WHERE expires_at <= $1`
)

func scanAuthenticator(rows *sql.Rows) (*mfa.Authenticator, error) {
	a := new(mfa.Authenticator)
	var data []byte
	if err := rows.Scan(&a.ID, &a.UserID, &a.Type, &data, timeCol{&a.CreatedAt}, timeCol{&a.LastUsedAt}, &a.CredentialID); err != nil {
		return nil, err
	}
	a.Data = json.RawMessage(data)
	if len(a.CredentialID) == 0 {
		a.CredentialID = nil
	}
	return a, nil
}

// Authenticators lists the user's authenticators, oldest first.
func (db *DB) Authenticators(ctx context.Context, userID int64) ([]*mfa.Authenticator, error) {
	return queryList(ctx, db, "authenticators", qAuthenticatorsOfUser, scanAuthenticator, userID)
}

// AuthenticatorByCredential returns the authenticator holding WebAuthn
// credential id, whoever's it is (wraps user.ErrNotFound when none does).
func (db *DB) AuthenticatorByCredential(ctx context.Context, id []byte) (*mfa.Authenticator, error) {
	if len(id) == 0 {
		return nil, fmt.Errorf("sqlstore: authenticator by credential: %w", user.ErrNotFound)
	}
	as, err := queryList(ctx, db, "authenticator by credential", qAuthenticatorByCredential, scanAuthenticator, id)
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, fmt.Errorf("sqlstore: authenticator by credential: %w", user.ErrNotFound)
	}
	return as[0], nil
}

// AddAuthenticator inserts a and sets a.ID; a second TOTP or set of
// recovery codes of one user, or a credential id already stored (any
// user's), wraps user.ErrDuplicate.
func (db *DB) AddAuthenticator(ctx context.Context, a *mfa.Authenticator) error {
	if a.Type == "" {
		return fmt.Errorf("sqlstore: add authenticator: no type")
	}
	if !json.Valid(a.Data) {
		return fmt.Errorf("sqlstore: add authenticator: data is not JSON")
	}
	defer db.authChanged()
	var cred any // NULL for factors without a credential
	if len(a.CredentialID) > 0 {
		cred = a.CredentialID
	}
	err := db.writeRow(ctx, qAddAuthenticator, a.UserID, a.Type, []byte(a.Data),
		db.d.time(a.CreatedAt), nullTime(db.d, a.LastUsedAt), cred).Scan(&a.ID)
	if err != nil {
		return db.mapErr(err, "add authenticator")
	}
	return nil
}

// UpdateAuthenticatorData sets the data of authenticator id to new (and its
// last use to usedAt unless zero) only if its data is still old, in one
// statement: of concurrent updates from the same old data, one wins.
func (db *DB) UpdateAuthenticatorData(ctx context.Context, id int64, old, new json.RawMessage, usedAt time.Time) (bool, error) {
	if !json.Valid(new) {
		return false, fmt.Errorf("sqlstore: update authenticator: data is not JSON")
	}
	res, err := db.writeExec(ctx, qCASAuthenticator, id, []byte(old), []byte(new), nullTime(db.d, usedAt))
	if err != nil {
		return false, db.mapErr(err, "update authenticator")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, db.mapErr(err, "update authenticator")
	}
	if n > 0 {
		db.authChanged()
	}
	return n > 0, nil
}

// TouchAuthenticator sets the last use of authenticator id.
func (db *DB) TouchAuthenticator(ctx context.Context, id int64, usedAt time.Time) error {
	res, err := db.writeExec(ctx, qTouchAuthenticator, id, nullTime(db.d, usedAt))
	return db.mustAffect(res, err, "touch authenticator")
}

// DeleteAuthenticator removes the user's authenticator id.
func (db *DB) DeleteAuthenticator(ctx context.Context, userID, id int64) error {
	defer db.authChanged()
	res, err := db.writeExec(ctx, qDeleteAuthenticator, id, userID)
	return db.mustAffect(res, err, "delete authenticator")
}

// DeleteAuthenticators removes every authenticator of the user.
func (db *DB) DeleteAuthenticators(ctx context.Context, userID int64) (int, error) {
	res, err := db.writeExec(ctx, qDeleteAuthenticators, userID)
	if err != nil {
		db.authChanged()
		return 0, db.mapErr(err, "delete authenticators")
	}
	n, err := res.RowsAffected()
	if err != nil || n > 0 {
		db.authChanged()
	}
	if err != nil {
		return 0, db.mapErr(err, "delete authenticators")
	}
	return int(n), nil
}

// UseTOTPStep records the user's TOTP step as used until until; false when
// it was recorded already. The primary key (user_id, step) decides between
// concurrent uses, on every instance.
func (db *DB) UseTOTPStep(ctx context.Context, userID, step int64, until time.Time) (bool, error) {
	res, err := db.writeExec(ctx, qUseTOTPStep, userID, step, db.d.time(until))
	if err != nil {
		return false, db.mapErr(err, "use totp step")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, db.mapErr(err, "use totp step")
	}
	return n == 1, nil
}

// DeleteExpiredTOTPSteps removes the used-step records kept until at or
// before now.
func (db *DB) DeleteExpiredTOTPSteps(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.writeExec(ctx, qExpireTOTPSteps, db.d.time(now))
	if err != nil {
		return 0, fmt.Errorf("sqlstore: delete expired totp steps: %w", err)
	}
	return res.RowsAffected()
}
