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
	"github.com/gatehouse-auth/gatehouse/internal/keys"
	"github.com/gatehouse-auth/gatehouse/social"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

// TestImportDjangoThenLogin imports a dump made by real Django 3.2 + allauth,
// imports it again (nothing doubles), and logs every active imported user in
// through the login flow with their Django password.
func TestImportDjangoThenLogin(t *testing.T) {
	c := newCLI(t)
	writeSecretKey(t, c) // the dump's provider app secrets are sealed with it
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

// writeSecretKey writes the secret key file, as serve does on its first
// run, and returns the key.
func writeSecretKey(t *testing.T, c *cli) []byte {
	t.Helper()
	key := []byte("import-test-secret-key-0123456789-abcdefghijklmnop")
	if err := os.WriteFile(c.env["GATEHOUSE_SECRET_KEY_FILE"], append(key, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	return key
}

// TestImportDjangoSocial: the dump's provider apps and links come along;
// the apps' secrets are sealed with the site's secret key (and open with
// it), never printed; without a secret key the import refuses, writing
// nothing and making no key.
func TestImportDjangoSocial(t *testing.T) {
	c := newCLI(t)
	dump := "../../djangoimport/testdata/dump_natural.json"
	plain := map[string]string{"github": "secret", "google": "GOCSPX-google-client-secret", "openid_connect": "keycloak-client-secret"}
	noSecrets := func(out string) {
		t.Helper()
		for _, secret := range []string{"GOCSPX-google-client-secret", "keycloak-client-secret", "x-client-secret"} {
			if strings.Contains(out, secret) {
				t.Errorf("the report shows the secret %q:\n%s", secret, out)
			}
		}
	}

	for _, args := range [][]string{{"import-django", dump}, {"import-django", "--dry-run", dump}} {
		c.fails("no secret key to seal them with: run `gatehouse serve` once", args...)
	}
	if _, err := os.Stat(c.env["GATEHOUSE_SECRET_KEY_FILE"]); !os.IsNotExist(err) {
		t.Fatalf("the import made a secret key file: %v", err)
	}
	if list := c.ok("", "user", "list"); strings.Contains(list, "alice") {
		t.Fatal("a refused import wrote users")
	}

	key := writeSecretKey(t, c)
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, c.env["GATEHOUSE_DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := c.ok("", "import-django", "--dry-run", dump)
	if !strings.Contains(out, "dry run") || !strings.Contains(out, "socialaccount.socialapp: 4 read, 3 imported, 1 skipped") {
		t.Fatalf("dry run report:\n%s", out)
	}
	noSecrets(out)
	if apps, err := db.SocialApps(ctx); err != nil || len(apps) != 0 {
		t.Fatalf("the dry run stored apps: %v, %v", apps, err)
	}

	for i, want := range []string{
		"socialaccount.socialapp: 4 read, 3 imported, 1 skipped (app on no site (disabled): 1",
		"socialaccount.socialapp: 4 read, 0 imported, 4 skipped (exists: 3; app on no site (disabled): 1",
	} {
		out = c.ok("", "import-django", dump)
		if !strings.Contains(out, want) {
			t.Fatalf("import %d lacks %q:\n%s", i+1, want, out)
		}
		noSecrets(out)
	}
	if !strings.Contains(out, "socialaccount.socialaccount: 5 read, 0 imported, 5 skipped (exists: 5)") {
		t.Errorf("second import:\n%s", out)
	}

	ring, err := keys.New(key)
	if err != nil {
		t.Fatal(err)
	}
	apps, err := db.SocialApps(ctx)
	if err != nil || len(apps) != 3 {
		t.Fatalf("apps %v, %v", apps, err)
	}
	for _, a := range apps {
		if !strings.HasPrefix(a.Secret, "sealed:") || strings.Contains(a.Secret, plain[a.Provider]) {
			t.Errorf("%s: secret stored as %q", a.Provider, a.Secret)
		}
		if got, err := social.OpenSecret(ring, a); err != nil || got != plain[a.Provider] {
			t.Errorf("%s: the site's key opens the secret to %q, %v; want %q", a.Provider, got, err, plain[a.Provider])
		}
	}
	// alice comes back through Google and through the Keycloak server.
	alice, err := db.UserByUsername(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	for _, link := range [][2]string{{"google", "109876543210987654321"}, {"keycloak", "f0c5a3c2-7d4e-4b8a-9f1e-2d3c4b5a6978"}} {
		if a, err := db.SocialAccountByUID(ctx, link[0], link[1]); err != nil || a.UserID != alice.ID {
			t.Errorf("%s %s: %+v, %v; want alice's", link[0], link[1], a, err)
		}
	}
}
