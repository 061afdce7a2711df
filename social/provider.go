package social

import (
	"context"
	"encoding/json"
	"net/http"

	"golang.org/x/oauth2"
)

// Protocol is how a provider signs its users in.
type Protocol int

// Protocols.
const (
	// OAuth2 is the authorization code flow (with PKCE where the provider
	// takes it), then a profile read from the provider's API.
	OAuth2 Protocol = iota + 1
	// OIDC is OpenID Connect: the authorization code flow with a nonce and
	// an ID token, endpoints found by discovery at Issuer.
	OIDC
	// TelegramWidget is Telegram's login widget: a redirect back with the
	// user's fields signed with HMAC-SHA256 under SHA-256 of the bot token.
	TelegramWidget
)

// Provider is one identity provider as data: its endpoints, scopes and how
// its profile maps to a Profile. The table (Builtin) lists them; adding one
// is a small file with its Provider and Map, a fixture in testdata/<id>/
// and a line in the table.
type Provider struct {
	// ID is the provider's id in URLs and in stored links: "github".
	ID string
	// Name is shown on buttons: "GitHub".
	Name     string
	Protocol Protocol

	// AuthURL and TokenURL are the OAuth 2.0 endpoints (for OIDC, found by
	// discovery; for the Telegram widget, AuthURL is its page).
	AuthURL  string
	TokenURL string
	// AuthStyle is how the client authenticates at TokenURL.
	AuthStyle oauth2.AuthStyle
	// ProfileURL is the API that describes the user (OAuth2; for OIDC the
	// userinfo endpoint, when UserInfo).
	ProfileURL string
	// EmailURL is a second API for the user's addresses (GitHub's
	// /user/emails), "" for none.
	EmailURL string
	// Issuer is an OpenID Connect provider's issuer; App.ServerURL
	// replaces it (the generic provider has none of its own).
	Issuer string
	// UserInfo asks an OpenID Connect provider's userinfo endpoint too,
	// its claims filling what the ID token lacks.
	UserInfo bool

	// Scopes are the default scopes; App.Scopes adds to them.
	Scopes []string
	// PKCE sends an S256 code challenge. For OIDC it is also sent when
	// discovery lists S256.
	PKCE bool
	// AuthParams are extra parameters of the authorization request.
	AuthParams map[string]string
	// CallbackParams are parameters of the callback passed on to the token
	// request (VK ID's device_id).
	CallbackParams []string

	// Fetch reads the raw profile after the token exchange (OAuth2). nil
	// for OIDC: the raw profile is the ID token's claims (merged with
	// userinfo's when UserInfo).
	Fetch func(ctx context.Context, c *Call) (json.RawMessage, error)
	// Map turns a raw profile — what Fetch returned, the claims, or what
	// an Account kept in ExtraData — into a Profile. nil for OIDC means
	// the standard claims (MapOIDC). It must not trust its input: it is
	// fuzzed.
	Map func(raw []byte) (*Profile, error)
}

// Profile is what a provider says of its user, flat.
type Profile struct {
	// Subject is the provider's stable id of the user (OIDC "sub"), the
	// identity: never the email.
	Subject string `json:"subject"`
	Email   string `json:"email,omitempty"`
	// EmailVerified: the provider asserts the address is its user's.
	EmailVerified bool   `json:"email_verified,omitempty"`
	Name          string `json:"name,omitempty"`
	FirstName     string `json:"first_name,omitempty"`
	LastName      string `json:"last_name,omitempty"`
	Username      string `json:"username,omitempty"`
	AvatarURL     string `json:"avatar_url,omitempty"`
	// Raw is the profile as the provider sent it, kept as the Account's
	// ExtraData.
	Raw json.RawMessage `json:"-"`
}

// Call is what a provider's Fetch works with: the app, the token the
// exchange gave, the endpoints (after the app's overrides) and the
// outbound client.
type Call struct {
	App        *App
	Token      *oauth2.Token
	ProfileURL string
	EmailURL   string
	client     *http.Client
	limit      int64
}

// mapper returns p's Map, or MapOIDC for an OpenID Connect provider.
func (p *Provider) mapper() func([]byte) (*Profile, error) {
	if p.Map != nil {
		return p.Map
	}
	return MapOIDC
}

// MapProfile maps a raw profile with p's Map (what an Account's ExtraData
// holds, for a connections page).
func (p *Provider) MapProfile(raw []byte) (*Profile, error) {
	pr, err := p.mapper()(raw)
	if err != nil {
		return nil, err
	}
	pr.Raw = append(json.RawMessage(nil), raw...)
	return pr, nil
}

// Label returns a short name of the linked account for a list: the
// username, else the address, else the name, else the subject.
func (pr *Profile) Label() string {
	for _, s := range []string{pr.Username, pr.Email, pr.Name} {
		if s != "" {
			return s
		}
	}
	return pr.Subject
}
