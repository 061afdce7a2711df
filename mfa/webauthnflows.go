package mfa

import (
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
