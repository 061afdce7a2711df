package account_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/keys"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/password"
	"github.com/gatehouse-auth/gatehouse/ratelimit"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
	"github.com/gatehouse-auth/gatehouse/user"
)

const pw = "correct horse battery staple"

// countingHasher counts the password hashes a flow computes: the work an
// attacker could time.
type countingHasher struct {
	password.Hasher
	n atomic.Int64
}

func (c *countingHasher) Verify(p, enc string) (bool, error) {
	c.n.Add(1)
	return c.Hasher.Verify(p, enc)
}
func (c *countingHasher) Hash(p string) (string, error) { c.n.Add(1); return c.Hasher.Hash(p) }

func newService(db *sqlstore.DB) (*account.Service, *countingHasher) {
	h := &countingHasher{Hasher: password.Argon2Hasher{Memory: 1024, Time: 1, Threads: 1}}
	return &account.Service{Users: db, Sessions: db, Limits: db, Flows: db, Keys: testKeys, Mail: db, Notices: plainNotices{}, Passwords: password.NewSet(h, password.DefaultSet().Accepted...),
		Config: account.Config{RateLimits: map[string]string{account.LimitSignup: "1000/m/ip"}}}, h
}

func TestConcurrentSignupsOneWinner(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		s, _ := newService(db)
		const n = 50
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				name := "Racer"
				if i%2 == 1 {
					name = "rAcEr"
				}
				_, errs[i] = s.Signup(context.Background(), account.SignupInput{Username: name, Password1: pw, Password2: pw},
					account.Client{IP: fmt.Sprintf("192.0.2.%d", i)})
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case account.HasCode(err, account.CodeUsernameTaken):
			default:
				t.Errorf("a losing signup got %v, want username_taken", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d signups succeeded, want exactly 1", won)
		}
		if c, _ := db.CountUsers(context.Background()); c != 1 {
			t.Fatalf("%d users stored", c)
		}
	})
}

func TestParallelFailuresCountedExactly(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		s, _ := newService(db)
		// The per-IP limits raised; the lock of the identity (5/300s/key)
		// refuses all but five, and every refused attempt counts too.
		s.Config.RateLimits[account.LimitLogin] = "off"
		s.Config.RateLimits[account.LimitLoginFailed] = "1000/h/ip,5/300s/key"
		ctx := context.Background()
		uLogin, err := s.Signup(ctx, account.SignupInput{Username: "target", Password1: pw, Password2: pw}, account.Client{IP: "198.51.100.1"})
		u := userOf(uLogin, err)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.Login(ctx, account.LoginInput{Login: "TARGET", Password: "nope"}, account.Client{IP: "203.0.113.9"})
			}()
		}
		wg.Wait()
		perKey := ratelimit.Rule{Max: 5, Window: 300 * time.Second, Per: ratelimit.PerKey}
		perIP := ratelimit.Rule{Max: 1000, Window: time.Hour, Per: ratelimit.PerIP}
		for _, key := range []string{
			ratelimit.Key(account.LimitLoginFailed, perKey, fmt.Sprintf("user:%d", u.ID)),
			ratelimit.Key(account.LimitLoginFailed, perIP, "203.0.113.9"),
		} {
			n, err := db.Count(ctx, key, time.Now())
			if err != nil || n.Count != 50 {
				t.Fatalf("counter %s = %d (%v), want 50", key, n.Count, err)
			}
		}
	})
}

func TestLockoutRefusesRightPasswordAndIsPerIdentity(t *testing.T) {
	db := testdb.SQLite(t)
	s, _ := newService(db)
	ctx := context.Background()
	c := account.Client{IP: "203.0.113.7"}
	s.Signup(ctx, account.SignupInput{Username: "bob", Email: "bob@example.com", Password1: pw, Password2: pw}, c)
	s.Signup(ctx, account.SignupInput{Username: "amy", Password1: pw, Password2: pw}, c)
	for _, id := range []string{"Bob", "bob", "BOB@example.com", "bob", "bob"} {
		if _, err := s.Login(ctx, account.LoginInput{Login: id, Password: "wrong"}, c); !account.HasCode(err, account.CodeInvalidCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
	}
	if _, err := s.Login(ctx, account.LoginInput{Login: "bob", Password: pw}, c); !account.HasCode(err, account.CodeTooManyAttempts) {
		t.Fatalf("right password while locked: %v, want too_many_attempts", err)
	}
	// Another account from the same IP is not locked out by Bob's counter.
	if _, err := s.Login(ctx, account.LoginInput{Login: "amy", Password: pw}, c); err != nil {
		t.Fatalf("amy locked out by bob's failures: %v", err)
	}
	// The window ends: Bob may try again.
	s.Now = func() time.Time { return time.Now().Add(6 * time.Minute) }
	if _, err := s.Login(ctx, account.LoginInput{Login: "bob", Password: pw}, c); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

// TestEqualWork checks that every refused login costs exactly one password
// hash, whether the account exists, is inactive, has no usable password or
// simply got the wrong password (SECURITY.md L6).
func TestEqualWork(t *testing.T) {
	db := testdb.SQLite(t)
	s, h := newService(db)
	ctx := context.Background()
	c := account.Client{IP: "203.0.113.8"}
	s.Signup(ctx, account.SignupInput{Username: "real", Password1: pw, Password2: pw}, c)
	inactive := userOf(s.Signup(ctx, account.SignupInput{Username: "sleeper", Password1: pw, Password2: pw}, c))
	inactive.IsActive = false
	db.UpdateUser(ctx, inactive)
	social := userOf(s.Signup(ctx, account.SignupInput{Username: "socialonly", Password1: pw, Password2: pw}, c))
	db.SetPassword(ctx, social.ID, s.Passwords.Unusable())
	s.Passwords.VerifyDummy(ctx, "warm-up") // gatehouse.New does this at start
	for _, tc := range []struct{ login, password string }{
		{"real", "wrong password"}, {"nobody", "wrong password"}, {"sleeper", "wrong password"}, {"sleeper", pw},
		{"socialonly", ""}, {"socialonly", "x"},
	} {
		h.n.Store(0)
		_, err := s.Login(ctx, account.LoginInput{Login: tc.login, Password: tc.password}, c)
		if tc.password == "" {
			if !account.HasCode(err, account.CodeRequired) {
				t.Errorf("%s with an empty password: %v", tc.login, err)
			}
			continue
		}
		want := account.CodeInvalidCredentials
		if tc.login == "sleeper" && tc.password == pw {
			// Only the right password learns the account is inactive.
			want = account.CodeAccountInactive
		}
		if !account.HasCode(err, want) {
			t.Errorf("%s: %v, want %s", tc.login, err, want)
		}
		if got := h.n.Load(); got != 1 {
			t.Errorf("%s: %d hashes, want exactly 1", tc.login, got)
		}
	}
}

func TestSignupRefusesLookAlikesAndBlocklist(t *testing.T) {
	db := testdb.SQLite(t)
	s, _ := newService(db)
	ctx := context.Background()
	c := account.Client{IP: "203.0.113.10"}
	if _, err := s.Signup(ctx, account.SignupInput{Username: "paypal", Password1: pw, Password2: pw}, c); err != nil {
		t.Fatal(err)
	}
	// Cyrillic а (U+0430) for Latin a.
	if _, err := s.Signup(ctx, account.SignupInput{Username: "p\u0430yp\u0430l", Password1: pw, Password2: pw}, c); !account.HasCode(err, account.CodeUsernameConfusable) {
		t.Errorf("look-alike username: %v", err)
	}
	if _, err := s.Signup(ctx, account.SignupInput{Username: "Admin", Password1: pw, Password2: pw}, c); !account.HasCode(err, account.CodeUsernameTaken) {
		t.Errorf("blocked username: %v", err)
	}
}

func TestPasswordRulesAtSignup(t *testing.T) {
	db := testdb.SQLite(t)
	s, _ := newService(db)
	ctx := context.Background()
	c := account.Client{IP: "203.0.113.11"}
	cases := map[string]string{
		"1234567":      "password_too_short",
		"password1234": "password_too_common",
		"98765432101":  "password_entirely_numeric",
		"quentin2026x": "password_too_similar",
	}
	for p, code := range cases {
		_, err := s.Signup(ctx, account.SignupInput{Username: "quentin2026", Password1: p, Password2: p}, c)
		if !account.HasCode(err, code) {
			t.Errorf("password %q: %v, want %s", p, err, code)
		}
	}
	s.Config.ContextWords = []string{"Gatehouse", "ab"}
	for _, p := range []string{"Gatehouse2026!", "my-ＧＡＴＥＨＯＵＳＥ-pass"} {
		if _, err := s.Signup(ctx, account.SignupInput{Username: "ctx", Password1: p, Password2: p}, c); !account.HasCode(err, account.CodePasswordContext) {
			t.Errorf("password %q built on the site name: %v", p, err)
		}
	}
	// 64 emoji and a long all-lowercase phrase are fine (no composition rules).
	for i, p := range []string{strings.Repeat("🔑", 64), "the quick brown fox jumps over the lazy dog"} {
		if _, err := s.Signup(ctx, account.SignupInput{Username: fmt.Sprintf("ok%d", i), Password1: p, Password2: p}, c); err != nil {
			t.Errorf("password %d refused: %v", i, err)
		}
		if _, err := s.Login(ctx, account.LoginInput{Login: fmt.Sprintf("ok%d", i), Password: p}, c); err != nil {
			t.Errorf("password %d does not log in: %v", i, err)
		}
	}
	// NFC and NFD spellings of one password are the same password (P5).
	if _, err := s.Signup(ctx, account.SignupInput{Username: "rene", Password1: "ren\u00e9-secret-phrase", Password2: "ren\u00e9-secret-phrase"}, c); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(ctx, account.LoginInput{Login: "rene", Password: "rene\u0301-secret-phrase"}, c); err != nil {
		t.Errorf("decomposed spelling refused: %v", err)
	}
}

func TestChangePasswordNeedsCurrent(t *testing.T) {
	db := testdb.SQLite(t)
	s, _ := newService(db)
	ctx := context.Background()
	c := account.Client{IP: "203.0.113.12"}
	u := userOf(s.Signup(ctx, account.SignupInput{Username: "zoe", Password1: pw, Password2: pw}, c))
	newPw := "an entirely new passphrase"
	cur, other := newSession(t, db, u, time.Now()), newSession(t, db, u, time.Now())
	if err := s.ChangePassword(ctx, u, cur, account.ChangePasswordInput{Old: "guess", Password1: newPw, Password2: newPw}, c); !account.HasCode(err, account.CodePasswordIncorrect) {
		t.Fatalf("change without the current password: %v", err)
	}
	if _, ok, _ := db.Find(ctx, other.ID); !ok {
		t.Fatal("a refused change ended a session")
	}
	if err := s.ChangePassword(ctx, u, cur, account.ChangePasswordInput{Old: pw, Password1: newPw, Password2: newPw}, c); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.Find(ctx, other.ID); ok {
		t.Error("the other session survived the password change")
	}
	if _, ok, _ := db.Find(ctx, cur.ID); !ok {
		t.Error("the session that changed the password was ended")
	}
	if _, err := s.Login(ctx, account.LoginInput{Login: "zoe", Password: pw}, c); err == nil {
		t.Error("old password still works")
	}
}

// newSession stores a session of u authenticated at authAt.
func newSession(t *testing.T, db *sqlstore.DB, u *user.User, authAt time.Time) *session.Session {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Microsecond)
	s := session.Session{ID: newID(), UserID: u.ID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(time.Hour), AuthAt: authAt.UTC().Truncate(time.Microsecond)}
	if err := db.Save(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return &s
}

// TestReauthenticateAndEndSessions: ending sessions needs a recent
// authentication; a wrong password is refused and counted with failed
// logins (locked past the limit, the right password included); the right
// one is recorded on the session; another user's session id ends nothing.
func TestReauthenticateAndEndSessions(t *testing.T) {
	db := testdb.SQLite(t)
	s, _ := newService(db)
	now := time.Now()
	s.Now = func() time.Time { return now }
	ctx := context.Background()
	c := account.Client{IP: "203.0.113.14"}
	uLogin, err := s.Signup(ctx, account.SignupInput{Username: "una", Password1: pw, Password2: pw}, c)
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.CompleteLogin(ctx, uLogin, c)
	if err != nil {
		t.Fatal(err)
	}
	if stored, _ := db.User(ctx, u.ID); stored.LastLogin.IsZero() {
		t.Error("the signup's login left last_login empty")
	}
	v := userOf(s.Signup(ctx, account.SignupInput{Username: "vic", Password1: pw, Password2: pw}, c))
	cur := newSession(t, db, u, now.Add(-10*time.Minute))
	mine, theirs := newSession(t, db, u, now), newSession(t, db, v, now)
	if err := s.EndSessions(ctx, u, cur, "", c); !account.HasCode(err, account.CodeReauthenticationRequired) {
		t.Fatalf("ending sessions on a stale login: %v", err)
	}
	if err := s.Reauthenticate(ctx, u, cur, "wrong", c); !account.HasCode(err, account.CodePasswordIncorrect) {
		t.Fatalf("wrong password: %v", err)
	}
	if err := s.Reauthenticate(ctx, u, cur, pw, c); err != nil {
		t.Fatal(err)
	}
	if stored, _, _ := db.Find(ctx, cur.ID); !stored.AuthAt.Equal(now.UTC().Truncate(time.Microsecond)) {
		t.Fatalf("reauthentication not recorded: AuthAt %v", stored.AuthAt)
	}
	if err := s.EndSessions(ctx, u, cur, theirs.ID, c); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.Find(ctx, theirs.ID); !ok {
		t.Fatal("una ended vic's session")
	}
	if err := s.EndSessions(ctx, u, cur, mine.ID, c); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.Find(ctx, mine.ID); ok {
		t.Fatal("the session was not ended")
	}
	for i := 0; i < 5; i++ {
		s.Reauthenticate(ctx, u, cur, "wrong", c)
	}
	err = s.Reauthenticate(ctx, u, cur, pw, c)
	var e *account.Error
	if !errors.As(err, &e) || e.Code != account.CodeTooManyAttempts || e.RetryAfter != 5*time.Minute {
		t.Fatalf("after 5 wrong passwords: %v, want too_many_attempts for 5m", err)
	}
	if _, err := s.Login(ctx, account.LoginInput{Login: "una", Password: pw}, c); !account.HasCode(err, account.CodeTooManyAttempts) {
		t.Fatalf("login after 5 wrong reauthentications: %v", err)
	}
}

func newID() string {
	_, id := session.NewToken()
	return id
}

// userOf returns the user of a signup's login (nil when it failed).
func userOf(l *account.Login, err error) *user.User {
	if err != nil || l == nil {
		return nil
	}
	return l.User()
}

// testKeys is the key ring of the tests' services.
var testKeys = func() *keys.Ring {
	r, err := keys.New([]byte("a test secret key of at least 32 bytes"))
	if err != nil {
		panic(err)
	}
	return r
}()

// plainNotices renders account mail as one line naming what it carries,
// as subject and text (the outbox's listing keeps subjects, not bodies),
// for tests that read the queued message: the HTML pages' package has the
// real templates (tested there and over HTTP).
type plainNotices struct{}

func (plainNotices) Render(n account.Notice) (*mail.Message, error) {
	line := fmt.Sprintf("kind=%s key=%s code=%s valid=%s new=%s ", n.Kind, n.Key, n.Code, n.ValidFor, n.NewEmail)
	return &mail.Message{To: []string{n.To}, Subject: line, Text: line}, nil
}
