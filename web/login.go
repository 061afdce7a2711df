package web

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/safenext"
	"github.com/gatehouse-auth/gatehouse/social"
	"github.com/gatehouse-auth/gatehouse/user"
)

// LoginData is .Data of the login page.
type LoginData struct {
	// Method is "username", "email" or "username_email": what the login field takes.
	Method string
	// ByCode is true when login by a mailed code is on: the page links it.
	ByCode bool
	// AskRemember is true when the page offers "Remember me"
	// (account.Config.SessionRemember is RememberAsk).
	AskRemember bool
	// Social are the buttons of the configured social apps.
	Social []social.Button
	// Passkey offers "Sign in with a passkey" (passkey login on).
	Passkey bool
}

// login shows and handles the login form: fields login, password, remember, next.
func (h *Handlers) login(w http.ResponseWriter, r *http.Request) {
	p := h.page(w, r, "login")
	acc := h.opts.Account
	p.Data = LoginData{Method: string(acc.LoginMethod()), ByCode: acc.Config.LoginByCode,
		AskRemember: acc.Config.SessionRemember == account.RememberAsk, Social: h.pageButtons(r, p),
		Passkey: h.webauthnOn() && h.opts.MFA.Config.WebAuthn.PasskeyLogin}
	if r.Method == http.MethodGet {
		p.Next = safenext.Clean(r.URL.Query().Get("next"))
		if u, _ := current(r); u != nil && p.Next != "" {
			// Already signed in: go on (a permission redirect loop shows the 403 page instead).
			http.Redirect(w, r, p.Next, http.StatusFound)
			return
		}
		p.Form = &Form{}
		h.render(w, r, http.StatusOK, p)
		return
	}
	if !h.parseForm(w, r) {
		return
	}
	p.Next = safenext.Clean(r.PostFormValue("next"))
	p.Form = formValues(r, "login", "remember")
	in := account.LoginInput{Login: r.PostFormValue("login"), Password: r.PostFormValue("password")}
	c := h.client(r)
	l, err := h.opts.Account.Login(r.Context(), in, c)
	if err != nil {
		status := http.StatusOK
		switch {
		case account.HasCode(err, account.CodeTooManyAttempts):
			status = http.StatusTooManyRequests
			setRetryAfter(w, err)
		case account.HasCode(err, account.CodeAccountInactive):
			http.Redirect(w, r, h.urls.Inactive, http.StatusSeeOther)
			return
		case account.AsErrors(err) == nil:
			h.internalError(w, r, "login", err)
			return
		}
		formFromErrors(p.L, p.Form, err)
		h.render(w, r, status, p)
		return
	}
	l.Remember, l.Next = h.remember(r), p.Next
	h.continueLogin(w, r, l, "", "flash.logged_in")
}

// startSession starts a session for u (a new token: the one the browser
// carried ends), leaves a flash message and goes to the safe next or
// LoginRedirect. Only a login whose stages are all passed gets here
// (continueLogin).
func (h *Handlers) startSession(w http.ResponseWriter, r *http.Request, u *user.User, remember bool, c account.Client, next, flashKey string) {
	if _, err := h.opts.Sessions.Start(w, r, u.ID, remember, c.IP, c.UserAgent); err != nil {
		h.internalError(w, r, "sign in: session", err)
		return
	}
	h.flash(w, r, "success", flashKey)
	if next == "" {
		next = h.loginRedirect(r, u)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// remember reads the login form's "Remember me" as SessionRemember says.
func (h *Handlers) remember(r *http.Request) bool {
	switch h.opts.Account.Config.SessionRemember {
	case account.RememberAlways:
		return true
	case account.RememberNever:
		return false
	}
	return r.PostFormValue("remember") != ""
}

// loginRedirect is where a login without a next lands: the LoginRedirect
// hook's answer, else Options.LoginRedirect.
func (h *Handlers) loginRedirect(r *http.Request, u *user.User) string {
	if f := h.opts.Account.Hooks.LoginRedirect; f != nil {
		if to := safenext.Clean(f(r.Context(), u)); to != "" {
			return to
		}
	}
	return h.opts.LoginRedirect
}

// logoutRedirect is where a logout lands: the LogoutRedirect hook's answer,
// else Options.LogoutRedirect.
func (h *Handlers) logoutRedirect(r *http.Request) string {
	if f := h.opts.Account.Hooks.LogoutRedirect; f != nil {
		if to := safenext.Clean(f(r.Context())); to != "" {
			return to
		}
	}
	return h.opts.LogoutRedirect
}

// inactive is the page an inactive account's right password leads to
// (/accounts/inactive/, allauth's account_inactive).
func (h *Handlers) inactive(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, h.page(w, r, "inactive"))
}

// logoutConfirm asks before signing out: GET never changes state.
func (h *Handlers) logoutConfirm(w http.ResponseWriter, r *http.Request) {
	if u, _ := current(r); u == nil {
		http.Redirect(w, r, h.opts.LogoutRedirect, http.StatusFound)
		return
	}
	h.render(w, r, http.StatusOK, h.page(w, r, "logout"))
}

// logout ends the session (POST only), and forgets the browser's social
// login in progress: a signup left on the social signup form is not
// finished by whoever uses the browser next.
func (h *Handlers) logout(w http.ResponseWriter, r *http.Request) {
	u, _ := current(r)
	if err := h.opts.Sessions.End(w, r); err != nil {
		h.internalError(w, r, "logout", err)
		return
	}
	if h.opts.Social != nil {
		h.clearFlowCookie(w, socialSignupCookie)
		h.clearFlowCookie(w, socialCookie)
	}
	if u != nil {
		h.opts.Account.LoggedOut(r.Context(), u, h.client(r))
		h.flash(w, r, "info", "flash.logged_out")
	}
	http.Redirect(w, r, h.logoutRedirect(r), http.StatusSeeOther)
}
