package social_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/keys"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/password"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/social"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
	"github.com/gatehouse-auth/gatehouse/user"
)

const siteURL = "https://site.example"

var client = account.Client{IP: "192.0.2.10", UserAgent: "test"}

// clock is a settable clock for expiry tests.
type clock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return time.Now().Add(c.off) }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// env is a social login service on a real SQLite store, calling providers
// on 127.0.0.1 (private addresses allowed, explicitly).
type env struct {
	t     *testing.T
	db    *sqlstore.DB
	acc   *account.Service
	svc   *social.Service
	clock *clock
	logs  *syncBuffer
}

type plainNotices struct{}

func (plainNotices) Render(n account.Notice) (*mail.Message, error) {
	line := fmt.Sprintf("kind=%s", n.Kind)
	return &mail.Message{To: []string{n.To}, Subject: line, Text: line}, nil
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvOn(t, testdb.SQLite(t))
}

// newEnvOn is newEnv on db (testdb.Each runs a test on SQLite and
// PostgreSQL).
func newEnvOn(t *testing.T, db *sqlstore.DB) *env {
	t.Helper()
	ring, err := keys.New([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: db, clock: &clock{}, logs: &syncBuffer{}}
	fast := password.Argon2Hasher{Memory: 1024, Time: 1, Threads: 1}
	e.acc = &account.Service{Users: db, Sessions: db, Limits: db, Flows: db, Keys: ring, Mail: db,
		Notices: plainNotices{}, Passwords: password.NewSet(fast), Now: e.clock.Now,
		Log:    slog.New(slog.NewJSONHandler(e.logs, nil)),
		Config: account.Config{RateLimits: map[string]string{account.LimitSignup: "1000/m/ip", account.LimitLogin: "1000/m/ip"}}}
	e.svc = &social.Service{Account: e.acc, Store: db, Config: social.Config{SiteURL: siteURL,
		Outbound: social.Outbound{AllowPrivateNetworks: true, Timeout: 3 * time.Second}}}
	return e
}

// addApp stores app through the service (its secret sealed).
func (e *env) addApp(a social.App) {
	e.t.Helper()
	if err := e.svc.SaveApp(context.Background(), &a); err != nil {
		e.t.Fatal(err)
	}
}

// noRedirect is a client that stops at the first redirect: the test plays
// the browser, reading where the provider sends it.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// visit plays the browser at the provider: it opens the authorization URL
// (the fake approves at once) and returns the callback's parameters.
func visit(t *testing.T, authURL string) url.Values {
	t.Helper()
	resp, err := noRedirect.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, siteURL+"/accounts/") {
		t.Fatalf("the provider answered %d, Location %q", resp.StatusCode, loc)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// flowRun is one login at a fake provider, stopped before the callback.
type flowRun struct {
	start  *social.Start
	params url.Values
	in     social.CallbackInput
}

// begin starts a login with app at f and follows it to the callback.
func (e *env) begin(f *fakeProvider, in social.BeginInput) *flowRun {
	e.t.Helper()
	app := f.app()
	in.Provider, in.AppID = f.p.ID, app.AppID
	start, err := e.svc.Begin(context.Background(), in, client)
	if err != nil {
		e.t.Fatalf("Begin: %v", err)
	}
	params := visit(e.t, start.URL)
	cb := social.CallbackInput{Provider: f.p.ID, Browser: start.Browser, Params: params, User: in.User, Session: in.Session}
	if f.p.ID == social.ProviderIDOIDC {
		cb.AppID = app.AppID
	}
	return &flowRun{start: start, params: params, in: cb}
}

func (e *env) complete(r *flowRun) (*social.Result, error) {
	return e.svc.Complete(context.Background(), r.in, client)
}

// login runs a whole login at f and completes the account's login.
func (e *env) login(f *fakeProvider) (*user.User, *social.Result) {
	e.t.Helper()
	res, err := e.complete(e.begin(f, social.BeginInput{Next: "/after/"}))
	if err != nil {
		e.t.Fatalf("Complete: %v", err)
	}
	if res.Login == nil {
		e.t.Fatalf("no login: %+v", res)
	}
	u, err := e.acc.CompleteLogin(context.Background(), res.Login, client)
	if err != nil {
		e.t.Fatalf("CompleteLogin: %v", err)
	}
	return u, res
}

// wantCode checks err carries code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if !account.HasCode(err, code) {
		t.Fatalf("got %v, want %s", err, code)
	}
}

// signupLocal makes a local user with a password (and an unverified
// address when email is set).
func (e *env) signupLocal(name, email, pw string) *user.User {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.acc.Signup(ctx, account.SignupInput{Username: name, Email: email, Password1: pw, Password2: pw}, client); err != nil {
		e.t.Fatal(err)
	}
	u, err := e.db.UserByUsername(ctx, name)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *env) users() int64 {
	n, err := e.db.CountUsers(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// noSecretsLogged checks the log never shows any of secrets.
func (e *env) noSecretsLogged(secrets ...string) {
	e.t.Helper()
	logs := e.logs.String()
	for _, s := range secrets {
		if s != "" && strings.Contains(logs, s) {
			e.t.Errorf("the log shows a secret %q", s)
		}
	}
}

// session stores a fresh session of u (authenticated now).
func (e *env) session(u *user.User) *session.Session {
	e.t.Helper()
	now := e.clock.Now().UTC()
	_, id := session.NewToken()
	s := session.Session{ID: id, UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour), AuthAt: now}
	if err := e.db.Save(context.Background(), s); err != nil {
		e.t.Fatal(err)
	}
	return &s
}
