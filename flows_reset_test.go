package gatehouse_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/user"
)

const newPassword = "a brand new passphrase 2026"

// requestReset asks for a reset of email with a new browser and returns
// the mailed link's path.
func (e *flowEnv) requestReset(t *testing.T, email string) string {
	t.Helper()
	resp, _ := post(t, e.browser(), e.srv, "/accounts/password/reset/", url.Values{"email": {email}})
	if loc := location(t, resp); loc != "/accounts/password/reset/done/" {
		t.Fatalf("reset request went to %s", loc)
	}
	return e.mailLink(t, e.mail(t, email, account.NoticePasswordReset))
}

// openResetLink follows a reset link in c: the key moves into a flow named
// by the reset cookie and the browser goes on to a URL without it. It
// returns that URL.
func (e *flowEnv) openResetLink(t *testing.T, c *http.Client, link string, u *user.User) string {
	t.Helper()
	resp, _ := get(t, c, e.srv, link)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("GET %s = %d, want 302 to the form", link, resp.StatusCode)
	}
	want := "/accounts/password/reset/key/" + strconv.FormatInt(u.ID, 36) + "-set-password/"
	if loc := resp.Header.Get("Location"); loc != want {
		t.Fatalf("the reset link went to %s, want %s", loc, want)
	}
	ck := setCookie(resp, "gatehouse_reset")
	if ck == nil || ck.Value == "" || !ck.HttpOnly || ck.Path != "/accounts/" || strings.Contains(link, ck.Value) {
		t.Fatalf("the reset link set no proper reset cookie: %+v", ck)
	}
	r2, page := get(t, c, e.srv, want)
	if r2.StatusCode != 200 || !strings.Contains(page, `name="password1"`) || !strings.Contains(page, `action="`+want+`"`) {
		t.Fatalf("the new-password page = %d:\n%s", r2.StatusCode, page)
	}
	return want
}

// setNewPassword posts the new password on the form at path.
func (e *flowEnv) setNewPassword(t *testing.T, c *http.Client, path, pw string) (*http.Response, string) {
	t.Helper()
	e.secret(pw)
	return post(t, c, e.srv, path, url.Values{"password1": {pw}, "password2": {pw}})
}

// invalidReset checks that the reset link (GET) or form (POST) shows the
// invalid page.
func invalidReset(t *testing.T, resp *http.Response, page, why string) {
	t.Helper()
	if resp.StatusCode != 200 || !strings.Contains(page, "This link does not work") || strings.Contains(page, `name="password1"`) {
		t.Fatalf("%s: %d, want the invalid page:\n%s", why, resp.StatusCode, page)
	}
}

// TestPasswordResetByLink: the mailed link moves its key out of the URL;
// the new password replaces the old, ends every session of the user, lifts
// the login lock, mails a notice; the link is dead afterwards.
func TestPasswordResetByLink(t *testing.T) {
	e := newFlowEnv(t, account.Config{})
	lee := e.srv.CreateUser(t, "lee", "lee@example.com", goodPassword)
	elsewhere := e.browser()
	if loc := location(t, login(t, elsewhere, e.srv, "lee", goodPassword)); loc != "/dashboard/" || !e.signedIn(t, elsewhere) {
		t.Fatal("lee cannot sign in")
	}
	// Five wrong passwords lock the account.
	attacker := e.browser()
	for range 5 {
		if resp := login(t, attacker, e.srv, "lee", "wrong guess"); resp.StatusCode != 200 {
			t.Fatalf("wrong password = %d", resp.StatusCode)
		}
	}
	if resp := login(t, e.browser(), e.srv, "lee", goodPassword); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("the 6th login = %d, want 429 (locked)", resp.StatusCode)
	}

	link := e.requestReset(t, "LEE@example.com")
	if !strings.HasPrefix(link, "/accounts/password/reset/key/"+strconv.FormatInt(lee.ID, 36)+"-") {
		t.Fatalf("the reset link %s is not /key/<uid36>-<token>/", link)
	}
	r := e.browser()
	form := e.openResetLink(t, r, link, lee)
	// A refused password keeps the form.
	resp, page := post(t, r, e.srv, form, url.Values{"password1": {newPassword}, "password2": {"something else"}})
	if resp.StatusCode != 200 || !strings.Contains(page, `name="password1"`) {
		t.Fatalf("mismatched passwords = %d", resp.StatusCode)
	}
	resp, _ = e.setNewPassword(t, r, form, newPassword)
	if loc := location(t, resp); loc != "/accounts/password/reset/key/done/" {
		t.Fatalf("the reset went to %s", loc)
	}
	if ck := setCookie(resp, "gatehouse_reset"); ck == nil || ck.MaxAge >= 0 {
		t.Fatalf("the reset cookie was not cleared: %+v", ck)
	}
	if e.signedIn(t, r) {
		t.Fatal("the reset signed the browser in (LoginOnPasswordReset is off)")
	}
	if e.signedIn(t, elsewhere) {
		t.Fatal("the reset left lee's other session signed in")
	}
	e.mail(t, "lee@example.com", account.NoticePasswordChanged)
	// The lock is lifted; the new password works, the old does not.
	if resp := login(t, e.browser(), e.srv, "lee", goodPassword); resp.StatusCode != 200 {
		t.Fatalf("the old password = %d, want the form again", resp.StatusCode)
	}
	nb := e.browser()
	if loc := location(t, login(t, nb, e.srv, "lee", newPassword)); loc != "/dashboard/" || !e.signedIn(t, nb) {
		t.Fatal("the new password does not sign in after the reset")
	}
	// The link and the form are dead.
	resp, page = get(t, e.browser(), e.srv, link)
	invalidReset(t, resp, page, "the link again")
	r2 := e.browser()
	resp, page = get(t, r2, e.srv, link)
	invalidReset(t, resp, page, "the link in another browser")
	resp, page = e.setNewPassword(t, r, form, "yet another passphrase 77")
	invalidReset(t, resp, page, "the form again")
	if resp := login(t, e.browser(), e.srv, "lee", "yet another passphrase 77"); resp.StatusCode != 200 {
		t.Fatal("a second use of the form changed the password")
	}
}

// resetChange is a change to a user that a pending reset must not outlive.
type resetChange struct {
	name   string
	change func(u *user.User)
}

// resetKillers are the changes that end a pending reset, link or code:
// the password, a login (last login), an address added, deactivation.
func (e *flowEnv) resetKillers(t *testing.T) []resetChange {
	ctx := context.Background()
	return []resetChange{
		{"password", func(u *user.User) {
			enc, err := e.srv.Gatehouse.Account().Passwords.Hash(ctx, "changed elsewhere 1234")
			must(t, err)
			must(t, e.srv.DB.SetPassword(ctx, u.ID, enc))
		}},
		{"login", func(u *user.User) {
			e.clock.Add(time.Second)
			location(t, login(t, e.browser(), e.srv, u.Username, goodPassword))
		}},
		{"address added", func(u *user.User) {
			must(t, e.srv.DB.AddEmail(ctx, &user.EmailAddress{UserID: u.ID, Email: u.Username + ".second@example.com"}))
		}},
		{"deactivated", func(u *user.User) {
			u.IsActive = false
			must(t, e.srv.DB.UpdateUser(ctx, u))
		}},
	}
}

// TestPasswordResetTokenDies: a link dies when the password changes, when
// the user logs in (last_login), when an address changes, on deactivation
// and after PasswordResetTimeout — before it is opened, and after (the form).
func TestPasswordResetTokenDies(t *testing.T) {
	e := newFlowEnv(t, account.Config{PasswordResetTimeout: 2 * time.Hour})
	ctx := context.Background()
	changes := append(e.resetKillers(t),
		resetChange{"address changed", func(u *user.User) {
			u.Email = u.Username + ".new@example.com"
			must(t, e.srv.DB.UpdateUser(ctx, u))
		}},
		resetChange{"expiry", func(*user.User) { e.clock.Add(2*time.Hour + time.Second) }})
	for i, ch := range changes {
		for _, opened := range []bool{false, true} {
			name := "u" + strconv.Itoa(i) + map[bool]string{false: "a", true: "b"}[opened]
			u := e.srv.CreateUser(t, name, name+"@example.com", goodPassword)
			link := e.requestReset(t, name+"@example.com")
			c := e.browser()
			form := ""
			if opened {
				form = e.openResetLink(t, c, link, u)
			}
			ch.change(u)
			if opened {
				resp, page := get(t, c, e.srv, form)
				invalidReset(t, resp, page, ch.name+": the form after")
				resp, page = e.setNewPassword(t, c, form, newPassword)
				invalidReset(t, resp, page, ch.name+": posting the form after")
			}
			resp, page := get(t, e.browser(), e.srv, link)
			invalidReset(t, resp, page, ch.name+": the link after")
			if resp := login(t, e.browser(), e.srv, name, newPassword); resp.StatusCode != 200 {
				t.Fatalf("%s: a dead key changed the password", ch.name)
			}
		}
	}
	// Just inside the timeout the link works.
	u := e.srv.CreateUser(t, "late", "late@example.com", goodPassword)
	link := e.requestReset(t, "late@example.com")
	e.clock.Add(2*time.Hour - time.Minute)
	c := e.browser()
	form := e.openResetLink(t, c, link, u)
	resp, _ := e.setNewPassword(t, c, form, newPassword)
	if loc := location(t, resp); loc != "/accounts/password/reset/key/done/" {
		t.Fatalf("a link a minute before its expiry: %s", loc)
	}
}

// TestPasswordResetLogsInThroughStages: with LoginOnPasswordReset the reset
// signs the user in, through the login's stages (mandatory verification
// holds an unverified user at the email stage).
func TestPasswordResetLogsInThroughStages(t *testing.T) {
	e := newFlowEnv(t, account.Config{LoginOnPasswordReset: true, EmailVerification: account.EmailVerificationMandatory})
	ctx := context.Background()
	ok := e.srv.CreateUser(t, "vic", "vic@example.com", goodPassword)
	must(t, e.srv.DB.VerifyEmail(ctx, ok.ID, "vic@example.com"))
	c := e.browser()
	form := e.openResetLink(t, c, e.requestReset(t, "vic@example.com"), ok)
	resp, _ := e.setNewPassword(t, c, form, newPassword)
	if loc := location(t, resp); loc != "/dashboard/" || !e.signedIn(t, c) {
		t.Fatalf("LoginOnPasswordReset: the reset went to %s", loc)
	}
	e.mail(t, "vic@example.com", account.NoticePasswordChanged)

	// Unverified: the email stage, no session until the link.
	un := e.srv.CreateUser(t, "wes", "wes@example.com", goodPassword)
	c = e.browser()
	form = e.openResetLink(t, c, e.requestReset(t, "wes@example.com"), un)
	resp, _ = e.setNewPassword(t, c, form, newPassword)
	if loc := location(t, resp); loc != "/accounts/confirm-email/" || e.signedIn(t, c) {
		t.Fatalf("LoginOnPasswordReset, unverified: the reset went to %s (signed in %v)", loc, e.signedIn(t, c))
	}
	link := e.mailLink(t, e.mail(t, "wes@example.com", account.NoticeEmailConfirmation))
	resp, _ = post(t, c, e.srv, link, nil)
	if loc := location(t, resp); loc != "/dashboard/" || !e.signedIn(t, c) {
		t.Fatalf("the confirmation after the reset went to %s", loc)
	}
}

// TestPasswordResetByCode: in code mode the request leads to the code
// page; three wrong codes kill the reset (the right one is then refused);
// a new request's right code leads to the new password; the link URLs
// answer 404.
func TestPasswordResetByCode(t *testing.T) {
	e := newFlowEnv(t, account.Config{PasswordResetByCode: true})
	e.srv.CreateUser(t, "mo", "mo@example.com", goodPassword)
	request := func(c *http.Client) string {
		t.Helper()
		resp, _ := post(t, c, e.srv, "/accounts/password/reset/", url.Values{"email": {"mo@example.com"}})
		if loc := location(t, resp); loc != "/accounts/password/reset/confirm/" || setCookie(resp, "gatehouse_reset") == nil {
			t.Fatalf("a reset request in code mode went to %s (or set no reset cookie)", loc)
		}
		resp, page := get(t, c, e.srv, "/accounts/password/reset/confirm/")
		if resp.StatusCode != 200 || !strings.Contains(page, `name="code"`) {
			t.Fatalf("the code page = %d", resp.StatusCode)
		}
		m := e.mail(t, "mo@example.com", account.NoticePasswordResetCode)
		if strings.Contains(m.Text, "/reset/key/") {
			t.Fatalf("a code mail carries a link key:\n%s", m.Text)
		}
		return mailCode(t, m)
	}
	typeCode := func(c *http.Client, code string) (*http.Response, string) {
		return post(t, c, e.srv, "/accounts/password/reset/confirm/", url.Values{"code": {code}})
	}

	c := e.browser()
	code := request(c)
	for i := range 3 {
		resp, page := typeCode(c, wrongCode(code))
		if resp.StatusCode != 200 || !strings.Contains(page, `name="code"`) {
			t.Fatalf("wrong code %d = %d", i+1, resp.StatusCode)
		}
	}
	resp, _ := typeCode(c, code)
	if loc := location(t, resp); loc != "/accounts/password/reset/" {
		t.Fatalf("the right code after three wrong ones went to %s, want the request page again", loc)
	}
	resp, page := get(t, c, e.srv, "/accounts/password/reset/complete/")
	invalidReset(t, resp, page, "the new-password page of a dead code")

	// A new request; the right code opens the new-password page.
	c = e.browser()
	code = request(c)
	resp, _ = typeCode(c, wrongCode(code))
	resp, _ = typeCode(c, strings.ToLower(code))
	if loc := location(t, resp); loc != "/accounts/password/reset/complete/" {
		t.Fatalf("the right code went to %s", loc)
	}
	resp, page = get(t, c, e.srv, "/accounts/password/reset/complete/")
	if resp.StatusCode != 200 || !strings.Contains(page, `name="password1"`) {
		t.Fatalf("the new-password page = %d", resp.StatusCode)
	}
	resp, _ = e.setNewPassword(t, c, "/accounts/password/reset/complete/", newPassword)
	if loc := location(t, resp); loc != "/accounts/password/reset/key/done/" {
		t.Fatalf("the reset went to %s", loc)
	}
	e.mail(t, "mo@example.com", account.NoticePasswordChanged)
	if loc := location(t, login(t, e.browser(), e.srv, "mo", newPassword)); loc != "/dashboard/" {
		t.Fatal("the new password does not sign in")
	}
	resp, page = e.setNewPassword(t, c, "/accounts/password/reset/complete/", "another passphrase 99")
	invalidReset(t, resp, page, "the code's form again")

	// A code lives 3 minutes (PASSWORD_RESET_BY_CODE_TIMEOUT).
	e.clock.Add(time.Minute)
	c = e.browser()
	code = request(c)
	e.clock.Add(3*time.Minute + time.Second)
	resp, _ = typeCode(c, code)
	if resp.StatusCode == http.StatusSeeOther && resp.Header.Get("Location") == "/accounts/password/reset/complete/" {
		t.Fatal("a code past its 3 minutes was taken")
	}

	// No link pages in code mode.
	for _, p := range []string{"/accounts/password/reset/key/1-abc-def/", "/accounts/password/reset/key/1-set-password/"} {
		if resp, _ := get(t, e.browser(), e.srv, p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s in code mode = %d, want 404", p, resp.StatusCode)
		}
	}
}

// TestResetMailInTheRequestsLanguage: mail about an address without an
// account ("no account") and mail to a user with no stored language are in
// the language of the pages the request came from; a user's stored
// language wins over it.
func TestResetMailInTheRequestsLanguage(t *testing.T) {
	e := newFlowEnv(t, account.Config{})
	e.srv.CreateUser(t, "nolang", "nolang@example.com", goodPassword) // no stored language
	en := e.srv.CreateUser(t, "english", "english@example.com", goodPassword)
	en.Language = "en"
	must(t, e.srv.DB.UpdateUser(context.Background(), en))
	base, _ := url.Parse(e.srv.URL)
	ask := func(email string) {
		t.Helper()
		c := e.browser()
		c.Jar.SetCookies(base, []*http.Cookie{{Name: "gatehouse_lang", Value: "ru", Path: "/"}})
		resp, _ := post(t, c, e.srv, "/accounts/password/reset/", url.Values{"email": {email}})
		location(t, resp)
	}
	ask("nobody@example.com")
	if m := e.mail(t, "nobody@example.com", account.NoticeUnknownAccount); !strings.Contains(m.Subject, "Сброс пароля") {
		t.Errorf("the no-account mail for a Russian page is not Russian: %s", m.Subject)
	}
	ask("nolang@example.com")
	if m := e.mail(t, "nolang@example.com", account.NoticePasswordReset); !strings.Contains(m.Subject, "Сброс пароля") {
		t.Errorf("the reset mail of a user without a language, asked from a Russian page, is not Russian: %s", m.Subject)
	}
	ask("english@example.com")
	if m := e.mail(t, "english@example.com", account.NoticePasswordReset); strings.Contains(m.Subject, "Сброс") {
		t.Errorf("the reset mail of an English user is not English: %s", m.Subject)
	}
}

// TestResetCodeCookieOutlivesTheCodeStep: in code mode the reset cookie is
// renewed when the right code is typed, so the new-password step has the
// time the flow has (PASSWORD_RESET_BY_CODE_TIMEOUT from then), not what
// was left of it since the request.
func TestResetCodeCookieOutlivesTheCodeStep(t *testing.T) {
	e := newFlowEnv(t, account.Config{PasswordResetByCode: true})
	e.srv.CreateUser(t, "una", "una@example.com", goodPassword)
	c := e.browser()
	resp, _ := post(t, c, e.srv, "/accounts/password/reset/", url.Values{"email": {"una@example.com"}})
	location(t, resp)
	code := mailCode(t, e.mail(t, "una@example.com", account.NoticePasswordResetCode))
	e.clock.Add(170 * time.Second)
	resp, _ = post(t, c, e.srv, "/accounts/password/reset/confirm/", url.Values{"code": {code}})
	if loc := location(t, resp); loc != "/accounts/password/reset/complete/" {
		t.Fatalf("the right code went to %s", loc)
	}
	if ck := setCookie(resp, "gatehouse_reset"); ck == nil || ck.MaxAge < 170 {
		t.Fatalf("the reset cookie was not renewed with the code step (%+v): it ends 10 s later, before the flow", ck)
	}
	e.clock.Add(100 * time.Second)
	resp, page := get(t, c, e.srv, "/accounts/password/reset/complete/")
	if resp.StatusCode != 200 || !strings.Contains(page, `name="password1"`) {
		t.Fatalf("the new-password page 100 s after the code = %d", resp.StatusCode)
	}
}

// TestMailedLinksIgnoreForgedHost: a reset asked for with a forged Host
// and X-Forwarded-Host (the classic reset-poisoning attempt) is mailed a
// link on the configured site URL; the attacker's host appears nowhere in
// the mail (SECURITY.md C5).
func TestMailedLinksIgnoreForgedHost(t *testing.T) {
	e := newFlowEnv(t, account.Config{})
	e.srv.CreateUser(t, "max", "max@example.com", goodPassword)
	const evil = "evil.example"
	req, _ := http.NewRequest("POST", e.srv.URL+"/accounts/password/reset/", strings.NewReader(url.Values{"email": {"max@example.com"}}.Encode()))
	req.Host = evil
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("X-Forwarded-Host", evil)
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Header.Set("Forwarded", "host="+evil+";proto=https")
	resp, err := e.browser().Do(req)
	must(t, err)
	resp.Body.Close()
	if loc := location(t, resp); loc != "/accounts/password/reset/done/" {
		t.Fatalf("reset request with a forged host went to %s", loc)
	}
	m := e.mail(t, "max@example.com", account.NoticePasswordReset)
	link := e.mailLink(t, m) // starts with the site URL, in both parts
	if strings.Contains(m.Text, evil) || strings.Contains(m.HTML, evil) {
		t.Fatalf("the forged host reached the mail:\n%s", m.Text)
	}
	if !strings.HasPrefix(link, "/accounts/password/reset/key/") {
		t.Fatalf("link %s", link)
	}
}

// TestPasswordResetCodeDies: in code mode a reset dies, as a link's does,
// when the password or the addresses change, or the user logs in, between
// the mailed code and the new password — whether the code was typed before
// the change or after (SECURITY.md R2).
func TestPasswordResetCodeDies(t *testing.T) {
	e := newFlowEnv(t, account.Config{PasswordResetByCode: true})
	changes := append(e.resetKillers(t), resetChange{"nothing", func(*user.User) {}})
	for i, ch := range changes {
		for _, typedFirst := range []bool{false, true} {
			name := "c" + strconv.Itoa(i) + map[bool]string{false: "a", true: "b"}[typedFirst]
			u := e.srv.CreateUser(t, name, name+"@example.com", goodPassword)
			c := e.browser()
			resp, _ := post(t, c, e.srv, "/accounts/password/reset/", url.Values{"email": {name + "@example.com"}})
			location(t, resp)
			code := mailCode(t, e.mail(t, name+"@example.com", account.NoticePasswordResetCode))
			typeCode := func() {
				t.Helper()
				resp, _ := post(t, c, e.srv, "/accounts/password/reset/confirm/", url.Values{"code": {code}})
				if loc := location(t, resp); loc != "/accounts/password/reset/complete/" {
					t.Fatalf("%s: the right code went to %s", ch.name, loc)
				}
			}
			if typedFirst {
				typeCode()
			}
			ch.change(u)
			if !typedFirst {
				typeCode()
			}
			resp, page := e.setNewPassword(t, c, "/accounts/password/reset/complete/", newPassword)
			if ch.name == "nothing" {
				if loc := location(t, resp); loc != "/accounts/password/reset/key/done/" {
					t.Fatalf("an untouched code reset went to %s", loc)
				}
				continue
			}
			invalidReset(t, resp, page, ch.name+": the new password after")
			if resp := login(t, e.browser(), e.srv, name, newPassword); resp.StatusCode != 200 {
				t.Fatalf("%s: a dead code reset changed the password", ch.name)
			}
		}
	}
}

// TestPasswordResetForInactiveAccount: a reset asked for an inactive
// account's address is answered, and mailed, as for an address without an
// account: no reset mail, the "no account" notice.
func TestPasswordResetForInactiveAccount(t *testing.T) {
	e := newFlowEnv(t, account.Config{})
	u := e.srv.CreateUser(t, "gone", "gone@example.com", goodPassword)
	u.IsActive = false
	must(t, e.srv.DB.UpdateUser(context.Background(), u))
	resp, _ := post(t, e.browser(), e.srv, "/accounts/password/reset/", url.Values{"email": {"gone@example.com"}})
	if loc := location(t, resp); loc != "/accounts/password/reset/done/" {
		t.Fatalf("reset request went to %s", loc)
	}
	e.mail(t, "gone@example.com", account.NoticeUnknownAccount)
	e.noMail(t, "gone@example.com", account.NoticePasswordReset)
}

// TestPasswordChangeMailsANotice: a password changed by the user (with the
// current password) mails the account's address a "password changed"
// notice, with the way back (a reset); a refused change mails nothing
// (SECURITY.md D8).
func TestPasswordChangeMailsANotice(t *testing.T) {
	e := newFlowEnv(t, account.Config{})
	e.srv.CreateUser(t, "pat", "pat@example.com", goodPassword)
	c := e.browser()
	if loc := location(t, login(t, c, e.srv, "pat", goodPassword)); loc != "/dashboard/" {
		t.Fatalf("login went to %s", loc)
	}
	resp, _ := post(t, c, e.srv, "/accounts/password/change/", url.Values{"oldpassword": {"not the password"}, "password1": {newPassword}, "password2": {newPassword}})
	if resp.StatusCode != 200 {
		t.Fatalf("a change with a wrong current password = %d", resp.StatusCode)
	}
	e.noMail(t, "pat@example.com", account.NoticePasswordChanged)
	resp, _ = post(t, c, e.srv, "/accounts/password/change/", url.Values{"oldpassword": {goodPassword}, "password1": {newPassword}, "password2": {newPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the change = %d", resp.StatusCode)
	}
	m := e.mail(t, "pat@example.com", account.NoticePasswordChanged)
	if back := e.srv.URL + "/accounts/password/reset/"; !strings.Contains(m.Text, back) || !strings.Contains(m.HTML, `href="`+back+`"`) {
		t.Fatalf("the notice lacks the way back %s:\n%s", back, m.Text)
	}
	if !strings.Contains(m.Text, "other sessions were signed out") {
		t.Errorf("the notice says:\n%s", m.Text)
	}
}
