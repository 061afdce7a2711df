package sqlstore

import (
	"context"
	"database/sql"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func openTestSQLite(t *testing.T) *DB {
	t.Helper()
	db, err := Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return db
}

func pragma(t *testing.T, c *sql.Conn, name string) string {
	t.Helper()
	var v string
	if err := c.QueryRowContext(t.Context(), "PRAGMA "+name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

// TestSQLitePragmas checks the settings on every connection of both pools:
// they come from the DSN, so a connection opened later has them too.
func TestSQLitePragmas(t *testing.T) {
	db := openTestSQLite(t)
	ctx := t.Context()
	want := map[string]string{"busy_timeout": "5000", "foreign_keys": "1", "journal_mode": "wal", "synchronous": "1"}
	check := func(pool string, c *sql.Conn, queryOnly string) {
		for name, v := range want {
			if got := pragma(t, c, name); got != v {
				t.Errorf("%s pool: PRAGMA %s = %s, want %s", pool, name, got, v)
			}
		}
		if got := pragma(t, c, "query_only"); got != queryOnly {
			t.Errorf("%s pool: PRAGMA query_only = %s, want %s", pool, got, queryOnly)
		}
	}
	w, err := db.pool.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	check("write", w, "0")
	w.Close()
	// Hold several read connections at once, so that each is a distinct one.
	var conns []*sql.Conn
	for range 3 {
		c, err := db.read.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		check("read", c, "1")
	}
	for _, c := range conns {
		c.Close()
	}
	if n := db.pool.Stats().MaxOpenConnections; n != 1 {
		t.Errorf("write pool allows %d connections, want 1", n)
	}

	mem, err := Open(ctx, "sqlite::memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	if mem.read != mem.pool || mem.pool.Stats().MaxOpenConnections != 1 {
		t.Errorf("an in-memory database must have a single connection")
	}
}

// TestQueryPlans checks that the lookups on hot paths and the expiry sweeps
// use indexes: SQLite reports a full table scan as "SCAN <table>".
func TestQueryPlans(t *testing.T) {
	db := openTestSQLite(t)
	for name, q := range map[string]struct {
		sql  string
		args []any
	}{
		"Find session":          {qFindSession, []any{"x"}},
		"Session user":          {qSessionUser, []any{"x"}},
		"ListUser sessions":     {qListUserSessions, []any{1}},
		"DeleteUser sessions":   {qDeleteUserSession, []any{1, "x"}},
		"DeleteExpired":         {qDeleteExpired, []any{1, 2}},
		"Count rate limit":      {qCountLimit, []any{"k", 1}},
		"DeleteExpiredLimits":   {qExpireLimits, []any{1}},
		"FindFlow":              {qFindFlow, []any{"x", 1}},
		"TakeFlow":              {qTakeFlow, []any{"x", 1}},
		"DeleteExpiredFlows":    {qExpireFlows, []any{1}},
		"SocialAccountByUID":    {qSocialByUID, []any{"github", "1"}},
		"SocialAccounts":        {qSocialOfUser, []any{1}},
		"Authenticators":        {qAuthenticatorsOfUser, []any{1}},
		"ByCredential":          {qAuthenticatorByCredential, []any{[]byte("x")}},
		"CAS authenticator":     {qCASAuthenticator, []any{1, "a", "b", nil}},
		"DeleteAuthenticators":  {qDeleteAuthenticators, []any{1}},
		"DeleteExpiredSteps":    {qExpireTOTPSteps, []any{1}},
		"Claim mail (due)":      {qDueMail, []any{nil, nil, 1, 10}},
		"MarkSent mail":         {qMarkSent, []any{1, "o", 1, 1}},
		"ListOutbox":            {qListOutbox, []any{0, 10, "failed", "failed", "failed"}},
		"DeleteSent mail":       {qDeleteSentMail, []any{1}},
		"UserByUsername":        {qUserByUsername, []any{"x"}},
		"UserByEmail":           {qUserByEmail, []any{"x"}},
		"UsersBySkeleton":       {qUsersBySkeleton, []any{"x"}},
		"UserPermissionCodes":   {qUserPermissionCodes, []any{1}},
		"DeleteGroup (cascade)": {`DELETE FROM gh_user_groups WHERE group_id = $1`, []any{1}},
	} {
		rows, err := db.pool.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+q.sql, q.args...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		t.Logf("%s: %q", name, plan)
		if len(plan) == 0 {
			t.Errorf("%s: empty plan", name)
		}
		for _, step := range plan {
			if strings.HasPrefix(step, "SCAN ") {
				t.Errorf("%s: full scan in plan %q", name, plan)
			}
		}
	}
}

// TestMigrationsEmbedded checks that both dialects ship the same migrations
// inside the binary.
func TestMigrationsEmbedded(t *testing.T) {
	names := func(dialect string) []string {
		files, err := fs.Glob(migrations, "migrations/"+dialect+"/*.sql")
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range files {
			out = append(out, path.Base(f))
		}
		return out
	}
	lite, pg := names("sqlite"), names("postgres")
	if len(lite) == 0 {
		t.Fatal("no SQLite migrations embedded")
	}
	if !slices.Equal(lite, pg) {
		t.Errorf("migrations differ between dialects: sqlite %v, postgres %v", lite, pg)
	}
	for _, name := range lite {
		for _, d := range []string{"sqlite", "postgres"} {
			b, err := fs.ReadFile(migrations, "migrations/"+d+"/"+name)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), "-- +goose Up") || !strings.Contains(string(b), "-- +goose Down") {
				t.Errorf("%s/%s lacks goose Up/Down annotations", d, name)
			}
		}
	}
}

// TestClassifyErrors checks the unique-violation mapping against the real
// constraint error texts of SQLite.
func TestClassifyErrors(t *testing.T) {
	db := openTestSQLite(t)
	ctx := context.Background()
	exec := func(q string, args ...any) error {
		_, err := db.pool.ExecContext(ctx, q, args...)
		return err
	}
	for _, q := range []string{
		`INSERT INTO gh_users (id, username, username_key, username_skeleton, email, email_key, date_joined) VALUES (1, 'a', 'a', 'a', 'a@x', 'a@x', 0)`,
		`INSERT INTO gh_groups (name) VALUES ('g')`,
		`INSERT INTO gh_permissions (app_label, codename) VALUES ('a', 'b')`,
		`INSERT INTO gh_email_addresses (user_id, email, email_key) VALUES (1, 'e@x', 'e@x')`,
	} {
		if err := exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		q     string
		field string
	}{
		{`INSERT INTO gh_users (username, username_key, username_skeleton, date_joined) VALUES ('A', 'a', 'a', 0)`, "username"},
		{`INSERT INTO gh_users (username, username_key, username_skeleton, email_key, date_joined) VALUES ('b', 'b', 'b', 'a@x', 0)`, "email"},
		{`INSERT INTO gh_email_addresses (user_id, email, email_key) VALUES (1, 'E@x', 'e@x')`, "email"},
		{`INSERT INTO gh_groups (name) VALUES ('g')`, "name"},
		{`INSERT INTO gh_permissions (app_label, codename) VALUES ('a', 'b')`, "permission"},
		{`INSERT INTO gh_users (id, username, username_key, username_skeleton, date_joined) VALUES (1, 'c', 'c', 'c', 0)`, ""},
	} {
		field, ok := db.d.uniqueField(exec(tc.q))
		if !ok || field != tc.field {
			t.Errorf("%s: uniqueField = %q, %v; want %q", tc.q, field, ok, tc.field)
		}
	}
	if !db.d.isForeignKey(exec(`INSERT INTO gh_user_groups (user_id, group_id) VALUES (1, 99)`)) {
		t.Errorf("foreign key violation not recognised")
	}
	if _, ok := db.d.uniqueField(exec(`SELECT * FROM no_such_table`)); ok {
		t.Errorf("a syntax error classified as a unique violation")
	}
}
