package account

import (
	"log/slog"
	"time"

	"github.com/gatehouse-auth/gatehouse/flow"
	"github.com/gatehouse-auth/gatehouse/internal/keys"
	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/password"
	"github.com/gatehouse-auth/gatehouse/ratelimit"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/user"
)

// Client is what the flows know of the request: never the request itself.
type Client struct {
	IP        string
	UserAgent string
	// Lang is the language of the pages the request came from ("en",
	// "ru"; "" when unknown): mail to an address without an account, or
	// to a user without a stored language, is written in it.
	Lang string
}

// LoginMethod says what the "login" field of the login form may hold.
type LoginMethod string

// Login methods, as allauth's LOGIN_METHODS.
const (
	LoginByUsername        LoginMethod = "username"
	LoginByEmail           LoginMethod = "email"
	LoginByUsernameOrEmail LoginMethod = "username_email"
)

// Config tunes the flows. Its zero value works.
type Config struct {
	// LoginMethod: the default is LoginByUsernameOrEmail.
	LoginMethod LoginMethod
	// SignupClosed refuses new signups (the CLI can still create users).
	SignupClosed bool
	// EmailRequired makes the email field mandatory at signup. The default is optional.
	EmailRequired bool
	// RateLimits are the rules of the rate-limited actions (LimitLogin,
	// LimitLoginFailed, …), by allauth's names and in its syntax (see
	// ratelimit.ParseRules): "10/m/ip,5/300s/key", or "off" for no limit.
	// An action it does not name keeps its default (DefaultRateLimits,
	// allauth's); login_failed's 5/300s/key is the lock of one login
	// identity (NIST caps it at 100). CheckRateLimits reports a mistake.
	RateLimits map[string]string
	// ContextWords are words of this service (its name, its domain) that a
	// password may not be built on: "Gatehouse2026" is refused when
	// "gatehouse" is one (SECURITY.md P3). Words shorter than 4 characters
	// are ignored. The root package adds the site name.
	ContextWords []string
	// UsernameBlocklist holds usernames nobody may take (canonical compare).
	// The default blocks a few operator names: admin, root, administrator, …
	UsernameBlocklist []string

	// EmailVerification is allauth's EMAIL_VERIFICATION: EmailVerificationOptional
	// (the default) mails a confirmation at signup; EmailVerificationMandatory
	// also holds every login at a stage until an address is verified;
	// EmailVerificationNone mails nothing.
	EmailVerification EmailVerification
	// EmailVerificationByCode confirms addresses with a mailed code typed on
	// /accounts/confirm-email/ instead of a link (allauth's
	// EMAIL_VERIFICATION_BY_CODE_ENABLED); the link URLs then answer 404.
	EmailVerificationByCode bool
	// EmailConfirmationExpiry: the default is 3 days
	// (EMAIL_CONFIRMATION_EXPIRE_DAYS).
	EmailConfirmationExpiry time.Duration
	// EmailVerificationCodeTimeout: the default is 10 minutes (SECURITY.md
	// R5; allauth's is 15).
	EmailVerificationCodeTimeout time.Duration
	// PasswordResetByCode resets passwords with a mailed code instead of a
	// link (PASSWORD_RESET_BY_CODE_ENABLED).
	PasswordResetByCode bool
	// PasswordResetTimeout bounds a reset link's life: the default is 1
	// hour (SECURITY.md R1; Django's PASSWORD_RESET_TIMEOUT is 3 days).
	PasswordResetTimeout time.Duration
	// PasswordResetCodeTimeout: the default is 3 minutes
	// (PASSWORD_RESET_BY_CODE_TIMEOUT).
	PasswordResetCodeTimeout time.Duration
	// LoginOnPasswordReset signs the user in after a reset
	// (LOGIN_ON_PASSWORD_RESET), through the login's stages.
	LoginOnPasswordReset bool
	// QuietUnknownAccounts stops the "no account uses this address" mail a
	// reset request for an unknown address gets (allauth's
	// EMAIL_UNKNOWN_ACCOUNTS=False).
	QuietUnknownAccounts bool
	// RevealTakenEmails turns enumeration prevention off at signup: with
	// mandatory verification a taken address is then a field error, as with
	// optional verification (allauth's PREVENT_ENUMERATION=False).
	RevealTakenEmails bool
	// SessionRemember is allauth's SESSION_REMEMBER: RememberAsk (the
	// default: a "Remember me" box), RememberAlways or RememberNever.
	SessionRemember RememberMode
	// SignupFields are allauth's SIGNUP_FIELDS (see SignupFields). The
	// default is DefaultSignupFields.
	SignupFields []string
	// SignupHoneypot names a field the signup form carries hidden: a bot
	// that fills it is answered as if signed up, and nothing is stored
	// (SIGNUP_FORM_HONEYPOT_FIELD). "" is none.
	SignupHoneypot string
	// LoginByCode lets users sign in with a code mailed to their address
	// (allauth's LOGIN_BY_CODE_ENABLED). The default is off.
	LoginByCode bool
	// LoginCodeTimeout: the default is 3 minutes (LOGIN_BY_CODE_TIMEOUT).
	LoginCodeTimeout time.Duration
	// ChangeEmail keeps one address per user (allauth's CHANGE_EMAIL): a
	// new address stays pending until confirmed, then replaces the old one,
	// which is mailed the change with a link that cancels it.
	ChangeEmail bool
	// MaxEmailAddresses bounds a user's addresses (MAX_EMAIL_ADDRESSES);
	// zero is no bound.
	MaxEmailAddresses int
	// CodeMaxAttempts bounds the tries at one mailed code: the default is 3.
	CodeMaxAttempts int
	// LoginTimeout bounds a login in progress (its stages): the default is
	// 15 minutes (LOGIN_TIMEOUT).
	LoginTimeout time.Duration
}

// RememberMode is Config.SessionRemember.
type RememberMode string

// Remember modes.
const (
	RememberAsk    RememberMode = ""
	RememberAlways RememberMode = "always"
	RememberNever  RememberMode = "never"
)

// EmailVerification is Config.EmailVerification.
type EmailVerification string

// Email verification modes, as allauth's.
const (
	EmailVerificationOptional  EmailVerification = "optional"
	EmailVerificationMandatory EmailVerification = "mandatory"
	EmailVerificationNone      EmailVerification = "none"
)

// Service runs the account flows over a user store.
type Service struct {
	Users user.Store
	// Sessions are the users' sessions, which reauthentication, ending
	// sessions and password changes write.
	Sessions   session.Store
	Limits     ratelimit.Store
	Passwords  *password.Set
	Validators []password.Validator
	Config     Config
	Hooks      Hooks
	Log        *slog.Logger
	// Now is the clock; the default is time.Now.
	Now func() time.Time

	// Flows keep logins in progress, reset keys and codes between requests.
	Flows flow.Store
	// Keys derive the keys of tokens and codes from the secret key.
	Keys *keys.Ring
	// Mail queues account mail outside a store transaction (a store whose
	// transactions are queues, as sqlstore's, queues there instead).
	Mail mail.Queue
	// Notices renders account mail.
	Notices Notices
	// Stages are extra login stages, after the built-in ones (verified
	// email): a second factor and such plug in here.
	Stages []Stage
}

// Defaults of Config's durations and counts.
const (
	defaultEmailConfirmationExpiry  = 3 * 24 * time.Hour
	defaultEmailVerificationCodeTTL = 10 * time.Minute
	defaultPasswordResetTimeout     = time.Hour
	defaultPasswordResetCodeTTL     = 3 * time.Minute
	defaultCodeMaxAttempts          = 3
	defaultLoginTimeout             = 15 * time.Minute
)

func orDuration(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// EmailVerificationMode returns Config.EmailVerification or its default.
func (s *Service) EmailVerificationMode() EmailVerification {
	if s.Config.EmailVerification == "" {
		return EmailVerificationOptional
	}
	return s.Config.EmailVerification
}

func (s *Service) emailConfirmationExpiry() time.Duration {
	return orDuration(s.Config.EmailConfirmationExpiry, defaultEmailConfirmationExpiry)
}
func (s *Service) emailCodeTTL() time.Duration {
	return orDuration(s.Config.EmailVerificationCodeTimeout, defaultEmailVerificationCodeTTL)
}
func (s *Service) passwordResetTimeout() time.Duration {
	return orDuration(s.Config.PasswordResetTimeout, defaultPasswordResetTimeout)
}
func (s *Service) resetCodeTTL() time.Duration {
	return orDuration(s.Config.PasswordResetCodeTimeout, defaultPasswordResetCodeTTL)
}

// ResetTimeout returns how long a reset link lives
// (Config.PasswordResetTimeout or its default).
func (s *Service) ResetTimeout() time.Duration { return s.passwordResetTimeout() }

// LoginCodeTimeout returns how long a login code lives.
func (s *Service) LoginCodeTimeout() time.Duration { return s.loginCodeTTL() }

// ResetCodeTimeout returns how long a reset code lives.
func (s *Service) ResetCodeTimeout() time.Duration { return s.resetCodeTTL() }

// EmailCodeTimeout returns how long an email verification or
// reauthentication code lives (Config.EmailVerificationCodeTimeout or its
// default).
func (s *Service) EmailCodeTimeout() time.Duration { return s.emailCodeTTL() }

func (s *Service) loginCodeTTL() time.Duration {
	return orDuration(s.Config.LoginCodeTimeout, 3*time.Minute)
}

func (s *Service) loginTimeout() time.Duration {
	return orDuration(s.Config.LoginTimeout, defaultLoginTimeout)
}
func (s *Service) codeMaxAttempts() int {
	if s.Config.CodeMaxAttempts <= 0 {
		return defaultCodeMaxAttempts
	}
	return s.Config.CodeMaxAttempts
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// LoginMethod returns what the login field takes: Config.LoginMethod, or
// its default LoginByUsernameOrEmail.
func (s *Service) LoginMethod() LoginMethod {
	if s.Config.LoginMethod == "" {
		return LoginByUsernameOrEmail
	}
	return s.Config.LoginMethod
}

var defaultBlocklist = []string{"admin", "administrator", "root", "superuser", "system", "support", "gatehouse", "postmaster", "webmaster", "hostmaster", "abuse", "security", "noreply"}
