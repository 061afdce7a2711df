package social

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"golang.org/x/oauth2"
)

// tokenPurpose is the key purpose of stored provider tokens.
const tokenPurpose = "social.token"

// sealToken keeps tok in link, sealed and bound to the link's provider and
// uid, when Config.StoreTokens is on; otherwise it keeps nothing.
func (s *Service) sealToken(link *Account, tok *oauth2.Token) error {
	if !s.Config.StoreTokens || tok == nil || tok.AccessToken == "" {
		return nil
	}
	st := storedToken{AccessToken: tok.AccessToken, TokenType: tok.TokenType, RefreshToken: tok.RefreshToken}
	if !tok.Expiry.IsZero() {
		st.Expiry = tok.Expiry.UTC().Format(time.RFC3339)
	}
	plain, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("social: seal token: %w", err)
	}
	link.Token = s.Account.Keys.Seal(tokenPurpose, plain, []byte(link.Provider+"/"+link.UID))
	return nil
}

type storedToken struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Expiry       string `json:"expiry,omitempty"`
}

// ErrNoToken is Token's error for a link without a stored token.
var ErrNoToken = errors.New("social: no token is stored for this link")

// Token returns the provider's tokens stored with link (Config.StoreTokens),
// to call the provider's API on the user's behalf; ErrNoToken when none is.
func (s *Service) Token(link *Account) (*oauth2.Token, error) {
	if len(link.Token) == 0 {
		return nil, ErrNoToken
	}
	plain, err := s.Account.Keys.Open(tokenPurpose, link.Token, []byte(link.Provider+"/"+link.UID))
	if err != nil {
		return nil, fmt.Errorf("social: token: %w", err)
	}
	var st storedToken
	if err := json.Unmarshal(plain, &st); err != nil {
		return nil, fmt.Errorf("social: token: %w", err)
	}
	tok := &oauth2.Token{AccessToken: st.AccessToken, TokenType: st.TokenType, RefreshToken: st.RefreshToken}
	if st.Expiry != "" {
		if err := tok.Expiry.UnmarshalText([]byte(st.Expiry)); err != nil {
			return nil, fmt.Errorf("social: token: %w", err)
		}
	}
	return tok, nil
}
