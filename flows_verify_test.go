package gatehouse_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/djangoimport"
	"github.com/gatehouse-auth/gatehouse/mail/mailtest"
	"github.com/gatehouse-auth/gatehouse/user"
)

// TestVerifyOptionalByLink: with the default (optional) verification a
// signup signs the user in at once and mails a confirmation in the user's
// language (text and HTML); the link's GET shows a confirm button and
// changes nothing, its POST confirms; another browser can confirm too. A
// tampered or expired key, and a key for an address the user no longer
// has, show the invalid page and confirm nothing.
func TestVerifyOptionalByLink(t *testing.T) {
	e := newFlowEnv(t, account.Config{})
	ann := e.browser()
	base, _ := url.Parse(e.srv.URL)
	ann.Jar.SetCookies(base, []*http.Cookie{{Name: "gatehouse_lang", Value: "ru", Path: "/"}})
	if loc := location(t, e.signup(t, ann, "ann", "ann@example.com", nil)); loc != "/dashboard/" {
		t.Fatalf("signup went to %s, want the dashboard", loc)
	}
	if !e.signedIn(t, ann) {
		t.Fatal("optional verification: the signup did not sign ann in")
	}
	m := e.mail(t, "ann@example.com", account.NoticeEmailConfirmation)
	if !strings.Contains(m.Subject, "Подтвердите адрес") || !strings.Contains(m.Text, "Здравствуйте, ann!") ||
		!strings.Contains(m.Text, "Ссылка действует 3 дня") || !strings.Contains(m.HTML, `<html lang="ru"`) ||
		!strings.Contains(m.HTML, "Подтвердить адрес") {
		t.Fatalf("the confirmation is not in Russian:\nSubject: %s\n%s\n%s", m.Subject, m.Text, m.HTML)
	}
	if m.Text == "" || m.HTML == "" {
		t.Fatal("the confirmation lacks a text or an HTML part")
	}
	link := e.mailLink(t, m)

	// GET shows the address and a button posting to the same URL; it
	// changes nothing (mail scanners follow links).
	resp, page := get(t, ann, e.srv, link)
	if resp.StatusCode != 200 || !strings.Contains(page, "ann@example.com") || !strings.Contains(page, `method="post" action="`+link+`"`) {
		t.Fatalf("GET link = %d, without the address or the confirm form:\n%s", resp.StatusCode, page)
	}
	for range 3 {
		get(t, e.browser(), e.srv, link)
	}
	if e.verified(t, "ann", "ann@example.com") {
		t.Fatal("a GET of the link confirmed the address")
	}
	// POST confirms; the signed-in browser goes home.
	resp, _ = post(t, ann, e.srv, link, nil)
	if loc := location(t, resp); loc != "/dashboard/" {
		t.Fatalf("confirm (signed in) went to %s", loc)
	}
	if !e.verified(t, "ann", "ann@example.com") {
		t.Fatal("the POST did not confirm the address")
	}
	// Another browser (anonymous) can confirm too; it is not signed in.
	other := e.browser()
	resp, page = get(t, other, e.srv, link)
	if resp.StatusCode != 200 || !strings.Contains(page, `action="`+link+`"`) {
		t.Fatalf("GET link in another browser = %d", resp.StatusCode)
	}
	resp, _ = post(t, other, e.srv, link, nil)
	if loc := location(t, resp); loc != "/accounts/login/" {
		t.Fatalf("confirm in another browser went to %s, want the login page", loc)
	}
	if e.signedIn(t, other) {
		t.Fatal("confirming in another browser signed it in")
	}

	// A tampered key: each part changed.
	key := strings.TrimSuffix(strings.TrimPrefix(link, "/accounts/confirm-email/"), "/")
	parts := strings.SplitN(key, "-", 4)
	tampered := []string{
		key[:len(key)-1] + flip(key[len(key)-1]),
		"z" + key,
		parts[0] + "-" + parts[1] + "-" + parts[2] + "1-" + parts[3],
		"junk",
	}
	for _, k := range tampered {
		e.expectInvalidConfirm(t, "/accounts/confirm-email/"+url.PathEscape(k)+"/")
	}

	// An expired key: 3 days (EMAIL_CONFIRMATION_EXPIRE_DAYS).
	bob := e.browser()
	location(t, e.signup(t, bob, "bob", "bob@example.com", nil))
	bobLink := e.mailLink(t, e.mail(t, "bob@example.com", account.NoticeEmailConfirmation))
	e.clock.Add(3*24*time.Hour - time.Minute)
	if resp, page := get(t, e.browser(), e.srv, bobLink); resp.StatusCode != 200 || !strings.Contains(page, "bob@example.com") {
		t.Fatalf("a key a minute before its expiry is refused (%d)", resp.StatusCode)
	}
	e.clock.Add(2 * time.Minute)
	e.expectInvalidConfirm(t, bobLink)
	if e.verified(t, "bob", "bob@example.com") {
		t.Fatal("an expired key confirmed the address")
	}

	// A key for an address the user no longer has: the address removed, or
	// changed to another one.
	dee := e.browser()
	location(t, e.signup(t, dee, "dee", "dee@example.com", nil))
	deeLink := e.mailLink(t, e.mail(t, "dee@example.com", account.NoticeEmailConfirmation))
	d := e.user(t, "dee")
	must(t, e.srv.DB.AddEmail(context.Background(), &user.EmailAddress{UserID: d.ID, Email: "dee.new@example.com", Primary: true}))
	must(t, e.srv.DB.RemoveEmail(context.Background(), d.ID, "dee@example.com"))
	e.expectInvalidConfirm(t, deeLink)
	if e.verified(t, "dee", "dee.new@example.com") {
		t.Fatal("a key for a removed address verified the new one")
	}
	cy := e.browser()
	location(t, e.signup(t, cy, "cy", "cy@example.com", nil))
	cyLink := e.mailLink(t, e.mail(t, "cy@example.com", account.NoticeEmailConfirmation))
	u := e.user(t, "cy")
	u.Email = "cy.new@example.com"
	must(t, e.srv.DB.UpdateUser(context.Background(), u))
	// The store keeps the old address as a second one of cy's: its key
	// still confirms that address, and only that one.
	resp, _ = post(t, e.browser(), e.srv, cyLink, nil)
	location(t, resp)
	if !e.verified(t, "cy", "cy@example.com") || e.verified(t, "cy", "cy.new@example.com") {
		t.Fatal("the old key did not confirm exactly the old address")
	}
	// Once the address is gone from cy's account, its key is dead.
	must(t, e.srv.DB.RemoveEmail(context.Background(), u.ID, "cy@example.com"))
	e.expectInvalidConfirm(t, cyLink)
}

// expectInvalidConfirm checks that GET and POST of a confirmation link show
// the invalid page and confirm nothing.
func (e *flowEnv) expectInvalidConfirm(t *testing.T, link string) {
	t.Helper()
	for _, method := range []string{"GET", "POST"} {
		var resp *http.Response
		var page string
		if method == "GET" {
			resp, page = get(t, e.browser(), e.srv, link)
		} else {
			resp, page = post(t, e.browser(), e.srv, link, nil)
		}
		if resp.StatusCode != 200 || !strings.Contains(page, "This link does not work") || strings.Contains(page, `method="post"`+` action="`+link) {
			t.Fatalf("%s %s = %d, want the invalid page:\n%s", method, link, resp.StatusCode, page)
		}
	}
}

// flip returns a different base64url character than c.
func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

// TestVerifyMandatoryByLink: with mandatory verification a signup and a
// login stop at /accounts/confirm-email/ without a session; the link opened
// in the same browser finishes the login (session, next and remember
// kept), opened in another browser it confirms and signs nobody in. Resend
// obeys the 180 s cooldown with the real time left. An address verified
// before (imported) passes the stage.
func TestVerifyMandatoryByLink(t *testing.T) {
	e := newFlowEnv(t, account.Config{EmailVerification: account.EmailVerificationMandatory})

	// Signup: the stage, no session.
	dan := e.browser()
	resp := e.signup(t, dan, "dan", "dan@example.com", url.Values{"next": {"/dashboard/?from=signup"}})
	if loc := location(t, resp); loc != "/accounts/confirm-email/" {
		t.Fatalf("signup went to %s, want the email stage", loc)
	}
	if setCookie(resp, "gatehouse_session") != nil || e.signedIn(t, dan) {
		t.Fatal("a signup with mandatory verification started a session")
	}
	resp, page := get(t, dan, e.srv, "/accounts/confirm-email/")
	if resp.StatusCode != 200 || !strings.Contains(page, "We sent a link to dan@example.com") || strings.Contains(page, `value="skip"`) {
		t.Fatalf("the email stage = %d:\n%s", resp.StatusCode, page)
	}
	link := e.mailLink(t, e.mail(t, "dan@example.com", account.NoticeEmailConfirmation))

	// Another browser confirms and is not signed in; dan is not either.
	other := e.browser()
	resp, _ = post(t, other, e.srv, link, nil)
	if loc := location(t, resp); loc != "/accounts/login/" || e.signedIn(t, other) {
		t.Fatalf("confirm in another browser: %s, signed in %v", loc, e.signedIn(t, other))
	}
	if !e.verified(t, "dan", "dan@example.com") || e.signedIn(t, dan) {
		t.Fatal("the other browser's confirmation did not verify, or signed dan's browser in")
	}
	// The same link in dan's browser finishes dan's login and keeps next.
	resp, _ = post(t, dan, e.srv, link, nil)
	if loc := location(t, resp); loc != "/dashboard/?from=signup" {
		t.Fatalf("confirm in the signup's browser went to %s, want its next", loc)
	}
	if !e.signedIn(t, dan) {
		t.Fatal("confirming in the same browser did not finish the login")
	}

	// Login of an unverified user: the stage (a mail goes out), no
	// session; next and remember survive it.
	eve := e.srv.CreateUser(t, "eve", "eve@example.com", goodPassword)
	_ = eve
	lb := e.browser()
	resp, _ = post(t, lb, e.srv, "/accounts/login/", url.Values{"login": {"eve"}, "password": {goodPassword},
		"remember": {"on"}, "next": {"/dashboard/?from=login"}})
	if loc := location(t, resp); loc != "/accounts/confirm-email/" || setCookie(resp, "gatehouse_session") != nil {
		t.Fatalf("login of an unverified user went to %s (or set a session)", loc)
	}
	if e.signedIn(t, lb) {
		t.Fatal("a login held at the email stage has a session")
	}
	first := e.mailLink(t, e.mail(t, "eve@example.com", account.NoticeEmailConfirmation))

	// Resend: 429 with the time left in the 180 s cooldown, then a mail.
	resend := func() *http.Response {
		resp, _ := post(t, lb, e.srv, "/accounts/confirm-email/", url.Values{"action": {"resend"}})
		return resp
	}
	for _, step := range []struct {
		wait  time.Duration
		retry string
	}{{0, "180"}, {100 * time.Second, "80"}, {79 * time.Second, "1"}} {
		e.clock.Add(step.wait)
		if resp := resend(); resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != step.retry {
			t.Fatalf("resend after %v more = %d, Retry-After %q; want 429, %s", step.wait, resp.StatusCode, resp.Header.Get("Retry-After"), step.retry)
		}
	}
	e.clock.Add(time.Second)
	if loc := location(t, resend()); loc != "/accounts/confirm-email/" {
		t.Fatalf("resend after the cooldown went to %s", loc)
	}
	second := e.mailLink(t, e.mail(t, "eve@example.com", account.NoticeEmailConfirmation))
	if second == first {
		t.Log("the resent link is the first one (same second)")
	}
	// The first link still works (3 days); in the login's browser it
	// finishes the login with next and a remembered session.
	resp, _ = post(t, lb, e.srv, first, nil)
	if loc := location(t, resp); loc != "/dashboard/?from=login" {
		t.Fatalf("confirm in the login's browser went to %s, want its next", loc)
	}
	sc := setCookie(resp, "gatehouse_session")
	if sc == nil || sc.MaxAge <= 0 {
		t.Fatalf("the session cookie after the stage is not remembered: %+v", sc)
	}
	if !e.signedIn(t, lb) {
		t.Fatal("no session after the email stage")
	}
	// The finished login's flow is spent: the confirm link again only
	// confirms, and the stage page sends to the login page.
	resp, _ = get(t, lb, e.srv, "/accounts/confirm-email/")
	if loc := location(t, resp); loc != "/accounts/login/" {
		t.Fatalf("the email stage after the login went to %s", loc)
	}

	// A verified address (as an import keeps it) passes the stage.
	fay := e.srv.CreateUser(t, "fay", "fay@example.com", goodPassword)
	must(t, e.srv.DB.VerifyEmail(context.Background(), fay.ID, "FAY@example.com"))
	fb := e.browser()
	resp, _ = post(t, fb, e.srv, "/accounts/login/", url.Values{"login": {"fay@example.com"}, "password": {goodPassword}})
	if loc := location(t, resp); loc != "/dashboard/" || !e.signedIn(t, fb) {
		t.Fatalf("a verified user's login went to %s", loc)
	}
	e.outboxSettled(t)
	e.noMail(t, "fay@example.com", account.NoticeEmailConfirmation)
}

// TestVerifyMandatoryByCode: in code mode the email stage asks for the
// mailed code (XXXX-XXXX): three wrong tries kill it (the right one is
// then refused too), it dies after 10 minutes, and the right code in time
// finishes the login; the link URLs answer 404.
func TestVerifyMandatoryByCode(t *testing.T) {
	e := newFlowEnv(t, account.Config{EmailVerification: account.EmailVerificationMandatory, EmailVerificationByCode: true})
	typeCode := func(c *http.Client, code string) (*http.Response, string) {
		t.Helper()
		return post(t, c, e.srv, "/accounts/confirm-email/", url.Values{"action": {"code"}, "code": {code}})
	}
	refused := func(c *http.Client, code, why string) {
		t.Helper()
		resp, page := typeCode(c, code)
		if resp.StatusCode != 200 || !strings.Contains(page, `name="code"`) || e.signedIn(t, c) {
			t.Fatalf("%s: code %s = %d (signed in %v)", why, code, resp.StatusCode, e.signedIn(t, c))
		}
	}

	// Three attempts.
	gil := e.browser()
	if loc := location(t, e.signup(t, gil, "gil", "gil@example.com", url.Values{"next": {"/dashboard/?code=1"}})); loc != "/accounts/confirm-email/" {
		t.Fatalf("signup went to %s", loc)
	}
	if resp, page := get(t, gil, e.srv, "/accounts/confirm-email/"); resp.StatusCode != 200 ||
		!strings.Contains(page, "We sent a code to gil@example.com") || !strings.Contains(page, `name="code"`) {
		t.Fatalf("the code stage = %d:\n%s", resp.StatusCode, page)
	}
	m := e.mail(t, "gil@example.com", account.NoticeEmailConfirmationCode)
	code := mailCode(t, m)
	if e.mailLinkOrEmpty(m) != "" {
		t.Fatalf("a code mail carries a confirmation link:\n%s", m.Text)
	}
	for i := range 3 {
		refused(gil, wrongCode(code), "wrong code "+string(rune('1'+i)))
	}
	refused(gil, code, "the right code after three wrong ones")
	if e.verified(t, "gil", "gil@example.com") {
		t.Fatal("a dead code verified the address")
	}
	// A new code after the cooldown; the right one, typed loosely, in time.
	e.clock.Add(181 * time.Second)
	location(t, must2(post(t, gil, e.srv, "/accounts/confirm-email/", url.Values{"action": {"resend"}})))
	code = mailCode(t, e.mail(t, "gil@example.com", account.NoticeEmailConfirmationCode))
	refused(gil, wrongCode(code), "a wrong code")
	resp, _ := typeCode(gil, " "+strings.ToLower(strings.ReplaceAll(code, "-", " "))+" ")
	if loc := location(t, resp); loc != "/dashboard/?code=1" || !e.signedIn(t, gil) {
		t.Fatalf("the right code went to %s (signed in %v)", loc, e.signedIn(t, gil))
	}
	if !e.verified(t, "gil", "gil@example.com") {
		t.Fatal("the right code did not verify the address")
	}

	// Ten minutes.
	hal := e.srv.CreateUser(t, "hal", "hal@example.com", goodPassword)
	_ = hal
	hb := e.browser()
	resp, _ = post(t, hb, e.srv, "/accounts/login/", url.Values{"login": {"hal"}, "password": {goodPassword}})
	if loc := location(t, resp); loc != "/accounts/confirm-email/" {
		t.Fatalf("login went to %s", loc)
	}
	code = mailCode(t, e.mail(t, "hal@example.com", account.NoticeEmailConfirmationCode))
	e.clock.Add(10*time.Minute + time.Second)
	refused(hb, code, "a code after 10 minutes")
	if e.verified(t, "hal", "hal@example.com") {
		t.Fatal("an expired code verified the address")
	}
	// Within the ten minutes it works (a new login: the first one's flow
	// ends 15 minutes after it began, LOGIN_TIMEOUT).
	resp, _ = post(t, hb, e.srv, "/accounts/login/", url.Values{"login": {"hal"}, "password": {goodPassword}})
	if loc := location(t, resp); loc != "/accounts/confirm-email/" {
		t.Fatalf("login again went to %s", loc)
	}
	code = mailCode(t, e.mail(t, "hal@example.com", account.NoticeEmailConfirmationCode))
	e.clock.Add(10*time.Minute - time.Second)
	resp, _ = typeCode(hb, code)
	if loc := location(t, resp); loc != "/dashboard/" || !e.signedIn(t, hb) {
		t.Fatalf("a code 9:59 old went to %s (signed in %v)", loc, e.signedIn(t, hb))
	}

	// The link pages do not exist in code mode.
	if resp, _ := get(t, e.browser(), e.srv, "/accounts/confirm-email/1-1-1-abc/"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a confirmation link in code mode = %d, want 404", resp.StatusCode)
	}
}

// TestVerifyOptionalByCodeOffersLater: optional verification in code mode
// asks for the code right after signup, with "Later" (skip) signing in
// without it; a later login does not ask.
func TestVerifyOptionalByCodeOffersLater(t *testing.T) {
	e := newFlowEnv(t, account.Config{EmailVerificationByCode: true})
	ida := e.browser()
	if loc := location(t, e.signup(t, ida, "ida", "ida@example.com", url.Values{"next": {"/dashboard/?later=1"}})); loc != "/accounts/confirm-email/" {
		t.Fatalf("signup went to %s, want the code page", loc)
	}
	resp, page := get(t, ida, e.srv, "/accounts/confirm-email/")
	if resp.StatusCode != 200 || !strings.Contains(page, `value="skip"`) || !strings.Contains(page, ">Later<") {
		t.Fatalf("the optional code page = %d, without Later:\n%s", resp.StatusCode, page)
	}
	e.mail(t, "ida@example.com", account.NoticeEmailConfirmationCode)
	if e.signedIn(t, ida) {
		t.Fatal("signed in before the code or Later")
	}
	resp, _ = post(t, ida, e.srv, "/accounts/confirm-email/", url.Values{"action": {"skip"}})
	if loc := location(t, resp); loc != "/dashboard/?later=1" || !e.signedIn(t, ida) {
		t.Fatalf("Later went to %s (signed in %v)", loc, e.signedIn(t, ida))
	}
	if e.verified(t, "ida", "ida@example.com") {
		t.Fatal("Later verified the address")
	}
	// A login later is not held.
	lb := e.browser()
	resp, _ = post(t, lb, e.srv, "/accounts/login/", url.Values{"login": {"ida"}, "password": {goodPassword}})
	if loc := location(t, resp); loc != "/dashboard/" || !e.signedIn(t, lb) {
		t.Fatalf("a login with optional verification went to %s", loc)
	}
}

// mailLinkOrEmpty returns the link of a mail, or "".
func (e *flowEnv) mailLinkOrEmpty(m mailtest.Summary) string { return linkRE.FindString(m.Text) }

// must2 returns the response of a post, ignoring its body.
func must2(resp *http.Response, _ string) *http.Response { return resp }

// TestImportedVerifiedAddressPassesStage: users imported from a Django
// dump keep allauth's verified flag, so with mandatory verification a user
// whose address was verified there signs in at once, and one whose was not
// stops at the email stage.
func TestImportedVerifiedAddressPassesStage(t *testing.T) {
	e := newFlowEnv(t, account.Config{EmailVerification: account.EmailVerificationMandatory})
	ctx := context.Background()
	hash, err := e.srv.Gatehouse.Account().Passwords.Hash(ctx, goodPassword)
	must(t, err)
	dump := fmt.Sprintf(`[
{"model": "auth.user", "pk": 1, "fields": {"password": %[1]q, "last_login": null, "is_superuser": false,
 "username": "imported", "first_name": "", "last_name": "", "email": "imported@example.com", "is_staff": false,
 "is_active": true, "date_joined": "2021-03-01T12:30:15.123Z", "groups": [], "user_permissions": []}},
{"model": "auth.user", "pk": 2, "fields": {"password": %[1]q, "last_login": null, "is_superuser": false,
 "username": "unconfirmed", "first_name": "", "last_name": "", "email": "unconfirmed@example.com", "is_staff": false,
 "is_active": true, "date_joined": "2021-03-01T12:30:15.123Z", "groups": [], "user_permissions": []}},
{"model": "account.emailaddress", "pk": 1, "fields": {"user": 1, "email": "imported@example.com", "verified": true, "primary": true}},
{"model": "account.emailaddress", "pk": 2, "fields": {"user": 2, "email": "unconfirmed@example.com", "verified": false, "primary": true}}
]`, hash)
	if _, err := djangoimport.Import(ctx, e.srv.DB, strings.NewReader(dump), djangoimport.Options{}); err != nil {
		t.Fatal(err)
	}
	c := e.browser()
	resp, _ := post(t, c, e.srv, "/accounts/login/", url.Values{"login": {"imported"}, "password": {goodPassword}})
	if loc := location(t, resp); loc != "/dashboard/" || !e.signedIn(t, c) {
		t.Fatalf("an imported verified user's login went to %s", loc)
	}
	c = e.browser()
	resp, _ = post(t, c, e.srv, "/accounts/login/", url.Values{"login": {"unconfirmed"}, "password": {goodPassword}})
	if loc := location(t, resp); loc != "/accounts/confirm-email/" || e.signedIn(t, c) {
		t.Fatalf("an imported unverified user's login went to %s", loc)
	}
	e.mail(t, "unconfirmed@example.com", account.NoticeEmailConfirmation)
}
