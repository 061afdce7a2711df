package social_test

import (
	"context"
	"testing"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/gatehouse-auth/gatehouse/social"
)

// runMockOIDC starts a real OpenID Connect provider (mockoidc: discovery,
// keys, PKCE, signed ID tokens) and stores a generic app "mock" for it.
func runMockOIDC(t *testing.T, e *env) *mockoidc.MockOIDC {
	t.Helper()
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	cfg := m.Config()
	e.addApp(social.App{Provider: social.ProviderIDOIDC, AppID: "mock", Name: "Mock IdP", ClientID: cfg.ClientID,
		Secret: cfg.ClientSecret, ServerURL: cfg.Issuer})
	return m
}

func (e *env) loginMock(m *mockoidc.MockOIDC, u *mockoidc.MockUser) (*social.Result, error) {
	e.t.Helper()
	m.QueueUser(u)
	start, err := e.svc.Begin(context.Background(), social.BeginInput{Provider: social.ProviderIDOIDC, AppID: "mock", Next: "/home/"}, client)
	if err != nil {
		e.t.Fatal(err)
	}
	params := visit(e.t, start.URL)
	return e.svc.Complete(context.Background(), social.CallbackInput{Provider: social.ProviderIDOIDC, AppID: "mock",
		Browser: start.Browser, Params: params}, client)
}

// TestGenericOIDCWithMockOIDC: any issuer becomes a provider from its app
// alone: the generic provider signs a user up and in against a real OIDC
// provider library, its links stored under the app's name.
func TestGenericOIDCWithMockOIDC(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	m := runMockOIDC(t, e)
	buttons, err := e.svc.Buttons(ctx)
	if err != nil || len(buttons) != 1 || buttons[0].Name != "Mock IdP" || buttons[0].LoginPath != "/accounts/oidc/mock/login/" {
		t.Fatalf("buttons %+v, %v", buttons, err)
	}
	jane := &mockoidc.MockUser{Subject: "jane-sub", Email: "jane@example.org", EmailVerified: true, PreferredUsername: "jane"}
	res, err := e.loginMock(m, jane)
	if err != nil {
		t.Fatal(err)
	}
	if res.Login == nil || res.Next != "/home/" {
		t.Fatalf("result %+v", res)
	}
	u, err := e.acc.CompleteLogin(ctx, res.Login, client)
	if err != nil || u.Username != "jane" {
		t.Fatalf("%v, %v", u, err)
	}
	if es, _ := e.db.Emails(ctx, u.ID); len(es) != 1 || !es[0].Verified {
		t.Errorf("addresses %+v", es)
	}
	if link, err := e.db.SocialAccountByUID(ctx, "mock", "jane-sub"); err != nil || link.UserID != u.ID {
		t.Fatalf("link %+v, %v", link, err)
	}
	cs, _ := e.svc.Connections(ctx, u)
	if len(cs) != 1 || cs[0].Name != "Mock IdP" || cs[0].Label != "jane" {
		t.Errorf("connections %+v", cs)
	}
	res, err = e.loginMock(m, jane)
	if err != nil || res.Login == nil || res.Login.UserID != u.ID {
		t.Fatalf("second login %+v, %v", res, err)
	}
}

// TestGenericOIDCUnverifiedEmail (O2): an issuer's unverified address of
// an existing user gives no session in that user's account.
func TestGenericOIDCUnverifiedEmail(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.svc.Config.EmailAuthentication, e.svc.Config.EmailAuthenticationAutoConnect = true, true
	m := runMockOIDC(t, e)
	v := e.victim()
	res, err := e.loginMock(m, &mockoidc.MockUser{Subject: "mallory", Email: victimEmail, EmailVerified: false, PreferredUsername: "victim"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Login != nil {
		t.Fatalf("a login of user %d from an unverified address", res.Login.UserID)
	}
	if links, _ := e.db.SocialAccounts(ctx, v.ID); len(links) != 0 {
		t.Fatal("linked to the victim")
	}
	// The same address verified by the issuer logs the victim in.
	res, err = e.loginMock(m, &mockoidc.MockUser{Subject: "victim-at-idp", Email: victimEmail, EmailVerified: true})
	if err != nil || res.Login == nil || res.Login.UserID != v.ID {
		t.Fatalf("%+v, %v", res, err)
	}
}
