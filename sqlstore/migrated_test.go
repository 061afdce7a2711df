package sqlstore_test

import (
	"testing"

	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

// TestMigrated is false on an empty database, leaving it without a table,
// and true once Migrate has run.
func TestMigrated(t *testing.T) {
	for name, url := range map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return "sqlite:" + t.TempDir() + "/m.db" },
		"postgres": func(t *testing.T) string { return postgresSchema(t) },
	} {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			db, err := sqlstore.Open(ctx, url(t))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if ok, err := db.Migrated(ctx); ok || err != nil {
				t.Fatalf("Migrated on an empty database = %v, %v", ok, err)
			}
			tables := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'`
			if db.Dialect() == "postgres" {
				tables = `SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()`
			}
			var n int
			if err := db.SQL().QueryRowContext(ctx, tables).Scan(&n); err != nil || n != 0 {
				t.Fatalf("Migrated left %d tables behind (%v)", n, err)
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if ok, err := db.Migrated(ctx); !ok || err != nil {
				t.Fatalf("Migrated after Migrate = %v, %v", ok, err)
			}
		})
	}
}
