package social_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/social"
)

// TestProviderHangs (O6): a provider that does not answer ends in
// CodeTimeout within the outbound timeout, not when it pleases.
func TestProviderHangs(t *testing.T) {
	e := newEnv(t)
	e.svc.Config.Outbound.Timeout = 300 * time.Millisecond
	f := newFake(t, social.GitHub)
	e.addApp(f.app())
	r := e.begin(f, social.BeginInput{})
	f.hang = 10 * time.Second
	t0 := time.Now()
	_, err := e.complete(r)
	wantCode(t, err, social.CodeTimeout)
	if d := time.Since(t0); d > 2*time.Second {
		t.Fatalf("the timeout took %v", d)
	}
}

// TestProviderAnswersTooMuch: a 5 MB profile is refused, not read whole.
func TestProviderAnswersTooMuch(t *testing.T) {
	e := newEnv(t)
	f := newFake(t, social.GitHub)
	e.addApp(f.app())
	r := e.begin(f, social.BeginInput{})
	f.hugeProfile = true
	_, err := e.complete(r)
	wantCode(t, err, social.CodeProviderError)
	if !strings.Contains(err.Error(), "too large") {
		t.Errorf("refused for %v", err)
	}
}

// TestProviderDown: a provider that cannot be reached, or answers 5xx, is
// CodeProviderDown.
func TestProviderDown(t *testing.T) {
	e := newEnv(t)
	f := newFake(t, social.GitHub)
	app := f.app()
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
	}))
	defer down.Close()
	app.Settings["profile_url"] = down.URL + "/user"
	e.addApp(app)
	_, err := e.complete(e.begin(f, social.BeginInput{}))
	wantCode(t, err, social.CodeProviderDown)

	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	app.Settings["profile_url"] = closed.URL + "/user"
	e.addApp(app)
	_, err = e.complete(e.begin(f, social.BeginInput{}))
	wantCode(t, err, social.CodeProviderDown)
}

// TestPrivateAddressesRefused (O6): by default no call reaches a loopback,
// private or link-local address (cloud metadata included), whatever a
// configured issuer, a discovery document or a redirect says.
func TestPrivateAddressesRefused(t *testing.T) {
	e := newEnv(t)
	e.svc.Config.Outbound = social.Outbound{Timeout: time.Second} // the default: private refused
	f := newFake(t, social.OpenIDConnect)
	app := f.app()
	// The store takes the app (an operator may name a host); the call is refused.
	app.ServerURL = strings.Replace(f.srv.URL, "127.0.0.1", "localhost", 1)
	if err := e.svc.CheckApp(&app); err == nil {
		t.Fatal("CheckApp took a plain-http issuer on a public-only outbound")
	}
	e.svc.Config.Outbound.PrivateHosts = []string{"localhost"}
	e.addApp(app)
	e.svc.Config.Outbound.PrivateHosts = nil
	_, err := e.svc.Begin(context.Background(), social.BeginInput{Provider: app.Provider, AppID: app.AppID}, client)
	wantCode(t, err, social.CodeProviderError)

	c := social.Outbound{Timeout: time.Second}.Client()
	for _, u := range []string{f.srv.URL, "https://169.254.169.254/latest/meta-data/", "https://[::1]:1/", "https://10.0.0.1:1/"} {
		_, err := c.Get(u)
		if !errors.Is(err, social.ErrPrivateAddress) {
			t.Errorf("GET %s: %v, want ErrPrivateAddress", u, err)
		}
	}
	if err := (social.Outbound{}).CheckURL("http://169.254.169.254"); !errors.Is(err, social.ErrInsecureURL) {
		t.Errorf("CheckURL(metadata over http) = %v", err)
	}

	// A host named in PrivateHosts may be private, and reached over http.
	open := social.Outbound{Timeout: time.Second, PrivateHosts: []string{"127.0.0.1"}}
	resp, err := open.Client().Get(f.srv.URL + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatalf("an allowed private host: %v", err)
	}
	resp.Body.Close()
}

// TestRedirectToPrivate: a public answer cannot redirect a call into the
// private network (the redirect is checked like the first URL).
func TestRedirectToPrivate(t *testing.T) {
	target := httptest.NewServer(http.NotFoundHandler())
	defer target.Close()
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	}))
	defer redirector.Close()
	c := social.Outbound{Timeout: time.Second, PrivateHosts: []string{"127.0.0.1"}}.Client()
	if _, err := c.Get(redirector.URL); !errors.Is(err, social.ErrInsecureURL) {
		t.Fatalf("redirect to metadata: %v", err)
	}
}

func TestPublicAddr(t *testing.T) {
	for s, want := range map[string]bool{
		"8.8.8.8": true, "2a00:1450:4001:82b::200e": true, "140.82.112.3": true,
		"127.0.0.1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false, "169.254.169.254": false,
		"100.64.0.1": false, "0.0.0.0": false, "::1": false, "fe80::1": false, "fd00::1": false, "::ffff:127.0.0.1": false,
		"::ffff:8.8.8.8": true, "64:ff9b::a9fe:a9fe": false, "64:ff9b::808:808": true, "224.0.0.1": false, "255.255.255.255": false,
	} {
		if got := social.PublicAddr(netip.MustParseAddr(s)); got != want {
			t.Errorf("PublicAddr(%s) = %v, want %v", s, got, want)
		}
	}
}
