package sqlstore

import (
	"context"
	"database/sql"

	"github.com/gatehouse-auth/gatehouse/user"
)

func scanGroup(s scanner) (*user.Group, error) {
	g := new(user.Group)
	return g, s.Scan(&g.ID, &g.Name)
}

func scanGroups(rows *sql.Rows) (*user.Group, error) { return scanGroup(rows) }

// CreateGroup inserts g and sets g.ID; a taken name is a
// *user.DuplicateError{Field: "name"}.
func (db *DB) CreateGroup(ctx context.Context, g *user.Group) error {
	var id int64
	err := db.w.QueryRowContext(ctx, `INSERT INTO gh_groups (name) VALUES ($1) RETURNING id`, g.Name).Scan(&id)
	if err != nil {
		return db.mapErr(err, "create group")
	}
	g.ID = id
	return nil
}

// GroupByName returns the group with exactly that name.
func (db *DB) GroupByName(ctx context.Context, name string) (*user.Group, error) {
	g, err := scanGroup(db.readRow(ctx, `SELECT id, name FROM gh_groups WHERE name = $1`, name))
	if err != nil {
		return nil, db.mapErr(err, "group by name")
	}
	return g, nil
}

// ListGroups returns every group ordered by name.
func (db *DB) ListGroups(ctx context.Context) ([]*user.Group, error) {
	return queryList(ctx, db, "list groups", `SELECT id, name FROM gh_groups ORDER BY name, id`, scanGroups)
}

// DeleteGroup removes a group; the foreign keys cascade to its memberships and
// grants in the same statement. An unknown id is user.ErrNotFound.
func (db *DB) DeleteGroup(ctx context.Context, id int64) error {
	defer db.authChanged()
	res, err := db.w.ExecContext(ctx, `DELETE FROM gh_groups WHERE id = $1`, id)
	return db.mustAffect(res, err, "delete group")
}

// AddUserToGroup is idempotent; an unknown user or group is user.ErrNotFound.
func (db *DB) AddUserToGroup(ctx context.Context, userID, groupID int64) error {
	defer db.authChanged()
	return db.exec(ctx, "add user to group", `INSERT INTO gh_user_groups (user_id, group_id)
		VALUES ($1, $2) ON CONFLICT DO NOTHING`, userID, groupID)
}

// RemoveUserFromGroup is idempotent.
func (db *DB) RemoveUserFromGroup(ctx context.Context, userID, groupID int64) error {
	defer db.authChanged()
	return db.exec(ctx, "remove user from group",
		`DELETE FROM gh_user_groups WHERE user_id = $1 AND group_id = $2`, userID, groupID)
}

// UserGroups lists the user's groups ordered by name.
func (db *DB) UserGroups(ctx context.Context, userID int64) ([]*user.Group, error) {
	return queryList(ctx, db, "user groups", `SELECT g.id, g.name FROM gh_groups g
		JOIN gh_user_groups ug ON ug.group_id = g.id WHERE ug.user_id = $1 ORDER BY g.name, g.id`,
		scanGroups, userID)
}
