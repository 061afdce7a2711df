package social

import (
	"context"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/user"
)

// Hooks are social login's adapter points and signals (allauth's
// SocialAccountAdapter and socialaccount signals), optional typed funcs
// run synchronously with the request's context. Each signal is also a log
// line with the stable name in brackets (see Events), written whether or
// not the hook is set. The account's hooks run too: SignupOpen,
// CleanUsername, CleanEmail, BeforeSignup and OnSignedUp on a social
// signup, OnLoggedIn when its login completes.
type Hooks struct {
	// PreLogin runs once the provider's profile is read, before anything
	// is decided (pre_social_login): an *account.Error refuses the login
	// and is shown to the user.
	PreLogin func(ctx context.Context, provider string, p *Profile, c account.Client) error
	// OnSignedUp runs after a user signed up through a provider
	// [social_signup].
	OnSignedUp func(ctx context.Context, u *user.User, a *Account, c account.Client)
	// OnConnected runs after a provider account is linked to a user
	// [social_connected] (social_account_added).
	OnConnected func(ctx context.Context, u *user.User, a *Account, c account.Client)
	// OnUpdated runs after a login through a link refreshed its profile
	// [social_login] (social_account_updated).
	OnUpdated func(ctx context.Context, u *user.User, a *Account, c account.Client)
	// OnDisconnected runs after a link is removed [social_disconnected]
	// (social_account_removed).
	OnDisconnected func(ctx context.Context, u *user.User, a *Account, c account.Client)
}

// Events are the stable names of social login's log lines (the "event"
// attribute). A line never carries a token, code, secret or state.
var Events = []string{
	"social_login",           // a login through a link, or by a verified address (by=email)
	"social_login_failed",    // a refused callback: its code and a log-safe reason
	"social_signup",          // a user signed up through a provider
	"social_signup_pending",  // a new provider account sent to the signup form
	"social_connected",       // a link added
	"social_disconnected",    // a link removed
	"social_reauthenticated", // a session proved again through a linked account
	"social_squatter_voided", // an unverified local account's password voided by a verified address (SECURITY.md R7)
}
