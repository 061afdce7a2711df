package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

// TestSocialOIDCFromTheCLI: an operator adds a generic OpenID Connect app
// with "gatehouse social app add" (issuer on a private host, allowed by
// social.private_hosts); the server built from the same settings, as serve
// builds it, shows its button and signs a person in through a real OpenID
// Connect provider (mockoidc: discovery, keys, PKCE, signed ID tokens).
func TestSocialOIDCFromTheCLI(t *testing.T) {
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	idp := m.Config()

	var handler http.Handler = http.NotFoundHandler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)

	c := newCLI(t)
	const key = "a-secret-key-for-the-cli-tests-0123456789"
	c.env["GATEHOUSE_SECRET_KEY"] = key
	c.env["GATEHOUSE_SITE_URL"] = srv.URL
	issuer, _ := url.Parse(idp.Issuer)
	c.env["GATEHOUSE_SOCIAL_PRIVATE_HOSTS"] = issuer.Hostname()
	out := c.ok(idp.ClientSecret+"\n", "social", "app", "add", "--provider", "openid_connect", "--id", "mock",
		"--name", "Mock IdP", "--client-id", idp.ClientID, "--secret-stdin", "--server-url", idp.Issuer)
	if !strings.Contains(out, srv.URL+"/accounts/oidc/mock/login/callback/") {
		t.Fatalf("add: %s", out)
	}

	s := defaultSettings()
	s.loadEnv(func(k string) string { return c.env[k] })
	if err := s.validate(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, c.env["GATEHOUSE_DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	gh, err := buildGatehouse(ctx, s, db, slog.New(slog.NewTextHandler(io.Discard, nil)), []byte(key))
	if err != nil {
		t.Fatal(err)
	}
	handler = gh.Handler()

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	do := func(method, path string, form url.Values) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(form.Encode()))
		if method == http.MethodPost {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	if _, body := do("GET", "/accounts/login/", nil); !strings.Contains(body, `action="/accounts/oidc/mock/login/"`) || !strings.Contains(body, "Mock IdP") {
		t.Fatalf("login page lacks the app's button:\n%s", body)
	}
	m.QueueUser(&mockoidc.MockUser{Subject: "jane-sub", Email: "jane@example.org", EmailVerified: true, PreferredUsername: "jane"})
	// The button's POST, the provider, the callback and the page after login.
	resp, body := do("POST", "/accounts/oidc/mock/login/", url.Values{"next": {"/accounts/3rdparty/"}})
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/accounts/3rdparty/" || !strings.Contains(body, "jane") || !strings.Contains(body, "Mock IdP") {
		t.Fatalf("after the provider: %d at %s:\n%s", resp.StatusCode, resp.Request.URL, body)
	}
	u, err := db.UserByUsername(ctx, "jane")
	if err != nil || u.Email != "jane@example.org" {
		t.Fatalf("jane: %+v, %v", u, err)
	}
	if a, err := db.SocialAccountByUID(ctx, "mock", "jane-sub"); err != nil || a.UserID != u.ID {
		t.Fatalf("jane's link (kept under the app id, as allauth's provider_id): %+v, %v", a, err)
	}
}
