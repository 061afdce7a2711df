package account_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/user"
)

// TestHooksAndEvents drives every flow once with every hook set, and checks
// that each signal ran with the right user and wrote its log line, and that
// the adapter hooks change what they say they change.
func TestHooksAndEvents(t *testing.T) {
	db := testdb.SQLite(t)
	s, _ := newService(db)
	var logs bytes.Buffer
	s.Log = slog.New(slog.NewTextHandler(&logs, nil))
	now := time.Now()
	s.Now = func() time.Time { return now }
	ctx := context.Background()
	c := account.Client{IP: "203.0.113.60"}
	fired := map[string]int64{}
	note := func(name string, id int64) { // the first firing counts
		if _, ok := fired[name]; !ok {
			fired[name] = id
		}
	}
	s.Hooks = account.Hooks{
		CleanUsername: func(_ context.Context, name string) (string, error) {
			if name == "forbidden" {
				return "", &account.Error{Code: account.CodeUsernameTaken, Field: "username"}
			}
			return strings.ToLower(name), nil
		},
		CleanEmail: func(_ context.Context, email string) (string, error) { return strings.ToLower(email), nil },
		BeforeSignup: func(_ context.Context, in *account.SignupInput, _ account.Client) error {
			if in.Username == "robot" {
				return &account.Error{Code: account.CodeSignupClosed}
			}
			return nil
		},
		SendMail: func(_ context.Context, n account.Notice, m *mail.Message) (*mail.Message, error) {
			if n.To == "quiet@example.com" {
				return nil, nil
			}
			m.Subject = "[Site] " + m.Subject
			return m, nil
		},
		OnSignedUp:        func(_ context.Context, u *user.User, _ account.Client) { note("signed_up", u.ID) },
		OnLoggedIn:        func(_ context.Context, u *user.User, _ account.Client) { note("logged_in", u.ID) },
		OnLoginFailed:     func(_ context.Context, login, code string, _ account.Client) { note("login_failed:"+login+":"+code, 1) },
		OnLoggedOut:       func(_ context.Context, u *user.User, _ account.Client) { note("logged_out", u.ID) },
		OnPasswordSet:     func(_ context.Context, u *user.User, _ account.Client) { note("password_set", u.ID) },
		OnPasswordChanged: func(_ context.Context, u *user.User, _ account.Client) { note("password_changed", u.ID) },
		OnEmailAdded: func(_ context.Context, u *user.User, email string, _ account.Client) {
			note("email_added:"+email, u.ID)
		},
		OnEmailRemoved: func(_ context.Context, u *user.User, email string, _ account.Client) {
			note("email_removed:"+email, u.ID)
		},
		OnEmailConfirmed: func(_ context.Context, id int64, email string, _ account.Client) { note("email_confirmed:"+email, id) },
		OnEmailChanged: func(_ context.Context, u *user.User, from, to string, _ account.Client) {
			note("email_changed:"+from+">"+to, u.ID)
		},
	}
	// Adapter hooks at signup: a refused name, a refusing BeforeSignup, cleaned fields.
	if _, err := s.Signup(ctx, account.SignupInput{Username: "forbidden", Password1: pw, Password2: pw}, c); !account.HasCode(err, account.CodeUsernameTaken) {
		t.Fatalf("CleanUsername's refusal: %v", err)
	}
	if _, err := s.Signup(ctx, account.SignupInput{Username: "robot", Password1: pw, Password2: pw}, c); !account.HasCode(err, account.CodeSignupClosed) {
		t.Fatalf("BeforeSignup's refusal: %v", err)
	}
	if _, err := db.UserByUsername(ctx, "robot"); !errors.Is(err, user.ErrNotFound) {
		t.Fatal("a refused signup stored a user")
	}
	l, err := s.Signup(ctx, account.SignupInput{Username: "Hanna", Email: "HANNA@Example.com", Password1: pw, Password2: pw}, c)
	must(t, err)
	u := l.User()
	if u.Username != "hanna" || u.Email != "hanna@example.com" {
		t.Fatalf("cleaned signup stored %q %q", u.Username, u.Email)
	}
	if msgs := queued(t, db); len(msgs) != 1 || !strings.HasPrefix(msgs[0].Subject, "[Site] ") {
		t.Fatalf("SendMail did not change the confirmation's subject: %v", msgs)
	}
	// A nil from SendMail sends nothing.
	_, err = s.Signup(ctx, account.SignupInput{Username: "quiet", Email: "quiet@example.com", Password1: pw, Password2: pw}, c)
	must(t, err)
	if msgs := queued(t, db); len(msgs) != 1 {
		t.Fatalf("SendMail's nil queued a mail: %d", len(msgs))
	}
	_, err = s.CompleteLogin(ctx, l, c)
	must(t, err)
	s.Login(ctx, account.LoginInput{Login: "hanna", Password: "wrong"}, c)
	s.LoggedOut(ctx, u, c)
	sess := newSession(t, db, u, now)
	must(t, s.ChangePassword(ctx, u, sess, account.ChangePasswordInput{Old: pw, Password1: "another long passphrase", Password2: "another long passphrase"}, c))
	now = now.Add(181 * time.Second)
	must(t, s.AddEmail(ctx, u, newSession(t, db, u, now), "hanna.work@example.com", c))
	must(t, db.VerifyEmail(ctx, u.ID, "hanna.work@example.com"))
	sess = newSession(t, db, u, now)
	must(t, s.MakePrimaryEmail(ctx, u, sess, "hanna.work@example.com", c))
	must(t, s.RemoveEmail(ctx, u, sess, "hanna@example.com", c))
	// A confirmation by link fires OnEmailConfirmed.
	must(t, s.AddEmail(ctx, u, sess, "hanna.home@example.com", c))
	msgs := queued(t, db)
	key := between(msgs[len(msgs)-1].Subject, "key=", " ")
	if _, err := s.ConfirmEmail(ctx, key, c); err != nil {
		t.Fatal(err)
	}
	// Password set for a user without one.
	must(t, db.SetPassword(ctx, u.ID, "!unusable"))
	u, _ = db.User(ctx, u.ID)
	must(t, s.SetFirstPassword(ctx, u, newSession(t, db, u, now), "a third long passphrase", "a third long passphrase", c))

	for name, want := range map[string]int64{
		"signed_up": u.ID, "logged_in": u.ID, "login_failed:hanna:invalid_credentials": 1, "logged_out": u.ID,
		"password_changed": u.ID, "password_set": u.ID,
		"email_added:hanna.work@example.com": u.ID, "email_changed:hanna@example.com>hanna.work@example.com": u.ID,
		"email_removed:hanna@example.com": u.ID, "email_confirmed:hanna.home@example.com": u.ID,
	} {
		if got, ok := fired[name]; !ok || got != want {
			t.Errorf("hook %s: fired %v with %d, want user %d", name, ok, got, want)
		}
	}
	for _, event := range []string{"signup", "login_ok", "login_failed", "logout", "password_changed", "password_set",
		"email_added", "email_changed", "email_removed", "email_confirmed", "mail_queued"} {
		if !strings.Contains(logs.String(), "event="+event+" ") {
			t.Errorf("no log line with event=%s", event)
		}
		if !contains(account.Events, event) {
			t.Errorf("event %s is not in account.Events", event)
		}
	}
	if strings.Contains(logs.String(), pw) || strings.Contains(logs.String(), key) {
		t.Fatal("a password or a key reached the log")
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
