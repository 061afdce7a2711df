package web

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/account"
)

// passwordChange shows and handles the change form: oldpassword, password1,
// password2. On success the current session is replaced by a new one and
// every other session of the user ends.
func (h *Handlers) passwordChange(w http.ResponseWriter, r *http.Request) {
	u, sess := current(r)
	if !u.HasUsablePassword() {
		http.Redirect(w, r, h.urls.PasswordSet, http.StatusSeeOther)
		return
	}
	p := h.page(w, r, "password_change")
	p.Form = &Form{}
	if r.Method == http.MethodGet {
		h.render(w, r, http.StatusOK, p)
		return
	}
	if !h.parseForm(w, r) {
		return
	}
	in := account.ChangePasswordInput{
		Old:       r.PostFormValue("oldpassword"),
		Password1: r.PostFormValue("password1"),
		Password2: r.PostFormValue("password2"),
	}
	if err := h.opts.Account.ChangePassword(r.Context(), u, sess, in, h.client(r)); err != nil {
		h.formError(w, r, p, err, "password change")
		return
	}
	if _, err := h.opts.Sessions.Rotate(w, r, sess); err != nil {
		h.internalError(w, r, "password change: sessions", err)
		return
	}
	h.flash(w, r, "success", "flash.password_changed")
	http.Redirect(w, r, h.opts.LoginRedirect, http.StatusSeeOther)
}

// passwordSet gives a user without a usable password one
// (/accounts/password/set/): after a recent authentication (an older one
// goes through /accounts/reauthenticate/ and resumes), the session gets a
// new token and the other sessions end. Users with a password go to the
// change page.
func (h *Handlers) passwordSet(w http.ResponseWriter, r *http.Request) {
	u, sess := current(r)
	if u.HasUsablePassword() {
		http.Redirect(w, r, h.urls.PasswordChange, http.StatusSeeOther)
		return
	}
	p := h.page(w, r, "password_set")
	p.Form = &Form{}
	if r.Method == http.MethodGet {
		h.render(w, r, http.StatusOK, p)
		return
	}
	if !h.parseForm(w, r) {
		return
	}
	if !h.opts.Account.RecentlyAuthenticated(sess) {
		h.requireReauth(w, r)
		return
	}
	err := h.opts.Account.SetFirstPassword(r.Context(), u, sess, r.PostFormValue("password1"), r.PostFormValue("password2"), h.client(r))
	if err != nil {
		h.formError(w, r, p, err, "password set")
		return
	}
	if _, err := h.opts.Sessions.Rotate(w, r, sess); err != nil {
		h.internalError(w, r, "password set: sessions", err)
		return
	}
	h.flash(w, r, "success", "flash.password_set")
	http.Redirect(w, r, h.opts.LoginRedirect, http.StatusSeeOther)
}
