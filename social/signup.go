package social

import (
	"context"
	"encoding/json"
	"time"

	"golang.org/x/oauth2"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/flow"
	"github.com/gatehouse-auth/gatehouse/user"
)

// signupData is a signup waiting on the social signup form.
type signupData struct {
	Provider   string          `json:"p"`
	AppID      string          `json:"a,omitempty"`
	Profile    Profile         `json:"pr"`
	Raw        json.RawMessage `json:"raw"`
	Token      *oauth2.Token   `json:"tok,omitempty"`
	Next       string          `json:"n,omitempty"`
	Remember   bool            `json:"r,omitempty"`
	EmailTaken bool            `json:"et,omitempty"`
	Expires    time.Time       `json:"x"`
}

// PendingSignup is what the social signup form shows.
type PendingSignup struct {
	Provider     string
	AppID        string
	ProviderName string
	// Email is the provider's address to prefill ("" when it gave none,
	// or when it is taken).
	Email         string
	EmailVerified bool
	// EmailTaken: the address the provider verified belongs to an
	// account here — the user may log in to it and connect the provider
	// from there.
	EmailTaken    bool
	EmailRequired bool
	// Username is a suggestion made from the profile.
	Username string
	Name     string
	Next     string
	Expires  time.Time
}

// SignupInput is what the social signup form submits.
type SignupInput struct {
	Username string
	Email    string
	// Language is the pages' language, kept for the user's mail.
	Language string
}

// pendingSignup keeps the answer for the signup form.
func (s *Service) pendingSignup(ctx context.Context, a *answer, emailTaken bool, c account.Client, res *Result) error {
	if !s.Account.SignupOpen(ctx, c) {
		return &account.Error{Code: account.CodeSignupClosed}
	}
	d := signupData{Provider: a.p.ID, AppID: a.app.AppID, Profile: *a.prof, Raw: a.prof.Raw, Next: a.st.Next,
		Remember: a.st.Remember, EmailTaken: emailTaken, Expires: s.now().Add(s.signupTimeout()).UTC()}
	if s.Config.StoreTokens {
		d.Token = a.tok
	}
	token, id := flow.NewToken()
	if err := s.saveFlow(ctx, id, flowKindSignup, &d, d.Expires); err != nil {
		return err
	}
	res.SignupToken, res.SignupExpires = token, d.Expires
	s.event(ctx, "social_signup_pending", 0, a.p.ID, c, "email_taken", emailTaken)
	return nil
}

// loadSignup returns the signup named by token; CodeLoginExpired when
// there is none (expired, finished, or never begun).
func (s *Service) loadSignup(ctx context.Context, token string) (*signupData, error) {
	var d signupData
	if !flow.ValidToken(token) {
		return nil, &account.Error{Code: account.CodeLoginExpired}
	}
	ok, err := s.findFlow(ctx, flow.HashToken(token), flowKindSignup, &d, false)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &account.Error{Code: account.CodeLoginExpired}
	}
	d.Profile.Raw = d.Raw
	return &d, nil
}

// PendingSignup returns what the social signup form named by token shows;
// CodeLoginExpired when there is none.
func (s *Service) PendingSignup(ctx context.Context, token string) (*PendingSignup, error) {
	d, err := s.loadSignup(ctx, token)
	if err != nil {
		return nil, err
	}
	p := s.Provider(d.Provider)
	if p == nil {
		return nil, &account.Error{Code: CodeUnknownProvider}
	}
	name := p.Name
	if app, _, err := s.App(ctx, d.Provider, d.AppID); err == nil {
		name = appName(p, app)
	}
	ps := &PendingSignup{Provider: d.Provider, AppID: d.AppID, ProviderName: name, EmailRequired: s.emailRequired(),
		Name: d.Profile.Name, Next: d.Next, Expires: d.Expires}
	if d.EmailTaken {
		// Only an address the provider verified is said to be taken: its
		// user proved it, so nothing is revealed to a stranger.
		ps.EmailTaken = d.Profile.EmailVerified
	} else {
		ps.Email, ps.EmailVerified = d.Profile.Email, d.Profile.EmailVerified
	}
	if base := usernameBase(&d.Profile); base != "" {
		if free, err := s.Account.FreeUsername(ctx, base); err == nil {
			ps.Username = free
		}
	}
	return ps, nil
}

// SocialSignup finishes a signup waiting on the form named by token with
// what the user typed, and returns the new user's login, to take through
// the stages. Field problems are account.Errors (username, email) and
// leave the form in place; the address the provider verified is stored
// verified, another one is not (it is mailed a confirmation, and the
// email stage applies as for any signup). The form works once: the link
// is unique, so of two submissions one signs up and the other is
// CodeAccountTaken.
func (s *Service) SocialSignup(ctx context.Context, token string, in SignupInput, c account.Client) (*account.Login, error) {
	d, err := s.loadSignup(ctx, token)
	if err != nil {
		return nil, err
	}
	app, p, err := s.App(ctx, d.Provider, d.AppID)
	if err != nil {
		return nil, err
	}
	a := &answer{st: &stateData{Provider: d.Provider, AppID: d.AppID, Next: d.Next, Remember: d.Remember},
		p: p, app: app, prof: &d.Profile, tok: d.Token, key: accountProvider(p, app)}
	l, err := s.signup(ctx, a, in, c)
	if err != nil {
		return nil, err
	}
	if err := s.endFlow(ctx, flow.HashToken(token)); err != nil {
		return nil, err
	}
	return l, nil
}

// signup creates the user of a and their link in one transaction.
func (s *Service) signup(ctx context.Context, a *answer, in SignupInput, c account.Client) (*account.Login, error) {
	verified := a.prof.EmailVerified && in.Email != "" && user.CanonicalEmail(in.Email) == user.CanonicalEmail(a.prof.Email)
	var link *Account
	l, err := s.Account.ExternalSignup(ctx, account.ExternalSignupInput{Username: in.Username, Email: in.Email,
		EmailVerified: verified, FirstName: a.prof.FirstName, LastName: a.prof.LastName, Language: in.Language,
		EmailRequired: s.Config.EmailRequired}, c,
		func(ctx context.Context, tx user.Store, u *user.User) error {
			st, ok := tx.(Store)
			if !ok {
				st = s.Store
			}
			var err error
			link, err = s.createLink(ctx, st, u, a)
			return err
		})
	if err != nil {
		return nil, err
	}
	l.Next, l.Remember = a.st.Next, a.st.Remember
	u := l.User()
	s.event(ctx, "social_signup", u.ID, a.p.ID, c)
	if s.Hooks.OnSignedUp != nil {
		s.Hooks.OnSignedUp(ctx, u, link, c)
	}
	return l, nil
}
