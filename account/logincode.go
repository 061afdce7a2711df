package account

import (
	"context"
	"errors"
	"fmt"

	"github.com/gatehouse-auth/gatehouse/flow"
	"github.com/gatehouse-auth/gatehouse/user"
)

// Login by code (allauth's LOGIN_BY_CODE_ENABLED): the user types their
// address, a code is mailed to it, and the code signs them in — through the
// login's stages like any login. An unknown address answers exactly like a
// known one (a flow whose code nobody was sent). A code has 3 attempts and
// 3 minutes, works once, counts against request_login_code when asked for
// and against the account's failed-login lock when wrong, and is refused
// while that lock holds (SECURITY.md L3).

const flowKindLoginCode = "login_code"

// loginCodeFlow is a requested login code between requests.
type loginCodeFlow struct {
	UserID int64 `json:"u,omitempty"`
	// Email is the address as typed (the page shows it); Address is the
	// account's address as stored, where the code went.
	Email   string       `json:"e"`
	Address string       `json:"a,omitempty"`
	Code    *pendingCode `json:"c"`
}

// RequestLoginCode mails a login code to the account that uses email (or,
// for an unknown address, the "no account" notice unless
// Config.QuietUnknownAccounts) and returns the token of the flow that keeps
// it, for a cookie. CodeLoginByCodeDisabled unless Config.LoginByCode.
func (s *Service) RequestLoginCode(ctx context.Context, email string, c Client) (string, error) {
	if !s.Config.LoginByCode {
		return "", &Error{Code: CodeLoginByCodeDisabled}
	}
	email, u, stored, err := s.accountOfAddress(ctx, email, LimitRequestLoginCode, c)
	if err != nil {
		return "", err
	}
	code, pc := s.newPendingCode("login", s.loginCodeTTL())
	lf := loginCodeFlow{Email: email, Code: pc}
	n := Notice{Kind: NoticeUnknownAccount, To: email}
	if u != nil {
		lf.UserID, lf.Address = u.ID, stored
		n = Notice{Kind: NoticeLoginCode, To: stored, User: u, Code: code, ValidFor: s.loginCodeTTL()}
	}
	token, err := s.saveFlow(ctx, "", flowKindLoginCode, &lf, pc.Expires)
	if err != nil {
		return "", err
	}
	if u != nil || !s.Config.QuietUnknownAccounts {
		if err := s.send(ctx, s.Mail, n); err != nil {
			return "", err
		}
	}
	s.event(ctx, "login_code_requested", userID(u), c)
	return token, nil
}

// LoginCodeEmail returns the address the login code of the flow named by
// token went to (for its page); CodeLoginExpired when there is none.
func (s *Service) LoginCodeEmail(ctx context.Context, token string) (string, error) {
	var lf loginCodeFlow
	if err := s.loadFlow(ctx, token, flowKindLoginCode, &lf); err != nil {
		return "", err
	}
	return lf.Email, nil
}

// ConfirmLoginCode checks a typed login code against the flow named by
// token. The right one ends the flow (a code works once), marks the
// address verified (the user proved they read it) and returns the Login it
// begins, to pass through the stages. A wrong one counts against the
// account's failed logins; the third kills the code (CodeCodeExpired).
func (s *Service) ConfirmLoginCode(ctx context.Context, token, typed string, c Client) (*Login, error) {
	if normalizeCode(typed) == "" {
		return nil, fieldErr("code", CodeRequired, nil)
	}
	var lf loginCodeFlow
	if err := s.loadFlow(ctx, token, flowKindLoginCode, &lf); err != nil {
		return nil, err
	}
	key := "login:" + user.CanonicalEmail(lf.Email)
	if lf.UserID != 0 {
		key = userKey(lf.UserID)
	}
	reserved, err := s.RateLimit(ctx, LimitLoginFailed, Subjects{IP: c.IP, Key: key})
	if err != nil {
		return nil, err
	}
	ok, spent, err := s.checkCode(ctx, "login", lf.Code, typed)
	if err != nil {
		return nil, err
	}
	if !ok || lf.UserID == 0 {
		if spent {
			s.EndFlow(ctx, token)
			return nil, fieldErr("code", CodeCodeExpired, nil)
		}
		if _, err := s.saveFlow(ctx, token, flowKindLoginCode, &lf, lf.Code.Expires); err != nil {
			return nil, err
		}
		s.event(ctx, "login_code_rejected", lf.UserID, c)
		return nil, fieldErr("code", CodeCodeIncorrect, nil)
	}
	if _, taken, err := s.Flows.TakeFlow(ctx, flow.HashToken(token), s.now()); err != nil {
		return nil, fmt.Errorf("account: login code: %w", err)
	} else if !taken {
		return nil, &Error{Code: CodeLoginExpired}
	}
	if err := reserved.Release(ctx); err != nil {
		return nil, fmt.Errorf("account: login code: %w", err)
	}
	u, err := s.Users.User(ctx, lf.UserID)
	if err != nil || !u.IsActive {
		return nil, &Error{Code: CodeInvalidCredentials}
	}
	if err := s.Users.VerifyEmail(ctx, u.ID, lf.Address); err != nil && !errors.Is(err, user.ErrNotFound) {
		return nil, fmt.Errorf("account: login code: %w", err)
	}
	l := s.newLogin(u, "code")
	l.Email = lf.Address
	return l, nil
}
