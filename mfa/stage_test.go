package mfa_test

import (
	"context"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/mfa"
	"github.com/gatehouse-auth/gatehouse/user"
)

// loginPath begins a login of u one way in (its first factor).
type loginPath struct {
	name  string
	begin func(t *testing.T, e *env, u *user.User) *account.Login
}

var loginPaths = []loginPath{
	{"password", func(t *testing.T, e *env, u *user.User) *account.Login { return e.login(u) }},
	{"code", func(t *testing.T, e *env, u *user.User) *account.Login {
		ctx := context.Background()
		e.acc.Config.LoginByCode = true
		token, err := e.acc.RequestLoginCode(ctx, u.Email, e.c)
		if err != nil {
			t.Fatal(err)
		}
		code := lastMailTo(t, e, account.NoticeLoginCode, u.Email, "code")
		l, err := e.acc.ConfirmLoginCode(ctx, token, code, e.c)
		if err != nil {
			t.Fatalf("login code: %v", err)
		}
		return l
	}},
	{"social", func(t *testing.T, e *env, u *user.User) *account.Login {
		l, err := e.acc.ExternalLogin(context.Background(), u, account.MethodSocial, e.c)
		if err != nil {
			t.Fatalf("external login: %v", err)
		}
		return l
	}},
	{"password_reset", func(t *testing.T, e *env, u *user.User) *account.Login {
		ctx := context.Background()
		e.acc.Config.LoginOnPasswordReset = true
		if _, err := e.acc.RequestPasswordReset(ctx, u.Email, e.c); err != nil {
			t.Fatal(err)
		}
		key := lastMailTo(t, e, account.NoticePasswordReset, u.Email, "key")
		token, err := e.acc.StartReset(ctx, key, e.c)
		if err != nil {
			t.Fatalf("start reset: %v", err)
		}
		const np = "a new and long passphrase 4 reset"
		l, err := e.acc.ResetPassword(ctx, token, np, np, e.c)
		if err != nil || l == nil {
			t.Fatalf("reset: %v, %v", l, err)
		}
		return l
	}},
}

// lastMailTo returns name=… of the last notice of kind to addr.
func lastMailTo(t *testing.T, e *env, kind account.NoticeKind, addr, name string) string {
	t.Helper()
	m := e.mails(kind)
	for i := len(m) - 1; i >= 0; i-- {
		if field(m[i], "to") == addr {
			return field(m[i], name)
		}
	}
	t.Fatalf("no %s mail to %s", kind, addr)
	return ""
}

// TestEveryLoginPathStopsAtMFA: a password, a mailed code, a provider and
// the login after a reset all stop at the second factor of a user with an
// authenticator app: NextStage is StageAuthenticate, CompleteLogin and
// FinishLogin refuse; a right code lets the saved login finish. A user
// without an app completes as before. (There is no login on email
// confirmation in package account: a signup's login is a new user's,
// who has no factor.)
func TestEveryLoginPathStopsAtMFA(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.relaxLock()
		for _, p := range loginPaths {
			t.Run(p.name, func(t *testing.T) {
				plain := e.user("plain_" + p.name)
				l := p.begin(t, e, plain)
				if st := e.stage(l); st != "" {
					t.Fatalf("a user without 2FA: stage %q", st)
				}
				if got, err := e.acc.CompleteLogin(ctx, l, e.c); err != nil || got.ID != plain.ID {
					t.Fatalf("a user without 2FA: %v", err)
				}

				u := e.user("totp_" + p.name)
				secret, _ := e.enrol(u)
				l = p.begin(t, e, u)
				if st := e.stage(l); st != mfa.StageAuthenticate {
					t.Fatalf("stage %q, want %s", st, mfa.StageAuthenticate)
				}
				_, err := e.acc.CompleteLogin(ctx, l, e.c)
				wantCode(t, "complete before the code", err, account.CodeStagePending)
				if es := account.AsErrors(err); len(es) != 1 || es[0].Params["stage"] != mfa.StageAuthenticate {
					t.Fatalf("pending error %v, want stage %s", err, mfa.StageAuthenticate)
				}
				token, err := e.acc.SaveLogin(ctx, "", l)
				if err != nil {
					t.Fatal(err)
				}
				_, _, err = e.acc.FinishLogin(ctx, token, e.c)
				wantCode(t, "finish before the code", err, account.CodeStagePending)

				l, err = e.acc.LoadLogin(ctx, token)
				if err != nil {
					t.Fatal(err)
				}
				if err := e.svc.Authenticate(ctx, l, e.code(secret), e.c); err != nil {
					t.Fatalf("code: %v", err)
				}
				if _, err := e.acc.SaveLogin(ctx, token, l); err != nil {
					t.Fatal(err)
				}
				got, _, err := e.acc.FinishLogin(ctx, token, e.c)
				if err != nil || got.ID != u.ID {
					t.Fatalf("finish after the code: %v", err)
				}
				e.tick()
			})
		}
	})
}

// TestHalfFinishedLoginExpires: a login stopped at the second factor lives
// the login timeout (15 minutes) from its first factor, then is gone.
func TestHalfFinishedLoginExpires(t *testing.T) {
	e := sqliteEnv(t)
	ctx := context.Background()
	u := e.user("ann")
	secret, _ := e.enrol(u)
	l := e.login(u)
	token, err := e.acc.SaveLogin(ctx, "", l)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Add(14 * time.Minute)
	if _, err := e.acc.LoadLogin(ctx, token); err != nil {
		t.Fatalf("at 14 minutes: %v", err)
	}
	e.clock.Add(time.Minute + time.Second)
	_, err = e.acc.LoadLogin(ctx, token)
	wantCode(t, "load after 15 minutes", err, account.CodeLoginExpired)
	_, _, err = e.acc.FinishLogin(ctx, token, e.c)
	wantCode(t, "finish after 15 minutes", err, account.CodeLoginExpired)

	// A login saved again at its stage keeps its first deadline.
	l = e.login(u)
	token, _ = e.acc.SaveLogin(ctx, "", l)
	e.clock.Add(10 * time.Minute)
	l, err = e.acc.LoadLogin(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, "wrong code", e.svc.Authenticate(ctx, l, wrong(e.code(secret)), e.c), account.CodeCodeIncorrect)
	if _, err := e.acc.SaveLogin(ctx, token, l); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(5*time.Minute + time.Second)
	_, err = e.acc.LoadLogin(ctx, token)
	wantCode(t, "load 15 minutes after the first factor", err, account.CodeLoginExpired)
}

// TestRequiredStaff: with Required = staff, a staff user (or superuser)
// without an app must enrol at login; others need not. Enrolling at the
// login passes it; the app of a required user cannot be removed.
func TestRequiredStaff(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.svc.Config.Required = mfa.RequiredStaff
		staff, super, plain := e.user("sam"), e.user("sue"), e.user("pat")
		staff.IsStaff, super.IsSuperuser = true, true
		for _, u := range []*user.User{staff, super} {
			if err := e.db.UpdateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		if st := e.stage(e.login(plain)); st != "" {
			t.Fatalf("non-staff: stage %q", st)
		}
		if st := e.stage(e.login(super)); st != mfa.StageEnrol {
			t.Fatalf("superuser: stage %q, want %s", st, mfa.StageEnrol)
		}
		l := e.login(staff)
		if st := e.stage(l); st != mfa.StageEnrol {
			t.Fatalf("staff: stage %q, want %s", st, mfa.StageEnrol)
		}
		_, err := e.acc.CompleteLogin(ctx, l, e.c)
		wantCode(t, "complete before enrolling", err, account.CodeStagePending)

		enr, err := e.svc.BeginTOTP(l.User(), "sam")
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.ActivateTOTPAtLogin(ctx, l, enr.State, wrong(e.code(enr.Secret)), e.c)
		wantCode(t, "wrong code at login", err, account.CodeCodeIncorrect)
		if st := e.stage(l); st != mfa.StageEnrol {
			t.Fatalf("after a wrong code: stage %q", st)
		}
		codes, err := e.svc.ActivateTOTPAtLogin(ctx, l, enr.State, e.code(enr.Secret), e.c)
		if err != nil || len(codes) != 10 {
			t.Fatalf("enrol at login: %d codes, %v", len(codes), err)
		}
		if st := e.stage(l); st != "" {
			t.Fatalf("after enrolling: stage %q", st)
		}
		token, _ := e.acc.SaveLogin(ctx, "", l)
		if got, _, err := e.acc.FinishLogin(ctx, token, e.c); err != nil || got.ID != staff.ID {
			t.Fatalf("finish: %v", err)
		}

		// Next time: the code, not enrolment.
		e.tick()
		if st := e.stage(e.login(staff)); st != mfa.StageAuthenticate {
			t.Fatalf("enrolled staff: stage %q", st)
		}
		wantCode(t, "remove a required app", e.svc.DeactivateTOTP(ctx, staff, e.fresh(staff), e.c), mfa.CodeRequired)
		if st := e.status(staff); !st.Enabled() || !st.Required {
			t.Fatalf("required staff after a refused removal: %+v", st)
		}

		// RequiredSuperusers leaves staff alone.
		e.svc.Config.Required = mfa.RequiredSuperusers
		other := e.user("stan")
		other.IsStaff = true
		e.db.UpdateUser(ctx, other)
		if st := e.stage(e.login(other)); st != "" {
			t.Fatalf("staff under RequiredSuperusers: stage %q", st)
		}
	})
}

// TestRequiredGroups: members of a required group must enrol, others not.
func TestRequiredGroups(t *testing.T) {
	e := sqliteEnv(t)
	ctx := context.Background()
	e.svc.Config.RequiredGroups = []string{"admins"}
	g, other := &user.Group{Name: "admins"}, &user.Group{Name: "editors"}
	for _, gr := range []*user.Group{g, other} {
		if err := e.db.CreateGroup(ctx, gr); err != nil {
			t.Fatal(err)
		}
	}
	member, editor, plain := e.user("mia"), e.user("ed"), e.user("pat")
	e.db.AddUserToGroup(ctx, member.ID, g.ID)
	e.db.AddUserToGroup(ctx, editor.ID, other.ID)
	if st := e.stage(e.login(member)); st != mfa.StageEnrol {
		t.Fatalf("member: stage %q, want %s", st, mfa.StageEnrol)
	}
	for _, u := range []*user.User{editor, plain} {
		if st := e.stage(e.login(u)); st != "" {
			t.Fatalf("%s: stage %q", u.Username, st)
		}
	}
	e.enrol(member)
	wantCode(t, "remove a group-required app", e.svc.DeactivateTOTP(ctx, member, e.fresh(member), e.c), mfa.CodeRequired)
	// Out of the group, the app may go.
	e.db.RemoveUserFromGroup(ctx, member.ID, g.ID)
	if err := e.svc.DeactivateTOTP(ctx, member, e.fresh(member), e.c); err != nil {
		t.Fatalf("removal after leaving the group: %v", err)
	}
}
