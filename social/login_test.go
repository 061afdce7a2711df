package social_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
	"github.com/gatehouse-auth/gatehouse/social"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
	"github.com/gatehouse-auth/gatehouse/user"
)

const victimEmail = "victim@example.org"

// googleAs returns a Google fake whose ID token names sub with email,
// its email_verified as verified says ("absent": no claim at all).
func googleAs(t *testing.T, e *env, sub, email, verified string) *fakeProvider {
	f := newFake(t, social.Google)
	e.addApp(f.app())
	f.claims = func(c map[string]any) {
		c["sub"], c["email"] = sub, email
		switch verified {
		case "true":
			c["email_verified"] = true
		case "false":
			c["email_verified"] = false
		default:
			delete(c, "email_verified")
		}
	}
	return f
}

// victim makes a local user with a password and a verified address.
func (e *env) victim() *user.User {
	u := e.signupLocal("victim", victimEmail, "victim's own passphrase")
	if err := e.db.VerifyEmail(context.Background(), u.ID, victimEmail); err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *env) passwordWorks(login, pw string) bool {
	_, err := e.acc.Login(context.Background(), account.LoginInput{Login: login, Password: pw}, client)
	return err == nil
}

// TestUnverifiedEmailNeverLinks (SECURITY.md O2): a provider that does not
// assert the address verified (false, or no claim) never logs into the
// account holding it, even with email authentication on.
func TestUnverifiedEmailNeverLinks(t *testing.T) {
	for _, verified := range []string{"false", "absent"} {
		t.Run(verified, func(t *testing.T) {
			e := newEnv(t)
			e.svc.Config.EmailAuthentication, e.svc.Config.EmailAuthenticationAutoConnect = true, true
			v := e.victim()
			f := googleAs(t, e, "attacker-sub", victimEmail, verified)
			res, err := e.complete(e.begin(f, social.BeginInput{}))
			if err != nil {
				t.Fatal(err)
			}
			if res.Login != nil || res.SignupToken == "" {
				t.Fatalf("result %+v, want the signup form", res)
			}
			ps, err := e.svc.PendingSignup(context.Background(), res.SignupToken)
			if err != nil {
				t.Fatal(err)
			}
			if ps.EmailTaken || ps.Email != "" {
				t.Errorf("the form says taken=%v email=%q of an unverified address", ps.EmailTaken, ps.Email)
			}
			if links, _ := e.db.SocialAccounts(context.Background(), v.ID); len(links) != 0 {
				t.Fatal("the victim's account was linked")
			}
			if !e.passwordWorks("victim", "victim's own passphrase") {
				t.Fatal("the victim's password stopped working")
			}
		})
	}
}

// TestEmailAuthentication: a verified address logs into the account that
// holds it verified only when the operator enabled it; auto-connect links.
func TestEmailAuthentication(t *testing.T) {
	ctx := context.Background()
	t.Run("off", func(t *testing.T) {
		e := newEnv(t)
		e.victim()
		f := googleAs(t, e, "victim-sub", victimEmail, "true")
		res, err := e.complete(e.begin(f, social.BeginInput{}))
		if err != nil || res.SignupToken == "" {
			t.Fatalf("%+v, %v: want the signup form", res, err)
		}
		ps, _ := e.svc.PendingSignup(ctx, res.SignupToken)
		if !ps.EmailTaken {
			t.Error("the form does not say the verified address has an account")
		}
	})
	for _, connect := range []bool{false, true} {
		name := "on"
		if connect {
			name = "on, auto-connect"
		}
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			e.svc.Config.EmailAuthentication, e.svc.Config.EmailAuthenticationAutoConnect = true, connect
			v := e.victim()
			f := googleAs(t, e, "victim-sub", victimEmail, "true")
			u, _ := e.login(f)
			if u.ID != v.ID {
				t.Fatalf("logged in user %d, want the address's owner %d", u.ID, v.ID)
			}
			links, _ := e.db.SocialAccounts(ctx, v.ID)
			if (len(links) == 1) != connect {
				t.Fatalf("%d links with auto-connect %v", len(links), connect)
			}
			if !e.passwordWorks("victim", "victim's own passphrase") {
				t.Fatal("a verified owner's password was voided")
			}
		})
	}
	t.Run("per app", func(t *testing.T) {
		e := newEnv(t)
		v := e.victim()
		f := googleAs(t, e, "victim-sub", victimEmail, "true")
		app := f.app()
		app.Settings["email_authentication"] = "true"
		e.addApp(app)
		if u, _ := e.login(f); u.ID != v.ID {
			t.Fatal("the app's email_authentication setting was ignored")
		}
	})
}

// TestSquatter (R7): someone signed up with the victim's address and never
// verified it; the victim's verified provider login voids that password
// and ends its sessions — and, with email authentication, the victim gets
// the account.
func TestSquatter(t *testing.T) {
	for _, emailAuth := range []bool{false, true} {
		name := map[bool]string{false: "email authentication off", true: "email authentication on"}[emailAuth]
		t.Run(name, func(t *testing.T) {
			testdb.Each(t, func(t *testing.T, db *sqlstore.DB) { squatterCase(t, db, emailAuth) })
		})
	}
}

func squatterCase(t *testing.T, db *sqlstore.DB, emailAuth bool) {
	ctx := context.Background()
	e := newEnvOn(t, db)
	e.svc.Config.EmailAuthentication = emailAuth
	squatter := e.signupLocal("squatter", victimEmail, "the squatter's passphrase")
	sess := e.session(squatter)
	if !e.passwordWorks("squatter", "the squatter's passphrase") {
		t.Fatal("setup")
	}
	f := googleAs(t, e, "victim-sub", victimEmail, "true")
	res, err := e.complete(e.begin(f, social.BeginInput{}))
	if err != nil {
		t.Fatal(err)
	}
	if e.passwordWorks("squatter", "the squatter's passphrase") {
		t.Fatal("the squatter's password still works")
	}
	if _, ok, _ := e.db.Find(ctx, sess.ID); ok {
		t.Fatal("the squatter's session survived")
	}
	if emailAuth {
		if res.Login == nil || res.Login.UserID != squatter.ID {
			t.Fatalf("result %+v, want the login of the account holding the address", res)
		}
		if es, _ := e.db.Emails(ctx, squatter.ID); !es[0].Verified {
			t.Fatal("the address is not verified now")
		}
	} else if res.SignupToken == "" {
		t.Fatalf("result %+v, want the signup form", res)
	}
	if logs := e.logs.String(); !strings.Contains(logs, "social_squatter_voided") {
		t.Error("no social_squatter_voided event")
	}
}

// TestSameEmailNewSubject (O1): identity is (provider, subject): another
// subject with a linked account's address is another identity.
func TestSameEmailNewSubject(t *testing.T) {
	e := newEnv(t)
	first := googleAs(t, e, "sub-1", "ann@example.org", "true")
	u1, _ := e.login(first)
	second := googleAs(t, e, "sub-2", "ann@example.org", "true")
	res, err := e.complete(e.begin(second, social.BeginInput{}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Login != nil {
		t.Fatalf("a new subject logged into user %d (first was %d)", res.Login.UserID, u1.ID)
	}
}

// TestLockedAccount (L3): a provider does not log into an account locked
// by failed passwords, by its link or by its address.
func TestLockedAccount(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.svc.Config.EmailAuthentication = true
	f := googleAs(t, e, "ann-sub", "ann@example.org", "true")
	u, _ := e.login(f)
	if err := e.acc.SetPassword(ctx, u, "ann's new passphrase", client); err != nil {
		t.Fatal(err)
	}
	for range 6 {
		e.acc.Login(ctx, account.LoginInput{Login: u.Username, Password: "wrong"}, client)
	}
	_, err := e.complete(e.begin(f, social.BeginInput{}))
	wantCode(t, err, account.CodeTooManyAttempts)

	byEmail := googleAs(t, e, "other-sub", "ann@example.org", "true")
	_, err = e.complete(e.begin(byEmail, social.BeginInput{}))
	wantCode(t, err, account.CodeTooManyAttempts)
}

// TestInactiveAccount: a linked inactive account is CodeAccountInactive.
func TestInactiveAccount(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	f := googleAs(t, e, "ann-sub", "ann@example.org", "true")
	u, _ := e.login(f)
	u.IsActive = false
	if err := e.db.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	_, err := e.complete(e.begin(f, social.BeginInput{}))
	wantCode(t, err, account.CodeAccountInactive)
}

// TestClosedSignup: no automatic signup and no signup form when signup is
// closed; a linked account still logs in.
func TestClosedSignup(t *testing.T) {
	e := newEnv(t)
	f := googleAs(t, e, "ann-sub", "ann@example.org", "true")
	e.login(f)
	e.acc.Config.SignupClosed = true
	e.login(f)
	stranger := googleAs(t, e, "new-sub", "new@example.org", "true")
	_, err := e.complete(e.begin(stranger, social.BeginInput{}))
	wantCode(t, err, account.CodeSignupClosed)
	e.svc.Config.NoAutoSignup = true
	_, err = e.complete(e.begin(stranger, social.BeginInput{}))
	wantCode(t, err, account.CodeSignupClosed)
	if e.users() != 1 {
		t.Fatalf("%d users", e.users())
	}
}
