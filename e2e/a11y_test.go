package e2e

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/gatehousetest"
	"github.com/gatehouse-auth/gatehouse/mail/mailtest"
	"github.com/gatehouse-auth/gatehouse/mfa"
	"github.com/gatehouse-auth/gatehouse/user"
)

// axe-core, committed so the audit needs no network (see testdata/README.md).
//
//go:embed testdata/axe.min.js
var axeSource string

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// axeRun audits the current page with axe-core (WCAG 2.x A/AA and best
// practices) and returns the violations. Rules named in off are not run.
func axeRun(b *browser, off ...string) []axeViolation {
	b.t.Helper()
	if !eval[bool](b, `typeof window.axe === "object"`) {
		eval[any](b, axeSource+"\n;null")
	}
	rules := map[string]map[string]bool{}
	for _, id := range off {
		rules[id] = map[string]bool{"enabled": false}
	}
	rulesJS, _ := json.Marshal(rules)
	js := eval[string](b, `axe.run(document, {
		resultTypes: ["violations"],
		runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
		rules: `+string(rulesJS)+`
	}).then(r => JSON.stringify(r.violations))`)
	var vs []axeViolation
	if err := json.Unmarshal([]byte(js), &vs); err != nil {
		b.t.Fatalf("axe result: %v", err)
	}
	return vs
}

// audit runs axe in the light and in the dark colour scheme and fails t on
// every violation, whatever its impact (minor and moderate ones included):
// every page is clean.
func audit(t *testing.T, b *browser) {
	t.Helper()
	auditPage(t, b)
}

// mailBodyRules are axe's rules about a whole web page's structure (one
// main landmark, content in landmarks, a level-one heading): a mail body is
// shown inside the mail client's page, which has those, so auditMail skips
// them.
var mailBodyRules = []string{"landmark-one-main", "region", "page-has-heading-one"}

// auditMail is audit for the HTML of a mail.
func auditMail(t *testing.T, b *browser) {
	t.Helper()
	auditPage(t, b, mailBodyRules...)
}

func auditPage(t *testing.T, b *browser, off ...string) {
	t.Helper()
	for _, scheme := range []string{"light", "dark"} {
		b.emulate(1280, 800, false, scheme)
		b.settle()
		for _, v := range axeRun(b, off...) {
			var where []string
			for _, n := range v.Nodes {
				w, _ := json.Marshal(n.Target)
				where = append(where, string(w))
			}
			msg := scheme + ": " + v.Impact + " " + v.ID + ": " + v.Help + " at " + strings.Join(where, ", ")
			if len(v.Nodes) > 0 && v.Nodes[0].Summary != "" {
				msg += "\n\t" + strings.ReplaceAll(v.Nodes[0].Summary, "\n", "\n\t")
			}
			t.Error(b.path() + ": " + msg)
		}
	}
	b.emulate(1280, 800, false, "light")
}

// TestAccessibility audits every page, anonymous and signed in, with and
// without form errors, in English and Russian, light and dark, and checks
// that each fits the desktop and the mobile viewport.
func TestAccessibility(t *testing.T) {
	site := newTourSite(t)
	for _, lang := range []string{"en", "ru"} {
		b := newBrowser(t, site.main)
		b.visit("/")
		if lang == "en" {
			// The audit itself works: a broken page is caught.
			eval[any](b, `document.querySelector("main").insertAdjacentHTML("beforeend", '<img src="/static/gatehouse/favicon.svg"><button></button>'); null`)
			found := map[string]bool{}
			for _, v := range axeRun(b) {
				found[v.ID] = true
			}
			if !found["image-alt"] || !found["button-name"] {
				t.Fatalf("axe missed planted violations; found %v", found)
			}
		}
		b.setLanguage(lang)
		for _, p := range tourPages {
			t.Run(lang+"/"+p.name, func(t *testing.T) {
				defer b.use(t)()
				b.on(site.main)
				p.open(b, site)
				if got := b.lang(); got != lang {
					t.Errorf("page language %q, want %q", got, lang)
				}
				audit(t, b)
				// Every page and state, in both languages, also fits a phone.
				for _, vp := range viewports {
					b.emulate(vp.width, vp.height, vp.mobile, "light")
					b.settle()
					checkLayout(t, b, vp.name)
				}
				b.emulate(1280, 800, false, "light")
			})
		}
	}
}

// tourSite holds the servers the page tour visits. Pages that only another
// configuration shows (mandatory verification, codes instead of links) are
// on servers of their own; all mail goes to one sink.
type tourSite struct {
	main   *gatehousetest.Server // the default configuration, seeded by seedUsers
	strict *gatehousetest.Server // mandatory email verification by link
	// codes has optional verification, password reset and login by code;
	// dora, who has no password, signs in there.
	codes *gatehousetest.Server
	// options has signup options and the ChangeEmail mode: an email-only
	// signup form (the address twice) with a honeypot; cleo changes her
	// address there.
	options *gatehousetest.Server
	closed  *gatehousetest.Server // signups closed
	// social has social login: two OpenID Connect apps (mockoidc, "Mock
	// IdP" and "Work SSO") and a GitHub app whose users decline; socialForm
	// has Mock IdP with NoAutoSignup, so a provider login asks the signup
	// form.
	social, socialForm *gatehousetest.Server
	// mfa has two-factor authentication with trust on and required for
	// staff, on a clock the tour moves on (a code per 30-second step):
	// mona has no factor, tom an authenticator app (added by the tour's
	// first visit, mfaSecret its key), sami is staff without a factor.
	mfa       *gatehousetest.Server
	mfaClock  *totpClock
	mfaSecret string
	// webauthn has security keys, passkey login and passkey signup, at
	// localhost (webauthnTourServer); keys are what each browser keeps
	// there (its user, her keys).
	webauthn *gatehousetest.Server
	keys     map[*browser]*tourKeys
	sink     *mailtest.Sink
	// newcomers counts the users signed up by the tour, visitors the
	// addresses it asks login codes for.
	newcomers, visitors int
	// resetLink is the link of a reset of carol's password (openResetLink).
	resetLink string
	// cancelLink is the link of cleo's change of address (openCancelLink).
	cancelLink string
}

func newTourSite(t *testing.T) *tourSite {
	t.Helper()
	sink := mailtest.Start(t)
	s := &tourSite{sink: sink,
		main:   gatehousetest.NewServer(t, gatehousetest.Mail(sink)),
		strict: gatehousetest.NewServer(t, gatehousetest.Mail(sink), mandatoryVerification(false)),
		codes: gatehousetest.NewServer(t, gatehousetest.Mail(sink), func(c *gatehouse.Config) {
			c.Account.EmailVerificationByCode = true
			c.Account.PasswordResetByCode = true
			c.Account.LoginByCode = true
		}),
		options: gatehousetest.NewServer(t, gatehousetest.Mail(sink), func(c *gatehouse.Config) {
			c.Account.ChangeEmail = true
			c.Account.SignupFields = []string{"email*", "email2*", "password1*"}
			c.Account.SignupHoneypot = "phone_number"
		}),
		closed: gatehousetest.NewServer(t, gatehousetest.Mail(sink), func(c *gatehouse.Config) { c.Account.SignupClosed = true }),
	}
	mock, work := startOIDC(t), startOIDC(t)
	s.social = gatehousetest.NewServer(t, gatehousetest.Mail(sink),
		socialConfig(oidcApp(mock, "mock", "Mock IdP"), oidcApp(work, "work", "Work SSO"), decliningApp(t)))
	s.socialForm = gatehousetest.NewServer(t, gatehousetest.Mail(sink), socialConfig(oidcApp(mock, "mock", "Mock IdP")),
		func(c *gatehouse.Config) { c.Social.NoAutoSignup = true })
	s.mfaClock = &totpClock{}
	s.mfa = gatehousetest.NewServer(t, gatehousetest.Mail(sink), s.mfaClock.option(), func(c *gatehouse.Config) {
		c.MFA.TrustEnabled = true
		c.MFA.Required = mfa.RequiredStaff
	})
	s.webauthn = webauthnTourServer(t, sink)
	seedUsers(t, s.main)
	verifiedUser(t, s.mfa, "mona", "mona@example.com")
	verifiedUser(t, s.mfa, "tom", "tom@example.com")
	sami := verifiedUser(t, s.mfa, "sami", "sami@example.com")
	sami.IsStaff = true
	if err := s.mfa.DB.UpdateUser(context.Background(), sami); err != nil {
		t.Fatalf("make sami staff: %v", err)
	}
	ctx := context.Background()
	dora := verifiedUser(t, s.codes, "dora", "dora@example.com")
	if err := s.codes.DB.SetPassword(ctx, dora.ID, "!"+strings.Repeat("x", 40)); err != nil {
		t.Fatal(err)
	}
	verifiedUser(t, s.options, "cleo", "cleo@example.com")
	return s
}

// signupNewcomer signs a new user up on the browser's server (signed out
// first) and returns the address; the browser is where signup leads.
func (s *tourSite) signupNewcomer(b *browser) string {
	b.t.Helper()
	signOut(b)
	s.newcomers++
	name := fmt.Sprintf("newcomer%d", s.newcomers)
	b.visit("/accounts/signup/")
	b.fill("username", name)
	b.fill("email", name+"@example.com")
	b.fill("password1", goodPassword)
	b.fill("password2", goodPassword)
	b.submit()
	return name + "@example.com"
}

// seedUsers creates the users the page tour signs in as: alice, in two groups
// with a few permissions and with three addresses (one unverified and
// long), bob, with none and without an address, carol, who forgets her
// password, erin, who swaps her two addresses, and ivan, whose account is
// inactive.
func seedUsers(t *testing.T, srv *gatehousetest.Server) {
	t.Helper()
	ctx := context.Background()
	alice := verifiedUser(t, srv, "alice", "alice@example.com")
	for _, e := range []*user.EmailAddress{
		{UserID: alice.ID, Email: "alice.liddell@work.example.com", Verified: true},
		{UserID: alice.ID, Email: longAddress},
	} {
		if err := srv.DB.AddEmail(ctx, e); err != nil {
			t.Fatalf("add %s: %v", e.Email, err)
		}
	}
	srv.CreateUser(t, "bob", "", goodPassword)
	srv.CreateUser(t, "carol", "carol@example.com", goodPassword)
	for _, p := range []string{"demo.view_secret", "blog.add_post", "blog.change_post"} {
		srv.Grant(t, "alice", p)
	}
	addToGroups(t, srv, "alice", "editors", "staff")
	erin := verifiedUser(t, srv, "erin", "erin@example.com")
	if err := srv.DB.AddEmail(ctx, &user.EmailAddress{UserID: erin.ID, Email: "erin@work.example.com", Verified: true}); err != nil {
		t.Fatalf("add erin's second address: %v", err)
	}
	ivan := srv.CreateUser(t, "ivan", "ivan@example.com", goodPassword)
	ivan.IsActive = false
	if err := srv.DB.UpdateUser(ctx, ivan); err != nil {
		t.Fatalf("deactivate ivan: %v", err)
	}
}

// longAddress is an address as long as real ones get, to see it wrap.
const longAddress = "alexandra.konstantinopolskaya.newsletters@mail.department-of-linguistics.example.edu"

// tourPage is one state of one page: how to reach it from any state.
type tourPage struct {
	name string
	open func(b *browser, s *tourSite)
}

// signIn makes sure the browser is signed in as username (and only then).
func signIn(b *browser, username string) {
	b.t.Helper()
	b.visit("/dashboard/")
	if strings.HasPrefix(b.path(), "/dashboard/") {
		if b.attr(".gh-nav__username", "class") != "" && eval[string](b, `document.querySelector(".gh-nav__username").textContent`) == username {
			return
		}
		signOut(b)
	}
	b.login(username, goodPassword)
	if !strings.HasPrefix(b.path(), "/dashboard/") {
		b.t.Fatalf("login as %s landed on %s", username, b.path())
	}
}

func signOut(b *browser) {
	b.t.Helper()
	b.visit("/accounts/logout/")
	if b.path() == "/accounts/logout/" {
		b.submit()
	}
}

// tourPages are every page in each state worth seeing, in an order that needs
// few sign-ins. The accessibility audit and the screenshots both walk it.
var tourPages = []tourPage{
	{"home", func(b *browser, _ *tourSite) { signOut(b); b.visit("/") }},
	{"login", func(b *browser, _ *tourSite) { signOut(b); b.visit("/accounts/login/") }},
	{"login-error", func(b *browser, _ *tourSite) {
		signOut(b)
		b.login("alice", "wrong-password")
	}},
	{"signup", func(b *browser, _ *tourSite) { signOut(b); b.visit("/accounts/signup/") }},
	{"signup-error", func(b *browser, _ *tourSite) {
		signOut(b)
		b.visit("/accounts/signup/")
		b.fill("username", "alice")
		b.fill("email", "alice@example.com")
		b.fill("password1", "12345")
		b.fill("password2", "54321")
		b.submit()
	}},
	{"error", func(b *browser, _ *tourSite) { signOut(b); b.visit("/no/such/page/") }},
	{"forbidden", func(b *browser, _ *tourSite) { signIn(b, "bob"); b.visit("/secret/") }},
	{"dashboard-empty", func(b *browser, _ *tourSite) { signIn(b, "bob"); b.visit("/dashboard/") }},
	{"home-signed-in", func(b *browser, _ *tourSite) { signIn(b, "alice"); b.visit("/") }},
	{"dashboard", func(b *browser, _ *tourSite) { signIn(b, "alice"); b.visit("/dashboard/") }},
	{"password_change", func(b *browser, _ *tourSite) { signIn(b, "alice"); b.visit("/accounts/password/change/") }},
	{"password_change-error", func(b *browser, _ *tourSite) {
		signIn(b, "alice")
		b.visit("/accounts/password/change/")
		b.fill("oldpassword", "wrong-password")
		b.fill("password1", "short")
		b.fill("password2", "short")
		b.submit()
	}},
	{"secret", func(b *browser, _ *tourSite) { signIn(b, "alice"); b.visit("/secret/") }},
	{"sessions", func(b *browser, _ *tourSite) { signIn(b, "alice"); b.visit("/accounts/sessions/") }},
	{"logout", func(b *browser, _ *tourSite) { signIn(b, "alice"); b.visit("/accounts/logout/") }},
	{"reauthenticate", func(b *browser, _ *tourSite) {
		signIn(b, "bob")
		b.visit("/accounts/reauthenticate/?next=%2Faccounts%2Fsessions%2F")
	}},
	{"reauthenticate-error", func(b *browser, _ *tourSite) {
		signIn(b, "bob")
		b.visit("/accounts/reauthenticate/?next=%2Faccounts%2Fsessions%2F")
		b.fill("password", "wrong-password")
		b.submit()
	}},

	// Email verification: the stage's page (mandatory, by link; optional, by
	// code) and the page a mailed link opens.
	{"confirm_email", func(b *browser, s *tourSite) {
		b.on(s.strict)
		s.signupNewcomer(b)
		b.wantPath("/accounts/confirm-email/")
	}},
	{"confirm_email-code", func(b *browser, s *tourSite) {
		b.on(s.codes)
		s.signupNewcomer(b)
		b.wantPath("/accounts/confirm-email/")
	}},
	{"confirm_email-code-error", func(b *browser, s *tourSite) {
		b.on(s.codes)
		s.signupNewcomer(b)
		b.fill("code", "BBBB-BBBB")
		b.submit()
	}},
	{"confirm_email_key", func(b *browser, s *tourSite) {
		b.on(s.strict)
		s.sink.Clear(b.t)
		to := s.signupNewcomer(b)
		m := waitMail(b.t, s.sink, 0, to, "email_confirmation")
		b.open(mailLink(b.t, m, s.strict.URL, "/accounts/confirm-email/"))
	}},
	{"confirm_email_key-invalid", func(b *browser, _ *tourSite) {
		signOut(b)
		b.visit("/accounts/confirm-email/no-such-key/")
	}},

	// Password reset by link, then by code.
	{"password_reset", func(b *browser, _ *tourSite) { signOut(b); b.visit("/accounts/password/reset/") }},
	{"password_reset_done", func(b *browser, _ *tourSite) {
		signOut(b)
		b.visit("/accounts/password/reset/")
		b.fill("email", "carol@example.com")
		b.submit()
	}},
	{"password_reset_key", func(b *browser, s *tourSite) { openResetLink(b, s) }},
	{"password_reset_key-error", func(b *browser, s *tourSite) {
		openResetLink(b, s)
		b.fill("password1", "carol")
		b.fill("password2", "12345")
		b.submit()
	}},
	{"password_reset_key-invalid", func(b *browser, _ *tourSite) {
		signOut(b)
		b.visit("/accounts/password/reset/key/1-no-such-key/")
	}},
	{"password_reset_key_done", func(b *browser, _ *tourSite) {
		signOut(b)
		b.visit("/accounts/password/reset/key/done/")
	}},
	{"password_reset_code", func(b *browser, s *tourSite) {
		b.on(s.codes)
		signOut(b)
		b.visit("/accounts/password/reset/")
		b.fill("email", "carol@example.com")
		b.submit()
	}},

	// Email addresses: several (primary, verified, unverified and long);
	// the ChangeEmail mode with a change pending; the cancel link of its
	// mail, valid and not.
	{"email", func(b *browser, _ *tourSite) { signIn(b, "alice"); b.visit("/accounts/email/") }},
	{"email-flash", func(b *browser, _ *tourSite) {
		// A change needs a fresh login; its answer is a flash over the page.
		signOut(b)
		b.login("erin", goodPassword)
		b.visit("/accounts/email/")
		b.clickButton(catalog(nil, b.lang()).T("email.make_primary"))
		b.wantPath("/accounts/email/")
	}},
	{"email-change", func(b *browser, s *tourSite) {
		openCancelLink(b, s) // makes the pending change
		b.on(s.options)
		signIn(b, "cleo")
		b.visit("/accounts/email/")
	}},
	{"email_cancel", func(b *browser, s *tourSite) { openCancelLink(b, s) }},
	{"email_cancel-invalid", func(b *browser, s *tourSite) {
		b.on(s.options)
		signOut(b)
		b.visit("/accounts/email/cancel/no-such-key/")
	}},

	// Login by code: the login page's link, the address, the code (and a
	// wrong one); a first password for a user who signed in by code.
	{"login-code-link", func(b *browser, s *tourSite) {
		b.on(s.codes)
		signOut(b)
		b.visit("/accounts/login/")
	}},
	{"login_code", func(b *browser, s *tourSite) {
		b.on(s.codes)
		signOut(b)
		b.visit("/accounts/login/code/")
	}},
	{"login_code_confirm", func(b *browser, s *tourSite) { s.askLoginCode(b) }},
	{"login_code_confirm-error", func(b *browser, s *tourSite) {
		s.askLoginCode(b)
		b.fill("code", "BBBB-BBBB")
		b.submit()
	}},
	{"password_set", func(b *browser, s *tourSite) {
		signInByCode(b, s, "dora")
		b.visit("/accounts/password/set/")
	}},

	// Signup options: an email-only form, signups closed; an inactive
	// account's right password.
	{"signup-email-only", func(b *browser, s *tourSite) {
		b.on(s.options)
		signOut(b)
		b.visit("/accounts/signup/")
	}},
	{"signup_closed", func(b *browser, s *tourSite) {
		b.on(s.closed)
		signOut(b)
		b.visit("/accounts/signup/")
	}},
	{"inactive", func(b *browser, _ *tourSite) {
		signOut(b)
		b.login("ivan", goodPassword)
		b.wantPath("/accounts/inactive/")
	}},

	// Social login: the provider buttons on the login and signup pages,
	// the connections page (two connected), the social signup form, the
	// error page (a tampered state) and the cancelled page (a decline).
	{"login-social", func(b *browser, s *tourSite) {
		b.on(s.social)
		signOut(b)
		b.visit("/accounts/login/")
	}},
	{"signup-social", func(b *browser, s *tourSite) {
		b.on(s.social)
		signOut(b)
		b.visit("/accounts/signup/")
	}},
	{"social_connections", func(b *browser, s *tourSite) {
		signInSocial(b, s)
		b.visit("/accounts/3rdparty/")
		if len(connectionNames(b)) < 2 {
			b.clickButton(catalog(nil, b.lang()).T("connections.connect", "provider", "Work SSO"))
			b.wantPath("/accounts/3rdparty/")
			b.visit("/accounts/3rdparty/")
		}
	}},
	{"social_signup", func(b *browser, s *tourSite) {
		b.on(s.socialForm)
		signOut(b)
		b.visit("/accounts/login/")
		b.clickButton(catalog(nil, b.lang()).T("social.continue_with", "provider", "Mock IdP"))
		b.wantPath("/accounts/3rdparty/signup/")
	}},
	{"social_error", func(b *browser, s *tourSite) {
		b.on(s.social)
		signOut(b)
		b.visit("/accounts/oidc/mock/login/callback/?state=tampered&code=forged")
		b.wantPath("/accounts/3rdparty/login/error/")
	}},
	{"social_cancelled", func(b *browser, s *tourSite) {
		b.on(s.social)
		signOut(b)
		b.visit("/accounts/login/")
		b.clickButton(catalog(nil, b.lang()).T("social.continue_with", "provider", "GitHub"))
		b.wantPath("/accounts/3rdparty/login/cancelled/?provider=github")
		b.see(catalog(nil, b.lang()).T("social_cancelled.intro_named", "provider", "GitHub"))
	}},

	// Two-factor authentication: the overview without and with an
	// authenticator app, adding one (from the account, and at a login that
	// requires it), the login stages (the code, a wrong one, trusting the
	// browser), recovery codes (a new set shown once, the count left,
	// making a new set), removing the app, and reauthentication by a code.
	{"mfa_index-off", func(b *browser, s *tourSite) {
		b.on(s.mfa)
		signIn(b, "mona")
		b.visit("/accounts/2fa/")
	}},
	{"mfa_totp_activate", func(b *browser, s *tourSite) {
		b.on(s.mfa)
		signIn(b, "mona")
		b.visit("/accounts/2fa/totp/activate/")
		reauthenticateIfAsked(b)
		b.wantPath("/accounts/2fa/totp/activate/")
	}},
	{"mfa_totp_activate-error", func(b *browser, s *tourSite) {
		b.on(s.mfa)
		signIn(b, "mona")
		b.visit("/accounts/2fa/totp/activate/")
		reauthenticateIfAsked(b)
		b.fill("code", "000000")
		b.submit()
	}},
	{"mfa_totp_activate-login", func(b *browser, s *tourSite) {
		b.on(s.mfa)
		signOut(b)
		b.login("sami", goodPassword)
		b.wantPath("/accounts/2fa/totp/activate/")
	}},
	{"mfa_index", func(b *browser, s *tourSite) { signInMFA(b, s); b.visit("/accounts/2fa/") }},
	{"mfa_authenticate", func(b *browser, s *tourSite) { s.passwordOfMFAUser(b) }},
	{"mfa_authenticate-error", func(b *browser, s *tourSite) {
		s.passwordOfMFAUser(b)
		b.fill("code", "000000")
		b.submit()
	}},
	{"mfa_trust", func(b *browser, s *tourSite) {
		s.passwordOfMFAUser(b)
		b.fill("code", s.mfaClock.code(b.t, s.mfaSecret))
		b.submit()
		b.wantPath("/accounts/2fa/trust/")
	}},
	{"mfa_recovery_codes", func(b *browser, s *tourSite) {
		signInMFA(b, s)
		b.visit("/accounts/2fa/recovery-codes/generate/")
		b.submit()
		reauthenticateIfAsked(b)
		if len(b.recoveryCodes()) == 0 {
			b.t.Fatalf("%s: no new recovery codes shown", b.path())
		}
	}},
	{"mfa_recovery_codes-left", func(b *browser, s *tourSite) {
		signInMFA(b, s)
		b.visit("/accounts/2fa/recovery-codes/")
	}},
	{"mfa_recovery_generate", func(b *browser, s *tourSite) {
		signInMFA(b, s)
		b.visit("/accounts/2fa/recovery-codes/generate/")
	}},
	{"mfa_totp_deactivate", func(b *browser, s *tourSite) {
		signInMFA(b, s)
		b.visit("/accounts/2fa/totp/deactivate/")
	}},
	{"mfa_reauthenticate", func(b *browser, s *tourSite) {
		signInMFA(b, s)
		b.visit("/accounts/2fa/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Fdeactivate%2F")
	}},
	{"reauthenticate-mfa", func(b *browser, s *tourSite) {
		signInMFA(b, s)
		b.visit("/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Fdeactivate%2F")
	}},
}

// The tour also walks the pages of security keys and passkeys
// (webauthn_journeys_test.go), after the others.
func init() { tourPages = append(tourPages, webauthnTourPages...) }

// signInMFA makes sure the browser is signed in on the mfa server as tom,
// who has an authenticator app: the first call adds it (keeping its key),
// later logins type its code and do not trust the browser.
func signInMFA(b *browser, s *tourSite) {
	b.t.Helper()
	b.on(s.mfa)
	if s.mfaSecret == "" {
		signIn(b, "tom")
		s.mfaSecret, _ = enrolTOTP(b, s.mfaClock)
		return
	}
	b.visit("/dashboard/")
	if strings.HasPrefix(b.path(), "/dashboard/") && eval[string](b, `(document.querySelector(".gh-nav__username") || {textContent: ""}).textContent`) == "tom" {
		return
	}
	s.passwordOfMFAUser(b)
	b.fill("code", s.mfaClock.code(b.t, s.mfaSecret))
	b.submit()
	if b.path() == "/accounts/2fa/trust/" {
		b.navigate("do not trust", chromedp.Click(chromedp.CSS(`button[name="trust"][value="no"]`)))
	}
	if !strings.HasPrefix(b.path(), "/dashboard/") {
		b.t.Fatalf("login with a code as tom landed on %s", b.path())
	}
}

// passwordOfMFAUser signs out of the mfa server and logs in as tom (with
// an authenticator app, added first when he has none yet) with the
// password: the browser is on the page that asks for the code.
func (s *tourSite) passwordOfMFAUser(b *browser) {
	b.t.Helper()
	if s.mfaSecret == "" {
		signInMFA(b, s)
	}
	b.on(s.mfa)
	signOut(b)
	b.login("tom", goodPassword)
	b.wantPath("/accounts/2fa/authenticate/")
}

// signInSocial makes sure the browser is signed in on the social server as
// mockoidc's default user (jane.doe, signed up by the first login),
// signing in with the Mock IdP button when it is not.
func signInSocial(b *browser, s *tourSite) {
	b.t.Helper()
	b.on(s.social)
	b.visit("/dashboard/")
	if strings.HasPrefix(b.path(), "/dashboard/") && eval[string](b, `(document.querySelector(".gh-nav__username") || {textContent: ""}).textContent`) == "jane.doe" {
		return
	}
	signOut(b)
	b.visit("/accounts/login/")
	b.clickButton(catalog(nil, b.lang()).T("social.continue_with", "provider", "Mock IdP"))
	if !strings.HasPrefix(b.path(), "/dashboard/") {
		b.t.Fatalf("login with Mock IdP landed on %s", b.path())
	}
}

// openCancelLink opens, signed out, the cancel link of the mail about
// cleo's change of address (on the options server). The first call makes
// the change (a fresh login, as a change needs one) and keeps the link;
// later ones open it again (it works until used; another change would
// replace it).
func openCancelLink(b *browser, s *tourSite) {
	b.t.Helper()
	b.on(s.options)
	if s.cancelLink == "" {
		signOut(b)
		skip := len(s.sink.Messages(b.t))
		b.login("cleo", goodPassword)
		b.visit("/accounts/email/")
		b.fill("email", "cleo@exmaple.com")
		b.submitWith("email")
		m := waitMail(b.t, s.sink, skip, "cleo@example.com", "email_change_requested")
		s.cancelLink = mailLink(b.t, m, s.options.URL, "/accounts/email/cancel/")
	}
	signOut(b)
	b.open(s.cancelLink)
}

// askLoginCode asks the codes server for a login code for an address of
// its own (the request_login_code limit counts 3 a minute per address),
// and is on the page that asks for the code.
func (s *tourSite) askLoginCode(b *browser) {
	b.t.Helper()
	b.on(s.codes)
	signOut(b)
	s.visitors++
	b.visit("/accounts/login/code/")
	b.fill("email", fmt.Sprintf("visitor%d@example.com", s.visitors))
	b.submit()
	b.wantPath("/accounts/login/code/confirm/")
}

// signInByCode makes sure the browser is signed in as username on the codes
// server, signing in with a mailed login code when it is not.
func signInByCode(b *browser, s *tourSite, username string) {
	b.t.Helper()
	b.on(s.codes)
	b.visit("/dashboard/")
	if strings.HasPrefix(b.path(), "/dashboard/") && eval[string](b, `(document.querySelector(".gh-nav__username") || {textContent: ""}).textContent`) == username {
		return
	}
	signOut(b)
	addr := username + "@example.com"
	skip := len(s.sink.Messages(b.t))
	b.visit("/accounts/login/code/")
	b.fill("email", addr)
	b.submit()
	b.fill("code", mailCode(b.t, waitMail(b.t, s.sink, skip, addr, "login_code")))
	b.submit()
	if !strings.HasPrefix(b.path(), "/dashboard/") {
		b.t.Fatalf("login by code as %s landed on %s", username, b.path())
	}
}

// openResetLink opens the link of a reset of carol's password: the
// new-password form. The first call asks for it; later ones open the same
// link again (it works until the password changes), so the tour stays
// within the reset_password limit of 5 requests a minute per address.
func openResetLink(b *browser, s *tourSite) {
	b.t.Helper()
	signOut(b)
	if s.resetLink == "" {
		s.sink.Clear(b.t)
		b.visit("/accounts/password/reset/")
		b.fill("email", "carol@example.com")
		b.submit()
		m := waitMail(b.t, s.sink, 0, "carol@example.com", "password_reset")
		s.resetLink = mailLink(b.t, m, s.main.URL, "/accounts/password/reset/key/")
	}
	b.open(s.resetLink)
}

// focusDescribe names an element the same way for the expected and the
// focused lists.
const focusDescribe = `(e => !e ? "none" : e.tagName.toLowerCase() +
	(e.id ? "#" + e.id : "") +
	(e.name ? "[name=" + e.name + (e.tagName === "BUTTON" && e.value ? "=" + e.value : "") + "]" : "") +
	(e.tagName === "A" ? "(" + e.getAttribute("href") + " " + e.textContent.trim() + ")" : ""))`

// TestKeyboardLogin tabs through the login page: every link, field and button
// is reached, in document order, each with a visible focus indicator; the
// skip link jumps straight to the form.
func TestKeyboardLogin(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	b := newBrowser(t, srv)
	b.visit("/accounts/login/")

	want := eval[[]string](b, `[...document.querySelectorAll("a[href], button, input, select, textarea")]
		.filter(e => e.type !== "hidden" && !e.hidden && !e.disabled && e.tabIndex >= 0)
		.map(`+focusDescribe+`)`)
	if len(want) < 10 {
		t.Fatalf("only %d focusable elements: %v", len(want), want)
	}
	var got []string
	for range want {
		b.do("Tab", chromedp.KeyEvent(kb.Tab))
		got = append(got, eval[string](b, focusDescribe+`(document.activeElement)`))
		// The focused element must show it: an outline or a focus ring shadow.
		visible := eval[bool](b, `(e => { const s = getComputedStyle(e);
			const r = e.getBoundingClientRect();
			return r.width > 0 && r.height > 0 && r.top >= 0 &&
				((s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== "none"); })(document.activeElement)`)
		if !visible {
			t.Errorf("focus on %s is not visible", got[len(got)-1])
		}
	}
	t.Logf("Tab order: %q", got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Tab order:\n got %q\nwant %q", got, want)
	}
	if !strings.HasPrefix(want[0], "a(#main") {
		t.Errorf("the first stop is %s, want the skip link", want[0])
	}

	// Skip link: Tab, Enter, Tab lands in the form.
	b.visit("/accounts/login/")
	b.do("skip", chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(kb.Enter), chromedp.KeyEvent(kb.Tab))
	if f := eval[string](b, focusDescribe+`(document.activeElement)`); f != "input#id_login[name=login]" {
		t.Errorf("after the skip link, focus is on %s, want the login field", f)
	}
}
