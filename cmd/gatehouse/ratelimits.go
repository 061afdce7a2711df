package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/ratelimit"
)

// rateLimitPrefix begins the keys of the rate limits, one per action of
// account.DefaultRateLimits: account.rate_limits.login_failed …
const rateLimitPrefix = "account.rate_limits."

// deprecatedLimit is a setting of the old COUNT/DURATION form that now
// sets one rule of an action.
type deprecatedLimit struct {
	key    string
	action string
	per    ratelimit.Per
}

var deprecatedLimits = []deprecatedLimit{
	{"account.signups_per_ip", account.LimitSignup, ratelimit.PerIP},
	{"account.failed_logins_per_account", account.LimitLoginFailed, ratelimit.PerKey},
	{"account.failed_logins_per_ip", account.LimitLoginFailed, ratelimit.PerIP},
}

// rateLimits returns the account.rate_limits.* settings as
// account.Config.RateLimits, each checked, with the deprecated settings
// applied: each replaces the rule of its per in its action's rules (its
// action's own setting may then not be set too).
func rateLimits(s *Settings) (map[string]string, error) {
	out := map[string]string{}
	for action := range account.DefaultRateLimits() {
		key := rateLimitPrefix + action
		rules, err := ratelimit.ParseRules(s.str(key))
		if err != nil {
			return nil, fmt.Errorf("%s (%s): want off or rules like 10/m/ip,5/300s/key: %w", key, EnvName(key), err)
		}
		for _, d := range deprecatedLimits {
			if d.action != action || strings.TrimSpace(s.str(d.key)) == "" {
				continue
			}
			if s.source[key] != "default" {
				return nil, fmt.Errorf("%s (%s) is deprecated and %s (%s) is set: keep only the latter", d.key, EnvName(d.key), key, EnvName(key))
			}
			r, err := oldLimit(s, d.key)
			if err != nil {
				return nil, err
			}
			r.Per = d.per
			i := slices.IndexFunc(rules, func(o ratelimit.Rule) bool { return o.Per == d.per })
			if i < 0 {
				rules = append(rules, r)
			} else {
				rules[i] = r
			}
		}
		out[action] = ratelimit.FormatRules(rules)
		if _, err := ratelimit.ParseRules(out[action]); err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
	}
	return out, nil
}

// oldLimit parses a deprecated setting's "COUNT/DURATION" (e.g. "5/5m").
func oldLimit(s *Settings, key string) (ratelimit.Rule, error) {
	n, d, ok := strings.Cut(strings.TrimSpace(s.str(key)), "/")
	max, err1 := strconv.ParseInt(n, 10, 64)
	win, err2 := time.ParseDuration(d)
	r := ratelimit.Rule{Max: max, Window: win.Truncate(time.Second), Per: ratelimit.PerIP}
	if !ok || err1 != nil || err2 != nil || r.Check() != nil {
		return ratelimit.Rule{}, fmt.Errorf("%s (%s): want COUNT/DURATION like 5/5m, got %q", key, EnvName(key), s.str(key))
	}
	return r, nil
}

// warnDeprecated writes a warning for each deprecated setting that is set,
// naming the setting that replaces it.
func warnDeprecated(s *Settings, w io.Writer) {
	for _, d := range deprecatedLimits {
		if strings.TrimSpace(s.str(d.key)) != "" {
			fmt.Fprintf(w, "gatehouse: warning: %s (%s) is deprecated: set the %s rule of %s%s (%s) instead\n",
				d.key, EnvName(d.key), d.per, rateLimitPrefix, d.action, EnvName(rateLimitPrefix+d.action))
		}
	}
}
