package mfa_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/mfa"
	"github.com/gatehouse-auth/gatehouse/user"
)

// trustedLogin signs u in with a code and trusts the browser: the cookie.
func (e *env) trustedLogin(u *user.User, secret, old string) string {
	e.t.Helper()
	ctx := context.Background()
	l := e.login(u)
	if err := e.svc.Authenticate(ctx, l, e.code(secret), e.c); err != nil {
		e.t.Fatalf("code: %v", err)
	}
	e.tick()
	cookie, _, err := e.svc.TrustCookie(ctx, l.User(), old)
	if err != nil {
		e.t.Fatal(err)
	}
	e.svc.AnswerTrust(l)
	if _, err := e.acc.CompleteLogin(ctx, l, e.c); err != nil {
		e.t.Fatal(err)
	}
	return cookie
}

// passes reports whether a new password login of u passes the second
// factor with cookie.
func (e *env) passes(u *user.User, cookie string) bool {
	e.t.Helper()
	l := e.login(u)
	ok, err := e.svc.PassTrusted(context.Background(), l, cookie, e.c)
	if err != nil {
		e.t.Fatal(err)
	}
	if st := e.stage(l); ok != (st == "") {
		e.t.Fatalf("PassTrusted %v, next stage %q", ok, st)
	}
	return ok
}

// TestTrustedBrowser: after a code, the login offers to trust the
// browser; the cookie then passes the second factor of the user's next
// logins, and of nobody else's; a tampered or expired cookie does not, nor
// any cookie when trust is off.
func TestTrustedBrowser(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.relaxLock()
		e.svc.Config.TrustEnabled = true
		u := e.user("ann")
		secret, _ := e.enrol(u)

		l := e.login(u)
		if ok, _ := e.svc.PassTrusted(ctx, l, "", e.c); ok {
			t.Fatal("no cookie passed")
		}
		if err := e.svc.Authenticate(ctx, l, e.code(secret), e.c); err != nil {
			t.Fatal(err)
		}
		if st := e.stage(l); st != mfa.StageTrust {
			t.Fatalf("after the code: stage %q, want %s", st, mfa.StageTrust)
		}
		_, err := e.acc.CompleteLogin(ctx, l, e.c)
		wantCode(t, "complete before answering", err, account.CodeStagePending)
		cookie, expires, err := e.svc.TrustCookie(ctx, u, "")
		if err != nil {
			t.Fatal(err)
		}
		if want := e.clock.Now().Add(14 * 24 * time.Hour); !expires.Equal(want) {
			t.Fatalf("cookie expires %v, want %v", expires, want)
		}
		e.svc.AnswerTrust(l)
		if _, err := e.acc.CompleteLogin(ctx, l, e.c); err != nil {
			t.Fatal(err)
		}
		if ok, err := e.svc.Trusted(ctx, u, cookie); err != nil || !ok {
			t.Fatalf("Trusted = %v, %v", ok, err)
		}
		if !e.passes(u, cookie) {
			t.Fatal("the trusted browser did not pass the next login")
		}

		// Another user: ann's cookie is not bob's; one browser can carry both.
		bob := e.user("bob")
		bobSecret, _ := e.enrol(bob)
		if e.passes(bob, cookie) {
			t.Fatal("ann's cookie passed bob's login")
		}
		both := e.trustedLogin(bob, bobSecret, cookie)
		if !e.passes(bob, both) || !e.passes(u, both) {
			t.Fatal("a cookie with both entries does not pass both")
		}
		if !e.passes(bob, both) {
			t.Fatal("a trusted browser passes once only")
		}

		// Tampered: a changed entry, a changed signature, junk.
		i := strings.LastIndexByte(cookie, '.')
		for _, bad := range []string{
			flip(cookie, 0), flip(cookie, i-1), flip(cookie, len(cookie)-1), cookie[:i], "x." + cookie[i+1:], "junk",
		} {
			if e.passes(u, bad) {
				t.Fatalf("tampered cookie %q passed", bad)
			}
		}

		// Trust off: nothing passes.
		e.svc.Config.TrustEnabled = false
		if e.passes(u, cookie) {
			t.Fatal("TrustEnabled false: the cookie passed")
		}
		l = e.login(u)
		if err := e.svc.Authenticate(ctx, l, e.code(secret), e.c); err != nil {
			t.Fatal(err)
		}
		if st := e.stage(l); st != "" {
			t.Fatalf("TrustEnabled false: stage %q after the code", st)
		}
		e.tick()
		e.svc.Config.TrustEnabled = true

		// Expired: past the trust age.
		e.clock.Add(14*24*time.Hour - 2*time.Minute)
		if !e.passes(u, both) {
			t.Fatal("expired before the trust age")
		}
		e.clock.Add(2 * time.Minute)
		if e.passes(u, both) || e.passes(bob, both) {
			t.Fatal("the cookie passed past the trust age")
		}
		e.svc.Config.TrustAge = time.Hour
		fresh := e.trustedLogin(u, secret, "")
		e.clock.Add(time.Hour)
		if e.passes(u, fresh) {
			t.Fatal("the cookie passed past a TrustAge of an hour")
		}
	})
}

// flip changes the byte at i of s.
func flip(s string, i int) string {
	b := []byte(s)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// TestTrustRevoked: a changed password, new recovery codes and removing
// and adding the app again each revoke a browser's trust.
func TestTrustRevoked(t *testing.T) {
	setup := func(t *testing.T) (*env, *user.User, string, string) {
		e := sqliteEnv(t)
		e.relaxLock()
		e.svc.Config.TrustEnabled = true
		u := e.user("ann")
		secret, _ := e.enrol(u)
		cookie := e.trustedLogin(u, secret, "")
		if !e.passes(u, cookie) {
			t.Fatal("the trusted browser did not pass")
		}
		return e, u, secret, cookie
	}
	ctx := context.Background()
	t.Run("password change", func(t *testing.T) {
		e, u, _, cookie := setup(t)
		// The same password hashed again (a new salt) is a changed hash,
		// as a password change through the account flows writes.
		enc, err := fastPasswords.Hash(ctx, pw)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.db.SetPassword(ctx, u.ID, enc); err != nil {
			t.Fatal(err)
		}
		if e.passes(u, cookie) {
			t.Fatal("trust survived a password change")
		}
	})
	t.Run("recovery codes", func(t *testing.T) {
		e, u, _, cookie := setup(t)
		if _, err := e.svc.GenerateRecoveryCodes(ctx, u, e.fresh(u), e.c); err != nil {
			t.Fatal(err)
		}
		if e.passes(u, cookie) {
			t.Fatal("trust survived new recovery codes")
		}
	})
	t.Run("deactivate and reactivate", func(t *testing.T) {
		e, u, _, cookie := setup(t)
		if err := e.svc.DeactivateTOTP(ctx, u, e.fresh(u), e.c); err != nil {
			t.Fatal(err)
		}
		e.enrol(u)
		if e.passes(u, cookie) {
			t.Fatal("trust survived removing and adding the app")
		}
	})
	t.Run("operator reset and reactivate", func(t *testing.T) {
		e, u, _, cookie := setup(t)
		if _, err := e.svc.Reset(ctx, u, e.c); err != nil {
			t.Fatal(err)
		}
		e.enrol(u)
		if e.passes(u, cookie) {
			t.Fatal("trust survived a reset")
		}
	})
}

// TestTrustSurvivesUse: using the factors (a code from the app, a
// recovery code at another browser) is no change of the security setup:
// the browser stays trusted (allauth fingerprints the seed of each
// authenticator, not what changes as codes are spent).
func TestTrustSurvivesUse(t *testing.T) {
	e := sqliteEnv(t)
	ctx := context.Background()
	e.relaxLock()
	e.svc.Config.TrustEnabled = true
	u := e.user("ann")
	secret, codes := e.enrol(u)
	cookie := e.trustedLogin(u, secret, "")
	if err := e.svc.Authenticate(ctx, e.login(u), e.code(secret), e.c); err != nil {
		t.Fatal(err)
	}
	if !e.passes(u, cookie) {
		t.Fatal("a code from the app revoked the trust")
	}
	if err := e.svc.Authenticate(ctx, e.login(u), codes[0], e.c); err != nil {
		t.Fatal(err)
	}
	if !e.passes(u, cookie) {
		t.Fatal("spending a recovery code revoked the trust")
	}
}

// TestTrustNotOfferedWithoutCode: a login that passed by a trusted
// browser or by enrolling is not asked to trust again.
func TestTrustNotOfferedWithoutCode(t *testing.T) {
	e := sqliteEnv(t)
	ctx := context.Background()
	e.svc.Config.TrustEnabled = true
	e.svc.Config.Required = mfa.RequiredAll
	u := e.user("ann")
	l := e.login(u)
	enr, _ := e.svc.BeginTOTP(u, "ann")
	if _, err := e.svc.ActivateTOTPAtLogin(ctx, l, enr.State, e.code(enr.Secret), e.c); err != nil {
		t.Fatal(err)
	}
	if st := e.stage(l); st != "" {
		t.Fatalf("after enrolling at login: stage %q", st)
	}
	e.tick()
	cookie := e.trustedLogin(u, enr.Secret, "")
	l = e.login(u)
	if ok, err := e.svc.PassTrusted(ctx, l, cookie, e.c); err != nil || !ok {
		t.Fatalf("PassTrusted = %v, %v", ok, err)
	}
	if st := e.stage(l); st != "" {
		t.Fatalf("after a trusted browser: stage %q", st)
	}
}
