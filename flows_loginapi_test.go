package gatehouse_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
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
