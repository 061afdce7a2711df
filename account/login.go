package account

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/password"
	"github.com/gatehouse-auth/gatehouse/ratelimit"
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
// whether an account exists — unknown login, wrong password, inactive user,
// unusable password — is the same CodeInvalidCredentials after the same work
// (one password hash), so responses and timing do not enumerate accounts.
//
// Failed attempts are counted per canonical identity (the user's id when the
// login names an account, the canonical login otherwise, so "Bob", "bob" and
// Bob's email share one counter) and per client IP. Past either limit every
// attempt is refused with CodeTooManyAttempts before the password is checked,
// the right password included, until the window ends.
func (s *Service) Login(ctx context.Context, in LoginInput, c Client) (*user.User, error) {
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
	now := s.now()
	perIP := orLimit(s.Config.FailedLoginsPerIP, ratelimit.Limit{Max: 30, Window: time.Minute})
	perAcct := s.failedLoginsPerAccount()
	ipKey := "login_failed:ip:" + c.IP
	if n, err := s.Limits.Count(ctx, ipKey, now); err != nil {
		return nil, fmt.Errorf("account: login: %w", err)
	} else if n.Count >= perIP.Max {
		s.failed(in.Login, CodeTooManyAttempts, c)
		return nil, tooMany(n, now)
	}

	u, err := s.findLogin(ctx, in.Login)
	if err != nil {
		return nil, fmt.Errorf("account: login: %w", err)
	}
	acctKey := "login_failed:login:" + user.CanonicalEmail(in.Login)
	if u != nil {
		acctKey = "login_failed:user:" + strconv.FormatInt(u.ID, 10)
	}
	if n, err := s.Limits.Count(ctx, acctKey, now); err != nil {
		return nil, fmt.Errorf("account: login: %w", err)
	} else if n.Count >= perAcct.Max {
		s.failed(in.Login, CodeTooManyAttempts, c)
		return nil, tooMany(n, now)
	}

	ok := false
	if u == nil || !u.IsActive || !u.HasUsablePassword() {
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
		for _, k := range []struct {
			key string
			l   ratelimit.Limit
		}{{acctKey, perAcct}, {ipKey, perIP}} {
			if _, err := s.Limits.Hit(ctx, k.key, k.l.Window, now); err != nil {
				return nil, fmt.Errorf("account: login: %w", err)
			}
		}
		s.failed(in.Login, CodeInvalidCredentials, c)
		return nil, &Error{Code: CodeInvalidCredentials}
	}
	u.LastLogin = now.UTC().Truncate(time.Microsecond)
	if err := s.Users.SetLastLogin(ctx, u.ID, u.LastLogin); err != nil {
		return nil, fmt.Errorf("account: login: %w", err)
	}
	s.log().Info("login", "event", "login_ok", "user_id", u.ID, "ip", c.IP)
	if s.Hooks.AfterLogin != nil {
		s.Hooks.AfterLogin(u, c)
	}
	return u, nil
}

func (s *Service) failed(login, code string, c Client) {
	s.log().Info("login refused", "event", "login_failed", "code", code, "login", login, "ip", c.IP)
	if s.Hooks.OnLoginFailed != nil {
		s.Hooks.OnLoginFailed(login, code, c)
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
