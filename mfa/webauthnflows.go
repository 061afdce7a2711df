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
	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/user"
)

// maxCredentialJSON bounds the browser's answer before it is parsed.
const maxCredentialJSON = 64 << 10

// BeginWebAuthnRegistration starts adding a security key (passkey false:
// a second factor, user verification discouraged) or a passkey (true: a
// discoverable credential with user verification, which also signs in on
// its own). u's keys are excluded, so one authenticator holds one
// credential per account.
func (s *Service) BeginWebAuthnRegistration(ctx context.Context, u *user.User, passkey bool) (*Ceremony, error) {
	w, err := s.webauthnOn()
	if err != nil {
		return nil, err
	}
	_, ds, err := s.keysOf(ctx, u)
	if err != nil {
		return nil, err
	}
	wu := &waUser{u: u, handle: s.userHandle(u)}
	var exclude []protocol.CredentialDescriptor
	for _, d := range ds {
		exclude = append(exclude, d.Credential.Descriptor())
	}
	rk, uv := protocol.ResidentKeyRequirementDiscouraged, protocol.VerificationDiscouraged
	if passkey {
		rk, uv = protocol.ResidentKeyRequirementRequired, protocol.VerificationRequired
	}
	creation, sd, err := w.BeginRegistration(wu,
		webauthn.WithExclusions(exclude),
		webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{ResidentKey: rk, RequireResidentKey: protocol.ResidentKeyRequired(),
			UserVerification: uv}),
		webauthn.WithResidentKeyRequirement(rk),
		webauthn.WithExtensions(webauthn.WithExtensionCredProps()))
	if err != nil {
		return nil, fmt.Errorf("mfa: webauthn registration: %w", err)
	}
	if !passkey {
		creation.Response.AuthenticatorSelection.RequireResidentKey = protocol.ResidentKeyNotRequired()
	}
	return s.startCeremony(ctx, &ceremony{Purpose: purposeRegister, UserID: u.ID, Passkey: passkey, Session: *sd}, creation)
}

// webauthnOn returns the relying party when WebAuthn is a supported type.
func (s *Service) webauthnOn() (*webauthn.WebAuthn, error) {
	if !s.Supports(TypeWebAuthn) {
		return nil, &account.Error{Code: CodeNotActive}
	}
	return s.rp()
}

// AddWebAuthn finishes adding a key: credential is the browser's answer
// (PublicKeyCredential as JSON) to the ceremony named by token, name what
// the user calls the key. Like an authenticator app it needs a recent
// authentication and every address verified, makes recovery codes when u
// has none (returned, shown once) and mails the user. An answer that does
// not check out is CodeWebAuthnFailed; a credential already stored
// (anyone's) is refused.
func (s *Service) AddWebAuthn(ctx context.Context, u *user.User, sess *session.Session, token, name string, credential []byte, c account.Client) ([]string, error) {
	if sess == nil || !s.Account.RecentlyAuthenticated(sess) {
		return nil, &account.Error{Code: account.CodeReauthenticationRequired}
	}
	return s.addWebAuthn(ctx, u, token, name, credential, c)
}

func (s *Service) addWebAuthn(ctx context.Context, u *user.User, token, name string, credential []byte, c account.Client) ([]string, error) {
	w, err := s.webauthnOn()
	if err != nil {
		return nil, err
	}
	if name, err = cleanKeyName(name); err != nil {
		return nil, err
	}
	if !s.Config.AllowUnverifiedEmail {
		if unverified, err := s.Account.HasUnverifiedEmail(ctx, u.ID); err != nil {
			return nil, fmt.Errorf("mfa: add key: %w", err)
		} else if unverified {
			return nil, &account.Error{Code: CodeUnverifiedEmail}
		}
	}
	cer, err := s.takeCeremony(ctx, token, purposeRegister, u.ID)
	if err != nil {
		return nil, s.failed(ctx, u.ID, c, err)
	}
	if len(credential) == 0 || len(credential) > maxCredentialJSON {
		return nil, s.failed(ctx, u.ID, c, webauthnError(errors.New("no answer, or too long")))
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(credential)
	if err != nil {
		return nil, s.failed(ctx, u.ID, c, errWebAuthn(err))
	}
	handle := s.userHandle(u)
	cred, err := w.CreateCredential(&waUser{u: u, handle: handle}, cer.Session, parsed)
	if err != nil {
		return nil, s.failed(ctx, u.ID, c, errWebAuthn(err))
	}
	d := webauthnData{Name: name, Credential: *cred, UserHandle: handle, Passkey: cer.Passkey && cred.Flags.UserVerified}
	data, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("mfa: add key: %w", err)
	}
	to, err := s.Account.NoticeAddress(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("mfa: add key: %w", err)
	}
	now := s.now().UTC()
	var codes []string
	err = s.tx(ctx, func(st Store, q mail.Queue) error {
		a := &Authenticator{UserID: u.ID, Type: TypeWebAuthn, Data: data, CreatedAt: now, CredentialID: cred.ID}
		if err := st.AddAuthenticator(ctx, a); errors.Is(err, user.ErrDuplicate) {
			return webauthnError(errors.New("the credential is stored already"))
		} else if err != nil {
			return err
		}
		if codes, err = s.ensureRecoveryCodes(ctx, st, u.ID, now); err != nil {
			return err
		}
		return s.Account.Notify(ctx, q, account.Notice{Kind: account.NoticeWebAuthnAdded, To: to, User: u, Factor: name}, c)
	})
	if err != nil {
		if account.AsErrors(err) != nil {
			return nil, err
		}
		return nil, fmt.Errorf("mfa: add key: %w", err)
	}
	s.Account.Event(ctx, "mfa_added", u.ID, c, "type", TypeWebAuthn, "passkey", d.Passkey)
	return codes, nil
}

// ensureRecoveryCodes makes a set of recovery codes for the user when
// recovery codes are supported and the user has none, and returns its
// codes (nil when none were made).
func (s *Service) ensureRecoveryCodes(ctx context.Context, st Store, userID int64, now time.Time) ([]string, error) {
	if !s.Supports(TypeRecoveryCodes) {
		return nil, nil
	}
	as, err := st.Authenticators(ctx, userID)
	if err != nil || hasType(as, TypeRecoveryCodes) {
		return nil, err
	}
	codes, set, err := s.Config.Recovery.New(RecoveryKey(s.Account.Keys))
	if err != nil {
		return nil, err
	}
	return codes, st.AddAuthenticator(ctx, &Authenticator{UserID: userID, Type: TypeRecoveryCodes, Data: RecoveryData(set), CreatedAt: now})
}

// failed logs a failed ceremony (its reason, never the answer) and
// returns err.
func (s *Service) failed(ctx context.Context, userID int64, c account.Client, err error) error {
	var f *webauthnFailure
	if errors.As(err, &f) {
		s.log().Info("webauthn refused", "event", "webauthn_failed", "user_id", userID, "ip", c.IP, "reason", f.reason.Error())
	}
	return err
}

// RenameWebAuthn renames u's key id.
func (s *Service) RenameWebAuthn(ctx context.Context, u *user.User, id int64, name string) error {
	name, err := cleanKeyName(name)
	if err != nil {
		return err
	}
	as, ds, err := s.keysOf(ctx, u)
	if err != nil {
		return err
	}
	for i, a := range as {
		if a.ID != id {
			continue
		}
		ds[i].Name = name
		data, err := json.Marshal(ds[i])
		if err != nil {
			return fmt.Errorf("mfa: rename key: %w", err)
		}
		if ok, err := s.Store.UpdateAuthenticatorData(ctx, a.ID, a.Data, data, time.Time{}); err != nil {
			return fmt.Errorf("mfa: rename key: %w", err)
		} else if !ok {
			return webauthnError(errors.New("the key changed meanwhile"))
		}
		return nil
	}
	return &account.Error{Code: CodeNotActive}
}

// RemoveWebAuthn removes u's key id: it needs a recent authentication,
// ends u's other sessions, mails the user, and with no factor left removes
// the recovery codes too. The last factor of a user required to have one
// is CodeRequired.
func (s *Service) RemoveWebAuthn(ctx context.Context, u *user.User, sess *session.Session, id int64, c account.Client) error {
	if sess == nil || !s.Account.RecentlyAuthenticated(sess) {
		return &account.Error{Code: account.CodeReauthenticationRequired}
	}
	req, err := s.Required(ctx, u)
	if err != nil {
		return err
	}
	to, err := s.Account.NoticeAddress(ctx, u)
	if err != nil {
		return fmt.Errorf("mfa: remove key: %w", err)
	}
	name := ""
	err = s.tx(ctx, func(st Store, q mail.Queue) error {
		as, err := st.Authenticators(ctx, u.ID)
		if err != nil {
			return err
		}
		var key *Authenticator
		var rest []*Authenticator
		for _, a := range as {
			if a.Type == TypeWebAuthn && a.ID == id {
				key = a
			} else {
				rest = append(rest, a)
			}
		}
		if key == nil {
			return &account.Error{Code: CodeNotActive}
		}
		if req && !isFactor(rest) {
			return &account.Error{Code: CodeRequired}
		}
		var d webauthnData
		_ = json.Unmarshal(key.Data, &d)
		name = d.Name
		if err := st.DeleteAuthenticator(ctx, u.ID, key.ID); err != nil {
			return err
		}
		if !isFactor(rest) {
			for _, a := range rest {
				if a.Type == TypeRecoveryCodes {
					if err := st.DeleteAuthenticator(ctx, u.ID, a.ID); err != nil {
						return err
					}
				}
			}
		}
		return s.Account.Notify(ctx, q, account.Notice{Kind: account.NoticeWebAuthnRemoved, To: to, User: u, Factor: name}, c)
	})
	if err != nil {
		if account.AsErrors(err) != nil {
			return err
		}
		return fmt.Errorf("mfa: remove key: %w", err)
	}
	if err := s.Account.Sessions.DeleteUser(ctx, u.ID, sess.ID); err != nil {
		return fmt.Errorf("mfa: remove key: end sessions: %w", err)
	}
	s.Account.Event(ctx, "mfa_removed", u.ID, c, "type", TypeWebAuthn)
	return nil
}

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
