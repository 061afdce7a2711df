package mfa_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/mfa"
	"github.com/gatehouse-auth/gatehouse/user"
)

// Security keys and passkeys, answered by softKey (softkey_test.go) as a
// browser hands an authenticator's answer to the site.

const waOrigin = "https://gatehouse.example"

// logBuf keeps what the services log, for the tests that assert an event.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// withWebAuthn turns security keys and passkeys on (site
// https://gatehouse.example, passkey login on) and returns the log.
func (e *env) withWebAuthn() *logBuf {
	e.t.Helper()
	e.svc.Config.SupportedTypes = []string{mfa.TypeTOTP, mfa.TypeRecoveryCodes, mfa.TypeWebAuthn}
	e.svc.Config.WebAuthn = mfa.WebAuthnConfig{SiteURL: waOrigin, PasskeyLogin: true}
	lb := &logBuf{}
	e.acc.Log = slog.New(slog.NewTextHandler(lb, nil))
	if err := e.svc.CheckConfig(); err != nil {
		e.t.Fatal(err)
	}
	return lb
}

func eachWebAuthnDB(t *testing.T, fn func(t *testing.T, e *env, log *logBuf)) {
	eachDB(t, func(t *testing.T, e *env) { fn(t, e, e.withWebAuthn()) })
}

func waEnv(t *testing.T) (*env, *logBuf) {
	e := sqliteEnv(t)
	return e, e.withWebAuthn()
}

// beginReg starts a registration of u.
func (e *env) beginReg(u *user.User, passkey bool) *mfa.Ceremony {
	e.t.Helper()
	cer, err := e.svc.BeginWebAuthnRegistration(context.Background(), u, passkey)
	if err != nil {
		e.t.Fatalf("begin registration: %v", err)
	}
	return cer
}

// addKey registers k for u (a passkey or a security key) and returns the
// recovery codes the registration made.
func (e *env) addKey(u *user.User, k *softKey, passkey bool, name string, o keyOpts) []string {
	e.t.Helper()
	cer := e.beginReg(u, passkey)
	codes, err := e.svc.AddWebAuthn(context.Background(), u, e.fresh(u), cer.Token, name, k.create(cer.Options, waOrigin, o), e.c)
	if err != nil {
		e.t.Fatalf("add key %s: %v", name, err)
	}
	return codes
}

func (e *env) keys(u *user.User) []mfa.WebAuthnKey {
	e.t.Helper()
	ks, err := e.svc.WebAuthnKeys(context.Background(), u)
	if err != nil {
		e.t.Fatal(err)
	}
	return ks
}

// beginKeyLogin starts a second-factor ceremony of u.
func (e *env) beginKeyLogin(u *user.User) *mfa.Ceremony {
	e.t.Helper()
	cer, err := e.svc.BeginWebAuthnLogin(context.Background(), u)
	if err != nil {
		e.t.Fatalf("begin key login: %v", err)
	}
	return cer
}

// keyFactor answers l's second factor with k (a new ceremony).
func (e *env) keyFactor(l *account.Login, k *softKey, o keyOpts) error {
	e.t.Helper()
	cer := e.beginKeyLogin(l.User())
	return e.svc.AuthenticateWebAuthn(context.Background(), l, cer.Token, k.get(cer.Options, waOrigin, o), e.c)
}

func (e *env) beginPasskey() *mfa.Ceremony {
	e.t.Helper()
	cer, err := e.svc.BeginPasskeyLogin(context.Background())
	if err != nil {
		e.t.Fatalf("begin passkey login: %v", err)
	}
	return cer
}

// passkeyLogin signs in with k alone (a new ceremony).
func (e *env) passkeyLogin(k *softKey, o keyOpts) (*account.Login, error) {
	e.t.Helper()
	cer := e.beginPasskey()
	return e.svc.PasskeyLogin(context.Background(), cer.Token, k.get(cer.Options, waOrigin, o), e.c)
}

// TestWebAuthnRegistration: adding a key needs a recent authentication; a
// right answer stores it under its name, turns two-factor on, makes
// recovery codes the first time only and mails the user; the options
// exclude the user's keys; a credential stored already (the user's or
// another's) is refused, and so is an empty or too long name.
func TestWebAuthnRegistration(t *testing.T) {
	eachWebAuthnDB(t, func(t *testing.T, e *env, _ *logBuf) {
		ctx := context.Background()
		ann, bob := e.user("ann"), e.user("bob")
		k := newSoftKey(t)

		cer := e.beginReg(ann, false)
		answer := k.create(cer.Options, waOrigin, keyOpts{})
		stale := e.session(ann, e.clock.Now().Add(-account.ReauthenticationTimeout-time.Second))
		_, err := e.svc.AddWebAuthn(ctx, ann, stale, cer.Token, "YubiKey", answer, e.c)
		wantCode(t, "stale session", err, account.CodeReauthenticationRequired)
		_, err = e.svc.AddWebAuthn(ctx, ann, nil, cer.Token, "YubiKey", answer, e.c)
		wantCode(t, "no session", err, account.CodeReauthenticationRequired)
		if e.status(ann).Enabled() {
			t.Fatal("a key stored on a stale session")
		}

		codes, err := e.svc.AddWebAuthn(ctx, ann, e.fresh(ann), cer.Token, "  Yubi   Key ", answer, e.c)
		if err != nil {
			t.Fatalf("right answer: %v", err)
		}
		if len(codes) != 10 {
			t.Fatalf("recovery codes of the first factor: %q", codes)
		}
		ks := e.keys(ann)
		if len(ks) != 1 || ks[0].Name != "Yubi Key" || ks[0].Passkey || ks[0].CreatedAt.IsZero() {
			t.Fatalf("keys after adding: %+v", ks)
		}
		st := e.status(ann)
		if !st.Enabled() || st.Recovery == nil || st.RecoveryLeft != 10 || len(st.Keys) != 1 {
			t.Fatalf("status after adding: %+v", st)
		}
		if m := e.mails(account.NoticeWebAuthnAdded); len(m) != 1 || field(m[0], "to") != ann.Email {
			t.Fatalf("webauthn_added mails: %q", m)
		}
		if e.stage(e.login(ann)) != mfa.StageAuthenticate {
			t.Fatal("a login of a user with a key does not stop at the second factor")
		}

		// A second key: no new codes; the first is excluded in the options.
		cer = e.beginReg(ann, false)
		var opts struct {
			PublicKey struct {
				Exclude []struct {
					ID string `json:"id"`
				} `json:"excludeCredentials"`
			} `json:"publicKey"`
		}
		if err := json.Unmarshal(cer.Options, &opts); err != nil {
			t.Fatal(err)
		}
		if len(opts.PublicKey.Exclude) != 1 || opts.PublicKey.Exclude[0].ID != b64.EncodeToString(k.id) {
			t.Fatalf("excludeCredentials %+v, want the first key %s", opts.PublicKey.Exclude, b64.EncodeToString(k.id))
		}
		k2 := newSoftKey(t)
		codes, err = e.svc.AddWebAuthn(ctx, ann, e.fresh(ann), cer.Token, "Backup", k2.create(cer.Options, waOrigin, keyOpts{}), e.c)
		if err != nil || codes != nil {
			t.Fatalf("second key: codes %q, %v; want none made", codes, err)
		}
		if st := e.status(ann); len(st.Keys) != 2 || st.RecoveryLeft != 10 {
			t.Fatalf("status after a second key: %+v", st)
		}

		// The same credential again, by its user or by another.
		cer = e.beginReg(ann, false)
		_, err = e.svc.AddWebAuthn(ctx, ann, e.fresh(ann), cer.Token, "Again", k.create(cer.Options, waOrigin, keyOpts{}), e.c)
		wantCode(t, "the same credential again", err, mfa.CodeWebAuthnFailed)
		cer = e.beginReg(bob, false)
		_, err = e.svc.AddWebAuthn(ctx, bob, e.fresh(bob), cer.Token, "Ann's", k.create(cer.Options, waOrigin, keyOpts{}), e.c)
		wantCode(t, "another user's credential", err, mfa.CodeWebAuthnFailed)
		if len(e.keys(ann)) != 2 || e.status(bob).Enabled() || e.status(bob).Recovery != nil {
			t.Fatalf("after refused duplicates: ann %+v, bob %+v", e.keys(ann), e.status(bob))
		}
		if m := e.mails(account.NoticeWebAuthnAdded); len(m) != 2 {
			t.Fatalf("webauthn_added mails after refusals: %q", m)
		}

		// Names.
		for _, name := range []string{"", "   ", strings.Repeat("x", 65), strings.Repeat("é", 65)} {
			cer = e.beginReg(ann, false)
			_, err = e.svc.AddWebAuthn(ctx, ann, e.fresh(ann), cer.Token, name, newSoftKey(t).create(cer.Options, waOrigin, keyOpts{}), e.c)
			wantCode(t, fmt.Sprintf("name of %d bytes", len(name)), err, mfa.CodeKeyName)
		}
		cer = e.beginReg(ann, false)
		if _, err = e.svc.AddWebAuthn(ctx, ann, e.fresh(ann), cer.Token, strings.Repeat("é", 64), newSoftKey(t).create(cer.Options, waOrigin, keyOpts{}), e.c); err != nil {
			t.Fatalf("a name of 64 characters: %v", err)
		}
		if n := len(e.keys(ann)); n != 3 {
			t.Fatalf("%d keys, want 3", n)
		}
	})
}

// TestWebAuthnRegistrationUnverifiedEmail: an unverified address blocks
// adding a key, as it does an app.
func TestWebAuthnRegistrationUnverifiedEmail(t *testing.T) {
	e, _ := waEnv(t)
	ctx := context.Background()
	u := e.user("ben")
	if err := e.db.AddEmail(ctx, &user.EmailAddress{UserID: u.ID, Email: "ben.other@example.com"}); err != nil {
		t.Fatal(err)
	}
	k := newSoftKey(t)
	cer := e.beginReg(u, false)
	answer := k.create(cer.Options, waOrigin, keyOpts{})
	_, err := e.svc.AddWebAuthn(ctx, u, e.fresh(u), cer.Token, "Key", answer, e.c)
	wantCode(t, "unverified address", err, mfa.CodeUnverifiedEmail)
	if e.status(u).Enabled() || len(e.mails(account.NoticeWebAuthnAdded)) != 0 {
		t.Fatal("stored despite the unverified address")
	}
	e.svc.Config.AllowUnverifiedEmail = true
	if _, err := e.svc.AddWebAuthn(ctx, u, e.fresh(u), cer.Token, "Key", answer, e.c); err != nil {
		t.Fatalf("AllowUnverifiedEmail (the ceremony was not spent by the refusal): %v", err)
	}
}

// TestWebAuthnRegistrationBadAnswers: an answer from another origin, for
// another rp id, to another ceremony's challenge or another user's
// ceremony, to a ceremony already used or older than five minutes, a
// passkey without user verification, or no answer at all stores nothing
// (CodeWebAuthnFailed), and the ceremony is spent.
func TestWebAuthnRegistrationBadAnswers(t *testing.T) {
	e, log := waEnv(t)
	ctx := context.Background()
	ann, bob := e.user("ann"), e.user("bob")
	add := func(u *user.User, token string, answer []byte) error {
		_, err := e.svc.AddWebAuthn(ctx, u, e.fresh(u), token, "Key", answer, e.c)
		return err
	}
	k := newSoftKey(t)
	other := e.beginReg(ann, false)
	for _, tc := range []struct {
		name    string
		passkey bool
		answer  func(c *mfa.Ceremony) []byte
	}{
		{"another origin", false, func(c *mfa.Ceremony) []byte { return k.create(c.Options, "https://evil.example", keyOpts{}) }},
		{"a subdomain origin", false, func(c *mfa.Ceremony) []byte { return k.create(c.Options, "https://www.gatehouse.example", keyOpts{}) }},
		{"plain http origin", false, func(c *mfa.Ceremony) []byte { return k.create(c.Options, "http://gatehouse.example", keyOpts{}) }},
		{"another rp id", false, func(c *mfa.Ceremony) []byte { return k.create(c.Options, waOrigin, keyOpts{rpID: "evil.example"}) }},
		{"another ceremony's challenge", false, func(c *mfa.Ceremony) []byte { return k.create(other.Options, waOrigin, keyOpts{}) }},
		{"no user presence", false, func(c *mfa.Ceremony) []byte { return k.create(c.Options, waOrigin, keyOpts{noUP: true}) }},
		{"passkey without user verification", true, func(c *mfa.Ceremony) []byte { return k.create(c.Options, waOrigin, keyOpts{noUV: true}) }},
		{"no answer", false, func(c *mfa.Ceremony) []byte { return nil }},
		{"not JSON", false, func(c *mfa.Ceremony) []byte { return []byte("{") }},
	} {
		cer := e.beginReg(ann, tc.passkey)
		wantCode(t, tc.name, add(ann, cer.Token, tc.answer(cer)), mfa.CodeWebAuthnFailed)
		// The ceremony is spent: the right answer to it is refused too.
		wantCode(t, tc.name+", then the right answer", add(ann, cer.Token, k.create(cer.Options, waOrigin, keyOpts{})), mfa.CodeWebAuthnFailed)
	}
	if e.status(ann).Enabled() {
		t.Fatal("a bad answer stored a key")
	}
	if !strings.Contains(log.String(), "event=webauthn_failed") {
		t.Fatalf("refusals not logged: %s", log)
	}

	// Another user's ceremony.
	cer := e.beginReg(bob, false)
	wantCode(t, "bob's ceremony", add(ann, cer.Token, k.create(cer.Options, waOrigin, keyOpts{})), mfa.CodeWebAuthnFailed)
	// A token that names nothing.
	wantCode(t, "a made-up token", add(ann, "not-a-token", k.create(cer.Options, waOrigin, keyOpts{})), mfa.CodeWebAuthnFailed)

	// A replay of an accepted answer, with another credential in it so the
	// duplicate check is not what refuses it.
	cer = e.beginReg(ann, false)
	answer := k.create(cer.Options, waOrigin, keyOpts{})
	if err := add(ann, cer.Token, answer); err != nil {
		t.Fatalf("right answer: %v", err)
	}
	k2 := newSoftKey(t)
	wantCode(t, "replayed ceremony", add(ann, cer.Token, k2.create(cer.Options, waOrigin, keyOpts{})), mfa.CodeWebAuthnFailed)
	wantCode(t, "replayed answer", add(ann, cer.Token, answer), mfa.CodeWebAuthnFailed)
	if !strings.Contains(log.String(), "expired or was used") {
		t.Fatalf("the replay's reason is not logged: %s", log)
	}

	// Five minutes.
	cer = e.beginReg(ann, false)
	e.clock.Add(5*time.Minute + time.Second)
	wantCode(t, "a ceremony of 5 min 1 s", add(ann, cer.Token, k2.create(cer.Options, waOrigin, keyOpts{})), mfa.CodeWebAuthnFailed)
	cer = e.beginReg(ann, false)
	e.clock.Add(4*time.Minute + 50*time.Second)
	if err := add(ann, cer.Token, k2.create(cer.Options, waOrigin, keyOpts{})); err != nil {
		t.Fatalf("a ceremony of 4 min 50 s: %v", err)
	}
	if n := len(e.keys(ann)); n != 2 {
		t.Fatalf("%d keys, want 2", n)
	}
}

// TestWebAuthnSecondFactor: a user whose only factor is a key stops at
// StageAuthenticate after the password; the key's answer passes it once;
// an answer for another origin, by a key that is not the user's, or to
// another user's ceremony fails.
func TestWebAuthnSecondFactor(t *testing.T) {
	eachWebAuthnDB(t, func(t *testing.T, e *env, _ *logBuf) {
		ctx := context.Background()
		e.relaxLock()
		ann, bob := e.user("ann"), e.user("bob")
		k, kb := newSoftKey(t), newSoftKey(t)
		e.addKey(ann, k, false, "Ann's key", keyOpts{})
		e.addKey(bob, kb, false, "Bob's key", keyOpts{})

		l := e.login(ann)
		if st := e.stage(l); st != mfa.StageAuthenticate {
			t.Fatalf("stage %q, want %s", st, mfa.StageAuthenticate)
		}
		if _, err := e.acc.CompleteLogin(ctx, l, e.c); err == nil {
			t.Fatal("a login completed before its second factor")
		}
		cer := e.beginKeyLogin(ann)
		var opts struct {
			PublicKey struct {
				Allow []struct {
					ID string `json:"id"`
				} `json:"allowCredentials"`
				RPID string `json:"rpId"`
			} `json:"publicKey"`
		}
		if err := json.Unmarshal(cer.Options, &opts); err != nil {
			t.Fatal(err)
		}
		if len(opts.PublicKey.Allow) != 1 || opts.PublicKey.Allow[0].ID != b64.EncodeToString(k.id) || opts.PublicKey.RPID != "gatehouse.example" {
			t.Fatalf("options %s: want ann's key only, rp gatehouse.example", cer.Options)
		}
		assertion := k.get(cer.Options, waOrigin, keyOpts{})
		if err := e.svc.AuthenticateWebAuthn(ctx, l, cer.Token, assertion, e.c); err != nil {
			t.Fatalf("right assertion: %v", err)
		}
		if st := e.stage(l); st != "" {
			t.Fatalf("after the key: stage %q", st)
		}
		if u, err := e.acc.CompleteLogin(ctx, l, e.c); err != nil || u.ID != ann.ID {
			t.Fatalf("complete: %v, %v", u, err)
		}
		if ks := e.keys(ann); ks[0].LastUsedAt.IsZero() {
			t.Fatalf("last use not recorded: %+v", ks)
		}

		// The same assertion again, at another login.
		l = e.login(ann)
		wantCode(t, "replayed assertion", e.svc.AuthenticateWebAuthn(ctx, l, cer.Token, assertion, e.c), mfa.CodeWebAuthnFailed)
		wantCode(t, "another origin", e.keyFactor(l, k, keyOpts{}.withOrigin()), mfa.CodeWebAuthnFailed)
		wantCode(t, "another rp id", e.keyFactor(l, k, keyOpts{rpID: "evil.example"}), mfa.CodeWebAuthnFailed)
		wantCode(t, "no user presence", e.keyFactor(l, k, keyOpts{noUP: true}), mfa.CodeWebAuthnFailed)
		if l.HasPassed(mfa.StageAuthenticate) {
			t.Fatal("a wrong answer passed the stage")
		}
		// Bob's key at ann's ceremony (a credential ann does not own), with
		// bob's user handle or ann's, at another login (the challenge
		// allows five wrong answers).
		l = e.login(ann)
		cer = e.beginKeyLogin(ann)
		wantCode(t, "bob's key", e.svc.AuthenticateWebAuthn(ctx, l, cer.Token, kb.get(cer.Options, waOrigin, keyOpts{}), e.c), mfa.CodeWebAuthnFailed)
		cer = e.beginKeyLogin(ann)
		wantCode(t, "bob's key, ann's handle", e.svc.AuthenticateWebAuthn(ctx, l, cer.Token, kb.get(cer.Options, waOrigin, keyOpts{userHandle: k.handle}), e.c), mfa.CodeWebAuthnFailed)
		// Ann's key at bob's ceremony.
		cer = e.beginKeyLogin(bob)
		wantCode(t, "bob's ceremony", e.svc.AuthenticateWebAuthn(ctx, l, cer.Token, k.get(cer.Options, waOrigin, keyOpts{}), e.c), mfa.CodeWebAuthnFailed)
		if l.HasPassed(mfa.StageAuthenticate) {
			t.Fatal("a wrong answer passed the stage")
		}
		// The right answer still works at this login (three wrong so far).
		if err := e.keyFactor(l, k, keyOpts{}); err != nil {
			t.Fatalf("right answer after wrong ones: %v", err)
		}
		if st := e.stage(l); st != "" {
			t.Fatalf("stage %q", st)
		}
	})
}

// withOrigin is o for an answer from another origin.
func (o keyOpts) withOrigin() keyOpts { o.origin = "https://evil.example"; return o }

// TestWebAuthnSignCount: a counter that goes back (stored 10, then 5) is
// refused as a cloned key and logged, and the key stays refused; a counter
// that is always 0 (a synced passkey) keeps working.
func TestWebAuthnSignCount(t *testing.T) {
	e, log := waEnv(t)
	ctx := context.Background()
	e.relaxLock()
	ann, cat := e.user("ann"), e.user("cat")
	k := newSoftKey(t)
	e.addKey(ann, k, false, "Key", keyOpts{})
	if err := e.keyFactor(e.login(ann), k, keyOpts{signCount: u32(10)}); err != nil {
		t.Fatalf("count 10: %v", err)
	}
	l := e.login(ann)
	wantCode(t, "count 5 after 10", e.keyFactor(l, k, keyOpts{signCount: u32(5)}), mfa.CodeWebAuthnCloned)
	if !strings.Contains(log.String(), "event=webauthn_clone_warning") {
		t.Fatalf("no webauthn_clone_warning logged: %s", log)
	}
	wantCode(t, "count 10 again", e.keyFactor(l, k, keyOpts{signCount: u32(10)}), mfa.CodeWebAuthnCloned)
	if l.HasPassed(mfa.StageAuthenticate) {
		t.Fatal("a cloned key passed")
	}
	// Refused until the user removes it, as CodeWebAuthnCloned says: the
	// clone (or the original) going on from a higher count does not
	// clear it.
	wantCode(t, "count 11 after a clone warning", e.keyFactor(l, k, keyOpts{signCount: u32(11)}), mfa.CodeWebAuthnCloned)
	sess := e.session(ann, e.clock.Now().Add(-time.Hour))
	cer := e.beginKeyLogin(ann)
	wantCode(t, "reauthentication by a cloned key", e.svc.ReauthenticateWebAuthn(ctx, ann, sess, cer.Token, k.get(cer.Options, waOrigin, keyOpts{signCount: u32(12)}), e.c), mfa.CodeWebAuthnCloned)

	// A synced passkey: 0 every time.
	p := newSoftKey(t)
	p.zeroCounter = true
	e.addKey(cat, p, true, "Phone", keyOpts{})
	for i := 0; i < 3; i++ {
		if err := e.keyFactor(e.login(cat), p, keyOpts{}); err != nil {
			t.Fatalf("synced passkey, use %d: %v", i, err)
		}
		if _, err := e.passkeyLogin(p, keyOpts{}); err != nil {
			t.Fatalf("synced passkey login %d: %v", i, err)
		}
	}
}

// TestWebAuthnAttemptCap: wrong answers count against the login's
// challenge like wrong codes: the fifth is CodeTooManyAttempts, and the
// right answer is refused after it; a new login starts a new challenge.
func TestWebAuthnAttemptCap(t *testing.T) {
	e, _ := waEnv(t)
	e.relaxLock()
	ann := e.user("ann")
	k := newSoftKey(t)
	e.addKey(ann, k, false, "Key", keyOpts{})
	l := e.login(ann)
	bad := keyOpts{}.withOrigin()
	for i := 1; i <= 4; i++ {
		err := e.keyFactor(l, k, bad)
		wantCode(t, fmt.Sprintf("wrong answer %d", i), err, mfa.CodeWebAuthnFailed)
		if errs := account.AsErrors(err); errs == nil {
			t.Fatalf("wrong answer %d: %v", i, err)
		}
	}
	wantCode(t, "wrong answer 5", e.keyFactor(l, k, bad), mfa.CodeTooManyAttempts)
	wantCode(t, "right answer after 5 wrong", e.keyFactor(l, k, keyOpts{}), mfa.CodeTooManyAttempts)
	if l.HasPassed(mfa.StageAuthenticate) {
		t.Fatal("the capped challenge passed")
	}
	if err := e.keyFactor(e.login(ann), k, keyOpts{}); err != nil {
		t.Fatalf("a new login's challenge: %v", err)
	}
}

// TestWebAuthnWrongAnswersSpendLoginLock: wrong answers spend the
// account's login_failed lock (5/300s/key by default) across logins;
// once locked, the password and the right key are refused.
func TestWebAuthnWrongAnswersSpendLoginLock(t *testing.T) {
	e, _ := waEnv(t)
	ctx := context.Background()
	ann := e.user("ann")
	k := newSoftKey(t)
	e.addKey(ann, k, false, "Key", keyOpts{})
	for i := 0; i < 3; i++ { // right answers count nothing
		if err := e.keyFactor(e.login(ann), k, keyOpts{}); err != nil {
			t.Fatalf("right answer %d: %v", i, err)
		}
	}
	l := e.login(ann)
	for i := 0; i < 3; i++ {
		wantCode(t, "wrong answer", e.keyFactor(l, k, keyOpts{}.withOrigin()), mfa.CodeWebAuthnFailed)
	}
	l = e.login(ann)
	for i := 0; i < 2; i++ {
		wantCode(t, "wrong answer", e.keyFactor(l, k, keyOpts{rpID: "evil.example"}), mfa.CodeWebAuthnFailed)
	}
	_, err := e.acc.Login(ctx, account.LoginInput{Login: "ann", Password: pw}, e.c)
	wantCode(t, "password after 5 wrong answers", err, account.CodeTooManyAttempts)
	wantCode(t, "right key while locked", e.keyFactor(l, k, keyOpts{}), account.CodeTooManyAttempts)
	_, err = e.passkeyLogin(k, keyOpts{})
	wantCode(t, "passkey login while locked", err, account.CodeTooManyAttempts)
}

// TestPasskeyLogin: a passkey signs in alone (the Login has passed the
// second factor and completes); the answer must carry user verification,
// a credential the site knows, that credential's user handle, and come
// from the site's origin; a ceremony serves once.
func TestPasskeyLogin(t *testing.T) {
	eachWebAuthnDB(t, func(t *testing.T, e *env, _ *logBuf) {
		ctx := context.Background()
		e.relaxLock()
		ann, bob := e.user("ann"), e.user("bob")
		k, kb := newSoftKey(t), newSoftKey(t)
		e.addKey(ann, k, true, "Phone", keyOpts{})
		e.addKey(bob, kb, true, "Laptop", keyOpts{})
		if ks := e.keys(ann); len(ks) != 1 || !ks[0].Passkey {
			t.Fatalf("keys %+v, want a passkey", ks)
		}

		cer := e.beginPasskey()
		var opts struct {
			PublicKey struct {
				Allow []json.RawMessage `json:"allowCredentials"`
				UV    string            `json:"userVerification"`
				RPID  string            `json:"rpId"`
			} `json:"publicKey"`
		}
		if err := json.Unmarshal(cer.Options, &opts); err != nil {
			t.Fatal(err)
		}
		if len(opts.PublicKey.Allow) != 0 || opts.PublicKey.UV != "required" || opts.PublicKey.RPID != "gatehouse.example" {
			t.Fatalf("passkey options %s: want no allowed credentials, user verification required", cer.Options)
		}
		assertion := k.get(cer.Options, waOrigin, keyOpts{})
		l, err := e.svc.PasskeyLogin(ctx, cer.Token, assertion, e.c)
		if err != nil {
			t.Fatalf("passkey login: %v", err)
		}
		if l.UserID != ann.ID || !l.HasPassed(mfa.StageAuthenticate) || l.Method != "passkey" {
			t.Fatalf("login %+v", l)
		}
		if st := e.stage(l); st != "" {
			t.Fatalf("passkey login stopped at %q", st)
		}
		if u, err := e.acc.CompleteLogin(ctx, l, e.c); err != nil || u.ID != ann.ID {
			t.Fatalf("complete: %v, %v", u, err)
		}

		_, err = e.svc.PasskeyLogin(ctx, cer.Token, assertion, e.c)
		wantCode(t, "replayed assertion", err, mfa.CodeWebAuthnFailed)
		for _, tc := range []struct {
			name string
			key  *softKey
			o    keyOpts
		}{
			{"no user verification", k, keyOpts{noUV: true}},
			{"no user presence", k, keyOpts{noUP: true}},
			{"another origin", k, keyOpts{}.withOrigin()},
			{"another rp id", k, keyOpts{rpID: "evil.example"}},
			{"bob's user handle", k, keyOpts{userHandle: kb.handle}},
			{"a made-up user handle", k, keyOpts{userHandle: []byte("0123456789abcdef")}},
			{"no user handle", k, keyOpts{noHandle: true}},
			{"an unknown credential with ann's handle", &softKey{t: t, priv: k.priv, id: []byte("unknown credential id 0123456789"), handle: k.handle}, keyOpts{}},
		} {
			l, err := e.passkeyLogin(tc.key, tc.o)
			wantCode(t, tc.name, err, mfa.CodeWebAuthnFailed)
			if l != nil {
				t.Fatalf("%s: a login %+v", tc.name, l)
			}
		}
		// Ann's passkey with another signature: a forged answer.
		cer = e.beginPasskey()
		forged := kb.get(cer.Options, waOrigin, keyOpts{userHandle: k.handle})
		forged = bytes.ReplaceAll(forged, []byte(b64.EncodeToString(kb.id)), []byte(b64.EncodeToString(k.id)))
		_, err = e.svc.PasskeyLogin(ctx, cer.Token, forged, e.c)
		wantCode(t, "ann's credential signed by bob's key", err, mfa.CodeWebAuthnFailed)
		// A second-factor ceremony is not a passkey one.
		cer = e.beginKeyLogin(ann)
		_, err = e.svc.PasskeyLogin(ctx, cer.Token, k.get(cer.Options, waOrigin, keyOpts{}), e.c)
		wantCode(t, "a second-factor ceremony", err, mfa.CodeWebAuthnFailed)

		if l, err := e.passkeyLogin(kb, keyOpts{}); err != nil || l.UserID != bob.ID {
			t.Fatalf("bob's passkey: %+v, %v", l, err)
		}
	})
}

// TestPasskeyLoginSecurityKey: a key registered as a second factor (not a
// passkey) is found by its credential id too, and signs in alone only
// when its answer carries user verification — possession and the PIN or
// biometric — which is what a passkey login proves; without it the key is
// one factor and is refused.
func TestPasskeyLoginSecurityKey(t *testing.T) {
	e, _ := waEnv(t)
	e.relaxLock()
	ann, bob := e.user("ann"), e.user("bob")
	k, kb := newSoftKey(t), newSoftKey(t)
	e.addKey(ann, k, false, "YubiKey", keyOpts{})
	e.addKey(bob, kb, false, "No PIN", keyOpts{noUV: true})
	for _, u := range []*user.User{ann, bob} {
		if ks := e.keys(u); len(ks) != 1 || ks[0].Passkey {
			t.Fatalf("%s's keys %+v, want a security key", u.Username, ks)
		}
	}
	_, err := e.passkeyLogin(k, keyOpts{noUV: true})
	wantCode(t, "security key without user verification", err, mfa.CodeWebAuthnFailed)
	_, err = e.passkeyLogin(kb, keyOpts{noUV: true})
	wantCode(t, "a key registered without user verification, without it", err, mfa.CodeWebAuthnFailed)
	if l, err := e.passkeyLogin(k, keyOpts{}); err != nil || l.UserID != ann.ID {
		t.Fatalf("security key with user verification: %+v, %v", l, err)
	}
	if l, err := e.passkeyLogin(kb, keyOpts{}); err != nil || l.UserID != bob.ID {
		t.Fatalf("a key registered without user verification, verified now: %+v, %v", l, err)
	}
}

// TestPasskeyLoginRefusals: an inactive user, a locked account and a site
// with passkey login off.
func TestPasskeyLoginRefusals(t *testing.T) {
	e, _ := waEnv(t)
	ctx := context.Background()
	ann, bob := e.user("ann"), e.user("bob")
	k, kb := newSoftKey(t), newSoftKey(t)
	e.addKey(ann, k, true, "Phone", keyOpts{})
	e.addKey(bob, kb, true, "Phone", keyOpts{})

	ann.IsActive = false
	if err := e.db.UpdateUser(ctx, ann); err != nil {
		t.Fatal(err)
	}
	l, err := e.passkeyLogin(k, keyOpts{})
	wantCode(t, "inactive user", err, account.CodeAccountInactive)
	if l != nil {
		t.Fatalf("an inactive user's login: %+v", l)
	}

	// Bob's account locked by wrong passwords.
	for i := 0; i < 5; i++ {
		_, err := e.acc.Login(ctx, account.LoginInput{Login: "bob", Password: "wrong " + pw}, e.c)
		if err == nil {
			t.Fatal("a wrong password signed in")
		}
	}
	_, err = e.passkeyLogin(kb, keyOpts{})
	wantCode(t, "locked account", err, account.CodeTooManyAttempts)
	e.clock.Add(301 * time.Second)
	if l, err := e.passkeyLogin(kb, keyOpts{}); err != nil || l.UserID != bob.ID {
		t.Fatalf("after the lock: %+v, %v", l, err)
	}

	e.svc.Config.WebAuthn.PasskeyLogin = false
	_, err = e.svc.BeginPasskeyLogin(ctx)
	wantCode(t, "passkey login off", err, mfa.CodeNotActive)
}

// TestPasskeyLoginFailuresSpendLock: failed passkey answers for a
// credential spend its user's login_failed lock.
func TestPasskeyLoginFailuresSpendLock(t *testing.T) {
	e, _ := waEnv(t)
	ctx := context.Background()
	ann := e.user("ann")
	k := newSoftKey(t)
	e.addKey(ann, k, true, "Phone", keyOpts{})
	for i := 0; i < 5; i++ {
		_, err := e.passkeyLogin(k, keyOpts{noUV: true})
		wantCode(t, "no user verification", err, mfa.CodeWebAuthnFailed)
	}
	_, err := e.acc.Login(ctx, account.LoginInput{Login: "ann", Password: pw}, e.c)
	wantCode(t, "password after 5 failed passkey answers", err, account.CodeTooManyAttempts)
	_, err = e.passkeyLogin(k, keyOpts{})
	wantCode(t, "passkey while locked", err, account.CodeTooManyAttempts)
}

// TestReauthenticateWebAuthn: a key's answer records the reauthentication
// on the session (AuthAt now, stored); a wrong one does not.
func TestReauthenticateWebAuthn(t *testing.T) {
	eachWebAuthnDB(t, func(t *testing.T, e *env, _ *logBuf) {
		ctx := context.Background()
		ann := e.user("ann")
		k := newSoftKey(t)
		e.addKey(ann, k, false, "Key", keyOpts{})
		e.clock.Add(time.Hour)
		sess := e.session(ann, e.clock.Now().Add(-time.Hour))
		cer := e.beginKeyLogin(ann)
		wantCode(t, "another origin", e.svc.ReauthenticateWebAuthn(ctx, ann, sess, cer.Token, k.get(cer.Options, waOrigin, keyOpts{}.withOrigin()), e.c), mfa.CodeWebAuthnFailed)
		if e.acc.RecentlyAuthenticated(sess) {
			t.Fatal("a wrong answer reauthenticated")
		}
		cer = e.beginKeyLogin(ann)
		if err := e.svc.ReauthenticateWebAuthn(ctx, ann, sess, cer.Token, k.get(cer.Options, waOrigin, keyOpts{}), e.c); err != nil {
			t.Fatalf("right answer: %v", err)
		}
		want := e.clock.Now().UTC().Truncate(time.Microsecond)
		if !sess.AuthAt.Equal(want) || !e.acc.RecentlyAuthenticated(sess) {
			t.Fatalf("AuthAt %v, want %v", sess.AuthAt, want)
		}
		stored, ok, err := e.db.Find(ctx, sess.ID)
		if err != nil || !ok || !stored.AuthAt.Equal(want) {
			t.Fatalf("stored AuthAt %v (%v, %v), want %v", stored.AuthAt, ok, err, want)
		}
	})
}

// TestRemoveWebAuthn: removal needs a recent authentication, ends the
// user's other sessions, mails the user; with the last factor go the
// recovery codes; a required user's last factor stays (CodeRequired).
func TestRemoveWebAuthn(t *testing.T) {
	eachWebAuthnDB(t, func(t *testing.T, e *env, _ *logBuf) {
		ctx := context.Background()
		ann, bob := e.user("ann"), e.user("bob")
		k1, k2 := newSoftKey(t), newSoftKey(t)
		e.addKey(ann, k1, false, "One", keyOpts{})
		e.addKey(ann, k2, true, "Two", keyOpts{})
		ks := e.keys(ann)
		other := e.fresh(ann)
		bobs := e.fresh(bob)
		stale := e.session(ann, e.clock.Now().Add(-time.Hour))
		wantCode(t, "stale session", e.svc.RemoveWebAuthn(ctx, ann, stale, ks[0].ID, e.c), account.CodeReauthenticationRequired)
		wantCode(t, "no session", e.svc.RemoveWebAuthn(ctx, ann, nil, ks[0].ID, e.c), account.CodeReauthenticationRequired)
		wantCode(t, "bob removing ann's key", e.svc.RemoveWebAuthn(ctx, bob, bobs, ks[0].ID, e.c), mfa.CodeNotActive)

		cur := e.fresh(ann)
		if err := e.svc.RemoveWebAuthn(ctx, ann, cur, ks[0].ID, e.c); err != nil {
			t.Fatal(err)
		}
		if st := e.status(ann); len(st.Keys) != 1 || st.Keys[0].Name != "Two" || st.Recovery == nil || !st.Enabled() {
			t.Fatalf("after removing one of two keys: %+v", st)
		}
		ss, err := e.db.ListUser(ctx, ann.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ss) != 1 || ss[0].ID != cur.ID {
			t.Fatalf("sessions left %v, want only the current one (not %s, %s)", ss, other.ID, stale.ID)
		}
		if _, ok, _ := e.db.Find(ctx, bobs.ID); !ok {
			t.Fatal("another user's session ended")
		}
		if m := e.mails(account.NoticeWebAuthnRemoved); len(m) != 1 || field(m[0], "to") != ann.Email {
			t.Fatalf("webauthn_removed mails: %q", m)
		}
		// The removed key no longer passes.
		l := e.login(ann)
		cer := e.beginKeyLogin(ann)
		wantCode(t, "the removed key", e.svc.AuthenticateWebAuthn(ctx, l, cer.Token, k1.get(cer.Options, waOrigin, keyOpts{}), e.c), mfa.CodeWebAuthnFailed)
		_, err = e.passkeyLogin(k1, keyOpts{})
		wantCode(t, "the removed key as a passkey", err, mfa.CodeWebAuthnFailed)

		// The last factor: the codes go too.
		if err := e.svc.RemoveWebAuthn(ctx, ann, cur, ks[1].ID, e.c); err != nil {
			t.Fatal(err)
		}
		if st := e.status(ann); st.Enabled() || st.Recovery != nil || len(st.Keys) != 0 {
			t.Fatalf("after removing the last key: %+v", st)
		}
		if st := e.stage(e.login(ann)); st != "" {
			t.Fatalf("login after removal: stage %q", st)
		}
		wantCode(t, "removing it again", e.svc.RemoveWebAuthn(ctx, ann, cur, ks[1].ID, e.c), mfa.CodeNotActive)

		// A required user's last factor.
		e.svc.Config.Required = mfa.RequiredAll
		kb := newSoftKey(t)
		e.addKey(bob, kb, false, "Bob's", keyOpts{})
		bk := e.keys(bob)
		wantCode(t, "a required user's last key", e.svc.RemoveWebAuthn(ctx, bob, e.fresh(bob), bk[0].ID, e.c), mfa.CodeRequired)
		if st := e.status(bob); len(st.Keys) != 1 || st.Recovery == nil {
			t.Fatalf("after the refusal: %+v", st)
		}
		// With an app as well, the key may go.
		e.enrol(bob)
		if err := e.svc.RemoveWebAuthn(ctx, bob, e.fresh(bob), bk[0].ID, e.c); err != nil {
			t.Fatalf("a required user's key beside an app: %v", err)
		}
		if st := e.status(bob); st.TOTP == nil || st.Recovery == nil || len(st.Keys) != 0 {
			t.Fatalf("after removing the key beside an app: %+v", st)
		}
	})
}

// TestDeactivateTOTPKeepsKey: removing the app while a key remains keeps
// the recovery codes and two-factor on; a recovery code still passes.
func TestDeactivateTOTPKeepsKey(t *testing.T) {
	e, _ := waEnv(t)
	ctx := context.Background()
	ann := e.user("ann")
	_, codes := e.enrol(ann)
	k := newSoftKey(t)
	if again := e.addKey(ann, k, false, "Key", keyOpts{}); again != nil {
		t.Fatalf("a key beside an app made new codes: %q", again)
	}
	if err := e.svc.DeactivateTOTP(ctx, ann, e.fresh(ann), e.c); err != nil {
		t.Fatal(err)
	}
	st := e.status(ann)
	if st.TOTP != nil || st.Recovery == nil || st.RecoveryLeft != len(codes) || !st.Enabled() || len(st.Keys) != 1 {
		t.Fatalf("after removing the app: %+v", st)
	}
	l := e.login(ann)
	if e.stage(l) != mfa.StageAuthenticate {
		t.Fatal("the key no longer guards the login")
	}
	if err := e.svc.Authenticate(ctx, l, codes[0], e.c); err != nil {
		t.Fatalf("a recovery code beside a key: %v", err)
	}
	if err := e.keyFactor(e.login(ann), k, keyOpts{}); err != nil {
		t.Fatalf("the key: %v", err)
	}
}

// TestWebAuthnCheckConfig: a site URL browsers refuse as a relying party
// is refused at startup, with the reason.
func TestWebAuthnCheckConfig(t *testing.T) {
	e := sqliteEnv(t)
	all := []string{mfa.TypeTOTP, mfa.TypeRecoveryCodes, mfa.TypeWebAuthn}
	for _, tc := range []struct {
		name string
		cfg  mfa.Config
		want string // in the error; "" for accepted
	}{
		{"https", mfa.Config{SupportedTypes: all, WebAuthn: mfa.WebAuthnConfig{SiteURL: waOrigin, PasskeyLogin: true}}, ""},
		{"https with a port", mfa.Config{SupportedTypes: all, WebAuthn: mfa.WebAuthnConfig{SiteURL: "https://gatehouse.example:8443"}}, ""},
		{"http://localhost", mfa.Config{SupportedTypes: all, WebAuthn: mfa.WebAuthnConfig{SiteURL: "http://localhost:8080"}}, ""},
		{"http on a .localhost name", mfa.Config{SupportedTypes: all, WebAuthn: mfa.WebAuthnConfig{SiteURL: "http://app.localhost:8080"}}, ""},
		{"http allowed insecure", mfa.Config{SupportedTypes: all, WebAuthn: mfa.WebAuthnConfig{SiteURL: "http://devbox.lan", AllowInsecureOrigin: true}}, ""},
		{"IPv4", mfa.Config{SupportedTypes: all, WebAuthn: mfa.WebAuthnConfig{SiteURL: "https://192.0.2.7"}}, "IP address"},
		{"IPv6", mfa.Config{SupportedTypes: all, WebAuthn: mfa.WebAuthnConfig{SiteURL: "https://[2001:db8::1]:8443"}}, "IP address"},
		{"127.0.0.1", mfa.Config{SupportedTypes: all, WebAuthn: mfa.WebAuthnConfig{SiteURL: "http://127.0.0.1:8080", AllowInsecureOrigin: true}}, "IP address"},
		{"http on a name", mfa.Config{SupportedTypes: all, WebAuthn: mfa.WebAuthnConfig{SiteURL: "http://gatehouse.example"}}, "plain http"},
		{"no site URL", mfa.Config{SupportedTypes: all}, "site URL"},
		{"a relative site URL", mfa.Config{SupportedTypes: all, WebAuthn: mfa.WebAuthnConfig{SiteURL: "/accounts"}}, "site URL"},
		{"passkey login without webauthn", mfa.Config{SupportedTypes: []string{mfa.TypeTOTP, mfa.TypeRecoveryCodes}, WebAuthn: mfa.WebAuthnConfig{SiteURL: waOrigin, PasskeyLogin: true}}, "passkey"},
		{"passkey login, default types", mfa.Config{WebAuthn: mfa.WebAuthnConfig{SiteURL: waOrigin, PasskeyLogin: true}}, "passkey"},
		{"passkey signup without webauthn", mfa.Config{SupportedTypes: []string{mfa.TypeTOTP}, WebAuthn: mfa.WebAuthnConfig{SiteURL: waOrigin, PasskeySignup: true}}, "passkey"},
		{"webauthn alone", mfa.Config{SupportedTypes: []string{mfa.TypeWebAuthn}, WebAuthn: mfa.WebAuthnConfig{SiteURL: waOrigin}}, ""},
		{"webauthn and recovery codes", mfa.Config{SupportedTypes: []string{mfa.TypeWebAuthn, mfa.TypeRecoveryCodes}, WebAuthn: mfa.WebAuthnConfig{SiteURL: waOrigin}}, ""},
	} {
		s := &mfa.Service{Account: e.acc, Store: e.db, Config: tc.cfg}
		err := s.CheckConfig()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: CheckConfig = %v, want accepted", tc.name, err)
		case tc.want != "" && err == nil:
			t.Errorf("%s: accepted, want an error naming %q", tc.name, tc.want)
		case tc.want != "" && !strings.Contains(err.Error(), tc.want):
			t.Errorf("%s: CheckConfig = %v, want it to name %q", tc.name, err, tc.want)
		}
	}
	// With webauthn off, its calls say so.
	ctx := context.Background()
	u := e.user("ann")
	if _, err := e.svc.BeginWebAuthnRegistration(ctx, u, false); !account.HasCode(err, mfa.CodeNotActive) {
		t.Errorf("registration with webauthn off: %v", err)
	}
	if _, err := e.svc.BeginWebAuthnLogin(ctx, u); !account.HasCode(err, mfa.CodeNotActive) {
		t.Errorf("key login with webauthn off: %v", err)
	}
}
