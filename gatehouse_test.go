package gatehouse_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/gatehousetest"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
	"github.com/gatehouse-auth/gatehouse/user"
)

const goodPassword = "correct horse battery staple"

// get fetches path and returns the response with its body read.
func get(t *testing.T, c *http.Client, srv *gatehousetest.Server, path string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// post submits a form as a same-origin browser would.
func post(t *testing.T, c *http.Client, srv *gatehousetest.Server, path string, v url.Values) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func login(t *testing.T, c *http.Client, srv *gatehousetest.Server, name, pw string) *http.Response {
	t.Helper()
	resp, _ := post(t, c, srv, "/accounts/login/", url.Values{"login": {name}, "password": {pw}})
	return resp
}

func TestPagesRender(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	c := srv.Client()
	for _, p := range []string{"/", "/accounts/login/", "/accounts/signup/", "/static/gatehouse/gatehouse.css"} {
		resp, body := get(t, c, srv, p)
		if resp.StatusCode != 200 || len(body) == 0 {
			t.Errorf("GET %s = %d", p, resp.StatusCode)
		}
	}
	resp, _ := get(t, c, srv, "/no-such-page/")
	if resp.StatusCode != 404 {
		t.Errorf("unknown page = %d, want 404", resp.StatusCode)
	}
}

func TestSignupLoginDashboardSecretLogout(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	c := srv.Client()
	resp, body := post(t, c, srv, "/accounts/signup/", url.Values{
		"username": {"alice"}, "email": {"alice@example.com"}, "password1": {goodPassword}, "password2": {goodPassword}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard/" {
		t.Fatalf("signup = %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	resp, body = get(t, c, srv, "/dashboard/")
	if resp.StatusCode != 200 || !strings.Contains(body, "alice") {
		t.Fatalf("dashboard after signup = %d", resp.StatusCode)
	}
	// Signed in but without the permission: 403, not a login redirect.
	resp, _ = get(t, c, srv, "/secret/")
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("secret without permission = %d, want 403", resp.StatusCode)
	}
	// A grant takes effect on the very next request.
	srv.Grant(t, "alice", "demo.view_secret")
	resp, _ = get(t, c, srv, "/secret/")
	if resp.StatusCode != 200 {
		t.Fatalf("secret with permission = %d, want 200", resp.StatusCode)
	}
	resp, body = get(t, c, srv, "/dashboard/")
	if !strings.Contains(body, "demo.view_secret") {
		t.Errorf("dashboard does not list the effective permission")
	}
	// Logout: GET only confirms, POST ends the session.
	resp, _ = get(t, c, srv, "/accounts/logout/")
	if resp.StatusCode != 200 {
		t.Fatalf("logout confirm = %d", resp.StatusCode)
	}
	if resp, _ = get(t, c, srv, "/dashboard/"); resp.StatusCode != 200 {
		t.Fatalf("GET logout ended the session")
	}
	resp, _ = post(t, c, srv, "/accounts/logout/", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout = %d", resp.StatusCode)
	}
	resp, _ = get(t, c, srv, "/dashboard/")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), "/accounts/login/?next=") {
		t.Fatalf("dashboard after logout = %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestLoginByUsernameOrEmailAndNext(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	srv.CreateUser(t, "Bob", "bob@example.com", goodPassword)
	for _, id := range []string{"Bob", "bob", "BOB@example.com"} {
		c := srv.Client()
		resp, _ := post(t, c, srv, "/accounts/login/", url.Values{"login": {id}, "password": {goodPassword}, "next": {"/secret/?a=1"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/secret/?a=1" {
			t.Errorf("login as %q = %d %q", id, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}

func TestLoginRefusesUnsafeNext(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	srv.CreateUser(t, "carol", "", goodPassword)
	for _, next := range []string{"//evil.com", "/\\evil.com", "https:evil.com", "https://app@evil.com",
		"https://app.com.evil.com", "%2F%2Fevil.com", "/%2F/evil.com", "/%09/evil.com", "java%09script:alert(1)", "/..;/x", "http://evil.com"} {
		c := srv.Client()
		resp, _ := post(t, c, srv, "/accounts/login/", url.Values{"login": {"carol"}, "password": {goodPassword}, "next": {next}})
		if loc := resp.Header.Get("Location"); loc != "/dashboard/" {
			t.Errorf("next %q redirected to %q, want /dashboard/", next, loc)
		}
	}
}

func TestWrongPasswordSameAnswerAsUnknownUser(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	srv.CreateUser(t, "dave", "", goodPassword)
	c := srv.Client()
	r1, b1 := post(t, c, srv, "/accounts/login/", url.Values{"login": {"dave"}, "password": {"wrong password"}})
	r2, b2 := post(t, c, srv, "/accounts/login/", url.Values{"login": {"nobody"}, "password": {"wrong password"}})
	if r1.StatusCode != 200 || r2.StatusCode != 200 {
		t.Fatalf("statuses %d %d", r1.StatusCode, r2.StatusCode)
	}
	if !strings.Contains(b1, "not correct") || !strings.Contains(b2, "not correct") {
		t.Fatalf("the invalid-credentials message is missing")
	}
	if strip(b1, "dave") != strip(b2, "nobody") {
		t.Errorf("responses differ between a wrong password and an unknown user")
	}
}

// strip removes the echoed login value.
func strip(body, login string) string {
	return strings.ReplaceAll(body, `value="`+login+`"`, `value=""`)
}

func TestLockoutAfterFailures(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	srv.CreateUser(t, "erin", "erin@example.com", goodPassword)
	c := srv.Client()
	// Failures under every spelling of the identity share one counter (L2).
	for i, id := range []string{"erin", "ERIN", "erin@example.com", "Erin", "erin"} {
		if resp := login(t, c, srv, id, "bad"); resp.StatusCode != 200 {
			t.Fatalf("failure %d = %d", i, resp.StatusCode)
		}
	}
	resp := login(t, c, srv, "erin", goodPassword)
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("right password during lockout = %d, want 429", resp.StatusCode)
	}
	if resp.Header.Get("Retry-After") == "" {
		t.Errorf("429 without Retry-After")
	}
}

func TestSessionFixationAndReplayAfterLogout(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	srv.CreateUser(t, "frank", "", goodPassword)
	c := srv.Client()
	u, _ := url.Parse(srv.URL)
	planted := "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	c.Jar.SetCookies(u, []*http.Cookie{{Name: "gatehouse_session", Value: planted, Path: "/"}})
	login(t, c, srv, "frank", goodPassword)
	var token string
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "gatehouse_session" {
			token = ck.Value
		}
	}
	if token == "" || token == planted {
		t.Fatalf("login kept the planted session id")
	}
	post(t, c, srv, "/accounts/logout/", nil)
	// Replay the old cookie after logout: anonymous.
	c2 := srv.Client()
	c2.Jar.SetCookies(u, []*http.Cookie{{Name: "gatehouse_session", Value: token, Path: "/"}})
	if resp, _ := get(t, c2, srv, "/dashboard/"); resp.StatusCode != http.StatusFound {
		t.Fatalf("replayed cookie after logout = %d, want a login redirect", resp.StatusCode)
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	srv.CreateUser(t, "gina", "", goodPassword)
	for _, remember := range []bool{false, true} {
		v := url.Values{"login": {"gina"}, "password": {goodPassword}}
		if remember {
			v.Set("remember", "on")
		}
		resp, _ := post(t, srv.Client(), srv, "/accounts/login/", v)
		var ck *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == "gatehouse_session" {
				ck = c
			}
		}
		if ck == nil {
			t.Fatal("no session cookie")
		}
		if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Domain != "" {
			t.Errorf("cookie attributes: %+v", ck)
		}
		if len(ck.Value) != 43 {
			t.Errorf("token length %d, want 43 (256 bits)", len(ck.Value))
		}
		if remember != (ck.MaxAge > 0) {
			t.Errorf("remember=%v but MaxAge=%d", remember, ck.MaxAge)
		}
		if strings.Contains(resp.Header.Get("Location"), ck.Value) {
			t.Errorf("token in Location")
		}
	}
}

func TestSecureCookieUnderHTTPS(t *testing.T) {
	srv := gatehousetest.NewServer(t, func(c *gatehouse.Config) { c.SiteURL = "https://example.com" })
	srv.CreateUser(t, "hank", "", goodPassword)
	resp := login(t, srv.Client(), srv, "hank", goodPassword)
	found := false
	for _, c := range resp.Cookies() {
		if c.Name == "__Host-gatehouse_session" {
			found = c.Secure && c.Path == "/" && c.Domain == ""
		}
	}
	if !found {
		t.Fatalf("want a Secure __Host- session cookie, got %v", resp.Header.Values("Set-Cookie"))
	}
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	srv.CreateUser(t, "ivy", "", goodPassword)
	a, b := srv.Client(), srv.Client()
	login(t, a, srv, "ivy", goodPassword)
	login(t, b, srv, "ivy", goodPassword)
	newPw := "a completely different passphrase"
	resp, body := post(t, a, srv, "/accounts/password/change/", url.Values{"oldpassword": {goodPassword}, "password1": {newPw}, "password2": {newPw}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change = %d\n%s", resp.StatusCode, body)
	}
	if resp, _ := get(t, a, srv, "/dashboard/"); resp.StatusCode != 200 {
		t.Errorf("the changing session was ended")
	}
	if resp, _ := get(t, b, srv, "/dashboard/"); resp.StatusCode != http.StatusFound {
		t.Errorf("the other session survived the password change")
	}
	if resp := login(t, srv.Client(), srv, "ivy", newPw); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("new password does not log in")
	}
}

func TestPasswordChangeNeedsCurrentPassword(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	srv.CreateUser(t, "jack", "", goodPassword)
	c := srv.Client()
	login(t, c, srv, "jack", goodPassword)
	newPw := "a completely different passphrase"
	resp, body := post(t, c, srv, "/accounts/password/change/", url.Values{"oldpassword": {"wrong"}, "password1": {newPw}, "password2": {newPw}})
	if resp.StatusCode != 200 || !strings.Contains(body, "incorrectly") {
		t.Fatalf("change with a wrong current password = %d", resp.StatusCode)
	}
}

func TestInactiveUserLosesAccessNextRequest(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	u := srv.CreateUser(t, "kate", "", goodPassword)
	c := srv.Client()
	login(t, c, srv, "kate", goodPassword)
	u.IsActive = false
	if err := srv.DB.UpdateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	if resp, _ := get(t, c, srv, "/dashboard/"); resp.StatusCode != http.StatusFound {
		t.Fatalf("inactive user still signed in: %d", resp.StatusCode)
	}
	// The right password leads to the inactive-account page, with no session.
	fresh := srv.Client()
	if resp := login(t, fresh, srv, "kate", goodPassword); resp.Header.Get("Location") != "/accounts/inactive/" {
		t.Fatalf("inactive user's login = %d to %q, want the inactive page", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := get(t, fresh, srv, "/dashboard/"); resp.StatusCode != http.StatusFound {
		t.Fatal("an inactive user got a session")
	}
	if resp, body := get(t, fresh, srv, "/accounts/inactive/"); resp.StatusCode != 200 || !strings.Contains(body, "This account is inactive") {
		t.Fatalf("inactive page = %d", resp.StatusCode)
	}
	// A wrong password hears what any wrong password hears.
	if resp := login(t, srv.Client(), srv, "kate", "not the password"); resp.StatusCode != 200 {
		t.Fatalf("inactive user's wrong password = %d, want the login form again", resp.StatusCode)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	srv.CreateUser(t, "liam", "", goodPassword)
	req, _ := http.NewRequest("POST", srv.URL+"/accounts/login/", strings.NewReader("login=liam&password="+url.QueryEscape(goodPassword)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST = %d, want 403", resp.StatusCode)
	}
}

func TestBodyTooLarge(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	big := url.Values{"login": {"x"}, "password": {strings.Repeat("a", 1<<20)}}
	resp, _ := post(t, srv.Client(), srv, "/accounts/login/", big)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("1 MiB form = %d, want 413", resp.StatusCode)
	}
}

func TestSecurityHeaders(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	for _, p := range []string{"/", "/accounts/login/", "/static/gatehouse/gatehouse.css", "/missing/"} {
		resp, _ := get(t, srv.Client(), srv, p)
		h := resp.Header
		if !strings.Contains(h.Get("Strict-Transport-Security"), "max-age=31536000") ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
			t.Errorf("%s: missing security headers: %v", p, h)
		}
		csp := h.Get("Content-Security-Policy")
		for _, d := range []string{"object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, d) {
				t.Errorf("%s: CSP %q lacks %s", p, csp, d)
			}
		}
	}
	resp, _ := get(t, srv.Client(), srv, "/accounts/login/")
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("login page Cache-Control = %q", resp.Header.Get("Cache-Control"))
	}
	if got := resp.Header.Get("Referrer-Policy"); got != "same-origin" {
		t.Errorf("login page Referrer-Policy = %q, want same-origin", got)
	}
	// Pages whose URL carries a mailed key send no Referer at all, valid
	// key or not, on GET and on POST.
	for _, p := range []string{"/accounts/confirm-email/1-2-3-abc/", "/accounts/password/reset/key/1-abc/", "/accounts/email/cancel/1-2-3-abc/"} {
		for _, method := range []string{"GET", "POST"} {
			var resp *http.Response
			if method == "GET" {
				resp, _ = get(t, srv.Client(), srv, p)
			} else {
				resp, _ = post(t, srv.Client(), srv, p, url.Values{})
			}
			if got := resp.Header.Get("Referrer-Policy"); got != "no-referrer" {
				t.Errorf("%s %s: Referrer-Policy = %q, want no-referrer", method, p, got)
			}
		}
	}
}

func TestSignupErrorsShownPerField(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	srv.CreateUser(t, "mia", "mia@example.com", goodPassword)
	resp, body := post(t, srv.Client(), srv, "/accounts/signup/", url.Values{
		"username": {"MIA"}, "email": {"not-an-email"}, "password1": {"12345678"}, "password2": {"12345679"}})
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{"already exists", "valid email", "entirely numeric", "didn’t match"} {
		if !strings.Contains(body, want) {
			t.Errorf("signup page lacks %q", want)
		}
	}
	if strings.Contains(body, "12345678") {
		t.Errorf("the password was echoed back")
	}
}

func TestRussianPages(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	req, _ := http.NewRequest("GET", srv.URL+"/accounts/login/", nil)
	req.Header.Set("Accept-Language", "ru-RU,ru;q=0.9,en;q=0.5")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `lang="ru"`) || !strings.Contains(string(b), "Войти") {
		t.Fatalf("Accept-Language ru did not give the Russian page")
	}
	// The switch overrides Accept-Language.
	c := srv.Client()
	post(t, c, srv, "/i18n/setlang/", url.Values{"language": {"en"}, "next": {"/accounts/login/"}})
	req, _ = http.NewRequest("GET", srv.URL+"/accounts/login/", nil)
	req.Header.Set("Accept-Language", "ru")
	resp, _ = c.Do(req)
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `lang="en"`) {
		t.Fatalf("language switch did not win over Accept-Language")
	}
}

func TestMiddlewareOutcomes(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	gh := srv.Gatehouse
	ctx := context.Background()
	staff := srv.CreateUser(t, "staffer", "", goodPassword)
	staff.IsStaff = true
	srv.DB.UpdateUser(ctx, staff)
	root := srv.CreateUser(t, "rooty", "", goodPassword)
	root.IsSuperuser = true
	srv.DB.UpdateUser(ctx, root)
	member := srv.CreateUser(t, "member", "", goodPassword)
	grp := &user.Group{Name: "editors"}
	srv.DB.CreateGroup(ctx, grp)
	srv.DB.AddUserToGroup(ctx, member.ID, grp.ID)
	srv.CreateUser(t, "plain", "", goodPassword)

	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello "+gatehouse.UserFrom(r.Context()).Username)
	})
	mux := http.NewServeMux()
	mux.Handle("/app/login-only", gh.RequireLogin(ok))
	mux.Handle("/app/perm", gh.RequirePermission("demo.view_secret")(ok))
	mux.Handle("/app/group", gh.RequireGroup("editors")(ok))
	mux.Handle("/app/staff", gh.RequireStaff(ok))
	mux.Handle("/app/super", gh.RequireSuperuser(ok))
	mux.Handle("/", gh.Handler())
	srv.HTTP.Config.Handler = gh.Protect(mux)

	want := map[string]map[string]int{
		"":        {"login-only": 302, "perm": 302, "group": 302, "staff": 302, "super": 302},
		"plain":   {"login-only": 200, "perm": 403, "group": 403, "staff": 403, "super": 403},
		"staffer": {"login-only": 200, "perm": 403, "group": 403, "staff": 200, "super": 403},
		"member":  {"login-only": 200, "perm": 403, "group": 200, "staff": 403, "super": 403},
		"rooty":   {"login-only": 200, "perm": 200, "group": 200, "staff": 403, "super": 200},
	}
	for who, routes := range want {
		c := srv.Client()
		if who != "" {
			if resp := login(t, c, srv, who, goodPassword); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("login %s = %d", who, resp.StatusCode)
			}
		}
		for route, status := range routes {
			resp, body := get(t, c, srv, "/app/"+route)
			if resp.StatusCode != status {
				t.Errorf("%q on /app/%s = %d, want %d", who, route, resp.StatusCode, status)
			}
			if status == 200 && !strings.Contains(body, "hello "+who) {
				t.Errorf("%q on /app/%s: UserFrom did not return the user", who, route)
			}
			if status == 302 && !strings.HasPrefix(resp.Header.Get("Location"), "/accounts/login/?next=%2Fapp%2F") {
				t.Errorf("anonymous /app/%s redirected to %q", route, resp.Header.Get("Location"))
			}
		}
	}
}

func TestIdleAndAbsoluteExpiry(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	srv := gatehousetest.NewServer(t, func(c *gatehouse.Config) {
		c.Now = clock
		c.Session.IdleTimeout = time.Hour
		c.Session.AbsoluteTimeout = 3 * time.Hour
	})
	srv.CreateUser(t, "nina", "", goodPassword)
	c := srv.Client()
	login(t, c, srv, "nina", goodPassword)
	// Active every 50 minutes: alive until the absolute limit.
	for i := 0; i < 3; i++ {
		now = now.Add(50 * time.Minute)
		if resp, _ := get(t, c, srv, "/dashboard/"); resp.StatusCode != 200 {
			t.Fatalf("active session ended after %d steps", i+1)
		}
	}
	now = now.Add(31 * time.Minute) // 3h01m after login
	if resp, _ := get(t, c, srv, "/dashboard/"); resp.StatusCode != http.StatusFound {
		t.Fatalf("session alive past the absolute timeout")
	}
	c = srv.Client()
	login(t, c, srv, "nina", goodPassword)
	now = now.Add(time.Hour + time.Second)
	if resp, _ := get(t, c, srv, "/dashboard/"); resp.StatusCode != http.StatusFound {
		t.Fatalf("session alive past the idle timeout")
	}
}

func TestEmailRequiredAndNoDemo(t *testing.T) {
	srv := gatehousetest.NewServer(t, func(c *gatehouse.Config) {
		c.Demo = false
		c.Account.EmailRequired = true
		c.LoginRedirect = "/app/"
	})
	c := srv.Client()
	_, body := get(t, c, srv, "/accounts/signup/")
	if !strings.Contains(body, `name="email" type="email"`) || !strings.Contains(body, "required") || strings.Contains(body, "(optional)") {
		t.Errorf("signup page does not mark email required")
	}
	resp, body := post(t, c, srv, "/accounts/signup/", url.Values{"username": {"ola"}, "password1": {goodPassword}, "password2": {goodPassword}})
	if resp.StatusCode != 200 || !strings.Contains(body, "This field is required.") {
		t.Fatalf("signup without email = %d", resp.StatusCode)
	}
	for _, p := range []string{"/dashboard/", "/secret/"} {
		if resp, _ := get(t, c, srv, p); resp.StatusCode != 404 {
			t.Errorf("%s without Demo = %d, want 404", p, resp.StatusCode)
		}
	}
	resp, _ = post(t, c, srv, "/accounts/signup/", url.Values{"username": {"ola"}, "email": {"ola@example.com"}, "password1": {goodPassword}, "password2": {goodPassword}})
	if resp.Header.Get("Location") != "/app/" {
		t.Errorf("signup went to %q, want the configured LoginRedirect", resp.Header.Get("Location"))
	}
}

// TestStoreWithoutSessionUser runs the signed-in path through a store that
// lacks the optional SessionUser method.
func TestStoreWithoutSessionUser(t *testing.T) {
	srv := gatehousetest.NewServer(t, func(c *gatehouse.Config) { c.Store = plainStore{c.Store} })
	srv.CreateUser(t, "pat", "", goodPassword)
	c := srv.Client()
	login(t, c, srv, "pat", goodPassword)
	if resp, body := get(t, c, srv, "/dashboard/"); resp.StatusCode != 200 || !strings.Contains(body, "pat") {
		t.Fatalf("dashboard = %d", resp.StatusCode)
	}
}

type plainStore struct{ gatehouse.Store }

// TestChangesFromAnotherProcessApplyNextRequest revokes a permission and
// deactivates a user through a second connection to the database (as the
// CLI or another instance would) while the server caches signed-in state.
func TestChangesFromAnotherProcessApplyNextRequest(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	u := srv.CreateUser(t, "quinn", "", goodPassword)
	srv.Grant(t, "quinn", "demo.view_secret")
	c := srv.Client()
	login(t, c, srv, "quinn", goodPassword)
	for i := 0; i < 3; i++ { // warm the cache
		if resp, _ := get(t, c, srv, "/secret/"); resp.StatusCode != 200 {
			t.Fatalf("secret = %d", resp.StatusCode)
		}
	}
	other, err := sqlstore.Open(context.Background(), srv.DBURL)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, body := get(t, c, srv, "/dashboard/"); strings.Contains(body, "auditors") {
		t.Fatal("group shown before it exists")
	}
	grp := &user.Group{Name: "auditors"}
	other.CreateGroup(context.Background(), grp)
	other.AddUserToGroup(context.Background(), u.ID, grp.ID)
	if _, body := get(t, c, srv, "/dashboard/"); !strings.Contains(body, "auditors") {
		t.Fatal("the dashboard still shows the old groups after a change elsewhere")
	}
	p, _ := other.PermissionByCode(context.Background(), "demo", "view_secret")
	if err := other.RevokeUserPermission(context.Background(), u.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	if resp, _ := get(t, c, srv, "/secret/"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("secret after revoke elsewhere = %d, want 403", resp.StatusCode)
	}
	u.IsActive = false
	if err := other.UpdateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	if resp, _ := get(t, c, srv, "/dashboard/"); resp.StatusCode != http.StatusFound {
		t.Fatalf("dashboard after deactivation elsewhere = %d, want a login redirect", resp.StatusCode)
	}
}

func TestSessionsPageListsAndEndsSessions(t *testing.T) {
	now := time.Now()
	clock := func() time.Time { return now }
	srv := gatehousetest.NewServer(t, func(c *gatehouse.Config) { c.Now = clock })
	srv.CreateUser(t, "ruth", "", goodPassword)
	srv.CreateUser(t, "sam", "", goodPassword)
	a, b, other := srv.Client(), srv.Client(), srv.Client()
	login(t, a, srv, "ruth", goodPassword)
	login(t, b, srv, "ruth", goodPassword)
	login(t, other, srv, "sam", goodPassword)
	resp, body := get(t, a, srv, "/accounts/sessions/")
	if resp.StatusCode != 200 || strings.Count(body, `name="id"`) != 1 {
		t.Fatalf("sessions page = %d, want one other session listed", resp.StatusCode)
	}
	ctx := context.Background()
	ruth, _ := srv.DB.UserByUsername(ctx, "ruth")
	sam, _ := srv.DB.UserByUsername(ctx, "sam")
	mine, _ := srv.DB.ListUser(ctx, ruth.ID)
	theirs, _ := srv.DB.ListUser(ctx, sam.ID)
	// Another user's session id is ignored.
	post(t, a, srv, "/accounts/sessions/", url.Values{"id": {theirs[0].ID}})
	if resp, _ := get(t, other, srv, "/dashboard/"); resp.StatusCode != 200 {
		t.Fatal("ruth ended sam's session")
	}
	// Past the re-authentication window the password is needed.
	now = now.Add(10 * time.Minute)
	if len(mine) != 2 {
		t.Fatalf("ruth has %d sessions", len(mine))
	}
	resp, _ = post(t, a, srv, "/accounts/sessions/", url.Values{"all": {"1"}})
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/accounts/reauthenticate/?next=%2Faccounts%2Fsessions%2F" {
		t.Fatalf("a stale session's POST = %d to %q, want the reauthentication page", resp.StatusCode, loc)
	}
	if resp, _ := get(t, b, srv, "/dashboard/"); resp.StatusCode != 200 {
		t.Fatal("the other session ended without re-authentication")
	}
	resp, body = post(t, a, srv, "/accounts/reauthenticate/", url.Values{"password": {"wrong"}, "next": {"/accounts/sessions/"}})
	if resp.StatusCode != 200 || !strings.Contains(body, "incorrectly") {
		t.Fatalf("reauthentication with a wrong password = %d", resp.StatusCode)
	}
	if resp, _ := get(t, b, srv, "/dashboard/"); resp.StatusCode != 200 {
		t.Fatal("the other session ended on a wrong password")
	}
	// The right password resumes the interrupted POST: all others end.
	resp, _ = post(t, a, srv, "/accounts/reauthenticate/", url.Values{"password": {goodPassword}, "next": {"/accounts/sessions/"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/accounts/sessions/" {
		t.Fatalf("reauthentication = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := get(t, b, srv, "/dashboard/"); resp.StatusCode != http.StatusFound {
		t.Fatal("the other session survived")
	}
	if resp, _ := get(t, a, srv, "/dashboard/"); resp.StatusCode != 200 {
		t.Fatal("the current session was ended")
	}
}

// TestCachedSessionNotExpiredOnStaleActivity: activity recorded elsewhere (as
// another instance would) keeps a session alive even when this instance's
// cached copy looks idle.
func TestCachedSessionNotExpiredOnStaleActivity(t *testing.T) {
	now := time.Now()
	clock := func() time.Time { return now }
	srv := gatehousetest.NewServer(t, func(c *gatehouse.Config) { c.Now = clock; c.Session.IdleTimeout = time.Hour })
	u := srv.CreateUser(t, "tess", "", goodPassword)
	c := srv.Client()
	login(t, c, srv, "tess", goodPassword)
	get(t, c, srv, "/dashboard/") // cached here
	now = now.Add(50 * time.Minute)
	ss, _ := srv.DB.ListUser(context.Background(), u.ID)
	if err := srv.DB.Touch(context.Background(), ss[0].ID, now); err != nil { // "another instance" saw the user
		t.Fatal(err)
	}
	now = now.Add(20 * time.Minute) // 70 min after the cached activity, 20 after the real one
	if resp, _ := get(t, c, srv, "/dashboard/"); resp.StatusCode != 200 {
		t.Fatalf("session ended on a stale cached activity time: %d", resp.StatusCode)
	}
}
