package account_test

import (
	"context"
	"errors"
	"testing"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
	"github.com/gatehouse-auth/gatehouse/user"
)

// TestExternalSignup: a user proved by a provider is created with an
// unusable password, the verified address stored verified, and the link
// in the same transaction: a failing link leaves no user behind.
func TestExternalSignup(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s, _ := newService(db)
		c := account.Client{IP: "192.0.2.1"}
		failing := errors.New("link refused")
		_, err := s.ExternalSignup(ctx, account.ExternalSignupInput{Username: "ann", Email: "ann@example.org", EmailVerified: true}, c,
			func(ctx context.Context, tx user.Store, u *user.User) error { return failing })
		if !errors.Is(err, failing) {
			t.Fatalf("err %v", err)
		}
		if n, _ := db.CountUsers(ctx); n != 0 {
			t.Fatal("a failed link left a user")
		}
		linked := int64(0)
		l, err := s.ExternalSignup(ctx, account.ExternalSignupInput{Username: "ann", Email: "ann@example.org", EmailVerified: true,
			FirstName: "Ann"}, c, func(ctx context.Context, tx user.Store, u *user.User) error { linked = u.ID; return nil })
		if err != nil {
			t.Fatal(err)
		}
		u, _ := db.User(ctx, l.UserID)
		if linked != u.ID || u.HasUsablePassword() || u.FirstName != "Ann" {
			t.Fatalf("user %+v, linked %d", u, linked)
		}
		if es, _ := db.Emails(ctx, u.ID); len(es) != 1 || !es[0].Verified {
			t.Fatalf("addresses %+v", es)
		}
		_, err = s.ExternalSignup(ctx, account.ExternalSignupInput{Username: "ANN", Email: "ann@example.org"}, c,
			func(context.Context, user.Store, *user.User) error { return nil })
		if !account.HasCode(err, account.CodeUsernameTaken) || !account.HasCode(err, account.CodeEmailTaken) {
			t.Fatalf("err %v", err)
		}
		s.Config.SignupClosed = true
		_, err = s.ExternalSignup(ctx, account.ExternalSignupInput{Username: "bob"}, c,
			func(context.Context, user.Store, *user.User) error { return nil })
		if !account.HasCode(err, account.CodeSignupClosed) {
			t.Fatalf("closed signup: %v", err)
		}
	})
}

// TestExternalLoginHonoursLock (SECURITY.md L3): a provider's login is
// refused while failed passwords lock the account, and for an inactive
// account; it gives back what it counted when allowed.
func TestExternalLoginHonoursLock(t *testing.T) {
	ctx := context.Background()
	db := testdb.SQLite(t)
	s, _ := newService(db)
	c := account.Client{IP: "192.0.2.1"}
	if _, err := s.Signup(ctx, account.SignupInput{Username: "ann", Password1: pw, Password2: pw}, c); err != nil {
		t.Fatal(err)
	}
	u, _ := db.UserByUsername(ctx, "ann")
	for range 10 {
		if _, err := s.ExternalLogin(ctx, u, account.MethodSocial, c); err != nil {
			t.Fatalf("allowed logins must not count toward the lock: %v", err)
		}
	}
	for range 5 {
		s.Login(ctx, account.LoginInput{Login: "ann", Password: "wrong"}, c)
	}
	if _, err := s.ExternalLogin(ctx, u, account.MethodSocial, account.Client{IP: "198.51.100.7"}); !account.HasCode(err, account.CodeTooManyAttempts) {
		t.Fatalf("locked: %v", err)
	}
	u.IsActive = false
	other, _ := newService(db)
	other.Config.RateLimits[account.LimitLoginFailed] = "off"
	if _, err := other.ExternalLogin(ctx, u, account.MethodSocial, c); !account.HasCode(err, account.CodeAccountInactive) {
		t.Fatalf("inactive: %v", err)
	}
}
