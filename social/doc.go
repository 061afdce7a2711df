// Package social is social login: what django-allauth's socialaccount app
// gives, for Go. An operator registers apps at providers (Google, GitHub,
// VK, Yandex, Telegram, X, any OpenID Connect issuer); a user signs in with
// one, signs up through one, or connects several to an account. Identity is
// the provider's stable id for the person, never the email address.
//
// # Providers
//
// A Provider is data: endpoints, scopes, PKCE, and a Map from its profile
// to a flat Profile. Builtin is the table; each provider is one small file,
// a fixture in testdata/<id>/ and a line there, and the shared test logs in
// with every provider of the table. OpenID Connect providers (Google,
// Telegram's OIDC login, the generic openid_connect) are found by
// discovery and need no Map. Apps (App: client id, secret, settings) come
// from Config.Apps and the Store; SaveApp, CheckApp and DeleteApp manage
// the stored ones (secrets sealed).
//
// An app's Settings tune it: "auth_url", "token_url", "profile_url",
// "email_url" replace endpoints (and ServerURL an OpenID Connect issuer:
// GitHub Enterprise, a test server), "verified_email" makes the
// provider's address count as verified (allauth's VERIFIED_EMAIL),
// "email_authentication" overrides Config.EmailAuthentication, "pkce"
// forces PKCE on or off, "auth_date_validity" is the Telegram widget's
// window in seconds.
//
// # The web layer's calls
//
//	POST /accounts/<provider>/login/   (GET: a page with a button that posts)
//	    start, err := svc.Begin(ctx, social.BeginInput{Provider, AppID, Process, Next,
//	        Remember, Browser: <cookie>, User, Session}, client)
//	    set the browser cookie to start.Browser until start.Expires; 303 to start.URL
//	GET|POST /accounts/<provider>/login/callback/   (/accounts/oidc/<NAME>/login/callback/)
//	    res, err := svc.Complete(ctx, social.CallbackInput{Provider, AppID,
//	        Browser: <cookie>, Params: query or form, User, Session}, client)
//	    res.Login:        take it through the stages, as a password login
//	    res.SignupToken:  cookie, then /accounts/3rdparty/signup/
//	    res.Connected:    back to the connections page (or res.Next)
//	    res.Reauthenticated: resume what needed it
//	    err: social.CodeCancelled → /accounts/3rdparty/login/cancelled/, other
//	    codes → /accounts/3rdparty/login/error/ (or the account's pages:
//	    account_inactive, too_many_attempts, signup_closed)
//	/accounts/3rdparty/signup/:  svc.PendingSignup (GET), svc.SocialSignup (POST)
//	/accounts/3rdparty/:         svc.Connections, svc.Disconnect (POST)
//	login and signup pages:      svc.Buttons
//
// The callback URL must skip the cross-origin check only for a provider
// that answers with a cross-site POST (form_post); none of the built-in
// ones does (Telegram's widget answers in the URL fragment, which the
// callback page re-posts, same-origin, as tgAuthResult with the state).
//
// # State
//
// Begin keeps the state, the PKCE verifier, the nonce, next and the
// process in a flow record (package flow), sealed, for 10 minutes. The
// record is stored under the SHA-256 of the state, so the callback finds it
// from the state alone; it is bound to the browser by a second token that
// the caller keeps in a cookie (Complete requires it, compared in constant
// time) and taken once, when the binding holds. See begin.go for why, and
// for form_post.
//
// # Safety
//
// Outbound calls (Outbound) have a 5-second timeout, bodies of at most
// 1 MiB, and never reach private, loopback or link-local addresses unless
// allowed. ID tokens are checked by go-oidc (signature from the issuer's
// keys, asymmetric algorithms only, iss, aud, exp) and here (nonce, azp,
// iat, at_hash, RFC 9207's iss). An address logs into an existing
// account only when the provider asserts it verified and the operator
// enabled email authentication; a verified address held unverified by a
// local account voids that account's password (SECURITY.md R7). Logins
// through a provider honour the account's lock, an inactive account and
// closed signup. Tokens are stored only with Config.StoreTokens, sealed.
// Log lines (Events) never carry a token, code, secret or state.
package social
