package account

import (
	"context"

	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/user"
)

// Hooks are the points where a site changes the flows: allauth's adapter
// methods that sites override, and its signals, as optional typed funcs
// rather than a class of seventy methods. Each runs synchronously with the
// request's context; a hook that returns an error refuses the step (an
// *Error is shown to the user, any other error is an internal one).
//
// Every signal is also a structured log line (level info, attribute "event"
// set to the stable name in brackets), written whether or not the hook is
// set: see Events.
type Hooks struct {
	// SignupOpen reports whether signups are open now (allauth's
	// is_open_for_signup); nil leaves it to Config.SignupClosed.
	SignupOpen func(ctx context.Context, c Client) bool
	// CleanUsername may change or refuse a username at signup
	// (clean_username): it returns the username to use, or an error.
	CleanUsername func(ctx context.Context, username string) (string, error)
	// CleanEmail may change or refuse an address at signup and when added
	// (clean_email).
	CleanEmail func(ctx context.Context, email string) (string, error)
	// BeforeSignup may refuse a checked signup by returning an *Error
	// (pre_social_login's and save_user's place).
	BeforeSignup func(ctx context.Context, in *SignupInput, c Client) error
	// SendMail may change a rendered account mail before it is queued, or
	// return nil to send nothing (send_mail, render_mail).
	SendMail func(ctx context.Context, n Notice, m *mail.Message) (*mail.Message, error)
	// LoginRedirect is where a login without a safe next lands
	// (get_login_redirect_url); "" keeps the configured one.
	LoginRedirect func(ctx context.Context, u *user.User) string
	// LogoutRedirect is where a logout lands (get_logout_redirect_url); ""
	// keeps the configured one.
	LogoutRedirect func(ctx context.Context) string

	// OnSignedUp runs after a user is stored [signup] (user_signed_up).
	OnSignedUp func(ctx context.Context, u *user.User, c Client)
	// OnLoggedIn runs when a login completes [login_ok] (user_logged_in).
	OnLoggedIn func(ctx context.Context, u *user.User, c Client)
	// OnLoginFailed runs after a refused login [login_failed], with the
	// identity typed and the error code.
	OnLoginFailed func(ctx context.Context, login, code string, c Client)
	// OnLoggedOut runs after a logout [logout] (user_logged_out).
	OnLoggedOut func(ctx context.Context, u *user.User, c Client)
	// OnPasswordSet runs after a user without a password sets one
	// [password_set].
	OnPasswordSet func(ctx context.Context, u *user.User, c Client)
	// OnPasswordChanged runs after a password change, and after a reset
	// [password_changed].
	OnPasswordChanged func(ctx context.Context, u *user.User, c Client)
	// OnPasswordReset runs after a password reset [password_reset].
	OnPasswordReset func(ctx context.Context, u *user.User, c Client)
	// OnEmailAdded runs after an address is added, unverified [email_added].
	OnEmailAdded func(ctx context.Context, u *user.User, email string, c Client)
	// OnEmailRemoved runs after an address is removed [email_removed].
	OnEmailRemoved func(ctx context.Context, u *user.User, email string, c Client)
	// OnEmailConfirmed runs after an address is verified [email_confirmed].
	OnEmailConfirmed func(ctx context.Context, userID int64, email string, c Client)
	// OnEmailChanged runs after the primary address changes [email_changed].
	OnEmailChanged func(ctx context.Context, u *user.User, from, to string, c Client)
}

// Events are the stable names of the account's security log lines (the
// "event" attribute), the signals' among them. A log line never carries a
// password, token, key or code.
var Events = []string{
	"signup", "signup_email_taken", "login_ok", "login_failed", "logout",
	"reauthenticated", "reauthenticate_failed", "session_revoke",
	"password_set", "password_changed", "password_reset", "password_reset_requested", "password_reset_code_rejected",
	"email_added", "email_removed", "email_confirmed", "email_changed", "email_change_cancelled", "email_code_rejected",
	"login_code_requested", "login_code_rejected", "mail_queued", "rate_limited",
}

// LoggedOut records a logout of u: the event and the OnLoggedOut hook (the
// adapter ends the session).
func (s *Service) LoggedOut(ctx context.Context, u *user.User, c Client) {
	s.event(ctx, "logout", u.ID, c)
	if s.Hooks.OnLoggedOut != nil {
		s.Hooks.OnLoggedOut(ctx, u, c)
	}
}

// SignupOpen reports whether signups are open: Hooks.SignupOpen when set,
// else not Config.SignupClosed.
func (s *Service) SignupOpen(ctx context.Context, c Client) bool {
	if s.Hooks.SignupOpen != nil {
		return s.Hooks.SignupOpen(ctx, c)
	}
	return !s.Config.SignupClosed
}
