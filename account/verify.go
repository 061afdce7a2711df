package account

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/user"
)

// emailStage holds a login until the user has a verified address, when
// verification is mandatory; and, in code mode with optional verification,
// offers the code right after signup (skippable).
type emailStage struct{ s *Service }

func (emailStage) Name() string { return StageVerifyEmail }

func (st emailStage) Pending(ctx context.Context, l *Login) (bool, error) {
	s := st.s
	mode := s.EmailVerificationMode()
	if l.Phantom {
		return true, nil
	}
	if mode == EmailVerificationNone {
		return false, nil
	}
	optionalCode := mode == EmailVerificationOptional && s.Config.EmailVerificationByCode &&
		l.Method == "signup" && !slices.Contains(l.Skipped, StageVerifyEmail)
	if mode != EmailVerificationMandatory && !optionalCode {
		return false, nil
	}
	verified, err := s.hasVerifiedEmail(ctx, l.UserID)
	return !verified, err
}

// StageSkippable reports whether the user may skip stage for now (the
// email stage when verification is optional).
func (s *Service) StageSkippable(stage string) bool {
	return stage == StageVerifyEmail && s.EmailVerificationMode() != EmailVerificationMandatory
}

// SkipStage records that the user skipped a skippable stage of l (the
// caller saves l).
func (s *Service) SkipStage(l *Login, stage string) error {
	if !s.StageSkippable(stage) || l.Phantom {
		return &Error{Code: CodeStagePending}
	}
	if !slices.Contains(l.Skipped, stage) {
		l.Skipped = append(l.Skipped, stage)
	}
	return nil
}

func (s *Service) hasVerifiedEmail(ctx context.Context, userID int64) (bool, error) {
	es, err := s.Users.Emails(ctx, userID)
	if err != nil {
		return false, err
	}
	for _, e := range es {
		if e.Verified {
			return true, nil
		}
	}
	return false, nil
}

// emailAddress returns the user's EmailAddress row for email (compared
// canonically), or nil.
func emailAddress(ctx context.Context, users user.Store, userID int64, email string) (*user.EmailAddress, error) {
	es, err := users.Emails(ctx, userID)
	if err != nil {
		return nil, err
	}
	key := user.CanonicalEmail(email)
	for _, e := range es {
		if user.CanonicalEmail(e.Email) == key {
			return e, nil
		}
	}
	return nil, nil
}

// SendVerification mails the address of l's email stage a confirmation (a
// link, or a code kept in l in code mode; the caller saves l), at most once
// per cooldown per address (the confirm_email limit: CodeTooManyAttempts
// with the time left). A login without an address (the user has no
// primary one) takes the user's first unverified address; a user with none
// gets CodeRequired on "email". The stand-in of a signup with a taken
// address answers the same and mails nothing.
func (s *Service) SendVerification(ctx context.Context, l *Login, c Client) error {
	if l.Email == "" && !l.Phantom && l.user != nil {
		// A user without a primary address (an import, the CLI): the
		// stage is about their first unverified one.
		es, err := s.Users.Emails(ctx, l.user.ID)
		if err != nil {
			return fmt.Errorf("account: confirmation: %w", err)
		}
		for _, e := range es {
			if !e.Verified {
				l.Email = e.Email
				break
			}
		}
		if l.Email == "" {
			return fieldErr("email", CodeRequired, nil)
		}
	}
	if _, err := s.RateLimit(ctx, LimitConfirmEmail, Subjects{IP: c.IP, Key: user.CanonicalEmail(l.Email)}); err != nil {
		return err
	}
	l.MailedAt = s.now().UTC()
	if l.Phantom {
		if s.Config.EmailVerificationByCode {
			// A new code, as a real resend makes: its attempts start again.
			_, l.Code = s.newPendingCode("email", s.emailCodeTTL())
		}
		return nil
	}
	u := l.user
	if u == nil {
		return &Error{Code: CodeLoginExpired}
	}
	if u.Language == "" {
		// A user without a stored language gets the request's.
		withLang := *u
		withLang.Language = c.Lang
		u = &withLang
	}
	return s.mailConfirmation(ctx, s.Users, s.Mail, l, u, l.Email)
}

// mailConfirmation mails email (an address of u, read through users) its
// confirmation on q: a code kept in l in code mode (l must then be saved),
// else a link.
func (s *Service) mailConfirmation(ctx context.Context, users user.Store, q mail.Queue, l *Login, u *user.User, email string) error {
	if s.Config.EmailVerificationByCode {
		if l == nil {
			return fmt.Errorf("account: a confirmation code needs a login in progress")
		}
		code, pc := s.newPendingCode("email", s.emailCodeTTL())
		l.Code = pc
		return s.send(ctx, q, Notice{Kind: NoticeEmailConfirmationCode, To: email, User: u, Code: code, ValidFor: s.emailCodeTTL()})
	}
	e, err := emailAddress(ctx, users, u.ID, email)
	if err != nil {
		return fmt.Errorf("account: confirmation: %w", err)
	}
	if e == nil {
		return &Error{Code: CodeConfirmationInvalid}
	}
	return s.send(ctx, q, Notice{Kind: NoticeEmailConfirmation, To: e.Email, User: u, Key: s.makeConfirmKey(u.ID, e), ValidFor: s.emailConfirmationExpiry()})
}

// ConfirmCode checks a code typed on the email stage's page against the one
// mailed for l (3 attempts, Config.EmailVerificationCodeTimeout) and, when
// it matches, marks the address verified. The caller saves l whatever the
// answer (the attempt counts). The stand-in of a taken address never
// matches.
func (s *Service) ConfirmCode(ctx context.Context, l *Login, typed string, c Client) error {
	if normalizeCode(typed) == "" {
		return fieldErr("code", CodeRequired, nil)
	}
	if l.Phantom && l.Code == nil && s.Config.EmailVerificationByCode && !l.MailedAt.IsZero() {
		// The stand-in's code, as the one a real signup mailed (made
		// when first needed; nobody knows it): it counts attempts and
		// expires alike, and a dead one stays (a real one is dropped, and
		// answers the same).
		// Its hash is the same for every request of this stand-in (tries
		// at once count together, as a real code's do) and matches no
		// code.
		l.Code = &pendingCode{Hash: s.codeHash("email.stand_in", l.Email+"|"+l.MailedAt.UTC().Format(time.RFC3339Nano)),
			Expires: l.MailedAt.Add(s.emailCodeTTL())}
	}
	ok, spent, err := s.checkCode(ctx, "email", l.Code, typed)
	if err != nil {
		return err
	}
	if l.Phantom && ok {
		ok, spent = false, l.Code.Attempts >= s.codeMaxAttempts()
	}
	if !ok {
		s.log().Info("email verification code refused", "event", "email_code_rejected", "user_id", l.UserID, "ip", c.IP)
		if spent {
			if !l.Phantom {
				l.Code = nil
			}
			return fieldErr("code", CodeCodeExpired, nil)
		}
		return fieldErr("code", CodeCodeIncorrect, nil)
	}
	l.Code = nil
	return s.markVerified(ctx, l.UserID, l.Email, c)
}

func (s *Service) markVerified(ctx context.Context, userID int64, email string, c Client) error {
	if err := s.Users.VerifyEmail(ctx, userID, email); err != nil {
		if errors.Is(err, user.ErrNotFound) {
			return &Error{Code: CodeConfirmationInvalid}
		}
		return fmt.Errorf("account: verify email: %w", err)
	}
	s.event(ctx, "email_confirmed", userID, c, "email", email)
	if s.Hooks.OnEmailConfirmed != nil {
		s.Hooks.OnEmailConfirmed(ctx, userID, email, c)
	}
	if s.Config.ChangeEmail {
		return s.completeChange(ctx, userID, email, c)
	}
	return nil
}

// Confirmation is what a confirmation link confirms.
type Confirmation struct {
	User  *user.User
	Email string
	// Confirmed says the address is verified already: the link was used,
	// or the address was confirmed another way. Confirming it again
	// changes nothing.
	Confirmed bool
}

// CheckConfirmation reads a confirmation link's key: the user and address
// it confirms, or CodeConfirmationInvalid when it is wrong, expired, or for
// an address the user no longer has. It changes nothing (a GET shows it;
// ConfirmEmail, on POST, confirms).
func (s *Service) CheckConfirmation(ctx context.Context, key string) (*Confirmation, error) {
	return s.addressOfKey(ctx, purposeConfirm, key, false)
}

// ConfirmEmail confirms the address of a confirmation link's key.
func (s *Service) ConfirmEmail(ctx context.Context, key string, c Client) (*Confirmation, error) {
	cf, err := s.CheckConfirmation(ctx, key)
	if err != nil || cf.Confirmed {
		// A used link answers as it did, and does nothing: in ChangeEmail
		// mode confirming again would make the address primary once more
		// and drop the addresses pending since.
		return cf, err
	}
	return cf, s.markVerified(ctx, cf.User.ID, cf.Email, c)
}

// HasUnverifiedEmail reports whether one of the user's addresses is not
// verified (the second factor refuses enrolment then, SECURITY.md R7).
func (s *Service) HasUnverifiedEmail(ctx context.Context, userID int64) (bool, error) {
	es, err := s.Users.Emails(ctx, userID)
	if err != nil {
		return false, err
	}
	for _, e := range es {
		if !e.Verified {
			return true, nil
		}
	}
	return false, nil
}
