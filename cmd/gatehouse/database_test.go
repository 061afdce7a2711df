package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/testdb"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

// adminArgs returns arguments that every administration command accepts up
// to the point where it opens the database; dump is a Django dump file.
func adminArgs(dump string) map[string][]string {
	return map[string][]string{
		"createsuperuser":   {"--no-input", "--username", "root"},
		"changepassword":    {"ann"},
		"user list":         {},
		"social app add":    {"--provider", "github", "--client-id", "x"},
		"social app list":   {},
		"social app remove": {"github"},
		"user show":         {"ann"},
		"user create":       {"ann", "--no-password"},
		"user set-active":   {"ann", "false"},
		"user logout":       {"ann"},
		"user mfa":          {"ann"},
		"user mfa-reset":    {"ann", "--yes"},
		"user add-group":    {"ann", "editors"},
		"user remove-group": {"ann", "editors"},
		"user grant":        {"ann", "blog.publish"},
		"user revoke":       {"ann", "blog.publish"},
		"user bulk-create":  {"--count", "1", "--password", "bench-password"},
		"group list":        {},
		"group create":      {"editors"},
		"group delete":      {"editors"},
		"group grant":       {"editors", "blog.publish"},
		"group revoke":      {"editors", "blog.publish"},
		"perm list":         {},
		"perm create":       {"blog.publish"},
		"import-django":     {dump},
		"mail outbox":       {},
	}
}

// makesDatabase are the commands that create a missing database on purpose,
// and config and mail test, which open none.
var makesDatabase = map[string]bool{"serve": true, "migrate": true, "config": true, "mail test": true}

// TestAdminCommandsNeedADatabase runs every administration command in an
// empty folder with the default settings: each says there is no database and
// how to make one, and leaves the folder empty (no gatehouse.db, no
// gatehouse.secret).
func TestAdminCommandsNeedADatabase(t *testing.T) {
	dump, err := filepath.Abs("../../djangoimport/testdata/dump.json")
	if err != nil {
		t.Fatal(err)
	}
	admin := adminArgs(dump)
	dir := t.TempDir()
	t.Chdir(dir)
	c := &cli{t: t, dir: dir, env: map[string]string{"GATEHOUSE_SUPERUSER_PASSWORD": "root-passphrase-long"}}
	for _, path := range leaves() {
		name := strings.Join(path, " ")
		if makesDatabase[name] {
			continue
		}
		args, ok := admin[name]
		if !ok {
			t.Errorf("gatehouse %s: add its arguments to adminArgs", name)
			continue
		}
		_, _, err := c.run3("", append(path, args...)...)
		if err == nil || !strings.Contains(err.Error(), "no database at gatehouse.db: run `gatehouse migrate`") || !strings.Contains(err.Error(), "--database") {
			t.Errorf("gatehouse %s in an empty folder: %v", name, err)
		}
		if code := exitStatus(err, &bytes.Buffer{}); code != 1 {
			t.Errorf("gatehouse %s: status %d, want 1", name, code)
		}
		if files, _ := os.ReadDir(dir); len(files) != 0 {
			t.Fatalf("gatehouse %s created %v", name, files)
		}
	}
	c.ok("", "config")
	c.ok("", "mail", "test", "ann@example.com") // on the console
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Fatalf("gatehouse config or mail test created %v", files)
	}

	// --database, on the command or before it, is obeyed by every command.
	c.fails("no database at other.db", "user", "list", "--database", "sqlite:other.db")
	c.fails("no database at other.db", "--database", "sqlite:other.db", "group", "list")
	c.ok("", "migrate", "--database", "sqlite:other.db")
	c.ok("", "--database", "sqlite:other.db", "createsuperuser", "--no-input", "--username", "root")
	if out := c.ok("", "user", "list", "--database", "sqlite://other.db"); !strings.Contains(out, "root") {
		t.Errorf("user list --database: %s", out)
	}
	if out := c.ok("", "config", "--database", "sqlite:other.db"); !strings.Contains(out, `"sqlite:other.db"`) {
		t.Errorf("config --database:\n%s", out)
	}
	if _, err := os.Stat("gatehouse.secret"); err == nil {
		t.Error("an administration command created gatehouse.secret")
	}
	if _, err := os.Stat("gatehouse.db"); err == nil {
		t.Error("a command created gatehouse.db though every one was given --database")
	}
}

// TestAdminCommandsRefuseAnUnmigratedDatabase opens an empty SQLite file and
// an empty PostgreSQL schema: the message names migrate, and the database is
// left without tables.
func TestAdminCommandsRefuseAnUnmigratedDatabase(t *testing.T) {
	refused := func(t *testing.T, c *cli, url string) {
		t.Helper()
		c.fails("has no Gatehouse tables: run `gatehouse migrate`", "user", "list", "--database", url)
		c.fails("has no Gatehouse tables: run `gatehouse migrate`", "perm", "list", "--database", url)
		db, err := sqlstore.Open(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if migrated, err := db.Migrated(t.Context()); migrated || err != nil {
			t.Fatalf("after the refusals: migrated %v, %v", migrated, err)
		}
		c.ok("", "migrate", "--database", url)
		if out := c.ok("", "perm", "list", "--database", url); !strings.Contains(out, "demo.view_secret") {
			t.Errorf("perm list after migrate:\n%s", out)
		}
	}
	t.Run("sqlite", func(t *testing.T) {
		c := newEmptyCLI(t)
		empty := filepath.Join(c.dir, "empty.db")
		os.WriteFile(empty, nil, 0o600)
		refused(t, c, "sqlite:"+empty)
	})
	t.Run("postgres", func(t *testing.T) {
		refused(t, newEmptyCLI(t), testdb.PostgresSchema(t))
	})
}
