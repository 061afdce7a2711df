package web

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/safenext"
)

// signup shows and handles the signup form: username, email, password1,
// password2, next. A successful signup signs the new user in.
func (h *Handlers) signup(w http.ResponseWriter, r *http.Request) {
	p := h.page(w, r, "signup")
	p.Data = SignupData{EmailRequired: h.opts.Account.Config.EmailRequired}
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
	p.Form = formValues(r, "username", "email")
	in := account.SignupInput{
		Username:  r.PostFormValue("username"),
		Email:     r.PostFormValue("email"),
		Password1: r.PostFormValue("password1"),
		Password2: r.PostFormValue("password2"),
	}
	c := h.client(r)
	u, err := h.opts.Account.Signup(r.Context(), in, c)
	if err != nil {
		if account.AsErrors(err) == nil {
			h.internalError(w, r, "signup", err)
			return
		}
		status := http.StatusOK
		if account.HasCode(err, account.CodeTooManyAttempts) {
			status = http.StatusTooManyRequests
		}
		formFromErrors(p.L, p.Form, err)
		h.render(w, r, status, p)
		return
	}
	h.signIn(w, r, u, false, c, p.Next, "flash.signed_up")
}
