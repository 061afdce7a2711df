package social_test

import (
	"context"
	"fmt"
	"net/url"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/social"
)

// Example_webAdapter shows the calls a web adapter makes: Begin when the
// user picks a provider, Complete on the callback, then the account's
// stages. (Compiled, not run: it needs a store and a provider.)
func Example_webAdapter() {
	ctx := context.Background()
	var acc *account.Service // the account flows, with Flows and Keys
	svc := &social.Service{Account: acc, Config: social.Config{
		SiteURL: "https://example.com",
		Apps:    []social.App{{Provider: "github", ClientID: "Iv1.8a61f9b3a7aba766", Secret: "…"}},
	}}
	c := account.Client{IP: "192.0.2.1"}

	// POST /accounts/github/login/
	start, err := svc.Begin(ctx, social.BeginInput{Provider: "github", Next: "/dashboard/"}, c)
	if err != nil {
		return // show the error page for account.AsErrors(err)[0].Code
	}
	_ = start.Browser // Set-Cookie until start.Expires; 303 to start.URL

	// GET /accounts/github/login/callback/?code=…&state=…
	callback := url.Values{}
	res, err := svc.Complete(ctx, social.CallbackInput{Provider: "github", Browser: start.Browser, Params: callback}, c)
	if err != nil {
		return
	}
	if res.Login != nil {
		if st, _ := acc.NextStage(ctx, res.Login); st == nil {
			u, _ := acc.CompleteLogin(ctx, res.Login, c)
			_ = u // start the session, go to res.Login.Next
		}
	}
}

// ExampleCallbackPath: the redirect URIs to register at providers are
// allauth's, so a site moving off Django keeps them.
func ExampleCallbackPath() {
	fmt.Println(social.LoginPath("github", ""))
	fmt.Println(social.CallbackPath("github", ""))
	fmt.Println(social.LoginPath("openid_connect", "keycloak"))
	fmt.Println(social.CallbackPath("openid_connect", "keycloak"))
	// Output:
	// /accounts/github/login/
	// /accounts/github/login/callback/
	// /accounts/oidc/keycloak/login/
	// /accounts/oidc/keycloak/login/callback/
}
