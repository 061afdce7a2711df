package mfa

import (
	"context"
	"errors"

	"github.com/gatehouse-auth/gatehouse/account"
)

// Passkey signup (Config.WebAuthn.PasskeySignup, allauth's
// MFA_PASSKEY_SIGNUP_ENABLED): an account with no password whose way in is
// a passkey. The signup form asks for the address (and a username when
// the form has one); the login then waits at the email stage until a
// mailed code confirms the address, and at StagePasskeySignup until a
// passkey is made. It needs mandatory verification by code, as allauth's.

// StagePasskeySignup holds a passkey signup until its passkey is made.
const StagePasskeySignup = "mfa_signup_webauthn"

// MethodPasskeySignup is the Login.Method of a passkey signup.
const MethodPasskeySignup = "passkey_signup"

// checkPasskeySignup reports a configuration passkey signup cannot work
// with.
func (s *Service) checkPasskeySignup() error {
	if !s.Config.WebAuthn.PasskeySignup {
		return nil
	}
	if s.Account.EmailVerificationMode() != account.EmailVerificationMandatory || !s.Account.Config.EmailVerificationByCode {
		return errors.New("mfa: passkey signup needs mandatory email verification by code (account.email_verification = mandatory, account.email_verification_by_code = true)")
	}
	return nil
}

// PasskeySignup creates a user without a password and returns its login,
// which passes the email stage (a mailed code) and then StagePasskeySignup
// (AddPasskeyAtLogin).
func (s *Service) PasskeySignup(ctx context.Context, in account.SignupInput, c account.Client) (*account.Login, error) {
	if !s.Config.WebAuthn.PasskeySignup || !s.Supports(TypeWebAuthn) {
		return nil, &account.Error{Code: CodeNotActive}
	}
	in.Password1, in.Password2 = "", ""
	return s.Account.SignupWithoutPassword(ctx, in, MethodPasskeySignup, c)
}

// AddPasskeyAtLogin makes the passkey of a passkey signup at its stage:
// credential answers the ceremony token (BeginWebAuthnRegistration with
// passkey true, for l's user). It passes the stage and the second factor;
// the caller saves l and continues it. Recovery codes made with it are
// returned, to show once.
func (s *Service) AddPasskeyAtLogin(ctx context.Context, l *account.Login, token, name string, credential []byte, c account.Client) ([]string, error) {
	u := l.User()
	if u == nil || l.Phantom || l.Method != MethodPasskeySignup {
		return nil, &account.Error{Code: account.CodeLoginExpired}
	}
	codes, err := s.addWebAuthn(ctx, u, token, name, credential, c)
	if err != nil {
		return nil, err
	}
	l.Pass(StagePasskeySignup)
	l.Pass(StageAuthenticate)
	return codes, nil
}

type passkeySignupStage struct{ s *Service }

func (passkeySignupStage) Name() string { return StagePasskeySignup }

func (st passkeySignupStage) Pending(ctx context.Context, l *account.Login) (bool, error) {
	if l.Method != MethodPasskeySignup || l.Phantom || l.HasPassed(StagePasskeySignup) {
		return false, nil
	}
	_, ds, err := st.s.keysOf(ctx, l.User())
	return len(ds) == 0, err
}
