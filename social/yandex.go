package social

import (
	"context"
	"encoding/json"
	"net/url"

	"golang.org/x/oauth2"
)

// Yandex signs in with a Yandex ID: OAuth 2.0 with PKCE, the profile from
// login.yandex.ru/info. Its address counts as unverified unless the app's
// settings say "verified_email", as allauth's.
var Yandex = &Provider{
	ID:         "yandex",
	Name:       "Yandex",
	Protocol:   OAuth2,
	AuthURL:    "https://oauth.yandex.ru/authorize",
	TokenURL:   "https://oauth.yandex.ru/token",
	AuthStyle:  oauth2.AuthStyleInParams,
	ProfileURL: "https://login.yandex.ru/info?format=json",
	Scopes:     []string{"login:info", "login:email", "login:avatar"},
	PKCE:       true,
	Fetch: func(ctx context.Context, c *Call) (json.RawMessage, error) {
		return c.Get(ctx, c.ProfileURL, "OAuth")
	},
	Map: mapYandex,
}

func mapYandex(raw []byte) (*Profile, error) {
	var u struct {
		ID            flexID `json:"id"`
		Login         string `json:"login"`
		DisplayName   string `json:"display_name"`
		RealName      string `json:"real_name"`
		FirstName     string `json:"first_name"`
		LastName      string `json:"last_name"`
		DefaultEmail  string `json:"default_email"`
		AvatarID      string `json:"default_avatar_id"`
		AvatarIsEmpty bool   `json:"is_avatar_empty"`
	}
	if err := json.Unmarshal(raw, &u); err != nil {
		return nil, err
	}
	p := &Profile{Subject: string(u.ID), Username: u.Login, Name: u.RealName, FirstName: u.FirstName,
		LastName: u.LastName, Email: u.DefaultEmail}
	if p.Name == "" {
		p.Name = u.DisplayName
	}
	if u.AvatarID != "" && !u.AvatarIsEmpty {
		p.AvatarURL = "https://avatars.yandex.net/get-yapic/" + url.PathEscape(u.AvatarID) + "/islands-200"
	}
	return profileOf(p)
}
