package social

import (
	"context"
	"encoding/json"

	"golang.org/x/oauth2"
)

// X signs in with an X (Twitter) account: OAuth 2.0 with PKCE (required
// there); X gives no address. Its id is allauth's, twitter_oauth2, so
// callback URLs registered for a Django site keep working.
var X = &Provider{
	ID:         "twitter_oauth2",
	Name:       "X",
	Protocol:   OAuth2,
	AuthURL:    "https://x.com/i/oauth2/authorize",
	TokenURL:   "https://api.x.com/2/oauth2/token",
	AuthStyle:  oauth2.AuthStyleInHeader,
	ProfileURL: "https://api.x.com/2/users/me?user.fields=profile_image_url",
	Scopes:     []string{"users.read", "tweet.read"},
	PKCE:       true,
	Fetch: func(ctx context.Context, c *Call) (json.RawMessage, error) {
		return c.Get(ctx, c.ProfileURL, "Bearer")
	},
	Map: mapX,
}

func mapX(raw []byte) (*Profile, error) {
	var r struct {
		Data struct {
			ID              flexID `json:"id"`
			Name            string `json:"name"`
			Username        string `json:"username"`
			ProfileImageURL string `json:"profile_image_url"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, err
	}
	d := r.Data
	return profileOf(&Profile{Subject: string(d.ID), Name: d.Name, Username: d.Username, AvatarURL: d.ProfileImageURL})
}
