package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestConfigValidates makes config fail, as every command does, on a value
// no command would accept, and writes nothing on the way.
func TestConfigValidates(t *testing.T) {
	for key, bad := range map[string]string{
		"GATEHOUSE_PASSWORD_MIN_LENGTH":        "abc",
		"GATEHOUSE_PASSWORD_HASHER":            "md5",
		"GATEHOUSE_PASSWORD_ARGON2_THREADS":    "0",
		"GATEHOUSE_ACCOUNT_EMAIL_VERIFICATION": "sometimes",
		"GATEHOUSE_ACCOUNT_LOGIN_METHOD":       "phone",
		"GATEHOUSE_ACCOUNT_SIGNUPS_PER_IP":     "lots",
		"GATEHOUSE_SESSION_IDLE_TIMEOUT":       "2 hours",
		"GATEHOUSE_DEMO":                       "maybe",
		"GATEHOUSE_TRUSTED_PROXIES":            "10.0.0.0/33",
		"GATEHOUSE_SECRET_KEY":                 "too-short",
		"GATEHOUSE_MAIL_BACKEND":               "pigeon",
		"GATEHOUSE_GC_PERCENT":                 "-1",
		"GATEHOUSE_LOG_LEVEL":                  "loud",
		"GATEHOUSE_LOG_FORMAT":                 "xml",
	} {
		c := newEmptyCLI(t)
		c.env[key] = bad
		for _, args := range [][]string{{"config"}, {"migrate"}, {"user", "list"}} {
			_, err := c.run("", args...)
			if err == nil || strings.Contains(err.Error(), "\n") {
				t.Errorf("%s=%s gatehouse %s: %v, want a one-line error", key, bad, strings.Join(args, " "), err)
			}
			if code := exitStatus(err, &bytes.Buffer{}); code != 1 {
				t.Errorf("%s=%s gatehouse %s: status %d, want 1", key, bad, strings.Join(args, " "), code)
			}
		}
	}
	c := newEmptyCLI(t)
	c.env["GATEHOUSE_PASSWORD_MIN_LENGTH"] = "abc"
	c.fails("password.min_length (GATEHOUSE_PASSWORD_MIN_LENGTH)", "config")
}

// TestUnknownVariablesWarn makes every command warn about a GATEHOUSE_*
// variable that is no setting, with the likely one, and stay quiet about
// the settings and the variables documented as not settings.
func TestUnknownVariablesWarn(t *testing.T) {
	c := newCLI(t)
	for _, args := range [][]string{{"config"}, {"migrate"}, {"user", "list"}, {"perm", "list"}} {
		_, stderr, err := c.run3("", args...)
		if err != nil || stderr != "" {
			t.Fatalf("gatehouse %s with the settings alone: %v, stderr %q", strings.Join(args, " "), err, stderr)
		}
	}
	for k, v := range map[string]string{
		"GATEHOUSE_TEST_POSTGRES_URL":   "postgres://nowhere",
		"GATEHOUSE_BENCH_POSTGRES_URL":  "postgres://nowhere",
		"GATEHOUSE_SUPERUSER_PASSWORD":  "root-passphrase-long",
		"GATEHOUSE_PASSWORD_MIN_LENGHT": "12",
		"GATEHOUSE_SITENAME":            "Mine",
		"GATEHOUSE_FROBNICATE":          "1",
	} {
		c.env[k] = v
	}
	for _, args := range [][]string{{"config"}, {"migrate"}, {"user", "list"}, {"perm", "list"}, {"createsuperuser", "--no-input", "--username", "root"}} {
		_, stderr, err := c.run3("", args...)
		if err != nil {
			t.Fatalf("gatehouse %s: %v", strings.Join(args, " "), err)
		}
		for _, want := range []string{
			"gatehouse: warning: GATEHOUSE_PASSWORD_MIN_LENGHT is not a setting and is ignored (did you mean GATEHOUSE_PASSWORD_MIN_LENGTH?)\n",
			"gatehouse: warning: GATEHOUSE_SITENAME is not a setting and is ignored (did you mean GATEHOUSE_SITE_NAME?)\n",
			"gatehouse: warning: GATEHOUSE_FROBNICATE is not a setting and is ignored\n",
		} {
			if !strings.Contains(stderr, want) {
				t.Errorf("gatehouse %s: stderr lacks %q:\n%s", strings.Join(args, " "), want, stderr)
			}
		}
		if n := strings.Count(stderr, "warning:"); n != 3 {
			t.Errorf("gatehouse %s: %d warnings, want 3:\n%s", strings.Join(args, " "), n, stderr)
		}
	}
}
