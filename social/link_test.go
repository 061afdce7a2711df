package social_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/social"
	"github.com/gatehouse-auth/gatehouse/user"
)

// TestConnectAndDisconnect: a signed-in user who authenticated recently
// connects a provider account; the page lists it; another user cannot
// take it; disconnecting keeps a way in.
func TestConnectAndDisconnect(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	f := newFake(t, social.GitHub)
	e.addApp(f.app())
	ann := e.signupLocal("ann", "ann@example.org", "ann's passphrase")
	sess := e.session(ann)

	e.clock.Add(10 * time.Minute)
	_, err := e.svc.Begin(ctx, social.BeginInput{Provider: "github", Process: social.ProcessConnect, User: ann, Session: sess}, client)
	wantCode(t, err, account.CodeReauthenticationRequired)
	sess.AuthAt = e.clock.Now()

	res, err := e.complete(e.begin(f, social.BeginInput{Process: social.ProcessConnect, User: ann, Session: sess, Next: "/accounts/3rdparty/"}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Connected == nil || res.AlreadyConnected || res.Login != nil || res.Next != "/accounts/3rdparty/" {
		t.Fatalf("result %+v", res)
	}
	res, err = e.complete(e.begin(f, social.BeginInput{Process: social.ProcessConnect, User: ann, Session: sess}))
	if err != nil || !res.AlreadyConnected {
		t.Fatalf("%+v, %v: want already connected", res, err)
	}
	cs, err := e.svc.Connections(ctx, ann)
	if err != nil || len(cs) != 1 || cs[0].Name != "GitHub" || cs[0].Label != "octocat" {
		t.Fatalf("connections %+v, %v", cs, err)
	}

	bob := e.signupLocal("bob", "", "bob's passphrase")
	bobSess := e.session(bob)
	_, err = e.complete(e.begin(f, social.BeginInput{Process: social.ProcessConnect, User: bob, Session: bobSess}))
	wantCode(t, err, social.CodeAccountTaken)

	// A connection begun by ann and completed in bob's session.
	r := e.begin(f, social.BeginInput{Process: social.ProcessConnect, User: ann, Session: sess})
	r.in.User, r.in.Session = bob, bobSess
	_, err = e.complete(r)
	wantCode(t, err, social.CodeStateInvalid)

	u, _ := e.login(f)
	if u.ID != ann.ID {
		t.Fatalf("the connected account logs in user %d, want ann", u.ID)
	}

	err = e.svc.Disconnect(ctx, bob, bobSess, cs[0].Account.ID, client)
	wantCode(t, err, social.CodeNotConnected)
	if err := e.svc.Disconnect(ctx, ann, sess, cs[0].Account.ID, client); err != nil {
		t.Fatal(err)
	}
	if cs, _ := e.svc.Connections(ctx, ann); len(cs) != 0 {
		t.Fatalf("still connected: %+v", cs)
	}
}

// TestDisconnectLastWayIn: the last link of a user without a usable
// password is kept, unless a verified address can get a login code.
func TestDisconnectLastWayIn(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	g := googleAs(t, e, "ann-sub", "ann@example.org", "true")
	u, _ := e.login(g) // signed up through Google: no usable password
	sess := e.session(u)
	cs, _ := e.svc.Connections(ctx, u)
	if len(cs) != 1 {
		t.Fatalf("connections %+v", cs)
	}
	err := e.svc.Disconnect(ctx, u, sess, cs[0].Account.ID, client)
	wantCode(t, err, social.CodeLastWayIn)

	// A second link: either may go.
	gh := newFake(t, social.GitHub)
	e.addApp(gh.app())
	if _, err := e.complete(e.begin(gh, social.BeginInput{Process: social.ProcessConnect, User: u, Session: sess})); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Disconnect(ctx, u, sess, cs[0].Account.ID, client); err != nil {
		t.Fatal(err)
	}
	cs, _ = e.svc.Connections(ctx, u)
	err = e.svc.Disconnect(ctx, u, sess, cs[0].Account.ID, client)
	wantCode(t, err, social.CodeLastWayIn)

	e.acc.Config.LoginByCode = true
	if err := e.svc.Disconnect(ctx, u, sess, cs[0].Account.ID, client); err != nil {
		t.Fatalf("with login by code to a verified address: %v", err)
	}

	e.clock.Add(10 * time.Minute)
	err = e.svc.Disconnect(ctx, u, sess, 1, client)
	wantCode(t, err, account.CodeReauthenticationRequired)
}

// TestReauthenticate: a linked provider account proves the signed-in user
// again; another provider account does not.
func TestReauthenticate(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	f := newFake(t, social.GitHub)
	e.addApp(f.app())
	u, _ := e.login(f)
	sess := e.session(u)
	e.clock.Add(time.Hour)
	if e.acc.RecentlyAuthenticated(sess) {
		t.Fatal("setup")
	}
	res, err := e.complete(e.begin(f, social.BeginInput{Process: social.ProcessReauthenticate, User: u, Session: sess}))
	if err != nil || !res.Reauthenticated {
		t.Fatalf("%+v, %v", res, err)
	}
	stored, _, _ := e.db.Find(ctx, sess.ID)
	if !e.acc.RecentlyAuthenticated(&stored) {
		t.Fatal("the session's authentication was not renewed")
	}

	other := e.signupLocal("other", "", "other's passphrase")
	otherSess := e.session(other)
	_, err = e.complete(e.begin(f, social.BeginInput{Process: social.ProcessReauthenticate, User: other, Session: otherSess}))
	wantCode(t, err, social.CodeWrongAccount)
}

// TestStoreTokens: tokens are kept, sealed, only when configured.
func TestStoreTokens(t *testing.T) {
	ctx := context.Background()
	for _, store := range []bool{false, true} {
		e := newEnv(t)
		e.svc.Config.StoreTokens = store
		f := newFake(t, social.Yandex)
		e.addApp(f.app())
		u, _ := e.login(f)
		links, _ := e.db.SocialAccounts(ctx, u.ID)
		tok, err := e.svc.Token(links[0])
		if !store {
			if links[0].Token != nil || err != social.ErrNoToken {
				t.Fatalf("a token was stored without StoreTokens: %v", err)
			}
			continue
		}
		if err != nil || tok.AccessToken != f.accessToken() || tok.RefreshToken == "" || tok.Expiry.IsZero() {
			t.Fatalf("token %+v, %v", tok, err)
		}
		if len(links[0].Token) == 0 || bytes.Contains(links[0].Token, []byte(f.accessToken())) {
			t.Fatal("the stored token is not sealed")
		}
	}
}

// TestHooks: PreLogin sees the profile and may refuse; the signals run.
func TestHooks(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	f := newFake(t, social.GitHub)
	e.addApp(f.app())
	var calls []string
	pre := 0
	e.svc.Hooks = social.Hooks{
		PreLogin: func(ctx context.Context, provider string, p *social.Profile, c account.Client) error {
			calls = append(calls, "pre "+provider+" "+p.Username)
			if pre++; pre == 3 {
				return &account.Error{Code: "not_today"}
			}
			return nil
		},
		OnSignedUp: func(ctx context.Context, u *user.User, a *social.Account, c account.Client) {
			calls = append(calls, "signed up "+a.UID)
		},
		OnUpdated: func(ctx context.Context, u *user.User, a *social.Account, c account.Client) {
			calls = append(calls, "updated "+a.UID)
		},
		OnConnected: func(ctx context.Context, u *user.User, a *social.Account, c account.Client) {
			calls = append(calls, "connected "+a.Provider)
		},
		OnDisconnected: func(ctx context.Context, u *user.User, a *social.Account, c account.Client) {
			calls = append(calls, "disconnected "+a.Provider)
		},
	}
	u, _ := e.login(f)
	e.login(f)
	_, err := e.complete(e.begin(f, social.BeginInput{}))
	wantCode(t, err, "not_today")
	g := googleAs(t, e, "g-sub", "", "absent")
	sess := e.session(u)
	if _, err := e.complete(e.begin(g, social.BeginInput{Process: social.ProcessConnect, User: u, Session: sess})); err != nil {
		t.Fatal(err)
	}
	cs, _ := e.svc.Connections(ctx, u)
	if err := e.svc.Disconnect(ctx, u, sess, cs[1].Account.ID, client); err != nil {
		t.Fatal(err)
	}
	want := []string{"pre github octocat", "signed up 1", "pre github octocat", "updated 1", "pre github octocat",
		"pre google ", "connected google", "disconnected google"}
	if len(calls) != len(want) {
		t.Fatalf("calls %q, want %q", calls, want)
	}
	for i := range want {
		if calls[i] != want[i] {
			t.Fatalf("calls %q, want %q", calls, want)
		}
	}
}
