package account_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
	"github.com/gatehouse-auth/gatehouse/ratelimit"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

// tooMany returns err's RetryAfter when it is a CodeTooManyAttempts, and
// fails the test otherwise.
func tooMany(t *testing.T, err error, what string) time.Duration {
	t.Helper()
	var e *account.Error
	if !errors.As(err, &e) || e.Code != account.CodeTooManyAttempts {
		t.Fatalf("%s: %v, want too_many_attempts", what, err)
	}
	return e.RetryAfter
}

// fixedClock sets s's clock to a time the test moves.
func fixedClock(s *account.Service) *time.Time {
	now := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	return &now
}

// TestParallelWrongPasswordsLockAtFive is the atomic failed-login limit
// (SECURITY.md L1): 20 wrong passwords at once for one account, the per-IP
// limits raised, get exactly five ordinary refusals; the others are
// refused by the lock. Counting after the hash let every one of them
// through the check.
func TestParallelWrongPasswordsLockAtFive(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		s, _ := newService(db)
		s.Config.RateLimits[account.LimitLogin] = "off"
		s.Config.RateLimits[account.LimitLoginFailed] = "1000/m/ip,5/300s/key"
		ctx := context.Background()
		if _, err := s.Signup(ctx, account.SignupInput{Username: "target", Password1: pw, Password2: pw}, account.Client{IP: "198.51.100.1"}); err != nil {
			t.Fatal(err)
		}
		const n = 20
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				login := []string{"target", "TARGET", "Target"}[i%3]
				_, errs[i] = s.Login(ctx, account.LoginInput{Login: login, Password: "nope"}, account.Client{IP: "203.0.113.9"})
			})
		}
		wg.Wait()
		invalid, locked := 0, 0
		for _, err := range errs {
			switch {
			case account.HasCode(err, account.CodeInvalidCredentials):
				invalid++
			case account.HasCode(err, account.CodeTooManyAttempts):
				locked++
			default:
				t.Errorf("a parallel wrong password got %v", err)
			}
		}
		if invalid != 5 || locked != n-5 {
			t.Fatalf("%d invalid_credentials and %d too_many_attempts, want 5 and %d", invalid, locked, n-5)
		}
		if _, err := s.Login(ctx, account.LoginInput{Login: "target", Password: pw}, account.Client{IP: "203.0.113.10"}); !account.HasCode(err, account.CodeTooManyAttempts) {
			t.Fatalf("the right password from elsewhere after the lock: %v", err)
		}
	})
}

// TestGoodLoginsNeverLock: a right password gives its reservation back,
// so five good logins, a wrong one and a good one all pass, and the
// counter holds only the wrong one.
func TestGoodLoginsNeverLock(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		s, _ := newService(db)
		ctx := context.Background()
		c := account.Client{IP: "203.0.113.20"}
		uLogin, err := s.Signup(ctx, account.SignupInput{Username: "gail", Email: "gail@example.com", Password1: pw, Password2: pw}, c)
		u := userOf(uLogin, err)
		if err != nil {
			t.Fatal(err)
		}
		for i, login := range []string{"gail", "GAIL", "gail@example.com", "gail", "Gail"} {
			if _, err := s.Login(ctx, account.LoginInput{Login: login, Password: pw}, c); err != nil {
				t.Fatalf("good login %d: %v", i+1, err)
			}
		}
		if _, err := s.Login(ctx, account.LoginInput{Login: "gail", Password: "wrong"}, c); !account.HasCode(err, account.CodeInvalidCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
		if _, err := s.Login(ctx, account.LoginInput{Login: "gail", Password: pw}, c); err != nil {
			t.Fatalf("good login after a wrong one: %v", err)
		}
		for rule, subject := range map[ratelimit.Rule]string{
			{Max: 5, Window: 300 * time.Second, Per: ratelimit.PerKey}: fmt.Sprintf("user:%d", u.ID),
			{Max: 10, Window: time.Minute, Per: ratelimit.PerIP}:       c.IP,
		} {
			n, err := db.Count(ctx, ratelimit.Key(account.LimitLoginFailed, rule, subject), time.Now())
			if err != nil || n.Count != 1 {
				t.Errorf("login_failed %s counter = %d (%v), want 1", rule.Per, n.Count, err)
			}
		}
	})
}

// TestLockedAnswersAlikeForKnownAndUnknown: past the lock, a known
// account and an unknown login get the same refusal, with the same
// Retry-After, after the same work (no hash at all).
func TestLockedAnswersAlikeForKnownAndUnknown(t *testing.T) {
	db := testdb.SQLite(t)
	s, h := newService(db)
	fixedClock(s)
	ctx := context.Background()
	s.Signup(ctx, account.SignupInput{Username: "known", Password1: pw, Password2: pw}, account.Client{IP: "198.51.100.1"})
	s.Passwords.VerifyDummy(ctx, "warm-up")
	var answers []account.Error
	for i, login := range []string{"known", "nobody"} {
		c := account.Client{IP: fmt.Sprintf("203.0.113.%d", 30+i)}
		for range 5 {
			if _, err := s.Login(ctx, account.LoginInput{Login: login, Password: "wrong"}, c); !account.HasCode(err, account.CodeInvalidCredentials) {
				t.Fatalf("%s: %v", login, err)
			}
		}
		for _, p := range []string{"wrong", pw} {
			h.n.Store(0)
			_, err := s.Login(ctx, account.LoginInput{Login: login, Password: p}, c)
			var e *account.Error
			if !errors.As(err, &e) {
				t.Fatalf("%s locked: %v", login, err)
			}
			answers = append(answers, *e)
			if got := h.n.Load(); got != 0 {
				t.Errorf("%s locked: %d hashes, want none", login, got)
			}
		}
	}
	for _, a := range answers {
		if a.Code != account.CodeTooManyAttempts || a.Field != "" || a.RetryAfter != 5*time.Minute || a.Params != nil || a.Err != nil {
			t.Errorf("locked answer %+v, want too_many_attempts retrying after 5m", a)
		}
	}
}

// TestSuccessClearsNothingForOthers: the owner's good login takes back its
// own reservation only; the attacker's failures from another IP still
// count toward the lock.
func TestSuccessClearsNothingForOthers(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		s, _ := newService(db)
		ctx := context.Background()
		owner, attacker := account.Client{IP: "198.51.100.40"}, account.Client{IP: "203.0.113.40"}
		s.Signup(ctx, account.SignupInput{Username: "olga", Password1: pw, Password2: pw}, owner)
		for range 4 {
			s.Login(ctx, account.LoginInput{Login: "olga", Password: "guess"}, attacker)
		}
		if _, err := s.Login(ctx, account.LoginInput{Login: "olga", Password: pw}, owner); err != nil {
			t.Fatalf("owner: %v", err)
		}
		if _, err := s.Login(ctx, account.LoginInput{Login: "olga", Password: "guess"}, attacker); !account.HasCode(err, account.CodeInvalidCredentials) {
			t.Fatalf("fifth failure: %v", err)
		}
		tooMany(t, second(s.Login(ctx, account.LoginInput{Login: "olga", Password: "guess"}, attacker)), "sixth failure")
		tooMany(t, second(s.Login(ctx, account.LoginInput{Login: "olga", Password: pw}, owner)), "owner after the lock")
	})
}

// second returns the error of a call that returns a value and an error.
func second[T any](_ T, err error) error { return err }

// TestLoginLimitPerIP: login counts every attempt per client IP (30/m),
// right passwords included; Retry-After is the time left in the window;
// other IPs are not affected.
func TestLoginLimitPerIP(t *testing.T) {
	db := testdb.SQLite(t)
	s, _ := newService(db)
	now := fixedClock(s)
	ctx := context.Background()
	c := account.Client{IP: "203.0.113.50"}
	s.Signup(ctx, account.SignupInput{Username: "lena", Password1: pw, Password2: pw}, c)
	for i := range 30 {
		if _, err := s.Login(ctx, account.LoginInput{Login: "lena", Password: pw}, c); err != nil {
			t.Fatalf("login %d: %v", i+1, err)
		}
	}
	*now = now.Add(20 * time.Second)
	if got := tooMany(t, second(s.Login(ctx, account.LoginInput{Login: "lena", Password: pw}, c)), "31st login"); got != 40*time.Second {
		t.Fatalf("Retry-After %v, want the 40s left", got)
	}
	if _, err := s.Login(ctx, account.LoginInput{Login: "lena", Password: pw}, account.Client{IP: "203.0.113.51"}); err != nil {
		t.Fatalf("from another IP: %v", err)
	}
	*now = now.Add(40 * time.Second)
	if _, err := s.Login(ctx, account.LoginInput{Login: "lena", Password: pw}, c); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

// TestFailedLoginsPerIP: login_failed counts failures per client IP too
// (10/m): an IP spraying wrong passwords over many accounts is refused on
// the 11th, for the accounts it has not tried as well.
func TestFailedLoginsPerIP(t *testing.T) {
	db := testdb.SQLite(t)
	s, _ := newService(db)
	fixedClock(s)
	ctx := context.Background()
	c := account.Client{IP: "203.0.113.60"}
	s.Signup(ctx, account.SignupInput{Username: "pia", Password1: pw, Password2: pw}, account.Client{IP: "198.51.100.60"})
	for i := range 10 {
		if _, err := s.Login(ctx, account.LoginInput{Login: fmt.Sprintf("user%d", i), Password: "123456"}, c); !account.HasCode(err, account.CodeInvalidCredentials) {
			t.Fatalf("spray %d: %v", i+1, err)
		}
	}
	if got := tooMany(t, second(s.Login(ctx, account.LoginInput{Login: "pia", Password: pw}, c)), "11th from the IP"); got != time.Minute {
		t.Fatalf("Retry-After %v, want 1m", got)
	}
	if _, err := s.Login(ctx, account.LoginInput{Login: "pia", Password: pw}, account.Client{IP: "198.51.100.60"}); err != nil {
		t.Fatalf("pia from her own IP: %v", err)
	}
}

// TestSignupLimit: signup counts every attempt per client IP (20/m),
// refused ones included, before any check.
func TestSignupLimit(t *testing.T) {
	db := testdb.SQLite(t)
	s, _ := newService(db)
	delete(s.Config.RateLimits, account.LimitSignup)
	now := fixedClock(s)
	ctx := context.Background()
	c := account.Client{IP: "203.0.113.70"}
	for i := range 20 {
		_, err := s.Signup(ctx, account.SignupInput{Username: fmt.Sprintf("s%d", i), Password1: pw, Password2: "other"}, c)
		if !account.HasCode(err, account.CodePasswordMismatch) {
			t.Fatalf("signup %d: %v", i+1, err)
		}
	}
	*now = now.Add(15 * time.Second)
	if got := tooMany(t, second(s.Signup(ctx, account.SignupInput{Username: "ok", Password1: pw, Password2: pw}, c)), "21st signup"); got != 45*time.Second {
		t.Fatalf("Retry-After %v, want the 45s left", got)
	}
	if _, err := s.Signup(ctx, account.SignupInput{Username: "ok", Password1: pw, Password2: pw}, account.Client{IP: "203.0.113.71"}); err != nil {
		t.Fatalf("from another IP: %v", err)
	}
}

// TestChangePasswordLimit: change_password counts every attempt per user
// (5/m); a wrong current password counts toward the login lock too.
func TestChangePasswordLimit(t *testing.T) {
	db := testdb.SQLite(t)
	s, _ := newService(db)
	now := fixedClock(s)
	ctx := context.Background()
	c := account.Client{IP: "203.0.113.80"}
	u := userOf(s.Signup(ctx, account.SignupInput{Username: "cora", Password1: pw, Password2: pw}, c))
	v := userOf(s.Signup(ctx, account.SignupInput{Username: "dora", Password1: pw, Password2: pw}, c))
	for i := range 5 {
		err := s.ChangePassword(ctx, u, nil, account.ChangePasswordInput{Old: pw, Password1: "a new passphrase", Password2: "mismatch"}, c)
		if !account.HasCode(err, account.CodePasswordMismatch) {
			t.Fatalf("change %d: %v", i+1, err)
		}
	}
	*now = now.Add(10 * time.Second)
	err := s.ChangePassword(ctx, u, nil, account.ChangePasswordInput{Old: pw, Password1: "a new passphrase", Password2: "a new passphrase"}, c)
	if got := tooMany(t, err, "6th change"); got != 50*time.Second {
		t.Fatalf("Retry-After %v, want the 50s left", got)
	}
	// Five right current passwords gave their reservations back.
	if _, err := s.Login(ctx, account.LoginInput{Login: "cora", Password: pw}, c); err != nil {
		t.Fatalf("login after five changes: %v", err)
	}
	// Another user is not affected; a wrong current password counts as a
	// failed login: five of them lock the login.
	*now = now.Add(time.Minute)
	for i := range 5 {
		err := s.ChangePassword(ctx, v, nil, account.ChangePasswordInput{Old: "guess", Password1: "a new passphrase", Password2: "a new passphrase"}, account.Client{IP: "203.0.113.81"})
		if !account.HasCode(err, account.CodePasswordIncorrect) {
			t.Fatalf("dora's change %d: %v", i+1, err)
		}
	}
	tooMany(t, second(s.Login(ctx, account.LoginInput{Login: "dora", Password: pw}, c)), "login after five wrong current passwords")
}

// TestReauthenticateLimit: reauthenticate counts every attempt per user
// (10/m), right passwords included, apart from the login lock; the lock of
// one user leaves another alone.
func TestReauthenticateLimit(t *testing.T) {
	db := testdb.SQLite(t)
	s, _ := newService(db)
	now := fixedClock(s)
	ctx := context.Background()
	c := account.Client{IP: "203.0.113.90"}
	u := userOf(s.Signup(ctx, account.SignupInput{Username: "rita", Password1: pw, Password2: pw}, c))
	v := userOf(s.Signup(ctx, account.SignupInput{Username: "sara", Password1: pw, Password2: pw}, c))
	sess, other := newSession(t, db, u, *now), newSession(t, db, v, *now)
	for i := range 10 {
		if err := s.Reauthenticate(ctx, u, sess, pw, c); err != nil {
			t.Fatalf("reauthentication %d: %v", i+1, err)
		}
	}
	*now = now.Add(30 * time.Second)
	if got := tooMany(t, s.Reauthenticate(ctx, u, sess, pw, c), "11th reauthentication"); got != 30*time.Second {
		t.Fatalf("Retry-After %v, want the 30s left", got)
	}
	if err := s.Reauthenticate(ctx, v, other, pw, c); err != nil {
		t.Fatalf("another user: %v", err)
	}
	if _, err := s.Login(ctx, account.LoginInput{Login: "rita", Password: pw}, c); err != nil {
		t.Fatalf("login after ten good reauthentications: %v", err)
	}
}

// TestRateLimitsConfig: RateLimits merge over the defaults; "off" turns
// one action off; mistakes are reported by CheckRateLimits, and an action
// whose rules do not parse refuses to run (fail closed).
func TestRateLimitsConfig(t *testing.T) {
	want := map[string]string{
		"login": "30/m/ip", "login_failed": "10/m/ip,5/300s/key", "signup": "20/m/ip",
		"confirm_email": "1/180s/key", "reset_password": "20/m/ip,5/m/key", "reset_password_from_key": "20/m/ip",
		"change_password": "5/m/user", "reauthenticate": "10/m/user", "manage_email": "10/m/user",
		"request_login_code": "20/m/ip,3/m/key",
	}
	if got := account.DefaultRateLimits(); !maps.Equal(got, want) {
		t.Fatalf("DefaultRateLimits() = %v, want allauth's %v", got, want)
	}
	account.DefaultRateLimits()["login"] = "off"
	if account.DefaultRateLimits()["login"] != "30/m/ip" {
		t.Fatal("DefaultRateLimits shares its map")
	}
	for _, action := range []string{account.LimitLogin, account.LimitLoginFailed, account.LimitSignup, account.LimitConfirmEmail,
		account.LimitResetPassword, account.LimitResetPasswordFromKey, account.LimitChangePassword, account.LimitReauthenticate,
		account.LimitManageEmail, account.LimitRequestLoginCode} {
		if _, ok := want[action]; !ok {
			t.Errorf("constant %q is no allauth action", action)
		}
	}

	for cfg, msg := range map[string]string{
		"login_fialed=5/m":  `unknown action "login_fialed"`,
		"login=30/min":      `login: ratelimit: rule "30/min": duration "min"`,
		"signup=":           "signup: ratelimit: empty rule list",
		"login_failed=5/m,": "login_failed: ratelimit: empty rule in the list",
	} {
		k, v, _ := strings.Cut(cfg, "=")
		c := account.Config{RateLimits: map[string]string{k: v, "login": "off"}}
		if k == "login" {
			c.RateLimits[k] = v
		}
		if err := c.CheckRateLimits(); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("CheckRateLimits(%s) = %v, want %q", cfg, err, msg)
		}
	}
	if err := (account.Config{RateLimits: map[string]string{"login": "off", "signup": "1/h"}}).CheckRateLimits(); err != nil {
		t.Errorf("CheckRateLimits of good rules: %v", err)
	}

	db := testdb.SQLite(t)
	s, _ := newService(db)
	ctx := context.Background()
	c := account.Client{IP: "203.0.113.100"}
	s.Signup(ctx, account.SignupInput{Username: "tess", Password1: pw, Password2: pw}, c)
	s.Config.RateLimits = map[string]string{account.LimitLogin: "off", account.LimitLoginFailed: "off", account.LimitSignup: "1/h"}
	for i := range 40 {
		if _, err := s.Login(ctx, account.LoginInput{Login: "tess", Password: "wrong"}, c); !account.HasCode(err, account.CodeInvalidCredentials) {
			t.Fatalf("with the login limits off, failure %d: %v", i+1, err)
		}
	}
	if _, err := s.Signup(ctx, account.SignupInput{Username: "uma", Password1: pw, Password2: pw}, c); err != nil {
		t.Fatal(err)
	}
	tooMany(t, second(s.Signup(ctx, account.SignupInput{Username: "una", Password1: pw, Password2: pw}, c)), "signup past 1/h")
	// Other actions keep their defaults.
	u, _ := db.UserByUsername(ctx, "uma")
	for range 5 {
		s.ChangePassword(ctx, u, nil, account.ChangePasswordInput{Old: pw, Password1: "x", Password2: "y"}, c)
	}
	tooMany(t, s.ChangePassword(ctx, u, nil, account.ChangePasswordInput{Old: pw, Password1: "x", Password2: "y"}, c), "6th change")

	s.Config.RateLimits[account.LimitLogin] = "lots"
	_, err := s.Login(ctx, account.LoginInput{Login: "tess", Password: pw}, c)
	if err == nil || account.AsErrors(err) != nil || !strings.Contains(err.Error(), "login") {
		t.Fatalf("login with rules that do not parse: %v, want an internal error", err)
	}
	if _, err := s.RateLimit(ctx, "login_attempts", account.Subjects{IP: c.IP}); err == nil || account.AsErrors(err) != nil {
		t.Fatalf("an unknown action: %v, want an internal error", err)
	}
}

// TestRateLimitSubjects: rules count per IP, per user and per key as
// written (keys hashed); a rule per user or key without one counts per IP;
// Release gives back exactly what was counted.
func TestRateLimitSubjects(t *testing.T) {
	db := testdb.SQLite(t)
	s, _ := newService(db)
	now := fixedClock(s)
	ctx := context.Background()
	s.Config.RateLimits[account.LimitManageEmail] = "3/m/ip,2/m/user,1/m/key"
	sub := account.Subjects{IP: "203.0.113.110", User: 7, Key: "ann@example.com"}
	ip := ratelimit.Key(account.LimitManageEmail, ratelimit.Rule{Max: 3, Window: time.Minute, Per: ratelimit.PerIP}, sub.IP)
	usr := ratelimit.Key(account.LimitManageEmail, ratelimit.Rule{Max: 2, Window: time.Minute, Per: ratelimit.PerUser}, "7")
	key := ratelimit.Key(account.LimitManageEmail, ratelimit.Rule{Max: 1, Window: time.Minute, Per: ratelimit.PerKey}, sub.Key)
	counts := func(want ...int64) {
		t.Helper()
		for i, k := range []string{ip, usr, key} {
			if c, _ := db.Count(ctx, k, *now); c.Count != want[i] {
				t.Errorf("counter %s = %d, want %d", k, c.Count, want[i])
			}
		}
	}
	u, err := s.RateLimit(ctx, account.LimitManageEmail, sub)
	if err != nil {
		t.Fatal(err)
	}
	counts(1, 1, 1)
	if err := u.Release(ctx); err != nil {
		t.Fatal(err)
	}
	counts(0, 0, 0)
	if err := u.Release(ctx); err != nil {
		t.Fatal(err)
	}
	counts(0, 0, 0)
	s.RateLimit(ctx, account.LimitManageEmail, sub)
	_, err = s.RateLimit(ctx, account.LimitManageEmail, sub)
	tooMany(t, err, "second attempt on one key")
	counts(2, 2, 2)
	// Another key, same user: the user rule refuses the third.
	_, err = s.RateLimit(ctx, account.LimitManageEmail, account.Subjects{IP: sub.IP, User: 7, Key: "bob@example.com"})
	tooMany(t, err, "third attempt of the user")
	// Without a user or a key, those rules count per IP (so 3/m/ip, 2/m
	// and 1/m all count the IP's attempts).
	_, err = s.RateLimit(ctx, account.LimitManageEmail, account.Subjects{IP: "203.0.113.111"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.RateLimit(ctx, account.LimitManageEmail, account.Subjects{IP: "203.0.113.111"})
	tooMany(t, err, "no user and no key: per IP")
	for _, k := range []string{ip, usr, key} {
		if strings.Contains(k, "example.com") {
			t.Errorf("key %q holds the address as typed", k)
		}
	}
	// A unit counted in a window that has ended is not given back from
	// the next window.
	s.Config.RateLimits[account.LimitManageEmail] = "5/m/ip"
	ipOnly := ratelimit.Key(account.LimitManageEmail, ratelimit.Rule{Max: 5, Window: time.Minute, Per: ratelimit.PerIP}, "203.0.113.112")
	old, err := s.RateLimit(ctx, account.LimitManageEmail, account.Subjects{IP: "203.0.113.112"})
	if err != nil {
		t.Fatal(err)
	}
	*now = now.Add(time.Minute)
	s.RateLimit(ctx, account.LimitManageEmail, account.Subjects{IP: "203.0.113.112"})
	if err := old.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if c, _ := db.Count(ctx, ipOnly, *now); c.Count != 1 {
		t.Errorf("a release from an ended window took from the next: count %d, want 1", c.Count)
	}
	var nilUsage *account.Usage
	if err := nilUsage.Release(ctx); err != nil {
		t.Fatal(err)
	}
}
