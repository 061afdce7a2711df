package account

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/password"
	"github.com/gatehouse-auth/gatehouse/user"
)

// SignupInput is what a signup form submits.
type SignupInput struct {
	Username  string
	Email     string
	Password1 string
	Password2 string
}

// Signup validates the input, creates an active user and returns it. All field
// problems are reported at once as Errors. Uniqueness of the canonical
// username and email is the database's: of concurrent signups for one name
// exactly one wins and the others get CodeUsernameTaken. Every attempt
// counts against LimitSignup (per client IP), before any check: the
// answers tell whether a username or an address is taken.
func (s *Service) Signup(ctx context.Context, in SignupInput, c Client) (*user.User, error) {
	if s.Config.SignupClosed {
		return nil, &Error{Code: CodeSignupClosed}
	}
	if _, err := s.RateLimit(ctx, LimitSignup, Subjects{IP: c.IP}); err != nil {
		return nil, err
	}
	in.Username = strings.TrimSpace(in.Username)
	in.Email = strings.TrimSpace(in.Email)
	errs, err := s.checkSignup(ctx, &in)
	if err != nil {
		return nil, fmt.Errorf("account: signup: %w", err)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if s.Hooks.BeforeSignup != nil {
		if err := s.Hooks.BeforeSignup(&in, c); err != nil {
			return nil, err
		}
	}
	encoded, err := s.Passwords.Hash(ctx, in.Password1)
	if err != nil {
		return nil, fmt.Errorf("account: signup: %w", err)
	}
	now := s.now()
	u := &user.User{
		Username:   in.Username,
		Email:      in.Email,
		Password:   encoded,
		IsActive:   true,
		DateJoined: now.UTC().Truncate(time.Microsecond),
		// A signup signs the new user in, so it is their first login.
		LastLogin: now.UTC().Truncate(time.Microsecond),
	}
	if err := s.Users.CreateUser(ctx, u); err != nil {
		return nil, duplicateToError(err, "account: signup")
	}
	s.log().Info("signup", "event", "signup", "user_id", u.ID, "ip", c.IP)
	if s.Hooks.AfterSignup != nil {
		s.Hooks.AfterSignup(u, c)
	}
	return u, nil
}

// checkSignup collects every field problem of a signup.
func (s *Service) checkSignup(ctx context.Context, in *SignupInput) (Errors, error) {
	var errs Errors
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
	case in.Email == "" && s.Config.EmailRequired:
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
	errs = append(errs, s.checkNewPassword(&user.User{Username: in.Username, Email: in.Email}, in.Password1, in.Password2)...)
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
