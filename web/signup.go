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
	p.Data = SignupData{EmailRequired: h.opts.Account.EmailRequired()}
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
		Language:  p.L.Lang,
	}
	c := h.client(r)
	l, err := h.opts.Account.Signup(r.Context(), in, c)
	if err != nil {
		h.formError(w, r, p, err, "signup")
		return
	}
	l.Next = p.Next
	h.continueLogin(w, r, l, "", "flash.signed_up")
}
