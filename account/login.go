package account

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gatehouse-auth/gatehouse/password"
	"github.com/gatehouse-auth/gatehouse/user"
)

// LoginInput is what a login form submits.
type LoginInput struct {
	Login    string // username or email, per Config.LoginMethod
	Password string
}

// maxLoginLength bounds the login field before any lookup.
const maxLoginLength = user.MaxEmailLength

// Login checks credentials and returns the user. Every refusal that could tell
// whether an account exists — unknown login, wrong password, unusable
// password, an inactive user's wrong password — is the same
// CodeInvalidCredentials after the same work (one password hash), so
// responses and timing do not enumerate accounts. Only the right password
// of an inactive account hears CodeAccountInactive (allauth's
// account_inactive page): whoever typed it knows the account anyway.
//
// Every attempt counts against LimitLogin (per client IP). Before the
// password is checked, the attempt reserves a unit of LimitLoginFailed per
// client IP and per canonical identity (the user's id when the login names
// an account, the canonical login otherwise, so "Bob", "bob" and Bob's
// email share one counter); the reservation is atomic, so concurrent
// attempts cannot all slip under the limit. Past a limit the attempt is
// refused with CodeTooManyAttempts before any hash, the right password
// included, until the window ends, the same way for known and unknown
// logins. A right password gives its reservation back (allauth's rollback:
// it takes back its own unit and clears nothing), so successful logins
// never lock anyone.
//
// The answer is a Login, not a session: the login may still have stages to
// pass (a verified email …); CompleteLogin records it once none is left.
func (s *Service) Login(ctx context.Context, in LoginInput, c Client) (*Login, error) {
	if _, err := s.RateLimit(ctx, LimitLogin, Subjects{IP: c.IP}); err != nil {
		if limited(err) {
			s.failed(ctx, in.Login, CodeTooManyAttempts, c)
		}
		return nil, err
	}
	var errs Errors
	if in.Login == "" {
		errs = append(errs, fieldErr("login", CodeRequired, nil))
	}
	if in.Password == "" {
		errs = append(errs, fieldErr("password", CodeRequired, nil))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if len(in.Login) > maxLoginLength || len(in.Password) > password.MaxLength {
		return nil, &Error{Code: CodeInvalidCredentials}
	}
	u, err := s.findLogin(ctx, in.Login)
	if err != nil {
		return nil, fmt.Errorf("account: login: %w", err)
	}
	reserved, err := s.RateLimit(ctx, LimitLoginFailed, Subjects{IP: c.IP, Key: loginKey(u, in.Login)})
	if err != nil {
		if limited(err) {
			s.failed(ctx, in.Login, CodeTooManyAttempts, c)
		}
		return nil, err
	}

	ok := false
	if u == nil || !u.HasUsablePassword() {
		if err := s.Passwords.VerifyDummy(ctx, in.Password); err != nil {
			return nil, fmt.Errorf("account: login: %w", err)
		}
	} else {
		var upgraded string
		if ok, upgraded, err = s.checkPassword(ctx, u, in.Password); err != nil {
			return nil, fmt.Errorf("account: login: %w", err)
		}
		if ok && upgraded != "" {
			if err := s.Users.SetPassword(ctx, u.ID, upgraded); err != nil {
				return nil, fmt.Errorf("account: login: upgrade hash: %w", err)
			}
			u.Password = upgraded
		}
	}
	if !ok {
		s.failed(ctx, in.Login, CodeInvalidCredentials, c)
		return nil, &Error{Code: CodeInvalidCredentials}
	}
	if err := reserved.Release(ctx); err != nil {
		return nil, fmt.Errorf("account: login: %w", err)
	}
	if !u.IsActive {
		// The right password of an inactive account: only its owner
		// learns it is inactive (allauth's account_inactive page).
		s.failed(ctx, in.Login, CodeAccountInactive, c)
		return nil, &Error{Code: CodeAccountInactive}
	}
	return s.newLogin(u, "password"), nil
}

func (s *Service) failed(ctx context.Context, login, code string, c Client) {
	s.log().Info("login refused", "event", "login_failed", "code", code, "login", login, "ip", c.IP)
	if s.Hooks.OnLoginFailed != nil {
		s.Hooks.OnLoginFailed(ctx, login, code, c)
	}
}

// findLogin resolves the login field to a user, or nil when none matches.
func (s *Service) findLogin(ctx context.Context, login string) (*user.User, error) {
	m := s.LoginMethod()
	byEmail := m == LoginByEmail || (m == LoginByUsernameOrEmail && strings.Contains(login, "@"))
	var u *user.User
	var err error
	if byEmail {
		u, err = s.Users.UserByEmail(ctx, login)
		if errors.Is(err, user.ErrNotFound) && m == LoginByUsernameOrEmail {
			// Django usernames may contain "@": fall back to the username.
			u, err = s.Users.UserByUsername(ctx, login)
		}
	} else {
		u, err = s.Users.UserByUsername(ctx, login)
	}
	if errors.Is(err, user.ErrNotFound) {
		return nil, nil
	}
	return u, err
}
