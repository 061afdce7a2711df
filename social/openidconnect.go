package social

import (
	"encoding/json"

	"golang.org/x/oauth2"
)

// OpenIDConnect is the generic OpenID Connect provider: any issuer
// (Keycloak, Okta, Authentik, Auth0 …) named by an app's ServerURL becomes
// a provider without code. Each app is its own provider, named by its
// AppID (allauth's /accounts/oidc/NAME/login/), and its links are stored
// under that NAME, as allauth's. PKCE is used when discovery lists S256;
// the userinfo endpoint fills what the ID token lacks.
var OpenIDConnect = &Provider{
	ID:        "openid_connect",
	Name:      "OpenID Connect",
	Protocol:  OIDC,
	AuthStyle: oauth2.AuthStyleInParams,
	Scopes:    []string{"openid", "profile", "email"},
	UserInfo:  true,
}

// MapOIDC maps OpenID Connect's standard claims (sub, email,
// email_verified, name, given_name, family_name, preferred_username,
// picture).
func MapOIDC(raw []byte) (*Profile, error) {
	var c struct {
		Sub           flexID   `json:"sub"`
		Email         string   `json:"email"`
		EmailVerified flexBool `json:"email_verified"`
		Name          string   `json:"name"`
		GivenName     string   `json:"given_name"`
		FamilyName    string   `json:"family_name"`
		Username      string   `json:"preferred_username"`
		Picture       string   `json:"picture"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, err
	}
	return profileOf(&Profile{Subject: string(c.Sub), Email: c.Email, EmailVerified: bool(c.EmailVerified),
		Name: c.Name, FirstName: c.GivenName, LastName: c.FamilyName, Username: c.Username, AvatarURL: c.Picture})
}
