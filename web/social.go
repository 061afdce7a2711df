package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/safenext"
	"github.com/gatehouse-auth/gatehouse/social"
	"github.com/gatehouse-auth/gatehouse/user"
)

// Social login's pages (Options.Social), at allauth's URLs:
//
//	/accounts/<provider>/login/            GET: a confirmation; POST: to the provider
//	/accounts/<provider>/login/callback/   the provider's answer
//	/accounts/oidc/<NAME>/login/[callback/] the same for a generic OpenID Connect app
//	/accounts/3rdparty/                    the user's connections
//	/accounts/3rdparty/signup/             the social signup form
//	/accounts/3rdparty/login/cancelled/    the user declined at the provider
//	/accounts/3rdparty/login/error/        any other failure
//
// The rules are package social's; these are the forms and redirects.

const (
	// socialCookie binds a provider's state to the browser (social.Begin's
	// browser token). SameSite=Lax: it comes back on the provider's
	// top-level redirect to the callback.
	socialCookie = "gatehouse_social"
	// socialSignupCookie names a signup waiting on the social signup form.
	socialSignupCookie = "gatehouse_social_signup"
)

// SocialLoginData is .Data of the social_login page (the confirmation a
// GET of a provider's login URL shows) and of the social_telegram page.
type SocialLoginData struct {
	// Name is the provider's (or app's) name.
	Name string
	// Action is where the form posts: the login URL (or the callback, on
	// the social_telegram page).
	Action  string
	AppID   string
	Process string
	// State is the Telegram widget's state (social_telegram only).
	State string
}

// SocialSignupData is .Data of the social_signup page.
type SocialSignupData struct {
	Pending *social.PendingSignup
}

// ConnectionsData is .Data of the social_connections page.
type ConnectionsData struct {
	Connections []ConnectionRow
	// Buttons connect one more provider account.
	Buttons []social.Button
	// NeedPassword is true when a change asks for a reauthentication first.
	NeedPassword bool
}

// ConnectionRow is one of the user's connections as the page shows it.
type ConnectionRow struct {
	ID    int64
	Name  string // the provider's (or app's) name
	Label string // the account at the provider
	Icon  string // the provider's id
}

// registerSocial mounts social login's pages when Options.Social is set.
// Each provider of the table gets its own patterns, so that its paths
// never overlap the account pages' (/accounts/login/ …).
func (h *Handlers) registerSocial(mux *http.ServeMux) {
	svc := h.opts.Social
	if svc == nil {
		return
	}
	providers := svc.Providers
	if providers == nil {
		providers = social.Builtin()
	}
	for _, p := range providers {
		if p.ID == social.ProviderIDOIDC {
			continue
		}
		base := "/accounts/" + p.ID + "/login/"
		mux.HandleFunc("GET "+base+"{$}", h.socialLogin)
		mux.HandleFunc("POST "+base+"{$}", h.socialLogin)
		mux.HandleFunc("GET "+base+"callback/{$}", h.socialCallback)
		mux.HandleFunc("POST "+base+"callback/{$}", h.socialCallback)
	}
	mux.HandleFunc("GET /accounts/oidc/{name}/login/{$}", h.socialLogin)
	mux.HandleFunc("POST /accounts/oidc/{name}/login/{$}", h.socialLogin)
	mux.HandleFunc("GET /accounts/oidc/{name}/login/callback/{$}", h.socialCallback)
	mux.HandleFunc("POST /accounts/oidc/{name}/login/callback/{$}", h.socialCallback)
	mux.HandleFunc("GET /accounts/3rdparty/{$}", h.requireLogin(h.socialConnections))
	mux.HandleFunc("POST /accounts/3rdparty/{$}", h.requireLogin(h.socialConnections))
	mux.HandleFunc("GET /accounts/3rdparty/signup/{$}", h.socialSignup)
	mux.HandleFunc("POST /accounts/3rdparty/signup/{$}", h.socialSignup)
	mux.HandleFunc("GET /accounts/3rdparty/login/cancelled/{$}", h.socialCancelled)
	mux.HandleFunc("GET /accounts/3rdparty/login/error/{$}", h.socialPage("social_error"))
}

// socialPath reads the provider and app id from a login path (tail
// "login/") or a callback path (tail "login/callback/"); ok is false for
// anything else, an unknown provider included.
func (h *Handlers) socialPath(path, tail string) (provider, appID string, ok bool) {
	rest, found := strings.CutPrefix(path, "/accounts/")
	if !found {
		return "", "", false
	}
	if oidc, isOIDC := strings.CutPrefix(rest, "oidc/"); isOIDC {
		name, after, found := strings.Cut(oidc, "/")
		if !found || name == "" || after != tail {
			return "", "", false
		}
		return social.ProviderIDOIDC, name, true
	}
	provider, after, found := strings.Cut(rest, "/")
	if !found || after != tail || provider == social.ProviderIDOIDC || h.opts.Social.Provider(provider) == nil {
		return "", "", false
	}
	return provider, "", true
}

// socialButtons returns the buttons of the configured apps for the login
// and signup pages (none without social login, or when the store fails:
// the password form still works).
func (h *Handlers) socialButtons(r *http.Request) []social.Button {
	if h.opts.Social == nil {
		return nil
	}
	b, err := h.opts.Social.Buttons(r.Context())
	if err != nil {
		h.opts.Log.Error("web: social buttons", "err", err)
		return nil
	}
	return b
}

// pageButtons returns the buttons for page p (login, signup), reading the
// generation first so that the page cache keeps the page only for the
// generation its buttons are at least as new as.
func (h *Handlers) pageButtons(r *http.Request, p *Page) []social.Button {
	if h.opts.Social != nil && h.opts.Generation != nil && r.Method == http.MethodGet {
		if g, err := h.opts.Generation(r.Context()); err == nil {
			p.gen, p.genOK = g, true
			// A page kept for this generation needs no buttons read.
			if key, ok := cacheKey(r, http.StatusOK, p); ok {
				if v, found := h.rendered.Load(key); found {
					if kept, isGen := v.(genPage); isGen && kept.gen == g {
						p.kept, p.keptSocial = kept.b, kept.social
						return nil
					}
				}
			}
		}
	}
	return h.socialButtons(r)
}

// reauthButtons returns the buttons of the apps whose provider accounts
// are connected to u, for the reauthentication page.
func (h *Handlers) reauthButtons(r *http.Request, u *user.User) []social.Button {
	if h.opts.Social == nil {
		return nil
	}
	conns, err := h.opts.Social.Connections(r.Context(), u)
	if err != nil {
		h.opts.Log.Error("web: social connections", "err", err)
		return nil
	}
	var out []social.Button
	for _, b := range h.socialButtons(r) {
		for _, c := range conns {
			if b.Provider != social.ProviderIDOIDC && c.Account.Provider == b.Provider ||
				b.Provider == social.ProviderIDOIDC && c.Account.Provider == b.AppID {
				out = append(out, b)
				break
			}
		}
	}
	return out
}

// socialLogin starts a login (or a connection, or a reauthentication) at
// a provider: a GET shows a page whose button posts (allauth's
// SOCIALACCOUNT_LOGIN_ON_GET=False); the POST keeps the state (social.Begin),
// binds it to the browser with a cookie and goes to the provider.
func (h *Handlers) socialLogin(w http.ResponseWriter, r *http.Request) {
	svc, ctx := h.opts.Social, r.Context()
	provider, appID, ok := h.socialPath(r.URL.Path, "login/")
	if !ok {
		h.notFound(w, r)
		return
	}
	if r.Method == http.MethodPost && !h.parseForm(w, r) {
		return
	}
	if provider != social.ProviderIDOIDC {
		appID = r.FormValue("app")
	}
	process := r.FormValue("process")
	if r.Method == http.MethodGet {
		app, p, err := svc.App(ctx, provider, appID)
		if err != nil {
			h.socialFailed(w, r, err)
			return
		}
		pg := h.page(w, r, "social_login")
		pg.Next = safenext.Clean(r.FormValue("next"))
		pg.Data = SocialLoginData{Name: socialAppName(p, app), Action: r.URL.Path, AppID: appID, Process: process}
		h.render(w, r, http.StatusOK, pg)
		return
	}
	u, sess := current(r)
	if u == nil && (process == social.ProcessConnect || process == social.ProcessReauthenticate) {
		// Signed out meanwhile: sign in, then back to the connections.
		http.Redirect(w, r, h.urls.Login+"?next="+url.QueryEscape(h.urls.Connections), http.StatusSeeOther)
		return
	}
	if process == social.ProcessConnect && u != nil && !h.opts.Account.RecentlyAuthenticated(sess) {
		h.requireReauth(w, r) // resumed here once the user has authenticated again
		return
	}
	start, err := svc.Begin(ctx, social.BeginInput{Provider: provider, AppID: appID, Process: process,
		Next: r.PostFormValue("next"), Remember: h.remember(r), Browser: flowToken(r, socialCookie),
		User: u, Session: sess}, h.client(r))
	if err != nil {
		h.socialFailed(w, r, err)
		return
	}
	h.setFlowCookie(w, socialCookie, start.Browser, start.Expires)
	http.Redirect(w, r, start.URL, http.StatusSeeOther)
}

// socialAppName is what the pages call app: its name, else its provider's
// (a generic OpenID Connect app's id).
func socialAppName(p *social.Provider, app *social.App) string {
	switch {
	case app.Name != "":
		return app.Name
	case p.ID == social.ProviderIDOIDC:
		return app.AppID
	}
	return p.Name
}

// socialCallback takes a provider's answer (social.Complete) to its end: a
// login through the account's stages, the social signup form, a new
// connection, or a resumed action after a reauthentication.
func (h *Handlers) socialCallback(w http.ResponseWriter, r *http.Request) {
	svc, ctx := h.opts.Social, r.Context()
	provider, appID, ok := h.socialPath(r.URL.Path, "login/callback/")
	if !ok {
		h.notFound(w, r)
		return
	}
	params := r.URL.Query()
	if r.Method == http.MethodPost {
		if !h.parseForm(w, r) {
			return
		}
		params = r.PostForm
		if st := r.URL.Query().Get("state"); st != "" && params.Get("state") == "" {
			params.Set("state", st)
		}
	}
	if p := svc.Provider(provider); r.Method == http.MethodGet && p != nil && p.Protocol == social.TelegramWidget &&
		params.Get("hash") == "" && params.Get("tgAuthResult") == "" && params.Get("error") == "" {
		// The widget answers in the URL fragment, which only the page can
		// read: it posts it back here, same-origin, with the state.
		pg := h.page(w, r, "social_telegram")
		pg.Data = SocialLoginData{Name: p.Name, Action: r.URL.Path, State: params.Get("state")}
		h.render(w, r, http.StatusOK, pg)
		return
	}
	u, sess := current(r)
	res, err := svc.Complete(ctx, social.CallbackInput{Provider: provider, AppID: appID,
		Browser: flowToken(r, socialCookie), Params: params, User: u, Session: sess}, h.client(r))
	if account.HasCode(err, social.CodeCancelled) {
		// The cancelled page names the provider the user declined at.
		http.Redirect(w, r, "/accounts/3rdparty/login/cancelled/?provider="+url.QueryEscape(provider), http.StatusSeeOther)
		return
	}
	if err != nil {
		h.socialFailed(w, r, err)
		return
	}
	switch {
	case res.Login != nil:
		key := "flash.logged_in"
		if res.SignedUp {
			key = "flash.signed_up"
		}
		h.continueLogin(w, r, res.Login, "", key)
	case res.SignupToken != "":
		h.setFlowCookie(w, socialSignupCookie, res.SignupToken, res.SignupExpires)
		http.Redirect(w, r, "/accounts/3rdparty/signup/", http.StatusSeeOther)
	case res.Connected != nil:
		key := "flash.social_connected"
		if res.AlreadyConnected {
			key = "flash.social_already_connected"
		}
		h.flash(w, r, "success", key)
		next := res.Next
		if next == "" {
			next = h.urls.Connections
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	default: // res.Reauthenticated
		if h.resume(w, r) {
			return
		}
		next := res.Next
		if next == "" {
			next = h.opts.LoginRedirect
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
}

// socialFailed answers a social login that failed: the cancelled page
// when the user declined, the account's pages for an inactive account,
// closed signup or an expired login, the reauthentication page for a
// connection that needs it, and the error page (with the reason) for
// everything else; a store failure is a 500.
func (h *Handlers) socialFailed(w http.ResponseWriter, r *http.Request, err error) {
	errs := account.AsErrors(err)
	switch {
	case errs == nil:
		h.internalError(w, r, "social login", err)
	case account.HasCode(err, social.CodeCancelled):
		http.Redirect(w, r, "/accounts/3rdparty/login/cancelled/", http.StatusSeeOther)
	case account.HasCode(err, account.CodeAccountInactive):
		http.Redirect(w, r, h.urls.Inactive, http.StatusSeeOther)
	case account.HasCode(err, account.CodeSignupClosed):
		h.render(w, r, http.StatusOK, h.page(w, r, "signup_closed"))
	case account.HasCode(err, account.CodeLoginExpired):
		h.loginFailed(w, r, err)
	case account.HasCode(err, account.CodeReauthenticationRequired):
		h.flash(w, r, "info", "flash.reauthenticate")
		http.Redirect(w, r, h.urls.Reauthenticate+"?next="+url.QueryEscape(h.urls.Connections), http.StatusSeeOther)
	default:
		h.flash(w, r, "error", "error."+errs[0].Code)
		http.Redirect(w, r, "/accounts/3rdparty/login/error/", http.StatusSeeOther)
	}
}

// SocialCancelledData is .Data of the cancelled page.
type SocialCancelledData struct {
	// Provider is the name of the provider the user declined at ("" when
	// the page was reached without a known one).
	Provider string
}

// socialCancelled is where a login the user declined at the provider
// leads; ?provider= names it, when it is one of the table's (nothing
// else from the URL reaches the page).
func (h *Handlers) socialCancelled(w http.ResponseWriter, r *http.Request) {
	p := h.page(w, r, "social_cancelled")
	d := SocialCancelledData{}
	if pr := h.opts.Social.Provider(r.URL.Query().Get("provider")); pr != nil {
		d.Provider = pr.Name
	}
	p.Data = d
	h.render(w, r, http.StatusOK, p)
}

// socialPage renders a page without a form (the error page).
func (h *Handlers) socialPage(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h.render(w, r, http.StatusOK, h.page(w, r, name))
	}
}

// socialSignup shows and handles the social signup form (username,
// email) of the signup the signup cookie names.
func (h *Handlers) socialSignup(w http.ResponseWriter, r *http.Request) {
	svc, ctx := h.opts.Social, r.Context()
	token := flowToken(r, socialSignupCookie)
	pending, err := svc.PendingSignup(ctx, token)
	if err != nil {
		if account.HasCode(err, account.CodeLoginExpired) {
			h.clearFlowCookie(w, socialSignupCookie)
		}
		h.socialFailed(w, r, err)
		return
	}
	p := h.page(w, r, "social_signup")
	p.Next = pending.Next
	p.Data = SocialSignupData{Pending: pending}
	if r.Method == http.MethodGet {
		p.Form = &Form{Values: map[string]string{"username": pending.Username, "email": pending.Email}}
		h.render(w, r, http.StatusOK, p)
		return
	}
	if !h.parseForm(w, r) {
		return
	}
	p.Form = formValues(r, "username", "email")
	l, err := svc.SocialSignup(ctx, token, social.SignupInput{Username: r.PostFormValue("username"),
		Email: r.PostFormValue("email"), Language: p.L.Lang}, h.client(r))
	switch {
	case err == nil:
		h.clearFlowCookie(w, socialSignupCookie)
		h.continueLogin(w, r, l, "", "flash.signed_up")
	case account.HasCode(err, social.CodeAccountTaken) || account.HasCode(err, account.CodeSignupClosed) ||
		account.HasCode(err, account.CodeLoginExpired):
		h.clearFlowCookie(w, socialSignupCookie)
		h.socialFailed(w, r, err)
	default:
		h.formError(w, r, p, err, "social signup")
	}
}

// socialConnections lists the signed-in user's connections, with a button
// to connect each configured provider, and disconnects one (POST
// action=disconnect, id). Disconnecting needs a recent authentication: the
// POST waits for one and resumes after it.
func (h *Handlers) socialConnections(w http.ResponseWriter, r *http.Request) {
	svc, ctx := h.opts.Social, r.Context()
	u, sess := current(r)
	p := h.page(w, r, "social_connections")
	p.Form = &Form{}
	if r.Method == http.MethodPost {
		if !h.parseForm(w, r) {
			return
		}
		if !h.opts.Account.RecentlyAuthenticated(sess) {
			h.requireReauth(w, r)
			return
		}
		id, err := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
		if err != nil || id <= 0 {
			err = &account.Error{Code: social.CodeNotConnected}
			formFromErrors(p.L, p.Form, err)
		} else if err := svc.Disconnect(ctx, u, sess, id, h.client(r)); err == nil {
			h.flash(w, r, "success", "flash.social_disconnected")
			http.Redirect(w, r, h.urls.Connections, http.StatusSeeOther)
			return
		} else if account.AsErrors(err) == nil {
			h.internalError(w, r, "social: disconnect", err)
			return
		} else {
			formFromErrors(p.L, p.Form, err)
		}
	}
	conns, err := svc.Connections(ctx, u)
	if err != nil {
		h.internalError(w, r, "social: connections", err)
		return
	}
	d := ConnectionsData{Buttons: h.socialButtons(r), NeedPassword: !h.opts.Account.RecentlyAuthenticated(sess)}
	for _, c := range conns {
		row := ConnectionRow{ID: c.Account.ID, Name: c.Name, Label: c.Label, Icon: c.Account.Provider}
		if c.Provider != nil {
			row.Icon = c.Provider.ID
		}
		d.Connections = append(d.Connections, row)
	}
	p.Data = d
	h.render(w, r, http.StatusOK, p)
}
