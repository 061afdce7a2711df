package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/gatehouse-auth/gatehouse/social"
)

// fileApp is one [[social.apps]] table of the config file: a provider app
// the server reads at start, besides the ones stored with "gatehouse social
// app add". An app of the file wins over a stored one of the same provider
// and id.
//
//	[[social.apps]]
//	provider    = "github"
//	client_id   = "Iv1.0123"
//	secret_file = "github.secret"   # or secret = "…"
//
//	[[social.apps]]
//	provider   = "openid_connect"
//	id         = "keycloak"          # /accounts/oidc/keycloak/login/
//	client_id  = "gatehouse"
//	secret_file = "/run/secrets/keycloak"
//	server_url = "https://sso.example.com/realms/main"
//	scopes     = ["groups"]
//	settings   = { verified_email = "true" }
type fileApp struct {
	Provider   string            `toml:"provider"`
	ID         string            `toml:"id"`
	Name       string            `toml:"name"`
	ClientID   string            `toml:"client_id"`
	Secret     string            `toml:"secret"`
	SecretFile string            `toml:"secret_file"`
	Key        string            `toml:"key"`
	ServerURL  string            `toml:"server_url"`
	Scopes     []string          `toml:"scopes"`
	Settings   map[string]string `toml:"settings"`
}

// loadFileApps reads the [[social.apps]] tables of the config file at path
// and takes them out of raw, so that the flat settings never see them. A
// key an app table does not know is an error, as elsewhere in the file; a
// secret_file relative path is relative to the config file's folder.
func loadFileApps(path string, raw map[string]any) ([]social.App, error) {
	sec, _ := raw["social"].(map[string]any)
	if sec == nil || sec["apps"] == nil {
		return nil, nil
	}
	var doc struct {
		Social struct {
			Apps []fileApp `toml:"apps"`
		} `toml:"social"`
	}
	md, err := toml.DecodeFile(path, &doc)
	if err != nil {
		return nil, fmt.Errorf("config %s: social.apps: %w", path, err)
	}
	for _, k := range md.Undecoded() {
		if key := k.String(); strings.HasPrefix(key, "social.apps.") && !strings.HasPrefix(key, "social.apps.settings.") {
			return nil, fmt.Errorf("config %s: unknown key %q in a [[social.apps]] table (known: provider, id, name, client_id, secret, secret_file, key, server_url, scopes, settings)", path, strings.TrimPrefix(key, "social.apps."))
		}
	}
	delete(sec, "apps")
	apps := make([]social.App, 0, len(doc.Social.Apps))
	for i, fa := range doc.Social.Apps {
		where := fmt.Sprintf("config %s: social.apps[%d] (%s)", path, i, fa.Provider)
		if fa.Secret != "" && fa.SecretFile != "" {
			return nil, fmt.Errorf("%s: secret and secret_file exclude each other", where)
		}
		secret := fa.Secret
		if fa.SecretFile != "" {
			f := fa.SecretFile
			if !filepath.IsAbs(f) {
				f = filepath.Join(filepath.Dir(path), f)
			}
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("%s: secret_file: %w", where, err)
			}
			secret, _, _ = strings.Cut(string(b), "\n")
			secret = strings.TrimSpace(secret)
			if secret == "" {
				return nil, fmt.Errorf("%s: secret_file %s is empty", where, f)
			}
		}
		settings := fa.Settings
		if settings == nil {
			settings = map[string]string{}
		}
		apps = append(apps, social.App{Provider: fa.Provider, AppID: fa.ID, Name: fa.Name, ClientID: fa.ClientID,
			Secret: secret, Key: fa.Key, ServerURL: fa.ServerURL, Scopes: fa.Scopes, Settings: settings})
	}
	return apps, nil
}
