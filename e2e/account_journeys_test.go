package e2e

import (
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/gatehousetest"
	"github.com/gatehouse-auth/gatehouse/mail/mailtest"
)

// The journeys of email verification, password reset and reauthentication:
// each reads its mail from a real SMTP sink (mailpit) and follows the link
// or types the code, and audits every page it reaches with axe-core.

// mandatoryVerification holds every login until an address is verified.
func mandatoryVerification(byCode bool) gatehousetest.Option {
	return func(c *gatehouse.Config) {
		c.Account.EmailVerification = account.EmailVerificationMandatory
		c.Account.EmailVerificationByCode = byCode
	}
}

var reSetPassword = regexp.MustCompile(`^/accounts/password/reset/key/[0-9a-z]+-set-password/$`)

// Forgot the password: the login page's link, the request, the mailed link,
// a new password (a bad one first), and a login with it.
func TestJourneyPasswordReset(t *testing.T) {
	sink := mailtest.Start(t)
	srv := gatehousetest.NewServer(t, gatehousetest.Mail(sink))
	srv.CreateUser(t, "rita", "rita@example.com", goodPassword)
	en := catalog(srv, "en")
	b := newBrowser(t, srv)

	b.visit("/accounts/login/")
	b.clickLink(en.T("login.forgot"))
	b.wantPath("/accounts/password/reset/")
	b.see(en.T("password_reset.heading"), en.T("password_reset.intro"))
	audit(t, b)

	b.fill("email", "rita@example.com")
	b.submit()
	b.wantPath("/accounts/password/reset/done/")
	b.wantOK()
	b.see(en.T("password_reset_done.heading"), en.T("password_reset_done.intro"))
	audit(t, b)

	m := waitMail(t, sink, 0, "rita@example.com", "password_reset")
	if want := en.T("mail.password_reset.subject", "site", "Gatehouse"); m.Subject != want {
		t.Errorf("subject %q, want %q", m.Subject, want)
	}
	link := mailLink(t, m, srv.URL, "/accounts/password/reset/key/")

	// The key leaves the address bar at once: the form is at …-set-password/.
	b.open(link)
	if p := b.path(); !reSetPassword.MatchString(p) {
		t.Errorf("the reset link landed on %s, want …/<uid>-set-password/", p)
	}
	b.wantOK()
	b.see(en.T("password_reset_key.heading"), en.T("password_reset_key.intro"))
	audit(t, b)

	// A weak, mismatched pair first: the rules are shown by the fields.
	formURL := b.path()
	b.fill("password1", "12345")
	b.fill("password2", "54321")
	b.submit()
	b.wantPath(formURL)
	if got, want := b.fieldErrors("password1"), en.N("error.password_too_short", 8, "min_length", 8); !strings.Contains(got, want) {
		t.Errorf("password1 errors %q, want %q", got, want)
	}
	if got, want := b.fieldErrors("password2"), en.T("error.password_mismatch"); !strings.Contains(got, want) {
		t.Errorf("password2 errors %q, want %q", got, want)
	}
	audit(t, b)

	const newPassword = "a-fresh-start-at-last"
	b.fill("password1", newPassword)
	b.fill("password2", newPassword)
	b.submit()
	b.wantPath("/accounts/password/reset/key/done/")
	b.see(en.T("password_reset_key_done.heading"), en.T("password_reset_key_done.intro"))
	audit(t, b)
	// The owner is told, in a mail of its own.
	waitMail(t, sink, 1, "rita@example.com", "password_changed")

	// The old password is gone, the new one works.
	b.clickLink(en.T("password_reset_key_done.login"))
	b.wantPath("/accounts/login/")
	b.fill("login", "rita")
	b.fill("password", goodPassword)
	b.submit()
	b.see(en.T("error.invalid_credentials"))
	b.fill("password", newPassword)
	b.submit()
	b.wantPath("/dashboard/")
	b.see(en.T("flash.logged_in"), en.T("dashboard.heading", "username", "rita"))

	// The link was spent by the reset.
	b.visit("/accounts/logout/")
	b.submit()
	b.open(link)
	b.see(en.T("password_reset_key.invalid_heading"), en.T("password_reset_key.invalid"))
	if b.attr("#id_password1", "name") != "" {
		t.Error("a spent link still shows the new-password form")
	}
	audit(t, b)
}

// Mandatory verification by link: signup stops at "confirm your email", no
// session exists until the mailed link is opened in the same browser and
// confirmed, then the user is signed in on the dashboard; the next login
// passes straight through.
func TestJourneyVerifyEmailByLink(t *testing.T) {
	sink := mailtest.Start(t)
	srv := gatehousetest.NewServer(t, gatehousetest.Mail(sink), mandatoryVerification(false))
	en := catalog(srv, "en")
	b := newBrowser(t, srv)

	b.visit("/accounts/signup/")
	b.fill("username", "vera")
	b.fill("email", "vera@example.com")
	b.fill("password1", goodPassword)
	b.fill("password2", goodPassword)
	b.submit()
	b.wantPath("/accounts/confirm-email/")
	b.wantOK()
	b.see(en.T("confirm_email.heading"), en.T("confirm_email.link_intro", "email", "vera@example.com"))
	if strings.Contains(b.text(), en.T("confirm_email.skip")) {
		t.Error("mandatory verification offers to skip it")
	}
	audit(t, b)

	// Not signed in while the stage is pending.
	b.visit("/dashboard/")
	b.wantPath(loginPath("/dashboard/"))

	m := waitMail(t, sink, 0, "vera@example.com", "email_confirmation")
	if want := en.T("mail.email_confirmation.subject", "site", "Gatehouse"); m.Subject != want {
		t.Errorf("subject %q, want %q", m.Subject, want)
	}
	link := mailLink(t, m, srv.URL, "/accounts/confirm-email/")

	// Opening the link changes nothing by itself: it asks.
	b.open(link)
	b.wantOK()
	b.see(en.T("confirm_email_key.heading"), en.T("confirm_email_key.intro", "email", "vera@example.com"))
	audit(t, b)
	b.submit()
	b.wantPath("/dashboard/")
	b.see(en.T("flash.email_confirmed_logged_in"), en.T("dashboard.heading", "username", "vera"), "vera@example.com")

	// Verified: the next login needs no stage.
	b.visit("/accounts/logout/")
	b.submit()
	b.login("vera", goodPassword)
	b.wantPath("/dashboard/")
	b.see(en.T("flash.logged_in"))

	// A link that is not one of ours.
	b.visit("/accounts/confirm-email/not-a-key/")
	b.see(en.T("confirm_email_key.invalid_heading"), en.T("confirm_email_key.invalid"))
	audit(t, b)
}

// Mandatory verification by code: a wrong code first, then the mailed one.
func TestJourneyVerifyEmailByCode(t *testing.T) {
	sink := mailtest.Start(t)
	srv := gatehousetest.NewServer(t, gatehousetest.Mail(sink), mandatoryVerification(true))
	en := catalog(srv, "en")
	b := newBrowser(t, srv)

	b.visit("/accounts/signup/?next=%2Fdashboard%2F%3Ftab%3Dme")
	b.fill("username", "cody")
	b.fill("email", "cody@example.com")
	b.fill("password1", goodPassword)
	b.fill("password2", goodPassword)
	b.submit()
	b.wantPath("/accounts/confirm-email/")
	b.see(en.T("confirm_email.heading"), en.T("confirm_email.code_intro", "email", "cody@example.com"))
	if b.attr("#id_code", "autocomplete") != "one-time-code" {
		t.Errorf("code field autocomplete=%q, want one-time-code", b.attr("#id_code", "autocomplete"))
	}
	audit(t, b)

	m := waitMail(t, sink, 0, "cody@example.com", "email_confirmation_code")
	code := mailCode(t, m)

	// A wrong code: the error by the field; the attempt counts, the page stays.
	wrong := "BBBB-BBBB"
	if wrong == code {
		wrong = "CCCC-CCCC"
	}
	b.fill("code", wrong)
	b.submit()
	b.wantPath("/accounts/confirm-email/")
	if got, want := b.fieldErrors("code"), en.T("error.code_incorrect"); !strings.Contains(got, want) {
		t.Errorf("code errors %q, want %q", got, want)
	}
	if v := b.attr("#id_code", "aria-invalid"); v != "true" {
		t.Errorf("code field aria-invalid=%q", v)
	}
	// The typed code stays in the field, to be corrected.
	if v := b.value("code"); v != wrong {
		t.Errorf("after a wrong code the field holds %q, want %q", v, wrong)
	}
	audit(t, b)

	// Typed as a person would: lower case, no dash.
	b.fill("code", strings.ToLower(strings.ReplaceAll(code, "-", "")))
	b.submit()
	b.wantPath("/dashboard/?tab=me")
	b.see(en.T("flash.email_confirmed_logged_in"), en.T("dashboard.heading", "username", "cody"))
}

// A stale login (the clock moved past the reauthentication timeout): "Sign
// out all other sessions" asks for the password first, then does what was
// asked; the other browser is signed out.
func TestJourneySessionsReauthenticate(t *testing.T) {
	var skew atomic.Int64
	srv := gatehousetest.NewServer(t, func(c *gatehouse.Config) {
		c.Now = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	})
	srv.CreateUser(t, "uma", "uma@example.com", goodPassword)
	en := catalog(srv, "en")
	laptop, phone := newBrowser(t, srv), newBrowser(t, srv)
	laptop.login("uma", goodPassword)
	phone.login("uma", goodPassword)

	skew.Store(int64(account.ReauthenticationTimeout + time.Minute))
	laptop.visit("/accounts/sessions/")
	laptop.see(en.T("sessions.reauth_note"))
	laptop.clickButton(en.T("sessions.end_all"))
	laptop.wantPath("/accounts/reauthenticate/?next=%2Faccounts%2Fsessions%2F")
	laptop.see(en.T("flash.reauthenticate"), en.T("reauthenticate.heading"), en.T("reauthenticate.intro"))
	audit(t, laptop)

	// Nothing ended yet.
	phone.visit("/dashboard/")
	phone.wantPath("/dashboard/")

	laptop.fill("password", "not-my-password")
	laptop.submit()
	laptop.wantPath("/accounts/reauthenticate/")
	if got, want := laptop.fieldErrors("password"), en.T("error.password_incorrect"); !strings.Contains(got, want) {
		t.Errorf("password errors %q, want %q", got, want)
	}
	audit(t, laptop)
	phone.visit("/dashboard/")
	phone.wantPath("/dashboard/")

	laptop.fill("password", goodPassword)
	laptop.submit()
	laptop.wantPath("/accounts/sessions/")
	laptop.see(en.T("flash.sessions_ended"), en.T("sessions.current"))
	if txt := laptop.text(); strings.Contains(txt, en.T("sessions.end_all")) || strings.Contains(txt, en.T("sessions.reauth_note")) {
		t.Errorf("the other session is still listed, or the page still asks for a password:\n%s", txt)
	}
	if n := eval[int](laptop, `document.querySelectorAll(".gh-sessions__item").length`); n != 1 {
		t.Errorf("%d sessions listed, want 1", n)
	}

	phone.visit("/dashboard/")
	phone.wantPath(loginPath("/dashboard/"))
}
