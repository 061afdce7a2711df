package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/user"
)

// NoticeKind names a mail the account flows send. Each has a template (text
// and HTML, per language) in the adapter that renders it.
type NoticeKind string

// The account mails.
const (
	// NoticeEmailConfirmation carries a confirmation link key.
	NoticeEmailConfirmation NoticeKind = "email_confirmation"
	// NoticeEmailConfirmationCode carries a confirmation code.
	NoticeEmailConfirmationCode NoticeKind = "email_confirmation_code"
	// NoticeAccountAlreadyExists tells the owner of an address that
	// someone tried to sign up with it (enumeration prevention).
	NoticeAccountAlreadyExists NoticeKind = "account_already_exists"
	// NoticePasswordReset carries a password-reset link key.
	NoticePasswordReset NoticeKind = "password_reset"
	// NoticePasswordResetCode carries a password-reset code.
	NoticePasswordResetCode NoticeKind = "password_reset_code"
	// NoticeUnknownAccount answers a reset request for an address no
	// account has.
	NoticeUnknownAccount NoticeKind = "unknown_account"
	// NoticePasswordChanged tells the user their password was changed or
	// reset.
	NoticePasswordChanged NoticeKind = "password_changed"
	// NoticeReauthenticationCode carries a code that reauthenticates a
	// user without a usable password.
	NoticeReauthenticationCode NoticeKind = "reauthentication_code"
	// NoticeLoginCode carries a login code.
	NoticeLoginCode NoticeKind = "login_code"
	// NoticeEmailTaken tells the owner of an address that someone tried
	// to add it to another account.
	NoticeEmailTaken NoticeKind = "email_taken"
	// NoticeEmailChangeRequested tells the current address of a change to
	// NewEmail, with a link key that cancels it.
	NoticeEmailChangeRequested NoticeKind = "email_change_requested"
	// NoticeEmailChanged tells the former primary address that NewEmail
	// became the account's primary address.
	NoticeEmailChanged NoticeKind = "email_changed"
	// NoticeTOTPActivated tells the user an authenticator app was added
	// as a second factor.
	NoticeTOTPActivated NoticeKind = "totp_activated"
	// NoticeTOTPDeactivated tells the user their authenticator app (and
	// with it two-factor authentication) was removed.
	NoticeTOTPDeactivated NoticeKind = "totp_deactivated"
	// NoticeRecoveryCodesGenerated tells the user a new set of recovery
	// codes replaced the old one.
	NoticeRecoveryCodesGenerated NoticeKind = "recovery_codes_generated"
	// NoticeRecoveryCodeUsed tells the user a recovery code was used;
	// Count is how many are left.
	NoticeRecoveryCodeUsed NoticeKind = "recovery_code_used"
	// NoticeWebAuthnAdded tells the user a security key or passkey
	// (Factor, its name) was added.
	NoticeWebAuthnAdded NoticeKind = "webauthn_added"
	// NoticeWebAuthnRemoved tells the user a security key or passkey
	// (Factor) was removed.
	NoticeWebAuthnRemoved NoticeKind = "webauthn_removed"
)

// Notice is one mail to render: its kind, the address, the user it concerns
// (nil when no account has the address) and what it carries. Links are
// built by the renderer from the configured site URL, never from a
// request's Host header.
type Notice struct {
	Kind NoticeKind
	To   string
	User *user.User
	// Lang is the user's language ("" for the site's default).
	Lang string
	// Key is the link key of a confirmation or reset mail: the renderer
	// puts it in the page's URL.
	Key string
	// Code is the code of a code mail, in its display form (XXXX-XXXX).
	Code string
	// ValidFor is how long the key or code works.
	ValidFor time.Duration
	// NewEmail is the address a change of address goes to.
	NewEmail string
	// Count is how many recovery codes are left (NoticeRecoveryCodeUsed).
	Count int
	// Factor names the factor a notice is about (a key's name).
	Factor string
}

// Notices renders account mails. The HTML pages' package implements it
// with templates and catalogs (package web, MailRenderer).
type Notices interface {
	Render(n Notice) (*mail.Message, error)
}

// mailLang returns the language of mail to u (nil: an address without an
// account) asked for by c: u's stored language, else the request's.
func mailLang(u *user.User, c Client) string {
	if u != nil && u.Language != "" {
		return u.Language
	}
	return c.Lang
}

// errNoMail is the error of a flow that must mail while the Service has no
// Mail queue or no Notices.
var errNoMail = errors.New("account: mail is not configured (Service.Mail and Service.Notices)")

// send renders n and queues it on q (a queue bound to the caller's
// transaction, or Service.Mail).
func (s *Service) send(ctx context.Context, q mail.Queue, n Notice) error {
	if q == nil || s.Notices == nil {
		return errNoMail
	}
	if n.Lang == "" && n.User != nil {
		n.Lang = n.User.Language
	}
	m, err := s.Notices.Render(n)
	if err != nil {
		return fmt.Errorf("account: render %s mail: %w", n.Kind, err)
	}
	if s.Hooks.SendMail != nil {
		if m, err = s.Hooks.SendMail(ctx, n, m); err != nil {
			return fmt.Errorf("account: %s mail: %w", n.Kind, err)
		}
		if m == nil {
			return nil // the site sends it its own way, or not at all
		}
	}
	if err := q.Enqueue(ctx, m); err != nil {
		return fmt.Errorf("account: queue %s mail: %w", n.Kind, err)
	}
	s.log().Info("mail queued", "event", "mail_queued", "kind", string(n.Kind), "user_id", userID(n.User))
	return nil
}

// atomic runs fn in one transaction of the user store, passing the store
// and the mail queue bound to it: a mail is queued exactly when the writes
// that caused it commit. A store whose transaction is not also a queue
// queues on Service.Mail.
func (s *Service) atomic(ctx context.Context, fn func(users user.Store, q mail.Queue) error) error {
	return s.Users.Atomic(ctx, func(tx user.Store) error {
		q, ok := tx.(mail.Queue)
		if !ok {
			q = s.Mail
		}
		return fn(tx, q)
	})
}

func userID(u *user.User) int64 {
	if u == nil {
		return 0
	}
	return u.ID
}

// NoticeAddress returns where notices about u go: the primary address,
// else the user's first; "" for a user without one.
func (s *Service) NoticeAddress(ctx context.Context, u *user.User) (string, error) {
	return s.noticeAddress(ctx, s.Users, u)
}

// Notify renders n and queues it on q, a queue bound to the caller's
// store transaction, or on Service.Mail when q is nil: the mail of a flow
// built on the account's (the second factor's notices). n.Lang defaults
// to the user's language, else c's. A notice without an address (n.To
// "", a user without one) is not sent.
func (s *Service) Notify(ctx context.Context, q mail.Queue, n Notice, c Client) error {
	if n.To == "" {
		return nil
	}
	if q == nil {
		q = s.Mail
	}
	if n.Lang == "" {
		n.Lang = mailLang(n.User, c)
	}
	return s.send(ctx, q, n)
}
