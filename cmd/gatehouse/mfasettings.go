package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/mfa"
)

// mfaConfig reads the mfa.* settings; off is true when mfa.enabled is
// false. Every bad value is a one-line error naming the key and its
// variable.
func mfaConfig(s *Settings) (c mfa.Config, off bool, err error) {
	bad := func(key, want string) error {
		return fmt.Errorf("%s (%s): want %s, got %q", key, EnvName(key), want, s.str(key))
	}
	enabled, err := s.bool("mfa.enabled")
	if err != nil {
		return c, false, err
	}
	for _, t := range strings.Split(s.str("mfa.supported_types"), ",") {
		switch t = strings.TrimSpace(t); t {
		case "":
		case mfa.TypeTOTP, mfa.TypeRecoveryCodes, mfa.TypeWebAuthn:
			if !slices.Contains(c.SupportedTypes, t) {
				c.SupportedTypes = append(c.SupportedTypes, t)
			}
		default:
			return c, false, bad("mfa.supported_types", "totp, recovery_codes and webauthn, comma-separated")
		}
	}
	if !slices.Contains(c.SupportedTypes, mfa.TypeTOTP) && !slices.Contains(c.SupportedTypes, mfa.TypeWebAuthn) {
		return c, false, bad("mfa.supported_types", "a list that includes totp or webauthn (recovery codes back up an authenticator app or a security key)")
	}
	if c.TOTP.Period, err = secondsOrDuration(s, "mfa.totp_period"); err != nil {
		return c, false, err
	}
	if c.TOTP.Period%time.Second != 0 {
		return c, false, bad("mfa.totp_period", "a whole number of seconds")
	}
	ints := []struct {
		key      string
		into     *int
		min, max int
	}{
		{"mfa.totp_digits", &c.TOTP.Digits, 6, 8},
		{"mfa.totp_tolerance", &c.TOTP.Tolerance, 0, 10},
		{"mfa.recovery_code_count", &c.Recovery.Count, 1, 100},
		{"mfa.recovery_code_digits", &c.Recovery.Digits, 6, 20},
	}
	for _, n := range ints {
		v, err := s.int(n.key)
		if err != nil {
			return c, false, err
		}
		if v < n.min || v > n.max || n.key == "mfa.totp_digits" && v == 7 {
			want := fmt.Sprintf("%d to %d", n.min, n.max)
			if n.key == "mfa.totp_digits" {
				want = "6 or 8"
			}
			return c, false, bad(n.key, want)
		}
		*n.into = v
	}
	c.TOTP.Issuer = strings.TrimSpace(s.str("mfa.totp_issuer"))
	if c.TrustEnabled, err = s.bool("mfa.trust_enabled"); err != nil {
		return c, false, err
	}
	if c.TrustAge, err = secondsOrDuration(s, "mfa.trust_cookie_age"); err != nil {
		return c, false, err
	}
	switch r := mfa.Requirement(strings.TrimSpace(s.str("mfa.required"))); r {
	case mfa.RequiredOff, mfa.RequiredStaff, mfa.RequiredSuperusers, mfa.RequiredAll:
		c.Required = r
	default:
		return c, false, bad("mfa.required", "off, staff, superuser or all")
	}
	for _, g := range strings.Split(s.str("mfa.required_groups"), ",") {
		if g = strings.TrimSpace(g); g != "" {
			c.RequiredGroups = append(c.RequiredGroups, g)
		}
	}
	if c.AllowUnverifiedEmail, err = s.bool("mfa.allow_unverified_email"); err != nil {
		return c, false, err
	}
	bools := []struct {
		key  string
		into *bool
	}{
		{"mfa.passkey_login_enabled", &c.WebAuthn.PasskeyLogin},
		{"mfa.passkey_signup_enabled", &c.WebAuthn.PasskeySignup},
		{"mfa.webauthn_allow_insecure_origin", &c.WebAuthn.AllowInsecureOrigin},
	}
	for _, b := range bools {
		if *b.into, err = s.bool(b.key); err != nil {
			return c, false, err
		}
	}
	if enabled && (c.WebAuthn.PasskeyLogin || c.WebAuthn.PasskeySignup) && !slices.Contains(c.SupportedTypes, mfa.TypeWebAuthn) {
		key := "mfa.passkey_login_enabled"
		if !c.WebAuthn.PasskeyLogin {
			key = "mfa.passkey_signup_enabled"
		}
		return c, false, fmt.Errorf("%s (%s): passkeys need webauthn in mfa.supported_types (%s)", key, EnvName(key), EnvName("mfa.supported_types"))
	}
	return c, !enabled, nil
}

// secondsOrDuration reads a positive duration written as whole seconds
// (allauth's settings are numbers of seconds) or as a Go duration ("30s").
func secondsOrDuration(s *Settings, key string) (time.Duration, error) {
	v := strings.TrimSpace(s.str(key))
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s (%s): want seconds or a duration like 30s or 336h, got %q", key, EnvName(key), s.str(key))
	}
	return d, nil
}
