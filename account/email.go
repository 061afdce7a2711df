package account

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/user"
)

// A user's email addresses, as allauth's EmailAddress: several per user,
// one primary, each verified or not, unique across users (the database's
// index). Every change needs a recent authentication and counts against
// LimitManageEmail. With Config.ChangeEmail (allauth's CHANGE_EMAIL) a user
// has one address: a new one stays pending until confirmed, then replaces
// the old, which is told and can cancel (SECURITY.md R6).

// Emails returns the user's addresses, primary first.
func (s *Service) Emails(ctx context.Context, u *user.User) ([]*user.EmailAddress, error) {
	es, err := s.Users.Emails(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("account: emails: %w", err)
	}
	standIns, err := s.standInAddresses(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range standIns { // listed as any unconfirmed address (see standin.go)
		es = append(es, &user.EmailAddress{UserID: u.ID, Email: e})
	}
	return es, nil
}

// manageEmail checks what every change of addresses needs: a recent
// authentication and a unit of LimitManageEmail.
func (s *Service) manageEmail(ctx context.Context, u *user.User, sess *session.Session, c Client) error {
	if sess == nil || !s.RecentlyAuthenticated(sess) {
		return &Error{Code: CodeReauthenticationRequired}
	}
	_, err := s.RateLimit(ctx, LimitManageEmail, Subjects{IP: c.IP, User: u.ID})
	return err
}

// AddEmail adds an address to u, unverified, and mails it a confirmation
// link. An address of another account answers the same (nothing is added;
// its owner is mailed that someone tried), so adding reveals nothing. In
// ChangeEmail mode the user's current address is mailed the change with a
// link that cancels it, and a pending address is replaced.
func (s *Service) AddEmail(ctx context.Context, u *user.User, sess *session.Session, email string, c Client) error {
	email = strings.TrimSpace(email)
	switch {
	case email == "":
		return fieldErr("email", CodeRequired, nil)
	case user.ValidateEmail(email) != nil:
		return fieldErr("email", CodeEmailInvalid, nil)
	}
	if err := s.manageEmail(ctx, u, sess, c); err != nil {
		return err
	}
	es, err := s.Emails(ctx, u)
	if err != nil {
		return err
	}
	key := user.CanonicalEmail(email)
	for _, e := range es {
		if user.CanonicalEmail(e.Email) == key {
			return fieldErr("email", CodeEmailAlreadyYours, nil)
		}
	}
	if !s.Config.ChangeEmail && s.Config.MaxEmailAddresses > 0 && len(es) >= s.Config.MaxEmailAddresses {
		return fieldErr("email", CodeTooManyEmails, map[string]any{"max": s.Config.MaxEmailAddresses})
	}
	owner, err := s.Users.UserByEmail(ctx, email)
	switch {
	case err == nil && owner.ID != u.ID:
		if err := s.addStandIn(ctx, u.ID, email); err != nil {
			return fmt.Errorf("account: add email: %w", err)
		}
		if s.Config.ChangeEmail && u.Email != "" {
			// The old address hears of the change as for a free one; its
			// cancel link takes the stand-in away.
			if err := s.send(ctx, s.Mail, Notice{Kind: NoticeEmailChangeRequested, To: u.Email, User: u, NewEmail: email,
				Key: s.makeCancelKey(u.ID, &user.EmailAddress{Email: email}), ValidFor: s.emailConfirmationExpiry()}); err != nil {
				return err
			}
		}
		s.event(ctx, "email_added", u.ID, c, "email", email, "taken", true)
		return s.tellOwner(ctx, owner, email, c)
	case err != nil && !errors.Is(err, user.ErrNotFound):
		return fmt.Errorf("account: add email: %w", err)
	}
	// The confirmation counts against the confirm_email cooldown, as a
	// taken address's notice to its owner does: a resend right after
	// either answers alike.
	mailNow, err := s.confirmMailDue(ctx, email, c)
	if err != nil {
		return err
	}
	if s.Config.ChangeEmail { // a new pending address replaces a stand-in too
		if err := s.saveStandIns(ctx, u.ID, nil); err != nil {
			return fmt.Errorf("account: add email: %w", err)
		}
	}
	err = s.atomic(ctx, func(tx user.Store, q mail.Queue) error {
		if s.Config.ChangeEmail {
			for _, e := range es {
				if !e.Primary && e.ID != 0 {
					if err := tx.RemoveEmail(ctx, u.ID, e.Email); err != nil {
						return err
					}
				}
			}
		}
		e := &user.EmailAddress{UserID: u.ID, Email: email, Primary: len(es) == 0}
		if err := tx.AddEmail(ctx, e); err != nil {
			return err
		}
		if mailNow {
			if err := s.send(ctx, q, Notice{Kind: NoticeEmailConfirmation, To: e.Email, User: u,
				Key: s.makeConfirmKey(u.ID, e), ValidFor: s.emailConfirmationExpiry()}); err != nil {
				return err
			}
		}
		if s.Config.ChangeEmail && u.Email != "" {
			return s.send(ctx, q, Notice{Kind: NoticeEmailChangeRequested, To: u.Email, User: u, NewEmail: e.Email,
				Key: s.makeCancelKey(u.ID, e), ValidFor: s.emailConfirmationExpiry()})
		}
		return nil
	})
	if errors.Is(err, user.ErrDuplicate) {
		// Taken between the check and the insert: the same answer.
		return nil
	}
	if err != nil {
		return fmt.Errorf("account: add email: %w", err)
	}
	s.event(ctx, "email_added", u.ID, c, "email", email)
	if s.Hooks.OnEmailAdded != nil {
		s.Hooks.OnEmailAdded(ctx, u, email, c)
	}
	return nil
}

// tellOwner answers an attempt to add an address another account has: its
// owner is mailed (at most once per confirm_email cooldown), the caller
// hears nothing different.
func (s *Service) tellOwner(ctx context.Context, owner *user.User, email string, c Client) error {
	if due, err := s.confirmMailDue(ctx, email, c); !due || err != nil {
		return err
	}
	return s.send(ctx, s.Mail, Notice{Kind: NoticeEmailTaken, To: s.storedAddress(ctx, owner, email), User: owner})
}

// storedAddress returns owner's address as stored that typed matches
// canonically: mail about it goes there, never to the typed form, which may
// be another mailbox (bob@straße.de matches bob@strasse.de).
func (s *Service) storedAddress(ctx context.Context, owner *user.User, typed string) string {
	if e, err := emailAddress(ctx, s.Users, owner.ID, typed); err == nil && e != nil {
		return e.Email
	}
	return owner.Email
}

// ResendConfirmation mails one of u's unverified addresses its
// confirmation link again (the confirm_email cooldown applies).
func (s *Service) ResendConfirmation(ctx context.Context, u *user.User, email string, c Client) error {
	e, err := emailAddress(ctx, s.Users, u.ID, email)
	if err != nil {
		return fmt.Errorf("account: resend: %w", err)
	}
	if e == nil {
		standIns, err := s.standInAddresses(ctx, u.ID)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(standIns, func(x string) bool { return user.CanonicalEmail(x) == user.CanonicalEmail(email) }) {
			return fieldErr("email", CodeEmailUnknown, nil)
		}
		// A stand-in answers as a real resend does, and sends nothing.
		_, err = s.RateLimit(ctx, LimitConfirmEmail, Subjects{IP: c.IP, Key: user.CanonicalEmail(email)})
		return err
	}
	if e.Verified {
		return fieldErr("email", CodeEmailUnknown, nil)
	}
	if _, err := s.RateLimit(ctx, LimitConfirmEmail, Subjects{IP: c.IP, Key: user.CanonicalEmail(e.Email)}); err != nil {
		return err
	}
	return s.send(ctx, s.Mail, Notice{Kind: NoticeEmailConfirmation, To: e.Email, User: u,
		Key: s.makeConfirmKey(u.ID, e), ValidFor: s.emailConfirmationExpiry()})
}

// MakePrimaryEmail makes one of u's verified addresses the primary one. An
// unverified address never becomes primary (stricter than allauth, which
// allows it while no address is verified): the login address is one the
// user proved, and a taken address's stand-in answers like any other.
func (s *Service) MakePrimaryEmail(ctx context.Context, u *user.User, sess *session.Session, email string, c Client) error {
	if err := s.manageEmail(ctx, u, sess, c); err != nil {
		return err
	}
	es, err := s.Emails(ctx, u)
	if err != nil {
		return err
	}
	var target *user.EmailAddress
	for _, e := range es {
		if user.CanonicalEmail(e.Email) == user.CanonicalEmail(email) {
			target = e
		}
	}
	switch {
	case target == nil:
		return fieldErr("email", CodeEmailUnknown, nil)
	case target.Primary:
		return nil
	case !target.Verified:
		return fieldErr("email", CodeEmailUnverifiedPrimary, nil)
	}
	old := u.Email
	// The former primary address is told, in the same transaction: if it
	// was not its owner, a reset through it (still a verified address of
	// the account) takes the account back.
	err = s.atomic(ctx, func(tx user.Store, q mail.Queue) error {
		if err := tx.SetPrimaryEmail(ctx, u.ID, target.Email); err != nil {
			return err
		}
		if old == "" || user.CanonicalEmail(old) == user.CanonicalEmail(target.Email) {
			return nil
		}
		return s.send(ctx, q, Notice{Kind: NoticeEmailChanged, To: old, User: u, Lang: mailLang(u, c), NewEmail: target.Email})
	})
	if err != nil {
		return fmt.Errorf("account: primary email: %w", err)
	}
	u.Email = target.Email
	s.event(ctx, "email_changed", u.ID, c, "from", old, "to", target.Email)
	if s.Hooks.OnEmailChanged != nil {
		s.Hooks.OnEmailChanged(ctx, u, old, target.Email, c)
	}
	return nil
}

// RemoveEmail removes one of u's addresses. The primary address cannot be
// removed (make another primary first), nor the last verified one while it
// is the only way in (no usable password, or login by email only).
func (s *Service) RemoveEmail(ctx context.Context, u *user.User, sess *session.Session, email string, c Client) error {
	if err := s.manageEmail(ctx, u, sess, c); err != nil {
		return err
	}
	es, err := s.Emails(ctx, u)
	if err != nil {
		return err
	}
	var target *user.EmailAddress
	verified := 0
	for _, e := range es {
		if e.Verified {
			verified++
		}
		if user.CanonicalEmail(e.Email) == user.CanonicalEmail(email) {
			target = e
		}
	}
	onlyWayIn := !u.HasUsablePassword() || s.LoginMethod() == LoginByEmail
	switch {
	case target == nil:
		return fieldErr("email", CodeEmailUnknown, nil)
	case target.Primary:
		return fieldErr("email", CodeEmailPrimaryRemove, nil)
	case target.Verified && verified == 1 && onlyWayIn:
		return fieldErr("email", CodeEmailLastWayIn, nil)
	}
	if target.ID == 0 { // a stand-in
		if _, err := s.removeStandIn(ctx, u.ID, target.Email); err != nil {
			return fmt.Errorf("account: remove email: %w", err)
		}
	} else if err := s.Users.RemoveEmail(ctx, u.ID, target.Email); err != nil {
		return fmt.Errorf("account: remove email: %w", err)
	}
	s.event(ctx, "email_removed", u.ID, c, "email", target.Email)
	if s.Hooks.OnEmailRemoved != nil {
		s.Hooks.OnEmailRemoved(ctx, u, target.Email, c)
	}
	return nil
}

// completeChange finishes a change of address in ChangeEmail mode once the
// new one is confirmed: it becomes the primary and the others go.
func (s *Service) completeChange(ctx context.Context, userID int64, email string, c Client) error {
	u, err := s.Users.User(ctx, userID)
	if err != nil {
		return fmt.Errorf("account: change email: %w", err)
	}
	old := u.Email
	err = s.Users.Atomic(ctx, func(tx user.Store) error {
		if err := tx.SetPrimaryEmail(ctx, userID, email); err != nil {
			return err
		}
		es, err := tx.Emails(ctx, userID)
		if err != nil {
			return err
		}
		for _, e := range es {
			if !e.Primary {
				if err := tx.RemoveEmail(ctx, userID, e.Email); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("account: change email: %w", err)
	}
	u.Email = email
	s.event(ctx, "email_changed", userID, c, "from", old, "to", email)
	if s.Hooks.OnEmailChanged != nil {
		s.Hooks.OnEmailChanged(ctx, u, old, email, c)
	}
	return nil
}

// Cancel keys undo a pending change of address (ChangeEmail mode): the old
// address's notice carries one. "<user id>-<address id>-<timestamp>-<sig>",
// as confirmation keys but under a key of their own.

func (s *Service) makeCancelKey(uid int64, e *user.EmailAddress) string {
	return s.addressKey(purposeCancel, uid, e)
}

// CheckCancelKey returns the user and the pending address a cancel link
// would remove, or CodeConfirmationInvalid (wrong, expired, or the address
// is gone or already confirmed).
func (s *Service) CheckCancelKey(ctx context.Context, key string) (*Confirmation, error) {
	return s.addressOfKey(ctx, purposeCancel, key, true)
}

// CancelEmailChange removes the pending address of a cancel link: the
// typo case, where the login address stays as it was.
func (s *Service) CancelEmailChange(ctx context.Context, key string, c Client) (*Confirmation, error) {
	cf, err := s.CheckCancelKey(ctx, key)
	if err != nil {
		return nil, err
	}
	if err := s.Users.RemoveEmail(ctx, cf.User.ID, cf.Email); err != nil && !errors.Is(err, user.ErrNotFound) {
		return nil, fmt.Errorf("account: cancel email change: %w", err)
	}
	if _, err := s.removeStandIn(ctx, cf.User.ID, cf.Email); err != nil {
		return nil, fmt.Errorf("account: cancel email change: %w", err)
	}
	s.event(ctx, "email_change_cancelled", cf.User.ID, c, "email", cf.Email)
	return cf, nil
}
