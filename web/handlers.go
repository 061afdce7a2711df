package web

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/authctx"
	"github.com/gatehouse-auth/gatehouse/internal/clientip"
	"github.com/gatehouse-auth/gatehouse/internal/keys"
	"github.com/gatehouse-auth/gatehouse/mfa"
	"github.com/gatehouse-auth/gatehouse/password"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/social"
	"github.com/gatehouse-auth/gatehouse/user"
)

//go:embed templates locales static
var embedded embed.FS

// Embedded returns the built-in templates, catalogs and static files, laid out
// as templates/, locales/ and static/.
func Embedded() fs.FS { return embedded }

// Options configures the pages.
type Options struct {
	Account  *account.Service
	Sessions *session.Manager
	// Perms checks a permission for the signed-in user (the root package's
	// backend chain).
	Perms func(r *http.Request, perm string) bool
	// ClientIP resolves the client address.
	ClientIP clientip.Resolver
	// SecretKey signs the flash cookie (with a key derived from it).
	SecretKey []byte
	// SecretKeyFallbacks are older secret keys still accepted when verifying.
	SecretKeyFallbacks [][]byte
	// Override holds files that replace the embedded ones of the same path
	// (templates/pages/login.html, static/gatehouse.css, locales/ru/ui.json …).
	Override fs.FS
	// Stylesheets are extra CSS URLs added after Gatehouse's own.
	Stylesheets []string
	// SiteName is shown in the header and titles. The default is "Gatehouse".
	SiteName string
	// StaticPrefix is where static files are served. The default is "/static/gatehouse/".
	StaticPrefix string
	// LoginURL: the default is "/accounts/login/".
	LoginURL string
	// LoginRedirect is where a login without a safe next lands, and where
	// Cancel links lead. The default is "/".
	LoginRedirect string
	// LogoutRedirect: the default is "/".
	LogoutRedirect string
	// SiteURL is the site's public base URL: mailed links start with it,
	// never with a request's Host header.
	SiteURL string
	// MailFrom is the From of account mail ("" for the mailer's default).
	MailFrom string
	// StageURLs are the pages of login stages added to
	// account.Service.Stages, by stage name.
	StageURLs map[string]string
	// Social is social login: with it the pages serve the provider logins
	// and callbacks, /accounts/3rdparty/ (connections, the social signup
	// form, the cancelled and error pages), and the login and signup pages
	// show a button per configured app. Nil: no social login.
	Social *social.Service
	// MFA is two-factor authentication: with it the pages serve
	// /accounts/2fa/ (the overview, the second factor's login stage,
	// reauthentication by a factor, trusting the browser, adding and
	// removing an authenticator app, recovery codes). Nil: none.
	MFA *mfa.Service
	// Generation returns a number that moves whenever a stored social app
	// changes (the root package passes the store's auth generation). With
	// it the login and signup pages stay in the anonymous page cache while
	// social login is on, kept for the generation read before their
	// buttons; without it they are rendered on every request.
	Generation func(ctx context.Context) (int64, error)
	// Demo mounts the demo site: /, /dashboard/ and /secret/.
	Demo bool
	// SecureCookies marks the flash and language cookies Secure.
	SecureCookies bool
	Log           *slog.Logger
	// Now is the clock. The default is time.Now.
	Now func() time.Time
}

// Handlers serves the pages.
type Handlers struct {
	opts       Options
	pages      map[string]map[string]*template.Template // language → page → template
	rendered   sync.Map                                 // cacheKey → []byte (anonymous pages)
	queryPages atomic.Int32                             // entries of rendered for URIs with a query
	catalogs   *Catalogs
	keys       *keys.Ring
	mail       *MailRenderer
	static     http.Handler
	urls       *URLs
	// socialCSP is the CSP of pages with social forms (see socialForms; nil
	// without social login).
	socialCSP []string
	// minLength is the MinimumLength validator's minimum, shown in the rules.
	minLength int
}

// New parses the templates and catalogs (embedded, overlaid by
// opts.Override) and returns the handlers.
func New(opts Options) (*Handlers, error) {
	if opts.Account == nil || opts.Sessions == nil {
		return nil, errors.New("web: Options.Account and Options.Sessions are required")
	}
	ring, err := keys.New(opts.SecretKey, opts.SecretKeyFallbacks...)
	if err != nil {
		return nil, errors.New("web: Options.SecretKey and SecretKeyFallbacks must be at least 32 bytes each")
	}
	setDefault(&opts.SiteName, "Gatehouse")
	setDefault(&opts.StaticPrefix, "/static/gatehouse/")
	setDefault(&opts.LoginURL, "/accounts/login/")
	setDefault(&opts.LoginRedirect, "/")
	setDefault(&opts.LogoutRedirect, "/")
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Perms == nil {
		opts.Perms = func(*http.Request, string) bool { return false }
	}
	fsys := overlay{top: opts.Override, base: embedded}
	cats, err := LoadCatalogs(fsys)
	if err != nil {
		return nil, err
	}
	pages, err := parsePages(fsys, cats)
	if err != nil {
		return nil, err
	}
	staticFS, err := fs.Sub(fsys, "static")
	if err != nil {
		return nil, err
	}
	h := &Handlers{opts: opts, pages: pages, catalogs: cats, keys: ring, urls: &URLs{
		Home: "/", Dashboard: opts.LoginRedirect, Login: opts.LoginURL, Signup: "/accounts/signup/",
		Logout: "/accounts/logout/", PasswordChange: "/accounts/password/change/", SetLang: "/i18n/setlang/",
		Sessions: "/accounts/sessions/", PasswordReset: "/accounts/password/reset/",
		ConfirmEmail: "/accounts/confirm-email/", Reauthenticate: "/accounts/reauthenticate/",
		Email: "/accounts/email/", PasswordSet: "/accounts/password/set/", Inactive: "/accounts/inactive/",
	}}
	if opts.Demo {
		h.urls.Secret = "/secret/"
	}
	if opts.MFA != nil {
		h.urls.MFA = mfaBase
	}
	if opts.Social != nil {
		h.urls.Connections = "/accounts/3rdparty/"
		h.socialCSP = socialPageCSP(opts.SiteURL)
	}
	h.minLength = password.DefaultMinLength
	for _, v := range opts.Account.PasswordValidators() {
		if m, ok := v.(password.MinimumLength); ok && m.Min > 0 {
			h.minLength = m.Min
		}
	}
	h.static = http.StripPrefix(opts.StaticPrefix, staticHandler(staticFS))
	if h.mail, err = newMailRenderer(fsys, cats, opts); err != nil {
		return nil, err
	}
	return h, nil
}

func setDefault(s *string, v string) {
	if *s == "" {
		*s = v
	}
}

// Notices returns the renderer of account mail, for account.Service.Notices.
func (h *Handlers) Notices() *MailRenderer { return h.mail }

// Catalogs returns the loaded message catalogs.
func (h *Handlers) Catalogs() *Catalogs { return h.catalogs }

// Register mounts the pages on mux: /accounts/…, the static files, the
// language switch and, with Options.Demo, the demo site.
func (h *Handlers) Register(mux *http.ServeMux) {
	mux.Handle("GET "+h.opts.StaticPrefix, h.static)
	mux.HandleFunc("GET /accounts/login/", h.login)
	mux.HandleFunc("POST /accounts/login/", h.login)
	mux.HandleFunc("GET /accounts/login/code/", h.loginCode)
	mux.HandleFunc("POST /accounts/login/code/", h.loginCode)
	mux.HandleFunc("GET /accounts/login/code/confirm/", h.loginCodeConfirm)
	mux.HandleFunc("POST /accounts/login/code/confirm/", h.loginCodeConfirm)
	mux.HandleFunc("GET /accounts/inactive/", h.inactive)
	mux.HandleFunc("GET /accounts/signup/", h.signup)
	mux.HandleFunc("POST /accounts/signup/", h.signup)
	mux.HandleFunc("GET /accounts/logout/", h.logoutConfirm)
	mux.HandleFunc("POST /accounts/logout/", h.logout)
	mux.HandleFunc("GET /accounts/password/change/", h.requireLogin(h.passwordChange))
	mux.HandleFunc("POST /accounts/password/change/", h.requireLogin(h.passwordChange))
	mux.HandleFunc("GET /accounts/sessions/", h.requireLogin(h.sessions))
	mux.HandleFunc("POST /accounts/sessions/", h.requireLogin(h.sessions))
	mux.HandleFunc("GET /accounts/confirm-email/", h.confirmEmail)
	mux.HandleFunc("POST /accounts/confirm-email/", h.confirmEmail)
	mux.HandleFunc("GET /accounts/confirm-email/{key}/", noReferrer(h.confirmEmailKey))
	mux.HandleFunc("POST /accounts/confirm-email/{key}/", noReferrer(h.confirmEmailKey))
	mux.HandleFunc("GET /accounts/password/reset/", h.passwordReset)
	mux.HandleFunc("POST /accounts/password/reset/", h.passwordReset)
	mux.HandleFunc("GET /accounts/password/reset/done/", h.passwordResetDone)
	mux.HandleFunc("GET /accounts/password/reset/key/done/", h.passwordResetKeyDone)
	mux.HandleFunc("GET /accounts/password/reset/key/{key}/", noReferrer(h.passwordResetKey))
	mux.HandleFunc("POST /accounts/password/reset/key/{key}/", noReferrer(h.passwordResetKey))
	mux.HandleFunc("GET /accounts/password/reset/confirm/", h.passwordResetCode)
	mux.HandleFunc("POST /accounts/password/reset/confirm/", h.passwordResetCode)
	mux.HandleFunc("GET /accounts/password/reset/complete/", h.passwordResetComplete)
	mux.HandleFunc("POST /accounts/password/reset/complete/", h.passwordResetComplete)
	mux.HandleFunc("GET /accounts/reauthenticate/", h.requireLogin(h.reauthenticate))
	mux.HandleFunc("POST /accounts/reauthenticate/", h.requireLogin(h.reauthenticate))
	mux.HandleFunc("GET /accounts/password/set/", h.requireLogin(h.passwordSet))
	mux.HandleFunc("POST /accounts/password/set/", h.requireLogin(h.passwordSet))
	mux.HandleFunc("GET /accounts/email/", h.requireLogin(h.email))
	mux.HandleFunc("POST /accounts/email/", h.requireLogin(h.email))
	mux.HandleFunc("GET /accounts/email/cancel/{key}/", noReferrer(h.emailCancel))
	mux.HandleFunc("POST /accounts/email/cancel/{key}/", noReferrer(h.emailCancel))
	h.registerSocial(mux)
	h.registerMFA(mux)
	mux.HandleFunc("POST /i18n/setlang/", h.setLang)
	if h.opts.Demo {
		mux.HandleFunc("GET /{$}", h.home)
		mux.HandleFunc("GET /dashboard/", h.requireLogin(h.dashboard))
		mux.HandleFunc("GET /secret/", h.requireLogin(h.requirePerm("demo.view_secret", h.secret)))
	}
}

// RegisterNotFound answers every path mux has no other pattern for with the
// 404 page: for a mux that serves Gatehouse alone.
func (h *Handlers) RegisterNotFound(mux *http.ServeMux) {
	mux.HandleFunc("/", h.notFound)
}

func (h *Handlers) client(r *http.Request) account.Client {
	return account.Client{IP: h.opts.ClientIP.IP(r), UserAgent: r.UserAgent(), Lang: h.catalogs.Negotiate(r)}
}

// current returns the signed-in user and session, or nils.
func current(r *http.Request) (*user.User, *session.Session) {
	st := authctx.From(r.Context())
	if st == nil {
		return nil, nil
	}
	return st.User, st.Session
}

// noReferrerValue is the Referrer-Policy of pages whose URL carries a key.
var noReferrerValue = []string{"no-referrer"}

// noReferrer serves a page whose URL carries a mailed key (a confirmation,
// reset or cancel link) with Referrer-Policy: no-referrer, so that no
// request the page makes, not even for the site's own stylesheet, carries
// the key in a Referer.
func noReferrer(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Referrer-Policy"] = noReferrerValue
		next(w, r)
	}
}
