package main

import (
	"strings"

	"github.com/gatehouse-auth/gatehouse/social"
)

// socialConfig reads the social.* settings and the config file's
// [[social.apps]]; off is true when social.enabled is false. Apps added
// with "gatehouse social app add" live in the database, so that every
// instance and the CLI see the same ones; an app of the file wins over a
// stored one of the same provider and id.
func socialConfig(s *Settings) (cfg social.Config, off bool, err error) {
	flags := map[string]*bool{}
	var enabled, autoSignup bool
	flags["social.enabled"], flags["social.auto_signup"] = &enabled, &autoSignup
	flags["social.email_authentication"] = &cfg.EmailAuthentication
	flags["social.email_authentication_auto_connect"] = &cfg.EmailAuthenticationAutoConnect
	flags["social.email_required"] = &cfg.EmailRequired
	flags["social.store_tokens"] = &cfg.StoreTokens
	for key, p := range flags {
		if *p, err = s.bool(key); err != nil {
			return cfg, false, err
		}
	}
	cfg.NoAutoSignup = !autoSignup
	cfg.Apps = s.apps
	if cfg.Outbound.Timeout, err = s.duration("social.requests_timeout"); err != nil {
		return cfg, false, err
	}
	for _, h := range strings.Split(s.str("social.private_hosts"), ",") {
		if h = strings.TrimSpace(h); h != "" {
			cfg.Outbound.PrivateHosts = append(cfg.Outbound.PrivateHosts, h)
		}
	}
	return cfg, !enabled, nil
}
