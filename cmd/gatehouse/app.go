package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/password"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

// passwordSet builds the hasher set from password.* settings: the preferred
// hasher at the configured cost, every Django format accepted.
func passwordSet(s *Settings) (*password.Set, error) {
	iters, err := s.int("password.pbkdf2_iterations")
	if err != nil {
		return nil, err
	}
	mem, err := s.int("password.argon2_memory_kib")
	if err != nil {
		return nil, err
	}
	t, err := s.int("password.argon2_time")
	if err != nil {
		return nil, err
	}
	threads, err := s.int("password.argon2_threads")
	if err != nil {
		return nil, err
	}
	cost, err := s.int("password.bcrypt_cost")
	if err != nil {
		return nil, err
	}
	maxc, err := s.int("password.max_concurrent")
	if err != nil {
		return nil, err
	}
	if threads > 255 || threads < 1 || t < 1 || mem < 8*threads {
		return nil, fmt.Errorf("password.argon2_*: want time ≥ 1, 1 ≤ threads ≤ 255 and memory ≥ 8 KiB per thread")
	}
	impl, err := password.ParseArgon2Implementation(s.str("password.argon2_implementation"))
	if err != nil {
		return nil, fmt.Errorf("password.argon2_implementation (GATEHOUSE_PASSWORD_ARGON2_IMPLEMENTATION): %w", err)
	}
	set, err := password.NewSetByName(s.str("password.hasher"), password.HasherParams{
		Argon2Memory: uint32(mem), Argon2Time: uint32(t), Argon2Threads: uint8(threads),
		Argon2Implementation: impl, PBKDF2Iterations: iters, BcryptCost: cost})
	if err != nil {
		return nil, fmt.Errorf("password.hasher (GATEHOUSE_PASSWORD_HASHER): %w", err)
	}
	set.MaxConcurrent = maxc
	return set, nil
}

// validators builds the password validators from settings.
func validators(s *Settings) ([]password.Validator, error) {
	n, err := s.int("password.min_length")
	if err != nil {
		return nil, err
	}
	vs := password.DefaultValidators()
	for i, v := range vs {
		if _, ok := v.(password.MinimumLength); ok {
			vs[i] = password.MinimumLength{Min: n}
		}
	}
	return vs, nil
}

// newLogger builds the slog logger from log.* settings.
func newLogger(s *Settings, w io.Writer) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(s.str("log.level"))); err != nil {
		return nil, fmt.Errorf("log.level: %w", err)
	}
	o := &slog.HandlerOptions{Level: lvl}
	switch s.str("log.format") {
	case "json":
		return slog.New(slog.NewJSONHandler(w, o)), nil
	case "text":
		return slog.New(slog.NewTextHandler(w, o)), nil
	}
	return nil, fmt.Errorf("log.format: want text or json, got %q", s.str("log.format"))
}

// gatehouseConfig turns settings into the library's Config, signing with key.
func gatehouseConfig(s *Settings, db *sqlstore.DB, log *slog.Logger, key []byte) (gatehouse.Config, error) {
	var cfg gatehouse.Config
	set, err := passwordSet(s)
	if err != nil {
		return cfg, err
	}
	vs, err := validators(s)
	if err != nil {
		return cfg, err
	}
	demo, err := s.bool("demo")
	if err != nil {
		return cfg, err
	}
	emailRequired, err := s.bool("account.email_required")
	if err != nil {
		return cfg, err
	}
	closed, err := s.bool("account.signup_closed")
	if err != nil {
		return cfg, err
	}
	limits, err := rateLimits(s)
	if err != nil {
		return cfg, err
	}
	method := account.LoginMethod(s.str("account.login_method"))
	switch strings.ReplaceAll(string(method), " ", "") {
	case "username,email", "email,username": // allauth's LOGIN_METHODS written as a list
		method = account.LoginByUsernameOrEmail
	}
	switch method {
	case account.LoginByUsername, account.LoginByEmail, account.LoginByUsernameOrEmail:
	default:
		return cfg, fmt.Errorf("account.login_method: want username, email or username_email (or allauth's list, username,email), got %q", method)
	}
	var sc session.Config
	for key, d := range map[string]*time.Duration{
		"session.idle_timeout": &sc.IdleTimeout, "session.absolute_timeout": &sc.AbsoluteTimeout,
		"session.remember_idle_timeout": &sc.RememberIdleTimeout, "session.remember_absolute_timeout": &sc.RememberAbsoluteTimeout,
	} {
		v, err := s.duration(key)
		if err != nil {
			return cfg, err
		}
		*d = v
	}
	var proxies []netip.Prefix
	for _, p := range strings.Split(s.str("trusted_proxies"), ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		pr, err := netip.ParsePrefix(p)
		if err != nil {
			return cfg, fmt.Errorf("trusted_proxies: %w", err)
		}
		proxies = append(proxies, pr)
	}
	acc, err := accountMailConfig(s)
	if err != nil {
		return cfg, err
	}
	acc.LoginMethod, acc.EmailRequired, acc.SignupClosed, acc.RateLimits = method, emailRequired, closed, limits
	cfg = gatehouse.Config{
		Store: db, SecretKey: key, SecretKeyFallbacks: secretKeyFallbacks(s), SiteURL: siteURL(s),
		SiteName: s.str("site_name"), MailFrom: s.str("mail.from"),
		Passwords: set, Validators: vs, Session: sc, TrustedProxies: proxies, Demo: demo, Logger: log,
		Account: acc,
	}
	if cfg.Social, cfg.NoSocial, err = socialConfig(s); err != nil {
		return cfg, err
	}
	if cfg.MFA, cfg.NoMFA, err = mfaConfig(s); err != nil {
		return cfg, err
	}
	if err := cfg.Account.CheckSignupFields(); err != nil {
		return cfg, err
	}
	return cfg, cfg.Account.CheckRateLimits()
}

// siteURL is the configured public URL, or http://ADDR.
func siteURL(s *Settings) string {
	if u := s.str("site_url"); u != "" {
		return strings.TrimRight(u, "/")
	}
	return "http://" + s.str("addr")
}

// buildGatehouse makes the Gatehouse of the settings over db and, when the
// demo site is on, creates its permission demo.view_secret (as Django
// creates a model's permissions after migrate), so that
// "gatehouse user grant USER demo.view_secret" works on a fresh database.
// with changes the Config before New (serve adds its mailer).
func buildGatehouse(ctx context.Context, s *Settings, db *sqlstore.DB, log *slog.Logger, key []byte, with ...func(*gatehouse.Config)) (*gatehouse.Gatehouse, error) {
	cfg, err := gatehouseConfig(s, db, log, key)
	if err != nil {
		return nil, err
	}
	for _, f := range with {
		f(&cfg)
	}
	gh, err := gatehouse.New(cfg)
	if err != nil {
		return nil, err
	}
	if err := gh.Setup(ctx); err != nil {
		return nil, err
	}
	return gh, nil
}
