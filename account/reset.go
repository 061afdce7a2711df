package account

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/ratelimit"
	"github.com/gatehouse-auth/gatehouse/user"
)

// A password reset, as Django's and allauth's: the user asks with an
// address (RequestPasswordReset); a mail carries a link key (or a code);
// the key moves out of the URL into a flow record on its first use, so it
// never leaks through a Referer (StartReset); the new password replaces
// the hash the key was made from and nothing else, so a key is spent once
// even under concurrent redemptions (ResetPassword). The answer to a
// request is the same, with the same work, whether an account uses the
// address or not.

// Flow kinds of a reset.
const (
	flowKindReset     = "password_reset"
	flowKindResetCode = "password_reset_code"
)

// resetFlow is a reset between requests: the link's key (link mode) or the
// mailed code and whether it was typed right (code mode).
type resetFlow struct {
	// Key is the link's key sealed (keys.Ring.Seal): a copy of the flow
	// table alone does not hand out live reset links.
	Key      []byte       `json:"k,omitempty"`
	UserID   int64        `json:"u,omitempty"`
	Code     *pendingCode `json:"c,omitempty"`
	Verified bool         `json:"v,omitempty"`
	// State (code mode) is a reset token made when the code was mailed,
	// sealed like Key: the reset then dies, as a link's does, when the
	// password, the last login or the addresses change meanwhile.
	State []byte `json:"s,omitempty"`
}

// RequestPasswordReset mails a reset link for the account that uses email
// (a code in code mode: the returned token names the flow that holds it,
// for a cookie), or, when no account does, a "no account" notice unless
// Config.QuietUnknownAccounts. Both answers look the same to the caller: no
// error, and in code mode a token. Limits: reset_password per IP and per
// address.
func (s *Service) RequestPasswordReset(ctx context.Context, email string, c Client) (string, error) {
	email, u, stored, err := s.accountOfAddress(ctx, email, LimitResetPassword, c)
	if err != nil {
		return "", err
	}
	var rf resetFlow
	var n Notice
	switch {
	case u == nil:
		n = Notice{Kind: NoticeUnknownAccount, To: email, Lang: c.Lang}
	case s.Config.PasswordResetByCode:
		emails, err := s.addresses(ctx, u.ID)
		if err != nil {
			return "", err
		}
		code, pc := s.newPendingCode("reset", s.resetCodeTTL())
		rf = resetFlow{UserID: u.ID, Code: pc, State: s.Keys.Seal("account.reset_flow", []byte(s.makeResetToken(u, emails)), nil)}
		n = Notice{Kind: NoticePasswordResetCode, To: stored, User: u, Lang: mailLang(u, c), Code: code, ValidFor: s.resetCodeTTL()}
	default:
		emails, err := s.addresses(ctx, u.ID)
		if err != nil {
			return "", err
		}
		n = Notice{Kind: NoticePasswordReset, To: stored, User: u, Lang: mailLang(u, c), Key: resetURLKey(u, s.makeResetToken(u, emails)), ValidFor: s.passwordResetTimeout()}
	}
	token := ""
	if s.Config.PasswordResetByCode {
		if u == nil {
			// The same flow, holding a code nobody was sent.
			_, rf.Code = s.newPendingCode("reset", s.resetCodeTTL())
		}
		if token, err = s.saveFlow(ctx, "", flowKindResetCode, &rf, s.now().Add(s.resetCodeTTL())); err != nil {
			return "", err
		}
	}
	if u == nil && s.Config.QuietUnknownAccounts {
		s.log().Info("password reset requested", "event", "password_reset_requested", "known", false, "ip", c.IP)
		return token, nil
	}
	if err := s.send(ctx, s.Mail, n); err != nil {
		return "", err
	}
	s.log().Info("password reset requested", "event", "password_reset_requested", "user_id", userID(u), "ip", c.IP)
	return token, nil
}

// accountOfAddress checks an address typed to ask for something by mail
// (a reset, a login code), counts the request against action per IP and
// per address, and returns the trimmed address as typed, the active account
// that uses it (nil when none does: the caller answers the same either
// way) and that account's address as stored — where the mail must go: the
// typed form only matches it canonically (bob@straße.de finds
// bob@strasse.de), and mailing the typed form would hand the account to
// another domain. Only a verified or the primary address counts: a pending
// one, maybe mistyped, is nobody's way in yet.
func (s *Service) accountOfAddress(ctx context.Context, email, action string, c Client) (typed string, u *user.User, stored string, err error) {
	email = strings.TrimSpace(email)
	switch {
	case email == "":
		return "", nil, "", fieldErr("email", CodeRequired, nil)
	case user.ValidateEmail(email) != nil:
		return "", nil, "", fieldErr("email", CodeEmailInvalid, nil)
	}
	if _, err := s.RateLimit(ctx, action, Subjects{IP: c.IP, Key: user.CanonicalEmail(email)}); err != nil {
		return "", nil, "", err
	}
	u, err = s.Users.UserByEmail(ctx, email)
	switch {
	case errors.Is(err, user.ErrNotFound):
		return email, nil, "", nil
	case err != nil:
		return "", nil, "", fmt.Errorf("account: %s: %w", action, err)
	case !u.IsActive:
		return email, nil, "", nil
	}
	e, err := emailAddress(ctx, s.Users, u.ID, email)
	if err != nil {
		return "", nil, "", fmt.Errorf("account: %s: %w", action, err)
	}
	switch {
	case e != nil && (e.Verified || e.Primary):
		return email, u, e.Email, nil
	case e == nil && user.CanonicalEmail(u.Email) == user.CanonicalEmail(email):
		return email, u, u.Email, nil // users.email without its row (an old import)
	}
	return email, nil, "", nil
}

// addresses returns every address of the user (the reset token covers them).
func (s *Service) addresses(ctx context.Context, userID int64) ([]string, error) {
	es, err := s.Users.Emails(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("account: addresses: %w", err)
	}
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Email
	}
	return out, nil
}

// resetUser returns the user of a reset URL key ("<uid36>-<token>") when the
// key is live; CodeResetKeyInvalid otherwise.
func (s *Service) resetUser(ctx context.Context, urlKey string) (*user.User, error) {
	id, token, ok := parseResetURLKey(urlKey)
	if !ok {
		return nil, &Error{Code: CodeResetKeyInvalid}
	}
	u, err := s.Users.User(ctx, id)
	if errors.Is(err, user.ErrNotFound) {
		return nil, &Error{Code: CodeResetKeyInvalid}
	}
	if err != nil {
		return nil, fmt.Errorf("account: reset key: %w", err)
	}
	emails, err := s.addresses(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	if !u.IsActive || !s.checkResetToken(u, emails, token) {
		return nil, &Error{Code: CodeResetKeyInvalid}
	}
	return u, nil
}

// StartReset takes a reset link's key out of its URL: when the key is live
// it is kept in a new flow whose token the adapter puts in a cookie before
// sending the browser to the form's URL, which carries no key.
func (s *Service) StartReset(ctx context.Context, urlKey string, c Client) (string, error) {
	if _, err := s.RateLimit(ctx, LimitResetPasswordFromKey, Subjects{IP: c.IP}); err != nil {
		return "", err
	}
	if _, err := s.resetUser(ctx, urlKey); err != nil {
		return "", err
	}
	sealed := s.Keys.Seal("account.reset_flow", []byte(urlKey), nil)
	return s.saveFlow(ctx, "", flowKindReset, &resetFlow{Key: sealed}, s.now().Add(s.passwordResetTimeout()))
}

// ResetUser returns the user whose password the reset flow named by token
// resets: a link's live key, or a code typed right; CodeResetKeyInvalid
// otherwise.
func (s *Service) ResetUser(ctx context.Context, token string) (*user.User, error) {
	u, _, err := s.resetFlowUser(ctx, token)
	return u, err
}

func (s *Service) resetFlowUser(ctx context.Context, token string) (*user.User, string, error) {
	var rf resetFlow
	if !s.Config.PasswordResetByCode {
		if err := s.loadFlow(ctx, token, flowKindReset, &rf); err != nil {
			return nil, "", &Error{Code: CodeResetKeyInvalid}
		}
		urlKey, err := s.Keys.Open("account.reset_flow", rf.Key, nil)
		if err != nil {
			return nil, "", &Error{Code: CodeResetKeyInvalid}
		}
		u, err := s.resetUser(ctx, string(urlKey))
		return u, flowKindReset, err
	}
	if err := s.loadFlow(ctx, token, flowKindResetCode, &rf); err != nil || !rf.Verified || rf.UserID == 0 {
		return nil, "", &Error{Code: CodeResetKeyInvalid}
	}
	u, err := s.Users.User(ctx, rf.UserID)
	if err != nil || !u.IsActive {
		return nil, "", &Error{Code: CodeResetKeyInvalid}
	}
	state, err := s.Keys.Open("account.reset_flow", rf.State, nil)
	if err != nil {
		return nil, "", &Error{Code: CodeResetKeyInvalid}
	}
	emails, err := s.addresses(ctx, u.ID)
	if err != nil {
		return nil, "", err
	}
	if !s.checkResetToken(u, emails, string(state)) {
		return nil, "", &Error{Code: CodeResetKeyInvalid}
	}
	return u, flowKindResetCode, nil
}

// ConfirmResetCode checks a typed reset code (code mode) against the flow
// named by token: 3 attempts within Config.PasswordResetCodeTimeout. An
// unknown address's flow never matches.
func (s *Service) ConfirmResetCode(ctx context.Context, token, typed string, c Client) error {
	if normalizeCode(typed) == "" {
		return fieldErr("code", CodeRequired, nil)
	}
	var rf resetFlow
	if err := s.loadFlow(ctx, token, flowKindResetCode, &rf); err != nil {
		return err
	}
	ok, spent, err := s.checkCode(ctx, "reset", rf.Code, typed)
	if err != nil {
		return err
	}
	if ok && rf.UserID != 0 {
		rf.Verified, rf.Code = true, nil
	}
	if _, err := s.saveFlow(ctx, token, flowKindResetCode, &rf, s.now().Add(s.resetCodeTTL())); err != nil {
		return err
	}
	switch {
	case ok && rf.UserID != 0:
		return nil
	case spent:
		s.EndFlow(ctx, token)
		return fieldErr("code", CodeCodeExpired, nil)
	}
	s.log().Info("password reset code refused", "event", "password_reset_code_rejected", "ip", c.IP)
	return fieldErr("code", CodeCodeIncorrect, nil)
}

// ResetPassword sets a new password from the reset flow named by token:
// validated as any new password; written only over the hash the key was
// made from (of concurrent resets exactly one wins); the flow ends; every
// session of the user ends; the account's failed-login lock is lifted; a
// "password changed" notice is mailed. With Config.LoginOnPasswordReset it
// returns a Login to pass through the stages; otherwise nil.
func (s *Service) ResetPassword(ctx context.Context, token, p1, p2 string, c Client) (*Login, error) {
	if _, err := s.RateLimit(ctx, LimitResetPasswordFromKey, Subjects{IP: c.IP}); err != nil {
		return nil, err
	}
	u, _, err := s.resetFlowUser(ctx, token)
	if err != nil {
		return nil, err
	}
	if errs := s.checkNewPassword(u, p1, p2); len(errs) > 0 {
		return nil, errs
	}
	encoded, err := s.Passwords.Hash(ctx, p1)
	if err != nil {
		return nil, fmt.Errorf("account: reset: %w", err)
	}
	err = s.atomic(ctx, func(tx user.Store, q mail.Queue) error {
		won, err := tx.CompareAndSetPassword(ctx, u.ID, u.Password, encoded)
		if err != nil {
			return err
		}
		if !won {
			return &Error{Code: CodeResetKeyInvalid}
		}
		u.Password = encoded
		to, err := s.noticeAddress(ctx, tx, u)
		if err != nil || to == "" {
			return err
		}
		return s.send(ctx, q, Notice{Kind: NoticePasswordChanged, To: to, User: u, Lang: mailLang(u, c)})
	})
	if err != nil {
		if AsErrors(err) != nil {
			return nil, err
		}
		return nil, fmt.Errorf("account: reset: %w", err)
	}
	if err := s.EndFlow(ctx, token); err != nil {
		return nil, fmt.Errorf("account: reset: %w", err)
	}
	if err := s.Sessions.DeleteUser(ctx, u.ID, ""); err != nil {
		return nil, fmt.Errorf("account: reset: end sessions: %w", err)
	}
	if err := s.clearLoginLock(ctx, u); err != nil {
		return nil, err
	}
	s.event(ctx, "password_reset", u.ID, c)
	if s.Hooks.OnPasswordChanged != nil {
		s.Hooks.OnPasswordChanged(ctx, u, c)
	}
	if s.Hooks.OnPasswordReset != nil {
		s.Hooks.OnPasswordReset(ctx, u, c)
	}
	if !s.Config.LoginOnPasswordReset {
		return nil, nil
	}
	return s.newLogin(u, "password_reset"), nil
}

// noticeAddress returns where a notice about u's account goes: u's
// primary address, else their first other one (a user without a primary
// address, from an import or the CLI), else "".
func (s *Service) noticeAddress(ctx context.Context, users user.Store, u *user.User) (string, error) {
	if u.Email != "" {
		return u.Email, nil
	}
	es, err := users.Emails(ctx, u.ID)
	if err != nil || len(es) == 0 {
		return "", err
	}
	return es[0].Email, nil
}

// clearLoginLock lifts the account's failed-login lock (its login_failed
// counters per key), as a completed reset proves the owner is back.
func (s *Service) clearLoginLock(ctx context.Context, u *user.User) error {
	rules, err := s.Config.rateLimitRules(LimitLoginFailed)
	if err != nil {
		return fmt.Errorf("account: reset: %w", err)
	}
	for _, r := range rules {
		if r.Per != ratelimit.PerKey {
			continue
		}
		if err := s.Limits.Reset(ctx, ratelimit.Key(LimitLoginFailed, r, userKey(u.ID))); err != nil {
			return fmt.Errorf("account: reset: clear the login lock: %w", err)
		}
	}
	return nil
}
