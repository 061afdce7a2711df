package djangoimport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/keys"
	"github.com/gatehouse-auth/gatehouse/social"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
	"github.com/gatehouse-auth/gatehouse/user"
)

var (
	testRing  = mustRing("djangoimport test secret key, 32 bytes or more")
	otherRing = mustRing("another site's secret key, 32 bytes or more")
)

func mustRing(secret string) *keys.Ring {
	r, err := keys.New([]byte(secret))
	if err != nil {
		panic(err)
	}
	return r
}

// testSeal seals as the CLI does, under testRing.
func testSeal(a *social.App) (string, error) { return social.SealSecret(testRing, a), nil }

// fixtureSecrets are the app secrets of the fixtures that are distinctive
// enough to look for in a report.
var fixtureSecrets = []string{"GOCSPX-google-client-secret", "keycloak-client-secret", "x-client-secret"}

// wantApp is an app as the store should hold it, its secret opened.
type wantApp struct {
	provider, appID, name, clientID, secret, serverURL string
	settings                                           map[string]string
}

// checkSocialFixture checks the apps and links a fixture leaves, reading
// the file independently of the package's decoder.
func checkSocialFixture(t *testing.T, db *sqlstore.DB, name string) {
	t.Helper()
	ctx := context.Background()
	apps, err := db.SocialApps(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []wantApp{
		{"github", "", "GitHub", "id", "secret", "", nil},
		{"google", "", "Google", "1234567890-abc.apps.googleusercontent.com", "GOCSPX-google-client-secret", "", nil},
		{"openid_connect", "keycloak", "Keycloak", "gatehouse", "keycloak-client-secret",
			"https://id.example.com/realms/main", map[string]string{"oauth_pkce_enabled": "true"}},
	}
	if len(apps) != len(want) {
		t.Fatalf("%d apps stored, want %d: %+v", len(apps), len(want), apps)
	}
	for i, a := range apps {
		w := want[i]
		if a.Provider != w.provider || a.AppID != w.appID || a.Name != w.name || a.ClientID != w.clientID ||
			a.Key != "" || a.ServerURL != w.serverURL || !maps.Equal(a.Settings, w.settings) {
			t.Errorf("app %d = %+v, want %+v", i, a, w)
		}
		if !strings.HasPrefix(a.Secret, "sealed:") || strings.Contains(a.Secret, w.secret) {
			t.Errorf("app %s/%s: secret stored as %q, want it sealed", a.Provider, a.AppID, a.Secret)
		}
		if got, err := social.OpenSecret(testRing, a); err != nil || got != w.secret {
			t.Errorf("app %s/%s: secret opens to %q, %v; want %q", a.Provider, a.AppID, got, err, w.secret)
		}
		if _, err := social.OpenSecret(otherRing, a); !errors.Is(err, social.ErrSecret) {
			t.Errorf("app %s/%s: secret opens under another key: %v", a.Provider, a.AppID, err)
		}
	}

	var recs []struct {
		Model  string
		PK     json.RawMessage
		Fields map[string]json.RawMessage
	}
	if err := json.Unmarshal(readFile(t, name), &recs); err != nil {
		t.Fatal(err)
	}
	usernames := map[string]string{} // pk → username
	for _, r := range recs {
		if r.Model == "auth.user" && r.PK != nil {
			var u string
			json.Unmarshal(r.Fields["username"], &u)
			usernames[string(r.PK)] = u
		}
	}
	links := 0
	for _, r := range recs {
		if r.Model != "socialaccount.socialaccount" {
			continue
		}
		links++
		var provider, uid, joined string
		json.Unmarshal(r.Fields["provider"], &provider)
		json.Unmarshal(r.Fields["uid"], &uid)
		json.Unmarshal(r.Fields["date_joined"], &joined)
		var natural []string
		username := usernames[string(r.Fields["user"])]
		if json.Unmarshal(r.Fields["user"], &natural) == nil {
			username = natural[0]
		}
		// allauth 0.51 kept extra_data as JSON text, 65.x as JSON.
		raw := r.Fields["extra_data"]
		var wantExtra []byte
		var text string
		if json.Unmarshal(raw, &text) == nil {
			wantExtra = []byte(text)
		} else {
			var b bytes.Buffer
			json.Compact(&b, raw)
			wantExtra = b.Bytes()
		}
		wantProvider := provider // an OpenID Connect link keeps its app's provider_id, "keycloak"
		if provider == "keycloak" {
			if _, err := db.SocialAccountByUID(ctx, "openid_connect", uid); !errors.Is(err, user.ErrNotFound) {
				t.Errorf("an OpenID Connect link stored under the shared openid_connect namespace: %v", err)
			}
		}
		a, err := db.SocialAccountByUID(ctx, wantProvider, uid)
		if err != nil {
			t.Errorf("%s uid %s of %q: %v", wantProvider, uid, username, err)
			continue
		}
		joinedAt, _ := time.Parse(time.RFC3339Nano, joined)
		if u := mustUser(t, db, username); a.UserID != u.ID || !bytes.Equal(a.ExtraData, wantExtra) ||
			!a.DateJoined.Equal(joinedAt) || !a.LastLogin.Equal(joinedAt) || a.Token != nil {
			t.Errorf("%s uid %s = user %d, extra %s, joined %v, last %v; want user %d (%s), extra %s, %v",
				wantProvider, uid, a.UserID, a.ExtraData, a.DateJoined, a.LastLogin, u.ID, username, wantExtra, joinedAt)
		}
	}
	if links != 5 {
		t.Errorf("%s has %d social accounts, want 5", name, links)
	}
	// What JSON would change, kept: a number past float64, Cyrillic, key order.
	vk, err := db.SocialAccountByUID(ctx, "vk", "210700286")
	if err != nil || !bytes.Contains(vk.ExtraData, []byte(`{"friends":12345678901234567890}`)) ||
		!bytes.HasPrefix(vk.ExtraData, []byte(`{"id":210700286,"first_name":"Юрген",`)) {
		t.Errorf("vk extra_data %s, %v", vk.ExtraData, err)
	}
}

// storedSecrets returns the app secrets as the store holds them.
func storedSecrets(t *testing.T, db *sqlstore.DB) []string {
	t.Helper()
	apps, err := db.SocialApps(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range apps {
		out = append(out, a.Secret)
	}
	return out
}

// TestSocialWithoutSealer: with no SealSecret, apps with a secret are
// skipped (never stored in plain text); links need no secret.
func TestSocialWithoutSealer(t *testing.T) {
	db := openSQLite(t)
	rep := runImport(t, db, readFile(t, fixtures[1]), Options{})
	wantCount(t, rep, KindSocialApp, 4, 0, 4)
	if c := rep.Count(KindSocialApp); c.SkippedFor(ReasonNoSealer) != 3 || c.SkippedFor(ReasonAppOnNoSite) != 1 {
		t.Errorf("%s", c)
	}
	wantCount(t, rep, KindSocialAccount, 5, 5, 0)
	if got := storedSecrets(t, db); len(got) != 0 {
		t.Errorf("apps stored without a sealer: %q", got)
	}
	for _, secret := range fixtureSecrets {
		if strings.Contains(rep.String(), secret) {
			t.Errorf("the report shows the app secret %q", secret)
		}
	}
}

// usersOnly is a store that keeps no social accounts.
type usersOnly struct{ user.Store }

func (u usersOnly) Atomic(ctx context.Context, fn func(user.Store) error) error {
	return u.Store.Atomic(ctx, func(s user.Store) error { return fn(usersOnly{s}) })
}

// TestSocialStoreWithoutSocial: a user.Store that is not a social.Store
// gets the users; the social rows are skipped, saying why.
func TestSocialStoreWithoutSocial(t *testing.T) {
	db := openSQLite(t)
	rep := runImport(t, usersOnly{db}, readFile(t, fixtures[0]), fixtureOptions)
	wantCount(t, rep, KindUser, 8, 8, 0)
	wantCount(t, rep, KindSocialApp, 4, 0, 4)
	wantCount(t, rep, KindSocialAccount, 5, 0, 5)
	for _, kind := range []string{KindSocialApp, KindSocialAccount} {
		if c := rep.Count(kind); c.SkippedFor(ReasonNoSocialStore) != c.Read {
			t.Errorf("%s; want every row skipped for %q", c, ReasonNoSocialStore)
		}
	}
	if links, _ := db.SocialAccounts(context.Background(), mustUser(t, db, "alice").ID); len(links) != 0 {
		t.Errorf("links written: %v", links)
	}
}

// TestSealErrorWritesNothing: a SealSecret that fails (the CLI's, with no
// secret key) stops the import, and nothing is written.
func TestSealErrorWritesNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *sqlstore.DB) {
		errNoKey := errors.New("no secret key")
		for _, dry := range []bool{false, true} {
			rep, err := Import(context.Background(), db, bytes.NewReader(readFile(t, fixtures[0])), Options{
				DryRun:     dry,
				SealSecret: func(*social.App) (string, error) { return "", errNoKey },
			})
			if !errors.Is(err, errNoKey) || !strings.Contains(err.Error(), `socialaccount.socialapp record 67 ("GitHub")`) {
				t.Fatalf("dry run %v: Import = %v, %v; want the sealer's error naming the app", dry, rep, err)
			}
			if got := snapshot(t, db); got != "" {
				t.Errorf("a failed import wrote:\n%s", got)
			}
		}
	})
}

const badSocial = `[
{"model": "auth.user", "pk": 1, "fields": {"username": "ann", "password": "md5$s$x"}},
{"model": "auth.user", "pk": 2, "fields": {"username": "ANN", "password": "md5$s$y"}},
{"model": "socialaccount.socialapp", "pk": 1, "fields": {"provider": "openid_connect", "provider_id": "okta", "name": "Okta",
  "client_id": "c1", "secret": "", "key": "", "settings": {"server_url": "https://okta.example.com", "token_auth_method": "client_secret_post", "scope": ["openid", "email"]}}},
{"model": "socialaccount.socialapp", "pk": 2, "fields": {"provider": "openid_connect", "provider_id": "okta", "name": "Okta again",
  "client_id": "c2", "secret": "", "key": "", "settings": {}, "sites": [1]}},
{"model": "socialaccount.socialapp", "pk": 3, "fields": {"provider": "", "name": "nothing", "client_id": "c3"}},
{"model": "socialaccount.socialapp", "pk": 4, "fields": {"provider": "openid_connect", "provider_id": "auth0", "name": "Auth0",
  "client_id": "c4", "settings": "{\"server_url\": \"https://auth0.example.com\"}"}},
{"model": "socialaccount.socialapp", "pk": 5, "fields": {"provider": "twitter", "provider_id": "", "name": "Twitter",
  "client_id": "consumer-key", "secret": "", "key": "", "settings": {}}},
{"model": "socialaccount.socialaccount", "pk": 1, "fields": {"user": 1, "provider": "okta", "uid": "same-sub", "extra_data": {"sub": "same-sub"}}},
{"model": "socialaccount.socialaccount", "pk": 2, "fields": {"user": ["bob"], "provider": "auth0", "uid": "same-sub", "extra_data": {}}},
{"model": "socialaccount.socialaccount", "pk": 3, "fields": {"user": 2, "provider": "github", "uid": "1", "extra_data": {}}},
{"model": "socialaccount.socialaccount", "pk": 4, "fields": {"user": 99, "provider": "github", "uid": "2", "extra_data": {}}},
{"model": "socialaccount.socialaccount", "pk": 5, "fields": {"user": ["nobody"], "provider": "github", "uid": "3", "extra_data": {}}},
{"model": "socialaccount.socialaccount", "pk": 6, "fields": {"user": 1, "provider": "github", "uid": "", "extra_data": {}}},
{"model": "socialaccount.socialaccount", "pk": 7, "fields": {"user": ["bob"], "provider": "github", "uid": "42", "extra_data": null,
  "date_joined": "2020-01-02T03:04:05", "last_login": "2020-02-03T04:05:06+01:00"}},
{"model": "socialaccount.socialaccount", "pk": 8, "fields": {"user": 1, "provider": "github", "uid": "42", "extra_data": {}}},
{"model": "socialaccount.socialaccount", "pk": 9, "fields": {"user": 1, "provider": "yandex", "uid": "7", "extra_data": "not JSON text"}},
{"model": "socialaccount.socialaccount", "pk": 10, "fields": {"user": ["ann"], "provider": "stored-app", "uid": "s1"}},
{"model": "socialaccount.socialaccount", "pk": 11, "fields": {"user": 1, "provider": "twitter", "uid": "2244994945", "extra_data": {"id_str": "2244994945"}}},
{"model": "socialaccount.socialtoken", "pk": 1, "fields": {"app": 1, "account": 1, "token": "t", "token_secret": "", "expires_at": null}}
]`

// TestSocialReferences: links to users that are not there, or to provider
// accounts linked to someone else, are skipped with reasons; OpenID Connect
// servers are told apart by provider_id, from the file or the store.
func TestSocialReferences(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		bob := &user.User{Username: "bob", Password: "argon2$x", IsActive: true, DateJoined: time.Now()}
		if err := db.CreateUser(ctx, bob); err != nil {
			t.Fatal(err)
		}
		operators := &social.App{Provider: "openid_connect", AppID: "stored-app", Name: "Stored", ClientID: "s",
			Secret: "sealed:operator's", ServerURL: "https://stored.example.com"}
		if err := db.SaveSocialApp(ctx, operators); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		opts := Options{Now: func() time.Time { return now }}
		rep := runImport(t, db, []byte(badSocial), opts)
		t.Logf("\n%s", rep)
		wantCount(t, rep, KindSocialApp, 5, 2, 3)
		wantCount(t, rep, KindSocialAccount, 11, 6, 5)
		for kind, reasons := range map[string][]string{
			KindSocialApp:     {ReasonAppRepeated, "no provider", ReasonOAuth1App},
			KindSocialAccount: {"user not imported", "user not in file", "user not in file or store", "no provider or uid", ReasonLinkedToOther},
		} {
			for _, r := range reasons {
				if rep.Count(kind).SkippedFor(r) == 0 {
					t.Errorf("%s: no row skipped for %q", kind, r)
				}
			}
		}
		if n := rep.Count(KindSocialAccount).SkippedFor(ReasonLinkedToOther); n != 1 {
			t.Errorf("%d links skipped as another user's, want 1", n)
		}
		s := rep.String()
		for _, want := range []string{`record 14: github uid "42", user pk 1`,
			`record 3: "Okta again"`, `record 6: "Twitter"`, "record 9: user pk 2", "socialaccount.socialtoken: 1 skipped (tokens"} {
			if !strings.Contains(s, want) {
				t.Errorf("report lacks %q", want)
			}
		}

		ann := mustUser(t, db, "ann")
		check := func(provider, uid string, userID int64, extra string) *social.Account {
			t.Helper()
			a, err := db.SocialAccountByUID(ctx, provider, uid)
			if err != nil || a.UserID != userID || string(a.ExtraData) != extra {
				t.Fatalf("%s %s = %+v, %v; want user %d, extra %s", provider, uid, a, err, userID, extra)
			}
			return a
		}
		// Two OpenID Connect servers that gave one sub to two people: each
		// link keeps its server's provider_id, so both are imported.
		check("okta", "same-sub", ann.ID, `{"sub":"same-sub"}`)
		check("auth0", "same-sub", bob.ID, `{}`)
		a := check("github", "42", bob.ID, `{}`)
		if !a.DateJoined.Equal(time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)) || !a.LastLogin.Equal(time.Date(2020, 2, 3, 3, 5, 6, 0, time.UTC)) {
			t.Errorf("github 42 dates %v, %v", a.DateJoined, a.LastLogin)
		}
		check("yandex", "7", ann.ID, `"not JSON text"`)
		// allauth's X over OAuth 1.0a has the user ids of X's OAuth 2.0.
		check("twitter_oauth2", "2244994945", ann.ID, `{"id_str":"2244994945"}`)
		// An app already in the store keeps its links under its provider_id; no dates in
		// the file means now.
		if a := check("stored-app", "s1", ann.ID, `{}`); !a.DateJoined.Equal(now) || !a.LastLogin.Equal(now) {
			t.Errorf("s1 dates %v, %v; want %v", a.DateJoined, a.LastLogin, now)
		}

		apps, err := db.SocialApps(ctx)
		if err != nil || len(apps) != 3 {
			t.Fatalf("apps %+v, %v", apps, err)
		}
		auth0, okta, stored := apps[0], apps[1], apps[2]
		if okta.AppID != "okta" || okta.Name != "Okta" || okta.ClientID != "c1" || okta.Secret != "" || okta.ServerURL != "https://okta.example.com" ||
			!maps.Equal(okta.Settings, map[string]string{"token_auth_method": "client_secret_post", "scope": `["openid","email"]`}) {
			t.Errorf("okta app %+v", okta)
		}
		if auth0.AppID != "auth0" || auth0.ServerURL != "https://auth0.example.com" || len(auth0.Settings) != 0 {
			t.Errorf("auth0 app %+v", auth0)
		}
		if stored.Secret != operators.Secret || stored.Name != "Stored" {
			t.Errorf("the operator's app changed: %+v", stored)
		}

		// Again: nothing new.
		before := snapshot(t, db)
		rep = runImport(t, db, []byte(badSocial), opts)
		wantCount(t, rep, KindSocialApp, 5, 0, 5)
		wantCount(t, rep, KindSocialAccount, 11, 0, 11)
		if n := rep.Count(KindSocialAccount).SkippedFor(ReasonExists); n != 6 {
			t.Errorf("second import: %d links existing, want 6", n)
		}
		if after := snapshot(t, db); after != before {
			t.Errorf("second import changed the store:\n%s\nwant\n%s", after, before)
		}
	})
}

// TestSocialExistingApp: an app the store has (same provider and app id)
// is left as the operator set it.
func TestSocialExistingApp(t *testing.T) {
	db := openSQLite(t)
	ctx := context.Background()
	mine := &social.App{Provider: "openid_connect", AppID: "keycloak", Name: "Mine", ClientID: "mine"}
	mine.Secret = social.SealSecret(testRing, &social.App{Provider: mine.Provider, AppID: mine.AppID, Secret: "my secret"})
	if err := db.SaveSocialApp(ctx, mine); err != nil {
		t.Fatal(err)
	}
	rep := runImport(t, db, readFile(t, fixtures[0]), fixtureOptions)
	wantCount(t, rep, KindSocialApp, 4, 2, 2)
	if rep.Count(KindSocialApp).SkippedFor(ReasonExists) != 1 {
		t.Errorf("%s", rep.Count(KindSocialApp))
	}
	apps, _ := db.SocialApps(ctx)
	i := slices.IndexFunc(apps, func(a *social.App) bool { return a.AppID == "keycloak" })
	if i < 0 || apps[i].Name != "Mine" || apps[i].Secret != mine.Secret {
		t.Errorf("the existing app changed: %+v", apps)
	}
	// The links of its accounts are made all the same.
	if _, err := db.SocialAccountByUID(ctx, "keycloak", "f0c5a3c2-7d4e-4b8a-9f1e-2d3c4b5a6978"); err != nil {
		t.Error(err)
	}
}

func TestJSONField(t *testing.T) {
	for in, want := range map[string]string{
		``:     ``,
		`null`: ``,
		`{}`:   `{}`,
		"{\n  \"b\": 1,\n  \"a\": [1.50, \"\\u00e9\"]\n}": `{"b":1,"a":[1.50,"\u00e9"]}`,
		`"{\"login\": \"octocat\"}"`:                      `{"login": "octocat"}`,
		`"[1, 2]"`:                                        `[1, 2]`,
		`"plain"`:                                         `"plain"`,
		`""`:                                              ``,
		`12345678901234567890`:                            `12345678901234567890`,
	} {
		got, err := jsonField(json.RawMessage(in))
		if err != nil || string(got) != want {
			t.Errorf("jsonField(%s) = %s, %v; want %s", in, got, err, want)
		}
	}
}

func TestAppSettings(t *testing.T) {
	server, settings, err := appSettings(json.RawMessage(`{"server_url": "https://id.example.com", "fetch_userinfo": false, "n": 3, "uid_field": "email"}`))
	if err != nil || server != "https://id.example.com" ||
		!maps.Equal(settings, map[string]string{"fetch_userinfo": "false", "n": "3", "uid_field": "email"}) {
		t.Errorf("appSettings = %q, %v, %v", server, settings, err)
	}
	if server, settings, err := appSettings(nil); err != nil || server != "" || settings != nil {
		t.Errorf("no settings = %q, %v, %v", server, settings, err)
	}
	if _, _, err := appSettings(json.RawMessage(`[1]`)); err == nil {
		t.Error("settings that are not an object accepted")
	}
}

// TestSocialMalformed: a record of the socialaccount app that cannot be
// read stops the import before anything is written, naming it.
func TestSocialMalformed(t *testing.T) {
	for name, c := range map[string]struct{ data, want string }{
		"bad date":     {`[{"model":"socialaccount.socialaccount","pk":1,"fields":{"user":1,"provider":"github","uid":"1","date_joined":"yesterday"}}]`, "record 0 (socialaccount.socialaccount): date_joined"},
		"bad settings": {`[{"model":"socialaccount.socialapp","pk":1,"fields":{"provider":"github","settings":7}}]`, "record 0 (socialaccount.socialapp): settings"},
		"uid a number": {`[{"model":"socialaccount.socialaccount","pk":1,"fields":{"user":1,"provider":"github","uid":1}}]`, "record 0 (socialaccount.socialaccount)"},
	} {
		t.Run(name, func(t *testing.T) {
			db := openSQLite(t)
			_, err := Import(context.Background(), db, strings.NewReader(c.data), fixtureOptions)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Import: %v; want an error with %q", err, c.want)
			}
		})
	}
}
