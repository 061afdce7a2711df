package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse-auth/gatehouse/password"
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
// ReauthenticationTimeout. Every attempt counts against
// LimitReauthenticate (per user); the password check reserves a unit of
// LimitLoginFailed per client IP and per the user's login identity, as a
// login does, so a wrong password counts toward the login lock and
// reauthentication cannot guess past it (CodeTooManyAttempts while it
// holds, the right password included). A wrong password answers
// CodePasswordIncorrect on field "password"; the right one gives its
// reservation back.
func (s *Service) Reauthenticate(ctx context.Context, u *user.User, sess *session.Session, pw string, c Client) error {
	if pw == "" {
		return fieldErr("password", CodeRequired, nil)
	}
	if _, err := s.RateLimit(ctx, LimitReauthenticate, Subjects{IP: c.IP, User: u.ID}); err != nil {
		return err
	}
	reserved, err := s.RateLimit(ctx, LimitLoginFailed, Subjects{IP: c.IP, Key: userKey(u.ID)})
	if err != nil {
		return err
	}
	ok := false
	if len(pw) <= password.MaxLength {
		if ok, _, err = s.checkPassword(ctx, u, pw); err != nil {
			return fmt.Errorf("account: reauthenticate: %w", err)
		}
	}
	if !ok {
		s.log().Info("reauthentication refused", "event", "reauthenticate_failed", "user_id", u.ID, "ip", c.IP)
		return fieldErr("password", CodePasswordIncorrect, nil)
	}
	if err := reserved.Release(ctx); err != nil {
		return fmt.Errorf("account: reauthenticate: %w", err)
	}
	sess.AuthAt = s.now().UTC().Truncate(time.Microsecond)
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

// Reauthenticated records on sess that its user proved who they are again
// by a factor checked elsewhere (a second factor, a provider), so
// sensitive actions are allowed for ReauthenticationTimeout; method names
// the factor in the log.
func (s *Service) Reauthenticated(ctx context.Context, u *user.User, sess *session.Session, method string, c Client) error {
	sess.AuthAt = s.now().UTC().Truncate(time.Microsecond)
	if err := s.Sessions.Save(ctx, *sess); err != nil {
		return fmt.Errorf("account: reauthenticate: %w", err)
	}
	s.log().Info("reauthenticated", "event", "reauthenticated", "method", method, "user_id", u.ID, "ip", c.IP)
	return nil
}
