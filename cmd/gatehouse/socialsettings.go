package main

import (
	"strings"

	"github.com/gatehouse-auth/gatehouse/social"
)

// socialConfig reads the social.* settings; off is true when social.enabled
// is false. The apps themselves live in the database (gatehouse social app
// add), so that every instance and the CLI see the same ones.
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
