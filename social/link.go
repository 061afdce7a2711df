package social

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/user"
)

// connect links the answer's provider account to the signed-in user who
// began the connection. A provider account linked to another user is
// CodeAccountTaken; linked to this one already, it is refreshed
// (AlreadyConnected).
func (s *Service) connect(ctx context.Context, a *answer, in CallbackInput, c account.Client, res *Result) error {
	if in.User == nil || in.User.ID != a.st.UserID {
		return fail(CodeStateInvalid, "the connection was begun by another user")
	}
	u := in.User
	if a.link != nil {
		if a.link.UserID != u.ID {
			return fail(CodeAccountTaken, "linked to another user")
		}
		if err := s.refreshLink(ctx, a.link, a); err != nil {
			return err
		}
		res.Connected, res.Account, res.AlreadyConnected = a.link, a.link, true
		return s.verifyAddress(ctx, u, a.prof, c)
	}
	link, err := s.createLink(ctx, s.Store, u, a)
	if err != nil {
		return err
	}
	s.connected(ctx, u, link, a, c)
	res.Connected, res.Account = link, link
	return s.verifyAddress(ctx, u, a.prof, c)
}

// connected records a new link: the event and the OnConnected hook.
func (s *Service) connected(ctx context.Context, u *user.User, link *Account, a *answer, c account.Client) {
	s.event(ctx, "social_connected", u.ID, a.p.ID, c)
	if s.Hooks.OnConnected != nil {
		s.Hooks.OnConnected(ctx, u, link, c)
	}
}

// reauthenticate renews the signed-in session's authentication when the
// answer's provider account is linked to its user (CodeWrongAccount
// otherwise). It counts against the reauthenticate limit and honours the
// account's lock, as a password would.
func (s *Service) reauthenticate(ctx context.Context, a *answer, in CallbackInput, c account.Client, res *Result) error {
	if in.User == nil || in.Session == nil || in.User.ID != a.st.UserID || in.Session.UserID != in.User.ID {
		return fail(CodeStateInvalid, "the reauthentication was begun by another user")
	}
	if a.link == nil || a.link.UserID != in.User.ID {
		return fail(CodeWrongAccount, "not the user's provider account")
	}
	if _, err := s.Account.RateLimit(ctx, account.LimitReauthenticate, account.Subjects{IP: c.IP, User: in.User.ID}); err != nil {
		return err
	}
	if _, err := s.Account.ExternalLogin(ctx, in.User, account.MethodSocial, c); err != nil {
		return err
	}
	if err := s.refreshLink(ctx, a.link, a); err != nil {
		return err
	}
	in.Session.AuthAt = s.now().UTC().Truncate(time.Microsecond)
	if err := s.Account.Sessions.Save(ctx, *in.Session); err != nil {
		return fmt.Errorf("social: reauthenticate: %w", err)
	}
	res.Reauthenticated, res.Account = true, a.link
	s.event(ctx, "social_reauthenticated", in.User.ID, a.p.ID, c)
	return nil
}

// createLink stores the link of u to the answer's provider account
// through st (a transaction's store during a signup).
func (s *Service) createLink(ctx context.Context, st Store, u *user.User, a *answer) (*Account, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	link := &Account{UserID: u.ID, Provider: a.key, UID: a.prof.Subject, ExtraData: a.prof.Raw,
		DateJoined: now, LastLogin: now}
	if err := s.sealToken(link, a.tok); err != nil {
		return nil, err
	}
	if err := st.CreateSocialAccount(ctx, link); err != nil {
		if errors.Is(err, user.ErrDuplicate) {
			return nil, fail(CodeAccountTaken, "linked meanwhile")
		}
		return nil, fmt.Errorf("social: link: %w", err)
	}
	return link, nil
}

// refreshLink writes the latest profile, login time and tokens to link.
func (s *Service) refreshLink(ctx context.Context, link *Account, a *answer) error {
	link.ExtraData = a.prof.Raw
	link.LastLogin = s.now().UTC().Truncate(time.Microsecond)
	link.Token = nil
	if err := s.sealToken(link, a.tok); err != nil {
		return err
	}
	if err := s.Store.UpdateSocialAccount(ctx, link); err != nil {
		return fmt.Errorf("social: update link: %w", err)
	}
	return nil
}

// Connection is one of a user's links, for the connections page.
type Connection struct {
	Account *Account
	// Provider is the link's provider (nil when the table no longer has
	// it, or the generic app it came through is gone).
	Provider *Provider
	// Name is the provider's (or the generic app's) name.
	Name string
	// Label names the account at the provider (a username, an address).
	Label string
}

// Connections lists the user's links, oldest first.
func (s *Service) Connections(ctx context.Context, u *user.User) ([]Connection, error) {
	links, err := s.Store.SocialAccounts(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("social: connections: %w", err)
	}
	apps, err := s.Apps(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Connection, 0, len(links))
	for _, l := range links {
		c := Connection{Account: l, Name: l.Provider, Label: l.UID}
		if p := s.Provider(l.Provider); p != nil && p.ID != ProviderIDOIDC {
			c.Provider, c.Name = p, p.Name
		} else {
			for _, a := range apps {
				if a.Provider == ProviderIDOIDC && a.AppID == l.Provider {
					c.Provider, c.Name = OpenIDConnect, appName(OpenIDConnect, a)
				}
			}
		}
		if c.Provider != nil {
			if pr, err := c.Provider.MapProfile(l.ExtraData); err == nil {
				c.Label = pr.Label()
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// Disconnect removes the user's link id. It needs a recent authentication
// (CodeReauthenticationRequired) and is refused with CodeLastWayIn when
// the link is the user's last way in: no usable password, no verified
// address with login by code on, and no other link. An id that is not one
// of the user's links is CodeNotConnected.
func (s *Service) Disconnect(ctx context.Context, u *user.User, sess *session.Session, id int64, c account.Client) error {
	if sess == nil || !s.Account.RecentlyAuthenticated(sess) {
		return &account.Error{Code: account.CodeReauthenticationRequired}
	}
	links, err := s.Store.SocialAccounts(ctx, u.ID)
	if err != nil {
		return fmt.Errorf("social: disconnect: %w", err)
	}
	var target *Account
	for _, l := range links {
		if l.ID == id {
			target = l
		}
	}
	if target == nil {
		return &account.Error{Code: CodeNotConnected}
	}
	if len(links) == 1 {
		ok, err := s.otherWayIn(ctx, u)
		if err != nil {
			return err
		}
		if !ok {
			return &account.Error{Code: CodeLastWayIn}
		}
	}
	if err := s.Store.DeleteSocialAccount(ctx, u.ID, id); err != nil {
		if errors.Is(err, user.ErrNotFound) {
			return &account.Error{Code: CodeNotConnected}
		}
		return fmt.Errorf("social: disconnect: %w", err)
	}
	s.event(ctx, "social_disconnected", u.ID, target.Provider, c)
	if s.Hooks.OnDisconnected != nil {
		s.Hooks.OnDisconnected(ctx, u, target, c)
	}
	return nil
}

// otherWayIn reports whether u can log in without a link: a usable
// password, or a verified address with login by code.
func (s *Service) otherWayIn(ctx context.Context, u *user.User) (bool, error) {
	fresh, err := s.userOf(ctx, u.ID)
	if err != nil {
		return false, fmt.Errorf("social: disconnect: %w", err)
	}
	if fresh.HasUsablePassword() {
		return true, nil
	}
	if !s.Account.Config.LoginByCode {
		return false, nil
	}
	es, err := s.Account.Users.Emails(ctx, u.ID)
	if err != nil {
		return false, fmt.Errorf("social: disconnect: %w", err)
	}
	for _, e := range es {
		if e.Verified {
			return true, nil
		}
	}
	return false, nil
}
