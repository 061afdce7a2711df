package gatehouse_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
)

// TestReauthenticateByMailedCode: a user without a usable password who
// ends their other sessions more than 5 minutes after signing in is asked
// to reauthenticate; the page mails a code, and the right code resumes the
// interrupted POST.
func TestReauthenticateByMailedCode(t *testing.T) {
	e := newFlowEnv(t, account.Config{})
	ctx := context.Background()
	nat := e.srv.CreateUser(t, "nat", "nat@example.com", goodPassword)
	me, other := e.browser(), e.browser()
	location(t, login(t, me, e.srv, "nat", goodPassword))
	location(t, login(t, other, e.srv, "nat", goodPassword))
	// The password becomes unusable (as for a user of a provider).
	must(t, e.srv.DB.SetPassword(ctx, nat.ID, "!unusable-password-marker-0123456789abcdef"))
	e.clock.Add(6 * time.Minute)
	if !e.signedIn(t, me) || !e.signedIn(t, other) {
		t.Fatal("the sessions ended before the test")
	}
	if _, page := get(t, me, e.srv, "/accounts/sessions/"); strings.Count(page, `name="id"`) != 1 {
		t.Fatalf("the sessions page does not list the other session:\n%s", page)
	}

	resp, _ := post(t, me, e.srv, "/accounts/sessions/", url.Values{"all": {"1"}})
	loc := location(t, resp)
	if !strings.HasPrefix(loc, "/accounts/reauthenticate/") || !e.signedIn(t, other) {
		t.Fatalf("ending sessions 6 minutes after login went to %s", loc)
	}
	resp, page := get(t, me, e.srv, loc)
	if resp.StatusCode != 200 || !strings.Contains(page, `value="send"`) || strings.Contains(page, `name="password"`) {
		t.Fatalf("the reauthentication page of a user without a password = %d:\n%s", resp.StatusCode, page)
	}
	resp, _ = post(t, me, e.srv, "/accounts/reauthenticate/", url.Values{"action": {"send"}, "next": {"/accounts/sessions/"}})
	loc = location(t, resp)
	code := mailCode(t, e.mail(t, "nat@example.com", account.NoticeReauthenticationCode))
	resp, page = get(t, me, e.srv, loc)
	if resp.StatusCode != 200 || !strings.Contains(page, `name="code"`) {
		t.Fatalf("the code form = %d:\n%s", resp.StatusCode, page)
	}
	resp, page = post(t, me, e.srv, "/accounts/reauthenticate/", url.Values{"code": {wrongCode(code)}, "next": {"/accounts/sessions/"}})
	if resp.StatusCode != 200 || !strings.Contains(page, `name="code"`) || !e.signedIn(t, other) {
		t.Fatalf("a wrong code = %d", resp.StatusCode)
	}
	resp, _ = post(t, me, e.srv, "/accounts/reauthenticate/", url.Values{"code": {code}, "next": {"/accounts/sessions/"}})
	if loc := location(t, resp); loc != "/accounts/sessions/" {
		t.Fatalf("the right code went to %s", loc)
	}
	if e.signedIn(t, other) {
		t.Fatal("the resumed POST did not end the other session")
	}
	if !e.signedIn(t, me) {
		t.Fatal("the reauthentication ended the user's own session")
	}
	_, page = get(t, me, e.srv, "/accounts/sessions/")
	if strings.Contains(page, `name="id"`) {
		t.Fatalf("the sessions page still lists other sessions:\n%s", page)
	}
	// The code is spent.
	resp, _ = post(t, me, e.srv, "/accounts/reauthenticate/", url.Values{"code": {code}})
	if resp.StatusCode == http.StatusSeeOther {
		t.Fatal("a reauthentication code worked twice")
	}
}

// TestReauthenticationCodeCookieLastsAsTheCode: the cookie naming a mailed
// reauthentication code lasts as long as the code
// (EmailVerificationCodeTimeout), not a fixed 10 minutes.
func TestReauthenticationCodeCookieLastsAsTheCode(t *testing.T) {
	for _, ttl := range []time.Duration{0, 30 * time.Minute} {
		e := newFlowEnv(t, account.Config{EmailVerificationCodeTimeout: ttl})
		u := e.srv.CreateUser(t, "quin", "quin@example.com", goodPassword)
		c := e.browser()
		location(t, login(t, c, e.srv, "quin", goodPassword))
		must(t, e.srv.DB.SetPassword(context.Background(), u.ID, "!unusable-password-marker-0123456789abcdef"))
		resp, _ := post(t, c, e.srv, "/accounts/reauthenticate/", url.Values{"action": {"send"}})
		location(t, resp)
		want := int(ttl / time.Second)
		if ttl == 0 {
			want = 600
		}
		if ck := setCookie(resp, "gatehouse_reauth_code"); ck == nil || ck.MaxAge != want {
			t.Fatalf("code timeout %v: the code's cookie %+v, want Max-Age %d", ttl, ck, want)
		}
		code := mailCode(t, e.mail(t, "quin@example.com", account.NoticeReauthenticationCode))
		e.clock.Add(time.Duration(want-1) * time.Second)
		resp, _ = post(t, c, e.srv, "/accounts/reauthenticate/", url.Values{"code": {code}})
		if loc := location(t, resp); loc != "/dashboard/" {
			t.Fatalf("code timeout %v: a code a second before its end went to %s", ttl, loc)
		}
	}
}
