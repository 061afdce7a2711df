package social

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/user"
)

// login decides what an anonymous browser's answer leads to:
//
//   - a linked provider account logs its user in (lock and inactive
//     account honoured);
//   - an address the provider asserts verified that a local account holds:
//     when that account's copy is unverified, its password is voided and
//     its sessions end (a squatter's, SECURITY.md R7); with email
//     authentication on, the provider's user logs into that account
//     (linked with auto-connect); otherwise the signup form says the
//     address is taken;
//   - an address the provider did not verify is never linked or logged
//     into (O2): when taken, the signup form;
//   - otherwise a signup: automatic when signup is open, AutoSignup is on
//     and nothing is missing, else the signup form. Closed signup is
//     CodeSignupClosed.
func (s *Service) login(ctx context.Context, a *answer, c account.Client, res *Result) error {
	if a.link != nil {
		u, err := s.userOf(ctx, a.link.UserID)
		if err != nil {
			return fmt.Errorf("social: login: %w", err)
		}
		return s.loginAs(ctx, a, u, a.link, c, res, "link")
	}
	prof := a.prof
	if prof.Email != "" {
		owner, err := s.Account.Users.UserByEmail(ctx, prof.Email)
		switch {
		case errors.Is(err, user.ErrNotFound):
		case err != nil:
			return fmt.Errorf("social: login: %w", err)
		case !prof.EmailVerified:
			return s.pendingSignup(ctx, a, true, c, res)
		default:
			return s.loginByEmail(ctx, a, owner, c, res)
		}
	}
	if !s.Account.SignupOpen(ctx, c) {
		return &account.Error{Code: account.CodeSignupClosed}
	}
	if s.Config.NoAutoSignup || prof.Email == "" && s.emailRequired() {
		return s.pendingSignup(ctx, a, false, c, res)
	}
	return s.autoSignup(ctx, a, c, res)
}

// loginByEmail handles a verified address that owner's account holds.
func (s *Service) loginByEmail(ctx context.Context, a *answer, owner *user.User, c account.Client, res *Result) error {
	addr, err := s.addressOf(ctx, owner.ID, a.prof.Email)
	if err != nil {
		return err
	}
	if addr == nil || !addr.Verified {
		// (No row at all: a primary address nobody confirmed.)
		if err := s.voidSquatter(ctx, a, owner, c); err != nil {
			return err
		}
	}
	if !s.emailAuthentication(a.app) {
		return s.pendingSignup(ctx, a, true, c, res)
	}
	if err := s.loginAs(ctx, a, owner, nil, c, res, "email"); err != nil {
		return err
	}
	if s.Config.EmailAuthenticationAutoConnect {
		link, err := s.createLink(ctx, s.Store, owner, a)
		if err != nil {
			return err
		}
		s.connected(ctx, owner, link, a, c)
		res.Account = link
	}
	return nil
}

// voidSquatter makes the password of the account holding the provider's
// verified address, unverified there, unusable and ends its sessions:
// whoever typed that address did not prove it, the provider's user did
// (SECURITY.md R7). The owner of the address can set a password again
// with a reset mailed to it.
func (s *Service) voidSquatter(ctx context.Context, a *answer, owner *user.User, c account.Client) error {
	if owner.HasUsablePassword() {
		if err := s.Account.Users.SetPassword(ctx, owner.ID, s.Account.Passwords.Unusable()); err != nil {
			return fmt.Errorf("social: void password: %w", err)
		}
	}
	if err := s.Account.Sessions.DeleteUser(ctx, owner.ID, ""); err != nil {
		return fmt.Errorf("social: void sessions: %w", err)
	}
	s.event(ctx, "social_squatter_voided", owner.ID, a.p.ID, c)
	return nil
}

// loginAs begins the login of u through the provider: the account's lock
// and active flag first, then the link refreshed (profile, last login,
// tokens) and the provider's verified address marked verified when it is
// one of u's.
func (s *Service) loginAs(ctx context.Context, a *answer, u *user.User, link *Account, c account.Client, res *Result, by string) error {
	l, err := s.Account.ExternalLogin(ctx, u, account.MethodSocial, c)
	if err != nil {
		return err
	}
	if link != nil {
		if err := s.refreshLink(ctx, link, a); err != nil {
			return err
		}
		if s.Hooks.OnUpdated != nil {
			s.Hooks.OnUpdated(ctx, u, link, c)
		}
	}
	if err := s.verifyAddress(ctx, u, a.prof, c); err != nil {
		return err
	}
	l.Next, l.Remember = a.st.Next, a.st.Remember
	res.Login, res.Account = l, link
	s.event(ctx, "social_login", u.ID, a.p.ID, c, "by", by)
	return nil
}

// verifyAddress marks the provider's verified address verified when it is
// one of u's: it counts for the email stage.
func (s *Service) verifyAddress(ctx context.Context, u *user.User, prof *Profile, c account.Client) error {
	if !prof.EmailVerified || prof.Email == "" {
		return nil
	}
	addr, err := s.addressOf(ctx, u.ID, prof.Email)
	if err != nil || addr == nil || addr.Verified {
		return err
	}
	if err := s.Account.MarkEmailVerified(ctx, u.ID, addr.Email, c); err != nil && account.AsErrors(err) == nil {
		return err
	}
	return nil
}

// addressOf returns the user's address email (compared canonically), or nil.
func (s *Service) addressOf(ctx context.Context, userID int64, email string) (*user.EmailAddress, error) {
	es, err := s.Account.Users.Emails(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("social: addresses: %w", err)
	}
	key := user.CanonicalEmail(email)
	for _, e := range es {
		if user.CanonicalEmail(e.Email) == key {
			return e, nil
		}
	}
	return nil, nil
}

// autoSignup signs the provider's user up at once, with a username made
// from the profile; a refusal of the form's kind (a hook, a taken name)
// sends them to the signup form instead.
func (s *Service) autoSignup(ctx context.Context, a *answer, c account.Client, res *Result) error {
	name, err := s.Account.FreeUsername(ctx, usernameBase(a.prof))
	if err != nil {
		return err
	}
	l, err := s.signup(ctx, a, SignupInput{Username: name, Email: a.prof.Email, Language: c.Lang}, c)
	if err != nil {
		if es := account.AsErrors(err); es != nil && es[0].Field != "" {
			return s.pendingSignup(ctx, a, false, c, res)
		}
		return err
	}
	res.Login, res.SignedUp = l, true
	return nil
}

// usernameBase is what a username is made from: the provider's username,
// else the address's local part, else the name.
func usernameBase(p *Profile) string {
	if p.Username != "" {
		return p.Username
	}
	if p.Email != "" {
		local, _, _ := strings.Cut(p.Email, "@")
		return local
	}
	if p.Name != "" {
		return p.Name
	}
	return "user"
}
