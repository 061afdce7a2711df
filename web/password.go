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
