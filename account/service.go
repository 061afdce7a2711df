package account

import (
	"log/slog"
	"time"

	"github.com/gatehouse-auth/gatehouse/password"
	"github.com/gatehouse-auth/gatehouse/ratelimit"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/user"
)

// Client is what the flows know of the request: never the request itself.
type Client struct {
	IP        string
	UserAgent string
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
}

// Hooks are optional callbacks, allauth's adapter and signals without the
// god class. Each runs synchronously; a Before hook's error aborts the flow.
type Hooks struct {
	// BeforeSignup may refuse a signup by returning an *Error.
	BeforeSignup func(in *SignupInput, c Client) error
	// AfterSignup runs after the user is stored.
	AfterSignup func(u *user.User, c Client)
	// AfterLogin runs after a successful login.
	AfterLogin func(u *user.User, c Client)
	// OnLoginFailed runs after a refused login with the identity typed.
	OnLoginFailed func(login string, code string, c Client)
	// OnPasswordChanged runs after a password change.
	OnPasswordChanged func(u *user.User, c Client)
}

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
