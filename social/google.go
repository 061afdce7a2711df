package social

import "golang.org/x/oauth2"

// Google signs in with a Google account: OpenID Connect (discovery at
// accounts.google.com) with PKCE; the profile is the ID token's claims,
// email_verified included.
var Google = &Provider{
	ID:        "google",
	Name:      "Google",
	Protocol:  OIDC,
	Issuer:    "https://accounts.google.com",
	AuthStyle: oauth2.AuthStyleInParams,
	Scopes:    []string{"openid", "email", "profile"},
	PKCE:      true,
}
