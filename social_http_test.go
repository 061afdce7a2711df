package gatehouse_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/gatehousetest"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
	"github.com/gatehouse-auth/gatehouse/social"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

// ghFake is a GitHub-shaped OAuth 2.0 provider: its authorization page
// approves at once (or declines, with deny) and redirects back with a
// code; the token, /user and /user/emails endpoints answer as GitHub's
// documentation shows, for the person set in who.
type ghFake struct {
	srv *httptest.Server

	mu    sync.Mutex
	who   ghPerson
	deny  bool
	codes map[string]string // code → PKCE challenge
}

type ghPerson struct {
	ID    int64
	Login string
	Email string // verified, primary ("" for none)
}

func newGHFake(t *testing.T) *ghFake {
	f := &ghFake{codes: map[string]string{}, who: ghPerson{ID: 1, Login: "octocat", Email: "octocat@github.example"}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		back, err := url.Parse(q.Get("redirect_uri"))
		if err != nil || q.Get("client_id") != "client-gh" || q.Get("code_challenge_method") != "S256" {
			http.Error(w, "bad authorization request", http.StatusBadRequest)
			return
		}
		v := url.Values{"state": {q.Get("state")}}
		f.mu.Lock()
		if f.deny {
			v.Set("error", "access_denied")
		} else {
			code := rand.Text()
			f.codes[code] = q.Get("code_challenge")
			v.Set("code", code)
		}
		f.mu.Unlock()
		back.RawQuery = v.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		f.mu.Lock()
		_, ok := f.codes[r.PostForm.Get("code")]
		delete(f.codes, r.PostForm.Get("code"))
		f.mu.Unlock()
		if !ok || r.PostForm.Get("code_verifier") == "" || r.PostForm.Get("client_secret") != "secret-gh" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"bad_verification_code"}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"gho_faketoken","scope":"read:user,user:email","token_type":"bearer"}`)
	})
	mux.HandleFunc("GET /user", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		p := f.who
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"id": p.ID, "login": p.Login, "name": "Mona " + p.Login})
	})
	mux.HandleFunc("GET /user/emails", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		p := f.who
		f.mu.Unlock()
		list := []map[string]any{}
		if p.Email != "" {
			list = append(list, map[string]any{"email": p.Email, "verified": true, "primary": true})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(list)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *ghFake) set(p ghPerson) { f.mu.Lock(); f.who = p; f.mu.Unlock() }

func (f *ghFake) app() social.App {
	return social.App{Provider: "github", ClientID: "client-gh", Secret: "secret-gh", Settings: map[string]string{
		"auth_url": f.srv.URL + "/authorize", "token_url": f.srv.URL + "/token",
		"profile_url": f.srv.URL + "/user", "email_url": f.srv.URL + "/user/emails"}}
}

// socialServer is a Gatehouse whose social login reaches the fake.
func socialServer(t *testing.T, f *ghFake, tune func(*social.Config)) *gatehousetest.Server {
	return gatehousetest.NewServer(t, func(c *gatehouse.Config) {
		c.Social.Outbound.AllowPrivateNetworks = true
		if f != nil {
			c.Social.Apps = []social.App{f.app()}
		}
		if tune != nil {
			tune(&c.Social)
		}
	})
}

// tab is a browser that does not follow redirects, so each step's answer
// is checked.
type tab struct {
	t    *testing.T
	c    *http.Client
	base string
}

func newTab(t *testing.T, base string) *tab {
	jar, _ := cookiejar.New(nil)
	return &tab{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *tab) do(method, target string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	if strings.HasPrefix(target, "/") {
		target = b.base + target
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 500 {
		b.t.Fatalf("%s %s = %d:\n%s", method, target, resp.StatusCode, out)
	}
	return resp, string(out)
}

func (b *tab) get(target string) (*http.Response, string) { return b.do("GET", target, nil) }

func (b *tab) post(target string, form url.Values) (*http.Response, string) {
	if form == nil {
		form = url.Values{}
	}
	return b.do("POST", target, form)
}

// expect checks a redirect's status and target path.
func expectRedirect(t *testing.T, resp *http.Response, path string) string {
	t.Helper()
	loc := resp.Header.Get("Location")
	if resp.StatusCode/100 != 3 || !strings.HasPrefix(strings.TrimPrefix(loc, "http://"+resp.Request.URL.Host), path) {
		t.Fatalf("%s %s = %d to %q, want a redirect to %s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, loc, path)
	}
	return loc
}

// toProvider starts a login (with form) at /accounts/github/login/ and
// returns the callback URL the provider sends the browser back to.
func (b *tab) toProvider(f *ghFake, form url.Values) string {
	b.t.Helper()
	resp, _ := b.post("/accounts/github/login/", form)
	loc := expectRedirect(b.t, resp, f.srv.URL+"/authorize")
	resp, _ = b.get(loc)
	return expectRedirect(b.t, resp, b.base+"/accounts/github/login/callback/")
}

func TestSocialLoginOverHTTP(t *testing.T) {
	f := newGHFake(t)
	logs := &lockedBuffer{}
	srv := gatehousetest.NewServer(t, func(c *gatehouse.Config) {
		c.Social.Outbound.AllowPrivateNetworks = true
		c.Social.Apps = []social.App{f.app()}
		c.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	b := newTab(t, srv.URL)
	var secrets []string // what the logs must never carry
	t.Cleanup(func() {
		out := logs.String()
		if !strings.Contains(out, "social_signup") {
			t.Errorf("no social event logged: the capture misses the logs:\n%s", out)
		}
		for _, s := range append(secrets, "gho_faketoken", "secret-gh") {
			if strings.Contains(out, s) {
				t.Errorf("the logs carry the secret %q:\n%s", s, out)
			}
		}
	})

	// The login and signup pages show the button; a GET of the login URL
	// asks before it posts.
	for _, page := range []string{"/accounts/login/", "/accounts/signup/"} {
		resp, body := b.get(page)
		if resp.StatusCode != 200 || !strings.Contains(body, `action="/accounts/github/login/"`) || !strings.Contains(body, "Continue with GitHub") {
			t.Fatalf("%s lacks the GitHub button:\n%s", page, body)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' https:") {
			t.Errorf("%s CSP does not let the button's form reach the provider: %s", page, csp)
		}
	}
	resp, body := b.get("/accounts/github/login/?next=/secret/")
	if resp.StatusCode != 200 || !strings.Contains(body, `method="post" action="/accounts/github/login/"`) || !strings.Contains(body, `name="next" value="/secret/"`) {
		t.Fatalf("confirmation page:\n%s", body)
	}

	// Start: the browser cookie binds the state; the provider approves.
	resp, _ = b.post("/accounts/github/login/", url.Values{"next": {"/dashboard/"}})
	loc := expectRedirect(t, resp, f.srv.URL+"/authorize")
	var bound *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "gatehouse_social" {
			bound = c
		}
	}
	if bound == nil || !bound.HttpOnly || bound.SameSite != http.SameSiteLaxMode || bound.Path != "/accounts/" {
		t.Fatalf("browser cookie = %+v", bound)
	}
	u, _ := url.Parse(loc)
	if u.Query().Get("redirect_uri") != srv.URL+"/accounts/github/login/callback/" {
		t.Fatalf("redirect_uri = %q", u.Query().Get("redirect_uri"))
	}
	resp, _ = b.get(loc)
	callback := expectRedirect(t, resp, srv.URL+"/accounts/github/login/callback/")
	cb, _ := url.Parse(callback)
	secrets = append(secrets, bound.Value, cb.Query().Get("state"), cb.Query().Get("code"))

	// A new provider account with a verified free address signs up at once
	// and is signed in, landing on next.
	resp, _ = b.get(callback)
	expectRedirect(t, resp, "/dashboard/")
	resp, body = b.get("/dashboard/")
	if resp.StatusCode != 200 || !strings.Contains(body, "octocat") {
		t.Fatalf("dashboard after the social signup = %d:\n%s", resp.StatusCode, body)
	}
	created, err := srv.DB.UserByUsername(context.Background(), "octocat")
	if err != nil {
		t.Fatalf("no user made: %v", err)
	}
	if created.HasUsablePassword() {
		t.Error("a social signup has a usable password")
	}

	// The callback URL again (a replay) is refused, on the error page.
	resp, _ = b.get(callback)
	expectRedirect(t, resp, "/accounts/3rdparty/login/error/")
	_, body = b.get("/accounts/3rdparty/login/error/")
	if !strings.Contains(body, "already used") {
		t.Errorf("error page does not say why:\n%s", body)
	}

	// Sign out and in again: the same user, by the link.
	b.post("/accounts/logout/", nil)
	resp, _ = b.get(b.toProvider(f, nil))
	expectRedirect(t, resp, "/dashboard/")
	if n, _ := srv.DB.CountUsers(context.Background()); n != 1 {
		t.Errorf("users after a second login = %d, want 1", n)
	}
}

func TestSocialSignupFormOverHTTP(t *testing.T) {
	f := newGHFake(t)
	srv := socialServer(t, f, func(c *social.Config) { c.NoAutoSignup = true })
	b := newTab(t, srv.URL)
	resp, _ := b.get(b.toProvider(f, url.Values{"next": {"/secret/"}}))
	expectRedirect(t, resp, "/accounts/3rdparty/signup/")
	resp, body := b.get("/accounts/3rdparty/signup/")
	if resp.StatusCode != 200 || !strings.Contains(body, `value="octocat"`) || !strings.Contains(body, `value="octocat@github.example"`) {
		t.Fatalf("signup form = %d:\n%s", resp.StatusCode, body)
	}
	// A bad username stays on the form with its error.
	resp, body = b.post("/accounts/3rdparty/signup/", url.Values{"username": {"no spaces allowed"}, "email": {"octocat@github.example"}})
	if resp.StatusCode != 200 || !strings.Contains(body, "Enter a valid username") {
		t.Fatalf("bad username = %d:\n%s", resp.StatusCode, body)
	}
	resp, _ = b.post("/accounts/3rdparty/signup/", url.Values{"username": {"mona"}, "email": {"octocat@github.example"}})
	expectRedirect(t, resp, "/secret/")
	u, err := srv.DB.UserByUsername(context.Background(), "mona")
	if err != nil {
		t.Fatal(err)
	}
	links, err := srv.DB.SocialAccounts(context.Background(), u.ID)
	if err != nil || len(links) != 1 || links[0].Provider != "github" || links[0].UID != "1" {
		t.Fatalf("links = %v, %v", links, err)
	}
	// The form is used up.
	resp, _ = b.get("/accounts/3rdparty/signup/")
	expectRedirect(t, resp, "/accounts/login/")
}

func TestSocialConnectDisconnectOverHTTP(t *testing.T) {
	f := newGHFake(t)
	srv := socialServer(t, f, nil)
	ann := srv.CreateUser(t, "ann", "ann@example.com", goodPassword)
	b := newTab(t, srv.URL)
	if resp, _ := b.post("/accounts/login/", url.Values{"login": {"ann"}, "password": {goodPassword}}); resp.StatusCode != 303 {
		t.Fatalf("login = %d", resp.StatusCode)
	}
	resp, body := b.get("/accounts/3rdparty/")
	if resp.StatusCode != 200 || !strings.Contains(body, "no connected accounts") || !strings.Contains(body, `name="process" value="connect"`) {
		t.Fatalf("connections page:\n%s", body)
	}
	if !strings.Contains(body, `href="/accounts/3rdparty/" aria-current="page">Connections`) {
		t.Errorf("the account menu lacks Connections:\n%s", body)
	}
	f.set(ghPerson{ID: 77, Login: "ann-gh"})
	resp, _ = b.get(b.toProvider(f, url.Values{"process": {"connect"}}))
	expectRedirect(t, resp, "/accounts/3rdparty/")
	_, body = b.get("/accounts/3rdparty/")
	if !strings.Contains(body, "The account was connected.") || !strings.Contains(body, "ann-gh") {
		t.Fatalf("connections after connecting:\n%s", body)
	}
	links, err := srv.DB.SocialAccounts(context.Background(), ann.ID)
	if err != nil || len(links) != 1 {
		t.Fatalf("links = %v, %v", links, err)
	}

	// The same provider account cannot be connected to someone else.
	bob := srv.CreateUser(t, "bob", "bob@example.com", goodPassword)
	_ = bob
	c := newTab(t, srv.URL)
	c.post("/accounts/login/", url.Values{"login": {"bob"}, "password": {goodPassword}})
	resp, _ = c.get(c.toProvider(f, url.Values{"process": {"connect"}}))
	expectRedirect(t, resp, "/accounts/3rdparty/login/error/")
	if _, body := c.get("/accounts/3rdparty/login/error/"); !strings.Contains(body, "already connected to another user") {
		t.Errorf("taken account:\n%s", body)
	}

	// Bad ids are refused on the page, never a 500.
	for _, id := range []string{"", "abc", "-1", "999999"} {
		resp, body := b.post("/accounts/3rdparty/", url.Values{"action": {"disconnect"}, "id": {id}})
		if resp.StatusCode != 200 || !strings.Contains(body, "not one of yours") {
			t.Errorf("disconnect id %q = %d", id, resp.StatusCode)
		}
	}
	resp, _ = b.post("/accounts/3rdparty/", url.Values{"action": {"disconnect"}, "id": {fmt.Sprint(links[0].ID)}})
	expectRedirect(t, resp, "/accounts/3rdparty/")
	_, body = b.get("/accounts/3rdparty/")
	if !strings.Contains(body, "The account was disconnected.") || !strings.Contains(body, "no connected accounts") {
		t.Fatalf("after disconnecting:\n%s", body)
	}

	// Connecting from an anonymous browser goes to the login page.
	d := newTab(t, srv.URL)
	resp, _ = d.post("/accounts/github/login/", url.Values{"process": {"connect"}})
	expectRedirect(t, resp, "/accounts/login/")
	resp, _ = d.get("/accounts/3rdparty/")
	expectRedirect(t, resp, "/accounts/login/?next=")
}

func TestSocialConnectAsksForReauthentication(t *testing.T) {
	f := newGHFake(t)
	now := time.Now()
	var mu sync.Mutex
	srv := gatehousetest.NewServer(t, func(c *gatehouse.Config) {
		c.Social.Outbound.AllowPrivateNetworks = true
		c.Social.Apps = []social.App{f.app()}
		c.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	srv.CreateUser(t, "ann", "ann@example.com", goodPassword)
	b := newTab(t, srv.URL)
	b.post("/accounts/login/", url.Values{"login": {"ann"}, "password": {goodPassword}})
	mu.Lock()
	now = now.Add(account.ReauthenticationTimeout + time.Minute)
	mu.Unlock()
	resp, _ := b.post("/accounts/github/login/", url.Values{"process": {"connect"}})
	expectRedirect(t, resp, "/accounts/reauthenticate/")
	// The password again resumes the connection: on to the provider.
	resp, _ = b.post("/accounts/reauthenticate/", url.Values{"password": {goodPassword}})
	loc := expectRedirect(t, resp, f.srv.URL+"/authorize")
	resp, _ = b.get(loc)
	resp, _ = b.get(expectRedirect(t, resp, srv.URL+"/accounts/github/login/callback/"))
	expectRedirect(t, resp, "/accounts/3rdparty/")
}

func TestSocialFailuresOverHTTP(t *testing.T) {
	f := newGHFake(t)
	srv := socialServer(t, f, nil)

	// The user declines at the provider.
	b := newTab(t, srv.URL)
	f.mu.Lock()
	f.deny = true
	f.mu.Unlock()
	resp, _ := b.get(b.toProvider(f, nil))
	loc := expectRedirect(t, resp, "/accounts/3rdparty/login/cancelled/")
	resp, body := b.get(loc)
	if resp.StatusCode != 200 || !strings.Contains(body, "Sign-in cancelled") || !strings.Contains(body, "signing in with GitHub") {
		t.Fatalf("cancelled page (%s) does not name the provider:\n%s", loc, body)
	}
	// Only a provider of the table is named: nothing else from the URL.
	if _, body := b.get("/accounts/3rdparty/login/cancelled/?provider=%3Cb%3Eevil"); !strings.Contains(body, "signing in with the provider.") {
		t.Fatalf("the cancelled page names an unknown provider:\n%s", body)
	}
	f.mu.Lock()
	f.deny = false
	f.mu.Unlock()

	// Another browser follows the callback URL: the state is not its own.
	callback := b.toProvider(f, nil)
	other := newTab(t, srv.URL)
	resp, _ = other.get(callback)
	expectRedirect(t, resp, "/accounts/3rdparty/login/error/")
	if _, body := other.get("/accounts/3rdparty/login/error/"); !strings.Contains(body, "another browser") {
		t.Errorf("error page:\n%s", body)
	}
	// … which did not burn it for the browser that began it.
	resp, _ = b.get(callback)
	expectRedirect(t, resp, "/")

	// An altered state.
	callback = b.toProvider(f, nil)
	cu, _ := url.Parse(callback)
	q := cu.Query()
	q.Set("state", q.Get("state")[:len(q.Get("state"))-2]+"xx")
	cu.RawQuery = q.Encode()
	resp, _ = b.get(cu.String())
	expectRedirect(t, resp, "/accounts/3rdparty/login/error/")

	// Bad input anywhere: a page or a redirect, never a 500 (tab fails on 5xx).
	c := newTab(t, srv.URL)
	for _, target := range []string{
		"/accounts/github/login/callback/",
		"/accounts/github/login/callback/?state=&code=",
		"/accounts/github/login/callback/?state=x&code=y",
		"/accounts/github/login/callback/?error=server_error",
		"/accounts/github/login/?app=nope",
		"/accounts/google/login/",
		"/accounts/oidc/nope/login/",
		"/accounts/oidc/nope/login/callback/?state=x",
		"/accounts/oidc//login/",
		"/accounts/telegram/login/callback/?state=x",
		"/accounts/3rdparty/signup/",
		"/accounts/3rdparty/login/error/",
	} {
		c.get(target)
	}
	for _, target := range []string{"/accounts/github/login/callback/", "/accounts/google/login/", "/accounts/github/login/?process=bogus",
		"/accounts/oidc/nope/login/", "/accounts/3rdparty/signup/", "/accounts/telegram/login/callback/?state=x"} {
		c.post(target, url.Values{"state": {"junk"}, "tgAuthResult": {"%%%"}, "username": {"x"}})
	}
	resp, _ = c.get("/accounts/oidc/nope/login/")
	expectRedirect(t, resp, "/accounts/3rdparty/login/error/")
	if _, body := c.get("/accounts/3rdparty/login/error/"); !strings.Contains(body, "not set up here") {
		t.Errorf("unknown provider:\n%s", body)
	}
	// The Telegram widget's callback page re-posts the fragment with a
	// script of our own, no inline one.
	resp, body = c.get("/accounts/telegram/login/callback/?state=abc")
	if resp.StatusCode != 404 && !strings.Contains(body, `src="/static/gatehouse/social-telegram.js"`) {
		t.Errorf("telegram page = %d:\n%s", resp.StatusCode, body)
	}
	if resp, _ := c.get("/static/gatehouse/social-telegram.js"); resp.StatusCode != 200 {
		t.Errorf("social-telegram.js = %d", resp.StatusCode)
	}
}

// TestSocialButtonsSeeAppChanges: the login and signup pages of one
// instance show an app saved or deleted through another connection to the
// database (the CLI, another instance) on their next request.
func TestSocialButtonsSeeAppChanges(t *testing.T) {
	ctx := context.Background()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			dbURL := "sqlite:" + filepath.Join(t.TempDir(), "gatehouse.db")
			if dialect == "postgres" {
				dbURL = testdb.PostgresSchema(t)
			}
			key := make([]byte, 32)
			rand.Read(key)
			now := time.Now()
			one := appInstance(t, testdb.Open(t, dbURL), key, &now)
			admin, err := gatehouse.New(gatehouse.Config{Store: testdb.Open(t, dbURL), SecretKey: key,
				SiteURL: "http://gatehouse.test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			must(t, err)
			b := newBrowser()
			for _, page := range []string{"/accounts/login/", "/accounts/signup/", "/accounts/login/?next=/dashboard/"} {
				for range 2 { // the second from any cache
					if st, body := fetch(t, b, one, page); st != 200 || strings.Contains(body, "Continue with") {
						t.Fatalf("%s before = %d", page, st)
					}
				}
			}
			app := &social.App{Provider: "github", ClientID: "cid", Secret: "s3cret", Name: "GitHub Enterprise"}
			must(t, admin.Social().SaveApp(ctx, app))
			// On PostgreSQL another process's change arrives by notification
			// (waitFor retries for up to a second); SQLite sees it at once.
			shows := func(name string) func(int, string) bool {
				return func(st int, body string) bool { return st == 200 && strings.Contains(body, "Continue with "+name) }
			}
			none := func(st int, body string) bool { return st == 200 && !strings.Contains(body, "Continue with") }
			for _, page := range []string{"/accounts/login/", "/accounts/signup/"} {
				if st, body := waitFor(t, b, one, page, shows("GitHub Enterprise")); !shows("GitHub Enterprise")(st, body) {
					t.Fatalf("%s after saving an app lacks its button", page)
				}
			}
			app.Name = "GitHub at Work" // a changed app, saved again
			must(t, admin.Social().SaveApp(ctx, app))
			for _, page := range []string{"/accounts/login/", "/accounts/signup/", "/accounts/login/?next=/dashboard/"} {
				if st, body := waitFor(t, b, one, page, shows("GitHub at Work")); !shows("GitHub at Work")(st, body) {
					t.Fatalf("%s after changing the app shows the old button", page)
				}
			}
			must(t, admin.Social().DeleteApp(ctx, "github", ""))
			for _, page := range []string{"/accounts/login/", "/accounts/signup/", "/accounts/login/?next=/dashboard/"} {
				if st, body := waitFor(t, b, one, page, none); !none(st, body) {
					t.Fatalf("%s after deleting the app still shows its button", page)
				}
				if st, body := fetch(t, b, one, page); !none(st, body) { // and from any cache
					t.Fatalf("%s after deleting the app still shows its button, kept", page)
				}
			}
		})
	}
}

func TestSocialConfigChecked(t *testing.T) {
	key := make([]byte, 32)
	rand.Read(key)
	_, err := gatehouse.New(gatehouse.Config{Store: testdb.SQLite(t), SecretKey: key, SiteURL: "http://gatehouse.test",
		Social: social.Config{Apps: []social.App{{Provider: "nosuch", ClientID: "x"}}}})
	if err == nil || !strings.Contains(err.Error(), "Config.Social") {
		t.Fatalf("an unknown provider's app: err = %v", err)
	}
	g, err := gatehouse.New(gatehouse.Config{Store: testdb.SQLite(t), SecretKey: key, SiteURL: "http://gatehouse.test", NoSocial: true})
	must(t, err)
	if g.Social() != nil {
		t.Error("NoSocial still builds social login")
	}
}

// TestSocialOIDCOverHTTP: a generic OpenID Connect app, stored as the CLI
// stores it, against a real OpenID Connect provider library (discovery,
// keys, PKCE, signed ID tokens): its button, /accounts/oidc/NAME/login/,
// the provider, the callback, and a signed-in page.
func TestSocialOIDCOverHTTP(t *testing.T) {
	ctx := context.Background()
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	srv := socialServer(t, nil, nil)
	cfg := m.Config()
	must(t, srv.Gatehouse.Social().SaveApp(ctx, &social.App{Provider: social.ProviderIDOIDC, AppID: "mock", Name: "Mock IdP",
		ClientID: cfg.ClientID, Secret: cfg.ClientSecret, ServerURL: cfg.Issuer}))
	b := newTab(t, srv.URL)
	if _, body := b.get("/accounts/login/"); !strings.Contains(body, `action="/accounts/oidc/mock/login/"`) || !strings.Contains(body, "Continue with Mock IdP") {
		t.Fatalf("login page lacks the OIDC button:\n%s", body)
	}
	m.QueueUser(&mockoidc.MockUser{Subject: "jane-sub", Email: "jane@example.org", EmailVerified: true, PreferredUsername: "jane"})
	resp, _ := b.post("/accounts/oidc/mock/login/", url.Values{"next": {"/dashboard/"}})
	loc := expectRedirect(t, resp, cfg.Issuer)
	resp, _ = b.get(loc)
	callback := expectRedirect(t, resp, srv.URL+"/accounts/oidc/mock/login/callback/")
	resp, _ = b.get(callback)
	expectRedirect(t, resp, "/dashboard/")
	if resp, body := b.get("/dashboard/"); resp.StatusCode != 200 || !strings.Contains(body, "jane") {
		t.Fatalf("dashboard = %d:\n%s", resp.StatusCode, body)
	}
	_, body := b.get("/accounts/3rdparty/")
	if !strings.Contains(body, "Mock IdP") || !strings.Contains(body, "jane") {
		t.Errorf("connections page:\n%s", body)
	}
	if n, _ := srv.DB.CountUsers(ctx); n != 1 {
		t.Errorf("users = %d", n)
	}
}

// TestSocialTelegramWidgetOverHTTP: the widget answers in the URL
// fragment; the callback page (a script of our own) posts it back with the
// state, and the signed fields sign the user in. A changed field is refused.
func TestSocialTelegramWidgetOverHTTP(t *testing.T) {
	const bot = "123456:bot-token-for-tests"
	srv := socialServer(t, nil, func(c *social.Config) {
		c.Apps = []social.App{{Provider: "telegram", ClientID: "123456", Secret: bot}}
	})
	b := newTab(t, srv.URL)
	start := func() (callbackPath, state string) {
		t.Helper()
		resp, _ := b.post("/accounts/telegram/login/", nil)
		u, err := url.Parse(expectRedirect(t, resp, "https://oauth.telegram.org/auth"))
		if err != nil || u.Query().Get("bot_id") != "123456" {
			t.Fatalf("widget URL %v", u)
		}
		back, _ := url.Parse(u.Query().Get("return_to"))
		if back.Path != "/accounts/telegram/login/callback/" || back.Query().Get("state") == "" {
			t.Fatalf("return_to = %v", back)
		}
		// The browser lands there with the answer in the fragment: the page.
		resp, body := b.get(back.String())
		if resp.StatusCode != 200 || !strings.Contains(body, `name="state" value="`+back.Query().Get("state")+`"`) ||
			!strings.Contains(body, `src="/static/gatehouse/social-telegram.js"`) {
			t.Fatalf("callback page = %d:\n%s", resp.StatusCode, body)
		}
		return back.Path, back.Query().Get("state")
	}
	signed := func(change func(map[string]string)) string {
		fields := map[string]string{"id": "4242", "first_name": "Tg", "username": "tguser",
			"auth_date": fmt.Sprint(time.Now().Unix())}
		fields["hash"] = social.TelegramHash(fields, bot)
		if change != nil {
			change(fields)
		}
		raw, _ := json.Marshal(fields)
		return base64.RawURLEncoding.EncodeToString(raw)
	}

	path, state := start()
	resp, _ := b.post(path, url.Values{"state": {state}, "tgAuthResult": {signed(func(f map[string]string) { f["id"] = "1" })}})
	expectRedirect(t, resp, "/accounts/3rdparty/login/error/")

	path, state = start()
	resp, _ = b.post(path, url.Values{"state": {state}, "tgAuthResult": {signed(nil)}})
	if loc := resp.Header.Get("Location"); resp.StatusCode != 303 || strings.Contains(loc, "/error/") || strings.Contains(loc, "/cancelled/") {
		t.Fatalf("telegram login = %d to %q", resp.StatusCode, loc)
	}
	link, err := srv.DB.SocialAccountByUID(context.Background(), "telegram", "4242")
	if err != nil {
		t.Fatalf("no telegram link: %v", err)
	}
	if resp, _ := b.get("/accounts/3rdparty/"); resp.StatusCode != 200 || link.UserID == 0 {
		t.Errorf("connections page = %d", resp.StatusCode)
	}
}

// TestSocialReauthenticateOverHTTP: a user who signed up through a
// provider (no password) confirms it's them there: the reauthentication
// page offers the connected provider, and its answer resumes the kept POST
// (here a disconnect, refused as the last way in).
func TestSocialReauthenticateOverHTTP(t *testing.T) {
	f := newGHFake(t)
	now := time.Now()
	var mu sync.Mutex
	srv := gatehousetest.NewServer(t, func(c *gatehouse.Config) {
		c.Social.Outbound.AllowPrivateNetworks = true
		c.Social.Apps = []social.App{f.app()}
		c.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	b := newTab(t, srv.URL)
	resp, _ := b.get(b.toProvider(f, nil))
	expectRedirect(t, resp, "/dashboard/")
	u, err := srv.DB.UserByUsername(context.Background(), "octocat")
	must(t, err)
	links, err := srv.DB.SocialAccounts(context.Background(), u.ID)
	must(t, err)
	mu.Lock()
	now = now.Add(account.ReauthenticationTimeout + time.Minute)
	mu.Unlock()
	resp, _ = b.post("/accounts/3rdparty/", url.Values{"action": {"disconnect"}, "id": {fmt.Sprint(links[0].ID)}})
	loc := expectRedirect(t, resp, "/accounts/reauthenticate/")
	_, body := b.get(loc)
	if !strings.Contains(body, "Confirm with GitHub") || !strings.Contains(body, `name="process" value="reauthenticate"`) {
		t.Fatalf("reauthentication page lacks the provider:\n%s", body)
	}
	resp, _ = b.post("/accounts/github/login/", url.Values{"process": {"reauthenticate"}, "next": {"/accounts/3rdparty/"}})
	resp, _ = b.get(expectRedirect(t, resp, f.srv.URL+"/authorize"))
	resp, body = b.get(expectRedirect(t, resp, srv.URL+"/accounts/github/login/callback/"))
	if resp.StatusCode != 200 || !strings.Contains(body, "only way to sign in") {
		t.Fatalf("resumed disconnect = %d:\n%s", resp.StatusCode, body)
	}
	// Another provider account is not this user's: refused.
	mu.Lock()
	now = now.Add(account.ReauthenticationTimeout + time.Minute)
	mu.Unlock()
	f.set(ghPerson{ID: 999, Login: "stranger"})
	resp, _ = b.post("/accounts/github/login/", url.Values{"process": {"reauthenticate"}})
	resp, _ = b.get(expectRedirect(t, resp, f.srv.URL+"/authorize"))
	resp, _ = b.get(expectRedirect(t, resp, srv.URL+"/accounts/github/login/callback/"))
	expectRedirect(t, resp, "/accounts/3rdparty/login/error/")
}

// countingStore counts reads of the stored social apps.
type countingStore struct {
	*sqlstore.DB
	mu   sync.Mutex
	apps int
}

func (s *countingStore) SocialApps(ctx context.Context) ([]*social.App, error) {
	s.mu.Lock()
	s.apps++
	s.mu.Unlock()
	return s.DB.SocialApps(ctx)
}

func (s *countingStore) reads() int { s.mu.Lock(); defer s.mu.Unlock(); return s.apps }

// TestSocialButtonsKeptPerGeneration: the login page with its buttons is
// kept rendered for the auth generation read before its buttons, so
// repeated visits read no apps; a saved app moves the generation and the
// next visit reads and shows it.
func TestSocialButtonsKeptPerGeneration(t *testing.T) {
	ctx := context.Background()
	key := make([]byte, 32)
	rand.Read(key)
	st := &countingStore{DB: testdb.SQLite(t)}
	gh, err := gatehouse.New(gatehouse.Config{Store: st, SecretKey: key, SiteURL: "http://gatehouse.test",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	must(t, err)
	srv := httptest.NewServer(gh.Handler())
	t.Cleanup(srv.Close)
	b := newBrowser()
	_, first := fetch(t, b, srv, "/accounts/login/")
	for range 3 {
		if _, body := fetch(t, b, srv, "/accounts/login/"); body != first {
			t.Fatal("the kept login page differs")
		}
	}
	if n := st.reads(); n != 1 {
		t.Errorf("apps read %d times for 4 visits, want 1", n)
	}
	must(t, gh.Social().SaveApp(ctx, &social.App{Provider: "github", ClientID: "cid", Secret: "s"}))
	for range 3 {
		if _, body := fetch(t, b, srv, "/accounts/login/"); !strings.Contains(body, "Continue with GitHub") {
			t.Fatal("the saved app's button is missing")
		}
	}
	if n := st.reads(); n != 2 {
		t.Errorf("apps read %d times after the change, want 2", n)
	}
}

// TestSocialAccountRulesOverHTTP: an inactive account's provider login
// ends on the inactive page, and with signup closed a new provider account
// gets the closed page (no user made).
func TestSocialAccountRulesOverHTTP(t *testing.T) {
	ctx := context.Background()
	f := newGHFake(t)
	srv := socialServer(t, f, nil)
	b := newTab(t, srv.URL)
	resp, _ := b.get(b.toProvider(f, nil))
	expectRedirect(t, resp, "/dashboard/")
	b.post("/accounts/logout/", nil)
	u, err := srv.DB.UserByUsername(ctx, "octocat")
	must(t, err)
	u.IsActive = false
	must(t, srv.DB.UpdateUser(ctx, u))
	resp, _ = b.get(b.toProvider(f, nil))
	expectRedirect(t, resp, "/accounts/inactive/")

	closed := gatehousetest.NewServer(t, func(c *gatehouse.Config) {
		c.Social.Outbound.AllowPrivateNetworks = true
		c.Social.Apps = []social.App{f.app()}
		c.Account.SignupClosed = true
	})
	c := newTab(t, closed.URL)
	resp, body := c.get(c.toProvider(f, nil))
	if resp.StatusCode != 200 || !strings.Contains(body, "Signing up is closed") {
		t.Fatalf("closed signup = %d:\n%s", resp.StatusCode, body)
	}
	if n, _ := closed.DB.CountUsers(ctx); n != 0 {
		t.Errorf("users = %d with signup closed", n)
	}
}

// TestSocialCSPOnlyWithButtons: form-action reaches past the site only on
// pages whose forms go to a provider. With social login on but no app (the
// default with a store that keeps social accounts), the login and signup
// pages — the password forms — keep form-action 'self', rendered or kept;
// once an app is saved they allow the providers, rendered or kept.
func TestSocialCSPOnlyWithButtons(t *testing.T) {
	srv := socialServer(t, nil, nil)
	b := newTab(t, srv.URL)
	check := func(want string) {
		t.Helper()
		for _, page := range []string{"/accounts/login/", "/accounts/signup/"} {
			for range 2 { // rendered, then kept
				resp, _ := b.get(page)
				if csp := resp.Header.Get("Content-Security-Policy"); !strings.HasSuffix(csp, want) {
					t.Errorf("%s CSP = %q, want it to end in %s", page, csp, want)
				}
			}
		}
	}
	check("form-action 'self'")
	must(t, srv.Gatehouse.Social().SaveApp(context.Background(), &social.App{Provider: "github", ClientID: "cid", Secret: "s"}))
	check("form-action 'self' https: http:") // an http SiteURL: development
}

// TestSocialLogoutDropsPendingSignup: signing out forgets a social signup
// left unfinished in the browser (allauth keeps it in the session, which
// logout flushes), so whoever uses the browser next cannot finish it with
// the provider account of the person who signed out.
func TestSocialLogoutDropsPendingSignup(t *testing.T) {
	f := newGHFake(t)
	srv := socialServer(t, f, func(c *social.Config) { c.NoAutoSignup = true })
	srv.CreateUser(t, "ann", "ann@example.com", goodPassword)
	b := newTab(t, srv.URL)
	if resp, _ := b.post("/accounts/login/", url.Values{"login": {"ann"}, "password": {goodPassword}}); resp.StatusCode != 303 {
		t.Fatalf("login = %d", resp.StatusCode)
	}
	resp, _ := b.get(b.toProvider(f, nil))
	expectRedirect(t, resp, "/accounts/3rdparty/signup/")
	if resp, body := b.get("/accounts/3rdparty/signup/"); resp.StatusCode != 200 || !strings.Contains(body, `value="octocat@github.example"`) {
		t.Fatalf("signup form = %d:\n%s", resp.StatusCode, body)
	}
	resp, _ = b.post("/accounts/logout/", nil)
	expectRedirect(t, resp, "/")
	resp, body := b.get("/accounts/3rdparty/signup/")
	if resp.StatusCode == 200 || strings.Contains(body, "octocat") {
		t.Fatalf("the signup form outlives the logout = %d:\n%s", resp.StatusCode, body)
	}
	resp, _ = b.post("/accounts/3rdparty/signup/", url.Values{"username": {"mallory"}, "email": {"octocat@github.example"}})
	expectRedirect(t, resp, "/accounts/login/")
	if _, err := srv.DB.UserByUsername(context.Background(), "mallory"); err == nil {
		t.Error("a signup was finished after the logout")
	}
}

// TestSocialConnectSignedOut: a "connect" posted by a browser whose
// session ended goes to the login page with the connections page as next,
// so the user lands where they were once signed in.
func TestSocialConnectSignedOut(t *testing.T) {
	f := newGHFake(t)
	srv := socialServer(t, f, nil)
	b := newTab(t, srv.URL)
	resp, _ := b.post("/accounts/github/login/", url.Values{"process": {"connect"}})
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/accounts/login/?next=%2Faccounts%2F3rdparty%2F" {
		t.Fatalf("an anonymous connect = %d to %q", resp.StatusCode, loc)
	}
}
