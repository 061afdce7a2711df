package social

import "golang.org/x/oauth2"

// TelegramOIDC signs in with Telegram's OpenID Connect login (discovery at
// oauth.telegram.org, authorization code with PKCE; the client id and
// secret come from BotFather). The claims carry no address. Its subject
// is Telegram's OIDC "sub", not the numeric id the widget signs, so the
// two are separate providers.
var TelegramOIDC = &Provider{
	ID:        "telegram_oidc",
	Name:      "Telegram",
	Protocol:  OIDC,
	Issuer:    "https://oauth.telegram.org",
	AuthStyle: oauth2.AuthStyleInHeader,
	Scopes:    []string{"openid", "profile"},
	PKCE:      true,
}
