package gatehouse

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/flow"
	"github.com/gatehouse-auth/gatehouse/internal/authctx"
	"github.com/gatehouse-auth/gatehouse/internal/clientip"
	"github.com/gatehouse-auth/gatehouse/internal/keys"
	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/mfa"
	"github.com/gatehouse-auth/gatehouse/password"
	"github.com/gatehouse-auth/gatehouse/ratelimit"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/social"
	"github.com/gatehouse-auth/gatehouse/user"
	"github.com/gatehouse-auth/gatehouse/web"
)

// Store is everything Gatehouse keeps: users, groups and permissions,
// sessions, rate-limit counters, flows (logins in progress, reset keys,
// codes) and the mail outbox. *sqlstore.DB implements it.
type Store interface {
	user.Store
	session.Store
	ratelimit.Store
	flow.Store
	mail.OutboxStore
}

// Config configures a Gatehouse. Store and SecretKey are required; every other
// field's zero value works.
type Config struct {
	// Store keeps all state.
	Store Store
	// SecretKey signs cookies and tokens; at least 32 bytes of randomness.
	// Each use gets a key of its own derived from it.
	SecretKey []byte
	// SecretKeyFallbacks are older secret keys still accepted when
	// verifying (Django's SECRET_KEY_FALLBACKS): rotate by putting the old
	// key here and a new one in SecretKey; drop it once the links and
	// cookies it signed have expired.
	SecretKeyFallbacks [][]byte
	// SiteURL is the public base URL ("https://example.com"); required:
	// mailed links (email confirmation, password reset) start with it,
	// never with a request's Host header. When it is https, cookies are
	// Secure and the session cookie is "__Host-" prefixed.
	SiteURL string
	// Mailer delivers the queued mail while Run runs. The default writes
	// each message to standard error (mail.Console), for development.
	Mailer mail.Mailer
	// MailFrom is the From of Gatehouse's mail. The default is the
	// Mailer's own.
	MailFrom string
	// MailDelivery tunes how Run delivers queued mail; its zero value works.
	MailDelivery MailDelivery
	// SiteName is shown on pages. The default is "Gatehouse".
	SiteName string
	// Passwords hashes and verifies passwords. The default is
	// password.DefaultSet(): argon2id, verifying every Django format.
	Passwords *password.Set
	// Validators check new passwords. The default is password.DefaultValidators().
	Validators []password.Validator
	// Account tunes the flows (login method, limits …).
	Account account.Config
	// Hooks are callbacks into the flows.
	Hooks account.Hooks
	// Social tunes social login (package social): the apps of the
	// configuration, auto-signup, email authentication, token storage.
	// Social login is on when Store also keeps social accounts
	// (social.Store; *sqlstore.DB does): apps come from Social.Apps and
	// from the store (the CLI's "gatehouse social app add"), and the login
	// and signup pages show a button per app. Social.SiteURL defaults to
	// SiteURL. New refuses a configuration that social.Service.CheckConfig
	// refuses.
	Social social.Config
	// SocialHooks are callbacks into social login.
	SocialHooks social.Hooks
	// NoSocial turns social login off even when Store supports it.
	NoSocial bool
	// MFA tunes two-factor authentication (package mfa, allauth's MFA_*
	// settings): supported factors, TOTP and recovery-code shapes, trusted
	// browsers, who must use it. It is on when Store also keeps
	// authenticators (mfa.Store; *sqlstore.DB does): every login of a user
	// with an authenticator app then passes its stage, and the pages under
	// /accounts/2fa/ manage the factors. New refuses a configuration that
	// mfa.Service.CheckConfig refuses.
	MFA mfa.Config
	// NoMFA turns two-factor authentication off even when Store supports
	// it (a user's factors are then not asked for: only for a site that
	// checks them itself).
	NoMFA bool
	// Session tunes sessions (timeouts, cookie name).
	Session session.Config
	// Backends are extra permission backends consulted after the model
	// backend, for per-object checks (Django's AUTHENTICATION_BACKENDS).
	Backends []user.Backend
	// TrustedProxies are the proxies whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// Templates overrides embedded files by path: templates/pages/login.html,
	// static/gatehouse.css, locales/ru/ui.json …
	Templates fs.FS
	// Stylesheets are CSS URLs added after Gatehouse's own, to restyle the pages.
	Stylesheets []string
	// StaticPrefix is where Mount serves the pages' CSS and icons. The
	// default is "/static/gatehouse/", beside an app's own /static/.
	StaticPrefix string
	// LoginURL: the default is "/accounts/login/".
	LoginURL string
	// LoginRedirect is where a login without a safe next lands, and where
	// the logout and password pages' Cancel links lead. The default is "/"
	// ("/dashboard/" with Demo).
	LoginRedirect string
	// Demo mounts the demo pages /, /dashboard/ and /secret/ (which needs
	// the permission demo.view_secret; Setup creates it).
	Demo bool
	// MaxBodyBytes bounds request bodies. The default is 64 KiB.
	MaxBodyBytes int64
	// Logger: the default is slog.Default().
	Logger *slog.Logger
	// Now is the clock. The default is time.Now.
	Now func() time.Time
	// ReadAuthEveryRequest reads the session, the user, their permissions
	// and groups from the store on every request instead of keeping them in
	// memory between changes (see AuthGenerationStore). The answers are the
	// same either way; it is for measuring and for stores without a
	// generation. The default is false: the cache is on.
	ReadAuthEveryRequest bool
}

// Gatehouse is a configured instance: flows, sessions and pages.
type Gatehouse struct {
	cfg      Config
	account  *account.Service
	sessions *session.Manager
	web      *web.Handlers
	social   *social.Service
	mfa      *mfa.Service
	backends user.Backends
	ip       clientip.Resolver
	handler  http.Handler
	cache    authCache
	loaders  authctx.Loaders
	outbox   *mail.Outbox
}

// MailDelivery tunes the delivery of queued mail (see mail.Outbox, whose
// defaults apply to zero fields).
type MailDelivery struct {
	// Poll is how often the outbox is checked for due messages besides
	// the wake-ups of this process's enqueues. The default is 5 seconds.
	Poll time.Duration
	// MaxAttempts is how many times a message is tried before it is marked
	// failed. The default is 10.
	MaxAttempts int
	// KeepSent is how long sent messages stay listed (without their
	// bodies). The default is 7 days.
	KeepSent time.Duration
	// RetryBase is the wait after a first failed attempt; it doubles with
	// each failure up to an hour. The default is 30 seconds.
	RetryBase time.Duration
}

// New checks cfg and builds a Gatehouse.
func New(cfg Config) (*Gatehouse, error) {
	if cfg.Store == nil {
		return nil, errors.New("gatehouse: Config.Store is required")
	}
	if len(cfg.SecretKey) < 32 {
		return nil, errors.New("gatehouse: Config.SecretKey must be at least 32 bytes")
	}
	ring, err := keys.New(cfg.SecretKey, cfg.SecretKeyFallbacks...)
	if err != nil {
		return nil, errors.New("gatehouse: Config.SecretKeyFallbacks: each key must be at least 32 bytes")
	}
	if err := checkSiteURL(cfg.SiteURL); err != nil {
		return nil, err
	}
	if err := cfg.Account.CheckRateLimits(); err != nil {
		return nil, fmt.Errorf("gatehouse: Config.Account: %w", err)
	}
	if err := cfg.Account.CheckSignupFields(); err != nil {
		return nil, fmt.Errorf("gatehouse: Config.Account: %w", err)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Passwords == nil {
		cfg.Passwords = password.DefaultSet()
	}
	// Make the dummy hash now, so that the first login of an unknown user
	// costs one hash like every later one.
	cfg.Passwords.VerifyDummy(context.Background(), "warm-up")
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 64 << 10
	}
	secure := isHTTPS(cfg.SiteURL)
	if cfg.Session.Now == nil {
		cfg.Session.Now = cfg.Now
	}
	cfg.Session.Secure = cfg.Session.Secure || secure
	name := cfg.SiteName
	if name == "" {
		name = "Gatehouse"
	}
	// A copy: the caller's slice keeps its contents and its spare capacity.
	cfg.Account.ContextWords = append(slices.Clip(cfg.Account.ContextWords), strings.Fields(name)...)
	if cfg.StaticPrefix == "" {
		cfg.StaticPrefix = "/static/gatehouse/"
	}
	if cfg.LoginRedirect == "" {
		cfg.LoginRedirect = "/"
		if cfg.Demo {
			cfg.LoginRedirect = "/dashboard/"
		}
	}
	if cfg.Mailer == nil {
		cfg.Mailer = &mail.Console{W: os.Stderr}
	}
	g := &Gatehouse{cfg: cfg, ip: clientip.Resolver{TrustedProxies: cfg.TrustedProxies}}
	g.account = &account.Service{
		Users: cfg.Store, Sessions: cfg.Store, Limits: cfg.Store, Flows: cfg.Store, Mail: cfg.Store, Keys: ring,
		Passwords: cfg.Passwords, Validators: cfg.Validators,
		Config: cfg.Account, Hooks: cfg.Hooks, Log: cfg.Logger, Now: cfg.Now,
	}
	if st, ok := cfg.Store.(social.Store); ok && !cfg.NoSocial {
		sc := cfg.Social
		if sc.SiteURL == "" {
			sc.SiteURL = cfg.SiteURL
		}
		g.social = &social.Service{Account: g.account, Store: st, Config: sc, Hooks: cfg.SocialHooks}
		if err := g.social.CheckConfig(); err != nil {
			return nil, fmt.Errorf("gatehouse: Config.Social: %w", err)
		}
	}
	if st, ok := cfg.Store.(mfa.Store); ok && !cfg.NoMFA {
		mc := cfg.MFA
		if mc.TOTP.Issuer == "" {
			mc.TOTP.Issuer = name
		}
		if mc.WebAuthn.SiteURL == "" {
			mc.WebAuthn.SiteURL = cfg.SiteURL
		}
		if mc.WebAuthn.SiteName == "" {
			mc.WebAuthn.SiteName = name
		}
		g.mfa = &mfa.Service{Account: g.account, Store: st, Config: mc}
		if err := g.mfa.CheckConfig(); err != nil {
			return nil, fmt.Errorf("gatehouse: Config.MFA: %w", err)
		}
		// A copy, so that the stages of the caller's Hooks … stay its own.
		g.account.Stages = append(slices.Clip(g.account.Stages), g.mfa.Stages()...)
	}
	g.sessions = session.NewManager(cfg.Store, cfg.Session)
	g.loaders = authctx.Loaders{Perms: g.perms, Groups: g.groups}
	g.backends = append(user.Backends{user.ModelBackend{}}, cfg.Backends...)
	w, err := web.New(web.Options{
		Account: g.account, Sessions: g.sessions, ClientIP: g.ip, SecretKey: cfg.SecretKey, SecretKeyFallbacks: cfg.SecretKeyFallbacks,
		Perms:  func(r *http.Request, perm string) bool { return g.HasPerm(r.Context(), perm, nil) },
		Social: g.social, MFA: g.mfa, Generation: g.pageGeneration(),
		Override: cfg.Templates, Stylesheets: cfg.Stylesheets, SiteName: cfg.SiteName,
		LoginURL: cfg.LoginURL, LoginRedirect: cfg.LoginRedirect, Demo: cfg.Demo, StaticPrefix: cfg.StaticPrefix,
		SiteURL: cfg.SiteURL, MailFrom: cfg.MailFrom, SecureCookies: secure, Log: cfg.Logger, Now: cfg.Now,
	})
	if err != nil {
		return nil, err
	}
	g.web = w
	g.account.Notices = w.Notices()
	// The outbox keeps the wall clock: the store stamps queued mail with it,
	// and Config.Now (a test's clock) must not hold mail back or rush it.
	g.outbox = &mail.Outbox{Store: cfg.Store, Mailer: cfg.Mailer, Log: cfg.Logger,
		Poll: cfg.MailDelivery.Poll, MaxAttempts: cfg.MailDelivery.MaxAttempts, KeepSent: cfg.MailDelivery.KeepSent,
		RetryBase: cfg.MailDelivery.RetryBase}
	mux := http.NewServeMux()
	g.Mount(mux)
	w.RegisterNotFound(mux)
	g.handler = g.Protect(mux)
	return g, nil
}

// Mount registers Gatehouse's pages on an app's mux: /accounts/… (login,
// signup, logout, password, sessions), the pages' static files under
// Config.StaticPrefix, the language switch /i18n/setlang/ and, with
// Config.Demo, the demo site. Serve the mux through Protect, which loads
// the user and checks cross-origin posts for the app's handlers too:
//
//	mux := http.NewServeMux()
//	gh.Mount(mux)
//	mux.Handle("/reports/", gh.RequirePermission("reports.view_report")(reports))
//	http.ListenAndServe(addr, gh.Protect(mux))
func (g *Gatehouse) Mount(mux *http.ServeMux) { g.web.Register(mux) }

// Handler serves Gatehouse alone: what Mount registers, a 404 page for
// everything else, all behind Protect. The standalone server uses it; an
// app with pages of its own uses Mount.
func (g *Gatehouse) Handler() http.Handler { return g.handler }

// Account returns the flows, for callers that drive them without the pages
// (a CLI, a JSON API of the app's own).
func (g *Gatehouse) Account() *account.Service { return g.account }

// pageGeneration returns the store's auth generation as the page cache's
// check for the pages with social buttons (stored apps move it), or nil
// when there is none or the cache is off: those pages are then rendered on
// every request.
func (g *Gatehouse) pageGeneration() func(context.Context) (int64, error) {
	gs, ok := g.cfg.Store.(AuthGenerationStore)
	if !ok || g.cfg.ReadAuthEveryRequest {
		return nil
	}
	return gs.AuthGeneration
}

// MFA returns two-factor authentication's service (factors, the flows the
// pages drive), or nil when it is off (Config.NoMFA, or a Store that does
// not keep authenticators).
func (g *Gatehouse) MFA() *mfa.Service { return g.mfa }

// Social returns social login's service (apps, connections, the flows
// the pages drive), or nil when social login is off (Config.NoSocial, or
// a Store that does not keep social accounts).
func (g *Gatehouse) Social() *social.Service { return g.social }

// UserFrom returns the signed-in user of a request context, or nil. The
// value is the stored record, password hash included: give templates and
// JSON CurrentUser's view instead.
func UserFrom(ctx context.Context) *user.User { return authctx.User(ctx) }

// SessionFrom returns the session of a request context, or nil.
func SessionFrom(ctx context.Context) *session.Session {
	if st := authctx.From(ctx); st != nil {
		return st.Session
	}
	return nil
}

// PermsFrom returns the signed-in user's effective permissions (loaded once
// per request). Anonymous visitors have none. A store error yields no
// permissions and the error, so a caller can tell "none" from "unknown".
func PermsFrom(ctx context.Context) (user.Perms, error) {
	return authctx.From(ctx).Perms(ctx)
}

// HasPerm reports whether the signed-in user of ctx holds perm, for obj when
// not nil, through the backend chain.
func (g *Gatehouse) HasPerm(ctx context.Context, perm string, obj any) bool {
	st := authctx.From(ctx)
	if st == nil || st.User == nil {
		return false
	}
	p, err := st.Perms(ctx)
	if err != nil {
		g.cfg.Logger.Error("gatehouse: permissions", "err", err)
		return false
	}
	ok, err := g.backends.HasPerm(ctx, st.User, p, perm, obj)
	if err != nil {
		g.cfg.Logger.Error("gatehouse: permission backend", "err", err)
		return false
	}
	return ok
}

// Authenticate checks credentials as the login form does (throttling,
// equal timing, hash upgrade) and returns the login they begin; no session
// exists yet (see Login). l.User() is the user.
func (g *Gatehouse) Authenticate(ctx context.Context, login, pw string, c account.Client) (*account.Login, error) {
	return g.account.Login(ctx, account.LoginInput{Login: login, Password: pw}, c)
}

// Login answers the request with the next step of l, a login that
// Authenticate (or account.Service's Signup) began: a redirect to the page
// of its next stage (a verified email, a second factor), which
// finishes it; or, when none is left, a new session (any session the
// request carried ends) and a redirect to l.Next, else
// Config.LoginRedirect. Set l.Remember and l.Next first. No call starts a
// session around a pending stage.
func (g *Gatehouse) Login(w http.ResponseWriter, r *http.Request, l *account.Login) {
	g.web.ContinueLogin(w, r, l)
}

// Logout ends the request's session and clears the cookie.
func (g *Gatehouse) Logout(w http.ResponseWriter, r *http.Request) error {
	return g.sessions.End(w, r)
}

// checkSiteURL refuses a missing or malformed Config.SiteURL.
func checkSiteURL(s string) error {
	u, err := url.Parse(s)
	if s == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("gatehouse: Config.SiteURL must be the site's public base URL, such as https://example.com or http://localhost:8080 in development (mailed links start with it), got %q", s)
	}
	return nil
}

// ClientIP returns the client address of r per the trusted-proxy settings.
func (g *Gatehouse) ClientIP(r *http.Request) string { return g.ip.IP(r) }

func isHTTPS(siteURL string) bool {
	return len(siteURL) >= 8 && siteURL[:8] == "https://"
}

// EnsurePermissions creates the permissions that do not exist yet, as Django
// creates a model's permissions after migrate.
func (g *Gatehouse) EnsurePermissions(ctx context.Context, perms ...user.Permission) error {
	for _, p := range perms {
		_, err := g.cfg.Store.PermissionByCode(ctx, p.AppLabel, p.Codename)
		if err == nil {
			continue
		}
		if !errors.Is(err, user.ErrNotFound) {
			return err
		}
		if err := g.cfg.Store.CreatePermission(ctx, &p); err != nil && !errors.Is(err, user.ErrDuplicate) {
			return err
		}
	}
	return nil
}
