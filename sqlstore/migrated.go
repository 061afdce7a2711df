package sqlstore

import (
	"context"
	"fmt"
)

// Migrated reports whether Migrate has applied at least one migration to the
// database, without writing to it: SchemaVersion creates the table of applied
// migrations when it is missing, Migrated leaves a database that is not
// Gatehouse's as it found it.
func (db *DB) Migrated(ctx context.Context) (bool, error) {
	q := `SELECT to_regclass($1) IS NOT NULL`
	if db.d.name() == "sqlite" {
		q = `SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?)`
	}
	var exists bool
	if err := db.pool.QueryRowContext(ctx, q, versionTable).Scan(&exists); err != nil {
		return false, fmt.Errorf("sqlstore: migrated: %w", err)
	}
	if !exists {
		return false, nil
	}
	current, _, err := db.SchemaVersion(ctx)
	if err != nil {
		return false, err
	}
	return current > 0, nil
}
