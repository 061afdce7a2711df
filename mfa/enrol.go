package mfa

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/user"
)

// Enrolment is an authenticator app being added: the secret to show (as
// text, in URI and as a QR code) and State, the secret sealed to the user
// with the time it was made, which the confirming form posts back. Nothing
// is stored until a code from the app confirms it (SECURITY.md M2).
type Enrolment struct {
	Secret string
	URI    string
	// QR is URI's QR code, a PNG.
	QR    []byte
	State string
}

type enrolState struct {
	Secret string `json:"s"`
	At     int64  `json:"t"`
}

const enrolPurpose = "mfa.totp_enrolment"

// BeginTOTP makes a new secret for u's authenticator app. label is the
// account's name in the app (the username or address).
func (s *Service) BeginTOTP(u *user.User, label string) (*Enrolment, error) {
	secret, err := NewSecret()
	if err != nil {
		return nil, err
	}
	uri := s.Config.TOTP.URI(secret, label)
	qr, err := QRCode(uri, 256)
	if err != nil {
		return nil, err
	}
	plain, _ := json.Marshal(enrolState{Secret: secret, At: s.now().Unix()})
	state := base64.RawURLEncoding.EncodeToString(s.Account.Keys.Seal(enrolPurpose, plain, enrolAD(u.ID)))
	return &Enrolment{Secret: secret, URI: uri, QR: qr, State: state}, nil
}

// ResumeTOTP returns the enrolment of state again (the form shown again
// after a wrong code), CodeEnrolmentExpired when it is too old or not u's.
func (s *Service) ResumeTOTP(u *user.User, state, label string) (*Enrolment, error) {
	secret, err := s.openEnrolment(u, state)
	if err != nil {
		return nil, err
	}
	uri := s.Config.TOTP.URI(secret, label)
	qr, err := QRCode(uri, 256)
	if err != nil {
		return nil, err
	}
	return &Enrolment{Secret: secret, URI: uri, QR: qr, State: state}, nil
}

func enrolAD(userID int64) []byte { return []byte("enrol/" + strconv.FormatInt(userID, 10)) }

func (s *Service) openEnrolment(u *user.User, state string) (string, error) {
	sealed, err := base64.RawURLEncoding.DecodeString(state)
	if err != nil || len(state) > 512 {
		return "", &account.Error{Code: CodeEnrolmentExpired}
	}
	plain, err := s.Account.Keys.Open(enrolPurpose, sealed, enrolAD(u.ID))
	if err != nil {
		return "", &account.Error{Code: CodeEnrolmentExpired}
	}
	var st enrolState
	if json.Unmarshal(plain, &st) != nil || s.now().Sub(time.Unix(st.At, 0)) > enrolmentTimeout {
		return "", &account.Error{Code: CodeEnrolmentExpired}
	}
	return st.Secret, nil
}

// ActivateTOTP adds u's authenticator app once code, from the app, matches
// the secret of state; it makes a set of recovery codes when u has none
// and returns them (shown once). sess is the signed-in session, which must
// have authenticated recently (account.CodeReauthenticationRequired
// otherwise); mail tells the user. A wrong code is
// account.CodeCodeIncorrect on field "code"; a user with an unverified
// address gets CodeUnverifiedEmail unless Config.AllowUnverifiedEmail.
func (s *Service) ActivateTOTP(ctx context.Context, u *user.User, sess *session.Session, state, code string, c account.Client) ([]string, error) {
	if sess == nil || !s.Account.RecentlyAuthenticated(sess) {
		return nil, &account.Error{Code: account.CodeReauthenticationRequired}
	}
	return s.activate(ctx, u, state, code, c)
}

// ActivateTOTPAtLogin is ActivateTOTP at the enrolment stage of l, a
// login whose user must enrol (StageEnrol): its first factor was just
// proved, so no session is asked for. It passes l's enrolment and second
// factor stages (the code just typed is one); the caller saves l.
func (s *Service) ActivateTOTPAtLogin(ctx context.Context, l *account.Login, state, code string, c account.Client) ([]string, error) {
	u := l.User()
	if u == nil {
		return nil, &account.Error{Code: account.CodeLoginExpired}
	}
	codes, err := s.activate(ctx, u, state, code, c)
	if err != nil {
		return nil, err
	}
	l.Pass(StageEnrol)
	l.Pass(StageAuthenticate)
	return codes, nil
}

func (s *Service) activate(ctx context.Context, u *user.User, state, code string, c account.Client) ([]string, error) {
	if !s.Supports(TypeTOTP) {
		return nil, &account.Error{Code: CodeNotActive}
	}
	if normalizeDigits(code) == "" {
		return nil, account.FieldError("code", account.CodeRequired)
	}
	secret, err := s.openEnrolment(u, state)
	if err != nil {
		return nil, err
	}
	if !s.Config.AllowUnverifiedEmail {
		if unverified, err := s.Account.HasUnverifiedEmail(ctx, u.ID); err != nil {
			return nil, fmt.Errorf("mfa: activate: %w", err)
		} else if unverified {
			return nil, &account.Error{Code: CodeUnverifiedEmail}
		}
	}
	if as, err := s.Store.Authenticators(ctx, u.ID); err != nil {
		return nil, fmt.Errorf("mfa: activate: %w", err)
	} else if hasType(as, TypeTOTP) {
		return nil, &account.Error{Code: CodeAlreadyActive}
	}
	if _, err := s.Account.RateLimit(ctx, account.LimitReauthenticate, account.Subjects{IP: c.IP, User: u.ID}); err != nil {
		return nil, err
	}
	now := s.now()
	step, ok, err := s.Config.TOTP.Verify(secret, code, now)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, account.FieldError("code", account.CodeCodeIncorrect)
	}
	to, err := s.Account.NoticeAddress(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("mfa: activate: %w", err)
	}
	var codes []string
	err = s.tx(ctx, func(st Store, q mail.Queue) error {
		if used, err := st.UseTOTPStep(ctx, u.ID, step, s.stepUntil(now)); err != nil || !used {
			if err == nil {
				err = account.FieldError("code", account.CodeCodeIncorrect)
			}
			return err
		}
		a := &Authenticator{UserID: u.ID, Type: TypeTOTP, Data: SealTOTPSecret(s.Account.Keys, u.ID, secret), CreatedAt: now.UTC()}
		if err := st.AddAuthenticator(ctx, a); errors.Is(err, user.ErrDuplicate) {
			return &account.Error{Code: CodeAlreadyActive}
		} else if err != nil {
			return err
		}
		if s.Supports(TypeRecoveryCodes) {
			as, err := st.Authenticators(ctx, u.ID)
			if err != nil {
				return err
			}
			if !hasType(as, TypeRecoveryCodes) {
				var set *RecoverySet
				if codes, set, err = s.Config.Recovery.New(RecoveryKey(s.Account.Keys)); err != nil {
					return err
				}
				if err := st.AddAuthenticator(ctx, &Authenticator{UserID: u.ID, Type: TypeRecoveryCodes, Data: RecoveryData(set), CreatedAt: now.UTC()}); err != nil {
					return err
				}
			}
		}
		return s.Account.Notify(ctx, q, account.Notice{Kind: account.NoticeTOTPActivated, To: to, User: u}, c)
	})
	if err != nil {
		if account.AsErrors(err) != nil {
			return nil, err
		}
		return nil, fmt.Errorf("mfa: activate: %w", err)
	}
	s.Account.Event(ctx, "mfa_added", u.ID, c, "type", TypeTOTP)
	return codes, nil
}

// stepUntil is how long a used TOTP step must be remembered: past the
// last moment any tolerance could accept it.
func (s *Service) stepUntil(now time.Time) time.Time {
	p := s.Config.TOTP.period()
	return now.Add(time.Duration(2*s.Config.TOTP.Tolerance+2) * p)
}

func hasType(as []*Authenticator, t string) bool {
	for _, a := range as {
		if a.Type == t {
			return true
		}
	}
	return false
}

// DeactivateTOTP removes u's authenticator app and, with no security key
// left to back up, the recovery codes; it ends u's other sessions (SECURITY.md
// S5) and mails a notice. It needs a recent authentication; a user
// required to use two-factor authentication gets CodeRequired.
func (s *Service) DeactivateTOTP(ctx context.Context, u *user.User, sess *session.Session, c account.Client) error {
	if sess == nil || !s.Account.RecentlyAuthenticated(sess) {
		return &account.Error{Code: account.CodeReauthenticationRequired}
	}
	req, err := s.Required(ctx, u)
	if err != nil {
		return err
	}
	to, err := s.Account.NoticeAddress(ctx, u)
	if err != nil {
		return fmt.Errorf("mfa: deactivate: %w", err)
	}
	err = s.tx(ctx, func(st Store, q mail.Queue) error {
		as, err := st.Authenticators(ctx, u.ID)
		if err != nil {
			return err
		}
		if !hasType(as, TypeTOTP) {
			return &account.Error{Code: CodeNotActive}
		}
		// A security key left keeps two-factor on, and the codes with it.
		keyLeft := hasType(as, TypeWebAuthn)
		if req && !keyLeft {
			return &account.Error{Code: CodeRequired}
		}
		for _, a := range as {
			if a.Type == TypeTOTP || a.Type == TypeRecoveryCodes && !keyLeft {
				if err := st.DeleteAuthenticator(ctx, u.ID, a.ID); err != nil {
					return err
				}
			}
		}
		return s.Account.Notify(ctx, q, account.Notice{Kind: account.NoticeTOTPDeactivated, To: to, User: u}, c)
	})
	if err != nil {
		if account.AsErrors(err) != nil {
			return err
		}
		return fmt.Errorf("mfa: deactivate: %w", err)
	}
	if err := s.Account.Sessions.DeleteUser(ctx, u.ID, sess.ID); err != nil {
		return fmt.Errorf("mfa: deactivate: end sessions: %w", err)
	}
	s.Account.Event(ctx, "mfa_removed", u.ID, c, "type", TypeTOTP)
	return nil
}

// GenerateRecoveryCodes replaces u's recovery codes with a new set and
// returns its codes (shown once); the old set stops working. It needs a
// recent authentication and a factor (an app or a key); mail tells the
// user.
func (s *Service) GenerateRecoveryCodes(ctx context.Context, u *user.User, sess *session.Session, c account.Client) ([]string, error) {
	if sess == nil || !s.Account.RecentlyAuthenticated(sess) {
		return nil, &account.Error{Code: account.CodeReauthenticationRequired}
	}
	if !s.Supports(TypeRecoveryCodes) {
		return nil, &account.Error{Code: CodeNotActive}
	}
	codes, set, err := s.Config.Recovery.New(RecoveryKey(s.Account.Keys))
	if err != nil {
		return nil, err
	}
	to, err := s.Account.NoticeAddress(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("mfa: recovery codes: %w", err)
	}
	err = s.tx(ctx, func(st Store, q mail.Queue) error {
		as, err := st.Authenticators(ctx, u.ID)
		if err != nil {
			return err
		}
		if !isFactor(as) {
			return &account.Error{Code: CodeNotActive}
		}
		for _, a := range as {
			if a.Type == TypeRecoveryCodes {
				if err := st.DeleteAuthenticator(ctx, u.ID, a.ID); err != nil {
					return err
				}
			}
		}
		if err := st.AddAuthenticator(ctx, &Authenticator{UserID: u.ID, Type: TypeRecoveryCodes, Data: RecoveryData(set), CreatedAt: s.now().UTC()}); err != nil {
			return err
		}
		return s.Account.Notify(ctx, q, account.Notice{Kind: account.NoticeRecoveryCodesGenerated, To: to, User: u}, c)
	})
	if err != nil {
		if account.AsErrors(err) != nil {
			return nil, err
		}
		return nil, fmt.Errorf("mfa: recovery codes: %w", err)
	}
	s.Account.Event(ctx, "mfa_reset", u.ID, c, "type", TypeRecoveryCodes)
	return codes, nil
}

// Reset removes every factor of the user (an operator's answer to a lost
// phone: `gatehouse user mfa-reset`), ends the user's sessions and logs it
// as a security event. It returns how many authenticators went.
func (s *Service) Reset(ctx context.Context, u *user.User, c account.Client) (int, error) {
	n, err := s.Store.DeleteAuthenticators(ctx, u.ID)
	if err != nil {
		return 0, fmt.Errorf("mfa: reset: %w", err)
	}
	if err := s.Account.Sessions.DeleteUser(ctx, u.ID, ""); err != nil {
		return n, fmt.Errorf("mfa: reset: end sessions: %w", err)
	}
	s.log().Warn("two-factor reset", "event", "mfa_reset_by_operator", "user_id", u.ID, "removed", n, "ip", c.IP)
	return n, nil
}
