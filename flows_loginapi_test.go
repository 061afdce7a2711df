package gatehouse_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
	"github.com/gatehouse-auth/gatehouse/mfa"
	"github.com/gatehouse-auth/gatehouse/session"
)

// TestLoginAPIRedirectsOnlyToLocalNext: an app's own sign-in form that
// passes the posted next to Gatehouse.Login is not an open redirect: an
// unsafe next goes to LoginRedirect, as on Gatehouse's pages.
func TestLoginAPIRedirectsOnlyToLocalNext(t *testing.T) {
	db := testdb.SQLite(t)
	srv, _ := newApp(t, gatehouse.Config{Store: db}, func(gh *gatehouse.Gatehouse, mux *http.ServeMux) {
		mux.HandleFunc("POST /signin", func(w http.ResponseWriter, r *http.Request) {
			l, err := gh.Authenticate(r.Context(), r.PostFormValue("username"), r.PostFormValue("password"),
				account.Client{IP: gh.ClientIP(r), UserAgent: r.UserAgent()})
			if err != nil {
				http.Error(w, "no", http.StatusForbidden)
				return
			}
			l.Next = r.PostFormValue("next")
			gh.Login(w, r, l)
		})
	})
	addUser(t, db, "ola")
	for next, want := range map[string]string{
		"/reports/?q=1":            "/reports/?q=1",
		"https://evil.example/":    "/",
		"//evil.example/":          "/",
		"/\\evil.example/":         "/",
		"javascript:alert(1)":      "/",
		"/%2F%2Fevil.example/path": "/",
	} {
		resp, _ := request(t, newBrowser(), "POST", srv.URL+"/signin",
			strings.NewReader(url.Values{"username": {"ola"}, "password": {goodPassword}, "next": {next}}.Encode()),
			map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
			t.Errorf("next %q: %d to %q, want 303 to %q", next, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
}

// TestLoginAPIStopsAtTheSecondFactor: an app's own sign-in form that
// passes a login to Gatehouse.Login cannot skip a user's second factor:
// the browser goes to /accounts/2fa/authenticate/ without a session, and
// the account's CompleteLogin refuses the login while the stage is
// pending (SECURITY.md M4).
func TestLoginAPIStopsAtTheSecondFactor(t *testing.T) {
	db := testdb.SQLite(t)
	var app *gatehouse.Gatehouse
	srv, _ := newApp(t, gatehouse.Config{Store: db}, func(gh *gatehouse.Gatehouse, mux *http.ServeMux) {
		app = gh
		mux.HandleFunc("POST /signin", func(w http.ResponseWriter, r *http.Request) {
			l, err := gh.Authenticate(r.Context(), r.PostFormValue("username"), r.PostFormValue("password"),
				account.Client{IP: gh.ClientIP(r), UserAgent: r.UserAgent()})
			if err != nil {
				http.Error(w, "no", http.StatusForbidden)
				return
			}
			if _, err := gh.Account().CompleteLogin(r.Context(), l, account.Client{}); !account.HasCode(err, account.CodeStagePending) {
				http.Error(w, "CompleteLogin let a pending second factor through", http.StatusTeapot)
				return
			}
			gh.Login(w, r, l)
		})
	})
	u := addUser(t, db, "tom")
	sess := &session.Session{ID: "x", UserID: u.ID, AuthAt: time.Now()}
	cer, err := app.MFA().BeginTOTP(u, "tom")
	must(t, err)
	code, err := mfa.TOTP{}.Code(cer.Secret, time.Now())
	must(t, err)
	if _, err := app.MFA().ActivateTOTP(t.Context(), u, sess, cer.State, code, account.Client{}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser()
	resp, _ := request(t, b, "POST", srv.URL+"/signin",
		strings.NewReader(url.Values{"username": {"tom"}, "password": {goodPassword}}.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/accounts/2fa/authenticate/" {
		t.Fatalf("the app's login of a TOTP user = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, c := range resp.Cookies() {
		if strings.Contains(c.Name, "gatehouse_session") && c.MaxAge >= 0 {
			t.Fatalf("a session cookie %s was set before the second factor", c.Name)
		}
	}
}
