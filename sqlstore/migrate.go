package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

// migrations holds the schema of each dialect: migrations/<dialect>/*.sql.
//
//go:embed migrations
var migrations embed.FS

// versionTable is where goose records the applied migrations.
const versionTable = "gh_goose_version"

// provider returns a goose Provider over the embedded migrations of db's
// dialect, without goose's global registry.
func (db *DB) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+db.d.name())
	if err != nil {
		return nil, err
	}
	dialect, opts, err := db.d.goose()
	if err != nil {
		return nil, err
	}
	opts = append(opts,
		goose.WithDisableGlobalRegistry(true),
		goose.WithTableName(versionTable),
		// Features developed side by side reserve their migration numbers,
		// so one may land after a higher one was applied (00006 before
		// 00005). Each migration touches only its own tables: apply the
		// lower one late rather than refuse to start.
		goose.WithAllowOutofOrder(true),
	)
	return goose.NewProvider(dialect, db.pool, sub, opts...)
}

// Migrate applies the migrations the database has not seen yet. It is safe to
// call on every start: an up-to-date database is left as it is.
func (db *DB) Migrate(ctx context.Context) error {
	if db.tx != nil {
		return fmt.Errorf("sqlstore: Migrate inside Atomic")
	}
	p, err := db.provider()
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	return nil
}

// SchemaVersion returns the version of the newest migration applied to the
// database and the newest one this build knows; they differ when Migrate has
// work to do.
func (db *DB) SchemaVersion(ctx context.Context) (current, latest int64, err error) {
	p, err := db.provider()
	if err != nil {
		return 0, 0, fmt.Errorf("sqlstore: schema version: %w", err)
	}
	current, latest, err = p.GetVersions(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("sqlstore: schema version: %w", err)
	}
	return current, latest, nil
}
