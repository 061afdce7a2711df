package social

import (
	"context"
	"crypto/rand"
	"net/url"
	"time"

	"golang.org/x/oauth2"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/flow"
	"github.com/gatehouse-auth/gatehouse/internal/safenext"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/user"
)

// The state of a login at a provider (SECURITY.md O3, O5).
//
// Begin makes two random 256-bit values. The state goes to the provider
// and comes back on the callback; the flow record is stored under its
// SHA-256, so the callback finds it from the state alone, whatever the
// response mode (a query, a fragment the page re-posts, a form_post). The
// browser token is the caller's to keep in a cookie (HttpOnly, Path
// /accounts/); the record holds its SHA-256, and Complete requires it: a
// state is accepted only with the browser token of the browser that began
// it, so a callback URL sent to someone else (login CSRF, or an attacker's
// account connected to a victim's) fails. A browser keeps one token across
// its flows (pass it back to Begin), so logins begun in two tabs both
// complete. The record is taken (single use) only once the binding holds,
// so a callback arriving without the cookie does not burn the state.
//
// A provider that answers with a cross-site POST (response_mode=form_post)
// brings no SameSite=Lax cookie; for such a provider the cookie must be
// SameSite=None; Secure. That is safe: the cookie only binds a state to a
// browser, it authorizes nothing, and an attacker's page cannot know a
// victim's state. None of the built-in providers answers with form_post.

// stateData is the flow record of a login at a provider.
type stateData struct {
	Browser     string    `json:"b"` // hex SHA-256 of the browser token
	Provider    string    `json:"p"`
	AppID       string    `json:"a,omitempty"`
	Process     string    `json:"x"`
	Next        string    `json:"n,omitempty"`
	Remember    bool      `json:"r,omitempty"`
	UserID      int64     `json:"u,omitempty"`
	Verifier    string    `json:"v,omitempty"`
	Nonce       string    `json:"o,omitempty"`
	RedirectURI string    `json:"ru"`
	Issuer      string    `json:"i,omitempty"`  // the issuer discovery gave (RFC 9207)
	IssRequired bool      `json:"ir,omitempty"` // the issuer sends iss on every answer
	StartedAt   time.Time `json:"t"`
}

// BeginInput is a request to log in (or connect, or reauthenticate) with
// a provider's app.
type BeginInput struct {
	Provider string
	// AppID picks the app: the NAME of /accounts/oidc/NAME/ for the
	// generic OpenID Connect provider, the app query parameter otherwise
	// ("" for the provider's first app).
	AppID string
	// Process is ProcessLogin (""), ProcessConnect or
	// ProcessReauthenticate.
	Process string
	// Next is where to land afterwards; anything but a local path is
	// dropped (SECURITY.md C3).
	Next string
	// Remember keeps the session past the browser's ("Remember me").
	Remember bool
	// Browser is the browser token an earlier Begin returned (its
	// cookie), "" for none.
	Browser string
	// User and Session are the signed-in user and their session:
	// required to connect (with a recent authentication) and to
	// reauthenticate.
	User    *user.User
	Session *session.Session
}

// Start is where Begin sends the browser.
type Start struct {
	// URL is the provider's authorization page: redirect there (303).
	URL string
	// Browser is the browser token: keep it in a cookie until Expires.
	Browser string
	Expires time.Time
}

// Begin starts a login at a provider: it keeps the state, the PKCE
// verifier, the nonce, next and the process in a flow record for
// Config.StateTimeout and returns the provider's URL. A login's start
// counts against the account's login limit (per client IP). Connecting needs a
// signed-in user who authenticated recently
// (CodeReauthenticationRequired); an unknown app is CodeUnknownProvider;
// an OpenID Connect provider whose discovery fails is CodeProviderDown,
// CodeTimeout or CodeProviderError.
func (s *Service) Begin(ctx context.Context, in BeginInput, c account.Client) (*Start, error) {
	process := in.Process
	if process == "" {
		process = ProcessLogin
	}
	switch process {
	case ProcessLogin:
		// Each start keeps a record: starts count as login attempts.
		if _, err := s.Account.RateLimit(ctx, account.LimitLogin, account.Subjects{IP: c.IP}); err != nil {
			return nil, err
		}
	case ProcessConnect, ProcessReauthenticate:
		if in.User == nil || in.Session == nil || in.Session.UserID != in.User.ID {
			return nil, &account.Error{Code: account.CodeLoginExpired}
		}
		if process == ProcessConnect && !s.Account.RecentlyAuthenticated(in.Session) {
			return nil, &account.Error{Code: account.CodeReauthenticationRequired}
		}
	default:
		return nil, fail(CodeStateInvalid, "unknown process")
	}
	app, p, err := s.App(ctx, in.Provider, in.AppID)
	if err != nil {
		return nil, err
	}
	browser := in.Browser
	if !flow.ValidToken(browser) {
		browser, _ = flow.NewToken()
	}
	state, id := flow.NewToken()
	now := s.now()
	st := &stateData{Browser: flow.HashToken(browser), Provider: p.ID, AppID: app.AppID, Process: process,
		Next: safenext.Clean(in.Next), Remember: in.Remember, RedirectURI: s.callbackURL(app), StartedAt: now.UTC()}
	if in.User != nil && process != ProcessLogin {
		st.UserID = in.User.ID
	}
	var target string
	if p.Protocol == TelegramWidget {
		target, err = s.telegramURL(p, app, st, state)
	} else {
		target, err = s.authCodeURL(ctx, p, app, st, state)
	}
	if err != nil {
		return nil, s.refused(ctx, p.ID, c, err)
	}
	expires := now.Add(s.stateTimeout())
	if err := s.saveFlow(ctx, id, flowKindState, st, expires); err != nil {
		return nil, err
	}
	return &Start{URL: target, Browser: browser, Expires: expires}, nil
}

// authCodeURL fills st (PKCE, nonce, issuer) and returns the
// authorization URL of an OAuth 2.0 or OpenID Connect app.
func (s *Service) authCodeURL(ctx context.Context, p *Provider, app *App, st *stateData, state string) (string, error) {
	cfg, op, err := s.oauthConfig(ctx, p, app, st.RedirectURI)
	if err != nil {
		return "", err
	}
	var opts []oauth2.AuthCodeOption
	pkce := p.PKCE
	if op != nil {
		pkce = pkce || op.s256
		st.Issuer, st.IssRequired = op.issuer, op.issParam
		st.Nonce = rand.Text()
		opts = append(opts, oauth2.SetAuthURLParam("nonce", st.Nonce))
	}
	if setting(app, "pkce", pkce) {
		st.Verifier = oauth2.GenerateVerifier()
		opts = append(opts, oauth2.S256ChallengeOption(st.Verifier))
	}
	for k, v := range p.AuthParams {
		opts = append(opts, oauth2.SetAuthURLParam(k, v))
	}
	return cfg.AuthCodeURL(state, opts...), nil
}

// telegramURL returns the Telegram widget's page: the bot, our origin,
// and the callback (with the state) it returns to.
func (s *Service) telegramURL(p *Provider, app *App, st *stateData, state string) (string, error) {
	auth, err := s.endpoint(app, "auth_url", p.AuthURL)
	if err != nil {
		return "", err
	}
	back, err := url.Parse(st.RedirectURI)
	if err != nil || back.Host == "" {
		return "", fail(CodeProviderError, "bad callback URL")
	}
	q := back.Query()
	q.Set("state", state)
	back.RawQuery = q.Encode()
	u, _ := url.Parse(auth)
	v := url.Values{"bot_id": {app.ClientID}, "origin": {back.Scheme + "://" + back.Host},
		"request_access": {"write"}, "return_to": {back.String()}}
	u.RawQuery = v.Encode()
	return u.String(), nil
}

// endpoint returns the app's override of an endpoint (its setting name:
// auth_url, token_url, profile_url, email_url) or def, checked by
// Outbound.CheckURL.
func (s *Service) endpoint(app *App, name, def string) (string, error) {
	u := def
	if v := app.Settings[name]; v != "" {
		u = v
	}
	if u == "" {
		return "", nil
	}
	if err := s.Config.Outbound.CheckURL(u); err != nil {
		return "", classify(err, name)
	}
	return u, nil
}
