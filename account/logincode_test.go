package account_test

import (
	"context"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// TestLoginByCode: a known and an unknown address get the same answer; a
// wrong code counts, the third kills it; the right code begins a login
// (verifying the address) and never works twice; a code expires; a locked
// account is refused the right code too.
func TestLoginByCode(t *testing.T) {
	db := testdb.SQLite(t)
	s, _ := newService(db)
	s.Config.LoginByCode = true
	now := time.Now()
	s.Now = func() time.Time { return now }
	ctx := context.Background()
	c := account.Client{IP: "203.0.113.50"}
	u := userOf(s.Signup(ctx, account.SignupInput{Username: "kit", Email: "kit@example.com", Password1: pw, Password2: pw}, c))
	now = now.Add(time.Hour)

	if _, err := (&account.Service{Config: account.Config{}}).RequestLoginCode(ctx, "kit@example.com", c); !account.HasCode(err, account.CodeLoginByCodeDisabled) {
		t.Fatalf("login by code off: %v", err)
	}
	codeOf := func(to string) string {
		t.Helper()
		msgs := queued(t, db)
		for i := len(msgs) - 1; i >= 0; i-- {
			if msgs[i].To[0] == to {
				return between(msgs[i].Subject, "code=", " ")
			}
		}
		t.Fatalf("no mail to %s", to)
		return ""
	}
	known, err := s.RequestLoginCode(ctx, "KIT@example.com", c)
	must(t, err)
	unknown, err := s.RequestLoginCode(ctx, "nobody@example.com", c)
	must(t, err)
	if known == "" || unknown == "" {
		t.Fatal("no flow token for a known or an unknown address")
	}
	code := codeOf("kit@example.com") // the address as stored, not as typed
	if code == "" {
		t.Fatal("no code mailed to the known address")
	}
	if _, err := s.ConfirmLoginCode(ctx, unknown, code, c); !account.HasCode(err, account.CodeCodeIncorrect) {
		t.Fatalf("a code worked for an unknown address's flow: %v", err)
	}

	// Wrong twice, then right: signed in, the address verified.
	for range 2 {
		if _, err := s.ConfirmLoginCode(ctx, known, "BCDF-GHJK", c); !account.HasCode(err, account.CodeCodeIncorrect) {
			t.Fatalf("wrong code: %v", err)
		}
	}
	l, err := s.ConfirmLoginCode(ctx, known, code, c)
	if err != nil || l.User().ID != u.ID {
		t.Fatalf("right code: %v, %v", l, err)
	}
	if es, _ := db.Emails(ctx, u.ID); !es[0].Verified {
		t.Error("the login code did not verify the address")
	}
	if _, err := s.ConfirmLoginCode(ctx, known, code, c); !account.HasCode(err, account.CodeLoginExpired) {
		t.Errorf("a code worked twice: %v", err)
	}

	// Three wrong kill the code, the right one included.
	now = now.Add(time.Minute)
	again, err := s.RequestLoginCode(ctx, "kit@example.com", account.Client{IP: "203.0.113.51"})
	must(t, err)
	code = codeOf("kit@example.com")
	for i := range 3 {
		_, err := s.ConfirmLoginCode(ctx, again, "BCDF-GHJK", c)
		if i < 2 && !account.HasCode(err, account.CodeCodeIncorrect) || i == 2 && !account.HasCode(err, account.CodeCodeExpired) {
			t.Fatalf("wrong code %d: %v", i+1, err)
		}
	}
	if _, err := s.ConfirmLoginCode(ctx, again, code, c); err == nil {
		t.Fatal("the right code worked after three wrong ones")
	}

	// A code expires after 3 minutes.
	now = now.Add(time.Minute)
	late, err := s.RequestLoginCode(ctx, "kit@example.com", account.Client{IP: "203.0.113.52"})
	must(t, err)
	code = codeOf("kit@example.com")
	now = now.Add(3*time.Minute + time.Second)
	if _, err := s.ConfirmLoginCode(ctx, late, code, c); err == nil {
		t.Fatal("an expired code worked")
	}

	// A locked account (5 wrong passwords) is refused the right code.
	now = now.Add(time.Hour)
	for range 5 {
		s.Login(ctx, account.LoginInput{Login: "kit", Password: "wrong"}, account.Client{IP: "198.51.100.9"})
	}
	locked, err := s.RequestLoginCode(ctx, "kit@example.com", account.Client{IP: "203.0.113.53"})
	must(t, err)
	code = codeOf("kit@example.com")
	if _, err := s.ConfirmLoginCode(ctx, locked, code, c); !account.HasCode(err, account.CodeTooManyAttempts) {
		t.Fatalf("a locked account signed in by code: %v", err)
	}
}
