package social_test

import (
	"context"
	"os"
	"reflect"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/testdb"
	"github.com/gatehouse-auth/gatehouse/social"
	"github.com/gatehouse-auth/gatehouse/sqlstore"
)

// TestLoginWithEveryProvider walks the provider table: for each provider a
// fake serves its documented token and profile responses from
// testdata/<id>/, and the whole flow runs — Begin, the provider's page
// (the user approves), the callback, Complete — to a new user signed up
// and logged in, whose link maps to the fixture's profile; a second login
// finds the same user. A provider without a fixture fails.
func TestLoginWithEveryProvider(t *testing.T) {
	for _, p := range social.Builtin() {
		t.Run(p.ID, func(t *testing.T) { testdb.Each(t, func(t *testing.T, db *sqlstore.DB) { loginWith(t, p, db) }) })
	}
}

// loginWith runs the shared login test of provider p on db.
func loginWith(t *testing.T, p *social.Provider, db *sqlstore.DB) {
	e := newEnvOn(t, db)
	f := newFake(t, p)
	app := f.app()
	e.addApp(app)
	ctx := context.Background()

	u, res := e.login(f)
	if !res.SignedUp {
		t.Error("the first login did not sign up")
	}
	if res.Next != "/after/" || res.Login.Next != "/after/" {
		t.Errorf("next = %q, %q, want /after/", res.Next, res.Login.Next)
	}
	want := f.fx.Want.Profile
	key := p.ID
	if p.ID == social.ProviderIDOIDC {
		key = app.AppID
	}
	link, err := e.db.SocialAccountByUID(ctx, key, want.Subject)
	if err != nil {
		t.Fatalf("no link of %s/%s: %v", key, want.Subject, err)
	}
	if link.UserID != u.ID {
		t.Fatalf("link of user %d, logged in %d", link.UserID, u.ID)
	}
	got, err := p.MapProfile(link.ExtraData)
	if err != nil {
		t.Fatal(err)
	}
	got.Raw = nil
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("profile\n got %+v\nwant %+v", *got, want)
	}
	if u.Username == "" || u.HasUsablePassword() {
		t.Errorf("the new user %q has no username or a usable password", u.Username)
	}
	es, _ := e.db.Emails(ctx, u.ID)
	switch {
	case want.Email == "" && len(es) != 0:
		t.Errorf("addresses %v, want none", es)
	case want.Email != "" && (len(es) != 1 || es[0].Email != want.Email || es[0].Verified != want.EmailVerified):
		t.Errorf("addresses %+v, want %s verified=%v", es, want.Email, want.EmailVerified)
	}
	if u.FirstName != want.FirstName || u.LastName != want.LastName {
		t.Errorf("names %q %q, want %q %q", u.FirstName, u.LastName, want.FirstName, want.LastName)
	}

	f.mu.Lock()
	seen, verifier := f.seen, f.verifier
	f.mu.Unlock()
	if p.Protocol != social.TelegramWidget {
		if p.PKCE && (seen.Get("code_challenge_method") != "S256" || len(verifier) < 43 || len(verifier) > 128) {
			t.Errorf("PKCE: method %q, verifier of %d characters", seen.Get("code_challenge_method"), len(verifier))
		}
		if p.Protocol == social.OIDC && len(seen.Get("nonce")) < 16 {
			t.Errorf("nonce %q", seen.Get("nonce"))
		}
		if len(seen.Get("state")) < 43 {
			t.Errorf("state %q is short", seen.Get("state"))
		}
	}

	again, res := e.login(f)
	if again.ID != u.ID || e.users() != 1 || res.SignedUp {
		t.Errorf("the second login is user %d (of %d), want %d", again.ID, e.users(), u.ID)
	}
	f.mu.Lock()
	secrets := []string{f.secret, f.accessToken(), seen.Get("state"), verifier}
	for code := range f.grants {
		secrets = append(secrets, code)
	}
	f.mu.Unlock()
	e.noSecretsLogged(secrets...)
}

// TestFixturesBelongToTheTable: every fixture directory is a provider of
// the table (a renamed provider leaves none behind).
func TestFixturesBelongToTheTable(t *testing.T) {
	ents, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, p := range social.Builtin() {
		ids[p.ID] = true
	}
	for _, d := range ents {
		if d.IsDir() && !ids[d.Name()] && d.Name() != "fuzz" {
			t.Errorf("testdata/%s is no provider's", d.Name())
		}
	}
}
