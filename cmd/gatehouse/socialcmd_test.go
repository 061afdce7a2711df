package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

func TestSocialAppCommands(t *testing.T) {
	c := newCLI(t)
	const ghSecret, oidcSecret = "gh-secret-value-123", "oidc-secret-value-456"
	// Without serve's key the secret could not be opened by the server.
	if _, err := c.run(ghSecret+"\n", "social", "app", "add", "--provider", "github", "--client-id", "cid", "--secret-stdin"); err == nil ||
		!strings.Contains(err.Error(), "no secret key yet") {
		t.Fatalf("add without a secret key: %v", err)
	}
	const key = "a-secret-key-for-the-cli-tests-0123456789"
	c.env["GATEHOUSE_SECRET_KEY"] = key
	out := c.ok(ghSecret+"\n", "social", "app", "add", "--provider", "github", "--client-id", "cid", "--secret-stdin", "--name", "GitHub", "--scope", "read:org")
	if !strings.Contains(out, "/accounts/github/login/callback/") || strings.Contains(out, ghSecret) {
		t.Fatalf("add github:\n%s", out)
	}
	file := filepath.Join(c.dir, "oidc-secret")
	os.WriteFile(file, []byte(oidcSecret+"\n"), 0o600)
	out = c.ok("", "social", "app", "add", "--provider", "openid_connect", "--id", "keycloak", "--client-id", "kc",
		"--secret-file", file, "--server-url", "https://sso.example.com/realms/main", "--setting", "verified_email=true")
	if !strings.Contains(out, "/accounts/oidc/keycloak/login/callback/") {
		t.Fatalf("add keycloak:\n%s", out)
	}
	c.fails("unknown provider", "social", "app", "add", "--provider", "nosuch", "--client-id", "x")
	c.fails("server URL", "social", "app", "add", "--provider", "openid_connect", "--id", "other", "--client-id", "x")
	c.fails("--provider is required", "social", "app", "add", "--client-id", "x")
	c.fails("KEY=VALUE", "social", "app", "add", "--provider", "github", "--client-id", "x", "--setting", "oops")
	c.fails("no secret in", "social", "app", "add", "--provider", "github", "--client-id", "x", "--secret-stdin")

	out = c.ok("", "social", "app", "list")
	for _, want := range []string{"github", "keycloak", "openid_connect", "set", "/accounts/oidc/keycloak/login/callback/"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	var apps []socialAppJSON
	if err := json.Unmarshal([]byte(c.ok("", "social", "app", "list", "--json")), &apps); err != nil || len(apps) != 2 {
		t.Fatalf("list --json: %v %v", apps, err)
	}
	for _, a := range apps {
		if !a.HasSecret {
			t.Errorf("%s has no secret", a.Provider)
		}
	}
	for _, args := range [][]string{{"social", "app", "list"}, {"social", "app", "list", "--json"}} {
		if out := c.ok("", args...); strings.Contains(out, ghSecret) || strings.Contains(out, oidcSecret) {
			t.Errorf("%v printed a secret:\n%s", args, out)
		}
	}

	// The server, with the same key, opens the sealed secrets.
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, c.env["GATEHOUSE_DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	gh, err := gatehouse.New(gatehouse.Config{Store: db, SecretKey: []byte(key), SiteURL: "http://localhost:8000",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	app, _, err := gh.Social().App(ctx, "github", "")
	if err != nil || app.Secret != ghSecret || app.Name != "GitHub" || len(app.Scopes) != 1 {
		t.Fatalf("github app as the server reads it: %+v, %v", app, err)
	}
	app, _, err = gh.Social().App(ctx, "openid_connect", "keycloak")
	if err != nil || app.Secret != oidcSecret || app.Settings["verified_email"] != "true" {
		t.Fatalf("keycloak app as the server reads it: %+v, %v", app, err)
	}

	if out := c.ok("", "social", "app", "remove", "github"); !strings.Contains(out, "removed") {
		t.Errorf("remove: %s", out)
	}
	c.fails("no stored app github", "social", "app", "remove", "github")
	c.ok("", "social", "app", "remove", "openid_connect", "keycloak")
	if out := c.ok("", "social", "app", "list", "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("list after removing both: %s", out)
	}

	// An internal issuer over plain http only when social.private_hosts names it.
	internal := []string{"social", "app", "add", "--provider", "openid_connect", "--id", "corp", "--client-id", "x",
		"--server-url", "http://sso.internal/realms/main"}
	c.fails("https", internal...)
	c.env["GATEHOUSE_SOCIAL_PRIVATE_HOSTS"] = "sso.internal"
	c.ok("", internal...)
	if out := c.ok("", "config"); !strings.Contains(out, "sso.internal") || !strings.Contains(out, "social.email_authentication") {
		t.Errorf("config lacks the social settings:\n%s", out)
	}
	c.env["GATEHOUSE_SOCIAL_ENABLED"] = "false"
	c.fails("social login is off", "social", "app", "list")
	c.env["GATEHOUSE_SOCIAL_ENABLED"] = "maybe"
	c.fails("social.enabled", "social", "app", "list")
}
