package sqlstore

import (
	"context"
	"database/sql"

	"github.com/gatehouse-auth/gatehouse/user"
)

const permCols = `p.id, p.app_label, p.codename, p.name`

// qUserPermissionCodes is the union of a user's direct and group permissions.
const qUserPermissionCodes = `
		SELECT p.app_label || '.' || p.codename AS code FROM gh_permissions p
			JOIN gh_user_permissions up ON up.permission_id = p.id
			WHERE up.user_id = $1
		UNION
		SELECT p.app_label || '.' || p.codename FROM gh_permissions p
			JOIN gh_group_permissions gp ON gp.permission_id = p.id
			JOIN gh_user_groups ug ON ug.group_id = gp.group_id
			WHERE ug.user_id = $1
		ORDER BY code`

func scanPerm(s scanner) (*user.Permission, error) {
	p := new(user.Permission)
	return p, s.Scan(&p.ID, &p.AppLabel, &p.Codename, &p.Name)
}

func scanPerms(rows *sql.Rows) (*user.Permission, error) { return scanPerm(rows) }

func scanString(rows *sql.Rows) (string, error) {
	var s string
	return s, rows.Scan(&s)
}

// CreatePermission inserts p and sets p.ID; an existing app_label.codename is
// a *user.DuplicateError{Field: "permission"}.
func (db *DB) CreatePermission(ctx context.Context, p *user.Permission) error {
	defer db.authChanged()
	var id int64
	err := db.w.QueryRowContext(ctx, `INSERT INTO gh_permissions (app_label, codename, name)
		VALUES ($1, $2, $3) RETURNING id`, p.AppLabel, p.Codename, p.Name).Scan(&id)
	if err != nil {
		return db.mapErr(err, "create permission")
	}
	p.ID = id
	return nil
}

// PermissionByCode finds "app_label.codename".
func (db *DB) PermissionByCode(ctx context.Context, appLabel, codename string) (*user.Permission, error) {
	p, err := scanPerm(db.readRow(ctx, `SELECT `+permCols+` FROM gh_permissions p
		WHERE p.app_label = $1 AND p.codename = $2`, appLabel, codename))
	if err != nil {
		return nil, db.mapErr(err, "permission by code")
	}
	return p, nil
}

// ListPermissions returns every permission ordered by app_label, codename.
func (db *DB) ListPermissions(ctx context.Context) ([]*user.Permission, error) {
	return queryList(ctx, db, "list permissions",
		`SELECT `+permCols+` FROM gh_permissions p ORDER BY p.app_label, p.codename`, scanPerms)
}

// GrantUserPermission is idempotent; an unknown user or permission is
// user.ErrNotFound.
func (db *DB) GrantUserPermission(ctx context.Context, userID, permID int64) error {
	defer db.authChanged()
	return db.exec(ctx, "grant user permission", `INSERT INTO gh_user_permissions (user_id, permission_id)
		VALUES ($1, $2) ON CONFLICT DO NOTHING`, userID, permID)
}

// RevokeUserPermission is idempotent.
func (db *DB) RevokeUserPermission(ctx context.Context, userID, permID int64) error {
	defer db.authChanged()
	return db.exec(ctx, "revoke user permission",
		`DELETE FROM gh_user_permissions WHERE user_id = $1 AND permission_id = $2`, userID, permID)
}

// GrantGroupPermission is idempotent; an unknown group or permission is
// user.ErrNotFound.
func (db *DB) GrantGroupPermission(ctx context.Context, groupID, permID int64) error {
	defer db.authChanged()
	return db.exec(ctx, "grant group permission", `INSERT INTO gh_group_permissions (group_id, permission_id)
		VALUES ($1, $2) ON CONFLICT DO NOTHING`, groupID, permID)
}

// RevokeGroupPermission is idempotent.
func (db *DB) RevokeGroupPermission(ctx context.Context, groupID, permID int64) error {
	defer db.authChanged()
	return db.exec(ctx, "revoke group permission",
		`DELETE FROM gh_group_permissions WHERE group_id = $1 AND permission_id = $2`, groupID, permID)
}

// GroupPermissions lists the permissions granted to a group, ordered by
// app_label, codename.
func (db *DB) GroupPermissions(ctx context.Context, groupID int64) ([]*user.Permission, error) {
	return queryList(ctx, db, "group permissions", `SELECT `+permCols+` FROM gh_permissions p
		JOIN gh_group_permissions gp ON gp.permission_id = p.id
		WHERE gp.group_id = $1 ORDER BY p.app_label, p.codename`, scanPerms, groupID)
}

// UserPermissionCodes returns, in one query, the sorted union of the
// permissions granted to the user directly and through groups. The codes
// compare bytewise (COLLATE "C" on PostgreSQL, BINARY on SQLite), as Go
// sorts strings.
func (db *DB) UserPermissionCodes(ctx context.Context, userID int64) ([]string, error) {
	return queryList(ctx, db, "user permission codes", qUserPermissionCodes, scanString, userID)
}

// AllPermissionCodes returns every permission code, sorted bytewise.
func (db *DB) AllPermissionCodes(ctx context.Context) ([]string, error) {
	return queryList(ctx, db, "all permission codes",
		`SELECT p.app_label || '.' || p.codename AS code FROM gh_permissions p ORDER BY code`, scanString)
}
