package social

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/user"
)

// Config tunes social login. Its zero value works once SiteURL is set.
type Config struct {
	// SiteURL is the site's origin as browsers and providers see it
	// ("https://example.com"); callback URLs are SiteURL + CallbackPath.
	SiteURL string
	// CallbackURL, when set, returns an app's redirect URI instead.
	CallbackURL func(provider, appID string) string
	// Apps are the apps of the configuration file, secrets in plain; the
	// store's apps are added to them (an app of the file wins over a
	// stored one with the same provider and app id).
	Apps []App
	// NoAutoSignup sends every new provider account to the social signup
	// form (allauth's SOCIALACCOUNT_AUTO_SIGNUP=False). By default a new
	// provider account signs up at once when nothing is missing: a free
	// address (verified or not) or none needed, and a username made from
	// the profile.
	NoAutoSignup bool
	// EmailAuthentication logs a provider's user into the local account
	// holding the address the provider asserts verified (allauth's
	// SOCIALACCOUNT_EMAIL_AUTHENTICATION). Off by default; an app's
	// "email_authentication" setting ("true", "false") overrides it. Never
	// on an address the provider did not verify (SECURITY.md O2).
	EmailAuthentication bool
	// EmailAuthenticationAutoConnect also links the provider account to
	// that local account, so later logins go by the link
	// (SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT).
	EmailAuthenticationAutoConnect bool
	// EmailRequired asks social signups for an address
	// (SOCIALACCOUNT_EMAIL_REQUIRED); the account's own rule (an email
	// field required, or mandatory verification) applies as well.
	EmailRequired bool
	// StoreTokens keeps the provider's access and refresh tokens with the
	// link, sealed under a key derived from the secret key
	// (SOCIALACCOUNT_STORE_TOKENS). Off by default.
	StoreTokens bool
	// StateTimeout bounds a login at the provider, from the start to the
	// callback. The default is 10 minutes.
	StateTimeout time.Duration
	// SignupTimeout bounds the social signup form. The default is the
	// account's login timeout (15 minutes).
	SignupTimeout time.Duration
	// Outbound tunes calls to providers: timeouts, body limits, and the
	// refusal of private addresses (on by default).
	Outbound Outbound
}

// Service runs social login over the account flows: Begin sends the
// browser to a provider, Complete takes its answer to a login (through
// the account's stages), a signup, a new connection or a
// reauthentication; SocialSignup finishes a signup that needed the form;
// Connections and Disconnect manage a user's links. Every field but Hooks
// and Providers is required; Account must have Flows and Keys.
type Service struct {
	// Account runs the flows a social login ends in (users, sessions,
	// flows, keys, limits, hooks, log, clock).
	Account *account.Service
	// Store keeps the links and the stored apps.
	Store  Store
	Config Config
	Hooks  Hooks
	// Providers is the table of known providers; nil is Builtin().
	Providers []*Provider

	clientOnce sync.Once
	client     *http.Client
	discovery  discoveryCache
}

// Processes: what a provider's answer is for.
const (
	// ProcessLogin logs in (or signs up) an anonymous browser.
	ProcessLogin = "login"
	// ProcessConnect links another provider account to the signed-in user.
	ProcessConnect = "connect"
	// ProcessReauthenticate proves the signed-in user again through a
	// provider account already linked to them.
	ProcessReauthenticate = "reauthenticate"
)

const defaultStateTimeout = 10 * time.Minute

func orDuration(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func (s *Service) providers() []*Provider {
	if s.Providers != nil {
		return s.Providers
	}
	return Builtin()
}

// Provider returns the known provider id, or nil.
func (s *Service) Provider(id string) *Provider {
	for _, p := range s.providers() {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// httpClient returns the outbound client (Config.Outbound's), made once.
func (s *Service) httpClient() *http.Client {
	s.clientOnce.Do(func() { s.client = s.Config.Outbound.Client() })
	return s.client
}

func (s *Service) now() time.Time {
	if s.Account.Now != nil {
		return s.Account.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Account.Log != nil {
		return s.Account.Log
	}
	return slog.Default()
}

// event writes the structured log line of a social event (level info,
// "event" its stable name; see Events). Never a token, code, secret or
// state.
func (s *Service) event(ctx context.Context, name string, userID int64, provider string, c account.Client, kv ...any) {
	attrs := append([]any{"event", name, "user_id", userID, "provider", provider, "ip", c.IP}, kv...)
	s.log().Log(ctx, slog.LevelInfo, name, attrs...)
}

// refused logs a social login that failed, with its code and log-safe
// reason, and returns err.
func (s *Service) refused(ctx context.Context, provider string, c account.Client, err error) error {
	code, reason := "", ""
	for _, e := range account.AsErrors(err) {
		code = e.Code
		if f, ok := e.Err.(*failure); ok {
			reason = f.reason
		}
	}
	if code == "" {
		return err
	}
	s.log().Info("social login refused", "event", "social_login_failed", "provider", provider, "code", code,
		"reason", reason, "ip", c.IP)
	return err
}

func (s *Service) stateTimeout() time.Duration {
	return orDuration(s.Config.StateTimeout, defaultStateTimeout)
}

func (s *Service) signupTimeout() time.Duration {
	return orDuration(s.Config.SignupTimeout, 15*time.Minute)
}

// callbackURL returns the redirect URI of app.
func (s *Service) callbackURL(app *App) string {
	if s.Config.CallbackURL != nil {
		return s.Config.CallbackURL(app.Provider, app.AppID)
	}
	return strings.TrimRight(s.Config.SiteURL, "/") + CallbackPath(app.Provider, app.AppID)
}

// emailRequired reports whether a social signup needs an address.
func (s *Service) emailRequired() bool {
	return s.Config.EmailRequired || s.Account.EmailRequired()
}

// setting returns app's setting name as a flag: "true" or "false", else def.
func setting(app *App, name string, def bool) bool {
	switch strings.ToLower(app.Settings[name]) {
	case "true", "1", "yes", "on":
		return true
	case "false", "0", "no", "off":
		return false
	}
	return def
}

// emailAuthentication reports whether app's verified addresses log into
// the local account that holds them.
func (s *Service) emailAuthentication(app *App) bool {
	return setting(app, "email_authentication", s.Config.EmailAuthentication)
}

// userOf returns the user id, or nil when there is none.
func (s *Service) userOf(ctx context.Context, id int64) (*user.User, error) {
	return s.Account.Users.User(ctx, id)
}
