package account

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gatehouse-auth/gatehouse/password"
	"github.com/gatehouse-auth/gatehouse/ratelimit"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/user"
)

// ReauthenticationTimeout is how long after a login or a reauthentication a
// session may take sensitive actions (ending other sessions …) without the
// password again: allauth's REAUTHENTICATION_TIMEOUT, 300 seconds.
const ReauthenticationTimeout = 5 * time.Minute

// checkPassword reports whether pw is u's password. A stored hash that
// cannot be read (unknown algorithm, a cost over the cap) is logged, never
// the password, and counts as a wrong password; an ended context is an
// error.
func (s *Service) checkPassword(ctx context.Context, u *user.User, pw string) (ok bool, upgraded string, err error) {
	ok, upgraded, err = s.Passwords.Verify(ctx, pw, u.Password)
	if err != nil && ctx.Err() != nil {
		return false, "", err
	}
	if err != nil && !errors.Is(err, password.ErrTooLong) {
		s.log().Warn("password hash unreadable", "user_id", u.ID, "err", err)
	}
	return ok, upgraded, nil
}

// RecentlyAuthenticated reports whether sess logged in or reauthenticated
// within ReauthenticationTimeout.
func (s *Service) RecentlyAuthenticated(sess *session.Session) bool {
	return s.now().Sub(sess.AuthAt) <= ReauthenticationTimeout
}

// Reauthenticate checks the signed-in user's password again and records it
// on the session (its AuthAt), so sensitive actions are allowed for
// ReauthenticationTimeout. Wrong passwords count against the same per-user
// limit as failed logins (CodeTooManyAttempts past it) and answer
// CodePasswordIncorrect on field "password".
func (s *Service) Reauthenticate(ctx context.Context, u *user.User, sess *session.Session, pw string, c Client) error {
	if pw == "" {
		return fieldErr("password", CodeRequired, nil)
	}
	now := s.now()
	limit := s.failedLoginsPerAccount()
	key := "login_failed:user:" + strconv.FormatInt(u.ID, 10)
	if n, err := s.Limits.Count(ctx, key, now); err != nil {
		return fmt.Errorf("account: reauthenticate: %w", err)
	} else if n.Count >= limit.Max {
		return tooMany(n, now)
	}
	ok := false
	if len(pw) <= password.MaxLength {
		var err error
		if ok, _, err = s.checkPassword(ctx, u, pw); err != nil {
			return fmt.Errorf("account: reauthenticate: %w", err)
		}
	}
	if !ok {
		if _, err := s.Limits.Hit(ctx, key, limit.Window, now); err != nil {
			return fmt.Errorf("account: reauthenticate: %w", err)
		}
		s.log().Info("reauthentication refused", "event", "reauthenticate_failed", "user_id", u.ID, "ip", c.IP)
		return fieldErr("password", CodePasswordIncorrect, nil)
	}
	sess.AuthAt = now.UTC().Truncate(time.Microsecond)
	if err := s.Sessions.Save(ctx, *sess); err != nil {
		return fmt.Errorf("account: reauthenticate: %w", err)
	}
	s.log().Info("reauthenticated", "event", "reauthenticated", "user_id", u.ID, "ip", c.IP)
	return nil
}

// EndSessions ends one of the user's other sessions (id, as ListUser gives
// it) or, with id "", every other one; cur, the session asking, stays. It
// needs a recent authentication (CodeReauthenticationRequired otherwise). An
// id that is not one of the user's sessions ends nothing.
func (s *Service) EndSessions(ctx context.Context, u *user.User, cur *session.Session, id string, c Client) error {
	if !s.RecentlyAuthenticated(cur) {
		return &Error{Code: CodeReauthenticationRequired}
	}
	if id == "" {
		if err := s.Sessions.DeleteUser(ctx, u.ID, cur.ID); err != nil {
			return fmt.Errorf("account: end sessions: %w", err)
		}
	} else if id != cur.ID {
		other, found, err := s.Sessions.Find(ctx, id)
		if err != nil {
			return fmt.Errorf("account: end session: %w", err)
		}
		if !found || other.UserID != u.ID {
			return nil
		}
		if err := s.Sessions.Delete(ctx, id); err != nil {
			return fmt.Errorf("account: end session: %w", err)
		}
	}
	s.log().Info("sessions ended", "event", "session_revoke", "user_id", u.ID, "all", id == "", "ip", c.IP)
	return nil
}

// failedLoginsPerAccount is Config.FailedLoginsPerAccount or its default.
func (s *Service) failedLoginsPerAccount() ratelimit.Limit {
	return orLimit(s.Config.FailedLoginsPerAccount, ratelimit.Limit{Max: 5, Window: 5 * time.Minute})
}
