package account_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// outcome names an error by its codes ("ok" for nil).
func outcome(err error) string {
	if err == nil {
		return "ok"
	}
	var s string
	for _, e := range account.AsErrors(err) {
		s += e.Field + ":" + e.Code + " "
	}
	if s == "" {
		return "error: " + err.Error()
	}
	return s
}

// TestStandInStageAnswersLikeReal: with mandatory verification the stand-in
// Login of a signup with a taken address answers every step of the email
// stage as a fresh signup's Login does — codes typed (in link mode too),
// resends in and after the cooldown, codes again, the code's expiry — so
// that no caller (the pages, a JSON API) can tell the address is taken.
func TestStandInStageAnswersLikeReal(t *testing.T) {
	for _, byCode := range []bool{true, false} {
		t.Run(fmt.Sprintf("byCode=%v", byCode), func(t *testing.T) {
			db := testdb.SQLite(t)
			s, _ := newService(db)
			s.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
			now := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
			s.Now = func() time.Time { return now }
			s.Config.EmailVerification = account.EmailVerificationMandatory
			s.Config.EmailVerificationByCode = byCode
			ctx := context.Background()
			c := account.Client{IP: "192.0.2.7"}
			owner, err := s.Signup(ctx, account.SignupInput{Username: "owner", Email: "owner@example.com", Password1: pw, Password2: pw}, c)
			if err != nil || owner.Phantom {
				t.Fatalf("owner's signup: %v", err)
			}
			now = now.Add(time.Hour)
			stand, err := s.Signup(ctx, account.SignupInput{Username: "taker", Email: "OWNER@example.com", Password1: pw, Password2: pw}, c)
			if err != nil || !stand.Phantom {
				t.Fatalf("signup with a taken address: %v, phantom %v", err, stand != nil && stand.Phantom)
			}
			real, err := s.Signup(ctx, account.SignupInput{Username: "fresh", Email: "fresh@example.com", Password1: pw, Password2: pw}, c)
			if err != nil || real.Phantom {
				t.Fatalf("fresh signup: %v", err)
			}
			type step struct {
				wait time.Duration
				do   func(l *account.Login) error
			}
			code := func(l *account.Login) error { return s.ConfirmCode(ctx, l, "BBBB-BBBB", c) }
			resend := func(l *account.Login) error { return s.SendVerification(ctx, l, c) }
			steps := []step{{0, code}, {0, resend}, {0, code}, {0, code}, {0, code}, {0, code},
				{181 * time.Second, resend}, {0, code}, {0, code},
				{181 * time.Second, resend}, {10*time.Minute + time.Second, code}}
			for i, st := range steps {
				now = now.Add(st.wait)
				a, b := outcome(st.do(stand)), outcome(st.do(real))
				if a != b {
					t.Fatalf("step %d: the stand-in answers %q, a fresh signup %q", i, a, b)
				}
			}
		})
	}
}
