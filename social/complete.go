package social

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"time"

	"golang.org/x/oauth2"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/flow"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/user"
)

// CallbackInput is a provider's answer at a callback URL.
type CallbackInput struct {
	// Provider and AppID are the callback URL's: /accounts/<provider>/…,
	// or openid_connect and NAME for /accounts/oidc/NAME/…. The state must
	// have begun at the same place (a provider's answer on another's
	// callback is refused: the mix-up defence, SECURITY.md O5).
	Provider string
	AppID    string
	// Browser is the browser token Begin returned (its cookie); "" when
	// the request has none.
	Browser string
	// Params are the callback's query parameters, or its form for a POST
	// (form_post; the Telegram page's re-post of tgAuthResult).
	Params url.Values
	// User and Session are the signed-in user and session, nil when
	// anonymous: a connection or a reauthentication needs the user who
	// began it.
	User    *user.User
	Session *session.Session
}

// Result is what a provider's answer led to. Exactly one of Login,
// SignupToken, Connected and Reauthenticated is set.
type Result struct {
	Process string
	// Provider and AppID name the app the answer came from.
	Provider string
	AppID    string
	// Next is the sanitized next given to Begin ("" when none).
	Next string
	// Login is a login (or a new user's first login, after an automatic
	// signup: SignedUp) to take through the account's stages: NextStage,
	// then CompleteLogin or SaveLogin, as a password login.
	Login    *account.Login
	SignedUp bool
	// SignupToken names a signup waiting on the social signup form
	// (/accounts/3rdparty/signup/): keep it in a cookie until
	// SignupExpires and pass it to PendingSignup and SocialSignup.
	SignupToken   string
	SignupExpires time.Time
	// Connected is the link a connection made (or found: AlreadyConnected).
	Connected        *Account
	AlreadyConnected bool
	// Reauthenticated: the session's authentication time was renewed.
	Reauthenticated bool
	// Account is the link the answer went through, when there is one.
	Account *Account
}

// Complete takes a provider's answer. It finds the flow record from the
// state alone, requires the browser token of the browser that began it,
// takes the record (single use; a replay, an expired or altered state, or
// another browser's is CodeStateInvalid), then: error=access_denied is
// CodeCancelled and any other error parameter CodeProviderError; the code
// is exchanged and the profile read (CodeProviderError, CodeTimeout,
// CodeProviderDown on failure); the Telegram widget's fields are
// verified. What follows depends on the process begun: a login (see
// Result), a connection, or a reauthentication.
func (s *Service) Complete(ctx context.Context, in CallbackInput, c account.Client) (*Result, error) {
	st, err := s.takeState(ctx, in)
	if err != nil {
		return nil, s.refused(ctx, in.Provider, c, err)
	}
	res, err := s.complete(ctx, st, in, c)
	if err != nil {
		return nil, s.refused(ctx, st.Provider, c, err)
	}
	return res, nil
}

// takeState finds, checks and takes the state of a callback.
func (s *Service) takeState(ctx context.Context, in CallbackInput) (*stateData, error) {
	state := in.Params.Get("state")
	if !flow.ValidToken(state) {
		return nil, fail(CodeStateInvalid, "no state")
	}
	id := flow.HashToken(state)
	var st stateData
	if ok, err := s.findFlow(ctx, id, flowKindState, &st, false); err != nil {
		return nil, err
	} else if !ok {
		return nil, fail(CodeStateInvalid, "unknown, expired or used state")
	}
	if !flow.ValidToken(in.Browser) {
		return nil, fail(CodeStateInvalid, "no browser token")
	}
	if subtle.ConstantTimeCompare([]byte(flow.HashToken(in.Browser)), []byte(st.Browser)) != 1 {
		return nil, fail(CodeStateInvalid, "another browser's state")
	}
	if st.Provider != in.Provider || (in.Provider == ProviderIDOIDC || in.AppID != "") && st.AppID != in.AppID {
		return nil, fail(CodeStateInvalid, "the state of another provider's callback")
	}
	if ok, err := s.findFlow(ctx, id, flowKindState, &st, true); err != nil {
		return nil, err
	} else if !ok {
		return nil, fail(CodeStateInvalid, "used state")
	}
	return &st, nil
}

func (s *Service) complete(ctx context.Context, st *stateData, in CallbackInput, c account.Client) (*Result, error) {
	if e := in.Params.Get("error"); e != "" {
		if e == "access_denied" {
			return nil, fail(CodeCancelled, "the user declined")
		}
		return nil, fail(CodeProviderError, "error "+safeToken(e))
	}
	app, p, err := s.App(ctx, st.Provider, st.AppID)
	if err != nil {
		return nil, err
	}
	var prof *Profile
	var tok *oauth2.Token
	if p.Protocol == TelegramWidget {
		prof, err = s.telegramProfile(p, app, st, in.Params)
	} else {
		prof, tok, err = s.profileFromCode(ctx, p, app, st, in.Params)
	}
	if err != nil {
		return nil, err
	}
	if s.Hooks.PreLogin != nil {
		if err := s.Hooks.PreLogin(ctx, p.ID, prof, c); err != nil {
			return nil, err
		}
	}
	a := &answer{st: st, p: p, app: app, prof: prof, tok: tok, key: accountProvider(p, app)}
	if a.link, err = s.linkOf(ctx, a.key, prof.Subject); err != nil {
		return nil, err
	}
	res := &Result{Process: st.Process, Provider: p.ID, AppID: app.AppID, Next: st.Next}
	switch st.Process {
	case ProcessConnect:
		err = s.connect(ctx, a, in, c, res)
	case ProcessReauthenticate:
		err = s.reauthenticate(ctx, a, in, c, res)
	default:
		err = s.login(ctx, a, c, res)
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// answer is a provider's verified answer, on its way to a result.
type answer struct {
	st   *stateData
	p    *Provider
	app  *App
	prof *Profile
	tok  *oauth2.Token
	key  string   // the links' Provider
	link *Account // the existing link of (key, subject), or nil
}

// linkOf returns the link of uid at provider key, or nil.
func (s *Service) linkOf(ctx context.Context, key, uid string) (*Account, error) {
	a, err := s.Store.SocialAccountByUID(ctx, key, uid)
	if errors.Is(err, user.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("social: link: %w", err)
	}
	return a, nil
}

// telegramProfile verifies the widget's fields of a callback.
func (s *Service) telegramProfile(p *Provider, app *App, st *stateData, params url.Values) (*Profile, error) {
	fields, err := telegramFields(params)
	if err != nil {
		return nil, fail(CodeProviderError, "telegram: malformed data")
	}
	maxAge := DefaultTelegramMaxAge
	if v := app.Settings["auth_date_validity"]; v != "" {
		if d, err := time.ParseDuration(v + "s"); err == nil && d > 0 {
			maxAge = d
		}
	}
	raw, err := VerifyTelegram(fields, app.Secret, s.now(), st.StartedAt, maxAge)
	if err != nil {
		if f, ok := err.(*failure); ok {
			return nil, fail(f.code, f.reason)
		}
		return nil, err
	}
	return s.mapProfile(p, app, raw)
}
