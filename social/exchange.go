package social

import (
	"context"
	"encoding/json"
	"net/url"

	"golang.org/x/oauth2"

	"github.com/gatehouse-auth/gatehouse/user"
)

// profileFromCode runs the second half of the authorization code flow:
// the RFC 9207 issuer check, the code exchanged (with the PKCE verifier
// and the callback parameters the provider wants back), the ID token
// verified (OpenID Connect) and the profile read and mapped.
func (s *Service) profileFromCode(ctx context.Context, p *Provider, app *App, st *stateData, params url.Values) (*Profile, *oauth2.Token, error) {
	if iss := params.Get("iss"); iss != "" && st.Issuer != "" && iss != st.Issuer {
		return nil, nil, fail(CodeProviderError, "iss is not the issuer (mix-up)")
	} else if iss == "" && st.IssRequired {
		return nil, nil, fail(CodeProviderError, "iss missing")
	}
	code := params.Get("code")
	if code == "" || len(code) > 4096 {
		return nil, nil, fail(CodeProviderError, "no code")
	}
	cfg, info, err := s.oauthConfig(ctx, p, app, st.RedirectURI)
	if err != nil {
		return nil, nil, err
	}
	if info != nil && info.issuer != st.Issuer {
		return nil, nil, fail(CodeProviderError, "the app's issuer changed")
	}
	var opts []oauth2.AuthCodeOption
	if st.Verifier != "" {
		opts = append(opts, oauth2.VerifierOption(st.Verifier))
	}
	for _, k := range p.CallbackParams {
		if v := params.Get(k); v != "" {
			opts = append(opts, oauth2.SetAuthURLParam(k, v))
		}
	}
	tok, err := cfg.Exchange(oidcClient(ctx, s), code, opts...)
	if err != nil {
		return nil, nil, classify(err, "token")
	}
	var raw json.RawMessage
	if info != nil {
		if raw, err = s.idTokenClaims(ctx, info, app, tok, st.Nonce); err != nil {
			return nil, nil, err
		}
		if p.UserInfo && info.userinfo != "" {
			c := &Call{App: app, Token: tok, client: s.httpClient()}
			ui, err := c.Get(ctx, info.userinfo, "Bearer")
			if err != nil {
				return nil, nil, classify(err, "userinfo")
			}
			if raw, err = mergeUserInfo(raw, ui); err != nil {
				return nil, nil, err
			}
		}
	} else {
		c := &Call{App: app, Token: tok, client: s.httpClient()}
		if c.ProfileURL, err = s.endpoint(app, "profile_url", p.ProfileURL); err != nil {
			return nil, nil, err
		}
		if c.EmailURL, err = s.endpoint(app, "email_url", p.EmailURL); err != nil {
			return nil, nil, err
		}
		if raw, err = p.Fetch(ctx, c); err != nil {
			return nil, nil, classify(err, "profile")
		}
	}
	prof, err := s.mapProfile(p, app, raw)
	return prof, tok, err
}

// mapProfile maps raw with p's Map and applies the app's settings: an
// address that is not one is dropped; "verified_email" makes the
// provider's address count as verified (allauth's VERIFIED_EMAIL).
func (s *Service) mapProfile(p *Provider, app *App, raw json.RawMessage) (*Profile, error) {
	prof, err := p.MapProfile(raw)
	if err != nil {
		var f *failure
		if asFailure(err, &f) {
			return nil, fail(f.code, f.reason)
		}
		return nil, fail(CodeProviderError, "profile: not the expected JSON")
	}
	if prof.Email != "" && user.ValidateEmail(prof.Email) != nil {
		prof.Email, prof.EmailVerified = "", false
	}
	if prof.Email != "" && setting(app, "verified_email", false) {
		prof.EmailVerified = true
	}
	return prof, nil
}

func asFailure(err error, f **failure) bool {
	v, ok := err.(*failure)
	if ok {
		*f = v
	}
	return ok
}

// oidcClient returns ctx carrying the outbound client, for x/oauth2 and
// go-oidc.
func oidcClient(ctx context.Context, s *Service) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, s.httpClient())
}
