package account

import (
	"context"
	"fmt"
	"strings"

	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/password"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/user"
)

// ChangePasswordInput is what the password change form submits.
type ChangePasswordInput struct {
	Old       string
	Password1 string
	Password2 string
}

// ChangePassword checks the current password, validates the new one, stores
// its hash and ends every other session of the user; cur, the session
// asking, stays (nil ends them all). The HTML page then gives cur a new
// token.
//
// Every attempt counts against LimitChangePassword (per user). Checking
// the current password reserves a unit of LimitLoginFailed as a login
// does (per client IP and per the user's login identity), given back when
// it is right: a stolen session cannot guess the password past the login
// lock.
func (s *Service) ChangePassword(ctx context.Context, u *user.User, cur *session.Session, in ChangePasswordInput, c Client) error {
	if _, err := s.RateLimit(ctx, LimitChangePassword, Subjects{IP: c.IP, User: u.ID}); err != nil {
		return err
	}
	var errs Errors
	if in.Old == "" {
		errs = append(errs, fieldErr("oldpassword", CodeRequired, nil))
	} else {
		reserved, err := s.RateLimit(ctx, LimitLoginFailed, Subjects{IP: c.IP, Key: userKey(u.ID)})
		if err != nil {
			return err
		}
		ok := false
		if len(in.Old) <= password.MaxLength {
			if ok, _, err = s.checkPassword(ctx, u, in.Old); err != nil {
				return fmt.Errorf("account: change password: %w", err)
			}
		}
		if !ok {
			errs = append(errs, fieldErr("oldpassword", CodePasswordIncorrect, nil))
		} else if err := reserved.Release(ctx); err != nil {
			return fmt.Errorf("account: change password: %w", err)
		}
	}
	errs = append(errs, s.checkNewPassword(u, in.Password1, in.Password2)...)
	if len(errs) > 0 {
		return errs
	}
	if err := s.storePassword(ctx, u, in.Password1, c, true); err != nil {
		return err
	}
	keep := ""
	if cur != nil {
		keep = cur.ID
	}
	if err := s.Sessions.DeleteUser(ctx, u.ID, keep); err != nil {
		return fmt.Errorf("account: change password: end other sessions: %w", err)
	}
	return nil
}

// SetPassword stores a new password for u without asking for the old one (the
// CLI and password reset use it) and runs OnPasswordChanged.
func (s *Service) SetPassword(ctx context.Context, u *user.User, pw string, c Client) error {
	return s.storePassword(ctx, u, pw, c, false)
}

// storePassword hashes and stores pw as u's password; with notify, a
// "password changed" notice to u's address is queued in the same
// transaction (a change by the user: if it was not them, the mail says how
// to take the account back).
func (s *Service) storePassword(ctx context.Context, u *user.User, pw string, c Client, notify bool) error {
	encoded, err := s.Passwords.Hash(ctx, pw)
	if err != nil {
		return fmt.Errorf("account: set password: %w", err)
	}
	err = s.atomic(ctx, func(tx user.Store, q mail.Queue) error {
		if err := tx.SetPassword(ctx, u.ID, encoded); err != nil {
			return err
		}
		if !notify {
			return nil
		}
		to, err := s.noticeAddress(ctx, tx, u)
		if err != nil || to == "" {
			return err
		}
		return s.send(ctx, q, Notice{Kind: NoticePasswordChanged, To: to, User: u, Lang: mailLang(u, c)})
	})
	if err != nil {
		return fmt.Errorf("account: set password: %w", err)
	}
	u.Password = encoded
	s.event(ctx, "password_changed", u.ID, c)
	if s.Hooks.OnPasswordChanged != nil {
		s.Hooks.OnPasswordChanged(ctx, u, c)
	}
	return nil
}

// ValidateNewPassword runs the configured validators for u, as signup does.
func (s *Service) ValidateNewPassword(u *user.User, pw string) Errors {
	return s.checkNewPassword(u, pw, pw)
}

func (s *Service) checkNewPassword(u *user.User, p1, p2 string) Errors {
	var errs Errors
	if p1 == "" {
		errs = append(errs, fieldErr("password1", CodeRequired, nil))
	} else {
		attrs := password.UserAttrs{Username: u.Username, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName}
		for _, p := range password.Validate(p1, attrs, s.PasswordValidators()...) {
			errs = append(errs, fieldErr("password1", p.Code, p.Params))
		}
		if s.contextWord(p1) {
			errs = append(errs, fieldErr("password1", CodePasswordContext, nil))
		}
	}
	if p2 == "" {
		errs = append(errs, fieldErr("password2", CodeRequired, nil))
	} else if p1 != "" && p1 != p2 {
		errs = append(errs, fieldErr("password2", CodePasswordMismatch, nil))
	}
	return errs
}

// contextWord reports whether pw contains one of the service's context words
// (case and width folded).
func (s *Service) contextWord(pw string) bool {
	folded := user.CanonicalUsername(pw)
	for _, w := range s.Config.ContextWords {
		if len([]rune(w)) >= 4 && strings.Contains(folded, user.CanonicalUsername(w)) {
			return true
		}
	}
	return false
}

// SetFirstPassword gives a user without a usable password (who signed up
// by a provider or by code, or whom an admin set unusable) one: validated
// as any new password, after a recent authentication (a stolen session
// must not be able to add a way in). Other sessions end, as after a change.
func (s *Service) SetFirstPassword(ctx context.Context, u *user.User, cur *session.Session, p1, p2 string, c Client) error {
	if u.HasUsablePassword() {
		return &Error{Code: CodePasswordAlreadySet}
	}
	if cur == nil || !s.RecentlyAuthenticated(cur) {
		return &Error{Code: CodeReauthenticationRequired}
	}
	if _, err := s.RateLimit(ctx, LimitChangePassword, Subjects{IP: c.IP, User: u.ID}); err != nil {
		return err
	}
	if errs := s.checkNewPassword(u, p1, p2); len(errs) > 0 {
		return errs
	}
	if err := s.SetPassword(ctx, u, p1, c); err != nil {
		return err
	}
	if err := s.Sessions.DeleteUser(ctx, u.ID, cur.ID); err != nil {
		return fmt.Errorf("account: set password: end other sessions: %w", err)
	}
	s.event(ctx, "password_set", u.ID, c)
	if s.Hooks.OnPasswordSet != nil {
		s.Hooks.OnPasswordSet(ctx, u, c)
	}
	return nil
}
