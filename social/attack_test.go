package social_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/flow"
	"github.com/gatehouse-auth/gatehouse/social"
)

// TestStateAttacks (SECURITY.md O3, O5): a callback is accepted only with
// the state this browser began, once, within its time, on the callback of
// the provider it began with.
func TestStateAttacks(t *testing.T) {
	cases := []struct {
		name   string
		change func(e *env, r *flowRun)
	}{
		{"tampered state", func(e *env, r *flowRun) {
			s := []byte(r.in.Params.Get("state"))
			s[5] ^= 1
			r.in.Params.Set("state", string(s))
		}},
		{"no state", func(e *env, r *flowRun) { r.in.Params.Del("state") }},
		{"junk state", func(e *env, r *flowRun) { r.in.Params.Set("state", "<script>") }},
		{"another browser's state", func(e *env, r *flowRun) { r.in.Browser, _ = flow.NewToken() }},
		{"no browser token", func(e *env, r *flowRun) { r.in.Browser = "" }},
		{"the state as browser token", func(e *env, r *flowRun) { r.in.Browser = r.in.Params.Get("state") }},
		{"expired", func(e *env, r *flowRun) { e.clock.Add(11 * time.Minute) }},
		{"another provider's callback", func(e *env, r *flowRun) { r.in.Provider = "google" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			f := newFake(t, social.GitHub)
			e.addApp(f.app())
			r := e.begin(f, social.BeginInput{})
			c.change(e, r)
			_, err := e.complete(r)
			wantCode(t, err, social.CodeStateInvalid)
			if e.users() != 0 {
				t.Fatal("a user was made")
			}
		})
	}
}

// TestStateReplay: a callback works once; a refused binding does not burn
// the state for the browser that began it.
func TestStateReplay(t *testing.T) {
	e := newEnv(t)
	f := newFake(t, social.GitHub)
	e.addApp(f.app())
	r := e.begin(f, social.BeginInput{})
	stranger := r.in
	stranger.Browser, _ = flow.NewToken()
	if _, err := e.svc.Complete(context.Background(), stranger, client); !account.HasCode(err, social.CodeStateInvalid) {
		t.Fatalf("another browser: %v", err)
	}
	if _, err := e.complete(r); err != nil {
		t.Fatalf("the right browser after a stranger's try: %v", err)
	}
	_, err := e.complete(r)
	wantCode(t, err, social.CodeStateInvalid)
}

// TestTwoTabs: one browser token serves logins begun in two tabs.
func TestTwoTabs(t *testing.T) {
	e := newEnv(t)
	f := newFake(t, social.GitHub)
	e.addApp(f.app())
	first := e.begin(f, social.BeginInput{})
	second := e.begin(f, social.BeginInput{Browser: first.start.Browser})
	if second.start.Browser != first.start.Browser {
		t.Fatal("Begin did not keep the browser token")
	}
	for _, r := range []*flowRun{first, second} {
		if _, err := e.complete(r); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMixUp (O5): an issuer's iss that is not the app's is refused; an
// issuer that promises iss (RFC 9207) must send it.
func TestMixUp(t *testing.T) {
	for name, iss := range map[string][]string{"other issuer": {"https://evil.example"}, "missing": {""}} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			f := newFake(t, social.OpenIDConnect)
			e.addApp(f.app())
			f.authParams = url.Values{"iss": iss}
			r := e.begin(f, social.BeginInput{})
			if iss[0] == "" {
				r.in.Params.Del("iss")
			}
			_, err := e.complete(r)
			wantCode(t, err, social.CodeProviderError)
		})
	}
}

// TestCancelAndProviderError: the user declining is CodeCancelled, any
// other error CodeProviderError; both use up the state.
func TestCancelAndProviderError(t *testing.T) {
	for errParam, code := range map[string]string{"access_denied": social.CodeCancelled, "server_error": social.CodeProviderError} {
		e := newEnv(t)
		f := newFake(t, social.GitHub)
		e.addApp(f.app())
		r := e.begin(f, social.BeginInput{})
		r.in.Params = url.Values{"state": {r.in.Params.Get("state")}, "error": {errParam}, "error_description": {"The user said no"}}
		_, err := e.complete(r)
		wantCode(t, err, code)
		_, err = e.complete(r)
		wantCode(t, err, social.CodeStateInvalid)
	}
}

// TestIDTokenAttacks (O4): a forged or misdirected ID token never logs in.
func TestIDTokenAttacks(t *testing.T) {
	type attack struct {
		tamper func(f *fakeProvider)
		reason string // the defence that must refuse it
	}
	claims := func(change func(f *fakeProvider, c map[string]any)) func(f *fakeProvider) {
		return func(f *fakeProvider) { f.claims = func(c map[string]any) { change(f, c) } }
	}
	cases := map[string]attack{
		"alg none":              {func(f *fakeProvider) { f.alg = "none" }, `unexpected signature algorithm "none"`},
		"HS256 with public key": {func(f *fakeProvider) { f.alg = "HS256" }, `unexpected signature algorithm "HS256"`},
		"another key":           {func(f *fakeProvider) { f.signKey = otherKey(t) }, "failed to verify signature"},
		"wrong aud":             {claims(func(f *fakeProvider, c map[string]any) { c["aud"] = "another-client" }), "expected audience"},
		"extra aud, azp other": {claims(func(f *fakeProvider, c map[string]any) {
			c["aud"], c["azp"] = []string{f.clientID, "another"}, "another"
		}), "azp is not the client"},
		"extra aud, no azp": {claims(func(f *fakeProvider, c map[string]any) {
			c["aud"] = []string{f.clientID, "another"}
			delete(c, "azp")
		}), "azp is not the client"},
		"wrong nonce":  {claims(func(f *fakeProvider, c map[string]any) { c["nonce"] = "not-the-nonce" }), "nonce mismatch"},
		"no nonce":     {claims(func(f *fakeProvider, c map[string]any) { delete(c, "nonce") }), "nonce mismatch"},
		"expired":      {claims(func(f *fakeProvider, c map[string]any) { c["exp"] = time.Now().Add(-time.Minute).Unix() }), "token is expired"},
		"other issuer": {claims(func(f *fakeProvider, c map[string]any) { c["iss"] = "https://accounts.evil.example" }), "issued by a different provider"},
		"issued later": {claims(func(f *fakeProvider, c map[string]any) { c["iat"] = time.Now().Add(time.Hour).Unix() }), "issued in the future"},
		"empty sub":    {claims(func(f *fakeProvider, c map[string]any) { c["sub"] = "" }), "subject"},
		"bad at_hash":  {claims(func(f *fakeProvider, c map[string]any) { c["at_hash"] = "AAAAAAAAAAAAAAAAAAAAAA" }), "at_hash mismatch"},
	}
	for _, p := range []*social.Provider{social.Google, social.OpenIDConnect} {
		for name, c := range cases {
			t.Run(p.ID+"/"+name, func(t *testing.T) {
				e := newEnv(t)
				f := newFake(t, p)
				e.addApp(f.app())
				r := e.begin(f, social.BeginInput{})
				c.tamper(f)
				_, err := e.complete(r)
				wantCode(t, err, social.CodeProviderError)
				if !strings.Contains(err.Error(), c.reason) {
					t.Errorf("refused for %v, want %q", err, c.reason)
				}
				if e.users() != 0 {
					t.Fatal("a user was made")
				}
			})
		}
	}
}

// TestTelegramWidgetAttacks (O7): the widget's fields count only signed
// with the bot token, fresh, on our state.
func TestTelegramWidgetAttacks(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(map[string]string)
		ok     bool
	}{
		{"changed id", func(m map[string]string) {
			m["hash"] = social.TelegramHash(m, "7777777:AAF-test-bot-token")
			m["id"] = "1"
		}, false},
		{"added field", func(m map[string]string) {
			m["hash"] = social.TelegramHash(m, "7777777:AAF-test-bot-token")
			m["username"] = "durov"
		}, false},
		{"stale auth_date", func(m map[string]string) {
			m["auth_date"] = strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10)
		}, false},
		{"auth_date before the login", func(m map[string]string) {
			m["auth_date"] = strconv.FormatInt(time.Now().Add(-25*time.Second).Unix(), 10)
		}, false},
		{"future auth_date", func(m map[string]string) {
			m["auth_date"] = strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
		}, false},
		{"missing hash", func(m map[string]string) { m["hash"] = "" }, false},
		{"hash of another bot", func(m map[string]string) { m["hash"] = social.TelegramHash(m, "8888:other") }, false},
		{"fields as sent", func(m map[string]string) {}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			f := newFake(t, social.Telegram)
			e.addApp(f.app())
			f.telegram = c.tamper
			r := e.begin(f, social.BeginInput{})
			_, err := e.complete(r)
			if c.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantCode(t, err, social.CodeProviderError)
		})
	}
}

// TestTelegramFieldOrder: the check string is sorted, so the order fields
// arrive in does not matter (tgAuthResult's JSON or the query).
func TestTelegramFieldOrder(t *testing.T) {
	bot := "7777777:AAF-test-bot-token"
	now := time.Now()
	a := map[string]string{"id": "42", "first_name": "Ann", "auth_date": strconv.FormatInt(now.Unix(), 10), "username": "ann"}
	a["hash"] = social.TelegramHash(a, bot)
	if _, err := social.VerifyTelegram(a, bot, now, now.Add(-time.Second), 30*time.Second); err != nil {
		t.Fatal(err)
	}
	if got := social.TelegramDataCheckString(a); got != "auth_date="+a["auth_date"]+"\nfirst_name=Ann\nid=42\nusername=ann" {
		t.Fatalf("check string %q", got)
	}
}

func otherKey(t *testing.T) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestBeginLimited: starts of logins keep records, so they count against
// the login limit per client IP.
func TestBeginLimited(t *testing.T) {
	e := newEnv(t)
	e.acc.Config.RateLimits[account.LimitLogin] = "3/m/ip"
	f := newFake(t, social.GitHub)
	e.addApp(f.app())
	var err error
	for range 4 {
		_, err = e.svc.Begin(context.Background(), social.BeginInput{Provider: "github"}, client)
	}
	wantCode(t, err, account.CodeTooManyAttempts)
}
