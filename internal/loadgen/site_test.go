package loadgen

import (
	"crypto/rand"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// testSite is a tiny login site in the style of Gatehouse and Django: a
// login form with a csrfmiddlewaretoken (checked against a cookie, like
// Django's) and next, a signup form, a login-required dashboard showing the
// username, Go's http.CrossOriginProtection on every POST.
type testSite struct {
	*httptest.Server
	secure bool // mark cookies Secure (served over plain http all the same)

	mu       sync.Mutex
	users    map[string]string // name → password
	sessions map[string]string // session id → name
	loggedIn []string          // names, in login order

	logins, signups, dashboards, rejected atomic.Int64
}

// testPassword is the bench users' password on a testSite.
const testPassword = "bench-Pa55word-for-tests"

// newTestSite starts a testSite with users bench0 … bench{n-1}.
func newTestSite(t *testing.T, n int, secure bool) *testSite {
	t.Helper()
	s := &testSite{secure: secure, users: map[string]string{}, sessions: map[string]string{}}
	for i := range n {
		s.users[fmt.Sprintf("bench%d", i)] = testPassword
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /accounts/login/", s.loginPage)
	mux.HandleFunc("POST /accounts/login/", s.loginPost)
	mux.HandleFunc("GET /accounts/signup/", s.signupPage)
	mux.HandleFunc("POST /accounts/signup/", s.signupPost)
	mux.HandleFunc("GET /dashboard/", s.dashboard)
	s.Server = httptest.NewServer(http.NewCrossOriginProtection().Handler(mux))
	t.Cleanup(s.Close)
	return s
}

// randomToken returns a random token.
func randomToken() string { return rand.Text() }

// csrf returns the request's CSRF cookie, setting a new one if it has none.
func (s *testSite) csrf(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie("csrftoken"); err == nil {
		return c.Value
	}
	tok := randomToken()
	http.SetCookie(w, &http.Cookie{Name: "csrftoken", Value: tok, Path: "/", Secure: s.secure})
	return tok
}

// csrfOK checks the form's token against the cookie, like Django.
func (s *testSite) csrfOK(r *http.Request) bool {
	c, err := r.Cookie("csrftoken")
	return err == nil && c.Value != "" && r.PostFormValue("csrfmiddlewaretoken") == c.Value
}

// page writes an HTML page around body.
func page(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html><html><head><title>t</title></head><body>%s</body></html>", body)
}

// loginForm renders the login page; a decoy search form comes first.
func (s *testSite) loginForm(w http.ResponseWriter, r *http.Request, status int, login, msg string) {
	tok := s.csrf(w, r)
	page(w, status, fmt.Sprintf(`<form action="/search/" method="get"><input name="q"></form>
<p class="error">%s</p>
<form method="post">
  <input type="hidden" name="csrfmiddlewaretoken" value="%s">
  <input type="hidden" name="next" value="%s">
  <label>Login <input type="text" name="login" value="%s" autofocus></label>
  <label>Password <input type="password" name="password"></label>
  <label><input type="checkbox" name="remember"> Remember me</label>
  <button type="submit">Sign in</button>
</form>`, html.EscapeString(msg), tok, html.EscapeString(r.FormValue("next")), html.EscapeString(login)))
}

// loginPage serves GET /accounts/login/.
func (s *testSite) loginPage(w http.ResponseWriter, r *http.Request) {
	s.loginForm(w, r, http.StatusOK, "", "")
}

// loginPost serves POST /accounts/login/: a redirect on success, the form
// again (echoing the login, as Django does) on failure.
func (s *testSite) loginPost(w http.ResponseWriter, r *http.Request) {
	if !s.csrfOK(r) {
		s.rejected.Add(1)
		http.Error(w, "CSRF verification failed", http.StatusForbidden)
		return
	}
	name, pw := r.PostFormValue("login"), r.PostFormValue("password")
	s.mu.Lock()
	ok := pw != "" && s.users[name] == pw
	s.mu.Unlock()
	if !ok {
		s.rejected.Add(1)
		s.loginForm(w, r, http.StatusOK, name, "The username and/or password you specified are not correct.")
		return
	}
	s.logins.Add(1)
	s.startSession(w, r, name)
}

// startSession logs name in and redirects to next (or the dashboard).
func (s *testSite) startSession(w http.ResponseWriter, r *http.Request, name string) {
	sid := randomToken()
	s.mu.Lock()
	s.sessions[sid] = name
	s.loggedIn = append(s.loggedIn, name)
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: "sessionid", Value: sid, Path: "/", HttpOnly: true, Secure: s.secure})
	next := r.PostFormValue("next")
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusFound)
}

// signupForm renders the signup page.
func (s *testSite) signupForm(w http.ResponseWriter, r *http.Request, status int, msg string) {
	tok := s.csrf(w, r)
	page(w, status, fmt.Sprintf(`<p class="error">%s</p>
<form method="post" action="">
  <input type="hidden" name="csrfmiddlewaretoken" value="%s">
  <input type="hidden" name="next" value="%s">
  <input name="username" value="%s">
  <input type="email" name="email">
  <input type="password" name="password1">
  <input type="password" name="password2">
  <input type="submit" value="Sign up">
</form>`, html.EscapeString(msg), tok, html.EscapeString(r.FormValue("next")), html.EscapeString(r.PostFormValue("username"))))
}

// signupPage serves GET /accounts/signup/.
func (s *testSite) signupPage(w http.ResponseWriter, r *http.Request) {
	s.signupForm(w, r, http.StatusOK, "")
}

// signupPost serves POST /accounts/signup/ with Django-like validation.
func (s *testSite) signupPost(w http.ResponseWriter, r *http.Request) {
	if !s.csrfOK(r) {
		s.rejected.Add(1)
		http.Error(w, "CSRF verification failed", http.StatusForbidden)
		return
	}
	name, email := r.PostFormValue("username"), r.PostFormValue("email")
	p1, p2 := r.PostFormValue("password1"), r.PostFormValue("password2")
	var msg string
	switch {
	case name == "" || !strings.Contains(email, "@"):
		msg = "username and email are required"
	case p1 != p2:
		msg = "passwords differ"
	case len(p1) < 16 || p1 == "password" || strings.Contains(strings.ToLower(p1), strings.ToLower(name)):
		msg = "password too weak"
	}
	s.mu.Lock()
	if _, taken := s.users[name]; msg == "" && taken {
		msg = "username taken"
	}
	if msg == "" {
		s.users[name] = p1
	}
	s.mu.Unlock()
	if msg != "" {
		s.rejected.Add(1)
		s.signupForm(w, r, http.StatusOK, msg)
		return
	}
	s.signups.Add(1)
	s.startSession(w, r, name)
}

// dashboard serves GET /dashboard/, login required.
func (s *testSite) dashboard(w http.ResponseWriter, r *http.Request) {
	var name string
	if c, err := r.Cookie("sessionid"); err == nil {
		s.mu.Lock()
		name = s.sessions[c.Value]
		s.mu.Unlock()
	}
	if name == "" {
		http.Redirect(w, r, "/accounts/login/?next=/dashboard/", http.StatusFound)
		return
	}
	s.dashboards.Add(1)
	page(w, http.StatusOK, "<h1>Dashboard</h1><p>Signed in as <b>"+html.EscapeString(name)+"</b></p>")
}

// userCount returns how many users the site has.
func (s *testSite) userCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.users)
}

// newTestSiteWith serves h on a loopback test server.
func newTestSiteWith(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}
