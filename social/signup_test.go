package social_test

import (
	"context"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
	"github.com/gatehouse-auth/gatehouse/social"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

// TestSocialSignupForm: without automatic signup the answer waits on the
// form, which suggests a username and the provider's address; a field
// problem leaves it in place; the verified address is stored verified;
// the form works once.
func TestSocialSignupForm(t *testing.T) {
	testdb.Each(t, socialSignupForm)
}

func socialSignupForm(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	e := newEnvOn(t, db)
	e.svc.Config.NoAutoSignup = true
	e.signupLocal("octocat", "", "a local passphrase")
	f := newFake(t, social.GitHub)
	e.addApp(f.app())
	res, err := e.complete(e.begin(f, social.BeginInput{Next: "/welcome/"}))
	if err != nil || res.SignupToken == "" || res.Login != nil {
		t.Fatalf("%+v, %v: want the signup form", res, err)
	}
	ps, err := e.svc.PendingSignup(ctx, res.SignupToken)
	if err != nil {
		t.Fatal(err)
	}
	if ps.ProviderName != "GitHub" || ps.Email != "octocat@github.com" || !ps.EmailVerified || ps.Username != "octocat2" || ps.Next != "/welcome/" {
		t.Errorf("form %+v", ps)
	}
	_, err = e.svc.SocialSignup(ctx, res.SignupToken, social.SignupInput{Username: "octocat", Email: ps.Email}, client)
	wantCode(t, err, account.CodeUsernameTaken)
	l, err := e.svc.SocialSignup(ctx, res.SignupToken, social.SignupInput{Username: "mona", Email: ps.Email}, client)
	if err != nil {
		t.Fatal(err)
	}
	if l.Next != "/welcome/" {
		t.Errorf("next %q", l.Next)
	}
	u, err := e.acc.CompleteLogin(ctx, l, client)
	if err != nil || u.Username != "mona" {
		t.Fatalf("%v %v", u, err)
	}
	if es, _ := e.db.Emails(ctx, u.ID); len(es) != 1 || !es[0].Verified {
		t.Errorf("addresses %+v, want the provider's, verified", es)
	}
	_, err = e.svc.SocialSignup(ctx, res.SignupToken, social.SignupInput{Username: "mona2", Email: "other@example.org"}, client)
	wantCode(t, err, account.CodeLoginExpired)
	if e.users() != 2 {
		t.Fatalf("%d users", e.users())
	}
}

// TestSocialSignupTypedEmail: a provider without an address (X) and a site
// that needs one: the form asks, the typed address is not verified, and
// with mandatory verification the login waits at the email stage.
func TestSocialSignupTypedEmail(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.acc.Config.EmailVerification = account.EmailVerificationMandatory
	f := newFake(t, social.X)
	e.addApp(f.app())
	res, err := e.complete(e.begin(f, social.BeginInput{}))
	if err != nil || res.SignupToken == "" {
		t.Fatalf("%+v, %v: want the signup form", res, err)
	}
	ps, _ := e.svc.PendingSignup(ctx, res.SignupToken)
	if !ps.EmailRequired || ps.Email != "" || ps.Username != "XDevelopers" {
		t.Errorf("form %+v", ps)
	}
	_, err = e.svc.SocialSignup(ctx, res.SignupToken, social.SignupInput{Username: "xdev"}, client)
	wantCode(t, err, account.CodeRequired)
	l, err := e.svc.SocialSignup(ctx, res.SignupToken, social.SignupInput{Username: "xdev", Email: "xdev@example.org"}, client)
	if err != nil {
		t.Fatal(err)
	}
	st, err := e.acc.NextStage(ctx, l)
	if err != nil || st == nil || st.Name() != account.StageVerifyEmail {
		t.Fatalf("stage %v, %v: want the email stage", st, err)
	}
}

// TestSignupFormExpires: the form lasts Config.SignupTimeout.
func TestSignupFormExpires(t *testing.T) {
	e := newEnv(t)
	e.svc.Config.NoAutoSignup = true
	f := newFake(t, social.GitHub)
	e.addApp(f.app())
	res, err := e.complete(e.begin(f, social.BeginInput{}))
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Add(16 * time.Minute)
	_, err = e.svc.PendingSignup(context.Background(), res.SignupToken)
	wantCode(t, err, account.CodeLoginExpired)
}
