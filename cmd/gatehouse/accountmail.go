package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
)

// accountMailConfig reads the settings of email verification, password
// reset and login stages into an account.Config.
func accountMailConfig(s *Settings) (account.Config, error) {
	var c account.Config
	switch v := s.str("account.email_verification"); v {
	case "none", "optional", "mandatory":
		c.EmailVerification = account.EmailVerification(v)
	default:
		return c, fmt.Errorf("account.email_verification (%s): want none, optional or mandatory, got %q", EnvName("account.email_verification"), v)
	}
	bools := []struct {
		key    string
		into   *bool
		invert bool
	}{
		{"account.email_verification_by_code", &c.EmailVerificationByCode, false},
		{"account.password_reset_by_code", &c.PasswordResetByCode, false},
		{"account.login_on_password_reset", &c.LoginOnPasswordReset, false},
		{"account.email_unknown_accounts", &c.QuietUnknownAccounts, true},
		{"account.prevent_enumeration", &c.RevealTakenEmails, true},
		{"account.login_by_code", &c.LoginByCode, false},
		{"account.change_email", &c.ChangeEmail, false},
	}
	for _, b := range bools {
		v, err := s.bool(b.key)
		if err != nil {
			return c, err
		}
		*b.into = v != b.invert
	}
	durations := []struct {
		key  string
		into *time.Duration
	}{
		{"account.email_confirmation_expiry", &c.EmailConfirmationExpiry},
		{"account.email_verification_code_timeout", &c.EmailVerificationCodeTimeout},
		{"account.password_reset_timeout", &c.PasswordResetTimeout},
		{"account.password_reset_code_timeout", &c.PasswordResetCodeTimeout},
		{"account.login_timeout", &c.LoginTimeout},
		{"account.login_code_timeout", &c.LoginCodeTimeout},
	}
	for _, d := range durations {
		v, err := s.duration(d.key)
		if err != nil {
			return c, err
		}
		if v <= 0 {
			return c, fmt.Errorf("%s (%s): want a positive duration, got %s", d.key, EnvName(d.key), v)
		}
		*d.into = v
	}
	n, err := s.int("account.code_max_attempts")
	if err != nil {
		return c, err
	}
	if n < 1 {
		return c, fmt.Errorf("account.code_max_attempts (%s): want at least 1, got %d", EnvName("account.code_max_attempts"), n)
	}
	c.CodeMaxAttempts = n
	switch v := s.str("account.session_remember"); v {
	case "ask":
	case "always", "never":
		c.SessionRemember = account.RememberMode(v)
	default:
		return c, fmt.Errorf("account.session_remember (%s): want ask, always or never, got %q", EnvName("account.session_remember"), v)
	}
	for _, f := range strings.Split(s.str("account.signup_fields"), ",") {
		c.SignupFields = append(c.SignupFields, strings.TrimSpace(f))
	}
	if _, err := account.ParseSignupFields(c.SignupFields); err != nil {
		return c, fmt.Errorf("account.signup_fields (%s): %w", EnvName("account.signup_fields"), err)
	}
	c.SignupHoneypot = strings.TrimSpace(s.str("account.signup_honeypot"))
	if c.MaxEmailAddresses, err = s.int("account.max_email_addresses"); err != nil {
		return c, err
	}
	if c.MaxEmailAddresses < 0 {
		return c, fmt.Errorf("account.max_email_addresses (%s): want 0 or more, got %d", EnvName("account.max_email_addresses"), c.MaxEmailAddresses)
	}
	return c, nil
}

// secretKeyFallbacks returns the keys of secret_key_fallbacks.
func secretKeyFallbacks(s *Settings) [][]byte {
	var out [][]byte
	for _, k := range strings.Split(s.str("secret_key_fallbacks"), ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, []byte(k))
		}
	}
	return out
}
