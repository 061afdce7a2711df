package gatehouse_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/gatehousetest"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
	"github.com/gatehouse-auth/gatehouse/user"
)

// newApp starts an app as the README wires it: its own handlers beside
// Gatehouse's pages (Mount) on one mux behind Protect. routes adds the app's
// handlers.
func newApp(t *testing.T, cfg gatehouse.Config, routes func(gh *gatehouse.Gatehouse, mux *http.ServeMux)) (*httptest.Server, *gatehouse.Gatehouse) {
	t.Helper()
	if cfg.Store == nil {
		cfg.Store = testdb.SQLite(t)
	}
	cfg.SecretKey = bytes.Repeat([]byte("k"), 32)
	if cfg.SiteURL == "" {
		cfg.SiteURL = "http://gatehouse.test"
	}
	if cfg.Passwords == nil {
		cfg.Passwords = gatehousetest.FastPasswords()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	gh, err := gatehouse.New(cfg)
	must(t, err)
	mux := http.NewServeMux()
	gh.Mount(mux)
	if routes != nil {
		routes(gh, mux)
	}
	srv := httptest.NewServer(gh.Protect(mux))
	t.Cleanup(srv.Close)
	return srv, gh
}

// addUser stores an active user with goodPassword.
func addUser(t *testing.T, db gatehouse.Store, name string) *user.User {
	t.Helper()
	hash, err := gatehousetest.FastPasswords().Hash(context.Background(), goodPassword)
	must(t, err)
	u := &user.User{Username: name, Password: hash, IsActive: true, DateJoined: time.Now().UTC().Truncate(time.Microsecond)}
	must(t, db.CreateUser(context.Background(), u))
	return u
}

// request sends method path with headers h (and body) and returns the
// response with its body read.
func request(t *testing.T, c *http.Client, method, u string, body io.Reader, h map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	must(t, err)
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	must(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestMountBesideAppPages: Mount puts Gatehouse's pages, their stylesheet
// and the language switch on the app's mux without taking the app's own
// root or /static/, and Protect covers the app's handlers too.
func TestMountBesideAppPages(t *testing.T) {
	srv, _ := newApp(t, gatehouse.Config{}, func(gh *gatehouse.Gatehouse, mux *http.ServeMux) {
		mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "app home") })
		mux.HandleFunc("GET /static/app.css", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "app css") })
		mux.HandleFunc("POST /app/form/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "app form") })
	})
	c := newBrowser()
	st, page := fetch(t, c, srv, "/accounts/login/")
	if st != 200 || !strings.Contains(page, `href="/static/gatehouse/gatehouse.css"`) {
		t.Fatalf("login page = %d, or without its stylesheet link", st)
	}
	resp, css := request(t, c, "GET", srv.URL+"/static/gatehouse/gatehouse.css", nil, nil)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") || len(css) < 1000 {
		t.Fatalf("stylesheet = %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for path, want := range map[string]string{"/": "app home", "/static/app.css": "app css"} {
		if st, body := fetch(t, c, srv, path); st != 200 || body != want {
			t.Errorf("GET %s = %d %q, want the app's %q", path, st, body, want)
		}
	}
	if st := send(t, c, srv, "/i18n/setlang/", url.Values{"language": {"ru"}, "next": {"/accounts/login/"}}); st != http.StatusSeeOther {
		t.Fatalf("language switch = %d", st)
	}
	if _, page := fetch(t, c, srv, "/accounts/login/"); !strings.Contains(page, `<html lang="ru"`) {
		t.Error("the language switch did not switch the pages to Russian")
	}
	resp, body := request(t, c, "POST", srv.URL+"/app/form/", strings.NewReader("a=1"), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
	if resp.StatusCode != http.StatusForbidden || strings.Contains(body, "app form") {
		t.Errorf("cross-site POST to an app handler = %d, want 403 from Protect", resp.StatusCode)
	}
}

// TestGuardsAnswerJSONCallers: API callers get 401/403 JSON, browsers the
// login redirect and the 403 page; AnswerJSON forces JSON.
func TestGuardsAnswerJSONCallers(t *testing.T) {
	db := testdb.SQLite(t)
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	srv, _ := newApp(t, gatehouse.Config{Store: db}, func(gh *gatehouse.Gatehouse, mux *http.ServeMux) {
		mux.Handle("/me/", gh.RequireLogin(ok))
		mux.Handle("/reports/", gh.RequirePermission("reports.view_report")(ok))
		mux.Handle("/api/reports/", gatehouse.AnswerJSON(gh.RequirePermission("reports.view_report")(ok)))
	})
	addUser(t, db, "jo")
	jsonAccept := map[string]string{"Accept": "application/json"}
	browser := map[string]string{"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
	type want struct {
		status int
		code   string // "" for an HTML answer
	}
	check := func(c *http.Client, path string, h map[string]string, w want) {
		t.Helper()
		resp, body := request(t, c, "GET", srv.URL+path, nil, h)
		if resp.StatusCode != w.status {
			t.Fatalf("GET %s (%v) = %d, want %d", path, h, resp.StatusCode, w.status)
		}
		if w.code == "" {
			if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("GET %s (%v) answered JSON to a browser", path, h)
			}
			return
		}
		var got struct {
			Status int `json:"status"`
			Errors []struct{ Code, Message string }
		}
		if err := json.Unmarshal([]byte(body), &got); err != nil || got.Status != w.status || len(got.Errors) != 1 || got.Errors[0].Code != w.code {
			t.Fatalf("GET %s (%v) body %q, want JSON with code %s", path, h, body, w.code)
		}
		if resp.Header.Get("Location") != "" {
			t.Fatalf("a JSON refusal redirects")
		}
	}
	anon := newBrowser()
	check(anon, "/me/", jsonAccept, want{401, "not_authenticated"})
	check(anon, "/me/", browser, want{http.StatusFound, ""})
	check(anon, "/reports/", jsonAccept, want{401, "not_authenticated"})
	check(anon, "/api/reports/", browser, want{401, "not_authenticated"})
	jo := newBrowser()
	signIn(t, jo, srv, "jo")
	check(jo, "/me/", jsonAccept, want{200, ""})
	check(jo, "/reports/", jsonAccept, want{403, "permission_denied"})
	check(jo, "/reports/", browser, want{403, ""})
	check(jo, "/api/reports/", nil, want{403, "permission_denied"})
}

// TestCurrentUserAndUserJSONCarryNoHash: neither the raw user nor the
// app's view of it puts the password hash in JSON.
func TestCurrentUserAndUserJSONCarryNoHash(t *testing.T) {
	raw, err := json.Marshal(user.User{Username: "ann", Password: "argon2$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"})
	must(t, err)
	if strings.Contains(string(raw), "argon2") {
		t.Fatalf("user.User JSON carries the hash: %s", raw)
	}
	db := testdb.SQLite(t)
	srv, _ := newApp(t, gatehouse.Config{Store: db}, func(gh *gatehouse.Gatehouse, mux *http.ServeMux) {
		mux.Handle("/me.json", gh.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			json.NewEncoder(w).Encode(gatehouse.CurrentUser(r.Context()))
		})))
		mux.HandleFunc("/anon", func(w http.ResponseWriter, r *http.Request) {
			if gatehouse.CurrentUser(r.Context()) != nil {
				t.Error("CurrentUser of an anonymous request is not nil")
			}
		})
	})
	u := addUser(t, db, "ann")
	c := newBrowser()
	fetch(t, c, srv, "/anon")
	signIn(t, c, srv, "ann")
	st, body := fetch(t, c, srv, "/me.json")
	var got map[string]any
	if err := json.Unmarshal([]byte(body), &got); st != 200 || err != nil {
		t.Fatalf("/me.json = %d %q", st, body)
	}
	if got["username"] != "ann" || got["id"] != float64(u.ID) || got["last_login"] == "0001-01-01T00:00:00Z" {
		t.Errorf("CurrentUser JSON = %v", got)
	}
	for k := range got {
		if strings.Contains(strings.ToLower(k), "password") || strings.Contains(body, "argon2") {
			t.Errorf("CurrentUser JSON carries %q", k)
		}
	}
}

// TestAppMessagesShowOnce: a message an app adds shows once, on the app's
// own page or on Gatehouse's.
func TestAppMessagesShowOnce(t *testing.T) {
	srv, _ := newApp(t, gatehouse.Config{}, func(gh *gatehouse.Gatehouse, mux *http.ServeMux) {
		mux.HandleFunc("POST /save/", func(w http.ResponseWriter, r *http.Request) {
			if err := gh.AddMessage(w, r, "success", "Report <b>saved</b>."); err != nil {
				t.Error(err)
			}
			if err := gh.AddMessage(w, r, "urgent", "x"); err == nil {
				t.Error("AddMessage took an unknown level")
			}
			http.Redirect(w, r, r.FormValue("to"), http.StatusSeeOther)
		})
		mux.HandleFunc("GET /reports/", func(w http.ResponseWriter, r *http.Request) {
			for _, m := range gh.Messages(w, r) {
				io.WriteString(w, m.Level+": "+m.Text+"\n")
			}
		})
	})
	c := newBrowser()
	send(t, c, srv, "/save/", url.Values{"to": {"/reports/"}})
	if _, body := fetch(t, c, srv, "/reports/"); body != "success: Report <b>saved</b>.\n" {
		t.Fatalf("app page messages = %q", body)
	}
	if _, body := fetch(t, c, srv, "/reports/"); body != "" {
		t.Fatalf("a message showed twice: %q", body)
	}
	send(t, c, srv, "/save/", url.Values{"to": {"/accounts/login/"}})
	_, page := fetch(t, c, srv, "/accounts/login/")
	if !strings.Contains(page, "Report &lt;b&gt;saved&lt;/b&gt;.") {
		t.Fatalf("Gatehouse's page does not show the app's message, escaped")
	}
	if _, page := fetch(t, c, srv, "/accounts/login/"); strings.Contains(page, "Report") {
		t.Fatal("the message showed twice on Gatehouse's page")
	}
}

// TestDefaultsWithoutDemo: without the demo, a login lands on "/" and the
// logout page's Cancel leads there; the demo's permission is not created.
func TestDefaultsWithoutDemo(t *testing.T) {
	db := testdb.SQLite(t)
	srv, gh := newApp(t, gatehouse.Config{Store: db}, nil)
	must(t, gh.Setup(context.Background()))
	if _, err := db.PermissionByCode(context.Background(), "demo", "view_secret"); err == nil {
		t.Error("Setup created demo.view_secret without the demo")
	}
	addUser(t, db, "bo")
	c := newBrowser()
	resp, _ := request(t, c, "POST", srv.URL+"/accounts/login/", strings.NewReader("login=bo&password="+url.QueryEscape(goodPassword)),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"})
	if loc := resp.Header.Get("Location"); loc != "/" {
		t.Fatalf("login went to %q, want /", loc)
	}
	_, page := fetch(t, c, srv, "/accounts/logout/")
	if !strings.Contains(page, `href="/">`) || strings.Contains(page, "/dashboard/") {
		t.Error("the logout page's Cancel does not lead to /")
	}
	demoDB := testdb.SQLite(t)
	_, demo := newApp(t, gatehouse.Config{Store: demoDB, Demo: true}, nil)
	must(t, demo.Setup(context.Background()))
	if _, err := demoDB.PermissionByCode(context.Background(), "demo", "view_secret"); err != nil {
		t.Errorf("Setup with the demo did not create demo.view_secret: %v", err)
	}
}

// TestNewLeavesCallersContextWords: New adds the site name to its own copy
// of Account.ContextWords, not into the caller's array.
func TestNewLeavesCallersContextWords(t *testing.T) {
	words := make([]string, 1, 4)
	words[0] = "acme"
	_, _ = newApp(t, gatehouse.Config{SiteName: "Bigsite Portal", Account: account.Config{ContextWords: words}}, nil)
	if full := words[:cap(words)]; full[1] != "" {
		t.Fatalf("New wrote %q into the caller's slice", full[1:])
	}
}

// TestRetryAfterIsTimeLeft: a locked login's Retry-After is the time left
// in the lock, not a fixed number.
func TestRetryAfterIsTimeLeft(t *testing.T) {
	db := testdb.SQLite(t)
	now := time.Now()
	srv, _ := newApp(t, gatehouse.Config{Store: db, Now: func() time.Time { return now }}, nil)
	addUser(t, db, "cy")
	c := newBrowser()
	for range 5 {
		send(t, c, srv, "/accounts/login/", url.Values{"login": {"cy"}, "password": {"wrong"}})
	}
	retry := func() int {
		resp, _ := request(t, c, "POST", srv.URL+"/accounts/login/", strings.NewReader("login=cy&password="+url.QueryEscape(goodPassword)),
			map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"})
		if resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("locked login = %d, want 429", resp.StatusCode)
		}
		n, err := strconv.Atoi(resp.Header.Get("Retry-After"))
		must(t, err)
		return n
	}
	if got := retry(); got != 300 {
		t.Fatalf("Retry-After at the start of a 5-minute lock = %d, want 300", got)
	}
	now = now.Add(2*time.Minute + 30*time.Second)
	if got := retry(); got != 150 {
		t.Fatalf("Retry-After 2m30s into the lock = %d, want 150", got)
	}
}

// TestCrossSiteRefusalSaysCSRF: the refused cross-site POST gets a page that
// names the CSRF check, and a log line.
func TestCrossSiteRefusalSaysCSRF(t *testing.T) {
	var logs bytes.Buffer
	srv, _ := newApp(t, gatehouse.Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))}, nil)
	resp, body := request(t, newBrowser(), "POST", srv.URL+"/accounts/login/", strings.NewReader("login=x&password=y"),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "CSRF verification failed") {
		t.Fatalf("cross-site POST = %d, page without the CSRF message", resp.StatusCode)
	}
	if !strings.Contains(logs.String(), "event=csrf_failed") || !strings.Contains(logs.String(), "evil.example") {
		t.Fatalf("no csrf_failed log line: %s", logs.String())
	}
	if strings.Contains(logs.String(), "password=y") {
		t.Fatal("the log carries the form")
	}
}

// TestFormEncodings: a multipart form is read like a url-encoded one; other
// encodings are refused with 415, never answered "This field is required."
func TestFormEncodings(t *testing.T) {
	db := testdb.SQLite(t)
	srv, _ := newApp(t, gatehouse.Config{Store: db}, nil)
	addUser(t, db, "di")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("login", "di")
	mw.WriteField("password", goodPassword)
	mw.Close()
	same := map[string]string{"Content-Type": mw.FormDataContentType(), "Sec-Fetch-Site": "same-origin"}
	if resp, _ := request(t, newBrowser(), "POST", srv.URL+"/accounts/login/", &body, same); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("multipart login = %d, want 303", resp.StatusCode)
	}
	for _, ct := range []string{"text/plain", "application/json"} {
		resp, page := request(t, newBrowser(), "POST", srv.URL+"/accounts/login/", strings.NewReader(`{"login":"di"}`),
			map[string]string{"Content-Type": ct, "Sec-Fetch-Site": "same-origin"})
		if resp.StatusCode != http.StatusUnsupportedMediaType || strings.Contains(page, "This field is required.") {
			t.Errorf("%s login = %d, want 415", ct, resp.StatusCode)
		}
	}
}

// TestSignupSetsLastLogin: the signup that signs a user in records it.
func TestSignupSetsLastLogin(t *testing.T) {
	db := testdb.SQLite(t)
	srv, _ := newApp(t, gatehouse.Config{Store: db}, nil)
	st := send(t, newBrowser(), srv, "/accounts/signup/", url.Values{"username": {"newbie"},
		"password1": {goodPassword}, "password2": {goodPassword}})
	if st != http.StatusSeeOther {
		t.Fatalf("signup = %d", st)
	}
	u, err := db.UserByUsername(context.Background(), "newbie")
	must(t, err)
	if u.LastLogin.IsZero() {
		t.Fatal("last_login is empty after signup")
	}
}

// TestLanguageSwitchSetsMailLanguage: a signed-in user's switch of the
// pages' language is kept for their mail.
func TestLanguageSwitchSetsMailLanguage(t *testing.T) {
	db := testdb.SQLite(t)
	srv, _ := newApp(t, gatehouse.Config{Store: db}, nil)
	u := addUser(t, db, "lev")
	c := newBrowser()
	signIn(t, c, srv, "lev")
	if st := send(t, c, srv, "/i18n/setlang/", url.Values{"language": {"ru"}, "next": {"/"}}); st != http.StatusSeeOther {
		t.Fatalf("language switch = %d", st)
	}
	got, err := db.User(context.Background(), u.ID)
	must(t, err)
	if got.Language != "ru" {
		t.Fatalf("stored language = %q, want ru", got.Language)
	}
}
