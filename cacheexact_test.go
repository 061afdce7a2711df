package gatehouse_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/gatehousetest"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
	"github.com/gatehouse-auth/gatehouse/user"
)

// exactEnv is two instances of one app (default config, Gatehouse mounted on
// the app's mux) sharing one database, and a third connection to it as the
// CLI or an admin would use.
type exactEnv struct {
	one, two *httptest.Server
	admin    *sqlstore.DB
	now      *time.Time
	secret   *user.Permission
	browserA *http.Client // the browser of the step that runs
}

// sessionOf returns the stored session of browser c, a user's session.
func sessionOf(t *testing.T, e *exactEnv, u *user.User, c *http.Client) session.Session {
	t.Helper()
	ss, err := e.admin.ListUser(context.Background(), u.ID)
	must(t, err)
	base, _ := url.Parse(e.one.URL)
	for _, ck := range c.Jar.Cookies(base) {
		for _, s := range ss {
			if s.ID == session.HashToken(ck.Value) {
				return s
			}
		}
	}
	t.Fatalf("no stored session for the browser's cookies")
	return session.Session{}
}

// appInstance is an app as the README builds it: its own pages guarded by
// Gatehouse, Gatehouse's pages mounted beside them, everything behind Protect.
func appInstance(t *testing.T, db *sqlstore.DB, key []byte, now *time.Time) *httptest.Server {
	t.Helper()
	gh, err := gatehouse.New(gatehouse.Config{
		Store: db, SecretKey: key, SiteURL: "http://gatehouse.test", Passwords: gatehousetest.FastPasswords(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:    func() time.Time { return *now },
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	gh.Mount(mux)
	mux.Handle("/me/", gh.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		me := gatehouse.CurrentUser(r.Context())
		groups, _ := me.Groups(r.Context())
		fmt.Fprintf(w, "user=%s email=%s superuser=%v groups=%v", me.Username, me.Email, me.IsSuperuser, groups)
	})))
	mux.Handle("/secret/", gh.RequirePermission("app.view_secret")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "the secret")
	})))
	srv := httptest.NewServer(gh.Protect(mux))
	t.Cleanup(srv.Close)
	return srv
}

// fetch GETs path with c and returns the status and body.
func fetch(t *testing.T, c *http.Client, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	resp, err := c.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// send POSTs a form as a same-origin browser would.
func send(t *testing.T, c *http.Client, srv *httptest.Server, path string, v url.Values) int {
	t.Helper()
	req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// signIn logs c in on srv.
func signIn(t *testing.T, c *http.Client, srv *httptest.Server, name string) {
	t.Helper()
	if st := send(t, c, srv, "/accounts/login/", url.Values{"login": {name}, "password": {goodPassword}}); st != http.StatusSeeOther {
		t.Fatalf("login %s = %d", name, st)
	}
}

// TestCachedStateSeesEveryChange walks each change that could alter what a
// signed-in page shows. Browser A is signed in on instance one and has
// loaded the page (so every cache there is warm); the change is made by
// another browser on instance two, or by another connection (the CLI); A's
// next request to instance one must show it. SQLite and PostgreSQL.
func TestCachedStateSeesEveryChange(t *testing.T) {
	type check func(status int, body string) bool
	ok200 := func(s int, _ string) bool { return s == 200 }
	code := func(want int) check { return func(s int, _ string) bool { return s == want } }
	has := func(sub string) check {
		return func(s int, b string) bool { return s == 200 && strings.Contains(b, sub) }
	}
	lacks := func(sub string) check {
		return func(s int, b string) bool { return s == 200 && !strings.Contains(b, sub) }
	}
	others := func(n int) check { // other sessions listed on the sessions page
		return func(s int, b string) bool { return s == 200 && strings.Count(b, `name="id"`) == n }
	}
	asksPassword := func(want bool) check { // the sessions page's note that ending others needs the password
		return func(s int, b string) bool {
			return s == 200 && strings.Contains(b, "asks for your password first") == want
		}
	}
	ctx := context.Background()
	type step struct {
		name   string
		path   string
		setup  func(t *testing.T, e *exactEnv, u *user.User, b *http.Client)
		before check
		change func(t *testing.T, e *exactEnv, u *user.User, b *http.Client)
		after  check
	}
	steps := []step{
		{name: "sign-in elsewhere is listed", path: "/accounts/sessions/",
			before: others(0),
			change: func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) { signIn(t, b, e.two, u.Username) },
			after:  others(1)},
		{name: "sign-out elsewhere leaves the list", path: "/accounts/sessions/",
			setup:  func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) { signIn(t, b, e.two, u.Username) },
			before: others(1),
			change: func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) {
				if st := send(t, b, e.two, "/accounts/logout/", nil); st != http.StatusSeeOther {
					t.Fatalf("logout = %d", st)
				}
			},
			after: others(0)},
		{name: "session ended from another browser", path: "/me/",
			setup:  func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) { signIn(t, b, e.two, u.Username) },
			before: ok200,
			change: func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) {
				if st := send(t, b, e.two, "/accounts/sessions/", url.Values{"all": {"1"}}); st != http.StatusSeeOther {
					t.Fatalf("end other sessions = %d", st)
				}
			},
			after: code(http.StatusFound)},
		{name: "reauthentication recorded by another instance", path: "/accounts/sessions/",
			setup: func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) {
				signIn(t, b, e.two, u.Username)
				*e.now = e.now.Add(10 * time.Minute) // past the reauthentication window
			},
			before: asksPassword(true),
			change: func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) {
				s := sessionOf(t, e, u, e.browserA)
				s.AuthAt = *e.now
				must(t, e.admin.Save(ctx, s))
			},
			after: asksPassword(false)},
		{name: "username changed", path: "/me/", before: has("user=ann"),
			change: func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) {
				u.Username += "-renamed"
				must(t, e.admin.UpdateUser(ctx, u))
			},
			after: has("-renamed email=")},
		{name: "email changed", path: "/me/", before: has("email= "),
			change: func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) {
				u.Email = u.Username + "@example.com"
				must(t, e.admin.UpdateUser(ctx, u))
			},
			after: has("@example.com")},
		{name: "made superuser", path: "/secret/", before: code(http.StatusForbidden),
			change: func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) {
				u.IsSuperuser = true
				must(t, e.admin.UpdateUser(ctx, u))
			},
			after: has("the secret")},
		{name: "deactivated", path: "/me/", before: ok200,
			change: func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) {
				u.IsActive = false
				must(t, e.admin.UpdateUser(ctx, u))
			},
			after: code(http.StatusFound)},
		{name: "deleted", path: "/me/", before: ok200,
			change: func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) {
				_, err := e.admin.SQL().ExecContext(ctx, `DELETE FROM gh_users WHERE id = $1`, u.ID)
				must(t, err)
			},
			after: code(http.StatusFound)},
		{name: "added to a group", path: "/me/", before: has("groups=[]"),
			change: func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) {
				g := &user.Group{Name: "auditors-" + u.Username}
				must(t, e.admin.CreateGroup(ctx, g))
				must(t, e.admin.AddUserToGroup(ctx, u.ID, g.ID))
			},
			after: has("groups=[auditors-")},
		{name: "group renamed", path: "/me/",
			setup: func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) {
				g := &user.Group{Name: "old-" + u.Username}
				must(t, e.admin.CreateGroup(ctx, g))
				must(t, e.admin.AddUserToGroup(ctx, u.ID, g.ID))
			},
			before: has("groups=[old-"),
			change: func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) {
				_, err := e.admin.SQL().ExecContext(ctx, `UPDATE gh_groups SET name = $1 WHERE name = $2`, "new-"+u.Username, "old-"+u.Username)
				must(t, err)
			},
			after: has("groups=[new-")},
		{name: "removed from a group", path: "/me/",
			setup: func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) {
				g := &user.Group{Name: "leaving-" + u.Username}
				must(t, e.admin.CreateGroup(ctx, g))
				must(t, e.admin.AddUserToGroup(ctx, u.ID, g.ID))
			},
			before: has("groups=[leaving-"),
			change: func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) {
				g, err := e.admin.GroupByName(ctx, "leaving-"+u.Username)
				must(t, err)
				must(t, e.admin.RemoveUserFromGroup(ctx, u.ID, g.ID))
			},
			after: lacks("leaving-")},
		{name: "permission granted", path: "/secret/", before: code(http.StatusForbidden),
			change: func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) {
				must(t, e.admin.GrantUserPermission(ctx, u.ID, e.secret.ID))
			},
			after: has("the secret")},
		{name: "permission revoked", path: "/secret/",
			setup: func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) {
				must(t, e.admin.GrantUserPermission(ctx, u.ID, e.secret.ID))
			},
			before: ok200,
			change: func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) {
				must(t, e.admin.RevokeUserPermission(ctx, u.ID, e.secret.ID))
			},
			after: code(http.StatusForbidden)},
		{name: "permission granted to the user's group", path: "/secret/",
			setup: func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) {
				g := &user.Group{Name: "readers-" + u.Username}
				must(t, e.admin.CreateGroup(ctx, g))
				must(t, e.admin.AddUserToGroup(ctx, u.ID, g.ID))
			},
			before: code(http.StatusForbidden),
			change: func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) {
				g, err := e.admin.GroupByName(ctx, "readers-"+u.Username)
				must(t, err)
				must(t, e.admin.GrantGroupPermission(ctx, g.ID, e.secret.ID))
			},
			after: has("the secret")},
		{name: "group deleted", path: "/secret/",
			setup: func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) {
				g := &user.Group{Name: "doomed-" + u.Username}
				must(t, e.admin.CreateGroup(ctx, g))
				must(t, e.admin.AddUserToGroup(ctx, u.ID, g.ID))
				must(t, e.admin.GrantGroupPermission(ctx, g.ID, e.secret.ID))
			},
			before: ok200,
			change: func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) {
				g, err := e.admin.GroupByName(ctx, "doomed-"+u.Username)
				must(t, err)
				must(t, e.admin.DeleteGroup(ctx, g.ID))
			},
			after: code(http.StatusForbidden)},
		{name: "password changed elsewhere ends this session", path: "/me/",
			setup:  func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) { signIn(t, b, e.two, u.Username) },
			before: ok200,
			change: func(t *testing.T, e *exactEnv, u *user.User, b *http.Client) {
				st := send(t, b, e.two, "/accounts/password/change/", url.Values{
					"oldpassword": {goodPassword}, "password1": {"a new and long passphrase"}, "password2": {"a new and long passphrase"}})
				if st != http.StatusSeeOther {
					t.Fatalf("password change = %d", st)
				}
			},
			after: code(http.StatusFound)},
	}
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			dbURL := "sqlite:" + filepath.Join(t.TempDir(), "gatehouse.db")
			if dialect == "postgres" {
				dbURL = testdb.PostgresSchema(t)
			}
			key := make([]byte, 32)
			rand.Read(key)
			now := time.Now()
			e := &exactEnv{now: &now, admin: testdb.Open(t, dbURL)}
			e.one = appInstance(t, testdb.Open(t, dbURL), key, e.now)
			e.two = appInstance(t, testdb.Open(t, dbURL), key, e.now)
			e.secret = &user.Permission{AppLabel: "app", Codename: "view_secret", Name: "Can view the secret"}
			must(t, e.admin.CreatePermission(ctx, e.secret))
			hash, err := gatehousetest.FastPasswords().Hash(ctx, goodPassword)
			must(t, err)
			for i, s := range steps {
				t.Run(s.name, func(t *testing.T) {
					*e.now = time.Now()
					u := &user.User{Username: fmt.Sprintf("ann%d", i), Password: hash, IsActive: true, DateJoined: time.Now().UTC()}
					must(t, e.admin.CreateUser(ctx, u))
					a, b := newBrowser(), newBrowser()
					e.browserA = a
					signIn(t, a, e.one, u.Username)
					if s.setup != nil {
						s.setup(t, e, u, b)
					}
					for range 2 { // twice: whatever can be cached now is
						if st, body := fetch(t, a, e.one, s.path); !s.before(st, body) {
							t.Fatalf("before the change: GET %s = %d %.300q", s.path, st, body)
						}
					}
					s.change(t, e, u, b)
					if st, body := waitFor(t, a, e.one, s.path, s.after); !s.after(st, body) {
						t.Fatalf("after the change: GET %s = %d %.300q", s.path, st, body)
					}
				})
			}
		})
	}
}

// waitFor returns A's next response; on PostgreSQL a change committed by
// another process reaches this one by notification, so the request is
// retried for up to a second while it has not (SQLite sees it at once).
func waitFor(t *testing.T, c *http.Client, srv *httptest.Server, path string, ok func(int, string) bool) (int, string) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for {
		st, body := fetch(t, c, srv, path)
		if ok(st, body) || time.Now().After(deadline) || !strings.Contains(t.Name(), "postgres") {
			return st, body
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// newBrowser returns a client with a cookie jar of its own that does not
// follow redirects.
func newBrowser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestLoginsAndActivityKeepEveryCache: a login (a new session, last_login)
// and a session's activity do not move the auth generation, so sign-ins
// elsewhere never empty any instance's cache; a reauthentication does.
func TestLoginsAndActivityKeepEveryCache(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		row := func() (v int64) {
			must(t, db.SQL().QueryRowContext(ctx, `SELECT v FROM gh_auth_generation WHERE id = 1`).Scan(&v))
			return v
		}
		key := make([]byte, 32)
		rand.Read(key)
		now := time.Now()
		srv := appInstance(t, db, key, &now)
		hash, err := gatehousetest.FastPasswords().Hash(ctx, goodPassword)
		must(t, err)
		must(t, db.CreateUser(ctx, &user.User{Username: "kim", Password: hash, IsActive: true, DateJoined: now.UTC()}))
		before := row()
		a := newBrowser()
		signIn(t, a, srv, "kim")
		signIn(t, newBrowser(), srv, "kim")
		now = now.Add(5 * time.Minute) // past the activity interval: the next request writes it
		if st, _ := fetch(t, a, srv, "/me/"); st != 200 {
			t.Fatalf("GET /me/ = %d", st)
		}
		if after := row(); after != before {
			t.Fatalf("logins and activity moved the auth generation from %d to %d", before, after)
		}
		u, err := db.UserByUsername(ctx, "kim")
		must(t, err)
		ss, err := db.ListUser(ctx, u.ID)
		must(t, err)
		ss[0].AuthAt = now
		must(t, db.Save(ctx, ss[0]))
		if after := row(); after != before+1 {
			t.Fatalf("a reauthentication moved the auth generation from %d to %d, want one step", before, after)
		}
	})
}
