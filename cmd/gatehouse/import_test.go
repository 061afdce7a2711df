package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

// TestImportDjangoThenLogin imports a dump made by real Django 3.2 + allauth,
// imports it again (nothing doubles), and logs every active imported user in
// through the login flow with their Django password.
func TestImportDjangoThenLogin(t *testing.T) {
	c := newCLI(t)
	dump := "../../djangoimport/testdata/dump.json"
	out := c.ok("", "import-django", "--dry-run", dump)
	if !strings.Contains(out, "dry run") {
		t.Fatalf("dry run report:\n%s", out)
	}
	if list := c.ok("", "user", "list"); strings.Contains(list, "alice") {
		t.Fatal("dry run wrote users")
	}
	out = c.ok("", "import-django", dump)
	if !strings.Contains(out, "auth.user: 8 read, 8 imported") {
		t.Fatalf("first import:\n%s", out)
	}
	out = c.ok("", "import-django", dump)
	if !strings.Contains(out, "auth.user: 8 read, 0 imported, 8 skipped") {
		t.Fatalf("second import duplicated something:\n%s", out)
	}
	var passwords map[string]string
	b, err := os.ReadFile("../../djangoimport/testdata/passwords.json")
	if err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(b, &passwords)

	ctx := context.Background()
	db, err := sqlstore.Open(ctx, c.env["GATEHOUSE_DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	key := make([]byte, 32)
	rand.Read(key)
	gh, err := gatehouse.New(gatehouse.Config{Store: db, SecretKey: key, SiteURL: "http://localhost:8000"})
	if err != nil {
		t.Fatal(err)
	}
	for name, pw := range passwords {
		u, err := db.UserByUsername(ctx, name)
		if err != nil {
			t.Fatalf("%s not imported: %v", name, err)
		}
		before := u.Password
		_, err = gh.Authenticate(ctx, name, pw, account.Client{IP: "192.0.2.1"})
		if !u.IsActive {
			if err == nil {
				t.Errorf("inactive %s logged in", name)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s cannot log in with the Django password: %v", name, err)
			continue
		}
		u, _ = db.UserByUsername(ctx, name)
		if !strings.HasPrefix(u.Password, "argon2$argon2id$") || (u.Password == before && !strings.HasPrefix(before, "argon2$argon2id$")) {
			t.Errorf("%s: hash not upgraded to argon2id: %.20s…", name, u.Password)
		}
	}
}
