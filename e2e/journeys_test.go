package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/gatehousetest"
)

const goodPassword = "correct-horse-battery"

// Sign up, sign out, log in, be refused the secret page, get the permission,
// see the secret page, log out.
func TestJourneySignupLoginSecret(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	en := catalog(srv, "en")
	b := newBrowser(t, srv)

	b.visit("/")
	b.clickLink(en.T("nav.signup"))
	b.wantPath("/accounts/signup/")
	b.fill("username", "alice")
	b.fill("email", "alice@example.com")
	b.fill("password1", goodPassword)
	b.fill("password2", goodPassword)
	b.submit()
	b.wantPath("/dashboard/")
	b.see(en.T("flash.signed_up"), en.T("dashboard.heading", "username", "alice"), "alice@example.com")

	// Out, and back in through the login form.
	b.visit("/accounts/logout/")
	b.submit()
	b.wantPath("/")
	b.clickLink(en.T("nav.login"))
	b.fill("login", "alice")
	b.fill("password", goodPassword)
	b.check("remember")
	b.submit()
	b.wantPath("/dashboard/")
	b.wantStatus(http.StatusOK)
	b.see(en.T("flash.logged_in"), en.T("dashboard.no_groups"), en.T("dashboard.no_permissions"))

	// No permission yet: the 403 page.
	b.clickLink(en.T("dashboard.secret_link"))
	b.wantPath("/secret/")
	b.wantStatus(http.StatusForbidden)
	b.see(en.T("error.http_403.title"), en.T("error.http_403.message"))

	// Granted through the store, the same session now sees it.
	srv.Grant(t, "alice", "demo.view_secret")
	b.visit("/secret/")
	b.wantStatus(http.StatusOK)
	b.see(en.T("secret.heading"), en.T("secret.secret"))
	b.visit("/dashboard/")
	b.see("demo.view_secret")

	// Log out from the dashboard.
	b.clickLink(en.T("dashboard.logout"))
	b.wantPath("/accounts/logout/")
	b.submit()
	b.wantPath("/")
	if txt := b.pageText(); strings.Contains(txt, "alice") {
		t.Errorf("still shows the user after logout:\n%s", txt)
	}
	b.visit("/secret/")
	b.wantPath(loginPath("/secret/"))
}

// A wrong password shows the form error and keeps the typed login.
func TestJourneyWrongPassword(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	srv.CreateUser(t, "bob", "bob@example.com", goodPassword)
	en := catalog(srv, "en")
	b := newBrowser(t, srv)

	b.login("bob", "not-the-password")
	b.wantPath("/accounts/login/")
	b.see(en.T("error.invalid_credentials"))
	if role := b.attr("#form-errors", "role"); role != "alert" {
		t.Errorf("form error box role=%q, want alert", role)
	}
	if v := eval[string](b, `document.getElementById("id_login").value`); v != "bob" {
		t.Errorf("login field holds %q, want bob", v)
	}
	if v := eval[string](b, `document.getElementById("id_password").value`); v != "" {
		t.Errorf("password field was re-filled: %q", v)
	}
	// Then the right one works.
	b.fill("password", goodPassword)
	b.submit()
	b.wantPath("/dashboard/")
}

// A taken username and a weak password: each message sits next to its field.
func TestJourneySignupErrors(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	srv.CreateUser(t, "taken", "", goodPassword)
	en := catalog(srv, "en")
	b := newBrowser(t, srv)

	b.visit("/accounts/signup/")
	b.fill("username", "taken")
	b.fill("password1", "1234")
	b.fill("password2", "1234")
	b.submit()
	b.wantPath("/accounts/signup/")

	if got, want := b.fieldErrors("username"), en.T("error.username_taken"); !strings.Contains(got, want) {
		t.Errorf("username errors %q, want %q", got, want)
	}
	pw := b.fieldErrors("password1")
	for _, want := range []string{en.N("error.password_too_short", 8, "min_length", 8), en.T("error.password_entirely_numeric")} {
		if !strings.Contains(pw, want) {
			t.Errorf("password1 errors %q, want %q", pw, want)
		}
	}
	for _, f := range []string{"username", "password1"} {
		if v := b.attr("#id_"+f, "aria-invalid"); v != "true" {
			t.Errorf("%s: aria-invalid=%q", f, v)
		}
		if d := b.attr("#id_"+f, "aria-describedby"); !strings.Contains(d, "id_"+f+"_error") {
			t.Errorf("%s: aria-describedby=%q does not name its errors", f, d)
		}
	}
	if v := b.attr("#id_email", "aria-invalid"); v != "" {
		t.Errorf("email marked invalid without an error")
	}
	if v := eval[string](b, `document.getElementById("id_username").value`); v != "taken" {
		t.Errorf("username field holds %q", v)
	}
}

// The language switch turns the page Russian and back, and stays on the page.
func TestJourneyLanguageSwitch(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	en, ru := catalog(srv, "en"), catalog(srv, "ru")
	b := newBrowser(t, srv)

	b.visit("/accounts/signup/?next=%2Fsecret%2F")
	if b.lang() != "en" {
		t.Fatalf("starts in %q, want en", b.lang())
	}
	b.setLanguage("ru")
	b.wantPath("/accounts/signup/?next=%2Fsecret%2F")
	if b.lang() != "ru" {
		t.Errorf("lang %q after choosing Russian", b.lang())
	}
	b.see(ru.T("signup.heading"), ru.T("signup.submit"))
	if v := b.attr(`button[value="ru"]`, "aria-pressed"); v != "true" {
		t.Errorf("Русский not pressed: %q", v)
	}
	// The choice sticks on other pages.
	b.visit("/accounts/login/")
	b.see(ru.T("login.heading"), ru.T("login.remember"))
	// Russian form errors.
	b.fill("login", "nobody")
	b.fill("password", "whatever-it-is")
	b.submit()
	b.see(ru.T("error.invalid_credentials"))

	b.setLanguage("en")
	if b.lang() != "en" {
		t.Errorf("lang %q after choosing English", b.lang())
	}
	b.see(en.T("login.heading"))
}

// An anonymous visit to a protected page goes through login and lands back on it.
func TestJourneyNextKept(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	srv.CreateUser(t, "carol", "carol@example.com", goodPassword)
	srv.Grant(t, "carol", "demo.view_secret")
	en := catalog(srv, "en")
	b := newBrowser(t, srv)

	b.visit("/secret/")
	b.wantPath(loginPath("/secret/"))
	if v := b.attr(`main input[name="next"]`, "value"); v != "/secret/" {
		t.Errorf("hidden next=%q, want /secret/", v)
	}
	// A wrong password first: next survives the error page too.
	b.fill("login", "carol")
	b.fill("password", "wrong-password")
	b.submit()
	if v := b.attr(`main input[name="next"]`, "value"); v != "/secret/" {
		t.Errorf("after an error, hidden next=%q", v)
	}
	// The link to sign up keeps it as well.
	if href := b.attr(`.gh-card__footer a[href^="/accounts/signup/"]`, "href"); !strings.Contains(href, "next=%2fsecret%2f") && !strings.Contains(href, "next=%2Fsecret%2F") {
		t.Errorf("signup link %q drops next", href)
	}
	b.fill("password", goodPassword)
	b.submit()
	b.wantPath("/secret/")
	b.wantStatus(http.StatusOK)
	b.see(en.T("secret.heading"))
}

// GET /accounts/logout/ only asks; the POST signs out.
func TestJourneyLogoutConfirm(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	srv.CreateUser(t, "dave", "", goodPassword)
	en := catalog(srv, "en")
	b := newBrowser(t, srv)

	b.login("dave", goodPassword)
	b.wantPath("/dashboard/")
	b.clickLink(en.T("nav.logout"))
	b.wantPath("/accounts/logout/")
	b.see(en.T("logout.question"))

	// Cancel keeps the session.
	b.clickLink(en.T("logout.cancel"))
	b.wantPath("/dashboard/")
	b.see(en.T("dashboard.heading", "username", "dave"))

	b.visit("/accounts/logout/")
	b.submit()
	b.wantPath("/")
	b.see(en.T("home.cta_signup"))
	b.visit("/dashboard/")
	b.wantPath(loginPath("/dashboard/"))
}

// Changing the password through the form, with a wrong current password first.
func TestJourneyPasswordChange(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	srv.CreateUser(t, "erin", "", goodPassword)
	en := catalog(srv, "en")
	b := newBrowser(t, srv)

	b.login("erin", goodPassword)
	b.clickLink(en.T("dashboard.change_password"))
	b.wantPath("/accounts/password/change/")
	b.fill("oldpassword", "not-my-password")
	b.fill("password1", "a-brand-new-passphrase")
	b.fill("password2", "a-brand-new-passphrase")
	b.submit()
	if got := b.fieldErrors("oldpassword"); !strings.Contains(got, en.T("error.password_incorrect")) {
		t.Errorf("oldpassword errors %q", got)
	}
	b.fill("oldpassword", goodPassword)
	b.fill("password1", "a-brand-new-passphrase")
	b.fill("password2", "a-brand-new-passphrase")
	b.submit()
	b.wantPath("/dashboard/")
	b.see(en.T("flash.password_changed"))

	b.visit("/accounts/logout/")
	b.submit()
	b.login("erin", "a-brand-new-passphrase")
	b.wantPath("/dashboard/")
}

// Signed in on two browsers: the first sees both sessions and signs the
// other one out; the other browser is back at the login page.
func TestJourneyEndAnotherSession(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	srv.CreateUser(t, "uma", "uma@example.com", goodPassword)
	en := catalog(srv, "en")
	laptop, phone := newBrowser(t, srv), newBrowser(t, srv)
	laptop.login("uma", goodPassword)
	phone.login("uma", goodPassword)

	laptop.visit("/dashboard/")
	laptop.clickLink(en.T("dashboard.sessions"))
	laptop.wantPath("/accounts/sessions/")
	laptop.see(en.T("sessions.heading"), en.T("sessions.current"))
	laptop.clickButton(en.T("sessions.end"))
	laptop.wantPath("/accounts/sessions/")
	laptop.see(en.T("flash.sessions_ended"))
	if strings.Contains(laptop.text(), en.T("sessions.end")) {
		t.Error("the ended session is still listed")
	}

	phone.visit("/dashboard/")
	phone.wantPath("/accounts/login/?next=%2Fdashboard%2F")
}
