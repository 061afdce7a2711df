package account_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/flow"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

// slowFlows lets every read of a flow wait a moment before it returns, as
// a busy server's would, so concurrent steps all read before any writes.
type slowFlows struct{ flow.Store }

func (s slowFlows) FindFlow(ctx context.Context, id string, now time.Time) (flow.Flow, bool, error) {
	f, ok, err := s.Store.FindFlow(ctx, id, now)
	time.Sleep(50 * time.Millisecond)
	return f, ok, err
}

// TestCodeAttemptsAtomic: the 3 attempts at a mailed code hold when the
// wrong ones arrive at once, each step reading the flow (or the login)
// before the others wrote it: the right code is refused afterwards. Email
// verification and password reset codes; SQLite and PostgreSQL.
func TestCodeAttemptsAtomic(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		s, _ := newService(db)
		s.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
		s.Flows = slowFlows{db}
		s.Config.EmailVerification = account.EmailVerificationMandatory
		s.Config.EmailVerificationByCode = true
		s.Config.PasswordResetByCode = true
		ctx := context.Background()
		c := account.Client{IP: "192.0.2.9"}
		const n = 12

		// Email verification: the web handler's steps (load, confirm, save).
		l, err := s.Signup(ctx, account.SignupInput{Username: "vera", Email: "vera@example.com", Password1: pw, Password2: pw}, c)
		if err != nil {
			t.Fatal(err)
		}
		token, err := s.SaveLogin(ctx, "", l)
		if err != nil {
			t.Fatal(err)
		}
		code := field(queuedNotices(t, db, account.NoticeEmailConfirmationCode)[0], "code")
		wrong := "BBBB-BBBB"
		if strings.HasPrefix(code, "BBBB") {
			wrong = "CCCC-CCCC"
		}
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				l, err := s.LoadLogin(ctx, token)
				if err != nil {
					return
				}
				s.ConfirmCode(ctx, l, wrong, c)
				s.SaveLogin(ctx, token, l)
			})
		}
		wg.Wait()
		l, err = s.LoadLogin(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ConfirmCode(ctx, l, code, c); err == nil {
			t.Error("email code: the right code worked after 12 wrong ones at once")
		}
		after := outcome(s.ConfirmCode(ctx, l, wrong, c))

		// The stand-in of a signup with vera's address answers the same
		// after the same burst.
		stand, err := s.Signup(ctx, account.SignupInput{Username: "vera2", Email: "vera@example.com", Password1: pw, Password2: pw}, c)
		if err != nil || !stand.Phantom {
			t.Fatalf("stand-in signup: %v", err)
		}
		standToken, err := s.SaveLogin(ctx, "", stand)
		if err != nil {
			t.Fatal(err)
		}
		for range n {
			wg.Go(func() {
				l, err := s.LoadLogin(ctx, standToken)
				if err != nil {
					return
				}
				s.ConfirmCode(ctx, l, wrong, c)
				s.SaveLogin(ctx, standToken, l)
			})
		}
		wg.Wait()
		if stand, err = s.LoadLogin(ctx, standToken); err != nil {
			t.Fatal(err)
		}
		if got := outcome(s.ConfirmCode(ctx, stand, wrong, c)); got != after {
			t.Errorf("after a burst the stand-in answers %q, a real signup %q", got, after)
		}

		// Password reset.
		rt, err := s.RequestPasswordReset(ctx, "vera@example.com", c)
		if err != nil {
			t.Fatal(err)
		}
		code = field(queuedNotices(t, db, account.NoticePasswordResetCode)[0], "code")
		wrong = "BBBB-BBBB"
		if strings.HasPrefix(code, "BBBB") {
			wrong = "CCCC-CCCC"
		}
		for range n {
			wg.Go(func() { s.ConfirmResetCode(ctx, rt, wrong, c) })
		}
		wg.Wait()
		if err := s.ConfirmResetCode(ctx, rt, code, c); err == nil {
			t.Error("reset code: the right code worked after 12 wrong ones at once")
		}
	})
}
