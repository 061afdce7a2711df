package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/oauth2-proxy/mockoidc"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/gatehousetest"
	"github.com/gatehouse-auth/gatehouse/social"
)

// The journeys of issue #12: social login in the browser, against real
// OpenID Connect providers (mockoidc, which approves at once and redirects
// back) and a GitHub-shaped provider whose users always decline.

// startOIDC runs a mockoidc provider on 127.0.0.1 for the test.
func startOIDC(t testing.TB) *mockoidc.MockOIDC {
	t.Helper()
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatalf("mockoidc: %v", err)
	}
	t.Cleanup(func() { m.Shutdown() })
	return m
}

// oidcApp is an openid_connect app for the mockoidc provider m.
func oidcApp(m *mockoidc.MockOIDC, appID, name string) social.App {
	cfg := m.Config()
	return social.App{Provider: social.ProviderIDOIDC, AppID: appID, Name: name,
		ClientID: cfg.ClientID, Secret: cfg.ClientSecret, ServerURL: cfg.Issuer}
}

// decliningApp is a GitHub app whose authorization page sends everyone
// back with error=access_denied, as GitHub does when the user declines.
func decliningApp(t testing.TB) social.App {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		back, err := url.Parse(q.Get("redirect_uri"))
		if err != nil || r.URL.Path != "/authorize" {
			http.Error(w, "bad authorization request", http.StatusBadRequest)
			return
		}
		back.RawQuery = url.Values{"state": {q.Get("state")}, "error": {"access_denied"}}.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	return social.App{Provider: "github", ClientID: "client-gh", Secret: "secret-gh", Settings: map[string]string{
		"auth_url": srv.URL + "/authorize", "token_url": srv.URL + "/token",
		"profile_url": srv.URL + "/user", "email_url": srv.URL + "/user/emails"}}
}

// socialConfig lets Gatehouse reach providers on 127.0.0.1 and sets its apps.
func socialConfig(apps ...social.App) func(*gatehouse.Config) {
	return func(c *gatehouse.Config) {
		c.Social.Outbound.AllowPrivateNetworks = true
		c.Social.Apps = apps
	}
}

// connectionNames lists the providers of the connections page's list.
func connectionNames(b *browser) []string {
	b.t.Helper()
	return eval[[]string](b, `[...document.querySelectorAll("#connections-list + ul .gh-emails__address")].map(e => e.textContent.trim())`)
}

// Login through a provider: the login page's button, the provider, back
// signed in as a new user; from the connections page a second provider is
// connected, listed, disconnected and gone.
func TestJourneySocialLoginConnect(t *testing.T) {
	mock, other := startOIDC(t), startOIDC(t)
	mock.QueueUser(&mockoidc.MockUser{Subject: "jane-sub", Email: "jane@example.org", EmailVerified: true, PreferredUsername: "jane"})
	other.QueueUser(&mockoidc.MockUser{Subject: "jane-work", Email: "jane@work.example", EmailVerified: true, PreferredUsername: "jane.w"})
	srv := gatehousetest.NewServer(t, socialConfig(oidcApp(mock, "mock", "Mock IdP"), oidcApp(other, "work", "Work SSO")))
	en := catalog(srv, "en")
	b := newBrowser(t, srv)

	b.visit("/accounts/login/")
	b.see(en.T("social.buttons_title"), en.T("social.continue_with", "provider", "Mock IdP"), en.T("social.continue_with", "provider", "Work SSO"))
	audit(t, b)
	b.clickButton(en.T("social.continue_with", "provider", "Mock IdP"))
	b.wantPath("/dashboard/")
	b.wantOK()
	if got := eval[string](b, `(document.querySelector(".gh-nav__username") || {textContent: ""}).textContent`); got != "jane" {
		t.Errorf("signed in as %q, want jane (auto-signup)", got)
	}
	u, err := srv.DB.UserByUsername(context.Background(), "jane")
	if err != nil {
		t.Fatalf("the new user: %v", err)
	}

	b.visit("/accounts/3rdparty/")
	b.wantOK()
	b.see(en.T("connections.heading"), en.T("connections.connect", "provider", "Work SSO"))
	if got := connectionNames(b); len(got) != 1 || got[0] != "Mock IdP" {
		t.Errorf("connections %q, want [Mock IdP]", got)
	}
	audit(t, b)
	b.clickButton(en.T("connections.connect", "provider", "Work SSO"))
	b.wantPath("/accounts/3rdparty/")
	b.see(en.T("flash.social_connected"), "Work SSO")
	if got := connectionNames(b); len(got) != 2 {
		t.Errorf("connections %q, want Mock IdP and Work SSO", got)
	}
	audit(t, b)

	disconnect := func() {
		b.navigate("disconnect Work SSO", chromedp.Click(chromedp.CSS(
			`button[aria-label=`+jsString(en.T("connections.disconnect_named", "provider", "Work SSO"))+`]`)))
	}
	disconnect()
	// A disconnect may ask who we are first; the page offers the providers.
	if strings.HasPrefix(b.path(), "/accounts/reauthenticate/") {
		audit(t, b)
		b.clickButton(en.T("social.continue_with", "provider", "Mock IdP"))
	}
	b.wantPath("/accounts/3rdparty/")
	b.see(en.T("flash.social_disconnected"))
	if got := connectionNames(b); len(got) != 1 || got[0] != "Mock IdP" {
		t.Errorf("after disconnecting: %q, want [Mock IdP]", got)
	}
	links, err := srv.DB.SocialAccounts(context.Background(), u.ID)
	if err != nil || len(links) != 1 {
		t.Errorf("stored connections %v, %v", links, err)
	}
	audit(t, b)

	// Signed out, the same provider account signs jane in again.
	signOut(b)
	b.visit("/accounts/login/")
	mock.QueueUser(&mockoidc.MockUser{Subject: "jane-sub", Email: "jane@example.org", EmailVerified: true, PreferredUsername: "jane"})
	b.clickButton(en.T("social.continue_with", "provider", "Mock IdP"))
	b.wantPath("/dashboard/")
	if n, _ := srv.DB.CountUsers(context.Background()); n != 1 {
		t.Errorf("%d users, want 1", n)
	}
}

// The social signup form (with NoAutoSignup every provider signup asks):
// the provider's username is taken, so the form suggests a free one; the
// taken one typed anyway is an error by the field; the free one signs up. Then the cancelled page (the user declines at the provider)
// and the error page (a tampered state).
func TestJourneySocialSignupAndFailures(t *testing.T) {
	mock := startOIDC(t)
	srv := gatehousetest.NewServer(t, socialConfig(oidcApp(mock, "mock", "Mock IdP"), decliningApp(t)),
		func(c *gatehouse.Config) { c.Social.NoAutoSignup = true })
	srv.CreateUser(t, "jane", "jane@example.com", goodPassword)
	en := catalog(srv, "en")
	b := newBrowser(t, srv)

	mock.QueueUser(&mockoidc.MockUser{Subject: "jane-2", Email: "jane2@example.org", EmailVerified: true, PreferredUsername: "jane"})
	b.visit("/accounts/signup/")
	b.see(en.T("social.continue_with", "provider", "Mock IdP"))
	audit(t, b)
	b.clickButton(en.T("social.continue_with", "provider", "Mock IdP"))
	b.wantPath("/accounts/3rdparty/signup/")
	b.wantOK()
	b.see(en.T("social_signup.heading"), en.T("social_signup.intro", "provider", "Mock IdP"))
	if v := b.value("email"); v != "jane2@example.org" {
		t.Errorf("the email field holds %q, want the provider's address", v)
	}
	// The provider's "jane" is taken: the form suggests a free one.
	if v := b.value("username"); v != "jane2" {
		t.Errorf("the username field holds %q, want the free suggestion jane2", v)
	}
	audit(t, b)
	b.fill("username", "jane")
	b.submit()
	b.wantPath("/accounts/3rdparty/signup/")
	if b.fieldErrors("username") == "" {
		t.Errorf("a taken username shows no error; the page:\n%s", b.text())
	}
	audit(t, b)
	b.fill("username", "jane2")
	b.submit()
	b.wantPath("/dashboard/")
	if got := eval[string](b, `(document.querySelector(".gh-nav__username") || {textContent: ""}).textContent`); got != "jane2" {
		t.Errorf("signed in as %q, want jane2", got)
	}

	// Declining at the provider ends on the cancelled page.
	signOut(b)
	b.visit("/accounts/login/")
	b.clickButton(en.T("social.continue_with", "provider", "GitHub"))
	b.wantPath("/accounts/3rdparty/login/cancelled/?provider=github")
	b.wantOK()
	b.see(en.T("social_cancelled.heading"), en.T("social_cancelled.intro_named", "provider", "GitHub"))
	audit(t, b)
	b.clickLink(en.T("social_cancelled.login"))
	b.wantPath("/accounts/login/")

	// A callback with a state of its own ends on the error page, with why.
	b.visit("/accounts/oidc/mock/login/callback/?state=tampered&code=forged")
	b.wantPath("/accounts/3rdparty/login/error/")
	b.wantOK()
	b.see(en.T("social_error.heading"), en.T("error.social_state_invalid"))
	audit(t, b)
	if n, _ := srv.DB.CountUsers(context.Background()); n != 2 {
		t.Errorf("%d users, want 2", n)
	}
}
