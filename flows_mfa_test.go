package gatehouse_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/djangoimport"
	"github.com/gatehouse-auth/gatehouse/gatehousetest"
	"github.com/gatehouse-auth/gatehouse/internal/keys"
	"github.com/gatehouse-auth/gatehouse/mfa"
	"github.com/gatehouse-auth/gatehouse/social"
	"github.com/gatehouse-auth/gatehouse/user"
)

var (
	reMFASecret   = regexp.MustCompile(`id="mfa-secret">([A-Z2-7 ]+)</code>`)
	reMFAState    = regexp.MustCompile(`name="state" value="([^"]+)"`)
	reMFACodes    = regexp.MustCompile(`<li><code>(\d{8})</code></li>`)
	reMFADownload = regexp.MustCompile(`name="codes" value="([^"]+)"`)
)

// enrolment reads the secret and the state off the activation page.
func enrolment(t *testing.T, page string) (secret, state string) {
	t.Helper()
	ms, mst := reMFASecret.FindStringSubmatch(page), reMFAState.FindStringSubmatch(page)
	if ms == nil || mst == nil {
		t.Fatalf("the activation page shows no secret or state:\n%s", page)
	}
	return strings.ReplaceAll(ms[1], " ", ""), mst[1]
}

// totpCode is the code an authenticator app shows for secret at the
// server's clock.
// verifiedUser stores an active user whose address is verified (two-factor
// enrolment needs every address verified, SECURITY.md R7).
func (e *flowEnv) verifiedUser(t *testing.T, name string) *user.User {
	t.Helper()
	u := e.srv.CreateUser(t, name, name+"@example.com", goodPassword)
	must(t, e.srv.DB.VerifyEmail(t.Context(), u.ID, u.Email))
	return u
}

func (e *flowEnv) totpCode(t *testing.T, secret string) string {
	t.Helper()
	c, err := mfa.TOTP{}.Code(secret, e.clock.Now())
	must(t, err)
	return c
}

// enrolTOTP adds an authenticator app through the pages for the signed-in
// browser c and returns its secret and the recovery codes shown.
func (e *flowEnv) enrolTOTP(t *testing.T, c *http.Client) (string, []string) {
	t.Helper()
	resp, page := get(t, c, e.srv, "/accounts/2fa/totp/activate/")
	if resp.StatusCode != 200 {
		t.Fatalf("GET activate = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	secret, state := enrolment(t, page)
	resp, page = post(t, c, e.srv, "/accounts/2fa/totp/activate/", url.Values{"state": {state}, "code": {e.totpCode(t, secret)}})
	codes := reMFACodes.FindAllStringSubmatch(page, -1)
	if resp.StatusCode != 200 || len(codes) != 10 {
		t.Fatalf("activation = %d with %d codes:\n%s", resp.StatusCode, len(codes), page)
	}
	var out []string
	for _, m := range codes {
		out = append(out, m[1])
	}
	e.secret(secret)
	e.secret(out...)
	return secret, out
}

// TestMFAOverHTTP walks two-factor authentication through the pages:
// enrolment (a wrong code stores nothing), the login stage after the
// password (the half-logged-in browser reaches nothing; a replayed code is
// refused), a recovery code that works once, the download of the codes
// shown, and removal behind a reauthentication by a factor, which ends
// the other sessions. Every change mails the user.
func TestMFAOverHTTP(t *testing.T) {
	e := newFlowEnv(t, account.Config{})
	e.verifiedUser(t, "mia")
	me := e.browser()
	location(t, login(t, me, e.srv, "mia", goodPassword))
	if _, page := get(t, me, e.srv, "/accounts/2fa/"); !strings.Contains(page, "/accounts/2fa/totp/activate/") {
		t.Fatalf("the overview offers no activation:\n%s", page)
	}

	// A wrong code stores nothing.
	_, page := get(t, me, e.srv, "/accounts/2fa/totp/activate/")
	secret, state := enrolment(t, page)
	resp, page := post(t, me, e.srv, "/accounts/2fa/totp/activate/", url.Values{"state": {state}, "code": {"000000"}})
	if resp.StatusCode != 200 || !strings.Contains(page, `aria-invalid="true"`) || reMFACodes.MatchString(page) {
		t.Fatalf("a wrong confirming code = %d:\n%s", resp.StatusCode, page)
	}
	if st, err := e.srv.Gatehouse.MFA().Status(t.Context(), e.user(t, "mia")); err != nil || st.Enabled() {
		t.Fatalf("a wrong code activated the app (%v)", err)
	}
	// The same secret with the right code.
	activation := e.totpCode(t, secret)
	resp, page = post(t, me, e.srv, "/accounts/2fa/totp/activate/", url.Values{"state": {state}, "code": {activation}})
	codes := reMFACodes.FindAllStringSubmatch(page, -1)
	if resp.StatusCode != 200 || len(codes) != 10 {
		t.Fatalf("activation = %d with %d codes", resp.StatusCode, len(codes))
	}
	e.secret(secret)
	e.mail(t, "mia@example.com", account.NoticeTOTPActivated)
	// The codes download as a file, for this user only.
	dl := reMFADownload.FindStringSubmatch(page)
	if dl == nil {
		t.Fatal("the codes page has no download form")
	}
	resp, file := post(t, me, e.srv, "/accounts/2fa/recovery-codes/download/", url.Values{"codes": {dl[1]}})
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") || !strings.Contains(file, codes[3][1]) {
		t.Fatalf("download = %d %q:\n%s", resp.StatusCode, resp.Header.Get("Content-Disposition"), file)
	}
	if _, page := get(t, me, e.srv, "/accounts/2fa/"); !strings.Contains(page, "10 of 10") {
		t.Fatalf("the overview does not count the codes:\n%s", page)
	}
	other := e.browser()
	location(t, login(t, other, e.srv, "mia", goodPassword)) // held at the stage: no session

	// The password alone now stops at the second factor.
	resp = login(t, other, e.srv, "mia", goodPassword)
	if loc := location(t, resp); loc != "/accounts/2fa/authenticate/" {
		t.Fatalf("the password of a TOTP user went to %s", loc)
	}
	if e.signedIn(t, other) {
		t.Fatal("the half-finished login has a session")
	}
	if resp, _ := get(t, other, e.srv, "/accounts/2fa/"); resp.StatusCode != http.StatusFound {
		t.Fatalf("the half-finished login reached the overview: %d", resp.StatusCode)
	}
	// The code that confirmed the app is spent.
	resp, page = post(t, other, e.srv, "/accounts/2fa/authenticate/", url.Values{"code": {activation}})
	if resp.StatusCode != 200 || e.signedIn(t, other) {
		t.Fatalf("a replayed code = %d", resp.StatusCode)
	}
	e.clock.Add(30 * time.Second)
	resp, _ = post(t, other, e.srv, "/accounts/2fa/authenticate/", url.Values{"code": {e.totpCode(t, secret)}})
	if loc := location(t, resp); loc != "/dashboard/" || !e.signedIn(t, other) {
		t.Fatalf("the right code went to %s", loc)
	}

	// A recovery code signs in once.
	third := e.browser()
	location(t, login(t, third, e.srv, "mia", goodPassword))
	resp, _ = post(t, third, e.srv, "/accounts/2fa/authenticate/", url.Values{"code": {codes[0][1]}})
	if loc := location(t, resp); loc != "/dashboard/" {
		t.Fatalf("a recovery code went to %s", loc)
	}
	if m := e.mail(t, "mia@example.com", account.NoticeRecoveryCodeUsed); !strings.Contains(m.Text, "9 codes are left") {
		t.Fatalf("the recovery-code notice does not count what is left:\n%s", m.Text)
	}
	fourth := e.browser()
	location(t, login(t, fourth, e.srv, "mia", goodPassword))
	if resp, _ = post(t, fourth, e.srv, "/accounts/2fa/authenticate/", url.Values{"code": {codes[0][1]}}); resp.StatusCode != 200 || e.signedIn(t, fourth) {
		t.Fatalf("a spent recovery code = %d", resp.StatusCode)
	}

	// Removing the app, six minutes on, asks who it is first; a code from
	// the app answers, and the removal goes on.
	e.clock.Add(6 * time.Minute)
	resp, _ = post(t, me, e.srv, "/accounts/2fa/totp/deactivate/", nil)
	loc := location(t, resp)
	if !strings.HasPrefix(loc, "/accounts/reauthenticate/") {
		t.Fatalf("a stale removal went to %s", loc)
	}
	if _, page := get(t, me, e.srv, loc); !strings.Contains(page, "/accounts/2fa/reauthenticate/") {
		t.Fatalf("the reauthentication page offers no factor:\n%s", page)
	}
	resp, _ = post(t, me, e.srv, "/accounts/2fa/reauthenticate/", url.Values{"code": {e.totpCode(t, secret)}, "next": {"/accounts/2fa/totp/deactivate/"}})
	if loc := location(t, resp); loc != "/accounts/2fa/" {
		t.Fatalf("the resumed removal went to %s", loc)
	}
	e.mail(t, "mia@example.com", account.NoticeTOTPDeactivated)
	if e.signedIn(t, other) || !e.signedIn(t, me) {
		t.Fatal("removing the factor did not end the other sessions only")
	}
	fifth := e.browser()
	if loc := location(t, login(t, fifth, e.srv, "mia", goodPassword)); loc != "/dashboard/" {
		t.Fatalf("after removal the password went to %s", loc)
	}
}

// TestMFAFiveWrongCodesEndTheLogin: the fifth wrong code ends the login,
// which starts over from the password (SECURITY.md M1); the right code
// after that does nothing.
func TestMFAFiveWrongCodesEndTheLogin(t *testing.T) {
	e := newFlowEnv(t, account.Config{RateLimits: map[string]string{account.LimitLoginFailed: "50/300s/key"}})
	e.verifiedUser(t, "max")
	me := e.browser()
	location(t, login(t, me, e.srv, "max", goodPassword))
	secret, _ := e.enrolTOTP(t, me)
	e.clock.Add(30 * time.Second)
	b := e.browser()
	location(t, login(t, b, e.srv, "max", goodPassword))
	for i := 1; i <= 5; i++ {
		resp, _ := post(t, b, e.srv, "/accounts/2fa/authenticate/", url.Values{"code": {"000000"}})
		if i < 5 && resp.StatusCode != 200 {
			t.Fatalf("wrong code %d = %d", i, resp.StatusCode)
		}
		if i == 5 {
			if loc := location(t, resp); loc != "/accounts/login/" {
				t.Fatalf("the fifth wrong code went to %s", loc)
			}
		}
	}
	resp, _ := post(t, b, e.srv, "/accounts/2fa/authenticate/", url.Values{"code": {e.totpCode(t, secret)}})
	if loc := location(t, resp); loc != "/accounts/login/" || e.signedIn(t, b) {
		t.Fatalf("the right code after the challenge died went to %s", loc)
	}
}

// TestMFATrustedBrowser: with trust on, a browser trusted after a code
// skips the second factor at its next login, until the password changes.
func TestMFATrustedBrowser(t *testing.T) {
	e := newFlowEnv(t, account.Config{}, func(c *gatehouse.Config) { c.MFA.TrustEnabled = true })
	e.verifiedUser(t, "tia")
	me := e.browser()
	location(t, login(t, me, e.srv, "tia", goodPassword))
	secret, _ := e.enrolTOTP(t, me)
	e.clock.Add(30 * time.Second)

	b := e.browser()
	location(t, login(t, b, e.srv, "tia", goodPassword))
	resp, _ := post(t, b, e.srv, "/accounts/2fa/authenticate/", url.Values{"code": {e.totpCode(t, secret)}})
	if loc := location(t, resp); loc != "/accounts/2fa/trust/" {
		t.Fatalf("a code with trust on went to %s", loc)
	}
	resp, _ = post(t, b, e.srv, "/accounts/2fa/trust/", url.Values{"trust": {"yes"}})
	if loc := location(t, resp); loc != "/dashboard/" || setCookie(resp, mfa.TrustCookieName) == nil {
		t.Fatalf("trusting went to %s without a trust cookie", loc)
	}
	post(t, b, e.srv, "/accounts/logout/", nil)
	if loc := location(t, login(t, b, e.srv, "tia", goodPassword)); loc != "/dashboard/" {
		t.Fatalf("the trusted browser's login went to %s", loc)
	}
	// A browser that did not trust still asks.
	c := e.browser()
	if loc := location(t, login(t, c, e.srv, "tia", goodPassword)); loc != "/accounts/2fa/authenticate/" {
		t.Fatalf("an untrusted browser's login went to %s", loc)
	}
	// A new password ends the trust.
	post(t, b, e.srv, "/accounts/password/change/", url.Values{"oldpassword": {goodPassword}, "password1": {"another good passphrase 9"}, "password2": {"another good passphrase 9"}})
	post(t, b, e.srv, "/accounts/logout/", nil)
	if loc := location(t, login(t, b, e.srv, "tia", "another good passphrase 9")); loc != "/accounts/2fa/authenticate/" {
		t.Fatalf("after a password change the trusted browser's login went to %s", loc)
	}
}

// TestMFARequiredEnrolsAtLogin: with mfa.required = staff, a staff user
// without a factor is walked through adding one at login, before any
// session, and signs in after the codes are shown.
func TestMFARequiredEnrolsAtLogin(t *testing.T) {
	e := newFlowEnv(t, account.Config{}, func(c *gatehouse.Config) { c.MFA.Required = mfa.RequiredStaff })
	u := e.verifiedUser(t, "sam")
	u.IsStaff = true
	must(t, e.srv.DB.UpdateUser(t.Context(), u))
	e.srv.CreateUser(t, "pat", "pat@example.com", goodPassword)
	if loc := location(t, login(t, e.browser(), e.srv, "pat", goodPassword)); loc != "/dashboard/" {
		t.Fatalf("a user not required went to %s", loc)
	}
	b := e.browser()
	if loc := location(t, login(t, b, e.srv, "sam", goodPassword)); loc != "/accounts/2fa/totp/activate/" {
		t.Fatalf("a required user without a factor went to %s", loc)
	}
	if e.signedIn(t, b) {
		t.Fatal("the enrolment stage has a session")
	}
	_, page := get(t, b, e.srv, "/accounts/2fa/totp/activate/")
	secret, state := enrolment(t, page)
	e.secret(secret)
	resp, page := post(t, b, e.srv, "/accounts/2fa/totp/activate/", url.Values{"state": {state}, "code": {e.totpCode(t, secret)}})
	if resp.StatusCode != 200 || len(reMFACodes.FindAllString(page, -1)) != 10 || !strings.Contains(page, `value="continue"`) {
		t.Fatalf("enrolment at login = %d:\n%s", resp.StatusCode, page)
	}
	if e.signedIn(t, b) {
		t.Fatal("signed in before the codes were acknowledged")
	}
	resp, _ = post(t, b, e.srv, "/accounts/2fa/totp/activate/", url.Values{"action": {"continue"}})
	if loc := location(t, resp); loc != "/dashboard/" || !e.signedIn(t, b) {
		t.Fatalf("continuing went to %s", loc)
	}
	// The required factor cannot be removed.
	resp, _ = post(t, b, e.srv, "/accounts/2fa/totp/deactivate/", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("removing a required factor = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if st, err := e.srv.Gatehouse.MFA().Status(t.Context(), u); err != nil || !st.Enabled() {
		t.Fatal("the required factor was removed")
	}
}

// TestMFAEveryPathStops: a login by mailed code, and the login a password
// reset gives (LoginOnPasswordReset), stop at the second factor too
// (SECURITY.md M4, R3).
func TestMFAEveryPathStops(t *testing.T) {
	e := newFlowEnv(t, account.Config{LoginByCode: true, LoginOnPasswordReset: true, PasswordResetByCode: true})
	e.verifiedUser(t, "kai")
	me := e.browser()
	location(t, login(t, me, e.srv, "kai", goodPassword))
	e.enrolTOTP(t, me)

	b := e.browser()
	location(t, must2(post(t, b, e.srv, "/accounts/login/code/", url.Values{"email": {"kai@example.com"}})))
	code := mailCode(t, e.mail(t, "kai@example.com", account.NoticeLoginCode))
	resp, _ := post(t, b, e.srv, "/accounts/login/code/confirm/", url.Values{"code": {code}})
	if loc := location(t, resp); loc != "/accounts/2fa/authenticate/" || e.signedIn(t, b) {
		t.Fatalf("a login by code of a TOTP user went to %s", loc)
	}

	c := e.browser()
	location(t, must2(post(t, c, e.srv, "/accounts/password/reset/", url.Values{"email": {"kai@example.com"}})))
	code = mailCode(t, e.mail(t, "kai@example.com", account.NoticePasswordResetCode))
	loc := location(t, must2(post(t, c, e.srv, "/accounts/password/reset/confirm/", url.Values{"code": {code}})))
	resp, _ = post(t, c, e.srv, loc, url.Values{"password1": {"a fresh passphrase 42"}, "password2": {"a fresh passphrase 42"}})
	if loc := location(t, resp); loc != "/accounts/2fa/authenticate/" || e.signedIn(t, c) {
		t.Fatalf("the login after a reset of a TOTP user went to %s", loc)
	}
}

// TestMFANeedsVerifiedAddresses: a user with an unverified address cannot
// add a factor (SECURITY.md R7), and the overview says why.
func TestMFANeedsVerifiedAddresses(t *testing.T) {
	e := newFlowEnv(t, account.Config{})
	e.srv.CreateUser(t, "uma", "uma@example.com", goodPassword)
	me := e.browser()
	location(t, login(t, me, e.srv, "uma", goodPassword))
	if _, page := get(t, me, e.srv, "/accounts/2fa/"); !strings.Contains(page, "Confirm your email address") {
		t.Fatalf("the overview does not say the address must be confirmed:\n%s", page)
	}
	_, page := get(t, me, e.srv, "/accounts/2fa/totp/activate/")
	secret, state := enrolment(t, page)
	resp, page := post(t, me, e.srv, "/accounts/2fa/totp/activate/", url.Values{"state": {state}, "code": {e.totpCode(t, secret)}})
	if resp.StatusCode != 200 || reMFACodes.MatchString(page) || !strings.Contains(page, "Confirm your email address") {
		t.Fatalf("enrolment with an unverified address = %d:\n%s", resp.StatusCode, page)
	}
	if st, err := e.srv.Gatehouse.MFA().Status(t.Context(), e.user(t, "uma")); err != nil || st.Enabled() {
		t.Fatal("an unverified user enrolled")
	}
}

// TestMFASocialLoginStops: a login through a provider of a user with an
// authenticator app stops at the second factor too (SECURITY.md M4), and
// the code finishes it.
func TestMFASocialLoginStops(t *testing.T) {
	f := newGHFake(t)
	f.set(ghPerson{ID: 42, Login: "octocat", Email: "octo@example.com"})
	clock := &flowClock{t: time.Now().UTC().Truncate(time.Second)}
	srv := gatehousetest.NewServer(t, func(c *gatehouse.Config) {
		c.Social.Outbound.AllowPrivateNetworks = true
		c.Social.Apps = []social.App{f.app()}
		c.Now = clock.Now
	})
	b := newTab(t, srv.URL)
	resp, _ := b.get(b.toProvider(f, nil))
	expectRedirect(t, resp, "/")
	// Signed in by the provider just now: the app can be added.
	_, page := b.get("/accounts/2fa/totp/activate/")
	secret, state := enrolment(t, page)
	code, err := mfa.TOTP{}.Code(secret, clock.Now())
	must(t, err)
	if resp, page = b.post("/accounts/2fa/totp/activate/", url.Values{"state": {state}, "code": {code}}); !reMFACodes.MatchString(page) {
		t.Fatalf("activation = %d:\n%s", resp.StatusCode, page)
	}
	b.post("/accounts/logout/", nil)

	resp, _ = b.get(b.toProvider(f, nil))
	expectRedirect(t, resp, "/accounts/2fa/authenticate/")
	if resp, _ := b.get("/accounts/sessions/"); resp.StatusCode != http.StatusFound {
		t.Fatalf("the provider's login without the code has a session: %d", resp.StatusCode)
	}
	clock.Add(30 * time.Second)
	code, err = mfa.TOTP{}.Code(secret, clock.Now())
	must(t, err)
	resp, _ = b.post("/accounts/2fa/authenticate/", url.Values{"code": {code}})
	expectRedirect(t, resp, "/")
	if resp, _ := b.get("/accounts/sessions/"); resp.StatusCode != http.StatusOK {
		t.Fatalf("no session after the code: %d", resp.StatusCode)
	}
}

// TestMFAImportedAllauthUserLogsIn: a user imported from django-allauth with
// an authenticator app keeps it: the password alone stops at the second
// factor, and a code computed from the secret in the dump signs in.
func TestMFAImportedAllauthUserLogsIn(t *testing.T) {
	key := []byte("a secret key of this test, 32+ bytes long")
	e := newFlowEnv(t, account.Config{}, func(c *gatehouse.Config) { c.SecretKey = key })
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	hash, err := e.srv.Gatehouse.Account().Passwords.Hash(t.Context(), goodPassword)
	must(t, err)
	dump := `[
{"model": "auth.user", "pk": 7, "fields": {"username": "ada", "email": "ada@example.com", "password": "` + hash + `", "is_active": true}},
{"model": "account.emailaddress", "pk": 1, "fields": {"user": 7, "email": "ada@example.com", "verified": true, "primary": true}},
{"model": "mfa.authenticator", "pk": 3, "fields": {"user": 7, "type": "totp", "data": {"secret": "` + secret + `"}, "created_at": "2025-01-02T03:04:05Z", "last_used_at": null}}
]`
	ring, err := keys.New(key)
	must(t, err)
	rep, err := djangoimport.Import(t.Context(), e.srv.DB, strings.NewReader(dump), djangoimport.Options{
		MFAKeys: func() (*keys.Ring, error) { return ring, nil }})
	must(t, err)
	if rep == nil {
		t.Fatal("no report")
	}
	b := e.browser()
	if loc := location(t, login(t, b, e.srv, "ada", goodPassword)); loc != "/accounts/2fa/authenticate/" {
		t.Fatalf("the imported TOTP user's password went to %s", loc)
	}
	resp, _ := post(t, b, e.srv, "/accounts/2fa/authenticate/", url.Values{"code": {e.totpCode(t, secret)}})
	if loc := location(t, resp); loc != "/dashboard/" || !e.signedIn(t, b) {
		t.Fatalf("a code from the imported secret went to %s", loc)
	}
}

// TestMFAUserWithoutAddress: a user without an email address (a
// username-only signup) can add an authenticator app and log in with it;
// the notices have nowhere to go and are not sent.
func TestMFAUserWithoutAddress(t *testing.T) {
	e := newFlowEnv(t, account.Config{})
	e.srv.CreateUser(t, "noa", "", goodPassword)
	me := e.browser()
	location(t, login(t, me, e.srv, "noa", goodPassword))
	secret, _ := e.enrolTOTP(t, me)
	e.clock.Add(30 * time.Second)
	b := e.browser()
	if loc := location(t, login(t, b, e.srv, "noa", goodPassword)); loc != "/accounts/2fa/authenticate/" {
		t.Fatalf("the password went to %s", loc)
	}
	resp, _ := post(t, b, e.srv, "/accounts/2fa/authenticate/", url.Values{"code": {e.totpCode(t, secret)}})
	if loc := location(t, resp); loc != "/dashboard/" {
		t.Fatalf("the code went to %s", loc)
	}
}
