package social

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/user"
)

// Apps returns the configured apps: Config.Apps, then the store's (their
// secrets opened), an app of the configuration winning over a stored one
// with the same provider and app id. Apps of providers the table does not
// know are left out. The store is read on every call, so an app added or
// removed shows at once.
func (s *Service) Apps(ctx context.Context) ([]*App, error) {
	var out []*App
	seen := map[string]bool{}
	for i := range s.Config.Apps {
		a := s.Config.Apps[i]
		if s.Provider(a.Provider) == nil || seen[a.Provider+"/"+a.AppID] {
			continue
		}
		seen[a.Provider+"/"+a.AppID] = true
		out = append(out, &a)
	}
	stored, err := s.Store.SocialApps(ctx)
	if err != nil {
		return nil, fmt.Errorf("social: apps: %w", err)
	}
	for _, a := range stored {
		if s.Provider(a.Provider) == nil || seen[a.Provider+"/"+a.AppID] {
			continue
		}
		secret, err := OpenSecret(s.Account.Keys, a)
		if err != nil {
			s.log().Warn("social app secret unreadable", "provider", a.Provider, "app_id", a.AppID)
			continue
		}
		a.Secret = secret
		seen[a.Provider+"/"+a.AppID] = true
		out = append(out, a)
	}
	return out, nil
}

// App returns the app of provider and appID with its provider;
// CodeUnknownProvider when none is configured. For providers other than
// the generic OpenID Connect one, appID "" means the provider's first app.
func (s *Service) App(ctx context.Context, provider, appID string) (*App, *Provider, error) {
	p := s.Provider(provider)
	if p == nil || provider == ProviderIDOIDC && appID == "" {
		return nil, nil, fail(CodeUnknownProvider, "unknown provider")
	}
	apps, err := s.Apps(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, a := range apps {
		if a.Provider == provider && (a.AppID == appID || appID == "" && provider != ProviderIDOIDC) {
			return a, p, nil
		}
	}
	return nil, nil, fail(CodeUnknownProvider, "no such app")
}

// Button is one way to log in shown on the login and signup pages.
type Button struct {
	Provider string
	AppID    string
	// Name is the label: the app's Name, else the provider's (a generic
	// OpenID Connect app's id).
	Name string
	// Icon names the provider's icon: its id.
	Icon string
	// LoginPath starts the login (a POST; a GET shows a confirmation).
	LoginPath string
}

// Buttons returns a button per configured app, in the order of Apps.
func (s *Service) Buttons(ctx context.Context) ([]Button, error) {
	apps, err := s.Apps(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Button, 0, len(apps))
	for _, a := range apps {
		p := s.Provider(a.Provider)
		out = append(out, Button{Provider: a.Provider, AppID: a.AppID, Name: appName(p, a), Icon: p.ID, LoginPath: LoginPath(a.Provider, a.AppID)})
	}
	return out, nil
}

// SaveApp checks a and stores it (a new app, or a replacement of the one
// with the same provider and app id), its secret sealed. It refuses an
// unknown provider, an app id that is not a short [A-Za-z0-9_-] name, a
// missing client id, a generic OpenID Connect app without an app id, with
// the id of a built-in provider, or without an issuer that
// Outbound.CheckURL allows, and a Telegram widget without its bot token.
func (s *Service) SaveApp(ctx context.Context, a *App) error {
	if err := s.CheckApp(a); err != nil {
		return err
	}
	stored := *a
	stored.Secret = SealSecret(s.Account.Keys, a)
	if err := s.Store.SaveSocialApp(ctx, &stored); err != nil {
		return fmt.Errorf("social: save app: %w", err)
	}
	a.ID = stored.ID
	return nil
}

// CheckApp reports what SaveApp would refuse in a (CheckConfig checks the
// configuration's apps with it).
func (s *Service) CheckApp(a *App) error {
	p := s.Provider(a.Provider)
	switch {
	case p == nil:
		return fmt.Errorf("social: unknown provider %q", a.Provider)
	case !validAppID(a.AppID):
		return fmt.Errorf("social: app id %q: use up to 64 letters, digits, _ or -", a.AppID)
	case strings.TrimSpace(a.ClientID) == "":
		return fmt.Errorf("social: app %s: a client id is required", a.Provider)
	case p.Protocol == TelegramWidget && a.Secret == "":
		return fmt.Errorf("social: app %s: the secret must be the bot token", a.Provider)
	}
	if p.ID == ProviderIDOIDC {
		switch {
		case a.AppID == "":
			return fmt.Errorf("social: an openid_connect app needs an app id (the NAME of /accounts/oidc/NAME/)")
		case s.Provider(a.AppID) != nil:
			return fmt.Errorf("social: app id %q is a built-in provider's", a.AppID)
		case a.ServerURL == "":
			return fmt.Errorf("social: openid_connect app %s needs a server URL (the issuer)", a.AppID)
		}
	}
	if a.ServerURL != "" {
		if err := s.Config.Outbound.CheckURL(a.ServerURL); err != nil {
			return fmt.Errorf("social: app %s/%s: %w", a.Provider, a.AppID, err)
		}
	}
	return nil
}

// CheckConfig reports the first problem of the configuration: a missing
// part (Account with Users, Flows and Keys; Store), no SiteURL (without
// CallbackURL), or an app of Config.Apps that CheckApp refuses.
// Call it when the configuration is loaded.
func (s *Service) CheckConfig() error {
	switch {
	case s.Account == nil || s.Account.Flows == nil || s.Account.Keys == nil || s.Account.Users == nil:
		return fmt.Errorf("social: the account service needs Users, Flows and Keys")
	case s.Store == nil:
		return fmt.Errorf("social: no store")
	}
	if s.Config.SiteURL == "" && s.Config.CallbackURL == nil {
		return fmt.Errorf("social: the site URL is needed for callback URLs")
	}
	for i := range s.Config.Apps {
		if err := s.CheckApp(&s.Config.Apps[i]); err != nil {
			return err
		}
	}
	return nil
}

// DeleteApp removes a stored app; its links stay (a new app of the same
// provider serves them again). CodeUnknownProvider when there is none.
func (s *Service) DeleteApp(ctx context.Context, provider, appID string) error {
	err := s.Store.DeleteSocialApp(ctx, provider, appID)
	if errors.Is(err, user.ErrNotFound) {
		return &account.Error{Code: CodeUnknownProvider}
	}
	if err != nil {
		return fmt.Errorf("social: delete app: %w", err)
	}
	return nil
}

func validAppID(id string) bool {
	if len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// accountProvider is the Provider of p's links made through app: the
// provider's id, or for the generic OpenID Connect provider the app's id
// (allauth stores those under the app's provider_id; each issuer is its
// own namespace of subjects, SECURITY.md O1).
func accountProvider(p *Provider, app *App) string {
	if p.ID == ProviderIDOIDC {
		return app.AppID
	}
	return p.ID
}

// appName is what app is called on buttons and lists: its Name, else its
// provider's (the app id of a generic OpenID Connect app).
func appName(p *Provider, app *App) string {
	switch {
	case app.Name != "":
		return app.Name
	case p.ID == ProviderIDOIDC:
		return app.AppID
	}
	return p.Name
}
