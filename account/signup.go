package account

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/password"
	"github.com/gatehouse-auth/gatehouse/user"
)

// SignupInput is what a signup form submits.
type SignupInput struct {
	Username  string
	Email     string
	Password1 string
	Password2 string
	// Email2 is the address typed again, when the form asks for it.
	Email2 string
	// Language is the pages' language at signup ("en", "ru"), kept for
	// the user's mail.
	Language string
}

// Signup validates the input, creates an active user and returns the login
// it begins: its session starts once CompleteLogin finds no stage pending
// (with mandatory email verification, not before an address is
// confirmed). All field problems are reported at once as Errors.
// Uniqueness of the canonical username and email is the database's: of
// concurrent signups for one name exactly one wins and the others get
// CodeUsernameTaken. Every attempt counts against LimitSignup (per client
// IP), before any check.
//
// Unless verification is "none", a confirmation (a link, or in code mode a
// code kept in the Login) is mailed in the transaction that creates the
// user. With mandatory verification and enumeration prevention on (the
// default), an address another account uses is not reported: the signup
// answers like a fresh one, with a stand-in Login that never completes, and
// the address's owner is mailed that someone tried (at most once per
// confirm_email cooldown).
func (s *Service) Signup(ctx context.Context, in SignupInput, c Client) (*Login, error) {
	if !s.SignupOpen(ctx, c) {
		return nil, &Error{Code: CodeSignupClosed}
	}
	if _, err := s.RateLimit(ctx, LimitSignup, Subjects{IP: c.IP}); err != nil {
		return nil, err
	}
	in.Username = strings.TrimSpace(in.Username)
	in.Email = strings.TrimSpace(in.Email)
	errs, err := s.checkSignup(ctx, &in)
	if err != nil {
		if AsErrors(err) != nil {
			return nil, err
		}
		return nil, fmt.Errorf("account: signup: %w", err)
	}
	taken := false
	if s.hidesTakenEmails() {
		kept := errs[:0]
		for _, e := range errs {
			if e.Code == CodeEmailTaken {
				taken = true
				continue
			}
			kept = append(kept, e)
		}
		errs = kept
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if s.Hooks.BeforeSignup != nil {
		if err := s.Hooks.BeforeSignup(ctx, &in, c); err != nil {
			return nil, err
		}
	}
	encoded, err := s.Passwords.Hash(ctx, in.Password1) // a stand-in costs the same hash
	if err != nil {
		return nil, fmt.Errorf("account: signup: %w", err)
	}
	if taken {
		return s.standInSignup(ctx, in, c)
	}
	now := s.now()
	u := &user.User{
		Username:   in.Username,
		Email:      in.Email,
		Password:   encoded,
		IsActive:   true,
		DateJoined: now.UTC().Truncate(time.Microsecond),
		Language:   in.Language,
	}
	l := s.newLogin(u, "signup")
	mailNow := false
	if u.Email != "" && s.EmailVerificationMode() != EmailVerificationNone {
		if mailNow, err = s.confirmMailDue(ctx, u.Email, c); err != nil {
			return nil, err
		}
	}
	err = s.atomic(ctx, func(tx user.Store, q mail.Queue) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		l.UserID = u.ID
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
		return nil, duplicateToError(err, "account: signup")
	}
	s.event(ctx, "signup", u.ID, c)
	if s.Hooks.OnSignedUp != nil {
		s.Hooks.OnSignedUp(ctx, u, c)
	}
	return l, nil
}

// hidesTakenEmails reports whether signup keeps a taken address secret
// (mandatory verification with enumeration prevention on).
func (s *Service) hidesTakenEmails() bool {
	return s.EmailVerificationMode() == EmailVerificationMandatory && !s.Config.RevealTakenEmails
}

// EmailRequired reports whether signup needs an address:
// Config.EmailRequired, or mandatory verification.
func (s *Service) EmailRequired() bool {
	return s.Config.EmailRequired || s.EmailVerificationMode() == EmailVerificationMandatory
}

// standInSignup answers a signup with a taken address like a fresh one
// (see Signup) and tells the address's owner.
func (s *Service) standInSignup(ctx context.Context, in SignupInput, c Client) (*Login, error) {
	now := s.now().UTC()
	l := &Login{Method: "signup", Email: in.Email, StartedAt: now, MailedAt: now, Phantom: true}
	_, err := s.RateLimit(ctx, LimitConfirmEmail, Subjects{IP: c.IP, Key: user.CanonicalEmail(in.Email)})
	switch {
	case limited(err):
	case err != nil:
		return nil, err
	default:
		owner, err := s.Users.UserByEmail(ctx, in.Email)
		if err != nil && !errors.Is(err, user.ErrNotFound) {
			return nil, fmt.Errorf("account: signup: %w", err)
		}
		if owner != nil {
			if err := s.send(ctx, s.Mail, Notice{Kind: NoticeAccountAlreadyExists, To: s.storedAddress(ctx, owner, in.Email), User: owner}); err != nil {
				return nil, err
			}
		}
	}
	s.log().Info("signup with a taken address", "event", "signup_email_taken", "ip", c.IP)
	return l, nil
}

// checkSignup collects every field problem of a signup, after the site's
// CleanUsername and CleanEmail hooks, by the form's SignupFields; a username
// the form does not ask for is made from the address.
func (s *Service) checkSignup(ctx context.Context, in *SignupInput) (Errors, error) {
	f := s.SignupForm()
	if !f.Password2 {
		in.Password2 = in.Password1
	}
	errs, err := s.checkIdentity(ctx, in, f)
	if err != nil {
		return nil, err
	}
	errs = append(errs, s.checkNewPassword(&user.User{Username: in.Username, Email: in.Email}, in.Password1, in.Password2)...)
	return errs, nil
}

// checkIdentity collects the problems of a signup's username and address
// (after the CleanUsername and CleanEmail hooks) by the form's fields; a
// username the form does not ask for is made from the address.
func (s *Service) checkIdentity(ctx context.Context, in *SignupInput, f SignupFields) (Errors, error) {
	var errs Errors
	if in.Email != "" && s.Hooks.CleanEmail != nil {
		email, err := s.Hooks.CleanEmail(ctx, in.Email)
		if err != nil {
			return nil, err
		}
		in.Email = email
	}
	if f.Email2 && in.Email != "" && user.CanonicalEmail(in.Email) != user.CanonicalEmail(strings.TrimSpace(in.Email2)) {
		errs = append(errs, fieldErr("email2", CodeEmailMismatch, nil))
	}
	if in.Username == "" && !f.UsernameRequired && in.Email != "" && user.ValidateEmail(in.Email) == nil {
		name, err := s.generateUsername(ctx, in.Email)
		if err != nil {
			return nil, err
		}
		in.Username = name
	}
	if in.Username != "" && s.Hooks.CleanUsername != nil {
		name, err := s.Hooks.CleanUsername(ctx, in.Username)
		if err != nil {
			return nil, err
		}
		in.Username = name
	}
	switch {
	case in.Username == "":
		errs = append(errs, fieldErr("username", CodeRequired, nil))
	case user.ValidateUsername(in.Username) != nil:
		errs = append(errs, fieldErr("username", CodeUsernameInvalid, map[string]any{"max": user.MaxUsernameLength}))
	case s.blocked(in.Username):
		errs = append(errs, fieldErr("username", CodeUsernameTaken, nil))
	default:
		if e, err := s.usernameAvailable(ctx, in.Username); err != nil {
			return nil, err
		} else if e != nil {
			errs = append(errs, e)
		}
	}
	switch {
	case in.Email == "" && f.EmailRequired:
		errs = append(errs, fieldErr("email", CodeRequired, nil))
	case in.Email != "" && user.ValidateEmail(in.Email) != nil:
		errs = append(errs, fieldErr("email", CodeEmailInvalid, nil))
	case in.Email != "":
		if _, err := s.Users.UserByEmail(ctx, in.Email); err == nil {
			errs = append(errs, fieldErr("email", CodeEmailTaken, nil))
		} else if !errors.Is(err, user.ErrNotFound) {
			return nil, err
		}
	}
	return errs, nil
}

// PasswordValidators returns the validators new passwords must pass:
// Validators, or password.DefaultValidators() when it is nil.
func (s *Service) PasswordValidators() []password.Validator {
	if s.Validators != nil {
		return s.Validators
	}
	return password.DefaultValidators()
}

func (s *Service) blocked(username string) bool {
	list := s.Config.UsernameBlocklist
	if list == nil {
		list = defaultBlocklist
	}
	key := user.CanonicalUsername(username)
	return slices.ContainsFunc(list, func(b string) bool { return user.CanonicalUsername(b) == key })
}

// usernameAvailable reports a taken or look-alike username. The database's
// unique index is the real guarantee; this gives the common case a clear message.
func (s *Service) usernameAvailable(ctx context.Context, username string) (*Error, error) {
	_, err := s.Users.UserByUsername(ctx, username)
	if err == nil {
		return fieldErr("username", CodeUsernameTaken, nil), nil
	}
	if !errors.Is(err, user.ErrNotFound) {
		return nil, err
	}
	same, err := s.Users.UsersBySkeleton(ctx, user.Skeleton(username))
	if err != nil {
		return nil, err
	}
	key := user.CanonicalUsername(username)
	for _, u := range same {
		if user.CanonicalUsername(u.Username) == key {
			// Created since the first lookup: the same name, not a look-alike.
			return fieldErr("username", CodeUsernameTaken, nil), nil
		}
	}
	if len(same) > 0 {
		return fieldErr("username", CodeUsernameConfusable, nil), nil
	}
	return nil, nil
}

// duplicateToError turns a store DuplicateError into the user-facing error.
func duplicateToError(err error, op string) error {
	var dup *user.DuplicateError
	if errors.As(err, &dup) {
		switch dup.Field {
		case "email":
			return Errors{fieldErr("email", CodeEmailTaken, nil)}
		default:
			return Errors{fieldErr("username", CodeUsernameTaken, nil)}
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}
