package account

import (
	"context"
	"strings"

	"github.com/gatehouse-auth/gatehouse/user"
)

// SignupWithoutPassword creates an active user who has no password — a
// signup with a passkey (allauth's MFA_PASSKEY_SIGNUP_ENABLED) — and
// returns the login it begins, with Method method. The address is
// required and unverified: the login waits at the email stage until it is
// confirmed, as any signup's with mandatory verification does. Without a
// username field one is made from the address. Closed signup, LimitSignup,
// the hooks and the field checks apply as to ExternalSignup; with
// mandatory verification and enumeration prevention a taken address gets
// Signup's stand-in (its owner is mailed), so the answer does not say
// whether the address has an account.
func (s *Service) SignupWithoutPassword(ctx context.Context, in SignupInput, method string, c Client) (*Login, error) {
	in.Username, in.Email = strings.TrimSpace(in.Username), strings.TrimSpace(in.Email)
	if in.Username == "" && !s.SignupForm().Username && in.Email != "" {
		base, _, _ := strings.Cut(in.Email, "@")
		name, err := s.FreeUsername(ctx, base)
		if err != nil {
			return nil, err
		}
		in.Username = name
	}
	l, err := s.ExternalSignup(ctx, ExternalSignupInput{Username: in.Username, Email: in.Email, Language: in.Language, EmailRequired: true}, c,
		func(context.Context, user.Store, *user.User) error { return nil })
	if err != nil {
		if es := AsErrors(err); s.hidesTakenEmails() && len(es) == 1 && es[0].Code == CodeEmailTaken {
			return s.standInSignup(ctx, in, c)
		}
		return nil, err
	}
	l.Method = method
	return l, nil
}
