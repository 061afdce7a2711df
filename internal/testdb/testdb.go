// Package testdb opens real databases for tests: a migrated SQLite file in
// t.TempDir(), and a migrated PostgreSQL schema of the test's own on the
// server named by GATEHOUSE_TEST_POSTGRES_URL (skipped when unset, a failure
// under CI=true).
package testdb

import (
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

// PostgresEnv names the PostgreSQL server the tests use, e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable. Each test gets a
// schema of its own there, dropped afterwards.
const PostgresEnv = "GATEHOUSE_TEST_POSTGRES_URL"

// SQLite returns a migrated SQLite store in a temporary file.
func SQLite(t testing.TB) *sqlstore.DB {
	t.Helper()
	return Open(t, "sqlite:"+filepath.Join(t.TempDir(), "gatehouse.db"))
}

// Open opens and migrates url, closing it when the test ends.
func Open(t testing.TB, url string) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return db
}

// PostgresURL returns $GATEHOUSE_TEST_POSTGRES_URL, skipping the test when it
// is unset, unless on CI (CI=true), where a missing database is a failure.
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(PostgresEnv)
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: CI must run the PostgreSQL tests", PostgresEnv)
		}
		t.Skipf("PostgreSQL tests skipped: set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", PostgresEnv)
	}
	return u
}

// Postgres returns a migrated PostgreSQL store in a fresh schema of its
// own, so that parallel test runs do not collide; the schema is dropped when
// the test ends.
func Postgres(t testing.TB) *sqlstore.DB {
	t.Helper()
	return Open(t, PostgresSchema(t))
}

// PostgresSchema creates a fresh schema and returns a URL whose search_path
// points at it.
func PostgresSchema(t testing.TB) string {
	t.Helper()
	base := PostgresURL(t)
	admin, err := sqlstore.Open(t.Context(), base)
	if err != nil {
		t.Fatal(err)
	}
	schema := "gh_test_" + rand.Text()[:16]
	// Identifiers cannot be parameters; the name is ours and [a-z0-9_] only.
	schema = sanitize(schema)
	if _, err := admin.SQL().ExecContext(t.Context(), `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := admin.SQL().ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// sanitize lowercases s and keeps only [a-z0-9_].
func sanitize(s string) string {
	b := []byte(s)
	out := b[:0]
	for _, c := range b {
		switch {
		case 'A' <= c && c <= 'Z':
			out = append(out, c+'a'-'A')
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '_':
			out = append(out, c)
		}
	}
	return string(out)
}

// Each runs fn on SQLite and on PostgreSQL (when configured), as subtests.
func Each(t *testing.T, fn func(t *testing.T, db *sqlstore.DB)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}
