package gatehouse_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
	"github.com/gatehouse-auth/gatehouse/user"
)

// TestSignupOptions: SIGNUP_FIELDS (an email-only form makes the username,
// email2 must match), the honeypot (a bot is answered as signed up and
// nothing is stored), and the closed page (by config and by the hook).
func TestSignupOptions(t *testing.T) {
	ctx := context.Background()
	db := testdb.SQLite(t)
	srv, _ := newApp(t, gatehouse.Config{Store: db, Account: account.Config{
		SignupFields: []string{"email*", "email2", "password1*"}, SignupHoneypot: "phone_number"}}, nil)
	_, page := fetch(t, newBrowser(), srv, "/accounts/signup/")
	if strings.Contains(page, `name="username"`) || strings.Contains(page, `name="password2"`) ||
		!strings.Contains(page, `name="email2"`) || !strings.Contains(page, `name="phone_number"`) {
		t.Fatal("the signup form does not follow SignupFields and the honeypot")
	}
	form := url.Values{"email": {"Zoe.Q@example.com"}, "email2": {"zoe.q@example.org"}, "password1": {goodPassword}}
	if st := send(t, newBrowser(), srv, "/accounts/signup/", form); st != 200 {
		t.Fatalf("mismatched email2 = %d, want the form again", st)
	}
	form.Set("email2", "ZOE.Q@example.com")
	if st := send(t, newBrowser(), srv, "/accounts/signup/", form); st != http.StatusSeeOther {
		t.Fatalf("email-only signup = %d", st)
	}
	u, err := db.UserByEmail(ctx, "zoe.q@example.com")
	if err != nil || u.Username != "Zoe.Q" {
		t.Fatalf("the made username = %v, %v", u, err)
	}
	bot := url.Values{"email": {"bot@example.com"}, "email2": {"bot@example.com"}, "password1": {goodPassword}, "phone_number": {"555"}}
	if st := send(t, newBrowser(), srv, "/accounts/signup/", bot); st != http.StatusSeeOther {
		t.Fatalf("the honeypot's answer = %d, want a signup's", st)
	}
	if _, err := db.UserByEmail(ctx, "bot@example.com"); !errors.Is(err, user.ErrNotFound) {
		t.Fatal("a bot that filled the honeypot got an account")
	}

	closedDB := testdb.SQLite(t)
	closed, _ := newApp(t, gatehouse.Config{Store: closedDB, Account: account.Config{SignupClosed: true}}, nil)
	if _, page := fetch(t, newBrowser(), closed, "/accounts/signup/"); !strings.Contains(page, "Signing up is closed") {
		t.Fatal("no closed page with SignupClosed")
	}
	send(t, newBrowser(), closed, "/accounts/signup/", url.Values{"username": {"late"}, "password1": {goodPassword}, "password2": {goodPassword}})
	if _, err := closedDB.UserByUsername(ctx, "late"); !errors.Is(err, user.ErrNotFound) {
		t.Fatal("a signup went through while closed")
	}
	hooked, _ := newApp(t, gatehouse.Config{Hooks: account.Hooks{
		SignupOpen: func(context.Context, account.Client) bool { return false }}}, nil)
	if _, page := fetch(t, newBrowser(), hooked, "/accounts/signup/"); !strings.Contains(page, "Signing up is closed") {
		t.Fatal("the SignupOpen hook did not close signups")
	}
}

// TestSessionRememberAndRedirectHooks: SESSION_REMEMBER always and never
// override the box (and hide it); the redirect hooks choose where login
// and logout land.
func TestSessionRememberAndRedirectHooks(t *testing.T) {
	for _, tc := range []struct {
		mode    account.RememberMode
		box     bool
		persist bool
	}{{account.RememberAsk, true, false}, {account.RememberAlways, false, true}, {account.RememberNever, false, false}} {
		db := testdb.SQLite(t)
		srv, _ := newApp(t, gatehouse.Config{Store: db, Account: account.Config{SessionRemember: tc.mode}, Hooks: account.Hooks{
			LoginRedirect:  func(_ context.Context, u *user.User) string { return "/welcome/" + u.Username + "/" },
			LogoutRedirect: func(context.Context) string { return "/goodbye/" },
		}}, nil)
		addUser(t, db, "rem")
		_, page := fetch(t, newBrowser(), srv, "/accounts/login/")
		if strings.Contains(page, `name="remember"`) != tc.box {
			t.Errorf("%q: remember box shown = %v, want %v", tc.mode, !tc.box, tc.box)
		}
		resp, _ := request(t, newBrowser(), "POST", srv.URL+"/accounts/login/", strings.NewReader("login=rem&password="+url.QueryEscape(goodPassword)),
			map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"})
		if loc := resp.Header.Get("Location"); loc != "/welcome/rem/" {
			t.Errorf("%q: login went to %q, want the hook's /welcome/rem/", tc.mode, loc)
		}
		persistent := false
		for _, ck := range resp.Cookies() {
			if strings.Contains(ck.Name, "session") && ck.MaxAge > 0 {
				persistent = true
			}
		}
		if persistent != tc.persist {
			t.Errorf("%q: a lasting session cookie = %v, want %v", tc.mode, persistent, tc.persist)
		}
		c := newBrowser()
		signIn(t, c, srv, "rem")
		resp, _ = request(t, c, "POST", srv.URL+"/accounts/logout/", nil, map[string]string{"Sec-Fetch-Site": "same-origin"})
		if loc := resp.Header.Get("Location"); loc != "/goodbye/" {
			t.Errorf("logout went to %q, want the hook's /goodbye/", loc)
		}
	}
}
