package account

import (
	"context"
	"fmt"
	"time"

	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/user"
)

// Users without a usable password (signed up by a provider, or set
// unusable by an admin) reauthenticate with a code mailed to their primary
// address, never automatically: SendReauthenticationCode, then
// ReauthenticateByCode.

const flowKindReauthCode = "reauthentication_code"

// reauthCodeFlow is a mailed reauthentication code between requests.
type reauthCodeFlow struct {
	UserID int64        `json:"u"`
	Code   *pendingCode `json:"c"`
}

// SendReauthenticationCode mails u a reauthentication code and returns the
// token of the flow that keeps it (for a cookie). It counts against
// LimitReauthenticate; a user without an address gets CodeEmailInvalid.
func (s *Service) SendReauthenticationCode(ctx context.Context, u *user.User, c Client) (string, error) {
	if u.Email == "" {
		return "", fieldErr("code", CodeEmailInvalid, nil)
	}
	if _, err := s.RateLimit(ctx, LimitReauthenticate, Subjects{IP: c.IP, User: u.ID}); err != nil {
		return "", err
	}
	code, pc := s.newPendingCode("reauth", s.emailCodeTTL())
	token, err := s.saveFlow(ctx, "", flowKindReauthCode, &reauthCodeFlow{UserID: u.ID, Code: pc}, pc.Expires)
	if err != nil {
		return "", err
	}
	if err := s.send(ctx, s.Mail, Notice{Kind: NoticeReauthenticationCode, To: u.Email, User: u, Lang: mailLang(u, c), Code: code, ValidFor: s.emailCodeTTL()}); err != nil {
		return "", err
	}
	return token, nil
}

// ReauthenticateByCode checks a typed reauthentication code (3 attempts,
// Config.EmailVerificationCodeTimeout) from the flow named by token and,
// when it matches, records the reauthentication on sess as Reauthenticate
// does. CodeLoginExpired when no code is pending.
func (s *Service) ReauthenticateByCode(ctx context.Context, u *user.User, sess *session.Session, token, typed string, c Client) error {
	if normalizeCode(typed) == "" {
		return fieldErr("code", CodeRequired, nil)
	}
	var rf reauthCodeFlow
	if err := s.loadFlow(ctx, token, flowKindReauthCode, &rf); err != nil || rf.UserID != u.ID {
		return &Error{Code: CodeLoginExpired}
	}
	if _, err := s.RateLimit(ctx, LimitReauthenticate, Subjects{IP: c.IP, User: u.ID}); err != nil {
		return err
	}
	ok, spent, err := s.checkCode(ctx, "reauth", rf.Code, typed)
	if err != nil {
		return err
	}
	if !ok {
		if spent {
			s.EndFlow(ctx, token)
			return fieldErr("code", CodeCodeExpired, nil)
		}
		if _, err := s.saveFlow(ctx, token, flowKindReauthCode, &rf, rf.Code.Expires); err != nil {
			return err
		}
		s.log().Info("reauthentication refused", "event", "reauthenticate_failed", "user_id", u.ID, "ip", c.IP)
		return fieldErr("code", CodeCodeIncorrect, nil)
	}
	if err := s.EndFlow(ctx, token); err != nil {
		return fmt.Errorf("account: reauthenticate: %w", err)
	}
	sess.AuthAt = s.now().UTC().Truncate(time.Microsecond)
	if err := s.Sessions.Save(ctx, *sess); err != nil {
		return fmt.Errorf("account: reauthenticate: %w", err)
	}
	s.log().Info("reauthenticated", "event", "reauthenticated", "method", "code", "user_id", u.ID, "ip", c.IP)
	return nil
}
