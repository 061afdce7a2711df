package social

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// SigningAlgs are the ID token signatures accepted (SECURITY.md O4):
// asymmetric only — never "none", never an HMAC that a public key could
// be used to forge.
var SigningAlgs = []string{oidc.RS256, oidc.RS384, oidc.RS512, oidc.ES256, oidc.ES384, oidc.ES512,
	oidc.PS256, oidc.PS384, oidc.PS512, oidc.EdDSA}

// discoveryTTL is how long a discovery document (and the key set it
// names, cached by go-oidc) is used before it is read again.
const discoveryTTL = time.Hour

// oidcInfo is what discovery says of an issuer.
type oidcInfo struct {
	provider *oidc.Provider
	issuer   string
	userinfo string
	algs     []string
	s256     bool // code_challenge_methods_supported lists S256
	issParam bool // authorization_response_iss_parameter_supported (RFC 9207)
	read     time.Time
}

type discoveryCache struct {
	mu sync.Mutex
	m  map[string]*oidcInfo
}

// discover returns issuer's discovery, cached for discoveryTTL. The
// issuer and every endpoint it names must pass Outbound.CheckURL, and
// every call goes through the outbound client (no private addresses).
func (s *Service) discover(ctx context.Context, issuer string) (*oidcInfo, error) {
	c := &s.discovery
	c.mu.Lock()
	info := c.m[issuer]
	c.mu.Unlock()
	if info != nil && s.now().Sub(info.read) < discoveryTTL {
		return info, nil
	}
	if err := s.Config.Outbound.CheckURL(issuer); err != nil {
		return nil, classify(err, "discovery")
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, s.httpClient()), issuer)
	if err != nil {
		return nil, classify(err, "discovery")
	}
	var meta struct {
		JWKS      string   `json:"jwks_uri"`
		UserInfo  string   `json:"userinfo_endpoint"`
		Algs      []string `json:"id_token_signing_alg_values_supported"`
		Challenge []string `json:"code_challenge_methods_supported"`
		IssParam  bool     `json:"authorization_response_iss_parameter_supported"`
	}
	if err := p.Claims(&meta); err != nil {
		return nil, classify(err, "discovery")
	}
	ep := p.Endpoint()
	for _, u := range []string{ep.AuthURL, ep.TokenURL, meta.JWKS, meta.UserInfo} {
		if u == "" {
			continue
		}
		if err := s.Config.Outbound.CheckURL(u); err != nil {
			return nil, classify(err, "discovery")
		}
	}
	info = &oidcInfo{provider: p, issuer: issuer, userinfo: meta.UserInfo, s256: slices.Contains(meta.Challenge, "S256"),
		issParam: meta.IssParam, read: s.now()}
	for _, a := range meta.Algs {
		if slices.Contains(SigningAlgs, a) {
			info.algs = append(info.algs, a)
		}
	}
	if len(info.algs) == 0 {
		info.algs = []string{oidc.RS256} // the discovery default (OpenID Connect Discovery §3)
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]*oidcInfo{}
	}
	c.m[issuer] = info
	c.mu.Unlock()
	return info, nil
}

// oauthConfig returns the OAuth 2.0 client of app, and for an OpenID
// Connect provider its discovery.
func (s *Service) oauthConfig(ctx context.Context, p *Provider, app *App, redirect string) (*oauth2.Config, *oidcInfo, error) {
	cfg := &oauth2.Config{ClientID: app.ClientID, ClientSecret: app.Secret, RedirectURL: redirect,
		Scopes: append(slices.Clone(p.Scopes), app.Scopes...)}
	cfg.Endpoint.AuthStyle = p.AuthStyle
	var info *oidcInfo
	authURL, tokenURL := p.AuthURL, p.TokenURL
	if p.Protocol == OIDC {
		issuer := p.Issuer
		if app.ServerURL != "" {
			issuer = app.ServerURL
		}
		if issuer == "" {
			return nil, nil, fail(CodeUnknownProvider, "no issuer")
		}
		var err error
		if info, err = s.discover(ctx, issuer); err != nil {
			return nil, nil, err
		}
		ep := info.provider.Endpoint()
		authURL, tokenURL = ep.AuthURL, ep.TokenURL
	}
	var err error
	if cfg.Endpoint.AuthURL, err = s.endpoint(app, "auth_url", authURL); err != nil {
		return nil, nil, err
	}
	if cfg.Endpoint.TokenURL, err = s.endpoint(app, "token_url", tokenURL); err != nil {
		return nil, nil, err
	}
	return cfg, info, nil
}

// idTokenClaims verifies the ID token of an exchange and returns its
// claims: the signature from the issuer's key set with an allowed
// algorithm, iss exactly the issuer, aud holding the client id (and azp,
// when there are several audiences or azp is sent, the client id), exp
// not passed, iat not in the future, the nonce ours (compared in constant
// time), at_hash matching the access token when sent.
func (s *Service) idTokenClaims(ctx context.Context, info *oidcInfo, app *App, tok *oauth2.Token, nonce string) (json.RawMessage, error) {
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, fail(CodeProviderError, "no id_token")
	}
	v := info.provider.Verifier(&oidc.Config{ClientID: app.ClientID, SupportedSigningAlgs: info.algs, Now: s.now})
	idt, err := v.Verify(oidc.ClientContext(ctx, s.httpClient()), raw)
	if err != nil {
		return nil, classify(err, "id_token")
	}
	var extra struct {
		AZP string `json:"azp"`
	}
	if err := idt.Claims(&extra); err != nil {
		return nil, classify(err, "id_token")
	}
	switch {
	case nonce == "" || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1:
		return nil, fail(CodeProviderError, "id_token: nonce mismatch")
	case (len(idt.Audience) > 1 || extra.AZP != "") && extra.AZP != app.ClientID:
		return nil, fail(CodeProviderError, "id_token: azp is not the client")
	case idt.IssuedAt.After(s.now().Add(5 * time.Minute)):
		return nil, fail(CodeProviderError, "id_token: issued in the future")
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return nil, fail(CodeProviderError, "id_token: at_hash mismatch")
		}
	}
	var claims json.RawMessage
	if err := idt.Claims(&claims); err != nil {
		return nil, classify(err, "id_token")
	}
	return claims, nil
}

// mergeUserInfo adds the claims of the userinfo endpoint that the ID
// token lacks. The subjects must match; an address from the ID token
// keeps its own email_verified (absent there, it is unverified).
func mergeUserInfo(idClaims, info json.RawMessage) (json.RawMessage, error) {
	var id, ui map[string]json.RawMessage
	if err := json.Unmarshal(idClaims, &id); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(info, &ui); err != nil {
		return nil, fail(CodeProviderError, "userinfo: not an object")
	}
	var a, b flexID
	_ = json.Unmarshal(id["sub"], &a)
	if err := json.Unmarshal(ui["sub"], &b); err != nil || a != b {
		return nil, fail(CodeProviderError, "userinfo: another subject")
	}
	_, hasEmail := id["email"]
	for k, v := range ui {
		if _, ok := id[k]; ok || (k == "email_verified" && hasEmail) {
			continue
		}
		id[k] = v
	}
	return json.Marshal(id)
}
