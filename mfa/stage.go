package mfa

import (
	"context"

	"github.com/gatehouse-auth/gatehouse/account"
)

// The login stages of two-factor authentication, in their order after the
// account's own (a verified email first).
const (
	// StageEnrol walks a user who must use two-factor authentication
	// (Config.Required …) but has no factor through adding one.
	StageEnrol = "mfa_enroll"
	// StageAuthenticate asks a user with an authenticator app for a code
	// from it or a recovery code (allauth's mfa_authenticate).
	StageAuthenticate = "mfa_authenticate"
	// StageTrust offers to trust the browser (Config.TrustEnabled) once
	// a code passed StageAuthenticate (allauth's mfa_trust).
	StageTrust = "mfa_trust"
)

// Stages returns the login stages of two-factor authentication, for
// account.Service.Stages: every way in — a password, a mailed code, a
// provider, the login after a reset or a confirmation — passes them.
func (s *Service) Stages() []account.Stage {
	return []account.Stage{passkeySignupStage{s}, enrolStage{s}, authStage{s}, trustStage{s}}
}

type enrolStage struct{ s *Service }

func (enrolStage) Name() string { return StageEnrol }

func (st enrolStage) Pending(ctx context.Context, l *account.Login) (bool, error) {
	if l.Phantom || l.HasPassed(StageEnrol) || l.User() == nil {
		return false, nil
	}
	req, err := st.s.Required(ctx, l.User())
	if err != nil || !req {
		return false, err
	}
	has, err := st.s.hasFactor(ctx, l.UserID)
	return !has, err
}

type authStage struct{ s *Service }

func (authStage) Name() string { return StageAuthenticate }

func (st authStage) Pending(ctx context.Context, l *account.Login) (bool, error) {
	if l.Phantom || l.HasPassed(StageAuthenticate) {
		return false, nil
	}
	return st.s.hasFactor(ctx, l.UserID)
}

type trustStage struct{ s *Service }

func (trustStage) Name() string { return StageTrust }

func (st trustStage) Pending(ctx context.Context, l *account.Login) (bool, error) {
	return st.s.Config.TrustEnabled && l.HasPassed(authByCode) && !l.HasPassed(StageTrust), nil
}

// authByCode marks a login whose second factor was a code typed at
// StageAuthenticate (not a trusted browser, not enrolment): only such a
// login is offered to trust its browser.
const authByCode = "mfa_code"

// AnswerTrust records the user's answer at StageTrust (the caller sets
// the cookie of TrustCookie when trust is true, and saves l).
func (s *Service) AnswerTrust(l *account.Login) { l.Pass(StageTrust) }
