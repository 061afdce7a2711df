package e2e

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/gatehousetest"
	"github.com/gatehouse-auth/gatehouse/mail/mailtest"
	"github.com/gatehouse-auth/gatehouse/mfa"
)

// The journeys of two-factor authentication: adding an authenticator app
// from the account menu and signing in with its code, with a recovery code
// (once), and trusting a browser so that its next login skips the code.

// totpClock is a server's clock that a test moves on: an authenticator
// code is taken once per 30-second step per user, so each code a journey
// types needs a step of its own.
type totpClock struct{ skew atomic.Int64 }

// now is the server's time: the real time plus the skew.
func (c *totpClock) now() time.Time { return time.Now().Add(time.Duration(c.skew.Load())) }

// option gives a server this clock.
func (c *totpClock) option() gatehousetest.Option {
	return func(cfg *gatehouse.Config) { cfg.Now = c.now }
}

// code moves the clock to a fresh 30-second step (and at least 10 s before
// its end, so the code still holds when the form arrives) and returns the
// code an authenticator app with secret shows then.
func (c *totpClock) code(t testing.TB, secret string) string {
	t.Helper()
	c.skew.Add(int64(30 * time.Second))
	if into := c.now().Sub(c.now().Truncate(30 * time.Second)); into > 20*time.Second {
		c.skew.Add(int64(30*time.Second - into + time.Second))
	}
	code, err := mfa.TOTP{}.Code(secret, c.now())
	if err != nil {
		t.Fatalf("totp code: %v", err)
	}
	return code
}

// mfaSecret is the key the activation page shows for apps that cannot
// scan, without its spaces.
func (b *browser) mfaSecret() string {
	b.t.Helper()
	s := eval[string](b, `(document.getElementById("mfa-secret") || {textContent: ""}).textContent`)
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	if len(s) < 16 {
		b.t.Fatalf("%s: no key for the authenticator app (%q)", b.path(), s)
	}
	return s
}

// recoveryCodes are the codes the recovery-codes page shows.
func (b *browser) recoveryCodes() []string {
	b.t.Helper()
	return eval[[]string](b, `[...document.querySelectorAll(".gh-codes li code")].map(e => e.textContent.trim())`)
}

// enrolTOTP adds an authenticator app for the signed-in user of the
// browser (in any language) and returns its key and the recovery
// codes shown.
func enrolTOTP(b *browser, clock *totpClock) (string, []string) {
	b.t.Helper()
	b.visit("/accounts/2fa/totp/activate/")
	reauthenticateIfAsked(b)
	b.wantPath("/accounts/2fa/totp/activate/")
	secret := b.mfaSecret()
	b.fill("code", clock.code(b.t, secret))
	b.submit()
	codes := b.recoveryCodes()
	if len(codes) != 10 {
		b.t.Fatalf("%s: %d recovery codes after activation, want 10:\n%s", b.path(), len(codes), b.text())
	}
	return secret, codes
}

// trustCookie is the browser's trust cookie of its server ("" when
// unset); it is sent under /accounts/ only.
func (b *browser) trustCookie() string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	cookies, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) ([]*network.Cookie, error) {
		r, err := cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{URLs: []string{b.srv.URL + "/accounts/login/"}})
		return r.Cookies, err
	})
	if err != nil {
		b.t.Fatalf("cookies: %v", err)
	}
	for _, c := range cookies {
		if c.Name == mfa.TrustCookieName {
			return c.Value
		}
	}
	return ""
}

// reauthenticateIfAsked answers the password's reauthentication page,
// when the browser is on it, with goodPassword (it then goes on to where
// it was going).
func reauthenticateIfAsked(b *browser) {
	b.t.Helper()
	if strings.HasPrefix(b.path(), "/accounts/reauthenticate/") {
		b.fill("password", goodPassword)
		b.submit()
	}
}

// mfaServer is a server on clock, with mail to sink, and options.
func mfaServer(t *testing.T, sink *mailtest.Sink, clock *totpClock, opts ...gatehousetest.Option) *gatehousetest.Server {
	t.Helper()
	return gatehousetest.NewServer(t, append([]gatehousetest.Option{gatehousetest.Mail(sink), clock.option()}, opts...)...)
}

// TestJourneyMFAEnrolAndLogin: a user opens "Two-factor authentication" in
// the account menu, adds an authenticator app (the key read off the page,
// the code computed as the app would), is shown ten recovery codes and
// mailed about it; her next login asks for a code after the password, and
// the app's code signs her in. Every page is audited.
func TestJourneyMFAEnrolAndLogin(t *testing.T) {
	var clock totpClock
	sink := mailtest.Start(t)
	srv := mfaServer(t, sink, &clock)
	verifiedUser(t, srv, "nina", "nina@example.com")
	en := catalog(srv, "en")
	b := newBrowser(t, srv)

	b.login("nina", goodPassword)
	b.wantPath("/dashboard/")
	b.clickLink(en.T("nav.account"))
	b.clickLink(en.T("account_nav.mfa"))
	b.wantPath("/accounts/2fa/")
	b.wantOK()
	b.see(en.T("mfa_index.heading"), en.T("mfa_index.totp_off"), en.T("mfa_index.off"))
	if got := eval[string](b, `document.querySelector('.gh-account-nav a[aria-current="page"]').textContent.trim()`); got != en.T("account_nav.mfa") {
		t.Errorf("the account menu marks %q as current", got)
	}
	audit(t, b)

	b.clickLink(en.T("mfa_index.activate"))
	b.wantPath("/accounts/2fa/totp/activate/")
	b.see(en.T("mfa_activate.step_scan"), en.T("mfa_activate.secret_label"), en.T("mfa_activate.step_code"))
	if w := eval[float64](b, `document.querySelector(".gh-qr__image").naturalWidth`); w == 0 {
		t.Error("the QR code did not load")
	}
	audit(t, b)
	secret := b.mfaSecret()

	// A wrong code first: an error by the field, nothing turned on.
	b.fill("code", "000000")
	b.submit()
	b.wantPath("/accounts/2fa/totp/activate/")
	if b.fieldErrors("code") == "" {
		t.Errorf("a wrong confirming code shows no error by the field:\n%s", b.text())
	}
	if got := b.mfaSecret(); got != secret {
		t.Errorf("after a wrong code the key changed from %s to %s", secret, got)
	}
	audit(t, b)

	b.fill("code", clock.code(t, secret))
	b.submit()
	b.see(en.T("mfa_recovery.heading"), en.T("mfa_recovery.activated"), en.T("mfa_recovery.shown_once"))
	codes := b.recoveryCodes()
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes, want 10: %q", len(codes), codes)
	}
	for _, c := range codes {
		if len(c) != 8 || strings.Trim(c, "0123456789") != "" {
			t.Errorf("recovery code %q is not 8 digits", c)
		}
	}
	// Print is a script's button: shown, as scripts run here.
	if eval[bool](b, `document.querySelector("[data-gh-print]").hidden`) {
		t.Error("the Print button stays hidden")
	}
	audit(t, b)
	waitMail(t, sink, 0, "nina@example.com", string(account.NoticeTOTPActivated))

	b.clickLink(en.T("mfa_recovery.done"))
	b.wantPath("/accounts/2fa/")
	b.see(en.T("mfa_index.on"), en.T("mfa_index.totp_on"))
	audit(t, b)

	// Signing in again: the password, then the code.
	signOut(b)
	b.login("nina", goodPassword)
	b.wantPath("/accounts/2fa/authenticate/")
	b.see(en.T("mfa_authenticate.intro"), en.T("mfa_authenticate.recovery_hint"))
	if ac := b.attr("#id_code", "autocomplete"); ac != "one-time-code" {
		t.Errorf("the code field's autocomplete is %q", ac)
	}
	audit(t, b)
	b.visit("/dashboard/")
	if strings.HasPrefix(b.path(), "/dashboard/") {
		t.Fatal("the password alone reached the dashboard")
	}
	b.visit("/accounts/2fa/authenticate/")
	b.fill("code", clock.code(t, secret))
	b.submit()
	b.wantPath("/dashboard/")
	if got := eval[string](b, `(document.querySelector(".gh-nav__username") || {textContent: ""}).textContent`); got != "nina" {
		t.Errorf("signed in as %q", got)
	}
}

// TestJourneyMFARecoveryCode: with the phone lost, a recovery code signs
// the user in once (a mail counts the codes left); the same code the next
// time is refused by the field and signs nobody in, and another one works.
func TestJourneyMFARecoveryCode(t *testing.T) {
	var clock totpClock
	sink := mailtest.Start(t)
	srv := mfaServer(t, sink, &clock)
	verifiedUser(t, srv, "rita", "rita@example.com")
	en := catalog(srv, "en")
	b := newBrowser(t, srv)
	b.login("rita", goodPassword)
	_, codes := enrolTOTP(b, &clock)
	signOut(b)

	b.login("rita", goodPassword)
	b.wantPath("/accounts/2fa/authenticate/")
	skip := len(sink.Messages(t))
	b.fill("code", codes[2])
	b.submit()
	b.wantPath("/dashboard/")
	if m := waitMail(t, sink, skip, "rita@example.com", string(account.NoticeRecoveryCodeUsed)); !strings.Contains(m.Text, "9") {
		t.Errorf("the recovery-code mail does not count the 9 left:\n%s", m.Text)
	}
	b.visit("/accounts/2fa/")
	b.see(en.N("mfa_index.recovery_left", 9, "total", 10))
	signOut(b)

	// The same code again: refused.
	b.login("rita", goodPassword)
	b.wantPath("/accounts/2fa/authenticate/")
	b.fill("code", codes[2])
	b.submit()
	b.wantPath("/accounts/2fa/authenticate/")
	if b.fieldErrors("code") == "" {
		t.Errorf("a spent recovery code shows no error by the field:\n%s", b.text())
	}
	if v := b.attr("#id_code", "aria-invalid"); v != "true" {
		t.Errorf("the code field after a spent code: aria-invalid=%q", v)
	}
	audit(t, b)
	b.visit("/dashboard/")
	if strings.HasPrefix(b.path(), "/dashboard/") {
		t.Fatal("a spent recovery code signed in")
	}
	// Another code of the set still works.
	b.visit("/accounts/2fa/authenticate/")
	b.fill("code", codes[5])
	b.submit()
	b.wantPath("/dashboard/")
}

// TestJourneyMFATrustBrowser: with trust on, the page after the code
// offers to trust the browser; trusted, the next login in the same
// browser goes straight from the password to the dashboard, while another
// browser is still asked for the code.
func TestJourneyMFATrustBrowser(t *testing.T) {
	var clock totpClock
	sink := mailtest.Start(t)
	srv := mfaServer(t, sink, &clock, func(c *gatehouse.Config) { c.MFA.TrustEnabled = true })
	verifiedUser(t, srv, "tess", "tess@example.com")
	en := catalog(srv, "en")
	b := newBrowser(t, srv)
	b.login("tess", goodPassword)
	secret, _ := enrolTOTP(b, &clock)
	signOut(b)

	b.login("tess", goodPassword)
	b.wantPath("/accounts/2fa/authenticate/")
	b.fill("code", clock.code(t, secret))
	b.submit()
	b.wantPath("/accounts/2fa/trust/")
	b.see(en.T("mfa_trust.heading"), en.T("mfa_trust.note"))
	audit(t, b)
	if b.trustCookie() != "" {
		t.Fatal("trusted before being asked")
	}
	b.clickButton(en.T("mfa_trust.yes"))
	b.wantPath("/dashboard/")
	if b.trustCookie() == "" {
		t.Fatal("trusting set no cookie")
	}
	signOut(b)

	b.login("tess", goodPassword)
	b.wantPath("/dashboard/")

	other := newBrowser(t, srv)
	other.login("tess", goodPassword)
	other.wantPath("/accounts/2fa/authenticate/")
	// Not now: no trust, and the next login asks again.
	other.fill("code", clock.code(t, secret))
	other.submit()
	other.wantPath("/accounts/2fa/trust/")
	other.clickButton(en.T("mfa_trust.no"))
	other.wantPath("/dashboard/")
	if other.trustCookie() != "" {
		t.Error("Not now set a trust cookie")
	}
	signOut(other)
	other.login("tess", goodPassword)
	other.wantPath("/accounts/2fa/authenticate/")
}
