package account

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gatehouse-auth/gatehouse/user"
)

// SignupFields says which fields the signup form has and which are
// required, from allauth's SIGNUP_FIELDS: a list of "username", "email",
// "email2" (the address twice), "password1" and "password2" (the password
// twice), each required when it ends in "*". password1 is always there and
// required. Without username, one is made from the address.
type SignupFields struct {
	Username, UsernameRequired bool
	Email, EmailRequired       bool
	Email2, Password2          bool
}

// DefaultSignupFields is allauth's default, ["username*", "email",
// "password1*", "password2*"].
var DefaultSignupFields = []string{"username*", "email", "password1*", "password2*"}

// ParseSignupFields reads allauth's SIGNUP_FIELDS list.
func ParseSignupFields(list []string) (SignupFields, error) {
	var f SignupFields
	seen := map[string]bool{}
	for _, raw := range list {
		name := strings.TrimSpace(raw)
		req := strings.HasSuffix(name, "*")
		name = strings.TrimSuffix(name, "*")
		if seen[name] {
			return f, fmt.Errorf("account: signup fields: %q twice", name)
		}
		seen[name] = true
		switch name {
		case "username":
			f.Username, f.UsernameRequired = true, req
		case "email":
			f.Email, f.EmailRequired = true, req
		case "email2":
			f.Email2 = true
		case "password1":
		case "password2":
			f.Password2 = true
		default:
			return f, fmt.Errorf("account: signup fields: unknown field %q (want username, email, email2, password1, password2, each with an optional *)", raw)
		}
	}
	switch {
	case !seen["password1"]:
		return f, fmt.Errorf("account: signup fields: password1* is required (signup without a password is login by code)")
	case !f.Username && !f.Email:
		return f, fmt.Errorf("account: signup fields: username or email must be there")
	case !f.Username && !f.EmailRequired:
		return f, fmt.Errorf("account: signup fields: without username, email* is required (the username is made from it)")
	case f.Email2 && !f.Email:
		return f, fmt.Errorf("account: signup fields: email2 needs email")
	}
	return f, nil
}

// SignupForm returns the signup form's fields: Config.SignupFields (or the
// default) with email required when Config.EmailRequired or verification is
// mandatory. Config.CheckSignupFields reports a list that does not parse.
func (s *Service) SignupForm() SignupFields {
	list := s.Config.SignupFields
	if list == nil {
		list = DefaultSignupFields
	}
	f, err := ParseSignupFields(list)
	if err != nil {
		f, _ = ParseSignupFields(DefaultSignupFields)
	}
	if s.EmailRequired() && f.Email {
		f.EmailRequired = true
	}
	return f
}

// CheckSignupFields reports a SignupFields list that does not parse, or
// that mandatory verification cannot work with (no email field).
func (c Config) CheckSignupFields() error {
	if c.SignupFields == nil {
		return nil
	}
	f, err := ParseSignupFields(c.SignupFields)
	if err != nil {
		return err
	}
	if c.EmailVerification == EmailVerificationMandatory && !f.Email {
		return fmt.Errorf("account: signup fields: mandatory email verification needs the email field")
	}
	return nil
}

// generateUsername makes a free username from an address's local part
// (allauth's generate_unique_username): "ann.lee@example.com" gives
// "ann.lee", then "ann.lee2", "ann.lee3" … as those are taken.
func (s *Service) generateUsername(ctx context.Context, email string) (string, error) {
	local, _, _ := strings.Cut(email, "@")
	return s.FreeUsername(ctx, local)
}

// FreeUsername returns a free username made from base: its characters a
// username may hold, "user" when none is left, then base, base2, base3 …
// until one is neither taken, a look-alike nor blocked (a social signup's
// name from the provider's profile).
func (s *Service) FreeUsername(ctx context.Context, base string) (string, error) {
	base = strings.Map(func(r rune) rune {
		if user.ValidateUsername(string(r)) == nil {
			return r
		}
		return -1
	}, base)
	if base == "" {
		base = "user"
	}
	for len(base) > user.MaxUsernameLength-6 {
		_, size := utf8.DecodeLastRuneInString(base)
		base = base[:len(base)-size]
	}
	for i := 1; i < 1000; i++ {
		name := base
		if i > 1 {
			name += strconv.Itoa(i)
		}
		if s.blocked(name) {
			continue
		}
		e, err := s.usernameAvailable(ctx, name)
		if err != nil {
			return "", err
		}
		if e == nil {
			return name, nil
		}
	}
	return "", fmt.Errorf("account: no free username for %q", base)
}
