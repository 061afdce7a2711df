package mfa

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/user"
)

// BeginWebAuthnLogin starts a ceremony in which u proves a key: the
// second factor at a login, or a reauthentication. Only u's keys are
// allowed; user presence is always checked, user verification preferred.
func (s *Service) BeginWebAuthnLogin(ctx context.Context, u *user.User) (*Ceremony, error) {
	w, err := s.webauthnOn()
	if err != nil {
		return nil, err
	}
	_, ds, err := s.keysOf(ctx, u)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, &account.Error{Code: CodeNotActive}
	}
	wu := &waUser{u: u, handle: s.userHandle(u)}
	for _, d := range ds {
		wu.creds = append(wu.creds, d.Credential)
	}
	assertion, sd, err := w.BeginLogin(wu, webauthn.WithUserVerification(protocol.VerificationPreferred))
	if err != nil {
		return nil, fmt.Errorf("mfa: webauthn login: %w", err)
	}
	return s.startCeremony(ctx, &ceremony{Purpose: purposeLogin, UserID: u.ID, Session: *sd}, assertion)
}

// verifyKey checks the answer to ceremony token by one of u's keys, and
// stores the key's new state (sign count, flags, last use). A counter that
// went back (both non-zero) marks the key cloned: refused and logged.
func (s *Service) verifyKey(ctx context.Context, u *user.User, token string, credential []byte, c account.Client) (*webauthnData, error) {
	w, err := s.webauthnOn()
	if err != nil {
		return nil, err
	}
	cer, err := s.takeCeremony(ctx, token, purposeLogin, u.ID)
	if err != nil {
		return nil, s.failed(ctx, u.ID, c, err)
	}
	parsed, err := parseAssertion(credential)
	if err != nil {
		return nil, s.failed(ctx, u.ID, c, err)
	}
	as, ds, err := s.keysOf(ctx, u)
	if err != nil {
		return nil, err
	}
	i := keyIndex(ds, parsed.RawID)
	if i < 0 {
		return nil, s.failed(ctx, u.ID, c, webauthnError(errors.New("a credential that is not the user's")))
	}
	wu := &waUser{u: u, handle: ds[i].UserHandle}
	for _, d := range ds {
		wu.creds = append(wu.creds, d.Credential)
	}
	cred, err := w.ValidateLogin(wu, cer.Session, parsed)
	if err != nil {
		return nil, s.failed(ctx, u.ID, c, errWebAuthn(err))
	}
	return s.keyUsed(ctx, as[i], ds[i], cred, c)
}

// keyUsed stores a key's state after a verified assertion, or refuses a
// cloned one.
func (s *Service) keyUsed(ctx context.Context, a *Authenticator, d *webauthnData, cred *webauthn.Credential, c account.Client) (*webauthnData, error) {
	if cred.Authenticator.CloneWarning {
		s.log().Warn("webauthn signature counter went back", "event", "webauthn_clone_warning", "user_id", a.UserID,
			"authenticator_id", a.ID, "stored", d.Credential.Authenticator.SignCount, "ip", c.IP)
		if !d.Credential.Authenticator.CloneWarning {
			// Keep the mark, so the key stays refused until the user
			// removes it (a later, higher counter does not clear it: the
			// library's validation keeps a stored CloneWarning).
			marked := *d
			marked.Credential.Authenticator.CloneWarning = true
			if data, err := json.Marshal(marked); err == nil {
				if _, err := s.Store.UpdateAuthenticatorData(ctx, a.ID, a.Data, data, time.Time{}); err != nil {
					return nil, fmt.Errorf("mfa: key: %w", err)
				}
			}
		}
		return nil, &account.Error{Code: CodeWebAuthnCloned, Field: "credential"}
	}
	old := a.Data
	d.Credential = *cred
	data, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("mfa: key: %w", err)
	}
	if ok, err := s.Store.UpdateAuthenticatorData(ctx, a.ID, old, data, s.now().UTC()); err != nil {
		return nil, fmt.Errorf("mfa: key: %w", err)
	} else if !ok {
		// Another login with this key got there first: its counter stands.
		if err := s.Store.TouchAuthenticator(ctx, a.ID, s.now().UTC()); err != nil && !errors.Is(err, user.ErrNotFound) {
			return nil, fmt.Errorf("mfa: key: %w", err)
		}
	}
	return d, nil
}

func keyIndex(ds []*webauthnData, id []byte) int {
	for i, d := range ds {
		if bytes.Equal(d.Credential.ID, id) {
			return i
		}
	}
	return -1
}

func parseAssertion(credential []byte) (*protocol.ParsedCredentialAssertionData, error) {
	if len(credential) == 0 || len(credential) > maxCredentialJSON {
		return nil, webauthnError(errors.New("no answer, or too long"))
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(credential)
	if err != nil {
		return nil, errWebAuthn(err)
	}
	return parsed, nil
}

// AuthenticateWebAuthn passes l's second factor with one of the user's
// keys: credential answers the ceremony token (BeginWebAuthnLogin). Like
// a code, an answer counts against l's challenge and the account's
// login_failed lock. The caller saves l.
func (s *Service) AuthenticateWebAuthn(ctx context.Context, l *account.Login, token string, credential []byte, c account.Client) error {
	u := l.User()
	if u == nil || l.Phantom {
		return &account.Error{Code: account.CodeLoginExpired}
	}
	return s.attempt(ctx, l, c, func() (string, bool, error) {
		if _, err := s.verifyKey(ctx, u, token, credential, c); err != nil {
			if account.AsErrors(err) != nil && !account.HasCode(err, CodeWebAuthnCloned) {
				return "", false, nil
			}
			// A cloned key is told as such (counted, its login_failed
			// unit kept), not as a wrong answer.
			return "", false, err
		}
		return TypeWebAuthn, true, nil
	}, "credential", CodeWebAuthnFailed)
}

// ReauthenticateWebAuthn records a reauthentication on sess once one of
// u's keys answers the ceremony token.
func (s *Service) ReauthenticateWebAuthn(ctx context.Context, u *user.User, sess *session.Session, token string, credential []byte, c account.Client) error {
	if _, err := s.Account.RateLimit(ctx, account.LimitReauthenticate, account.Subjects{IP: c.IP, User: u.ID}); err != nil {
		return err
	}
	// As a password's: a wrong answer counts toward the login lock, and
	// while it holds the right one is refused too.
	reserved, err := s.Account.RateLimit(ctx, account.LimitLoginFailed, account.Subjects{IP: c.IP, Key: account.UserLimitKey(u.ID)})
	if err != nil {
		return err
	}
	if _, err := s.verifyKey(ctx, u, token, credential, c); err != nil {
		return err
	}
	if err := reserved.Release(ctx); err != nil {
		return fmt.Errorf("mfa: reauthenticate: %w", err)
	}
	return s.Account.Reauthenticated(ctx, u, sess, TypeWebAuthn, c)
}

// BeginPasskeyLogin starts a login by passkey alone (Config.WebAuthn.
// PasskeyLogin): a discoverable credential, user verification required.
func (s *Service) BeginPasskeyLogin(ctx context.Context) (*Ceremony, error) {
	if !s.Config.WebAuthn.PasskeyLogin {
		return nil, &account.Error{Code: CodeNotActive}
	}
	w, err := s.webauthnOn()
	if err != nil {
		return nil, err
	}
	assertion, sd, err := w.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return nil, fmt.Errorf("mfa: passkey login: %w", err)
	}
	return s.startCeremony(ctx, &ceremony{Purpose: purposePasskey, Session: *sd}, assertion)
}

// PasskeyLogin signs in with a passkey: credential answers the ceremony
// token (BeginPasskeyLogin) with a credential of the user it names, made
// with user verification, which is the whole login — password and second
// factor. It counts against the login limit per IP, and while the
// account's login_failed lock holds it is refused (SECURITY.md L3); an
// inactive account is CodeAccountInactive. The Login it returns has
// passed the second factor (Method "passkey"); the caller continues it
// through any other stage.
func (s *Service) PasskeyLogin(ctx context.Context, token string, credential []byte, c account.Client) (*account.Login, error) {
	if !s.Config.WebAuthn.PasskeyLogin {
		return nil, &account.Error{Code: CodeNotActive}
	}
	if _, err := s.Account.RateLimit(ctx, account.LimitLogin, account.Subjects{IP: c.IP}); err != nil {
		return nil, err
	}
	w, err := s.webauthnOn()
	if err != nil {
		return nil, err
	}
	cer, err := s.takeCeremony(ctx, token, purposePasskey, 0)
	if err != nil {
		return nil, s.failed(ctx, 0, c, err)
	}
	parsed, err := parseAssertion(credential)
	if err != nil {
		return nil, s.failed(ctx, 0, c, err)
	}
	a, err := s.Store.AuthenticatorByCredential(ctx, parsed.RawID)
	if errors.Is(err, user.ErrNotFound) || err == nil && a.Type != TypeWebAuthn {
		return nil, s.failed(ctx, 0, c, webauthnError(errors.New("an unknown credential")))
	}
	if err != nil {
		return nil, fmt.Errorf("mfa: passkey login: %w", err)
	}
	u, err := s.Account.Users.User(ctx, a.UserID)
	if err != nil {
		return nil, fmt.Errorf("mfa: passkey login: %w", err)
	}
	reserved, err := s.Account.RateLimit(ctx, account.LimitLoginFailed, account.Subjects{IP: c.IP, Key: account.UserLimitKey(u.ID)})
	if err != nil {
		return nil, err
	}
	as, ds, err := s.keysOf(ctx, u)
	if err != nil {
		return nil, err
	}
	i := keyIndex(ds, parsed.RawID)
	if i < 0 {
		return nil, s.failed(ctx, u.ID, c, webauthnError(errors.New("the credential left its user")))
	}
	wu := &waUser{u: u, handle: ds[i].UserHandle}
	for _, d := range ds {
		wu.creds = append(wu.creds, d.Credential)
	}
	handler := func(rawID, userHandle []byte) (webauthn.User, error) {
		if !bytes.Equal(rawID, ds[i].Credential.ID) || !bytes.Equal(userHandle, ds[i].UserHandle) {
			return nil, errors.New("the user handle is not the credential's")
		}
		return wu, nil
	}
	cred, err := w.ValidateDiscoverableLogin(handler, cer.Session, parsed)
	if err != nil {
		s.Account.Event(ctx, "login_failed", u.ID, c, "method", "passkey")
		return nil, s.failed(ctx, u.ID, c, errWebAuthn(err))
	}
	if _, err := s.keyUsed(ctx, as[i], ds[i], cred, c); err != nil {
		return nil, err
	}
	if err := reserved.Release(ctx); err != nil {
		return nil, fmt.Errorf("mfa: passkey login: %w", err)
	}
	if !u.IsActive {
		return nil, &account.Error{Code: account.CodeAccountInactive}
	}
	l := s.Account.StartLogin(u, "passkey")
	l.Pass(StageAuthenticate)
	return l, nil
}
