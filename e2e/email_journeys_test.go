package e2e

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/gatehousetest"
	"github.com/gatehouse-auth/gatehouse/mail/mailtest"
	"github.com/gatehouse-auth/gatehouse/user"
)

// The journeys of issue #11: email addresses (and the ChangeEmail mode's
// typo), login by code, setting a first password and the signup options.
// Each reads its mail from mailpit and audits every page it reaches.

// emailRow is one address of the email page as a person sees it.
type emailRow struct {
	Email   string   `json:"email"`
	Badges  []string `json:"badges"`
	Buttons []string `json:"buttons"`
}

// emailRows lists the addresses of the email page, in order.
func emailRows(b *browser) []emailRow {
	b.t.Helper()
	return eval[[]emailRow](b, `[...document.querySelectorAll(".gh-emails__item")].map(li => ({
		email: li.querySelector(".gh-emails__address").textContent.trim(),
		badges: [...li.querySelectorAll(".gh-badge")].map(e => e.textContent.trim()),
		buttons: [...li.querySelectorAll("button")].map(e => e.textContent.trim()),
	}))`)
}

// emailRowOf returns the row of addr, failing the test when it is not listed.
func emailRowOf(b *browser, addr string) emailRow {
	b.t.Helper()
	rows := emailRows(b)
	for _, r := range rows {
		if r.Email == addr {
			return r
		}
	}
	b.t.Fatalf("%s: %s is not listed; the rows are %+v", b.path(), addr, rows)
	return emailRow{}
}

// clickRowButton presses the button labelled text in the row of addr.
func (b *browser) clickRowButton(addr, text string) {
	b.t.Helper()
	b.navigate("click "+text+" for "+addr, chromedp.Click(chromedp.JSPath(
		`[...document.querySelectorAll(".gh-emails__item")]
			.find(li => li.querySelector(".gh-emails__address").textContent.trim() === `+jsString(addr)+`)
			.querySelectorAll("button").values().find(e => e.textContent.trim() === `+jsString(text)+`)`)))
}

func has(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// submitWith clicks the submit button of the form that holds the field
// name (the email page has a form per row before the add form), and waits
// for the next page.
func (b *browser) submitWith(name string) {
	b.t.Helper()
	b.navigate("submit the form of "+name+" on "+b.path(), chromedp.Click(chromedp.JSPath(
		`document.getElementById("id_`+name+`").form.querySelector('[type="submit"]')`)))
}

// value is what the field holds now.
func (b *browser) value(name string) string {
	b.t.Helper()
	return eval[string](b, `(document.getElementById("id_`+name+`") || {value: ""}).value`)
}

// verifiedUser creates a user whose address is verified.
func verifiedUser(t *testing.T, srv *gatehousetest.Server, username, email string) *user.User {
	t.Helper()
	u := srv.CreateUser(t, username, email, goodPassword)
	if err := srv.DB.VerifyEmail(context.Background(), u.ID, email); err != nil {
		t.Fatalf("verify %s: %v", email, err)
	}
	return u
}

// Email addresses: "Account" in the header opens the email page; an address
// is added, confirmed from its mail, made primary, and the old one removed.
// Later, with the login gone stale, adding another asks for the password
// first and then goes through.
func TestJourneyEmailAddresses(t *testing.T) {
	var skew atomic.Int64
	sink := mailtest.Start(t)
	srv := gatehousetest.NewServer(t, gatehousetest.Mail(sink), func(c *gatehouse.Config) {
		c.Now = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	})
	verifiedUser(t, srv, "emma", "emma@example.com")
	verifiedUser(t, srv, "otto", "otto@example.com")
	en := catalog(srv, "en")
	b := newBrowser(t, srv)

	b.login("emma", goodPassword)
	b.wantPath("/dashboard/")
	b.clickLink(en.T("nav.account"))
	b.wantPath("/accounts/email/")
	b.wantOK()
	b.see(en.T("email.heading"), en.T("email.intro"), en.T("email.add"))
	// The header's entry and the account menu's both mark where we are.
	if n := eval[int](b, `document.querySelectorAll('a[aria-current="page"]').length`); n != 2 {
		t.Errorf("%d links marked as the current page, want 2 (header and account menu)", n)
	}
	if got := eval[string](b, `document.querySelector('.gh-account-nav a[aria-current="page"]').textContent.trim()`); got != en.T("account_nav.email") {
		t.Errorf("the account menu marks %q as current", got)
	}
	row := emailRowOf(b, "emma@example.com")
	if !has(row.Badges, en.T("email.primary")) || !has(row.Badges, en.T("email.verified")) || len(row.Buttons) != 0 {
		t.Errorf("the only address: %+v, want primary, verified, no buttons", row)
	}
	audit(t, b)

	// Her own address first: the error by the field, the typed value kept.
	b.fill("email", "Emma@example.com")
	b.submitWith("email")
	b.wantPath("/accounts/email/")
	if got, want := b.fieldErrors("email"), en.T("error.email_already_yours"); !strings.Contains(got, want) {
		t.Errorf("email errors %q, want %q", got, want)
	}
	if v := b.value("email"); v != "Emma@example.com" {
		t.Errorf("the email field holds %q after the error", v)
	}
	audit(t, b)

	const newAddr = "emma.new@example.com"
	b.fill("email", newAddr)
	b.submitWith("email")
	b.wantPath("/accounts/email/")
	b.see(en.T("flash.email_added"))
	row = emailRowOf(b, newAddr)
	if !has(row.Badges, en.T("email.unverified")) || has(row.Badges, en.T("email.primary")) {
		t.Errorf("the new address: %+v, want unverified, not primary", row)
	}
	// Unverified while a verified one exists: it cannot become primary.
	if has(row.Buttons, en.T("email.make_primary")) || !has(row.Buttons, en.T("email.resend")) || !has(row.Buttons, en.T("email.remove")) {
		t.Errorf("the new address's buttons: %q", row.Buttons)
	}
	audit(t, b)

	// Another account's address answers the same, row included; its
	// owner is told. Removing it answers like removing any.
	b.fill("email", "otto@example.com")
	b.submitWith("email")
	b.wantPath("/accounts/email/")
	b.see(en.T("flash.email_added"))
	if row := emailRowOf(b, "otto@example.com"); !has(row.Badges, en.T("email.unverified")) || !has(row.Buttons, en.T("email.remove")) {
		t.Errorf("a taken address's row: %+v, want it like a fresh one's", row)
	}
	waitMail(t, sink, 0, "otto@example.com", "email_taken")
	b.clickRowButton("otto@example.com", en.T("email.remove"))
	b.see(en.T("flash.email_removed"))
	if rows := emailRows(b); len(rows) != 2 {
		t.Errorf("after removing the taken address: %+v", rows)
	}

	m := waitMail(t, sink, 0, newAddr, "email_confirmation")
	b.open(mailLink(t, m, srv.URL, "/accounts/confirm-email/"))
	b.see(en.T("confirm_email_key.heading"), en.T("confirm_email_key.intro", "email", newAddr))
	b.submit()
	b.see(en.T("flash.email_confirmed"))

	b.clickLink(en.T("nav.account"))
	row = emailRowOf(b, newAddr)
	if !has(row.Badges, en.T("email.verified")) || !has(row.Buttons, en.T("email.make_primary")) {
		t.Errorf("the confirmed address: %+v, want verified and a Make primary button", row)
	}
	b.clickRowButton(newAddr, en.T("email.make_primary"))
	b.wantPath("/accounts/email/")
	b.see(en.T("flash.email_primary"))
	if rows := emailRows(b); len(rows) != 2 || rows[0].Email != newAddr || !has(rows[0].Badges, en.T("email.primary")) {
		t.Errorf("after making it primary: %+v", rows)
	}
	audit(t, b)

	b.clickRowButton("emma@example.com", en.T("email.remove"))
	b.wantPath("/accounts/email/")
	b.see(en.T("flash.email_removed"))
	if rows := emailRows(b); len(rows) != 1 || rows[0].Email != newAddr {
		t.Errorf("after removing the old address: %+v", rows)
	}
	// The new address logs in; the old one no longer does.
	b.visit("/accounts/logout/")
	b.submit()
	b.login(newAddr, goodPassword)
	b.wantPath("/dashboard/")
	b.visit("/accounts/logout/")
	b.submit()
	b.login("emma@example.com", goodPassword)
	b.see(en.T("error.invalid_credentials"))

	// A stale login: the change waits for the password, then goes through.
	b.login("emma", goodPassword)
	b.wantPath("/dashboard/")
	skew.Store(int64(account.ReauthenticationTimeout + time.Minute))
	const thirdAddr = "emma.work@example.com"
	b.clickLink(en.T("nav.account"))
	b.fill("email", thirdAddr)
	b.submitWith("email")
	b.wantPath("/accounts/reauthenticate/?next=%2Faccounts%2Femail%2F")
	b.see(en.T("flash.reauthenticate"), en.T("reauthenticate.heading"))
	if n := len(emailRows(b)); n != 0 {
		t.Errorf("the reauthentication page lists %d addresses", n)
	}
	audit(t, b)
	b.fill("password", goodPassword)
	b.submit()
	b.wantPath("/accounts/email/")
	b.see(en.T("flash.email_added"))
	emailRowOf(b, thirdAddr)
	waitMail(t, sink, 0, thirdAddr, "email_confirmation")
}

// ChangeEmail mode, the typo: the new address is mistyped; the old one's
// mail names it and links a cancel page, which works in any browser; the
// login address was never changed.
func TestJourneyChangeEmailTypo(t *testing.T) {
	sink := mailtest.Start(t)
	srv := gatehousetest.NewServer(t, gatehousetest.Mail(sink), func(c *gatehouse.Config) { c.Account.ChangeEmail = true })
	verifiedUser(t, srv, "cleo", "cleo@example.com")
	en := catalog(srv, "en")
	laptop := newBrowser(t, srv)

	laptop.login("cleo", goodPassword)
	laptop.clickLink(en.T("nav.account"))
	laptop.wantPath("/accounts/email/")
	laptop.see(en.T("email.intro_change"), en.T("email.change"))
	audit(t, laptop)

	const typo = "cleo@exmaple.com"
	laptop.fill("email", typo)
	laptop.submitWith("email")
	laptop.wantPath("/accounts/email/")
	laptop.see(en.T("flash.email_added"))
	// The new address is the pending change, which its row can cancel.
	if row := emailRowOf(laptop, typo); !has(row.Badges, en.T("email.pending")) || !has(row.Buttons, en.T("email.cancel_change")) {
		t.Errorf("the pending address: %+v, want %q and a %q button", row, en.T("email.pending"), en.T("email.cancel_change"))
	}
	if row := emailRowOf(laptop, "cleo@example.com"); !has(row.Badges, en.T("email.primary")) {
		t.Errorf("the current address: %+v, want still primary", row)
	}
	audit(t, laptop)

	m := waitMail(t, sink, 0, "cleo@example.com", "email_change_requested")
	if want := en.T("mail.email_change_requested.subject", "site", "Gatehouse"); m.Subject != want {
		t.Errorf("subject %q, want %q", m.Subject, want)
	}
	if !strings.Contains(m.Text, typo) {
		t.Errorf("the notice does not name the new address:\n%s", m.Text)
	}
	link := mailLink(t, m, srv.URL, "/accounts/email/cancel/")

	// On the phone, not signed in.
	phone := newBrowser(t, srv)
	phone.open(link)
	phone.wantOK()
	phone.see(en.T("email_cancel.heading"), en.T("email_cancel.intro", "email", typo))
	audit(t, phone)
	phone.submit()
	phone.wantPath("/accounts/login/")
	phone.see(en.T("flash.email_change_cancelled"))
	phone.login("cleo@example.com", goodPassword)
	phone.wantPath("/dashboard/")

	// The link is spent; the laptop's list is back to one address.
	phone.open(link)
	phone.see(en.T("confirm_email_key.invalid_heading"), en.T("email_cancel.invalid"))
	if strings.Contains(phone.text(), typo) {
		t.Error("a spent cancel link still names the address")
	}
	audit(t, phone)
	laptop.visit("/accounts/email/")
	if rows := emailRows(laptop); len(rows) != 1 || rows[0].Email != "cleo@example.com" {
		t.Errorf("after the cancel: %+v", rows)
	}
}

// Login by code: the login page's link, the address, a wrong code (kept in
// the field to correct), the mailed code, signed in where next said.
func TestJourneyLoginByCode(t *testing.T) {
	sink := mailtest.Start(t)
	srv := gatehousetest.NewServer(t, gatehousetest.Mail(sink), func(c *gatehouse.Config) { c.Account.LoginByCode = true })
	verifiedUser(t, srv, "kit", "kit@example.com")
	en := catalog(srv, "en")
	b := newBrowser(t, srv)

	b.visit("/dashboard/?tab=me")
	b.wantPath(loginPath("/dashboard/?tab=me"))
	b.clickLink(en.T("login.by_code"))
	// (html/template writes the escapes in lower case: the same URL.)
	if p := b.path(); !strings.EqualFold(p, "/accounts/login/code/?next=%2Fdashboard%2F%3Ftab%3Dme") {
		t.Errorf("at %s, want the code page with next", p)
	}
	b.wantOK()
	b.see(en.T("login_code.heading"), en.T("login_code.intro"))
	audit(t, b)

	b.fill("email", "kit@example.com")
	b.submitWith("email")
	b.wantPath("/accounts/login/code/confirm/?next=%2Fdashboard%2F%3Ftab%3Dme")
	b.see(en.T("login_code_confirm.heading"), en.T("login_code_confirm.intro", "email", "kit@example.com"))
	if b.attr("#id_code", "autocomplete") != "one-time-code" {
		t.Errorf("code field autocomplete=%q, want one-time-code", b.attr("#id_code", "autocomplete"))
	}
	audit(t, b)

	m := waitMail(t, sink, 0, "kit@example.com", "login_code")
	if want := en.T("mail.login_code.subject", "site", "Gatehouse"); m.Subject != want {
		t.Errorf("subject %q, want %q", m.Subject, want)
	}
	code := mailCode(t, m)
	wrong := code[:len(code)-1] + "B"
	if wrong == code {
		wrong = code[:len(code)-1] + "C"
	}
	b.fill("code", wrong)
	b.submit()
	b.wantPath("/accounts/login/code/confirm/")
	if got, want := b.fieldErrors("code"), en.T("error.code_incorrect"); !strings.Contains(got, want) {
		t.Errorf("code errors %q, want %q", got, want)
	}
	// The typed code stays, so a slip of one character is fixed in place.
	if v := b.value("code"); v != wrong {
		t.Errorf("after a wrong code the field holds %q, want %q", v, wrong)
	}
	audit(t, b)

	// Corrected in place: the last character.
	b.do("correct the code", chromedp.Focus(field("code")), chromedp.KeyEvent(kb.End), chromedp.KeyEvent(kb.Backspace),
		chromedp.SendKeys(field("code"), strings.ToLower(code[len(code)-1:])))
	b.submit()
	b.wantPath("/dashboard/?tab=me")
	b.wantOK()
	b.see(en.T("flash.logged_in"), en.T("dashboard.heading", "username", "kit"))

	// The code does not work twice.
	b.visit("/accounts/logout/")
	b.submit()
	b.visit("/accounts/login/code/confirm/")
	b.wantPath("/accounts/login/code/")
	b.see(en.T("flash.login_expired"))
}

// Password set: a user without a usable password signs in by code; the
// account menu's Password leads to the set page (the change page would ask
// for a password they do not have), and the password set there logs in.
func TestJourneyPasswordSet(t *testing.T) {
	sink := mailtest.Start(t)
	srv := gatehousetest.NewServer(t, gatehousetest.Mail(sink), func(c *gatehouse.Config) { c.Account.LoginByCode = true })
	u := verifiedUser(t, srv, "pat", "pat@example.com")
	if err := srv.DB.SetPassword(context.Background(), u.ID, "!"+strings.Repeat("x", 40)); err != nil {
		t.Fatal(err)
	}
	en := catalog(srv, "en")
	b := newBrowser(t, srv)

	b.visit("/accounts/login/")
	b.clickLink(en.T("login.by_code"))
	b.fill("email", "pat@example.com")
	b.submitWith("email")
	b.fill("code", mailCode(t, waitMail(t, sink, 0, "pat@example.com", "login_code")))
	b.submit()
	b.wantPath("/dashboard/")

	b.clickLink(en.T("nav.account"))
	b.wantPath("/accounts/email/")
	b.clickLink(en.T("account_nav.password"))
	b.wantPath("/accounts/password/set/")
	b.wantOK()
	b.see(en.T("password_set.heading"), en.T("password_set.intro"))
	if b.attr("#id_oldpassword", "name") != "" {
		t.Error("the set page asks for an old password")
	}
	if got := eval[string](b, `document.querySelector('.gh-account-nav a[aria-current="page"]').textContent.trim()`); got != en.T("account_nav.password") {
		t.Errorf("the account menu marks %q as current", got)
	}
	audit(t, b)
	// The change page's address leads here too.
	b.visit("/accounts/password/change/")
	b.wantPath("/accounts/password/set/")

	b.fill("password1", "pat")
	b.fill("password2", "tap")
	b.submit()
	b.wantPath("/accounts/password/set/")
	if b.fieldErrors("password1") == "" || b.fieldErrors("password2") == "" {
		t.Errorf("a short, mismatched pair: errors %q and %q", b.fieldErrors("password1"), b.fieldErrors("password2"))
	}
	if b.value("password1") != "" || b.value("password2") != "" {
		t.Error("a password field was re-filled")
	}
	audit(t, b)

	const pw = "a brand new passphrase"
	b.fill("password1", pw)
	b.fill("password2", pw)
	b.submit()
	b.wantPath("/dashboard/")
	b.see(en.T("flash.password_set"))
	// Now the menu's Password is the change page.
	b.clickLink(en.T("nav.account"))
	b.clickLink(en.T("account_nav.password"))
	b.wantPath("/accounts/password/change/")

	b.visit("/accounts/logout/")
	b.submit()
	b.login("pat", pw)
	b.wantPath("/dashboard/")
	b.see(en.T("flash.logged_in"))
}

// Signup with SIGNUP_FIELDS email-only and the address twice, and a
// honeypot: the hidden field is neither reached by Tab nor announced (axe
// audits the page, aria-hidden content included), a mismatched second
// address is caught, a person signs up; a bot that fills the honeypot is
// answered like a signup and gets nothing.
func TestJourneySignupEmailOnlyHoneypot(t *testing.T) {
	srv := gatehousetest.NewServer(t, func(c *gatehouse.Config) {
		c.Account.SignupFields = []string{"email*", "email2*", "password1*"}
		c.Account.SignupHoneypot = "phone_number"
	})
	en := catalog(srv, "en")
	b := newBrowser(t, srv)

	b.visit("/accounts/signup/")
	b.wantOK()
	for _, f := range []string{"username", "password2"} {
		if b.attr("#id_"+f, "name") != "" {
			t.Errorf("the email-only form has a %s field", f)
		}
	}
	for _, f := range []string{"email", "email2", "password1", "phone_number"} {
		if b.attr("#id_"+f, "name") != f {
			t.Errorf("the form has no %s field", f)
		}
	}
	audit(t, b)

	// Tab through the whole page: every stop but the honeypot.
	focusable := eval[[]string](b, `[...document.querySelectorAll("a[href], button, input, select, textarea")]
		.filter(e => e.type !== "hidden" && !e.hidden && !e.disabled && e.tabIndex >= 0)
		.map(`+focusDescribe+`)`)
	for _, f := range focusable {
		if strings.Contains(f, "phone_number") {
			t.Errorf("the honeypot is in the tab order: %s", f)
		}
	}
	for i := 0; i < len(focusable)+2; i++ {
		b.do("Tab", chromedp.KeyEvent(kb.Tab))
		if f := eval[string](b, focusDescribe+`(document.activeElement)`); strings.Contains(f, "phone_number") {
			t.Fatalf("Tab reached the honeypot (%s) after %d presses", f, i+1)
		}
	}
	// Out of sight and of the accessibility tree.
	if !eval[bool](b, `(e => { const r = e.getBoundingClientRect(); return r.right <= 0 || r.bottom <= 0 || r.width <= 1; })(document.getElementById("id_phone_number"))`) {
		t.Error("the honeypot is visible")
	}
	if b.attr(".gh-honeypot", "aria-hidden") != "true" {
		t.Error("the honeypot is not hidden from assistive technology")
	}

	b.fill("email", "zoe@example.com")
	b.fill("email2", "zoe@example.org")
	b.fill("password1", goodPassword)
	b.submit()
	b.wantPath("/accounts/signup/")
	if got, want := b.fieldErrors("email2"), en.T("error.email_mismatch"); !strings.Contains(got, want) {
		t.Errorf("email2 errors %q, want %q", got, want)
	}
	if b.value("email") != "zoe@example.com" {
		t.Errorf("the email field holds %q", b.value("email"))
	}
	audit(t, b)

	b.fill("email2", "zoe@example.com")
	b.fill("password1", goodPassword)
	b.submit()
	b.wantPath("/dashboard/")
	b.see(en.T("flash.signed_up"), "zoe@example.com")

	// A bot fills every field it finds.
	bot := newBrowser(t, srv)
	bot.visit("/accounts/signup/")
	eval[any](bot, `document.getElementById("id_phone_number").value = "555-0100"; null`)
	bot.fill("email", "bot@example.com")
	bot.fill("email2", "bot@example.com")
	bot.fill("password1", goodPassword)
	bot.submit()
	if _, err := srv.DB.UserByEmail(context.Background(), "bot@example.com"); !errors.Is(err, user.ErrNotFound) {
		t.Errorf("the bot got an account (err %v)", err)
	}
}

// Password reset by code, and the reauthentication code of a user without
// a password: a wrong code stays in the field, the right one goes on.
func TestJourneyCodesKeepTheTypedCode(t *testing.T) {
	var skew atomic.Int64
	sink := mailtest.Start(t)
	srv := gatehousetest.NewServer(t, gatehousetest.Mail(sink), func(c *gatehouse.Config) {
		c.Account.PasswordResetByCode = true
		c.Account.LoginByCode = true
		c.Now = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	})
	verifiedUser(t, srv, "rae", "rae@example.com")
	u := verifiedUser(t, srv, "pat", "pat@example.com")
	if err := srv.DB.SetPassword(context.Background(), u.ID, "!"+strings.Repeat("x", 40)); err != nil {
		t.Fatal(err)
	}
	en := catalog(srv, "en")
	b := newBrowser(t, srv)

	wrongFor := func(code string) string {
		if code == "BBBB-BBBB" {
			return "CCCC-CCCC"
		}
		return "BBBB-BBBB"
	}
	wrongKept := func(wantPath, wrong string) {
		t.Helper()
		b.fill("code", wrong)
		b.submit()
		b.wantPath(wantPath)
		if got, want := b.fieldErrors("code"), en.T("error.code_incorrect"); !strings.Contains(got, want) {
			t.Errorf("code errors %q, want %q", got, want)
		}
		if v := b.value("code"); v != wrong {
			t.Errorf("after a wrong code the field holds %q, want %q", v, wrong)
		}
		audit(t, b)
	}

	b.visit("/accounts/password/reset/")
	b.fill("email", "rae@example.com")
	b.submitWith("email")
	b.wantPath("/accounts/password/reset/confirm/")
	code := mailCode(t, waitMail(t, sink, 0, "rae@example.com", "password_reset_code"))
	wrongKept("/accounts/password/reset/confirm/", wrongFor(code))
	b.fill("code", code)
	b.submit()
	b.wantPath("/accounts/password/reset/complete/")
	b.see(en.T("password_reset_key.heading"))

	// pat has no password: a stale session's change asks for a mailed code.
	b.visit("/accounts/login/code/")
	b.fill("email", "pat@example.com")
	b.submitWith("email")
	b.fill("code", mailCode(t, waitMail(t, sink, 0, "pat@example.com", "login_code")))
	b.submit()
	b.wantPath("/dashboard/")
	skew.Store(int64(account.ReauthenticationTimeout + time.Minute))
	b.visit("/accounts/email/")
	b.fill("email", "pat.work@example.com")
	b.submitWith("email")
	b.wantPath("/accounts/reauthenticate/?next=%2Faccounts%2Femail%2F")
	b.see(en.T("reauthenticate.send_intro", "email", "pat@example.com"))
	b.submit()
	code = mailCode(t, waitMail(t, sink, 0, "pat@example.com", "reauthentication_code"))
	wrongKept("/accounts/reauthenticate/", wrongFor(code))
	b.fill("code", code)
	b.submit()
	b.wantPath("/accounts/email/")
	b.see(en.T("flash.email_added"))
	emailRowOf(b, "pat.work@example.com")
}
