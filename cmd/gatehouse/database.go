package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

// openDB opens the configured database and applies the migrations it lacks,
// creating a SQLite file when there is none: what serve and migrate do.
func openDB(ctx context.Context, s *Settings) (*sqlstore.DB, error) {
	db, err := sqlstore.Open(ctx, s.str("database.url"))
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("database: migrate: %w", err)
	}
	return db, nil
}

// openExisting opens the configured database for an administration command,
// which works on a database that migrate or serve made: it never creates a
// SQLite file, and refuses a database without Gatehouse's tables with the
// command that makes them rather than an SQL error. A database migrated by an
// older Gatehouse gets the migrations it lacks, as serve would apply them.
func openExisting(ctx context.Context, s *Settings) (*sqlstore.DB, error) {
	url := s.str("database.url")
	if path, ok := sqliteFile(url); ok {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no database at %s: run `gatehouse migrate` (or `gatehouse serve`) first, or pass --database", path)
		}
	}
	db, err := sqlstore.Open(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	migrated, err := db.Migrated(ctx)
	if err == nil && !migrated {
		err = fmt.Errorf("the database %s has no Gatehouse tables: run `gatehouse migrate` (or `gatehouse serve`) on it first, or pass --database", maskURL(url))
	} else if err == nil {
		err = db.Migrate(ctx)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// sqliteFile returns the path of the file a sqlite: URL names; false for
// other databases and for sqlite::memory:.
func sqliteFile(url string) (string, bool) {
	rest, ok := strings.CutPrefix(url, "sqlite:")
	if !ok {
		return "", false
	}
	rest = strings.TrimPrefix(rest, "//")
	path, _, _ := strings.Cut(rest, "?")
	path = strings.TrimPrefix(path, "file:")
	if path == "" || path == ":memory:" {
		return "", false
	}
	return path, true
}

// cmdMigrate applies the embedded migrations, creating a SQLite file when
// there is none.
func cmdMigrate(ctx context.Context, f *cmdFlags, args []string) error {
	if _, err := f.parse(args, 0, 0); err != nil {
		return err
	}
	db, err := openDB(ctx, f.e.settings)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(f.e.stdout, "Migrations applied (%s).\n", db.Dialect())
	return nil
}
