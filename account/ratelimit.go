package account

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/gatehouse-auth/gatehouse/ratelimit"
	"github.com/gatehouse-auth/gatehouse/user"
)

// Rate-limited actions: django-allauth's names (ACCOUNT_RATE_LIMITS), the
// keys of Config.RateLimits. Login, Signup, ChangePassword and
// Reauthenticate apply theirs; confirm_email, reset_password,
// reset_password_from_key, manage_email and request_login_code are defined
// with allauth's defaults for the flows that will send confirmation mails,
// reset passwords, manage email addresses and send login codes, which call
// RateLimit with them.
const (
	// LimitLogin counts every login attempt: 30/m/ip.
	LimitLogin = "login"
	// LimitLoginFailed counts failed password checks (logins,
	// reauthentications, password changes) per client IP and per login
	// identity: 10/m/ip,5/300s/key. An attempt reserves its unit before
	// the password is checked and gives it back when the password is right.
	LimitLoginFailed = "login_failed"
	// LimitSignup counts every signup attempt: 20/m/ip.
	LimitSignup = "signup"
	// LimitConfirmEmail counts confirmation mails per address: 1/180s/key.
	LimitConfirmEmail = "confirm_email"
	// LimitResetPassword counts password reset requests: 20/m/ip,5/m/key
	// (the key is the address asked for).
	LimitResetPassword = "reset_password"
	// LimitResetPasswordFromKey counts attempts to use a reset link: 20/m/ip.
	LimitResetPasswordFromKey = "reset_password_from_key"
	// LimitChangePassword counts every password change attempt: 5/m/user.
	LimitChangePassword = "change_password"
	// LimitReauthenticate counts every reauthentication attempt: 10/m/user.
	LimitReauthenticate = "reauthenticate"
	// LimitManageEmail counts changes to a user's email addresses: 10/m/user.
	LimitManageEmail = "manage_email"
	// LimitRequestLoginCode counts requests for a login code by mail:
	// 20/m/ip,3/m/key (the key is the address asked for).
	LimitRequestLoginCode = "request_login_code"
)

// defaultRateLimits are django-allauth's defaults, written as allauth writes them.
var defaultRateLimits = map[string]string{
	LimitLogin:                "30/m/ip",
	LimitLoginFailed:          "10/m/ip,5/300s/key",
	LimitSignup:               "20/m/ip",
	LimitConfirmEmail:         "1/180s/key",
	LimitResetPassword:        "20/m/ip,5/m/key",
	LimitResetPasswordFromKey: "20/m/ip",
	LimitChangePassword:       "5/m/user",
	LimitReauthenticate:       "10/m/user",
	LimitManageEmail:          "10/m/user",
	LimitRequestLoginCode:     "20/m/ip,3/m/key",
}

// DefaultRateLimits returns the rules of every rate-limited action when
// Config.RateLimits does not name it: django-allauth's defaults, in its
// syntax (see ratelimit.ParseRules). The map is the caller's to change.
func DefaultRateLimits() map[string]string { return maps.Clone(defaultRateLimits) }

// CheckRateLimits reports the first problem of c.RateLimits: a name that
// is not one of DefaultRateLimits' actions, or rules that
// ratelimit.ParseRules refuses. The flows refuse to run an action whose
// rules do not parse; call it when the configuration is loaded.
func (c Config) CheckRateLimits() error {
	for _, action := range slices.Sorted(maps.Keys(c.RateLimits)) {
		if _, err := c.rateLimitRules(action); err != nil {
			return fmt.Errorf("account: rate limits: %w", err)
		}
	}
	return nil
}

// rateLimitRules returns action's rules: RateLimits[action], or its default.
func (c Config) rateLimitRules(action string) ([]ratelimit.Rule, error) {
	def, known := defaultRateLimits[action]
	if !known {
		return nil, fmt.Errorf("unknown action %q (want one of %v)", action, slices.Sorted(maps.Keys(defaultRateLimits)))
	}
	text, ok := c.RateLimits[action]
	if !ok {
		text = def
	}
	rules, err := ratelimit.ParseRules(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", action, err)
	}
	return rules, nil
}

// Subjects are what an attempt is counted against: the client's IP
// address, the signed-in user's id (0 when nobody is) and the flow's key
// (the login identity, an email address; "" when it has none).
type Subjects struct {
	IP   string
	User int64
	Key  string
}

// subject returns what a rule per p counts against: the IP, the user's id
// or the key. A rule per user counts per IP when there is no user, and one
// per key when there is no key ("ip:" and the address, in the rule's own
// counter), so that no attempt goes uncounted.
func (sub Subjects) subject(p ratelimit.Per) string {
	switch {
	case p == ratelimit.PerIP:
		return sub.IP
	case p == ratelimit.PerUser && sub.User != 0:
		return strconv.FormatInt(sub.User, 10)
	case p == ratelimit.PerKey && sub.Key != "":
		return sub.Key
	}
	return "ip:" + sub.IP
}

// Usage is what one RateLimit call counted, for Release to give back.
type Usage struct {
	s    *Service
	hits []hit
}

// hit is one unit counted: its key and when the window that counted it ends.
type hit struct {
	key  string
	ends time.Time
}

// Release gives back the units u counted, once, each while the window that
// counted it is still open (after its end there is nothing to give back).
// A successful login releases its reservation of login_failed this way: it
// takes back its own unit, never anybody else's, so a success from one
// client clears nothing that other clients counted.
func (u *Usage) Release(ctx context.Context) error {
	if u == nil {
		return nil
	}
	now := u.s.now()
	for _, h := range u.hits {
		if !now.Before(h.ends) {
			continue
		}
		if err := u.s.Limits.Release(ctx, h.key, now); err != nil {
			return fmt.Errorf("account: rate limit: %w", err)
		}
	}
	u.hits = nil
	return nil
}

// RateLimit counts one attempt of action against each of its rules
// (Config.RateLimits, or DefaultRateLimits) and refuses it with
// CodeTooManyAttempts when any count is then past its rule's Max; the
// error's RetryAfter is the longest time left among the windows refusing.
// Counting comes first and is one atomic step per rule, so concurrent
// attempts cannot all pass a check made before any of them is counted; a
// refused attempt stays counted (its window does not move). Keys are
// ratelimit.Key's, per action, rule and subject; keys per key are hashed.
// A rule per user counts per IP when Subjects.User is 0, and one per key
// when Subjects.Key is "", each in a counter of its own. An action turned
// "off" counts nothing and refuses nothing.
//
// The returned Usage gives the attempt back (Release) when the flow
// decides it must not count, as a right password does for login_failed.
// An error that is not an *Error is the store's or a configuration's
// (rules that do not parse): the attempt must not go on.
func (s *Service) RateLimit(ctx context.Context, action string, sub Subjects) (*Usage, error) {
	rules, err := s.Config.rateLimitRules(action)
	if err != nil {
		return nil, fmt.Errorf("account: rate limit: %w", err)
	}
	now := s.now()
	u := &Usage{s: s}
	var refused *Error
	for _, r := range rules {
		key := ratelimit.Key(action, r, sub.subject(r.Per))
		c, err := s.Limits.Hit(ctx, key, r.Window, now)
		if err != nil {
			return nil, fmt.Errorf("account: rate limit %s: %w", action, err)
		}
		u.hits = append(u.hits, hit{key, c.Ends})
		if c.Count > r.Max {
			if e := tooMany(c, now); refused == nil || e.RetryAfter > refused.RetryAfter {
				refused = e
			}
		}
	}
	if refused != nil {
		s.log().Info("rate limited", "event", "rate_limited", "action", action, "ip", sub.IP, "user_id", sub.User,
			"retry_after", refused.RetryAfter.String())
		return nil, refused
	}
	return u, nil
}

// loginKey is the login_failed key of a login: the user's id when it names
// an account (so every spelling of it, username or email, shares one
// counter), its canonical form otherwise.
func loginKey(u *user.User, login string) string {
	if u != nil {
		return userKey(u.ID)
	}
	return "login:" + user.CanonicalEmail(login)
}

// userKey is the login_failed key of a user's account.
func userKey(id int64) string { return "user:" + strconv.FormatInt(id, 10) }

// limited reports whether err is a refusal by a rate limit.
// confirmMailDue counts a mail about email (a confirmation, or a notice
// that stands in for one) against the confirm_email cooldown: true when it
// may go now, false while the cooldown lasts, an error only when the
// limit's store fails.
func (s *Service) confirmMailDue(ctx context.Context, email string, c Client) (bool, error) {
	_, err := s.RateLimit(ctx, LimitConfirmEmail, Subjects{IP: c.IP, Key: user.CanonicalEmail(email)})
	if limited(err) {
		return false, nil
	}
	return err == nil, err
}

func limited(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == CodeTooManyAttempts
}

// UserLimitKey is the login_failed key of user id's account, for flows
// built on the account's that spend its lock (a wrong second factor).
func UserLimitKey(id int64) string { return userKey(id) }
