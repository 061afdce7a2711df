package account

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/user"
)

// Logins and signups proved by another identity provider (social login):
// the provider vouches for the person, so there is no password to check,
// but every rule of the account still holds — the failed-login lock
// (SECURITY.md L3), an inactive account, closed signup, the signup limits
// and hooks, and the login's stages.

// MethodSocial is the Login.Method of a login through a provider.
const MethodSocial = "social"

// ExternalLogin begins a login of u proved by a provider (method names
// how, MethodSocial). It counts against LimitLogin like any login and is
// refused while the account's failed-login lock holds
// (CodeTooManyAttempts with the time left): a provider does not get past
// a lock a password could not. An inactive account is CodeAccountInactive.
// The answer is a Login, to take through the stages.
func (s *Service) ExternalLogin(ctx context.Context, u *user.User, method string, c Client) (*Login, error) {
	if _, err := s.RateLimit(ctx, LimitLogin, Subjects{IP: c.IP}); err != nil {
		if limited(err) {
			s.failed(ctx, u.Username, CodeTooManyAttempts, c)
		}
		return nil, err
	}
	held, err := s.RateLimit(ctx, LimitLoginFailed, Subjects{IP: c.IP, Key: userKey(u.ID)})
	if err != nil {
		if limited(err) {
			s.failed(ctx, u.Username, CodeTooManyAttempts, c)
		}
		return nil, err
	}
	// Only the lock is checked: the unit counted for it goes back.
	if err := held.Release(ctx); err != nil {
		return nil, fmt.Errorf("account: external login: %w", err)
	}
	if !u.IsActive {
		s.failed(ctx, u.Username, CodeAccountInactive, c)
		return nil, &Error{Code: CodeAccountInactive}
	}
	return s.newLogin(u, method), nil
}

// ExternalSignupInput is a signup proved by a provider: what its profile
// gave or the user typed on the social signup form. There is no password:
// the user gets an unusable one (they may set one later).
type ExternalSignupInput struct {
	Username string
	Email    string
	// EmailVerified stores the address verified: the provider asserts it
	// is its user's, and it counts for the email stage.
	EmailVerified       bool
	FirstName, LastName string
	// Language is the pages' language, kept for the user's mail.
	Language string
	// EmailRequired asks for an address even when Config does not
	// (SOCIALACCOUNT_EMAIL_REQUIRED).
	EmailRequired bool
}

// ExternalSignup creates an active user proved by a provider and returns
// the login it begins, as Signup does: closed signup (CodeSignupClosed),
// LimitSignup, the CleanUsername, CleanEmail and BeforeSignup hooks and
// the field checks all apply (a taken address is CodeEmailTaken on
// "email": a provider's user is shown the form again, not a stand-in).
// link runs in the transaction that creates the user, with the
// transaction's store (sqlstore's is also the social store), so the user
// and their link to the provider exist together or not at all. An address
// the provider did not verify is mailed a confirmation unless verification
// is "none".
func (s *Service) ExternalSignup(ctx context.Context, in ExternalSignupInput, c Client,
	link func(ctx context.Context, tx user.Store, u *user.User) error) (*Login, error) {
	if !s.SignupOpen(ctx, c) {
		return nil, &Error{Code: CodeSignupClosed}
	}
	if _, err := s.RateLimit(ctx, LimitSignup, Subjects{IP: c.IP}); err != nil {
		return nil, err
	}
	si := SignupInput{Username: strings.TrimSpace(in.Username), Email: strings.TrimSpace(in.Email), Language: in.Language}
	f := SignupFields{Username: true, UsernameRequired: true, Email: true, EmailRequired: in.EmailRequired || s.EmailRequired()}
	errs, err := s.checkIdentity(ctx, &si, f)
	if err != nil {
		if AsErrors(err) != nil {
			return nil, err
		}
		return nil, fmt.Errorf("account: external signup: %w", err)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if s.Hooks.BeforeSignup != nil {
		if err := s.Hooks.BeforeSignup(ctx, &si, c); err != nil {
			return nil, err
		}
	}
	// A changed address (CleanEmail) is no longer the one the provider verified.
	verified := in.EmailVerified && si.Email != "" && user.CanonicalEmail(si.Email) == user.CanonicalEmail(in.Email)
	now := s.now()
	u := &user.User{
		Username:   si.Username,
		Email:      si.Email,
		FirstName:  truncate(in.FirstName, 150),
		LastName:   truncate(in.LastName, 150),
		Password:   s.Passwords.Unusable(),
		IsActive:   true,
		DateJoined: now.UTC().Truncate(time.Microsecond),
		Language:   si.Language,
	}
	l := s.newLogin(u, "signup")
	mailNow := false
	if u.Email != "" && !verified && s.EmailVerificationMode() != EmailVerificationNone {
		if mailNow, err = s.confirmMailDue(ctx, u.Email, c); err != nil {
			return nil, err
		}
	}
	err = s.atomic(ctx, func(tx user.Store, q mail.Queue) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		l.UserID = u.ID
		if verified {
			if err := tx.VerifyEmail(ctx, u.ID, u.Email); err != nil {
				return err
			}
		}
		if err := link(ctx, tx, u); err != nil {
			return err
		}
		if !mailNow {
			return nil
		}
		l.MailedAt = now.UTC()
		return s.mailConfirmation(ctx, tx, q, l, u, u.Email)
	})
	if err != nil {
		if AsErrors(err) != nil {
			return nil, err
		}
		return nil, duplicateToError(err, "account: external signup")
	}
	s.event(ctx, "signup", u.ID, c, "method", MethodSocial)
	if s.Hooks.OnSignedUp != nil {
		s.Hooks.OnSignedUp(ctx, u, c)
	}
	return l, nil
}

// MarkEmailVerified marks one of the user's addresses verified, as a
// confirmation does (the email_confirmed event and hook): a provider
// asserted it.
func (s *Service) MarkEmailVerified(ctx context.Context, userID int64, email string, c Client) error {
	return s.markVerified(ctx, userID, email, c)
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	for i := n; i > 0; i-- {
		if s[i]&0xC0 != 0x80 {
			return s[:i]
		}
	}
	return ""
}
