// Package e2e holds Gatehouse's browser tests: real journeys through the
// server-rendered pages in headless Chromium (driven with chromedp), an axe-core
// accessibility audit of every page, a keyboard walk of the login page, and the
// screenshots in docs/screenshots (of the pages, and of the account mails).
//
// The package has no code of its own; everything is in its _test.go files:
//
//	go test ./e2e/                          # journeys, accessibility, layout checks
//	go test ./e2e/ -run Screenshots -update # rewrite docs/screenshots/*.png
//
// The tests look for Chromium at /usr/bin/chromium (or $CHROMIUM). Without it
// they skip, unless CI=true, where a missing browser fails the run. The
// journeys that read mail (password reset, email confirmation) and the mail
// screenshots also need mailpit (see package mail/mailtest), found and
// skipped the same way. The mail journeys are in account_journeys_test.go
// (reset, email verification, reauthentication) and email_journeys_test.go
// (email addresses, the change-of-address typo, login by code, password
// set, signup options). The social login journeys (social_journeys_test.go)
// run real OpenID Connect providers in the test (mockoidc, on 127.0.0.1)
// and need nothing more.
//
// A journey is a few lines on top of the helpers in browser_test.go:
//
//	srv := gatehousetest.NewServer(t)
//	b := newBrowser(t, srv)
//	b.visit("/accounts/login/")
//	b.fill("login", "alice")
//	b.fill("password", "secret")
//	b.submit()
//	b.wantPath("/dashboard/")
package e2e
