package social

import (
	"context"
	"time"
)

// Account is a user's link to an account at a provider (allauth's
// SocialAccount): the provider's stable id for that person (UID, never the
// email), the profile it last sent (ExtraData, the raw JSON) and dates.
type Account struct {
	ID     int64
	UserID int64
	// Provider is the provider's id ("google", "github" …), or for the
	// generic OpenID Connect provider its app's id (the NAME of
	// /accounts/oidc/NAME/), as allauth stores it: each issuer is its own
	// namespace of UIDs.
	Provider string
	// UID is the provider's user id ("sub" for OpenID Connect).
	UID       string
	ExtraData []byte // the profile as the provider sent it (JSON)
	// Token is the access and refresh token, sealed (keys.Ring.Seal), when
	// tokens are stored (SOCIALACCOUNT_STORE_TOKENS); nil otherwise.
	Token      []byte
	DateJoined time.Time
	LastLogin  time.Time
}

// App is a provider app (allauth's SocialApp): the credentials an operator
// registered at the provider. Several apps of one provider are told apart
// by AppID (allauth's provider_id); an OpenID Connect app's AppID is the
// NAME of /accounts/oidc/NAME/login/.
type App struct {
	ID       int64 // the store's id; 0 for an app of the config file
	Provider string
	AppID    string
	Name     string
	ClientID string
	// Secret is the client secret. In the store it is sealed
	// (keys.Ring.Seal, base64): the Service seals before saving and opens
	// after reading.
	Secret    string
	Key       string
	ServerURL string   // the issuer of an OpenID Connect provider
	Scopes    []string // extra scopes besides the provider's defaults
	// Settings are provider-specific options (allauth's SocialApp.settings).
	Settings map[string]string
}

// Store keeps social accounts and apps. *sqlstore.DB implements it.
// Lookups that find nothing wrap user.ErrNotFound; a (provider, uid) that
// is linked already wraps user.ErrDuplicate.
type Store interface {
	// SocialAccountByUID returns the account linked to uid at provider.
	SocialAccountByUID(ctx context.Context, provider, uid string) (*Account, error)
	// SocialAccounts lists the user's linked accounts, oldest first.
	SocialAccounts(ctx context.Context, userID int64) ([]*Account, error)
	// CreateSocialAccount inserts a and sets a.ID.
	CreateSocialAccount(ctx context.Context, a *Account) error
	// UpdateSocialAccount writes a's ExtraData, Token and LastLogin.
	UpdateSocialAccount(ctx context.Context, a *Account) error
	// DeleteSocialAccount removes the user's account id (ErrNotFound when
	// the user has no such account).
	DeleteSocialAccount(ctx context.Context, userID, id int64) error
	// SocialApps lists the stored apps by provider and app id.
	SocialApps(ctx context.Context) ([]*App, error)
	// SaveSocialApp inserts a, or replaces the app with the same provider
	// and app id, and sets a.ID.
	SaveSocialApp(ctx context.Context, a *App) error
	// DeleteSocialApp removes the app (ErrNotFound when there is none).
	DeleteSocialApp(ctx context.Context, provider, appID string) error
}
