package mfa_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/keys"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/mfa"
	"github.com/gatehouse-auth/gatehouse/password"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
	"github.com/gatehouse-auth/gatehouse/user"
)

// The harness: an account.Service and an mfa.Service over a real sqlstore
// (SQLite in a temporary file; PostgreSQL in a schema of its own when
// GATEHOUSE_TEST_POSTGRES_URL is set), one key ring, mail queued in the
// store's outbox and rendered as one plain line, and a clock the test moves.

const pw = "correct horse battery staple"

// clock is the services' injectable clock (safe for the concurrent tests).
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newClock starts one second into a 30 s TOTP step, near the real time.
func newClock() *clock {
	now := time.Now().Unix()
	return &clock{t: time.Unix(now-now%30+1, 0).UTC()}
}

var testKeys = func() *keys.Ring {
	r, err := keys.New([]byte("the mfa tests' secret key, at least 32 bytes"))
	if err != nil {
		panic(err)
	}
	return r
}()

var fastPasswords = password.NewSet(password.Argon2Hasher{Memory: 1024, Time: 1, Threads: 1}, password.DefaultSet().Accepted...)

// plainNotices renders a notice as one line naming what it carries (as the
// subject, which the outbox listing keeps).
type plainNotices struct{}

func (plainNotices) Render(n account.Notice) (*mail.Message, error) {
	line := fmt.Sprintf("kind=%s to=%s key=%s code=%s count=%d ", n.Kind, n.To, n.Key, n.Code, n.Count)
	return &mail.Message{To: []string{n.To}, Subject: line, Text: line}, nil
}

type env struct {
	t     *testing.T
	url   string
	db    *sqlstore.DB
	acc   *account.Service
	svc   *mfa.Service
	clock *clock
	c     account.Client
}

// eachDB runs fn on SQLite and, when configured, PostgreSQL.
func eachDB(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, newEnv(t, "sqlite:"+filepath.Join(t.TempDir(), "gatehouse.db"), newClock()))
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, newEnv(t, testdb.PostgresSchema(t), newClock()))
	})
}

// sqliteEnv is one SQLite environment, for tests whose subject is not the
// store.
func sqliteEnv(t *testing.T) *env {
	return newEnv(t, "sqlite:"+filepath.Join(t.TempDir(), "gatehouse.db"), newClock())
}

func newEnv(t *testing.T, url string, clk *clock) *env {
	t.Helper()
	db := testdb.Open(t, url)
	acc := &account.Service{Users: db, Sessions: db, Limits: db, Flows: db, Keys: testKeys, Mail: db,
		Notices: plainNotices{}, Passwords: fastPasswords, Now: clk.Now,
		Log:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		Config: account.Config{RateLimits: map[string]string{account.LimitLogin: "off"}}}
	svc := &mfa.Service{Account: acc, Store: db}
	acc.Stages = svc.Stages()
	if err := svc.CheckConfig(); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, url: url, db: db, acc: acc, svc: svc, clock: clk, c: account.Client{IP: "203.0.113.5"}}
}

// second is another instance over the same database (its own connection
// pool and services), with the same keys, clock and configuration.
func (e *env) second() *env {
	e2 := newEnv(e.t, e.url, e.clock)
	e2.acc.Config = e.acc.Config
	e2.svc.Config = e.svc.Config
	return e2
}

// relaxLock raises the account's failed-login lock, for tests that are not
// about it.
func (e *env) relaxLock() {
	e.acc.Config.RateLimits[account.LimitLoginFailed] = "1000/m/ip,1000/300s/key"
}

// tick moves the clock to the next TOTP step.
func (e *env) tick() { e.clock.Add(30 * time.Second) }

// user stores an active user name with the password pw and the verified
// primary address name@example.com.
func (e *env) user(name string) *user.User {
	e.t.Helper()
	ctx := context.Background()
	enc, err := fastPasswords.Hash(ctx, pw)
	if err != nil {
		e.t.Fatal(err)
	}
	u := &user.User{Username: name, Email: name + "@example.com", Password: enc, IsActive: true,
		DateJoined: e.clock.Now().Truncate(time.Microsecond)}
	if err := e.db.CreateUser(ctx, u); err != nil {
		e.t.Fatal(err)
	}
	if err := e.db.VerifyEmail(ctx, u.ID, u.Email); err != nil {
		e.t.Fatal(err)
	}
	return e.reload(u)
}

func (e *env) reload(u *user.User) *user.User {
	e.t.Helper()
	u, err := e.db.User(context.Background(), u.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// session stores a session of u that last authenticated at authAt.
func (e *env) session(u *user.User, authAt time.Time) *session.Session {
	e.t.Helper()
	now := e.clock.Now().Truncate(time.Microsecond)
	_, id := session.NewToken()
	s := session.Session{ID: id, UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(24 * time.Hour),
		AuthAt: authAt.UTC().Truncate(time.Microsecond)}
	if err := e.db.Save(context.Background(), s); err != nil {
		e.t.Fatal(err)
	}
	return &s
}

// fresh is a session of u that has just authenticated.
func (e *env) fresh(u *user.User) *session.Session { return e.session(u, e.clock.Now()) }

// code is the current code of secret.
func (e *env) code(secret string) string { return e.codeAt(secret, e.clock.Now()) }

func (e *env) codeAt(secret string, at time.Time) string {
	e.t.Helper()
	c, err := mfa.TOTP{}.Code(secret, at)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// enrol adds an authenticator app to u and returns its secret and the
// recovery codes; the clock then moves to the next step, so that the code
// that confirmed it is not a replay of the next one.
func (e *env) enrol(u *user.User) (string, []string) {
	e.t.Helper()
	ctx := context.Background()
	enr, err := e.svc.BeginTOTP(u, u.Username)
	if err != nil {
		e.t.Fatal(err)
	}
	codes, err := e.svc.ActivateTOTP(ctx, u, e.fresh(u), enr.State, e.code(enr.Secret), e.c)
	if err != nil {
		e.t.Fatalf("activate: %v", err)
	}
	e.tick()
	return enr.Secret, codes
}

// login signs u in with the password: the first factor.
func (e *env) login(u *user.User) *account.Login {
	e.t.Helper()
	l, err := e.acc.Login(context.Background(), account.LoginInput{Login: u.Username, Password: pw}, e.c)
	if err != nil {
		e.t.Fatalf("login %s: %v", u.Username, err)
	}
	return l
}

// stage is the name of l's next stage, "" when it can complete.
func (e *env) stage(l *account.Login) string {
	e.t.Helper()
	st, err := e.acc.NextStage(context.Background(), l)
	if err != nil {
		e.t.Fatal(err)
	}
	if st == nil {
		return ""
	}
	return st.Name()
}

func (e *env) status(u *user.User) *mfa.Status {
	e.t.Helper()
	st, err := e.svc.Status(context.Background(), u)
	if err != nil {
		e.t.Fatal(err)
	}
	return st
}

// mails returns the queued notice lines of kind.
func (e *env) mails(kind account.NoticeKind) []string {
	e.t.Helper()
	qs, err := e.db.ListOutbox(context.Background(), 0, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, q := range qs {
		if strings.HasPrefix(q.Message.Subject, "kind="+string(kind)+" ") {
			out = append(out, q.Message.Subject)
		}
	}
	return out
}

// field returns the value of name=… in a notice line.
func field(line, name string) string {
	for _, f := range strings.Fields(line) {
		if v, ok := strings.CutPrefix(f, name+"="); ok {
			return v
		}
	}
	return ""
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if !account.HasCode(err, code) {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
}

// wrong returns a code of the right shape that is not c.
func wrong(c string) string {
	b := []byte(c)
	b[0] = '0' + (b[0]-'0'+1)%10
	return string(b)
}

// TestActivateTOTP: activation needs a recent authentication and a right
// code; a wrong one stores nothing; the right one stores the app and ten
// recovery codes of eight digits, mails the user, and stores no readable
// secret; a second app is refused.
func TestActivateTOTP(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u := e.user("ann")
		enr, err := e.svc.BeginTOTP(u, "ann")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(enr.URI, "secret="+enr.Secret) || len(enr.QR) == 0 {
			t.Fatalf("enrolment URI %q, QR %d bytes", enr.URI, len(enr.QR))
		}
		right := e.code(enr.Secret)

		stale := e.session(u, e.clock.Now().Add(-account.ReauthenticationTimeout-time.Second))
		_, err = e.svc.ActivateTOTP(ctx, u, stale, enr.State, right, e.c)
		wantCode(t, "stale session", err, account.CodeReauthenticationRequired)
		_, err = e.svc.ActivateTOTP(ctx, u, nil, enr.State, right, e.c)
		wantCode(t, "no session", err, account.CodeReauthenticationRequired)

		sess := e.fresh(u)
		_, err = e.svc.ActivateTOTP(ctx, u, sess, enr.State, wrong(right), e.c)
		wantCode(t, "wrong code", err, account.CodeCodeIncorrect)
		if st := e.status(u); st.Enabled() || st.TOTP != nil || st.Recovery != nil {
			t.Fatalf("a wrong code stored something: %+v", st)
		}
		if m := e.mails(account.NoticeTOTPActivated); len(m) != 0 {
			t.Fatalf("a wrong code mailed %v", m)
		}

		codes, err := e.svc.ActivateTOTP(ctx, u, sess, enr.State, right, e.c)
		if err != nil {
			t.Fatalf("right code: %v", err)
		}
		if len(codes) != 10 {
			t.Fatalf("%d recovery codes, want 10", len(codes))
		}
		seen := map[string]bool{}
		for _, c := range codes {
			if !regexp.MustCompile(`^[0-9]{8}$`).MatchString(c) || seen[c] {
				t.Fatalf("recovery codes %q: want 10 distinct codes of 8 digits", codes)
			}
			seen[c] = true
		}
		st := e.status(u)
		if !st.Enabled() || st.Recovery == nil || st.RecoveryLeft != 10 || st.Total != 10 {
			t.Fatalf("status after activation: %+v", st)
		}
		m := e.mails(account.NoticeTOTPActivated)
		if len(m) != 1 || field(m[0], "to") != u.Email {
			t.Fatalf("totp_activated mails: %q", m)
		}

		// M2: the stored data holds no readable secret (nor a recovery code).
		rows, err := e.db.SQL().QueryContext(ctx, `SELECT type, data FROM gh_mfa_authenticators`)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var typ string
			var data []byte
			if err := rows.Scan(&typ, &data); err != nil {
				t.Fatal(err)
			}
			n++
			low := strings.ToLower(string(data))
			if strings.Contains(low, strings.ToLower(enr.Secret)) {
				t.Errorf("%s row holds the base32 secret: %s", typ, data)
			}
			for _, c := range codes {
				if strings.Contains(string(data), c) {
					t.Errorf("%s row holds recovery code %s", typ, c)
				}
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if n != 2 {
			t.Fatalf("%d authenticator rows, want 2", n)
		}
		for _, a := range []*mfa.Authenticator{st.TOTP, st.Recovery} {
			if strings.Contains(strings.ToLower(string(a.Data)), strings.ToLower(enr.Secret)) {
				t.Errorf("%s Data holds the secret", a.Type)
			}
		}
		if got, err := mfa.OpenTOTPSecret(testKeys, st.TOTP); err != nil || got != enr.Secret {
			t.Fatalf("the sealed secret opens to %q, %v", got, err)
		}

		// A second app.
		e.tick()
		enr2, _ := e.svc.BeginTOTP(u, "ann")
		_, err = e.svc.ActivateTOTP(ctx, u, sess, enr2.State, e.code(enr2.Secret), e.c)
		wantCode(t, "second activation", err, mfa.CodeAlreadyActive)
		if got, _ := mfa.OpenTOTPSecret(testKeys, e.status(u).TOTP); got != enr.Secret {
			t.Fatal("a second activation replaced the secret")
		}
	})
}

// TestActivateTOTPUnverifiedEmail: an unverified address (primary or not)
// blocks enrolment unless AllowUnverifiedEmail.
func TestActivateTOTPUnverifiedEmail(t *testing.T) {
	e := sqliteEnv(t)
	ctx := context.Background()
	u := e.user("ben")
	if err := e.db.AddEmail(ctx, &user.EmailAddress{UserID: u.ID, Email: "ben.other@example.com"}); err != nil {
		t.Fatal(err)
	}
	enr, _ := e.svc.BeginTOTP(u, "ben")
	_, err := e.svc.ActivateTOTP(ctx, u, e.fresh(u), enr.State, e.code(enr.Secret), e.c)
	wantCode(t, "unverified address", err, mfa.CodeUnverifiedEmail)
	if e.status(u).Enabled() {
		t.Fatal("stored despite the unverified address")
	}
	e.svc.Config.AllowUnverifiedEmail = true
	if _, err := e.svc.ActivateTOTP(ctx, u, e.fresh(u), enr.State, e.code(enr.Secret), e.c); err != nil {
		t.Fatalf("AllowUnverifiedEmail: %v", err)
	}

	// A user whose only (primary) address is unverified.
	e.svc.Config.AllowUnverifiedEmail = false
	enc, _ := fastPasswords.Hash(ctx, pw)
	v := &user.User{Username: "val", Email: "val@example.com", Password: enc, IsActive: true, DateJoined: e.clock.Now()}
	if err := e.db.CreateUser(ctx, v); err != nil {
		t.Fatal(err)
	}
	enr, _ = e.svc.BeginTOTP(v, "val")
	_, err = e.svc.ActivateTOTP(ctx, v, e.fresh(v), enr.State, e.code(enr.Secret), e.c)
	wantCode(t, "unverified primary", err, mfa.CodeUnverifiedEmail)
}

// TestEnrolmentState: the state is bound to its user and lives 30
// minutes; a forged one is refused.
func TestEnrolmentState(t *testing.T) {
	e := sqliteEnv(t)
	ctx := context.Background()
	ann, bob := e.user("ann"), e.user("bob")
	enr, _ := e.svc.BeginTOTP(ann, "ann")
	_, err := e.svc.ActivateTOTP(ctx, bob, e.fresh(bob), enr.State, e.code(enr.Secret), e.c)
	wantCode(t, "another user's state", err, mfa.CodeEnrolmentExpired)
	_, err = e.svc.ResumeTOTP(bob, enr.State, "bob")
	wantCode(t, "resume another user's state", err, mfa.CodeEnrolmentExpired)
	_, err = e.svc.ActivateTOTP(ctx, ann, e.fresh(ann), enr.State[:len(enr.State)-2]+"AA", e.code(enr.Secret), e.c)
	wantCode(t, "forged state", err, mfa.CodeEnrolmentExpired)

	e.clock.Add(29 * time.Minute)
	if r, err := e.svc.ResumeTOTP(ann, enr.State, "ann"); err != nil || r.Secret != enr.Secret {
		t.Fatalf("resume at 29 minutes: %v", err)
	}
	e.clock.Add(time.Minute + time.Second)
	_, err = e.svc.ActivateTOTP(ctx, ann, e.fresh(ann), enr.State, e.code(enr.Secret), e.c)
	wantCode(t, "state older than 30 minutes", err, mfa.CodeEnrolmentExpired)
	if e.status(ann).Enabled() || e.status(bob).Enabled() {
		t.Fatal("a refused state stored an authenticator")
	}
}

// TestAuthenticateTOTP: the current code passes the stage once; the same
// code again is a replay, refused on this instance and on another over the
// same database; a code from 90 s ago is refused.
func TestAuthenticateTOTP(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.relaxLock()
		u := e.user("ann")
		secret, _ := e.enrol(u)

		l := e.login(u)
		if got := e.stage(l); got != mfa.StageAuthenticate {
			t.Fatalf("stage %q, want %s", got, mfa.StageAuthenticate)
		}
		old := e.codeAt(secret, e.clock.Now().Add(-90*time.Second))
		if old != e.code(secret) { // one in a million they coincide
			wantCode(t, "code from t-90s", e.svc.Authenticate(ctx, l, old, e.c), account.CodeCodeIncorrect)
		}
		wantCode(t, "no code", e.svc.Authenticate(ctx, l, "", e.c), account.CodeRequired)
		wantCode(t, "letters", e.svc.Authenticate(ctx, l, "12a456", e.c), account.CodeRequired)
		code := e.code(secret)
		if err := e.svc.Authenticate(ctx, l, code[:3]+" "+code[3:], e.c); err != nil {
			t.Fatalf("right code: %v", err)
		}
		if got := e.stage(l); got != "" {
			t.Fatalf("after the right code, stage %q pending", got)
		}
		if _, err := e.acc.CompleteLogin(ctx, l, e.c); err != nil {
			t.Fatal(err)
		}

		l2 := e.login(u)
		wantCode(t, "replay", e.svc.Authenticate(ctx, l2, code, e.c), account.CodeCodeIncorrect)
		e2 := e.second()
		l3 := e2.login(u)
		wantCode(t, "replay on a second instance", e2.svc.Authenticate(ctx, l3, code, e.c), account.CodeCodeIncorrect)
		if got := e2.stage(l3); got != mfa.StageAuthenticate {
			t.Fatalf("a replay passed the stage: %q", got)
		}

		// The other way round: the second instance takes the next step,
		// the first refuses it.
		e.tick()
		next := e.code(secret)
		if err := e2.svc.Authenticate(ctx, l3, next, e.c); err != nil {
			t.Fatalf("next step on the second instance: %v", err)
		}
		wantCode(t, "replay on the first instance", e.svc.Authenticate(ctx, l2, next, e.c), account.CodeCodeIncorrect)
	})
}

// TestConcurrentTOTPCode: one code typed at once in N logins: one wins.
func TestConcurrentTOTPCode(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.relaxLock()
		u := e.user("ann")
		secret, _ := e.enrol(u)
		const n = 8
		ls := make([]*account.Login, n)
		for i := range ls {
			ls[i] = e.login(u)
		}
		code := e.code(secret)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range ls {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = e.svc.Authenticate(context.Background(), ls[i], code, e.c)
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case account.HasCode(err, account.CodeCodeIncorrect):
			default:
				t.Errorf("a losing attempt got %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d logins passed with one code, want 1", won)
		}
	})
}

// TestAuthenticateAttemptCap: the fifth wrong code at one challenge ends
// it (CodeTooManyAttempts), and the right code is refused there after; the
// count survives saving the login; a new login is a new challenge.
func TestAuthenticateAttemptCap(t *testing.T) {
	e := sqliteEnv(t)
	ctx := context.Background()
	e.relaxLock()
	u := e.user("ann")
	secret, _ := e.enrol(u)
	l := e.login(u)
	bad := wrong(e.code(secret))
	for i := 1; i <= 3; i++ {
		wantCode(t, fmt.Sprintf("wrong code %d", i), e.svc.Authenticate(ctx, l, bad, e.c), account.CodeCodeIncorrect)
	}
	token, err := e.acc.SaveLogin(ctx, "", l)
	if err != nil {
		t.Fatal(err)
	}
	if l, err = e.acc.LoadLogin(ctx, token); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "wrong code 4", e.svc.Authenticate(ctx, l, bad, e.c), account.CodeCodeIncorrect)
	wantCode(t, "wrong code 5", e.svc.Authenticate(ctx, l, bad, e.c), mfa.CodeTooManyAttempts)
	wantCode(t, "right code after 5 wrong", e.svc.Authenticate(ctx, l, e.code(secret), e.c), mfa.CodeTooManyAttempts)
	if e.stage(l) != mfa.StageAuthenticate {
		t.Fatal("the capped challenge passed")
	}
	l2 := e.login(u)
	if err := e.svc.Authenticate(ctx, l2, e.code(secret), e.c); err != nil {
		t.Fatalf("a new login's challenge: %v", err)
	}
}

// TestWrongCodesSpendLoginLock: wrong codes spend the account's
// login_failed lock (5/300s/key by default) across challenges; right ones
// give their unit back; once locked, the right password and the right
// code are refused.
func TestWrongCodesSpendLoginLock(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u := e.user("ann")
		secret, _ := e.enrol(u)
		for i := 0; i < 4; i++ { // right codes count nothing
			if err := e.svc.Authenticate(ctx, e.login(u), e.code(secret), e.c); err != nil {
				t.Fatalf("right code %d: %v", i, err)
			}
			e.tick()
		}
		l := e.login(u)
		for i := 0; i < 3; i++ {
			wantCode(t, "wrong code", e.svc.Authenticate(ctx, l, wrong(e.code(secret)), e.c), account.CodeCodeIncorrect)
		}
		l = e.login(u) // a new challenge; 3 units spent
		for i := 0; i < 2; i++ {
			wantCode(t, "wrong code", e.svc.Authenticate(ctx, l, wrong(e.code(secret)), e.c), account.CodeCodeIncorrect)
		}
		_, err := e.acc.Login(ctx, account.LoginInput{Login: "ann", Password: pw}, e.c)
		wantCode(t, "password after 5 wrong codes", err, account.CodeTooManyAttempts)
		wantCode(t, "right code while locked", e.svc.Authenticate(ctx, l, e.code(secret), e.c), account.CodeTooManyAttempts)
		_, err = e.acc.ExternalLogin(ctx, u, account.MethodSocial, e.c)
		wantCode(t, "provider login while locked", err, account.CodeTooManyAttempts)
	})
}

// TestRecoveryCodeLogin: a recovery code passes the stage once and mails how
// many are left; new codes replace the old ones.
func TestRecoveryCodeLogin(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.relaxLock()
		u := e.user("ann")
		_, codes := e.enrol(u)

		l := e.login(u)
		if err := e.svc.Authenticate(ctx, l, codes[0][:4]+"-"+codes[0][4:], e.c); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		if e.stage(l) != "" {
			t.Fatal("a recovery code did not pass the stage")
		}
		m := e.mails(account.NoticeRecoveryCodeUsed)
		if len(m) != 1 || field(m[0], "count") != "9" || field(m[0], "to") != u.Email {
			t.Fatalf("recovery_code_used mails: %q, want one with count=9", m)
		}
		if st := e.status(u); st.RecoveryLeft != 9 || st.Total != 10 {
			t.Fatalf("left %d of %d, want 9 of 10", st.RecoveryLeft, st.Total)
		}
		l = e.login(u)
		wantCode(t, "a used recovery code", e.svc.Authenticate(ctx, l, codes[0], e.c), account.CodeCodeIncorrect)
		if err := e.svc.Authenticate(ctx, l, codes[1], e.c); err != nil {
			t.Fatalf("second recovery code: %v", err)
		}
		if m := e.mails(account.NoticeRecoveryCodeUsed); len(m) != 2 || field(m[1], "count") != "8" {
			t.Fatalf("recovery_code_used mails: %q", m)
		}

		// New codes.
		stale := e.session(u, e.clock.Now().Add(-time.Hour))
		_, err := e.svc.GenerateRecoveryCodes(ctx, u, stale, e.c)
		wantCode(t, "regenerate on a stale session", err, account.CodeReauthenticationRequired)
		fresh, err := e.svc.GenerateRecoveryCodes(ctx, u, e.fresh(u), e.c)
		if err != nil || len(fresh) != 10 {
			t.Fatalf("regenerate: %d codes, %v", len(fresh), err)
		}
		if m := e.mails(account.NoticeRecoveryCodesGenerated); len(m) != 1 {
			t.Fatalf("recovery_codes_generated mails: %q", m)
		}
		if st := e.status(u); st.RecoveryLeft != 10 {
			t.Fatalf("after regeneration %d left", st.RecoveryLeft)
		}
		l = e.login(u)
		for _, old := range codes[2:] {
			wantCode(t, "an old recovery code", e.svc.Authenticate(ctx, l, old, e.c), account.CodeCodeIncorrect)
			l = e.login(u) // a fresh challenge for each
		}
		if err := e.svc.Authenticate(ctx, l, fresh[0], e.c); err != nil {
			t.Fatalf("a new recovery code: %v", err)
		}
	})
}

// TestRecoveryCodesAloneOpenNothing: recovery codes left without an app
// (an app removed behind the service's back, an import) do not
// authenticate, and are not spent.
func TestRecoveryCodesAloneOpenNothing(t *testing.T) {
	e := sqliteEnv(t)
	ctx := context.Background()
	u := e.user("ann")
	_, codes := e.enrol(u)
	st := e.status(u)
	if err := e.db.DeleteAuthenticator(ctx, u.ID, st.TOTP.ID); err != nil {
		t.Fatal(err)
	}
	l := e.login(u)
	wantCode(t, "recovery code without an app", e.svc.Authenticate(ctx, l, codes[0], e.c), account.CodeCodeIncorrect)
	if st := e.status(u); st.RecoveryLeft != 10 {
		t.Fatalf("a refused recovery code was spent: %d left", st.RecoveryLeft)
	}
	sess := e.fresh(u)
	wantCode(t, "reauthenticate by recovery code without an app", e.svc.Reauthenticate(ctx, u, sess, codes[0], e.c), account.CodeCodeIncorrect)
	_, err := e.svc.GenerateRecoveryCodes(ctx, u, sess, e.c)
	wantCode(t, "regenerate without an app", err, mfa.CodeNotActive)
}

// TestConcurrentRecoveryCode: one recovery code typed at once in N logins
// (N browsers of an attacker and the user): exactly one wins, one code is
// spent, one notice goes.
func TestConcurrentRecoveryCode(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.relaxLock()
		u := e.user("ann")
		_, codes := e.enrol(u)
		const n = 8
		ls := make([]*account.Login, n)
		for i := range ls {
			ls[i] = e.login(u)
		}
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range ls {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = e.svc.Authenticate(context.Background(), ls[i], codes[3], e.c)
			}()
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case account.HasCode(err, account.CodeCodeIncorrect):
			default:
				t.Errorf("a losing attempt got %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d logins passed with one recovery code, want exactly 1", won)
		}
		if st := e.status(u); st.RecoveryLeft != 9 {
			t.Fatalf("%d codes left, want 9", st.RecoveryLeft)
		}
		if m := e.mails(account.NoticeRecoveryCodeUsed); len(m) != 1 {
			t.Fatalf("recovery_code_used mails: %q", m)
		}
	})
}

// TestConcurrentDifferentRecoveryCodes: N different recovery codes typed
// at once (each in its own login) all pass: spending one does not make the
// others' compare-and-set refuse a valid code.
func TestConcurrentDifferentRecoveryCodes(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.relaxLock()
		u := e.user("ann")
		_, codes := e.enrol(u)
		const n = 6
		ls := make([]*account.Login, n)
		for i := range ls {
			ls[i] = e.login(u)
		}
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range ls {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = e.svc.Authenticate(context.Background(), ls[i], codes[i], e.c)
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("recovery code %d, valid and unused, refused: %v", i, err)
			}
		}
		if st := e.status(u); st.RecoveryLeft != 10-n {
			t.Fatalf("%d codes left, want %d", st.RecoveryLeft, 10-n)
		}
		m := e.mails(account.NoticeRecoveryCodeUsed)
		if len(m) != n {
			t.Fatalf("%d recovery_code_used mails, want %d", len(m), n)
		}
		// Each spend told the count it left: n different counts.
		counts := map[string]bool{}
		for _, line := range m {
			counts[field(line, "count")] = true
		}
		if len(counts) != n {
			t.Fatalf("counts told %v, want %d different ones", counts, n)
		}
	})
}

// TestReauthenticateByFactor: a right code records the reauthentication
// on the session; a wrong one does not.
func TestReauthenticateByFactor(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u := e.user("ann")
		secret, codes := e.enrol(u)
		sess := e.session(u, e.clock.Now().Add(-time.Hour))
		wantCode(t, "wrong code", e.svc.Reauthenticate(ctx, u, sess, wrong(e.code(secret)), e.c), account.CodeCodeIncorrect)
		if e.acc.RecentlyAuthenticated(sess) {
			t.Fatal("a wrong code reauthenticated")
		}
		if err := e.svc.Reauthenticate(ctx, u, sess, e.code(secret), e.c); err != nil {
			t.Fatalf("right code: %v", err)
		}
		if !e.acc.RecentlyAuthenticated(sess) {
			t.Fatal("the right code did not reauthenticate the session")
		}
		stored, ok, err := e.db.Find(ctx, sess.ID)
		if err != nil || !ok || !e.acc.RecentlyAuthenticated(&stored) {
			t.Fatalf("stored session AuthAt %v (%v, %v), want now", stored.AuthAt, ok, err)
		}
		// And by a recovery code, later.
		e.clock.Add(time.Hour)
		if e.acc.RecentlyAuthenticated(sess) {
			t.Fatal("the clock did not move")
		}
		if err := e.svc.Reauthenticate(ctx, u, sess, codes[0], e.c); err != nil || !e.acc.RecentlyAuthenticated(sess) {
			t.Fatalf("recovery code: %v", err)
		}
	})
}

// TestDeactivateTOTP: removal needs a recent authentication; it removes
// the app and the recovery codes, ends the other sessions, keeps this one
// and mails the user; the next login has no second factor.
func TestDeactivateTOTP(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u := e.user("ann")
		bob := e.user("bob")
		e.enrol(u)
		other1, other2 := e.fresh(u), e.fresh(u)
		bobs := e.fresh(bob)
		stale := e.session(u, e.clock.Now().Add(-time.Hour))
		wantCode(t, "stale session", e.svc.DeactivateTOTP(ctx, u, stale, e.c), account.CodeReauthenticationRequired)
		if !e.status(u).Enabled() {
			t.Fatal("removed on a stale session")
		}
		cur := e.fresh(u)
		if err := e.svc.DeactivateTOTP(ctx, u, cur, e.c); err != nil {
			t.Fatal(err)
		}
		if st := e.status(u); st.TOTP != nil || st.Recovery != nil {
			t.Fatalf("after removal: %+v", st)
		}
		ss, err := e.db.ListUser(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ss) != 1 || ss[0].ID != cur.ID {
			t.Fatalf("sessions left %v, want only the current one (not %s, %s, %s)", ss, other1.ID, other2.ID, stale.ID)
		}
		if _, ok, _ := e.db.Find(ctx, bobs.ID); !ok {
			t.Fatal("another user's session ended")
		}
		if m := e.mails(account.NoticeTOTPDeactivated); len(m) != 1 || field(m[0], "to") != u.Email {
			t.Fatalf("totp_deactivated mails: %q", m)
		}
		if st := e.stage(e.login(u)); st != "" {
			t.Fatalf("login after removal: stage %q", st)
		}
		wantCode(t, "second removal", e.svc.DeactivateTOTP(ctx, u, cur, e.c), mfa.CodeNotActive)
	})
}

// TestReset: the operator's reset removes every factor and ends every
// session.
func TestReset(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u := e.user("ann")
		e.enrol(u)
		e.fresh(u)
		e.fresh(u)
		n, err := e.svc.Reset(ctx, u, e.c)
		if err != nil || n != 2 {
			t.Fatalf("reset: %d, %v; want 2 authenticators", n, err)
		}
		if st := e.status(u); st.TOTP != nil || st.Recovery != nil {
			t.Fatalf("after reset: %+v", st)
		}
		if ss, err := e.db.ListUser(ctx, u.ID); err != nil || len(ss) != 0 {
			t.Fatalf("sessions after reset: %v, %v", ss, err)
		}
		l := e.login(u)
		if st := e.stage(l); st != "" {
			t.Fatalf("login after reset: stage %q", st)
		}
		// The user can enrol again.
		e.enrol(u)
		if !e.status(u).Enabled() {
			t.Fatal("no enrolment after a reset")
		}
	})
}

// TestCheckConfig: configurations that cannot work are refused.
func TestCheckConfig(t *testing.T) {
	e := sqliteEnv(t)
	for _, tc := range []struct {
		name string
		cfg  mfa.Config
		ok   bool
	}{
		{"zero", mfa.Config{}, true},
		{"8 digits, staff, totp only", mfa.Config{TOTP: mfa.TOTP{Digits: 8}, Required: mfa.RequiredStaff, SupportedTypes: []string{mfa.TypeTOTP}}, true},
		{"all, both types", mfa.Config{Required: mfa.RequiredAll, SupportedTypes: []string{mfa.TypeTOTP, mfa.TypeRecoveryCodes}}, true},
		{"7 digits", mfa.Config{TOTP: mfa.TOTP{Digits: 7}}, false},
		{"period of 1.5 s", mfa.Config{TOTP: mfa.TOTP{Period: 1500 * time.Millisecond}}, false},
		{"tolerance 11", mfa.Config{TOTP: mfa.TOTP{Tolerance: 11}}, false},
		{"unknown type", mfa.Config{SupportedTypes: []string{mfa.TypeTOTP, "webauthn"}}, false},
		{"recovery codes alone", mfa.Config{SupportedTypes: []string{mfa.TypeRecoveryCodes}}, false},
		{"unknown required", mfa.Config{Required: "admins"}, false},
		{"recovery 5 digits", mfa.Config{Recovery: mfa.Recovery{Digits: 5}}, false},
		{"negative trust age", mfa.Config{TrustAge: -time.Hour}, false},
		{"negative attempts", mfa.Config{MaxAttempts: -1}, false},
	} {
		s := &mfa.Service{Account: e.acc, Store: e.db, Config: tc.cfg}
		if err := s.CheckConfig(); (err == nil) != tc.ok {
			t.Errorf("%s: CheckConfig = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
	if err := (&mfa.Service{Account: e.acc}).CheckConfig(); err == nil {
		t.Error("no store: accepted")
	}
	noKeys := *e.acc
	noKeys.Keys = nil
	if err := (&mfa.Service{Account: &noKeys, Store: e.db}).CheckConfig(); err == nil {
		t.Error("an account without keys: accepted")
	}
}
