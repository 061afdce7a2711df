package main

import (
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/ratelimit"
)

// accountRateLimits loads settings as the commands do (defaults, the file
// when given, env) and returns the Config's rate limits.
func accountRateLimits(t *testing.T, file string, env map[string]string) (map[string]string, error) {
	t.Helper()
	s := defaultSettings()
	if file != "" {
		path := filepath.Join(t.TempDir(), "gatehouse.toml")
		if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := s.loadFile(path); err != nil {
			return nil, err
		}
	}
	s.loadEnv(func(k string) string { return env[k] })
	cfg, err := gatehouseConfig(s, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), randomKey())
	return cfg.Account.RateLimits, err
}

// sameRules fails unless got and want hold the same rules per action.
func sameRules(t *testing.T, got, want map[string]string) {
	t.Helper()
	if !slices.Equal(slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want))) {
		t.Fatalf("actions %v, want %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}
	for action, w := range want {
		g, err1 := ratelimit.ParseRules(got[action])
		r, err2 := ratelimit.ParseRules(w)
		if err1 != nil || err2 != nil || !slices.Equal(g, r) {
			t.Errorf("%s = %q, want %q (%v, %v)", action, got[action], w, err1, err2)
		}
	}
}

// TestRateLimitSettingsAreAllauths: one setting per action, whose default is
// allauth's, written as allauth writes it.
func TestRateLimitSettingsAreAllauths(t *testing.T) {
	defaults := account.DefaultRateLimits()
	n := 0
	for _, st := range settings {
		action, ok := strings.CutPrefix(st.key, rateLimitPrefix)
		if !ok {
			continue
		}
		n++
		if def, ok := defaults[action]; !ok || st.def != def {
			t.Errorf("%s defaults to %q, want allauth's %q", st.key, st.def, def)
		}
	}
	if n != len(defaults) {
		t.Errorf("%d rate-limit settings for %d actions", n, len(defaults))
	}
	got, err := accountRateLimits(t, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	sameRules(t, got, defaults)
}

// TestRateLimitSettings: the file and the environment set an action's
// rules or turn it off; the others keep their defaults.
func TestRateLimitSettings(t *testing.T) {
	got, err := accountRateLimits(t, "[account.rate_limits]\nlogin = \"off\"\nsignup = \"5/m/ip, 50/d/ip\"\nlogin_failed = \"20/m/ip,5/300s/key\"\n",
		map[string]string{"GATEHOUSE_ACCOUNT_RATE_LIMITS_LOGIN_FAILED": "100/h/ip,3/15m/key", "GATEHOUSE_ACCOUNT_RATE_LIMITS_CHANGE_PASSWORD": "off"})
	if err != nil {
		t.Fatal(err)
	}
	want := account.DefaultRateLimits()
	want["login"], want["signup"], want["login_failed"], want["change_password"] = "off", "5/m/ip,50/d/ip", "100/h/ip,3/15m/key", "off"
	sameRules(t, got, want)
}

// TestRateLimitSettingErrors: a bad rule list fails every command with one
// line naming the setting and its variable.
func TestRateLimitSettingErrors(t *testing.T) {
	for env, want := range map[string]string{
		"GATEHOUSE_ACCOUNT_RATE_LIMITS_LOGIN=30/min":          `account.rate_limits.login (GATEHOUSE_ACCOUNT_RATE_LIMITS_LOGIN): want off or rules like 10/m/ip,5/300s/key: ratelimit: rule "30/min": duration "min"`,
		"GATEHOUSE_ACCOUNT_RATE_LIMITS_SIGNUP=false":          `account.rate_limits.signup (GATEHOUSE_ACCOUNT_RATE_LIMITS_SIGNUP)`,
		"GATEHOUSE_ACCOUNT_RATE_LIMITS_REAUTHENTICATE=10/m/u": `per "u": want ip, user or key`,
		"GATEHOUSE_ACCOUNT_FAILED_LOGINS_PER_IP=lots":         "account.failed_logins_per_ip (GATEHOUSE_ACCOUNT_FAILED_LOGINS_PER_IP): want COUNT/DURATION like 5/5m",
		"GATEHOUSE_ACCOUNT_FAILED_LOGINS_PER_ACCOUNT=0/5m":    "account.failed_logins_per_account (GATEHOUSE_ACCOUNT_FAILED_LOGINS_PER_ACCOUNT): want COUNT/DURATION",
	} {
		c := newEmptyCLI(t)
		k, v, _ := strings.Cut(env, "=")
		c.env[k] = v
		for _, args := range [][]string{{"config"}, {"migrate"}} {
			_, err := c.run("", args...)
			if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("%s gatehouse %s: %v, want one line containing %q", env, args[0], err, want)
			}
		}
	}
	_, err := accountRateLimits(t, "[account.rate_limits]\nlogin = false\n", nil)
	if err == nil || !strings.Contains(err.Error(), "account.rate_limits.login") {
		t.Errorf("login = false in the file: %v", err)
	}
	_, err = accountRateLimits(t, "[account.rate_limits]\nlogin_attempts = \"5/m\"\n", nil)
	if err == nil || !strings.Contains(err.Error(), `unknown key "account.rate_limits.login_attempts"`) {
		t.Errorf("an unknown action in the file: %v", err)
	}
}

// TestDeprecatedLimitSettings: the old COUNT/DURATION keys still work,
// each replacing one rule of its action, with a warning on stderr; set
// beside the new key of their action they are an error.
func TestDeprecatedLimitSettings(t *testing.T) {
	got, err := accountRateLimits(t, "[account]\nfailed_logins_per_account = \"7/10m\"\n",
		map[string]string{"GATEHOUSE_ACCOUNT_FAILED_LOGINS_PER_IP": "30/1m", "GATEHOUSE_ACCOUNT_SIGNUPS_PER_IP": "100000/1m"})
	if err != nil {
		t.Fatal(err)
	}
	want := account.DefaultRateLimits()
	want["login_failed"], want["signup"] = "30/m/ip,7/10m/key", "100000/m/ip"
	sameRules(t, got, want)

	c := newCLI(t)
	c.env["GATEHOUSE_ACCOUNT_FAILED_LOGINS_PER_IP"] = "30/1m"
	_, stderr, err := c.run3("", "config")
	if err != nil {
		t.Fatal(err)
	}
	if w := "gatehouse: warning: account.failed_logins_per_ip (GATEHOUSE_ACCOUNT_FAILED_LOGINS_PER_IP) is deprecated: set the ip rule of account.rate_limits.login_failed (GATEHOUSE_ACCOUNT_RATE_LIMITS_LOGIN_FAILED) instead\n"; stderr != w {
		t.Errorf("stderr = %q, want %q", stderr, w)
	}
	c.env["GATEHOUSE_ACCOUNT_RATE_LIMITS_LOGIN_FAILED"] = "10/m/ip,5/300s/key"
	c.fails("account.failed_logins_per_ip (GATEHOUSE_ACCOUNT_FAILED_LOGINS_PER_IP) is deprecated and account.rate_limits.login_failed (GATEHOUSE_ACCOUNT_RATE_LIMITS_LOGIN_FAILED) is set", "config")
	// Another action's key does not conflict.
	delete(c.env, "GATEHOUSE_ACCOUNT_RATE_LIMITS_LOGIN_FAILED")
	c.env["GATEHOUSE_ACCOUNT_RATE_LIMITS_SIGNUP"] = "off"
	c.ok("", "config")
}
