package mfa

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/flow"
)

// A WebAuthn ceremony lives between the options sent to the browser and
// its answer in a flow record (kind ceremonyKind), sealed, named by a
// token the caller keeps in a cookie: bound to its purpose and its user (0
// for a passkey login, which learns the user from the answer), taken once
// (a second answer to one challenge finds nothing), expiring after
// ceremonyTimeout.

const (
	ceremonyKind    = "webauthn_ceremony"
	ceremonyPurpose = "mfa.webauthn_ceremony"
)

// Ceremony purposes.
const (
	purposeRegister = "register"
	purposeLogin    = "login" // the second factor at a login, or a reauthentication
	purposePasskey  = "passkey"
)

type ceremony struct {
	Purpose string               `json:"p"`
	UserID  int64                `json:"u"`
	Passkey bool                 `json:"k,omitempty"`
	Session webauthn.SessionData `json:"s"`
}

// Ceremony is what a page needs for a WebAuthn ceremony: Options, the JSON
// of navigator.credentials.create's or get's argument ({"publicKey": …},
// binary fields base64url), and Token, which names its state for the
// answer (keep it in a cookie until then).
type Ceremony struct {
	Options json.RawMessage
	Token   string
}

// startCeremony keeps c and returns its token.
func (s *Service) startCeremony(ctx context.Context, c *ceremony, options any) (*Ceremony, error) {
	opts, err := json.Marshal(options)
	if err != nil {
		return nil, fmt.Errorf("mfa: webauthn options: %w", err)
	}
	plain, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("mfa: webauthn ceremony: %w", err)
	}
	token, id := flow.NewToken()
	now := s.now().UTC()
	f := flow.Flow{ID: id, Kind: ceremonyKind, Data: s.Account.Keys.Seal(ceremonyPurpose, plain, []byte(id)),
		CreatedAt: now, ExpiresAt: now.Add(ceremonyTimeout)}
	if err := s.Account.Flows.SaveFlow(ctx, f); err != nil {
		return nil, fmt.Errorf("mfa: webauthn ceremony: %w", err)
	}
	return &Ceremony{Options: opts, Token: token}, nil
}

// takeCeremony takes the ceremony named by token (once: a replayed answer
// finds nothing) when it has purpose and belongs to userID.
func (s *Service) takeCeremony(ctx context.Context, token, purpose string, userID int64) (*ceremony, error) {
	if !flow.ValidToken(token) {
		return nil, webauthnError(fmt.Errorf("no ceremony"))
	}
	id := flow.HashToken(token)
	f, ok, err := s.Account.Flows.TakeFlow(ctx, id, s.now())
	if err != nil {
		return nil, fmt.Errorf("mfa: webauthn ceremony: %w", err)
	}
	if !ok || f.Kind != ceremonyKind {
		return nil, webauthnError(fmt.Errorf("the ceremony expired or was used"))
	}
	plain, err := s.Account.Keys.Open(ceremonyPurpose, f.Data, []byte(id))
	if err != nil {
		return nil, webauthnError(err)
	}
	var c ceremony
	if err := json.Unmarshal(plain, &c); err != nil {
		return nil, webauthnError(err)
	}
	if c.Purpose != purpose || c.UserID != userID {
		return nil, webauthnError(fmt.Errorf("the ceremony is another's (%s for user %d)", c.Purpose, c.UserID))
	}
	return &c, nil
}

// webauthnFailure is a failed ceremony: the user sees
// CodeWebAuthnFailed, the log its reason.
type webauthnFailure struct{ reason error }

func (e *webauthnFailure) Error() string { return "mfa: webauthn: " + e.reason.Error() }

func webauthnError(reason error) error {
	return &account.Error{Code: CodeWebAuthnFailed, Field: "credential", Err: &webauthnFailure{reason}}
}

func fieldError(field, code string) error { return account.FieldError(field, code) }
