package web

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/safenext"
)

// signup shows and handles the signup form: username, email, password1,
// password2, next. A successful signup signs the new user in.
func (h *Handlers) signup(w http.ResponseWriter, r *http.Request) {
	acc, c := h.opts.Account, h.client(r)
	if !acc.SignupOpen(r.Context(), c) {
		h.render(w, r, http.StatusOK, h.page(w, r, "signup_closed"))
		return
	}
	p := h.page(w, r, "signup")
	f := acc.SignupForm()
	p.Data = SignupData{EmailRequired: f.EmailRequired, Fields: f, Honeypot: acc.Config.SignupHoneypot,
		Social: h.pageButtons(r, p), PasskeySignup: h.webauthnOn() && h.opts.MFA.Config.WebAuthn.PasskeySignup}
	if r.Method == http.MethodGet {
		p.Next = safenext.Clean(r.URL.Query().Get("next"))
		p.Form = &Form{}
		h.render(w, r, http.StatusOK, p)
		return
	}
	if !h.parseForm(w, r) {
		return
	}
	p.Next = safenext.Clean(r.PostFormValue("next"))
	if name := acc.Config.SignupHoneypot; name != "" && r.PostFormValue(name) != "" {
		// A bot filled the hidden field: answer as a signup would, store nothing.
		h.opts.Log.Info("signup honeypot", "event", "signup_honeypot", "ip", c.IP)
		http.Redirect(w, r, h.opts.LoginRedirect, http.StatusSeeOther)
		return
	}
	p.Form = formValues(r, "username", "email", "email2")
	in := account.SignupInput{
		Username:  r.PostFormValue("username"),
		Email:     r.PostFormValue("email"),
		Password1: r.PostFormValue("password1"),
		Password2: r.PostFormValue("password2"),
		Email2:    r.PostFormValue("email2"),
		Language:  p.L.Lang,
	}
	l, err := acc.Signup(r.Context(), in, c)
	if err != nil {
		h.formError(w, r, p, err, "signup")
		return
	}
	l.Next = p.Next
	h.continueLogin(w, r, l, "", "flash.signed_up")
}
