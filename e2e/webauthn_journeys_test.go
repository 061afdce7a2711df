package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/gatehousetest"
	"github.com/gatehouse-auth/gatehouse/mail/mailtest"
	"github.com/gatehouse-auth/gatehouse/mfa"
)

// The journeys of security keys and passkeys (WebAuthn), answered by
// Chromium's virtual authenticator (the DevTools WebAuthn domain): a key
// as the second factor (added, used at login, renamed, removed behind a
// reauthentication by the key), a passkey that signs in on its own, and a
// signup with a passkey and no password.
//
// WebAuthn's relying party is a host name, never an IP address, so these
// servers' site URL is http://localhost:PORT (a secure context in
// Chromium) and the browser goes to localhost, not 127.0.0.1 — which also
// keeps their cookies apart from the other servers'.

// onLocalhost is the gatehousetest option that names the server
// localhost; withLocalhost points the returned server's URL there too.
func onLocalhost(c *gatehouse.Config) {
	c.SiteURL = strings.Replace(c.SiteURL, "://127.0.0.1:", "://localhost:", 1)
}

func withLocalhost(srv *gatehousetest.Server) *gatehousetest.Server {
	srv.URL = strings.Replace(srv.URL, "://127.0.0.1:", "://localhost:", 1)
	return srv
}

// webauthnTypes are the factors of a server with security keys.
func webauthnTypes(c *gatehouse.Config) {
	c.MFA.SupportedTypes = []string{mfa.TypeTOTP, mfa.TypeRecoveryCodes, mfa.TypeWebAuthn}
}

// webauthnServer is a server with security keys at localhost, on clock,
// with mail to sink, and options.
func webauthnServer(t *testing.T, sink *mailtest.Sink, clock *totpClock, opts ...gatehousetest.Option) *gatehousetest.Server {
	t.Helper()
	return withLocalhost(mfaServer(t, sink, clock, append([]gatehousetest.Option{onLocalhost, webauthnTypes}, opts...)...))
}

// virtualAuthenticator gives the browser's tab a virtual CTAP2
// authenticator that is present and verifies its user at once: a USB
// security key, or (platform) the device's own, which keeps passkeys.
func (b *browser) virtualAuthenticator(platform bool) webauthn.AuthenticatorID {
	b.t.Helper()
	var id webauthn.AuthenticatorID
	transport := webauthn.AuthenticatorTransportUsb
	if platform {
		transport = webauthn.AuthenticatorTransportInternal
	}
	b.do("virtual authenticator", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, webauthn.Enable, webauthn.EnableParams{}); err != nil {
			return err
		}
		r, err := cdp.Call(ctx, tg, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{
			Options: &webauthn.VirtualAuthenticatorOptions{
				Protocol:                    webauthn.AuthenticatorProtocolCtap2,
				Ctap2version:                webauthn.Ctap2versionCtap21,
				Transport:                   transport,
				HasResidentKey:              true,
				HasUserVerification:         true,
				IsUserVerified:              true,
				AutomaticPresenceSimulation: true,
			},
		})
		id = r.AuthenticatorID
		return err
	}))
	return id
}

// removeAuthenticator takes a virtual authenticator (and its
// credentials) away from the browser's tab, as a key pulled out.
func (b *browser) removeAuthenticator(id webauthn.AuthenticatorID) {
	b.t.Helper()
	b.do("remove virtual authenticator", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, webauthn.RemoveVirtualAuthenticator, webauthn.RemoveVirtualAuthenticatorParams{AuthenticatorID: id})
		return err
	}))
}

// noPasskeyAutofill makes the browser's pages see no conditional
// mediation (as a browser without passkeys in its autofill): the virtual
// authenticator answers a conditional request at once, as if the user
// picked the passkey from the login field's autofill as soon as the page
// loaded, so a test of the login page's button (or of the password) turns
// it off first.
func (b *browser) noPasskeyAutofill() {
	b.t.Helper()
	b.do("no passkey autofill", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `if (window.PublicKeyCredential) { PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false); }`})
		return err
	}))
}

// openUntil loads a path of the server and waits until the browser is at
// want, where the page itself went on its own (a passkey from the
// autofill signs in without a click).
func (b *browser) openUntil(path, want string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.Navigate, page.NavigateParams{URL: b.srv.URL + path})
		return err
	})); err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
	var at string
	for {
		// A page that navigates meanwhile fails an evaluation: try again.
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === "complete" ? location.pathname : ""`))
		if err == nil {
			at = v
			if at == want {
				break
			}
		}
		select {
		case <-ctx.Done():
			b.t.Fatalf("open %s: the browser stayed at %q, want it to go on to %s", path, at, want)
		case <-time.After(50 * time.Millisecond):
		}
	}
	b.status = 0
	b.checkPage("open " + path)
}

// webauthnButton is the button of the page's WebAuthn form (the form
// marked data-gh-webauthn; form picks one by its attribute's value).
func webauthnButton(kind string) string {
	return `form[data-gh-webauthn="` + kind + `"] [data-gh-webauthn-start]`
}

// ceremony presses the page's WebAuthn button (of the form of kind
// "create", "get" or "passkey"), as a user does: the script asks the
// browser, the virtual authenticator answers, the script posts the answer;
// it waits for the page that follows.
func (b *browser) ceremony(kind string) {
	b.t.Helper()
	sel := webauthnButton(kind)
	if eval[bool](b, `(e => !e || e.hidden || e.getBoundingClientRect().width === 0)(document.querySelector(`+jsString(sel)+`))`) {
		b.t.Fatalf("%s: the WebAuthn button (%s) is missing or hidden:\n%s", b.path(), kind, b.text())
	}
	from := b.path()
	b.navigate("WebAuthn on "+from, chromedp.Click(chromedp.CSS(sel)))
	if b.webauthnFailed() {
		b.t.Fatalf("%s: the browser's ceremony failed:\n%s", b.path(), b.text())
	}
}

// webauthnFailed reports whether the page shows its WebAuthn error ("The
// browser did not finish").
func (b *browser) webauthnFailed() bool {
	b.t.Helper()
	return eval[bool](b, `[...document.querySelectorAll("[data-gh-webauthn-error]")].some(e => e.checkVisibility())`)
}

// wantNoWebAuthnError fails the test when a page the user has not acted
// on yet shows the WebAuthn error.
func (b *browser) wantNoWebAuthnError() {
	b.t.Helper()
	if b.webauthnFailed() {
		b.t.Errorf("%s: the WebAuthn error shows before anything failed:\n%s", b.path(), b.text())
	}
}

// waitFor waits until the JavaScript predicate holds on the page.
func (b *browser) waitFor(predicate string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](predicate)); err != nil {
		b.t.Fatalf("%s: wait for %s: %v", b.path(), predicate, err)
	}
}

// username is the signed-in user the header names ("" for none).
func (b *browser) username() string {
	b.t.Helper()
	return eval[string](b, `(document.querySelector(".gh-nav__username") || {textContent: ""}).textContent`)
}

// before is the part of a message before its {placeholder}.
func before(msg string) string {
	i := strings.IndexByte(msg, '{')
	if i < 0 {
		return msg
	}
	return msg[:i]
}

// TestJourneyWebAuthnSecurityKey: a signed-in user opens Two-factor
// authentication → Security keys → Add a security key, names it, and the
// browser's ceremony adds it: recovery codes are shown and a mail tells
// her. Her next login asks for the key after the password, which answers;
// the keys page shows when it was last used; she renames it, and removes
// it — her login gone stale, the removal asks her to confirm it's her,
// which the key does — and a mail tells her.
func TestJourneyWebAuthnSecurityKey(t *testing.T) {
	var clock totpClock
	sink := mailtest.Start(t)
	srv := webauthnServer(t, sink, &clock)
	verifiedUser(t, srv, "kira", "kira@example.com")
	en := catalog(srv, "en")
	b := newBrowser(t, srv)
	b.virtualAuthenticator(false)

	b.login("kira", goodPassword)
	b.wantPath("/dashboard/")
	b.clickLink(en.T("nav.account"))
	b.clickLink(en.T("account_nav.mfa"))
	b.wantPath("/accounts/2fa/")
	b.see(en.T("webauthn.heading"), en.T("webauthn.index_off"))
	b.clickLink(en.T("webauthn.add_key"))
	b.wantPath("/accounts/2fa/webauthn/")
	b.see(en.T("webauthn.none"))
	audit(t, b)
	b.clickLink(en.T("webauthn.add_key"))
	b.wantPath("/accounts/2fa/webauthn/add/")
	b.see(en.T("webauthn.add_key_intro"))
	if eval[bool](b, `document.querySelector("[data-gh-webauthn-unsupported]").checkVisibility()`) {
		t.Error("a browser with WebAuthn is told it has none")
	}
	b.wantNoWebAuthnError()
	audit(t, b)

	// No name: the browser's own check stops it before the ceremony.
	b.do("press Continue without a name", chromedp.Click(chromedp.CSS(webauthnButton("create"))))
	if got := b.path(); got != "/accounts/2fa/webauthn/add/" {
		t.Fatalf("a nameless key went on to %s", got)
	}
	skip := len(sink.Messages(t))
	b.fill("name", "YubiKey 5C")
	b.ceremony("create")
	b.see(en.T("mfa_recovery.heading"), en.T("mfa_recovery.shown_once"))
	if codes := b.recoveryCodes(); len(codes) != 10 {
		t.Fatalf("%s: %d recovery codes after the first key, want 10:\n%s", b.path(), len(codes), b.text())
	}
	audit(t, b)
	if m := waitMail(t, sink, skip, "kira@example.com", string(account.NoticeWebAuthnAdded)); !strings.Contains(m.Text, "YubiKey 5C") {
		t.Errorf("the key-added mail does not name the key:\n%s", m.Text)
	}
	b.clickLink(en.T("mfa_recovery.done"))
	b.wantPath("/accounts/2fa/")
	b.see(en.T("webauthn.index_on"), en.N("webauthn.count", 1))

	// Signing in again: the password, then the key.
	signOut(b)
	b.login("kira", goodPassword)
	b.wantPath("/accounts/2fa/authenticate/")
	b.see(en.T("webauthn.stage_intro"), en.T("webauthn.use_key"))
	b.wantNoWebAuthnError()
	audit(t, b)
	b.ceremony("get")
	b.wantPath("/dashboard/")
	if got := b.username(); got != "kira" {
		t.Fatalf("the key signed in %q", got)
	}

	// The list: the key, added and last used.
	b.visit("/accounts/2fa/webauthn/")
	b.see("YubiKey 5C", before(en.T("mfa_index.added")), before(en.T("mfa_index.last_used")))
	audit(t, b)

	// Rename it.
	b.clickLink(en.T("webauthn.rename"))
	if !strings.HasSuffix(b.path(), "/edit/") {
		t.Fatalf("Rename opened %s", b.path())
	}
	if got := b.value("name"); got != "YubiKey 5C" {
		t.Errorf("the rename form holds %q", got)
	}
	audit(t, b)
	b.visit("/accounts/2fa/webauthn/")
	b.clickLink(en.T("webauthn.rename"))
	b.fill("name", "Blue key")
	b.submit()
	b.wantPath("/accounts/2fa/webauthn/")
	b.see(en.T("flash.webauthn_renamed"), "Blue key")

	// Remove it, the login gone stale: confirm it's you, with the key.
	clock.skew.Add(int64(account.ReauthenticationTimeout + time.Minute))
	b.clickLink(en.T("webauthn.remove"))
	if !strings.HasSuffix(b.path(), "/remove/") {
		t.Fatalf("Remove opened %s", b.path())
	}
	b.see(en.T("webauthn.remove_question", "name", "Blue key"))
	audit(t, b)
	skip = len(sink.Messages(t))
	b.submit()
	if !strings.HasPrefix(b.path(), "/accounts/reauthenticate/") {
		t.Fatalf("a stale removal went to %s, not the reauthentication", b.path())
	}
	b.clickLink(en.T("reauthenticate.webauthn_instead"))
	if !strings.HasPrefix(b.path(), "/accounts/2fa/webauthn/reauthenticate/") {
		t.Fatalf("the key's reauthentication link opened %s", b.path())
	}
	b.see(en.T("webauthn.reauth_intro"))
	b.wantNoWebAuthnError()
	audit(t, b)
	b.ceremony("get")
	b.wantPath("/accounts/2fa/webauthn/")
	b.see(en.T("flash.webauthn_removed"), en.T("webauthn.none"))
	if m := waitMail(t, sink, skip, "kira@example.com", string(account.NoticeWebAuthnRemoved)); !strings.Contains(m.Text, "Blue key") {
		t.Errorf("the key-removed mail does not name the key:\n%s", m.Text)
	}
	b.visit("/accounts/2fa/")
	b.see(en.T("webauthn.index_off"), en.T("mfa_index.off"))
}

// TestJourneyPasskeyLogin: with passkey login on, a user adds a passkey
// (the device's authenticator, with user verification) from the keys
// page; signed out, the login page's "Sign in with a passkey" signs her
// in with neither password nor code.
func TestJourneyPasskeyLogin(t *testing.T) {
	var clock totpClock
	sink := mailtest.Start(t)
	srv := webauthnServer(t, sink, &clock, func(c *gatehouse.Config) { c.MFA.WebAuthn.PasskeyLogin = true })
	verifiedUser(t, srv, "pavel", "pavel@example.com")
	en := catalog(srv, "en")
	b := newBrowser(t, srv)
	b.virtualAuthenticator(true)

	b.login("pavel", goodPassword)
	b.wantPath("/dashboard/")
	b.visit("/accounts/2fa/webauthn/")
	b.clickLink(en.T("webauthn.add_passkey"))
	b.wantPath("/accounts/2fa/webauthn/add/?passkey=1")
	b.see(en.T("webauthn.add_passkey_intro"))
	if got := eval[string](b, `document.title`); !strings.HasPrefix(got, en.T("webauthn.add_passkey")) {
		t.Errorf("the passkey page's title is %q", got)
	}
	audit(t, b)
	b.fill("name", "Laptop")
	b.ceremony("create")
	if codes := b.recoveryCodes(); len(codes) != 10 {
		t.Fatalf("%s: %d recovery codes after the passkey, want 10:\n%s", b.path(), len(codes), b.text())
	}
	b.visit("/accounts/2fa/webauthn/")
	b.see("Laptop", en.T("webauthn.passkey"))
	signOut(b)

	// Where the browser offers passkeys in the login field's autofill,
	// choosing it signs in (the virtual authenticator chooses at once).
	b.openUntil("/accounts/login/", "/dashboard/")
	if got := b.username(); got != "pavel" {
		t.Fatalf("the passkey from the autofill signed in %q", got)
	}
	signOut(b)

	// Elsewhere the button does.
	b.noPasskeyAutofill()
	b.visit("/accounts/login/")
	if ac := b.attr("#id_login", "autocomplete"); ac != "username webauthn" {
		t.Errorf("the login field's autocomplete is %q, want passkeys in its autofill", ac)
	}
	b.see(en.T("webauthn.login_button"))
	b.wantNoWebAuthnError()
	audit(t, b)
	b.ceremony("passkey")
	b.wantPath("/dashboard/")
	if got := b.username(); got != "pavel" {
		t.Fatalf("the passkey signed in %q", got)
	}
}

// TestJourneyPasskeySignup: with passkey signup on (and mandatory
// verification by code), the signup page links "Sign up with a passkey":
// a username and an address, the mailed code, then the passkey page (the
// device's authenticator), ten recovery codes, and Continue signs the new
// user in — who has no usable password.
func TestJourneyPasskeySignup(t *testing.T) {
	var clock totpClock
	sink := mailtest.Start(t)
	srv := webauthnServer(t, sink, &clock, mandatoryVerification(true), func(c *gatehouse.Config) {
		c.MFA.WebAuthn.PasskeyLogin = true
		c.MFA.WebAuthn.PasskeySignup = true
	})
	en := catalog(srv, "en")
	b := newBrowser(t, srv)
	b.virtualAuthenticator(true)

	b.visit("/accounts/signup/")
	b.clickLink(en.T("webauthn.signup_link"))
	b.wantPath("/accounts/signup/passkey/")
	b.see(en.T("webauthn.signup_lead"))
	audit(t, b)
	skip := len(sink.Messages(t))
	b.fill("username", "nadia")
	b.fill("email", "nadia@example.com")
	b.submit()
	b.wantPath("/accounts/confirm-email/")
	b.fill("code", mailCode(t, waitMail(t, sink, skip, "nadia@example.com", "email_confirmation_code")))
	b.submit()
	b.wantPath("/accounts/2fa/webauthn/add/")
	b.see(en.T("webauthn.add_passkey"), en.T("webauthn.signup_intro"))
	b.wantNoWebAuthnError()
	audit(t, b)
	b.fill("name", "Phone")
	b.ceremony("create")
	if codes := b.recoveryCodes(); len(codes) != 10 {
		t.Fatalf("%s: %d recovery codes after the signup's passkey, want 10:\n%s", b.path(), len(codes), b.text())
	}
	audit(t, b)
	b.clickButton(en.T("mfa_recovery.continue"))
	b.wantPath("/dashboard/")
	if got := b.username(); got != "nadia" {
		t.Fatalf("the passkey signup signed in %q", got)
	}
	u, err := srv.DB.UserByUsername(context.Background(), "nadia")
	if err != nil {
		t.Fatal(err)
	}
	if u.HasUsablePassword() {
		t.Error("the passkey signup made a usable password")
	}
	waitMail(t, sink, skip, "nadia@example.com", string(account.NoticeWebAuthnAdded))

	// And the passkey signs in.
	signOut(b)
	b.noPasskeyAutofill()
	b.visit("/accounts/login/")
	b.ceremony("passkey")
	b.wantPath("/dashboard/")
	if got := b.username(); got != "nadia" {
		t.Fatalf("the passkey signed in %q", got)
	}
}

// The page tour's server of security keys and passkeys (tourSite.webauthn):
// at localhost, with passkey login and passkey signup (so mandatory
// verification by code). Each browser of the tour signs in as a user of
// its own language (kate, katya), whose keys its own virtual
// authenticators make: a security key and a passkey.

// webauthnTourServer starts the tour's server of keys and passkeys.
func webauthnTourServer(t *testing.T, sink *mailtest.Sink) *gatehousetest.Server {
	t.Helper()
	return withLocalhost(gatehousetest.NewServer(t, gatehousetest.Mail(sink), onLocalhost, webauthnTypes,
		mandatoryVerification(true), func(c *gatehouse.Config) {
			c.MFA.WebAuthn.PasskeyLogin = true
			c.MFA.WebAuthn.PasskeySignup = true
		}))
}

// tourKeys is what the tour keeps of a browser on the keys server.
type tourKeys struct {
	user  string // the user of its language
	added bool   // her keys are added
}

// onWebAuthn points the browser at the keys server in the language of the
// page it shows; the first time it also gives the browser an authenticator
// and turns the login field's passkey autofill off (the virtual
// authenticator would answer it at once, signing in before a test can type
// a password or press the button; the page looks the same).
func (s *tourSite) onWebAuthn(b *browser) *tourKeys {
	b.t.Helper()
	lang := b.lang()
	b.on(s.webauthn)
	if k := s.keys[b]; k != nil {
		return k
	}
	b.noPasskeyAutofill()
	name := map[string]string{"en": "kate", "ru": "katya"}[lang]
	if name == "" {
		name = "kate-" + lang
	}
	u := s.webauthn.CreateUser(b.t, name, name+"@example.com", goodPassword)
	if err := s.webauthn.DB.VerifyEmail(context.Background(), u.ID, u.Email); err != nil {
		b.t.Fatalf("verify %s: %v", u.Email, err)
	}
	k := &tourKeys{user: name}
	if s.keys == nil {
		s.keys = map[*browser]*tourKeys{}
	}
	s.keys[b] = k
	b.visit("/")
	if b.lang() != lang {
		b.setLanguage(lang)
	}
	return k
}

// signInKeys makes sure the browser is signed in on the keys server as the
// user of its language, with her keys: the first call adds them (a
// security key, "YubiKey 5C", then a passkey, "MacBook", made by the
// device's authenticator once the key is pulled out: one authenticator
// holds one credential per account); later logins are the password and
// the passkey as the second factor.
func signInKeys(b *browser, s *tourSite) {
	b.t.Helper()
	k := s.onWebAuthn(b)
	if !k.added {
		signIn(b, k.user)
		key := b.virtualAuthenticator(false)
		b.visit("/accounts/2fa/webauthn/add/")
		reauthenticateIfAsked(b)
		b.fill("name", "YubiKey 5C")
		b.ceremony("create")
		if len(b.recoveryCodes()) != 10 {
			b.t.Fatalf("%s: no recovery codes after the first key", b.path())
		}
		b.removeAuthenticator(key)
		b.virtualAuthenticator(true)
		b.visit("/accounts/2fa/webauthn/add/?passkey=1")
		reauthenticateIfAsked(b)
		b.fill("name", "MacBook")
		b.ceremony("create")
		b.wantPath("/accounts/2fa/webauthn/")
		k.added = true
		// Then a login with a key, so that the list shows a last use.
		signOut(b)
	}
	b.visit("/dashboard/")
	if strings.HasPrefix(b.path(), "/dashboard/") && b.username() == k.user {
		return
	}
	s.passwordOfKeyUser(b)
	b.ceremony("get")
	if !strings.HasPrefix(b.path(), "/dashboard/") {
		b.t.Fatalf("login with a key as %s landed on %s", k.user, b.path())
	}
}

// passwordOfKeyUser signs out of the keys server and logs in with the
// password as the user with keys (added first when she has none yet):
// the browser is on the page that asks for a key.
func (s *tourSite) passwordOfKeyUser(b *browser) {
	b.t.Helper()
	if k := s.onWebAuthn(b); !k.added {
		signInKeys(b, s)
	}
	k := s.keys[b]
	signOut(b)
	b.login(k.user, goodPassword)
	b.wantPath("/accounts/2fa/authenticate/")
}

// passkeySignupStage signs a newcomer up with a passkey on the keys
// server (the address, the mailed code): the browser is on the page that
// makes the passkey.
func (s *tourSite) passkeySignupStage(b *browser) {
	b.t.Helper()
	s.onWebAuthn(b)
	signOut(b)
	s.newcomers++
	name := fmt.Sprintf("newcomer%d", s.newcomers)
	skip := len(s.sink.Messages(b.t))
	b.visit("/accounts/signup/passkey/")
	b.fill("username", name)
	b.fill("email", name+"@example.com")
	b.submit()
	b.wantPath("/accounts/confirm-email/")
	b.fill("code", mailCode(b.t, waitMail(b.t, s.sink, skip, name+"@example.com", "email_confirmation_code")))
	b.submit()
	b.wantPath("/accounts/2fa/webauthn/add/")
}

// passkeyLoginPage is the page of a passkey login begun without the login
// page's script: its form posted as a browser without scripts does.
func passkeyLoginPage(b *browser, s *tourSite) {
	b.t.Helper()
	s.onWebAuthn(b)
	signOut(b)
	b.visit("/accounts/login/")
	b.navigate("post the passkey form", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[any](`document.querySelector('form[data-gh-webauthn="passkey"]').submit(); null`)(ctx, tg)
		return err
	}))
	b.wantPath("/accounts/2fa/webauthn/login/")
}

// webauthnTourPages are the tour's pages of security keys and passkeys.
var webauthnTourPages = []tourPage{
	{"login-passkey", func(b *browser, s *tourSite) { s.onWebAuthn(b); signOut(b); b.visit("/accounts/login/") }},
	{"signup-passkey", func(b *browser, s *tourSite) { s.onWebAuthn(b); signOut(b); b.visit("/accounts/signup/") }},
	{"signup_passkey", func(b *browser, s *tourSite) { s.onWebAuthn(b); signOut(b); b.visit("/accounts/signup/passkey/") }},
	{"mfa_webauthn_add-signup", func(b *browser, s *tourSite) { s.passkeySignupStage(b) }},
	{"mfa_index-webauthn", func(b *browser, s *tourSite) { signInKeys(b, s); b.visit("/accounts/2fa/") }},
	{"mfa_webauthn", func(b *browser, s *tourSite) { signInKeys(b, s); b.visit("/accounts/2fa/webauthn/") }},
	{"mfa_webauthn_add", func(b *browser, s *tourSite) {
		signInKeys(b, s)
		b.visit("/accounts/2fa/webauthn/add/")
		reauthenticateIfAsked(b)
		b.wantPath("/accounts/2fa/webauthn/add/")
	}},
	{"mfa_webauthn_add-passkey", func(b *browser, s *tourSite) {
		signInKeys(b, s)
		b.visit("/accounts/2fa/webauthn/add/?passkey=1")
		reauthenticateIfAsked(b)
		b.wantPath("/accounts/2fa/webauthn/add/?passkey=1")
	}},
	{"mfa_webauthn_add-failed", func(b *browser, s *tourSite) {
		// The device's authenticator holds her passkey already, so it
		// refuses (the server excludes her credentials): the page says
		// the browser did not finish.
		signInKeys(b, s)
		b.visit("/accounts/2fa/webauthn/add/")
		reauthenticateIfAsked(b)
		b.fill("name", "MacBook")
		b.do("press Continue", chromedp.Click(chromedp.CSS(webauthnButton("create"))))
		b.waitFor(`document.querySelector("[data-gh-webauthn-error]").checkVisibility()`)
	}},
	{"mfa_webauthn_edit", func(b *browser, s *tourSite) {
		signInKeys(b, s)
		b.visit("/accounts/2fa/webauthn/")
		b.clickLink(catalog(nil, b.lang()).T("webauthn.rename"))
	}},
	{"mfa_webauthn_remove", func(b *browser, s *tourSite) {
		signInKeys(b, s)
		b.visit("/accounts/2fa/webauthn/")
		b.clickLink(catalog(nil, b.lang()).T("webauthn.remove"))
	}},
	{"reauthenticate-webauthn", func(b *browser, s *tourSite) {
		signInKeys(b, s)
		b.visit("/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Fwebauthn%2F")
	}},
	{"mfa_webauthn_reauthenticate", func(b *browser, s *tourSite) {
		signInKeys(b, s)
		b.visit("/accounts/2fa/webauthn/reauthenticate/?next=%2Faccounts%2F2fa%2Fwebauthn%2F")
	}},
	{"mfa_authenticate-webauthn", func(b *browser, s *tourSite) { s.passwordOfKeyUser(b) }},
	{"mfa_webauthn_login", passkeyLoginPage},
}
