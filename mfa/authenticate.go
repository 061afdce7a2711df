package mfa

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/user"
)

// Authenticate checks a code typed at l's StageAuthenticate: one from the
// user's authenticator app (each time step once per user, on every
// instance) or an unused recovery code (spent, and the user mailed how
// many are left). On success l passes the stage; the caller saves l and
// continues the login.
//
// Every attempt is counted against l's challenge: past Config.MaxAttempts
// wrong codes the answer is CodeTooManyAttempts and the caller ends the
// login, which must start over from the first factor (SECURITY.md M1).
// Every attempt also reserves a unit of the account's login_failed limit,
// as a password does (a right code gives it back), so a locked account is
// refused here too (account.CodeTooManyAttempts, L3) and wrong codes
// count toward the lock. A wrong code is account.CodeCodeIncorrect on
// field "code".
func (s *Service) Authenticate(ctx context.Context, l *account.Login, typed string, c account.Client) error {
	u := l.User()
	if u == nil || l.Phantom {
		return &account.Error{Code: account.CodeLoginExpired}
	}
	if normalizeDigits(typed) == "" {
		return account.FieldError("code", account.CodeRequired)
	}
	return s.attempt(ctx, l, c, func() (string, bool, error) { return s.check(ctx, u, typed, c) }, "code", account.CodeCodeIncorrect)
}

// attempt counts one try at l's second factor, runs try, and passes the
// stage when it succeeds (see Authenticate); a failure is wrongCode on
// field.
func (s *Service) attempt(ctx context.Context, l *account.Login, c account.Client, try func() (string, bool, error), field, wrongCode string) error {
	u := l.User()
	if l.Challenge == "" {
		l.Challenge = newChallenge()
	}
	now := s.now()
	n, err := s.Account.Limits.Hit(ctx, "mfa_attempts:"+l.Challenge, s.Account.LoginExpires(l).Sub(now)+time.Second, now)
	if err != nil {
		return fmt.Errorf("mfa: authenticate: %w", err)
	}
	if int(n.Count) > s.maxAttempts() {
		return &account.Error{Code: CodeTooManyAttempts}
	}
	reserved, err := s.Account.RateLimit(ctx, account.LimitLoginFailed, account.Subjects{IP: c.IP, Key: account.UserLimitKey(u.ID)})
	if err != nil {
		return err
	}
	method, ok, err := try()
	if err != nil {
		return err
	}
	if !ok {
		s.Account.Event(ctx, "mfa_failed", u.ID, c, "attempt", n.Count)
		if int(n.Count) >= s.maxAttempts() {
			return &account.Error{Code: CodeTooManyAttempts}
		}
		return account.FieldError(field, wrongCode)
	}
	if err := reserved.Release(ctx); err != nil {
		return fmt.Errorf("mfa: authenticate: %w", err)
	}
	l.Pass(StageAuthenticate)
	l.Pass(authByCode)
	s.Account.Event(ctx, "mfa_authenticated", u.ID, c, "type", method)
	return nil
}

// Reauthenticate checks a code from u's authenticator app or a recovery
// code and records the reauthentication on sess (where a password would
// be asked). It counts against the reauthenticate limit and the
// account's login_failed lock, as a password does.
func (s *Service) Reauthenticate(ctx context.Context, u *user.User, sess *session.Session, typed string, c account.Client) error {
	if normalizeDigits(typed) == "" {
		return account.FieldError("code", account.CodeRequired)
	}
	if _, err := s.Account.RateLimit(ctx, account.LimitReauthenticate, account.Subjects{IP: c.IP, User: u.ID}); err != nil {
		return err
	}
	reserved, err := s.Account.RateLimit(ctx, account.LimitLoginFailed, account.Subjects{IP: c.IP, Key: account.UserLimitKey(u.ID)})
	if err != nil {
		return err
	}
	method, ok, err := s.check(ctx, u, typed, c)
	if err != nil {
		return err
	}
	if !ok {
		s.Account.Event(ctx, "reauthenticate_failed", u.ID, c, "method", "mfa")
		return account.FieldError("code", account.CodeCodeIncorrect)
	}
	if err := reserved.Release(ctx); err != nil {
		return fmt.Errorf("mfa: reauthenticate: %w", err)
	}
	return s.Account.Reauthenticated(ctx, u, sess, method, c)
}

// check reports whether typed is a code of u's authenticator app not used
// before, or one of u's unused recovery codes (which it spends), and
// which.
func (s *Service) check(ctx context.Context, u *user.User, typed string, c account.Client) (string, bool, error) {
	as, err := s.Store.Authenticators(ctx, u.ID)
	if err != nil {
		return "", false, fmt.Errorf("mfa: check: %w", err)
	}
	if !isFactor(as) {
		return "", false, nil // recovery codes back up an app or a key; alone they open nothing
	}
	code := normalizeDigits(typed)
	now := s.now()
	for _, a := range as {
		if a.Type != TypeTOTP || len(code) != s.Config.TOTP.digits() {
			continue
		}
		secret, err := OpenTOTPSecret(s.Account.Keys, a)
		if err != nil {
			return "", false, err
		}
		step, ok, err := s.Config.TOTP.Verify(secret, code, now)
		if err != nil || !ok {
			if err != nil {
				return "", false, err
			}
			continue
		}
		fresh, err := s.Store.UseTOTPStep(ctx, u.ID, step, s.stepUntil(now))
		if err != nil {
			return "", false, fmt.Errorf("mfa: check: %w", err)
		}
		if !fresh {
			s.log().Info("replayed TOTP code refused", "event", "mfa_replay", "user_id", u.ID, "ip", c.IP)
			return "", false, nil
		}
		if err := s.Store.TouchAuthenticator(ctx, a.ID, now.UTC()); err != nil && !errors.Is(err, user.ErrNotFound) {
			return "", false, fmt.Errorf("mfa: check: %w", err)
		}
		return TypeTOTP, true, nil
	}
	for _, a := range as {
		if a.Type != TypeRecoveryCodes || len(code) != s.Config.Recovery.digits() {
			continue
		}
		ok, left, err := s.spendRecovery(ctx, a, code)
		if err != nil || !ok {
			return "", false, err
		}
		if err := s.Account.Notify(ctx, nil, account.Notice{Kind: account.NoticeRecoveryCodeUsed, To: u.Email, User: u, Count: left}, c); err != nil {
			s.log().Warn("recovery code notice not queued", "user_id", u.ID, "err", err)
		}
		return TypeRecoveryCodes, true, nil
	}
	return "", false, nil
}

// spendRecovery spends code from a's set with a compare-and-set on its
// data: of two requests spending one code, one wins. A request that loses
// the compare-and-set to another code's spending reads the set again and
// retries, so that a valid code is never refused for a neighbour's use.
func (s *Service) spendRecovery(ctx context.Context, a *Authenticator, code string) (bool, int, error) {
	for try := 0; try < 100; try++ {
		set, err := recoveryData(a)
		if err != nil {
			return false, 0, err
		}
		used := false
		for _, k := range s.Account.Keys.Keys(recoveryPurpose) {
			if set.Use(k, code) {
				used = true
				break
			}
		}
		if !used {
			return false, 0, nil
		}
		ok, err := s.Store.UpdateAuthenticatorData(ctx, a.ID, a.Data, RecoveryData(set), s.now().UTC())
		if err != nil {
			return false, 0, fmt.Errorf("mfa: recovery code: %w", err)
		}
		if ok {
			return true, set.Left(), nil
		}
		// The set changed meanwhile (a code spent, maybe this one; or the
		// set replaced): read it again.
		as, err := s.Store.Authenticators(ctx, a.UserID)
		if err != nil {
			return false, 0, fmt.Errorf("mfa: recovery code: %w", err)
		}
		id := a.ID
		a = nil
		for _, b := range as {
			if b.ID == id {
				a = b
			}
		}
		if a == nil {
			return false, 0, nil
		}
	}
	return false, 0, nil
}

func newChallenge() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
