package gatehouse_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/gatehousetest"
)

// sessionCookie logs a user in through the real form and returns the cookie.
func sessionCookie(b *testing.B, srv *gatehousetest.Server, name string) *http.Cookie {
	req := httptest.NewRequest("POST", "/accounts/login/", strings.NewReader(url.Values{"login": {name}, "password": {goodPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	srv.Gatehouse.Handler().ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == "gatehouse_session" {
			return c
		}
	}
	b.Fatalf("login failed: %d", rec.Code)
	return nil
}

// BenchmarkAuthenticatedRequest measures what Gatehouse adds to a request: the
// session lookup, the user, and the permission check of RequirePermission,
// against the same handler without Gatehouse (BenchmarkBareHandler).
func BenchmarkAuthenticatedRequest(b *testing.B) {
	srv := gatehousetest.NewServer(b)
	srv.CreateUser(b, "bench", "", goodPassword)
	srv.Grant(b, "bench", "demo.view_secret")
	ck := sessionCookie(b, srv, "bench")
	h := srv.Gatehouse.RequirePermission("demo.view_secret")(http.HandlerFunc(okHandler))
	benchGet(b, h, "/app/", ck)
}

// BenchmarkBareHandler is the ceiling for BenchmarkAuthenticatedRequest.
func BenchmarkBareHandler(b *testing.B) {
	h := http.HandlerFunc(okHandler)
	benchGet(b, h, "/app/", nil)
}

// BenchmarkDashboardPage is a full rendered page for a signed-in user.
func BenchmarkDashboardPage(b *testing.B) {
	srv := gatehousetest.NewServer(b)
	srv.CreateUser(b, "bench", "", goodPassword)
	ck := sessionCookie(b, srv, "bench")
	h := srv.Gatehouse.Handler()
	benchGet(b, h, "/dashboard/", ck)
}

// benchGet serves GET path with the cookie (when not nil) on every core and
// fails on any status but 200.
func benchGet(b *testing.B, h http.Handler, path string, ck *http.Cookie) {
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("GET", path, nil)
			if ck != nil {
				req.AddCookie(ck)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}

func okHandler(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }

// BenchmarkLoginPage is the anonymous login page, as the load tool's page
// scenario asks for it (served from the page cache after the first time).
func BenchmarkLoginPage(b *testing.B) {
	srv := gatehousetest.NewServer(b)
	benchGet(b, srv.Gatehouse.Handler(), "/accounts/login/", nil)
}

// BenchmarkLoginPageNext is the login page a login_required redirect lands
// on, with ?next= (rendered each time: the next value is part of the form).
func BenchmarkLoginPageNext(b *testing.B) {
	srv := gatehousetest.NewServer(b)
	benchGet(b, srv.Gatehouse.Handler(), "/accounts/login/?next=/dashboard/", nil)
}

// BenchmarkLoginFlow is what a login costs the server besides the hash: the
// three requests of the load tool's login scenario (GET the form with
// ?next=, POST it, GET the page it redirects to, with its flash), against
// a test server whose argon2id is 1 MiB, 1 pass.
func BenchmarkLoginFlow(b *testing.B) {
	srv := gatehousetest.NewServer(b, func(c *gatehouse.Config) {
		// One client logs in b.N times: the limit per IP would refuse it.
		c.Account.RateLimits = map[string]string{account.LimitLogin: "off"}
	})
	srv.CreateUser(b, "bench", "", goodPassword)
	h := srv.Gatehouse.Handler()
	form := url.Values{"login": {"bench"}, "password": {goodPassword}, "next": {"/dashboard/"}}.Encode()
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/accounts/login/?next=/dashboard/", nil))
		if rec.Code != 200 {
			b.Fatalf("login page: %d", rec.Code)
		}
		req := httptest.NewRequest("POST", "/accounts/login/", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusSeeOther {
			b.Fatalf("login: %d", rec.Code)
		}
		req = httptest.NewRequest("GET", rec.Header().Get("Location"), nil)
		for _, c := range rec.Result().Cookies() {
			req.AddCookie(c)
		}
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "bench") {
			b.Fatalf("dashboard after login: %d", rec.Code)
		}
	}
}
