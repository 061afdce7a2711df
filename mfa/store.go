package mfa

import (
	"context"
	"encoding/json"
	"time"
)

// The types of authenticator, as allauth names them.
const (
	// TypeTOTP is an authenticator app's TOTP secret. A user has at most one.
	TypeTOTP = "totp"
	// TypeRecoveryCodes is a set of recovery codes. A user has at most one.
	TypeRecoveryCodes = "recovery_codes"
	// TypeWebAuthn is a security key or passkey. A user may have several;
	// each credential belongs to one user.
	TypeWebAuthn = "webauthn"
)

// Authenticator is one factor of a user (allauth's Authenticator model): its
// Type and its Data, a JSON document whose shape the type defines (the
// sealed TOTP secret, the hashed recovery codes and which were used).
type Authenticator struct {
	ID     int64
	UserID int64
	Type   string
	Data   json.RawMessage
	// CreatedAt is when the factor was added.
	CreatedAt time.Time
	// LastUsedAt is when it last passed a check; zero for never.
	LastUsedAt time.Time
	// CredentialID is a TypeWebAuthn authenticator's credential id (nil
	// for the other types), unique over every user.
	CredentialID []byte
}

// Store keeps authenticators and the TOTP steps already used. *sqlstore.DB
// implements it, also on the store that its Atomic passes to fn (assert
// the user.Store to Store there). Adding, changing the data of and deleting
// an authenticator move the auth generation; using one (LastUsedAt) does
// not.
type Store interface {
	// Authenticators lists the user's authenticators, oldest first.
	Authenticators(ctx context.Context, userID int64) ([]*Authenticator, error)
	// AddAuthenticator inserts a and sets a.ID. A user has at most one
	// authenticator of TypeTOTP and one of TypeRecoveryCodes, and a
	// CredentialID is stored once over every user: a second wraps
	// user.ErrDuplicate. A missing user wraps user.ErrNotFound.
	AddAuthenticator(ctx context.Context, a *Authenticator) error
	// AuthenticatorByCredential returns the authenticator holding the
	// WebAuthn credential id, whoever's it is; wraps user.ErrNotFound when
	// none does (a passkey login names only its credential).
	AuthenticatorByCredential(ctx context.Context, id []byte) (*Authenticator, error)
	// UpdateAuthenticatorData replaces the data of authenticator id with
	// new, and sets its LastUsedAt to usedAt (unless usedAt is zero), only
	// if its data is still old (compared byte for byte): of two requests
	// that spend the same recovery code, one gets true and the other false.
	// False also when there is no such authenticator.
	UpdateAuthenticatorData(ctx context.Context, id int64, old, new json.RawMessage, usedAt time.Time) (bool, error)
	// TouchAuthenticator sets the LastUsedAt of authenticator id (wraps
	// user.ErrNotFound when there is none).
	TouchAuthenticator(ctx context.Context, id int64, usedAt time.Time) error
	// DeleteAuthenticator removes the user's authenticator id (wraps
	// user.ErrNotFound when the user has no such authenticator).
	DeleteAuthenticator(ctx context.Context, userID, id int64) error
	// DeleteAuthenticators removes every authenticator of the user and
	// returns how many went (the CLI's reset of a user's two-factor).
	DeleteAuthenticators(ctx context.Context, userID int64) (int, error)
	// UseTOTPStep records that the user's TOTP time step was used and keeps
	// the record until until; it reports false when the step was already
	// recorded (a replayed code), across every instance over the store.
	UseTOTPStep(ctx context.Context, userID, step int64, until time.Time) (bool, error)
	// DeleteExpiredTOTPSteps removes the step records whose until is at or
	// before now (Gatehouse.DeleteExpired calls it).
	DeleteExpiredTOTPSteps(ctx context.Context, now time.Time) (int64, error)
}
