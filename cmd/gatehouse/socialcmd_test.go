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

// TestSocialAppsFromConfigFile: [[social.apps]] tables of the config file
// are apps the server and the CLI see (the file's winning over a stored app
// of the same provider and id), their secrets never printed; a bad table
// stops every command with the reason.
func TestSocialAppsFromConfigFile(t *testing.T) {
	c := newCLI(t)
	const key = "a-secret-key-for-the-cli-tests-0123456789"
	c.env["GATEHOUSE_SECRET_KEY"] = key
	const fileSecret, storedSecret = "file-secret-value-789", "stored-secret-value-012"
	c.ok(storedSecret+"\n", "social", "app", "add", "--provider", "github", "--client-id", "stored-cid", "--secret-stdin")

	os.WriteFile(filepath.Join(c.dir, "gh.secret"), []byte(fileSecret+"\n"), 0o600)
	conf := filepath.Join(c.dir, "gatehouse.toml")
	write := func(text string) {
		t.Helper()
		if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(`
[social]
email_authentication = true

[[social.apps]]
provider = "github"
client_id = "file-cid"
secret_file = "gh.secret"

[[social.apps]]
provider = "openid_connect"
id = "corp"
name = "Corp SSO"
client_id = "corp-cid"
secret = "corp-secret-345"
server_url = "https://sso.example.com/realms/main"
scopes = ["groups"]
settings = { verified_email = "true" }
`)
	c.env["GATEHOUSE_CONFIG"] = conf

	var apps []socialAppJSON
	if err := json.Unmarshal([]byte(c.ok("", "social", "app", "list", "--json")), &apps); err != nil {
		t.Fatal(err)
	}
	got := map[string]socialAppJSON{}
	for _, a := range apps {
		got[a.Provider+"/"+a.ID+" "+a.Source] = a
	}
	if a, ok := got["github/ file"]; !ok || a.ClientID != "file-cid" || !a.HasSecret {
		t.Errorf("the file's github app: %+v (all %+v)", a, apps)
	}
	if _, ok := got["github/ database (the file's app wins)"]; !ok {
		t.Errorf("the stored github app is not shown as shadowed: %+v", apps)
	}
	if a, ok := got["openid_connect/corp file"]; !ok || a.Settings["verified_email"] != "true" || len(a.Scopes) != 1 ||
		!strings.HasSuffix(a.CallbackURL, "/accounts/oidc/corp/login/callback/") {
		t.Errorf("the file's OIDC app: %+v", a)
	}
	for _, args := range [][]string{{"social", "app", "list"}, {"social", "app", "list", "--json"}, {"config"}} {
		if out := c.ok("", args...); strings.Contains(out, fileSecret) || strings.Contains(out, "corp-secret-345") || strings.Contains(out, storedSecret) {
			t.Errorf("%v printed a secret:\n%s", args, out)
		}
	}
	if out := c.ok("", "config"); !strings.Contains(out, `social.apps[1]`) || !strings.Contains(out, "openid_connect/corp") {
		t.Errorf("config does not show the file's apps:\n%s", out)
	}

	// The server reads the file's app, secret and all, over the stored one.
	s := defaultSettings()
	if err := s.loadFile(conf); err != nil {
		t.Fatal(err)
	}
	cfg, off, err := socialConfig(s)
	if err != nil || off || !cfg.EmailAuthentication || len(cfg.Apps) != 2 || cfg.Apps[0].Secret != fileSecret || cfg.Apps[1].Secret != "corp-secret-345" {
		t.Fatalf("socialConfig: %+v, %v, %v", cfg, off, err)
	}
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, c.env["GATEHOUSE_DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfg.SiteURL = "http://localhost:8000"
	gh, err := gatehouse.New(gatehouse.Config{Store: db, SecretKey: []byte(key), SiteURL: "http://localhost:8000", Social: cfg,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if app, _, err := gh.Social().App(ctx, "github", ""); err != nil || app.ClientID != "file-cid" || app.Secret != fileSecret {
		t.Fatalf("github app as the server reads it: %+v, %v", app, err)
	}

	// Bad tables stop every command, saying what is wrong.
	for _, bad := range []struct{ text, want string }{
		{"[[social.apps]]\nprovider = \"github\"\nclient_id = \"x\"\nclient_secret = \"typo\"\n", `unknown key "client_secret"`},
		{"[[social.apps]]\nprovider = \"github\"\nclient_id = \"x\"\nsecret = \"a\"\nsecret_file = \"gh.secret\"\n", "exclude each other"},
		{"[[social.apps]]\nprovider = \"github\"\nclient_id = \"x\"\nsecret_file = \"missing.secret\"\n", "missing.secret"},
		{"[[social.apps]]\nprovider = \"openid_connect\"\nid = \"corp\"\nclient_id = \"x\"\n", "server URL"},
		{"[[social.apps]]\nprovider = \"nosuch\"\nclient_id = \"x\"\n", `unknown provider "nosuch"`},
	} {
		write(bad.text)
		c.fails(bad.want, "social", "app", "list")
	}
}
