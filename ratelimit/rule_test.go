package ratelimit_test

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/ratelimit"
)

func TestParseRules(t *testing.T) {
	for in, want := range map[string][]ratelimit.Rule{
		"30/m/ip":             {{30, time.Minute, ratelimit.PerIP}},
		"30/m":                {{30, time.Minute, ratelimit.PerIP}},
		"10/m/ip,5/300s/key":  {{10, time.Minute, ratelimit.PerIP}, {5, 300 * time.Second, ratelimit.PerKey}},
		" 5/m/user , 1/d/key": {{5, time.Minute, ratelimit.PerUser}, {1, 24 * time.Hour, ratelimit.PerKey}},
		"1/180s/key":          {{1, 3 * time.Minute, ratelimit.PerKey}},
		"3/2h":                {{3, 2 * time.Hour, ratelimit.PerIP}},
		"1/s":                 {{1, time.Second, ratelimit.PerIP}},
		"7/365d/key":          {{7, 365 * 24 * time.Hour, ratelimit.PerKey}},
		"10/m/ip,100/h/ip":    {{10, time.Minute, ratelimit.PerIP}, {100, time.Hour, ratelimit.PerIP}},
		"off":                 nil,
		" off ":               nil,
	} {
		got, err := ratelimit.ParseRules(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ParseRules(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

func TestParseRulesErrors(t *testing.T) {
	for in, want := range map[string]string{
		"":                       "empty rule list",
		"   ":                    "empty rule list",
		"Off":                    `rule "Off": want AMOUNT/DURATION[/PER]`,
		"10":                     `rule "10": want AMOUNT/DURATION[/PER]`,
		"10/m/ip/x":              `want AMOUNT/DURATION[/PER]`,
		"10/m,":                  "empty rule in the list",
		",10/m":                  "empty rule in the list",
		"0/m":                    `amount "0": want a whole number from 1`,
		"-1/m":                   `amount "-1"`,
		"+1/m":                   `amount "+1"`,
		"ten/m":                  `amount "ten"`,
		"99999999999999999999/m": `amount "99999999999999999999"`,
		"5/":                     `duration "": want a unit s, m, h or d`,
		"5/300":                  `duration "300": want a unit`,
		"5/5min":                 `duration "5min"`,
		"5/0s":                   `duration "0s"`,
		"5/1.5h":                 `duration "1.5h"`,
		"5/M":                    `duration "M"`,
		"5/366d":                 `duration "366d" is longer than 365 days`,
		"5/99999999999999h":      "longer than 365 days",
		"5/m/IP":                 `per "IP": want ip, user or key`,
		"5/m/":                   `per "": want ip, user or key`,
		"5/m/session":            `per "session"`,
		"5/m/ip,6/60s":           `rules "5/1m/ip" and "6/60s" count the same thing (per ip over 1m)`,
	} {
		_, err := ratelimit.ParseRules(in)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "ratelimit: ") {
			t.Errorf("ParseRules(%q) error = %v, want one containing %q", in, err, want)
		}
	}
}

func TestFormatRules(t *testing.T) {
	for in, want := range map[string]string{
		"10/m/ip,5/300s/key": "10/1m/ip,5/5m/key",
		"1/180s/key":         "1/3m/key",
		"20/m":               "20/1m/ip",
		"2/90s/user":         "2/90s/user",
		"3/24h/key":          "3/1d/key",
		"off":                "off",
	} {
		rules, err := ratelimit.ParseRules(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := ratelimit.FormatRules(rules); got != want {
			t.Errorf("FormatRules(ParseRules(%q)) = %q, want %q", in, got, want)
		}
	}
}

func TestRuleCheck(t *testing.T) {
	for _, r := range []ratelimit.Rule{
		{0, time.Minute, ratelimit.PerIP},
		{1, 0, ratelimit.PerIP},
		{1, -time.Second, ratelimit.PerIP},
		{1, ratelimit.MaxWindow + time.Second, ratelimit.PerIP},
		{1, time.Minute, ""},
		{1, time.Minute, "IP"},
	} {
		if r.Check() == nil {
			t.Errorf("%+v passed Check", r)
		}
	}
	if err := (ratelimit.Rule{1, 500 * time.Millisecond, ratelimit.PerKey}).Check(); err != nil {
		t.Errorf("a rule of half a second: %v", err)
	}
}

// TestKey: keys are per action, per subject and per window; PerKey
// subjects are stored as their SHA-256, never as typed.
func TestKey(t *testing.T) {
	ip := ratelimit.Rule{Max: 10, Window: time.Minute, Per: ratelimit.PerIP}
	key := ratelimit.Rule{Max: 5, Window: 5 * time.Minute, Per: ratelimit.PerKey}
	user := ratelimit.Rule{Max: 5, Window: time.Minute, Per: ratelimit.PerUser}
	sum := sha256.Sum256([]byte("login:bob@example.com"))
	for got, want := range map[string]string{
		ratelimit.Key("login_failed", ip, "203.0.113.9"):            "login_failed:ip:1m:203.0.113.9",
		ratelimit.Key("login_failed", ip, "2001:db8::1"):            "login_failed:ip:1m:2001:db8::1",
		ratelimit.Key("change_password", user, "42"):                "change_password:user:1m:42",
		ratelimit.Key("login_failed", key, "login:bob@example.com"): "login_failed:key:5m:" + hex.EncodeToString(sum[:]),
	} {
		if got != want {
			t.Errorf("Key = %q, want %q", got, want)
		}
	}
	if k := ratelimit.Key("login_failed", key, "login:bob@example.com"); strings.Contains(k, "bob") {
		t.Errorf("a PerKey subject is stored as typed: %q", k)
	}
	hour := ratelimit.Rule{Max: 100, Window: time.Hour, Per: ratelimit.PerIP}
	if ratelimit.Key("login", ip, "x") == ratelimit.Key("login", hour, "x") || ratelimit.Key("login", ip, "x") == ratelimit.Key("signup", ip, "x") {
		t.Error("two rules share a counter")
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for ends, want := range map[time.Duration]time.Duration{
		-time.Minute:                       time.Second,
		0:                                  time.Second,
		time.Second:                        time.Second,
		time.Second + time.Nanosecond:      2 * time.Second,
		150 * time.Second:                  150 * time.Second,
		149*time.Second + time.Millisecond: 150 * time.Second,
	} {
		if got := (ratelimit.Counter{Count: 1, Ends: now.Add(ends)}).RetryAfter(now); got != want {
			t.Errorf("RetryAfter with %v left = %v, want %v", ends, got, want)
		}
	}
}

// FuzzParseRules: ParseRules never panics; what it accepts are valid rules,
// no two counting the same thing, that FormatRules writes back to the same
// rules.
func FuzzParseRules(f *testing.F) {
	for _, s := range []string{"30/m/ip", "10/m/ip,5/300s/key", "1/180s/key", "off", "", "5/m/user", "1/d", "5/0009m/key", "5/m,5/h", ",", "1/", "/m", "9223372036854775807/365d/key"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rules, err := ratelimit.ParseRules(s)
		if err != nil {
			if rules != nil {
				t.Fatalf("ParseRules(%q) returned rules with an error", s)
			}
			return
		}
		for i, r := range rules {
			if err := r.Check(); err != nil {
				t.Fatalf("ParseRules(%q) accepted %v: %v", s, r, err)
			}
			if r.Window%time.Second != 0 {
				t.Fatalf("ParseRules(%q): window %v is not whole seconds", s, r.Window)
			}
			for _, o := range rules[:i] {
				if o.Per == r.Per && o.Window == r.Window {
					t.Fatalf("ParseRules(%q): %v and %v share a counter", s, o, r)
				}
			}
		}
		again, err := ratelimit.ParseRules(ratelimit.FormatRules(rules))
		if err != nil || !slices.Equal(again, rules) {
			t.Fatalf("ParseRules(%q) = %v, written %q, read back %v, %v", s, rules, ratelimit.FormatRules(rules), again, err)
		}
	})
}
