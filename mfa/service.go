package mfa

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/user"
)

// Error codes of the two-factor flows (account.Error codes; the adapters
// translate them as "error.<code>").
const (
	// CodeTooManyAttempts: five wrong codes at one login's challenge ended
	// it; the login starts over from the first factor (SECURITY.md M1).
	CodeTooManyAttempts = "mfa_too_many_attempts"
	// CodeUnverifiedEmail: a factor cannot be added while one of the
	// user's addresses is unverified (MFA_ALLOW_UNVERIFIED_EMAIL, R7).
	CodeUnverifiedEmail = "mfa_unverified_email"
	// CodeRequired: two-factor authentication is required for this user,
	// so its last factor cannot be removed.
	CodeRequired = "mfa_required"
	// CodeAlreadyActive: the user has an authenticator app already.
	CodeAlreadyActive = "mfa_already_active"
	// CodeNotActive: the user has no authenticator app (recovery codes
	// need one; there is nothing to remove).
	CodeNotActive = "mfa_not_active"
	// CodeEnrolmentExpired: the secret shown for enrolment is too old or
	// not this user's; start again.
	CodeEnrolmentExpired = "mfa_enrolment_expired"
)

// Requirement says which users must use two-factor authentication
// (Config.Required).
type Requirement string

// Requirements.
const (
	RequiredOff        Requirement = "off"
	RequiredStaff      Requirement = "staff" // staff and superusers
	RequiredSuperusers Requirement = "superuser"
	RequiredAll        Requirement = "all"
)

// Config tunes two-factor authentication (allauth's MFA_* settings). Its
// zero value works: TOTP and recovery codes, no trusted browsers, nobody
// required.
type Config struct {
	// SupportedTypes are the factors users may add (MFA_SUPPORTED_TYPES):
	// TypeTOTP and TypeRecoveryCodes, the default both.
	SupportedTypes []string
	// TOTP tunes codes (MFA_TOTP_PERIOD, _DIGITS, _TOLERANCE, _ISSUER).
	TOTP TOTP
	// Recovery tunes recovery codes (MFA_RECOVERY_CODE_COUNT, _DIGITS).
	Recovery Recovery
	// TrustEnabled offers, after a second factor, to trust the browser
	// for TrustAge (MFA_TRUST_ENABLED): its logins then skip the second
	// factor until the password or a factor changes.
	TrustEnabled bool
	// TrustAge: the default is 14 days (MFA_TRUST_COOKIE_AGE).
	TrustAge time.Duration
	// Required makes users enrol at their next login: RequiredOff (the
	// default), RequiredStaff, RequiredSuperusers or RequiredAll.
	Required Requirement
	// RequiredGroups also require it of members of these groups.
	RequiredGroups []string
	// RequiredFunc, when set, also requires it of the users it says (the
	// library's own rule).
	RequiredFunc func(ctx context.Context, u *user.User) (bool, error)
	// AllowUnverifiedEmail lets users with an unverified address add a
	// factor (MFA_ALLOW_UNVERIFIED_EMAIL); off by default (R7).
	AllowUnverifiedEmail bool
	// MaxAttempts bounds the wrong codes at one login's challenge: the
	// default is 5 (M1). Each wrong code also spends the account's
	// login_failed limit.
	MaxAttempts int
	// WebAuthn tunes security keys and passkeys (TypeWebAuthn in
	// SupportedTypes turns them on).
	WebAuthn WebAuthnConfig
}

// Service runs two-factor authentication over the account flows: the
// login stages (StageEnrol, StageAuthenticate, StageTrust), enrolment and
// removal of an authenticator app, recovery codes, reauthentication by a
// factor and trusted browsers. Account must have Keys, Flows, Limits and
// Sessions; Store keeps the authenticators (*sqlstore.DB).
type Service struct {
	Account *account.Service
	Store   Store
	Config  Config

	wa webauthnRP
}

// Defaults.
const (
	defaultTrustAge    = 14 * 24 * time.Hour
	defaultMaxAttempts = 5
	// enrolmentTimeout bounds the life of a secret shown for enrolment.
	enrolmentTimeout = 30 * time.Minute
)

// CheckConfig reports a configuration that cannot work.
func (s *Service) CheckConfig() error {
	switch {
	case s.Account == nil || s.Account.Keys == nil || s.Account.Flows == nil || s.Account.Limits == nil || s.Account.Sessions == nil:
		return errors.New("mfa: Service.Account needs Keys, Flows, Limits and Sessions")
	case s.Store == nil:
		return errors.New("mfa: Service.Store is required")
	}
	if err := s.Config.TOTP.Check(); err != nil {
		return err
	}
	if err := s.Config.Recovery.Check(); err != nil {
		return err
	}
	for _, t := range s.Config.SupportedTypes {
		if t != TypeTOTP && t != TypeRecoveryCodes && t != TypeWebAuthn {
			return fmt.Errorf("mfa: supported type %q: want %q, %q or %q", t, TypeTOTP, TypeRecoveryCodes, TypeWebAuthn)
		}
	}
	if len(s.Config.SupportedTypes) > 0 && !slices.Contains(s.Config.SupportedTypes, TypeTOTP) && !slices.Contains(s.Config.SupportedTypes, TypeWebAuthn) {
		return fmt.Errorf("mfa: supported types must include %q or %q: recovery codes back up another factor", TypeTOTP, TypeWebAuthn)
	}
	if s.Supports(TypeWebAuthn) {
		if _, err := s.rp(); err != nil {
			return err
		}
		if err := s.checkPasskeySignup(); err != nil {
			return err
		}
	} else if s.Config.WebAuthn.PasskeyLogin || s.Config.WebAuthn.PasskeySignup {
		return fmt.Errorf("mfa: passkey login and signup need %q among the supported types", TypeWebAuthn)
	}
	switch s.Config.Required {
	case "", RequiredOff, RequiredStaff, RequiredSuperusers, RequiredAll:
	default:
		return fmt.Errorf("mfa: required %q: want off, staff, superuser or all", s.Config.Required)
	}
	if s.Config.TrustAge < 0 || s.Config.MaxAttempts < 0 {
		return errors.New("mfa: trust age and max attempts cannot be negative")
	}
	return nil
}

// Supports reports whether users may use factor type t.
func (s *Service) Supports(t string) bool {
	if len(s.Config.SupportedTypes) == 0 {
		return t == TypeTOTP || t == TypeRecoveryCodes
	}
	return slices.Contains(s.Config.SupportedTypes, t)
}

// TrustAge returns how long a trusted browser stays trusted.
func (s *Service) TrustAge() time.Duration {
	if s.Config.TrustAge <= 0 {
		return defaultTrustAge
	}
	return s.Config.TrustAge
}

func (s *Service) maxAttempts() int {
	if s.Config.MaxAttempts <= 0 {
		return defaultMaxAttempts
	}
	return s.Config.MaxAttempts
}

func (s *Service) now() time.Time {
	if s.Account.Now != nil {
		return s.Account.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Account.Log != nil {
		return s.Account.Log
	}
	return slog.Default()
}

// Status is what the overview page shows of a user's two-factor state.
type Status struct {
	// TOTP is the authenticator app, nil when there is none.
	TOTP *Authenticator
	// Keys are the security keys and passkeys.
	Keys []WebAuthnKey
	// Recovery is the recovery-code set, nil when there is none; Left and
	// Total count its codes.
	Recovery            *Authenticator
	RecoveryLeft, Total int
	// Required is true when the user may not go without a second factor.
	Required bool
}

// Enabled reports whether a second factor guards the user's logins.
func (st *Status) Enabled() bool { return st.TOTP != nil || len(st.Keys) > 0 }

// Status returns u's two-factor state.
func (s *Service) Status(ctx context.Context, u *user.User) (*Status, error) {
	as, err := s.Store.Authenticators(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("mfa: status: %w", err)
	}
	st := &Status{}
	for _, a := range as {
		switch a.Type {
		case TypeTOTP:
			st.TOTP = a
		case TypeRecoveryCodes:
			set, err := recoveryData(a)
			if err != nil {
				return nil, err
			}
			st.Recovery, st.RecoveryLeft, st.Total = a, set.Left(), set.Total
		}
	}
	keys, data, err := keysIn(as) // the same read: one query per status
	if err != nil {
		return nil, err
	}
	st.Keys = keyList(keys, data)
	if st.Required, err = s.Required(ctx, u); err != nil {
		return nil, err
	}
	return st, nil
}

// Required reports whether u must use two-factor authentication
// (Config.Required, RequiredGroups, RequiredFunc).
func (s *Service) Required(ctx context.Context, u *user.User) (bool, error) {
	switch s.Config.Required {
	case RequiredAll:
		return true, nil
	case RequiredStaff:
		if u.IsStaff || u.IsSuperuser {
			return true, nil
		}
	case RequiredSuperusers:
		if u.IsSuperuser {
			return true, nil
		}
	}
	if len(s.Config.RequiredGroups) > 0 {
		gs, err := s.Account.Users.UserGroups(ctx, u.ID)
		if err != nil {
			return false, fmt.Errorf("mfa: required: %w", err)
		}
		for _, g := range gs {
			if slices.Contains(s.Config.RequiredGroups, g.Name) {
				return true, nil
			}
		}
	}
	if s.Config.RequiredFunc != nil {
		return s.Config.RequiredFunc(ctx, u)
	}
	return false, nil
}

// hasFactor reports whether u has an authenticator that a login must pass
// (an authenticator app, a security key).
func (s *Service) hasFactor(ctx context.Context, userID int64) (bool, error) {
	as, err := s.Store.Authenticators(ctx, userID)
	if err != nil {
		return false, fmt.Errorf("mfa: authenticators: %w", err)
	}
	return isFactor(as), nil
}

// isFactor reports whether as hold a factor a login must pass: an
// authenticator app or a security key (recovery codes only back them up).
func isFactor(as []*Authenticator) bool {
	for _, a := range as {
		if a.Type == TypeTOTP || a.Type == TypeWebAuthn {
			return true
		}
	}
	return false
}

// tx runs fn in one transaction of the user store with the mfa store and
// mail queue bound to it.
func (s *Service) tx(ctx context.Context, fn func(st Store, q mail.Queue) error) error {
	return s.Account.Users.Atomic(ctx, func(tx user.Store) error {
		st, ok := tx.(Store)
		if !ok {
			st = s.Store
		}
		q, _ := tx.(mail.Queue) // nil: Notify queues on Account.Mail
		return fn(st, q)
	})
}
