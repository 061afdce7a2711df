package social

import (
	"context"
	"encoding/json"
	"net/url"

	"golang.org/x/oauth2"
)

// VK signs in with VK ID (id.vk.com): OAuth 2.1 with PKCE; the token
// request carries the device_id VK ID adds to the callback. VK does not
// say whether an address is verified: it counts as unverified unless the
// app's settings say "verified_email" (allauth's VERIFIED_EMAIL). The id
// is allauth's, vk: the uid is the same VK user id.
var VK = &Provider{
	ID:             "vk",
	Name:           "VK",
	Protocol:       OAuth2,
	AuthURL:        "https://id.vk.com/authorize",
	TokenURL:       "https://id.vk.com/oauth2/auth",
	AuthStyle:      oauth2.AuthStyleInParams,
	ProfileURL:     "https://id.vk.com/oauth2/user_info",
	Scopes:         []string{"vkid.personal_info", "email"},
	PKCE:           true,
	CallbackParams: []string{"device_id", "state"},
	Fetch: func(ctx context.Context, c *Call) (json.RawMessage, error) {
		return c.PostForm(ctx, c.ProfileURL, url.Values{"client_id": {c.App.ClientID}, "access_token": {c.Token.AccessToken}})
	},
	Map: mapVK,
}

func mapVK(raw []byte) (*Profile, error) {
	var r struct {
		User struct {
			UserID    flexID `json:"user_id"`
			FirstName string `json:"first_name"`
			LastName  string `json:"last_name"`
			Avatar    string `json:"avatar"`
			Email     string `json:"email"`
		} `json:"user"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, err
	}
	u := r.User
	return profileOf(&Profile{Subject: string(u.UserID), FirstName: u.FirstName, LastName: u.LastName, AvatarURL: u.Avatar, Email: u.Email})
}
