package storetest

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/social"
	"github.com/gatehouse-auth/gatehouse/user"
)

type socialTest = storeTest[Stores]

var socialTests = []socialTest{
	{"Accounts", testSocialAccounts},
	{"Apps", testSocialApps},
}

// testSocialAccounts: a link round-trips; (provider, uid) belongs to one
// user; updates keep the identity; deleting needs the owner; a deleted
// user takes their links along.
func testSocialAccounts(t *testing.T, s Stores) {
	ctx := t.Context()
	ann := create(t, s.Users, "ann-social", "")
	bob := create(t, s.Users, "bob-social", "")
	a := &social.Account{UserID: ann.ID, Provider: "github", UID: "583231", ExtraData: []byte(`{"login":"octocat"}`),
		DateJoined: base, LastLogin: base}
	check(t, s.Social.CreateSocialAccount(ctx, a), "CreateSocialAccount")
	got, err := s.Social.SocialAccountByUID(ctx, "github", "583231")
	check(t, err, "SocialAccountByUID")
	if got.ID != a.ID || got.UserID != ann.ID || !bytes.Equal(got.ExtraData, a.ExtraData) || !got.LastLogin.Equal(base) || got.Token != nil {
		t.Fatalf("SocialAccountByUID = %+v", got)
	}
	if _, err := s.Social.SocialAccountByUID(ctx, "gitlab", "583231"); !errors.Is(err, user.ErrNotFound) {
		t.Errorf("another provider's uid = %v, want ErrNotFound", err)
	}
	dup := &social.Account{UserID: bob.ID, Provider: "github", UID: "583231", DateJoined: base, LastLogin: base}
	if err := s.Social.CreateSocialAccount(ctx, dup); !errors.Is(err, user.ErrDuplicate) {
		t.Fatalf("linking a linked uid = %v, want ErrDuplicate", err)
	}
	got.ExtraData, got.Token, got.LastLogin = []byte(`{"login":"octocat2"}`), []byte{1, 2, 3}, base.Add(time.Hour)
	check(t, s.Social.UpdateSocialAccount(ctx, got), "UpdateSocialAccount")
	again, _ := s.Social.SocialAccountByUID(ctx, "github", "583231")
	if !bytes.Equal(again.Token, []byte{1, 2, 3}) || !again.LastLogin.Equal(base.Add(time.Hour)) || string(again.ExtraData) != `{"login":"octocat2"}` {
		t.Fatalf("after UpdateSocialAccount: %+v", again)
	}
	second := &social.Account{UserID: ann.ID, Provider: "google", UID: "1099", DateJoined: base, LastLogin: base}
	check(t, s.Social.CreateSocialAccount(ctx, second), "CreateSocialAccount(second)")
	list, err := s.Social.SocialAccounts(ctx, ann.ID)
	check(t, err, "SocialAccounts")
	if len(list) != 2 || list[0].Provider != "github" || list[1].Provider != "google" {
		t.Fatalf("SocialAccounts = %v", list)
	}
	if err := s.Social.DeleteSocialAccount(ctx, bob.ID, second.ID); !errors.Is(err, user.ErrNotFound) {
		t.Errorf("bob deleted ann's link: %v", err)
	}
	check(t, s.Social.DeleteSocialAccount(ctx, ann.ID, second.ID), "DeleteSocialAccount")
	if list, _ := s.Social.SocialAccounts(ctx, ann.ID); len(list) != 1 {
		t.Fatalf("after delete: %d links", len(list))
	}
}

// testSocialApps: an app round-trips with its scopes and settings; saving
// the same provider and app id replaces it; delete removes it.
func testSocialApps(t *testing.T, s Stores) {
	ctx := t.Context()
	a := &social.App{Provider: "openid_connect", AppID: "keycloak", Name: "Keycloak", ClientID: "cid", Secret: "sealed:abc",
		ServerURL: "https://id.example.com/realms/x", Scopes: []string{"profile", "email"}, Settings: map[string]string{"fetch_userinfo": "true"}}
	check(t, s.Social.SaveSocialApp(ctx, a), "SaveSocialApp")
	b := &social.App{Provider: "github", ClientID: "gh", Secret: "sealed:def"}
	check(t, s.Social.SaveSocialApp(ctx, b), "SaveSocialApp(github)")
	apps, err := s.Social.SocialApps(ctx)
	check(t, err, "SocialApps")
	if len(apps) != 2 || apps[0].Provider != "github" || apps[1].AppID != "keycloak" || apps[1].Settings["fetch_userinfo"] != "true" ||
		len(apps[1].Scopes) != 2 || apps[1].ServerURL != a.ServerURL || apps[1].Secret != "sealed:abc" {
		t.Fatalf("SocialApps = %+v %+v", apps[0], apps[1])
	}
	a.ClientID = "cid2"
	check(t, s.Social.SaveSocialApp(ctx, a), "SaveSocialApp(replace)")
	if apps, _ := s.Social.SocialApps(ctx); len(apps) != 2 || apps[1].ClientID != "cid2" {
		t.Fatal("saving an existing app did not replace it")
	}
	check(t, s.Social.DeleteSocialApp(ctx, "openid_connect", "keycloak"), "DeleteSocialApp")
	if err := s.Social.DeleteSocialApp(ctx, "openid_connect", "keycloak"); !errors.Is(err, user.ErrNotFound) {
		t.Errorf("deleting a deleted app = %v", err)
	}
}
