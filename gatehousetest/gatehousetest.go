package gatehousetest

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/mail/mailtest"
	"github.com/gatehouse-auth/gatehouse/password"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
	"github.com/gatehouse-auth/gatehouse/user"
)

// Server is a running Gatehouse.
type Server struct {
	URL       string
	DBURL     string // the database, for a second connection
	Gatehouse *gatehouse.Gatehouse
	DB        *sqlstore.DB
	HTTP      *httptest.Server
}

// Option changes the Config before the server starts.
type Option func(*gatehouse.Config)

// FastPasswords makes hashing cheap (argon2id, 1 MiB, 1 pass) so tests that
// sign many users in stay quick. NewServer uses it unless an option sets
// Config.Passwords.
func FastPasswords() *password.Set {
	return password.NewSet(password.Argon2Hasher{Memory: 1024, Time: 1, Threads: 1}, password.DefaultSet().Accepted...)
}

// NewServer starts a Gatehouse on a fresh SQLite database in t.TempDir() and
// stops it when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	ctx := context.Background()
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "gatehouse.db")
	db, err := sqlstore.Open(ctx, dbURL)
	if err != nil {
		t.Fatalf("gatehousetest: open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("gatehousetest: migrate: %v", err)
	}
	key := make([]byte, 32)
	rand.Read(key)
	hs := httptest.NewUnstartedServer(nil)
	cfg := gatehouse.Config{
		Store:     db,
		SecretKey: key,
		SiteURL:   "http://" + hs.Listener.Addr().String(),
		Demo:      true,
		Passwords: FastPasswords(),
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		Mailer:    &mail.Console{W: io.Discard},
	}
	for _, o := range opts {
		o(&cfg)
	}
	gh, err := gatehouse.New(cfg)
	if err != nil {
		t.Fatalf("gatehousetest: new: %v", err)
	}
	if err := gh.Setup(ctx); err != nil {
		t.Fatalf("gatehousetest: permissions: %v", err)
	}
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- gh.Run(runCtx) }()
	t.Cleanup(func() { // before the database closes (cleanups run last first)
		stop()
		if err := <-ran; err != nil {
			t.Errorf("gatehousetest: run: %v", err)
		}
	})
	hs.Config.Handler = gh.Handler()
	hs.Start()
	t.Cleanup(hs.Close)
	return &Server{URL: hs.URL, DBURL: dbURL, Gatehouse: gh, DB: db, HTTP: hs}
}

// Mail sends the server's mail (delivered by Gatehouse.Run from the
// outbox) to sink, a real SMTP server started by mailtest.Start.
func Mail(sink *mailtest.Sink) Option {
	return func(c *gatehouse.Config) {
		m, err := mail.FromURL("smtp", "", sink.SMTPURL(), "gatehouse@example.com")
		if err != nil {
			panic("gatehousetest: mail: " + err.Error())
		}
		c.Mailer = m
		c.MailDelivery.Poll = 50 * time.Millisecond
	}
}

// CreateUser stores an active user with the password (validators are not run).
func (s *Server) CreateUser(t testing.TB, username, email, pw string) *user.User {
	t.Helper()
	enc, err := s.Gatehouse.Account().Passwords.Hash(context.Background(), pw)
	if err != nil {
		t.Fatalf("gatehousetest: hash: %v", err)
	}
	u := &user.User{Username: username, Email: email, Password: enc, IsActive: true,
		DateJoined: time.Now().UTC().Truncate(time.Microsecond)}
	if err := s.DB.CreateUser(context.Background(), u); err != nil {
		t.Fatalf("gatehousetest: create user %s: %v", username, err)
	}
	return u
}

// Grant gives the user a permission "app_label.codename", creating the
// permission when it does not exist.
func (s *Server) Grant(t testing.TB, username, perm string) {
	t.Helper()
	ctx := context.Background()
	app, code, _ := strings.Cut(perm, ".")
	if err := s.Gatehouse.EnsurePermissions(ctx, user.Permission{AppLabel: app, Codename: code, Name: perm}); err != nil {
		t.Fatalf("gatehousetest: permission: %v", err)
	}
	u, err := s.DB.UserByUsername(ctx, username)
	if err != nil {
		t.Fatalf("gatehousetest: user %s: %v", username, err)
	}
	p, err := s.DB.PermissionByCode(ctx, app, code)
	if err != nil {
		t.Fatalf("gatehousetest: permission %s: %v", perm, err)
	}
	if err := s.DB.GrantUserPermission(ctx, u.ID, p.ID); err != nil {
		t.Fatalf("gatehousetest: grant: %v", err)
	}
}

// Client returns an HTTP client with its own cookie jar that does not follow
// redirects, so tests can assert each Location.
func (s *Server) Client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
}
