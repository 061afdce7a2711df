package web

import (
	"net/http"
	"net/url"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/safenext"
)

// loginCodeCookie names the flow of a requested login code.
const loginCodeCookie = "gatehouse_login_code"

// LoginCodeData is .Data of the login code pages.
type LoginCodeData struct {
	// Email is where the code went (the confirm page).
	Email string
}

// loginCode asks for the address to mail a login code to
// (/accounts/login/code/, allauth's request_login_code). Unknown addresses
// answer the same. 404 unless login by code is on.
func (h *Handlers) loginCode(w http.ResponseWriter, r *http.Request) {
	acc := h.opts.Account
	if !acc.Config.LoginByCode {
		h.notFound(w, r)
		return
	}
	p := h.page(w, r, "login_code")
	p.Form = &Form{}
	if r.Method == http.MethodGet {
		p.Next = safenext.Clean(r.URL.Query().Get("next"))
		h.render(w, r, http.StatusOK, p)
		return
	}
	if !h.parseForm(w, r) {
		return
	}
	p.Next = safenext.Clean(r.PostFormValue("next"))
	p.Form = formValues(r, "email")
	token, err := acc.RequestLoginCode(r.Context(), r.PostFormValue("email"), h.client(r))
	if err != nil {
		h.formError(w, r, p, err, "login code")
		return
	}
	h.setFlowCookie(w, loginCodeCookie, token, h.opts.Now().Add(acc.LoginCodeTimeout()))
	target := h.urls.Login + "code/confirm/"
	if p.Next != "" {
		target += "?next=" + url.QueryEscape(p.Next)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// loginCodeConfirm takes the mailed code (/accounts/login/code/confirm/):
// the right one goes on through the login's stages.
func (h *Handlers) loginCodeConfirm(w http.ResponseWriter, r *http.Request) {
	acc := h.opts.Account
	if !acc.Config.LoginByCode {
		h.notFound(w, r)
		return
	}
	ctx, token := r.Context(), flowToken(r, loginCodeCookie)
	email, err := acc.LoginCodeEmail(ctx, token)
	if err != nil {
		h.clearFlowCookie(w, loginCodeCookie)
		if account.AsErrors(err) == nil {
			h.internalError(w, r, "login code", err)
			return
		}
		h.flash(w, r, "error", "flash.login_expired")
		http.Redirect(w, r, h.urls.Login+"code/", http.StatusSeeOther)
		return
	}
	p := h.page(w, r, "login_code_confirm")
	p.Form = &Form{}
	p.Data = LoginCodeData{Email: email}
	if r.Method == http.MethodGet {
		p.Next = safenext.Clean(r.URL.Query().Get("next"))
		h.render(w, r, http.StatusOK, p)
		return
	}
	if !h.parseForm(w, r) {
		return
	}
	p.Next = safenext.Clean(r.PostFormValue("next"))
	p.Form = formValues(r, "code") // a wrong code stays in the field, to be corrected
	l, err := acc.ConfirmLoginCode(ctx, token, r.PostFormValue("code"), h.client(r))
	if err != nil {
		if account.HasCode(err, account.CodeCodeExpired) {
			h.clearFlowCookie(w, loginCodeCookie)
		}
		h.formError(w, r, p, err, "login code")
		return
	}
	h.clearFlowCookie(w, loginCodeCookie)
	l.Next = p.Next
	h.continueLogin(w, r, l, "", "flash.logged_in")
}
