package sqlstore

import (
	"context"
	"fmt"
)

const qAuthGeneration = `SELECT v FROM gh_auth_generation WHERE id = 1`

// AuthGeneration returns the auth generation: a number that grows, in the
// same transaction, with every change that can alter what a signed-in
// request sees — a user's flags, names or password, a membership, a grant, a
// group or permission, a deleted session (triggers in the schema keep it).
// Writes made by any process, the CLI or another instance included, move it.
func (db *DB) AuthGeneration(ctx context.Context) (int64, error) {
	var v int64
	if err := db.readRow(ctx, qAuthGeneration).Scan(&v); err != nil {
		return 0, fmt.Errorf("sqlstore: auth generation: %w", err)
	}
	return v, nil
}
