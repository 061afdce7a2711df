package ratelimit

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Per says what a rule counts against.
type Per string

// What a rule counts against, as django-allauth names them.
const (
	// PerIP counts per client IP address (the default).
	PerIP Per = "ip"
	// PerUser counts per signed-in user.
	PerUser Per = "user"
	// PerKey counts per key the flow gives (a login, an email address),
	// stored as its SHA-256 (see Key).
	PerKey Per = "key"
)

// MaxWindow is the longest window a rule may have.
const MaxWindow = 365 * 24 * time.Hour

// Rule is "at most Max events per Window, counted per Per".
type Rule struct {
	Max    int64
	Window time.Duration
	Per    Per
}

// Check reports a rule that cannot count: Max below 1, a window not
// positive or longer than MaxWindow, an unknown Per.
func (r Rule) Check() error {
	switch {
	case r.Max < 1:
		return fmt.Errorf("ratelimit: rule %s: the amount must be at least 1", r)
	case r.Window <= 0 || r.Window > MaxWindow:
		return fmt.Errorf("ratelimit: rule %s: the window must be positive and at most 365 days", r)
	case r.Per != PerIP && r.Per != PerUser && r.Per != PerKey:
		return fmt.Errorf("ratelimit: rule %s: per %q: want ip, user or key", r, string(r.Per))
	}
	return nil
}

// String writes the rule in the syntax ParseRules reads, its window in the
// largest unit that divides it: 5/5m/key.
func (r Rule) String() string {
	return strconv.FormatInt(r.Max, 10) + "/" + formatWindow(r.Window) + "/" + string(r.Per)
}

// FormatRules writes rules as ParseRules reads them: comma-separated, or
// "off" for none.
func FormatRules(rules []Rule) string {
	if len(rules) == 0 {
		return "off"
	}
	parts := make([]string, len(rules))
	for i, r := range rules {
		parts[i] = r.String()
	}
	return strings.Join(parts, ",")
}

// ParseRules reads a comma-separated list of rules in django-allauth's
// syntax, AMOUNT/DURATION[/PER]:
//
//   - AMOUNT is a whole number from 1;
//   - DURATION is a unit, s, m, h or d, after an optional whole number from
//     1: "m" is a minute, "300s" five minutes; at most 365 days;
//   - PER is ip (the default), user or key.
//
// "10/m/ip,5/300s/key" allows ten events a minute per client IP and five
// per five minutes per key. "off" is no rule at all (nil). Spaces around a
// rule are ignored. Two rules of one list that count the same thing (the
// same PER and window) are an error, as is an empty list.
func ParseRules(s string) ([]Rule, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "off":
		return nil, nil
	case "":
		return nil, errors.New(`ratelimit: empty rule list (write "off" for no limit)`)
	}
	var rules []Rule
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		r, err := parseRule(item)
		if err != nil {
			return nil, err
		}
		for _, o := range rules {
			if o.Per == r.Per && o.Window == r.Window {
				return nil, fmt.Errorf("ratelimit: rules %q and %q count the same thing (per %s over %s)", o.String(), item, r.Per, formatWindow(r.Window))
			}
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// parseRule reads one AMOUNT/DURATION[/PER].
func parseRule(item string) (Rule, error) {
	if item == "" {
		return Rule{}, errors.New("ratelimit: empty rule in the list (two commas, or a comma at an end)")
	}
	parts := strings.Split(item, "/")
	if len(parts) != 2 && len(parts) != 3 {
		return Rule{}, fmt.Errorf("ratelimit: rule %q: want AMOUNT/DURATION[/PER], like 10/m/ip", item)
	}
	r := Rule{Per: PerIP}
	max, ok := wholeNumber(parts[0])
	if !ok {
		return Rule{}, fmt.Errorf("ratelimit: rule %q: amount %q: want a whole number from 1", item, parts[0])
	}
	r.Max = max
	d := parts[1]
	var unit time.Duration
	n := int64(1)
	ok = false
	if d != "" {
		unit, ok = units[d[len(d)-1:]]
		if ok && len(d) > 1 {
			n, ok = wholeNumber(d[:len(d)-1])
		}
	}
	if !ok {
		return Rule{}, fmt.Errorf("ratelimit: rule %q: duration %q: want a unit s, m, h or d after an optional whole number, like m or 300s", item, d)
	}
	if n > int64(MaxWindow/unit) {
		return Rule{}, fmt.Errorf("ratelimit: rule %q: duration %q is longer than 365 days", item, d)
	}
	r.Window = time.Duration(n) * unit
	if len(parts) == 3 {
		switch p := Per(parts[2]); p {
		case PerIP, PerUser, PerKey:
			r.Per = p
		default:
			return Rule{}, fmt.Errorf("ratelimit: rule %q: per %q: want ip, user or key", item, parts[2])
		}
	}
	return r, nil
}

var units = map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}

// wholeNumber parses ASCII digits (no sign, no spaces) into a number from 1.
func wholeNumber(s string) (int64, bool) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n >= 1
}

// formatWindow writes d in the largest of d, h, m and s that divides it,
// or as time.Duration does when no whole number of seconds is.
func formatWindow(d time.Duration) string {
	for _, u := range []struct {
		name string
		d    time.Duration
	}{{"d", 24 * time.Hour}, {"h", time.Hour}, {"m", time.Minute}, {"s", time.Second}} {
		if d > 0 && d%u.d == 0 {
			return strconv.FormatInt(int64(d/u.d), 10) + u.name
		}
	}
	return d.String()
}

// Key returns the counter key of an action's rule for a subject (the
// client IP for PerIP, the user's id for PerUser, the flow's key for
// PerKey): "action:per:window:subject". A PerKey subject is replaced by
// its SHA-256 in hex, as django-allauth does, so logins and email
// addresses are not stored as typed. The window is part of the key, so
// two rules of one action never share a counter.
func Key(action string, r Rule, subject string) string {
	if r.Per == PerKey {
		sum := sha256.Sum256([]byte(subject))
		subject = hex.EncodeToString(sum[:])
	}
	return action + ":" + string(r.Per) + ":" + formatWindow(r.Window) + ":" + subject
}
