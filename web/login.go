package web

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/safenext"
	"github.com/gatehouse-auth/gatehouse/user"
)

// LoginData is .Data of the login page.
type LoginData struct {
	// Method is "username", "email" or "username_email": what the login field takes.
	Method string
	// ByCode is true when login by a mailed code is on: the page links it.
	ByCode bool
}

// login shows and handles the login form: fields login, password, remember, next.
func (h *Handlers) login(w http.ResponseWriter, r *http.Request) {
	p := h.page(w, r, "login")
	p.Data = LoginData{Method: string(h.opts.Account.LoginMethod()), ByCode: h.opts.Account.Config.LoginByCode}
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
		case account.AsErrors(err) == nil:
			h.internalError(w, r, "login", err)
			return
		}
		formFromErrors(p.L, p.Form, err)
		h.render(w, r, status, p)
		return
	}
	l.Remember, l.Next = r.PostFormValue("remember") != "", p.Next
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
		next = h.opts.LoginRedirect
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logoutConfirm asks before signing out: GET never changes state.
func (h *Handlers) logoutConfirm(w http.ResponseWriter, r *http.Request) {
	if u, _ := current(r); u == nil {
		http.Redirect(w, r, h.opts.LogoutRedirect, http.StatusFound)
		return
	}
	h.render(w, r, http.StatusOK, h.page(w, r, "logout"))
}

// logout ends the session (POST only).
func (h *Handlers) logout(w http.ResponseWriter, r *http.Request) {
	u, _ := current(r)
	if err := h.opts.Sessions.End(w, r); err != nil {
		h.internalError(w, r, "logout", err)
		return
	}
	if u != nil {
		h.opts.Log.Info("logout", "event", "logout", "user_id", u.ID)
		h.flash(w, r, "info", "flash.logged_out")
	}
	http.Redirect(w, r, h.opts.LogoutRedirect, http.StatusSeeOther)
}
