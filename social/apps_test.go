package social_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/social"
)

// TestApps: apps of the configuration and the store together, the
// configuration's winning; secrets sealed in the store and opened for
// use; a removed app gone at once.
func TestApps(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.svc.Config.Apps = []social.App{{Provider: "github", ClientID: "from-file", Secret: "file-secret"}}
	e.addApp(social.App{Provider: "github", ClientID: "from-db", Secret: "db-secret"})
	e.addApp(social.App{Provider: "yandex", ClientID: "ya", Secret: "ya-secret", Name: "Яндекс"})
	e.addApp(social.App{Provider: "openid_connect", AppID: "keycloak", ClientID: "kc", Secret: "kc-secret", ServerURL: "https://id.example.org/realms/main"})

	stored, _ := e.db.SocialApps(ctx)
	for _, a := range stored {
		if !strings.HasPrefix(a.Secret, "sealed:") || strings.Contains(a.Secret, "secret") {
			t.Errorf("stored secret %q", a.Secret)
		}
	}
	apps, err := e.svc.Apps(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 3 || apps[0].ClientID != "from-file" {
		t.Fatalf("apps %+v", apps)
	}
	for _, a := range apps {
		if !strings.HasSuffix(a.Secret, "secret") {
			t.Errorf("%s: secret %q not opened", a.Provider, a.Secret)
		}
	}
	buttons, _ := e.svc.Buttons(ctx)
	got := []string{}
	for _, b := range buttons {
		got = append(got, b.Name+" "+b.LoginPath)
	}
	if strings.Join(got, "|") != "GitHub /accounts/github/login/|keycloak /accounts/oidc/keycloak/login/|Яндекс /accounts/yandex/login/" {
		t.Errorf("buttons %q", got)
	}
	if err := e.svc.DeleteApp(ctx, "yandex", ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.App(ctx, "yandex", ""); !account.HasCode(err, social.CodeUnknownProvider) {
		t.Fatalf("a removed app: %v", err)
	}
	wantCode(t, e.svc.DeleteApp(ctx, "yandex", ""), social.CodeUnknownProvider)
	_, err = e.svc.Begin(ctx, social.BeginInput{Provider: "nope"}, client)
	wantCode(t, err, social.CodeUnknownProvider)
}

// TestCheckApp: what an app must have.
func TestCheckApp(t *testing.T) {
	e := newEnv(t)
	e.svc.Config.Outbound = social.Outbound{}
	for name, a := range map[string]social.App{
		"unknown provider":  {Provider: "myspace", ClientID: "x"},
		"no client id":      {Provider: "github"},
		"bad app id":        {Provider: "github", AppID: "a/b", ClientID: "x"},
		"oidc without name": {Provider: "openid_connect", ClientID: "x", ServerURL: "https://id.example.org"},
		"oidc named google": {Provider: "openid_connect", AppID: "google", ClientID: "x", ServerURL: "https://id.example.org"},
		"oidc without url":  {Provider: "openid_connect", AppID: "kc", ClientID: "x"},
		"oidc over http":    {Provider: "openid_connect", AppID: "kc", ClientID: "x", ServerURL: "http://id.example.org"},
		"oidc metadata":     {Provider: "openid_connect", AppID: "kc", ClientID: "x", ServerURL: "http://169.254.169.254"},
		"telegram no token": {Provider: "telegram", ClientID: "123"},
	} {
		if err := e.svc.CheckApp(&a); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	ok := social.App{Provider: "openid_connect", AppID: "kc", ClientID: "x", ServerURL: "https://id.example.org/realms/a"}
	if err := e.svc.CheckApp(&ok); err != nil {
		t.Error(err)
	}
}

// TestCheckConfig: the site URL and the configuration's apps.
func TestCheckConfig(t *testing.T) {
	e := newEnv(t)
	if err := e.svc.CheckConfig(); err != nil {
		t.Fatal(err)
	}
	e.svc.Config.Apps = []social.App{{Provider: "openid_connect", ClientID: "x"}}
	if err := e.svc.CheckConfig(); err == nil {
		t.Error("an openid_connect app without a name passed")
	}
	e.svc.Config = social.Config{}
	if err := e.svc.CheckConfig(); err == nil {
		t.Error("no site URL passed")
	}
}
