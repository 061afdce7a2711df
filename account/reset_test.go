package account_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
	"github.com/gatehouse-auth/gatehouse/user"
)

// queuedNotices returns the plainNotices lines queued so far, of kind.
func queuedNotices(t *testing.T, db *sqlstore.DB, kind account.NoticeKind) []string {
	t.Helper()
	qs, err := db.ListOutbox(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, q := range qs {
		if strings.HasPrefix(q.Message.Subject, "kind="+string(kind)+" ") {
			out = append(out, q.Message.Subject)
		}
	}
	return out
}

// field returns the value of name=… in a plainNotices line.
func field(line, name string) string {
	for _, f := range strings.Fields(line) {
		if v, ok := strings.CutPrefix(f, name+"="); ok {
			return v
		}
	}
	return ""
}

// TestResetKeyRedeemedOnce: 16 browsers open one reset link (StartReset
// with the same key) and set 16 passwords at once: exactly one wins, the
// others are told the key is spent, the stored hash is the winner's and one
// "password changed" notice is queued. SQLite and PostgreSQL.
func TestResetKeyRedeemedOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		s, _ := newService(db)
		s.Config.RateLimits[account.LimitResetPasswordFromKey] = "off"
		s.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
		ctx := context.Background()
		enc, err := s.Passwords.Hash(ctx, pw)
		if err != nil {
			t.Fatal(err)
		}
		u := &user.User{Username: "racer", Email: "racer@example.com", Password: enc, IsActive: true,
			DateJoined: time.Now().UTC().Truncate(time.Microsecond)}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		c := account.Client{IP: "192.0.2.1"}
		if _, err := s.RequestPasswordReset(ctx, "racer@example.com", c); err != nil {
			t.Fatal(err)
		}
		lines := queuedNotices(t, db, account.NoticePasswordReset)
		if len(lines) != 1 {
			t.Fatalf("%d reset mails queued", len(lines))
		}
		key := field(lines[0], "key")
		const n = 16
		tokens := make([]string, n)
		for i := range tokens {
			if tokens[i], err = s.StartReset(ctx, key, c); err != nil {
				t.Fatalf("StartReset %d: %v", i, err)
			}
		}
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				p := fmt.Sprintf("winner number %02d passphrase", i)
				_, errs[i] = s.ResetPassword(ctx, tokens[i], p, p, c)
			})
		}
		close(start)
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil:
				if winner >= 0 {
					t.Fatalf("resets %d and %d both won", winner, i)
				}
				winner = i
			case account.HasCode(err, account.CodeResetKeyInvalid):
			default:
				t.Fatalf("reset %d: %v, want reset_key_invalid", i, err)
			}
		}
		if winner < 0 {
			t.Fatal("no reset won")
		}
		got, err := db.User(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ok, _, _ := s.Passwords.Verify(ctx, fmt.Sprintf("winner number %02d passphrase", winner), got.Password); !ok {
			t.Fatal("the stored hash is not the winner's password")
		}
		if notices := queuedNotices(t, db, account.NoticePasswordChanged); len(notices) != 1 {
			t.Fatalf("%d password-changed notices queued, want 1", len(notices))
		}
		// The key is spent for every flow and for a new one.
		for i := range n {
			if _, err := s.ResetUser(ctx, tokens[i]); !account.HasCode(err, account.CodeResetKeyInvalid) {
				t.Fatalf("flow %d after the reset: %v", i, err)
			}
		}
		if _, err := s.StartReset(ctx, key, c); !account.HasCode(err, account.CodeResetKeyInvalid) {
			t.Fatalf("StartReset after the reset: %v", err)
		}
	})
}

// TestMailGoesToTheStoredAddress: a typed address that matches an account
// only canonically (straße folds to strasse) must not receive that
// account's reset link or login code: they go to the address as stored
// (the bug class of Django's CVE-2019-19844); a pending, unverified address
// is nobody's way in yet.
func TestMailGoesToTheStoredAddress(t *testing.T) {
	db := testdb.SQLite(t)
	s, _ := newService(db)
	s.Config.LoginByCode = true
	ctx := context.Background()
	c := account.Client{IP: "203.0.113.70"}
	u := userOf(s.Signup(ctx, account.SignupInput{Username: "bob", Email: "bob@strasse.de", Password1: pw, Password2: pw}, c))
	if user.CanonicalEmail("bob@straße.de") != user.CanonicalEmail("bob@strasse.de") {
		t.Skip("this platform's case folding does not fold ß")
	}
	before := len(queued(t, db))
	if _, err := s.RequestPasswordReset(ctx, "bob@straße.de", account.Client{IP: "203.0.113.71"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RequestLoginCode(ctx, "BOB@STRASSE.DE", account.Client{IP: "203.0.113.72"}); err != nil {
		t.Fatal(err)
	}
	for _, m := range queued(t, db)[before:] {
		if m.To[0] != "bob@strasse.de" {
			t.Errorf("%s went to %q, not to the stored bob@strasse.de", m.Subject, m.To[0])
		}
	}
	// A pending address added by the user (say, mistyped) gets nothing.
	must(t, db.AddEmail(ctx, &user.EmailAddress{UserID: u.ID, Email: "bob@typo.example"}))
	before = len(queued(t, db))
	if _, err := s.RequestPasswordReset(ctx, "bob@typo.example", account.Client{IP: "203.0.113.73"}); err != nil {
		t.Fatal(err)
	}
	for _, m := range queued(t, db)[before:] {
		if strings.Contains(m.Subject, "kind=password_reset ") {
			t.Fatalf("a pending address got a reset link: %q", m.Subject)
		}
	}
}

// TestResetKeySealedInItsFlow: once a reset link is opened its key lives in
// a flow record, sealed: the flow table alone hands out no live link.
func TestResetKeySealedInItsFlow(t *testing.T) {
	db := testdb.SQLite(t)
	s, _ := newService(db)
	ctx := context.Background()
	c := account.Client{IP: "203.0.113.80"}
	userOf(s.Signup(ctx, account.SignupInput{Username: "rae", Email: "rae@example.com", Password1: pw, Password2: pw}, c))
	before := len(queued(t, db))
	if _, err := s.RequestPasswordReset(ctx, "rae@example.com", c); err != nil {
		t.Fatal(err)
	}
	msgs := queued(t, db)
	if len(msgs) != before+1 {
		t.Fatal("no reset mail")
	}
	urlKey := between(msgs[len(msgs)-1].Subject, "key=", " ")
	token, err := s.StartReset(ctx, urlKey, c)
	if err != nil || token == "" {
		t.Fatalf("StartReset: %v", err)
	}
	var data []byte
	must(t, db.SQL().QueryRowContext(ctx, `SELECT data FROM gh_flows`).Scan(&data))
	_, tokenPart, _ := strings.Cut(urlKey, "-")
	if strings.Contains(string(data), tokenPart) {
		t.Fatal("the reset key is readable in its flow record")
	}
	if u, err := s.ResetUser(ctx, token); err != nil || u.Username != "rae" {
		t.Fatalf("ResetUser = %v, %v", u, err)
	}
}
