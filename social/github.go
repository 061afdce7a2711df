package social

import (
	"context"
	"encoding/json"

	"golang.org/x/oauth2"
)

// GitHub signs in with a GitHub account: OAuth 2.0 with PKCE; the address
// is the verified primary one of /user/emails (the public "email" of
// /user is not known to be verified).
var GitHub = &Provider{
	ID:         "github",
	Name:       "GitHub",
	Protocol:   OAuth2,
	AuthURL:    "https://github.com/login/oauth/authorize",
	TokenURL:   "https://github.com/login/oauth/access_token",
	AuthStyle:  oauth2.AuthStyleInParams,
	ProfileURL: "https://api.github.com/user",
	EmailURL:   "https://api.github.com/user/emails",
	Scopes:     []string{"read:user", "user:email"},
	PKCE:       true,
	Fetch:      fetchGitHub,
	Map:        mapGitHub,
}

// fetchGitHub reads /user and /user/emails; the raw profile is /user's
// object (allauth's extra_data) with the addresses added as "emails".
func fetchGitHub(ctx context.Context, c *Call) (json.RawMessage, error) {
	raw, err := c.Get(ctx, c.ProfileURL, "Bearer")
	if err != nil {
		return nil, err
	}
	emails, err := c.Get(ctx, c.EmailURL, "Bearer")
	if err != nil {
		return nil, err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, err
	}
	obj["emails"] = emails
	return json.Marshal(obj)
}

func mapGitHub(raw []byte) (*Profile, error) {
	var u struct {
		ID        flexID `json:"id"`
		Login     string `json:"login"`
		Name      string `json:"name"`
		Email     string `json:"email"`
		AvatarURL string `json:"avatar_url"`
		Emails    []struct {
			Email    string `json:"email"`
			Primary  bool   `json:"primary"`
			Verified bool   `json:"verified"`
		} `json:"emails"`
	}
	if err := json.Unmarshal(raw, &u); err != nil {
		return nil, err
	}
	p := &Profile{Subject: string(u.ID), Username: u.Login, Name: u.Name, AvatarURL: u.AvatarURL, Email: u.Email}
	verified := ""
	for _, e := range u.Emails {
		if e.Verified && (verified == "" || e.Primary) {
			verified = e.Email
			if e.Primary {
				break
			}
		}
	}
	if verified != "" {
		p.Email, p.EmailVerified = verified, true
	}
	return profileOf(p)
}
