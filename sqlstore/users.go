package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/gatehouse-auth/gatehouse/user"
)

// userCols are the columns scanUser reads, in its order.
const userCols = `id, username, email, first_name, last_name, password,
	is_active, is_staff, is_superuser, date_joined, last_login, language`

// User queries that must use an index (see TestQueryPlans).
const (
	qUserByUsername = `SELECT ` + userCols + ` FROM gh_users WHERE username_key = $1`
	// The email_key <> '' term lets the partial unique index serve the lookup.
	qUserByEmail = `SELECT ` + userCols + ` FROM gh_users WHERE id = (
		SELECT id FROM gh_users WHERE email_key = $1 AND email_key <> ''
		UNION ALL
		SELECT user_id FROM gh_email_addresses WHERE email_key = $1
		LIMIT 1)`
	qUsersBySkeleton = `SELECT ` + userCols + ` FROM gh_users WHERE username_skeleton = $1 ORDER BY id`
)

// scanner is *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanUser(s scanner) (*user.User, error) {
	u := new(user.User)
	err := s.Scan(&u.ID, &u.Username, &u.Email, &u.FirstName, &u.LastName, &u.Password,
		&u.IsActive, &u.IsStaff, &u.IsSuperuser, timeCol{&u.DateJoined}, timeCol{&u.LastLogin}, &u.Language)
	if err != nil {
		return nil, err
	}
	return u, nil
}

func scanUsers(rows *sql.Rows) (*user.User, error) { return scanUser(rows) }

// oneUser runs a query for at most one user.
func (db *DB) oneUser(ctx context.Context, op, query string, args ...any) (*user.User, error) {
	u, err := scanUser(db.readRow(ctx, query, args...))
	if err != nil {
		return nil, db.mapErr(err, op)
	}
	return u, nil
}

// CreateUser inserts u with its canonical keys and sets u.ID; a non-empty
// u.Email also becomes a primary, unverified EmailAddress in the same
// transaction.
func (db *DB) CreateUser(ctx context.Context, u *user.User) error {
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO gh_users (username, username_key, username_skeleton,
			email, email_key, first_name, last_name, password, is_active, is_staff, is_superuser,
			date_joined, last_login, language)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
			u.Username, user.CanonicalUsername(u.Username), user.Skeleton(u.Username),
			u.Email, user.CanonicalEmail(u.Email), u.FirstName, u.LastName, u.Password,
			u.IsActive, u.IsStaff, u.IsSuperuser,
			db.d.time(u.DateJoined), nullTime(db.d, u.LastLogin), u.Language).Scan(&id)
		if err != nil {
			return db.mapErr(err, "create user")
		}
		if u.Email == "" {
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO gh_email_addresses (user_id, email, email_key, verified, is_primary)
			VALUES ($1, $2, $3, $4, $5)`, id, u.Email, user.CanonicalEmail(u.Email), false, true)
		return db.mapErr(err, "create user email")
	})
	if err != nil {
		return err
	}
	u.ID = id
	return nil
}

// User returns the user with the given id.
func (db *DB) User(ctx context.Context, id int64) (*user.User, error) {
	return db.oneUser(ctx, "user", `SELECT `+userCols+` FROM gh_users WHERE id = $1`, id)
}

// UserByUsername finds a user by canonical username.
func (db *DB) UserByUsername(ctx context.Context, username string) (*user.User, error) {
	return db.oneUser(ctx, "user by username", qUserByUsername, user.CanonicalUsername(username))
}

// UserByEmail finds a user by canonical email among users.email and the
// EmailAddress rows. Both are unique across users, and CreateUser, UpdateUser
// and AddEmail keep every users.email among the user's EmailAddress rows.
func (db *DB) UserByEmail(ctx context.Context, email string) (*user.User, error) {
	key := user.CanonicalEmail(email)
	if key == "" {
		return nil, db.mapErr(sql.ErrNoRows, "user by email")
	}
	return db.oneUser(ctx, "user by email", qUserByEmail, key)
}

// UsersBySkeleton lists users whose username has the given skeleton, by id.
func (db *DB) UsersBySkeleton(ctx context.Context, skeleton string) ([]*user.User, error) {
	return queryList(ctx, db, "users by skeleton", qUsersBySkeleton, scanUsers, skeleton)
}

// UpdateUser writes every field of u except ID, Password and DateJoined. A
// changed u.Email becomes the user's primary EmailAddress (added, unverified,
// when the user does not have it yet); an empty one leaves no address primary.
func (db *DB) UpdateUser(ctx context.Context, u *user.User) error {
	defer db.authChanged()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE gh_users SET username = $2, username_key = $3,
			username_skeleton = $4, email = $5, email_key = $6, first_name = $7, last_name = $8,
			is_active = $9, is_staff = $10, is_superuser = $11, last_login = $12, language = $13 WHERE id = $1`,
			u.ID, u.Username, user.CanonicalUsername(u.Username), user.Skeleton(u.Username),
			u.Email, user.CanonicalEmail(u.Email), u.FirstName, u.LastName,
			u.IsActive, u.IsStaff, u.IsSuperuser, nullTime(db.d, u.LastLogin), u.Language)
		if err := db.mustAffect(res, err, "update user"); err != nil {
			return err
		}
		return db.syncPrimary(ctx, tx, u.ID, u.Email)
	})
}

// SetPassword replaces the stored hash.
func (db *DB) SetPassword(ctx context.Context, id int64, encoded string) error {
	defer db.authChanged()
	res, err := db.writeExec(ctx, `UPDATE gh_users SET password = $2 WHERE id = $1`, id, encoded)
	return db.mustAffect(res, err, "set password")
}

// CompareAndSetPassword replaces the stored hash with encoded only while it
// is still old, in one statement, and reports whether it did: of concurrent
// calls from one old hash exactly one wins (a password-reset key is spent
// once).
func (db *DB) CompareAndSetPassword(ctx context.Context, id int64, old, encoded string) (bool, error) {
	defer db.authChanged()
	res, err := db.writeExec(ctx, `UPDATE gh_users SET password = $3 WHERE id = $1 AND password = $2`, id, old, encoded)
	if err != nil {
		return false, db.mapErr(err, "compare and set password")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, db.mapErr(err, "compare and set password")
	}
	return n == 1, nil
}

// SetLanguage records the user's language for mail.
func (db *DB) SetLanguage(ctx context.Context, id int64, lang string) error {
	res, err := db.writeExec(ctx, `UPDATE gh_users SET language = $2 WHERE id = $1`, id, lang)
	return db.mustAffect(res, err, "set language")
}

// SetLastLogin records a successful login.
func (db *DB) SetLastLogin(ctx context.Context, id int64, at time.Time) error {
	res, err := db.writeExec(ctx, `UPDATE gh_users SET last_login = $2 WHERE id = $1`, id, nullTime(db.d, at))
	return db.mustAffect(res, err, "set last login")
}

// ListUsers returns at most limit users with ids above after, by id.
func (db *DB) ListUsers(ctx context.Context, after int64, limit int) ([]*user.User, error) {
	if limit <= 0 {
		return nil, nil
	}
	return queryList(ctx, db, "list users",
		`SELECT `+userCols+` FROM gh_users WHERE id > $1 ORDER BY id LIMIT $2`, scanUsers, after, limit)
}

// CountUsers returns the number of users.
func (db *DB) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := db.readRow(ctx, `SELECT COUNT(*) FROM gh_users`).Scan(&n)
	return n, db.mapErr(err, "count users")
}
