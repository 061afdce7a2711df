package sqlstore_test

import (
	"testing"

	"github.com/gatehouse-auth/gatehouse/sqlstore"
	"github.com/gatehouse-auth/gatehouse/user"
)

// TestMigrate runs Migrate on a fresh database from a directory without any
// migration files (they are embedded), then again: the second run is a no-op.
func TestMigrate(t *testing.T) {
	for name, url := range map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return "sqlite:" + t.TempDir() + "/m.db" },
		"postgres": func(t *testing.T) string { return postgresSchema(t) },
	} {
		t.Run(name, func(t *testing.T) {
			u := url(t)
			t.Chdir(t.TempDir())
			ctx := t.Context()
			db, err := sqlstore.Open(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()

			cur, latest, err := db.SchemaVersion(ctx)
			if err != nil {
				t.Fatalf("SchemaVersion before Migrate: %v", err)
			}
			if cur != 0 || latest < 1 {
				t.Errorf("before Migrate: version %d of %d, want 0 of ≥1", cur, latest)
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			cur, latest, err = db.SchemaVersion(ctx)
			if err != nil || cur != latest {
				t.Fatalf("after Migrate: version %d of %d, %v", cur, latest, err)
			}
			u1 := &user.User{Username: "kept"}
			if err := db.CreateUser(ctx, u1); err != nil {
				t.Fatal(err)
			}
			var applied int
			countApplied := func() int {
				var n int
				if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM gh_goose_version`).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			applied = countApplied()

			if err := db.Migrate(ctx); err != nil {
				t.Fatalf("second Migrate: %v", err)
			}
			if n := countApplied(); n != applied {
				t.Errorf("second Migrate recorded %d more migrations", n-applied)
			}
			if again, _, err := db.SchemaVersion(ctx); err != nil || again != cur {
				t.Errorf("second Migrate moved the version from %d to %d (%v)", cur, again, err)
			}
			if got, err := db.UserByUsername(ctx, "kept"); err != nil || got.ID != u1.ID {
				t.Errorf("data after second Migrate: %v, %v", got, err)
			}

			// A second handle (another instance starting) migrates as a no-op too.
			other, err := sqlstore.Open(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			if err := other.Migrate(ctx); err != nil {
				t.Errorf("Migrate from a second handle: %v", err)
			}
		})
	}
}
