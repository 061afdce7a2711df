package sqlstore

import (
	"context"
	"database/sql"

	"github.com/gatehouse-auth/gatehouse/user"
)

// AddEmail inserts e and sets e.ID. When e.Primary, the user's other addresses
// stop being primary and users.email follows, in the same transaction. An
// address any user already has (canonically) is a *user.DuplicateError
// {Field: "email"}; an unknown user is user.ErrNotFound.
func (db *DB) AddEmail(ctx context.Context, e *user.EmailAddress) error {
	key := user.CanonicalEmail(e.Email)
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if e.Primary {
			if _, err := tx.ExecContext(ctx, `UPDATE gh_email_addresses SET is_primary = FALSE
				WHERE user_id = $1 AND is_primary`, e.UserID); err != nil {
				return db.mapErr(err, "add email")
			}
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO gh_email_addresses (user_id, email, email_key, verified, is_primary)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, e.UserID, e.Email, key, e.Verified, e.Primary).Scan(&id)
		if err != nil {
			return db.mapErr(err, "add email")
		}
		if !e.Primary {
			return nil
		}
		res, err := tx.ExecContext(ctx, `UPDATE gh_users SET email = $2, email_key = $3 WHERE id = $1`,
			e.UserID, e.Email, key)
		return db.mustAffect(res, err, "add email")
	})
	if err != nil {
		return err
	}
	e.ID = id
	return nil
}

// VerifyEmail marks the user's address email (compared canonically) as
// verified; user.ErrNotFound when the user has no such address.
func (db *DB) VerifyEmail(ctx context.Context, userID int64, email string) error {
	res, err := db.writeExec(ctx, `UPDATE gh_email_addresses SET verified = TRUE WHERE user_id = $1 AND email_key = $2`,
		userID, user.CanonicalEmail(email))
	return db.mustAffect(res, err, "verify email")
}

// SetPrimaryEmail makes the user's address email their only primary one
// and copies it to users.email, in one transaction.
func (db *DB) SetPrimaryEmail(ctx context.Context, userID int64, email string) error {
	defer db.authChanged()
	key := user.CanonicalEmail(email)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var stored string
		err := tx.QueryRowContext(ctx, `SELECT email FROM gh_email_addresses WHERE user_id = $1 AND email_key = $2`,
			userID, key).Scan(&stored)
		if err != nil {
			return db.mapErr(err, "set primary email")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE gh_email_addresses SET is_primary = FALSE
			WHERE user_id = $1 AND is_primary AND email_key <> $2`, userID, key); err != nil {
			return db.mapErr(err, "set primary email")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE gh_email_addresses SET is_primary = TRUE
			WHERE user_id = $1 AND email_key = $2`, userID, key); err != nil {
			return db.mapErr(err, "set primary email")
		}
		res, err := tx.ExecContext(ctx, `UPDATE gh_users SET email = $2, email_key = $3 WHERE id = $1`, userID, stored, key)
		return db.mustAffect(res, err, "set primary email")
	})
}

// RemoveEmail deletes the user's address email; when it was the primary
// one, users.email becomes empty, in the same transaction.
func (db *DB) RemoveEmail(ctx context.Context, userID int64, email string) error {
	defer db.authChanged()
	key := user.CanonicalEmail(email)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var primary bool
		err := tx.QueryRowContext(ctx, `DELETE FROM gh_email_addresses WHERE user_id = $1 AND email_key = $2
			RETURNING is_primary`, userID, key).Scan(&primary)
		if err != nil {
			return db.mapErr(err, "remove email")
		}
		if !primary {
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE gh_users SET email = '', email_key = '' WHERE id = $1`, userID)
		return db.mapErr(err, "remove email")
	})
}

// Emails lists a user's addresses, primary first, then in the order added.
func (db *DB) Emails(ctx context.Context, userID int64) ([]*user.EmailAddress, error) {
	return queryList(ctx, db, "emails", `SELECT id, user_id, email, verified, is_primary
		FROM gh_email_addresses WHERE user_id = $1 ORDER BY is_primary DESC, id`,
		func(rows *sql.Rows) (*user.EmailAddress, error) {
			e := new(user.EmailAddress)
			err := rows.Scan(&e.ID, &e.UserID, &e.Email, &e.Verified, &e.Primary)
			return e, err
		}, userID)
}

// syncPrimary makes email the user's only primary address, adding it when the
// user does not have it; "" leaves the user without a primary address. An
// address that belongs to another user is a *user.DuplicateError.
func (db *DB) syncPrimary(ctx context.Context, tx *sql.Tx, userID int64, email string) error {
	key := user.CanonicalEmail(email)
	if _, err := tx.ExecContext(ctx, `UPDATE gh_email_addresses SET is_primary = FALSE
		WHERE user_id = $1 AND is_primary AND email_key <> $2`, userID, key); err != nil {
		return db.mapErr(err, "update user email")
	}
	if key == "" {
		return nil
	}
	// On a conflict with another user's address the WHERE turns the update
	// into a no-op: no row affected.
	res, err := tx.ExecContext(ctx, `INSERT INTO gh_email_addresses (user_id, email, email_key, verified, is_primary)
		VALUES ($1, $2, $3, FALSE, TRUE)
		ON CONFLICT (email_key) DO UPDATE SET is_primary = TRUE, email = excluded.email
		WHERE gh_email_addresses.user_id = excluded.user_id`, userID, email, key)
	if err != nil {
		return db.mapErr(err, "update user email")
	}
	if n, err := res.RowsAffected(); err != nil {
		return db.mapErr(err, "update user email")
	} else if n == 0 {
		return &user.DuplicateError{Field: "email"}
	}
	return nil
}
