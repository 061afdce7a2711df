package djangoimport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse-auth/gatehouse/social"
	"github.com/gatehouse-auth/gatehouse/user"
)

// accountProviders maps django-allauth's provider ids of accounts to
// Gatehouse's where the two differ. Gatehouse keeps allauth's ids (google,
// github, twitter_oauth2, vk, yandex, telegram, openid_connect …), so that a
// link made by allauth is found under the same id; allauth's "twitter" is X
// over OAuth 1.0a, whose user ids are those X's OAuth 2.0 gives, so its
// links are Gatehouse's "twitter_oauth2" ones.
var accountProviders = map[string]string{"twitter": "twitter_oauth2"}

// accountProvider returns Gatehouse's id of allauth's provider p of an
// account.
func accountProvider(p string) string {
	if q, ok := accountProviders[p]; ok {
		return q
	}
	return p
}

// oauth1Apps are allauth's providers whose apps hold OAuth 1.0a
// credentials, which Gatehouse's provider of the same service cannot use.
var oauth1Apps = map[string]bool{"twitter": true}

// socialAppRec is an allauth SocialApp.
type socialAppRec struct {
	index                      int
	provider, providerID, name string
	clientID, secret, key      string
	serverURL                  string
	settings                   map[string]string
	noSite                     bool // sites was dumped, and empty
}

// socialAccountRec is an allauth SocialAccount.
type socialAccountRec struct {
	index             int
	user              ref
	provider, uid     string
	extra             []byte // the JSON of extra_data; nil for none
	joined, lastLogin int64  // unix microseconds
}

type socialAppFields struct {
	Provider   string          `json:"provider"`
	ProviderID string          `json:"provider_id"` // allauth 0.55 and later
	Name       string          `json:"name"`
	ClientID   string          `json:"client_id"`
	Secret     string          `json:"secret"`
	Key        string          `json:"key"`
	Settings   json.RawMessage `json:"settings"` // allauth 0.55 and later
	Sites      *[]ref          `json:"sites"`    // absent without django.contrib.sites
}

type socialAccountFields struct {
	User       ref             `json:"user"`
	Provider   string          `json:"provider"`
	UID        string          `json:"uid"`
	LastLogin  *string         `json:"last_login"`
	DateJoined *string         `json:"date_joined"`
	ExtraData  json.RawMessage `json:"extra_data"`
}

// jsonField returns the JSON that a JSON field of allauth holds, as it was
// stored. allauth 0.55 and later use Django's JSONField, which dumpdata
// writes as the value itself: it is kept as it is in the file, less the
// white space between tokens that dumpdata --indent adds (json.Compact
// keeps the order of keys, numbers and strings as written). Earlier allauth
// kept JSON text in a text column, which dumpdata writes as a string: its
// content is kept byte for byte. A string that is not JSON text is taken as
// the value. null, "", or no field, is nil.
func jsonField(raw json.RawMessage) ([]byte, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		if s == "" {
			return nil, nil
		}
		if json.Valid([]byte(s)) {
			return []byte(s), nil
		}
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// appSettings splits allauth's SocialApp.settings into the issuer of an
// OpenID Connect app (server_url) and the other settings, which keep string
// values as they are and others as their JSON ("true", "[\"a\"]").
func appSettings(raw json.RawMessage) (string, map[string]string, error) {
	b, err := jsonField(raw)
	if err != nil || b == nil {
		return "", nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return "", nil, errors.New("settings: want a JSON object")
	}
	serverURL := ""
	settings := make(map[string]string, len(m))
	for k, v := range m {
		var s string
		if len(v) > 0 && v[0] == '"' && json.Unmarshal(v, &s) == nil {
			if k == "server_url" {
				serverURL = s
				continue
			}
			settings[k] = s
			continue
		}
		settings[k] = string(v)
	}
	if len(settings) == 0 {
		settings = nil
	}
	return serverURL, settings, nil
}

// addSocialApp decodes a socialaccount.socialapp record.
func (d *dump) addSocialApp(i int, raw json.RawMessage) error {
	var f socialAppFields
	if err := decodeFields(raw, &f); err != nil {
		return err
	}
	serverURL, settings, err := appSettings(f.Settings)
	if err != nil {
		return err
	}
	d.socialApps = append(d.socialApps, socialAppRec{index: i, provider: f.Provider, providerID: f.ProviderID,
		name: f.Name, clientID: f.ClientID, secret: f.Secret, key: f.Key, serverURL: serverURL, settings: settings,
		noSite: f.Sites != nil && len(*f.Sites) == 0})
	return nil
}

// addSocialAccount decodes a socialaccount.socialaccount record.
func (d *dump) addSocialAccount(i int, raw json.RawMessage, loc *time.Location, now int64) error {
	var f socialAccountFields
	if err := decodeFields(raw, &f); err != nil {
		return err
	}
	extra, err := jsonField(f.ExtraData)
	if err != nil {
		return fmt.Errorf("extra_data: %w", err)
	}
	a := socialAccountRec{index: i, user: f.User, provider: f.Provider, uid: f.UID, extra: extra, joined: now, lastLogin: now}
	if f.DateJoined != nil {
		t, err := parseTime(*f.DateJoined, loc)
		if err != nil {
			return fmt.Errorf("date_joined: %w", err)
		}
		a.joined = t.UnixMicro()
	}
	if f.LastLogin != nil {
		t, err := parseTime(*f.LastLogin, loc)
		if err != nil {
			return fmt.Errorf("last_login: %w", err)
		}
		a.lastLogin = t.UnixMicro()
	}
	d.socialAccounts = append(d.socialAccounts, a)
	return nil
}

// appKey is an app's identity in the store: provider and app id.
func appKey(provider, appID string) string { return provider + "\x00" + appID }

// importSocialApps writes allauth's SocialApps as social.Apps, their
// secrets sealed, and learns the sub-providers (OpenID Connect apps) that
// the accounts refer to.
func (im *importer) importSocialApps() error {
	if len(im.d.socialApps) == 0 && len(im.d.socialAccounts) == 0 {
		return nil
	}
	ss, ok := im.s.(social.Store)
	if !ok {
		for _, k := range []struct {
			kind string
			n    int
		}{{KindSocialApp, len(im.d.socialApps)}, {KindSocialAccount, len(im.d.socialAccounts)}} {
			if k.n > 0 {
				im.t.read(k.kind, k.n)
				im.t.skipN(im.t.kind(k.kind, true), ReasonNoSocialStore, "", k.n)
			}
		}
		return nil
	}
	im.ss = ss
	stored, err := ss.SocialApps(im.ctx)
	if err != nil {
		return fmt.Errorf("djangoimport: %s: %w", KindSocialApp, err)
	}
	existing := make(map[string]bool, len(stored))
	for _, a := range stored {
		existing[appKey(a.Provider, a.AppID)] = true
	}
	seen := map[string]bool{}
	for i := range im.d.socialApps {
		if err := im.socialApp(&im.d.socialApps[i], existing, seen); err != nil {
			return err
		}
	}
	return nil
}

func (im *importer) socialApp(a *socialAppRec, existing, seen map[string]bool) error {
	im.t.read(KindSocialApp, 1)
	name := fmt.Sprintf("%q", a.name)
	if a.provider == "" {
		im.t.skip(KindSocialApp, "no provider", example(a.index, name))
		return nil
	}
	if a.noSite {
		im.t.skip(KindSocialApp, ReasonAppOnNoSite, example(a.index, name))
		return nil
	}
	if oauth1Apps[a.provider] {
		im.t.skip(KindSocialApp, ReasonOAuth1App, example(a.index, name))
		return nil
	}
	app := &social.App{Provider: a.provider, AppID: a.providerID, Name: a.name,
		ClientID: a.clientID, Secret: a.secret, Key: a.key, ServerURL: a.serverURL, Settings: a.settings}
	key := appKey(app.Provider, app.AppID)
	switch {
	case seen[key]:
		im.t.skip(KindSocialApp, ReasonAppRepeated, example(a.index, name))
		return nil
	case existing[key]:
		seen[key] = true
		im.t.skip(KindSocialApp, ReasonExists, "")
		return nil
	}
	seen[key] = true
	if app.Secret != "" {
		if im.opts.SealSecret == nil {
			im.t.skip(KindSocialApp, ReasonNoSealer, example(a.index, name))
			return nil
		}
		sealed, err := im.opts.SealSecret(app)
		if err != nil {
			return fmt.Errorf("djangoimport: %s record %d (%s): %w", KindSocialApp, a.index, name, err)
		}
		app.Secret = sealed
	}
	if err := im.ss.SaveSocialApp(im.ctx, app); err != nil {
		return storeErr(KindSocialApp, a.index, err)
	}
	im.t.imported(KindSocialApp)
	return nil
}

// importSocialAccounts links the users to their provider accounts.
func (im *importer) importSocialAccounts() error {
	if im.ss == nil {
		return nil // counted by importSocialApps
	}
	for i := range im.d.socialAccounts {
		a := &im.d.socialAccounts[i]
		im.t.read(KindSocialAccount, 1)
		id, reason, err := im.resolveUser(a.user)
		if err != nil {
			return storeErr(KindSocialAccount, a.index, err)
		}
		if reason != "" {
			im.t.skip(KindSocialAccount, reason, example(a.index, "user "+a.user.String()))
			continue
		}
		// An OpenID Connect link keeps allauth's provider, the app's
		// provider_id ("keycloak"), as social login stores it: each
		// issuer is its own namespace of subjects (SECURITY.md O1).
		provider := accountProvider(a.provider)
		if provider == "" || a.uid == "" {
			im.t.skip(KindSocialAccount, "no provider or uid", example(a.index, ""))
			continue
		}
		got, err := im.ss.SocialAccountByUID(im.ctx, provider, a.uid)
		switch {
		case err == nil && got.UserID == id:
			im.t.skip(KindSocialAccount, ReasonExists, "")
			continue
		case err == nil:
			im.t.skip(KindSocialAccount, ReasonLinkedToOther,
				example(a.index, fmt.Sprintf("%s uid %q, user %s", a.provider, a.uid, a.user)))
			continue
		case !errors.Is(err, user.ErrNotFound):
			return storeErr(KindSocialAccount, a.index, err)
		}
		link := &social.Account{UserID: id, Provider: provider, UID: a.uid, ExtraData: a.extra,
			DateJoined: time.UnixMicro(a.joined).UTC(), LastLogin: time.UnixMicro(a.lastLogin).UTC()}
		if err := im.ss.CreateSocialAccount(im.ctx, link); err != nil {
			return storeErr(KindSocialAccount, a.index, err)
		}
		im.t.imported(KindSocialAccount)
	}
	return nil
}
