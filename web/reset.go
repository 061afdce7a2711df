package web

import (
	"net/http"
	"strings"

	"github.com/gatehouse-auth/gatehouse/account"
)

// The password reset pages, at allauth's URLs:
//
//	/accounts/password/reset/                       ask (email)
//	/accounts/password/reset/done/                  "if an account uses it, we mailed it"
//	/accounts/password/reset/key/<uid36>-<token>/   the mailed link: the key moves to a flow
//	/accounts/password/reset/key/<uid36>-set-password/  the new password (no key in the URL)
//	/accounts/password/reset/key/done/              done
//	/accounts/password/reset/confirm/               code mode: the mailed code
//	/accounts/password/reset/complete/              code mode: the new password

// resetSetPassword is the placeholder that replaces the token in the form's
// URL once the key has moved into the flow (Django's "set-password").
const resetSetPassword = "set-password"

// ResetKeyData is .Data of the new-password page.
type ResetKeyData struct {
	// Valid is false when the link is wrong, expired or already used.
	Valid bool
	// Action is where the form posts.
	Action string
}

// passwordReset asks for the address to mail a reset to. The answer is the
// same whether an account uses it or not.
func (h *Handlers) passwordReset(w http.ResponseWriter, r *http.Request) {
	p := h.page(w, r, "password_reset")
	p.Form = &Form{}
	if r.Method == http.MethodGet {
		h.render(w, r, http.StatusOK, p)
		return
	}
	if !h.parseForm(w, r) {
		return
	}
	p.Form = formValues(r, "email")
	token, err := h.opts.Account.RequestPasswordReset(r.Context(), r.PostFormValue("email"), h.client(r))
	if err != nil {
		h.formError(w, r, p, err, "password reset")
		return
	}
	if token != "" {
		h.setFlowCookie(w, resetCookie, token, h.opts.Now().Add(h.opts.Account.ResetCodeTimeout()))
		http.Redirect(w, r, h.urls.PasswordReset+"confirm/", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, h.urls.PasswordReset+"done/", http.StatusSeeOther)
}

// passwordResetDone says a mail is on its way.
func (h *Handlers) passwordResetDone(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, h.page(w, r, "password_reset_done"))
}

// passwordResetKeyDone says the password was changed.
func (h *Handlers) passwordResetKeyDone(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, h.page(w, r, "password_reset_key_done"))
}

// passwordResetKey is the mailed link: a live key moves into a flow (named
// by the reset cookie) and the browser goes on to the same URL with
// "set-password" in place of the token, so the key never reaches a Referer
// or the history; that URL shows and takes the new password.
func (h *Handlers) passwordResetKey(w http.ResponseWriter, r *http.Request) {
	acc := h.opts.Account
	if acc.Config.PasswordResetByCode {
		h.notFound(w, r)
		return
	}
	key := r.PathValue("key")
	uid, token, _ := strings.Cut(key, "-")
	if token != resetSetPassword {
		if r.Method != http.MethodGet {
			h.Error(w, r, http.StatusMethodNotAllowed)
			return
		}
		flowTok, err := acc.StartReset(r.Context(), key, h.client(r))
		if err != nil {
			h.resetKeyInvalid(w, r, err)
			return
		}
		h.setFlowCookie(w, resetCookie, flowTok, h.opts.Now().Add(acc.ResetTimeout()))
		http.Redirect(w, r, h.urls.PasswordReset+"key/"+uid+"-"+resetSetPassword+"/", http.StatusFound)
		return
	}
	h.newPassword(w, r, r.URL.Path)
}

// passwordResetComplete is code mode's new-password page.
func (h *Handlers) passwordResetComplete(w http.ResponseWriter, r *http.Request) {
	if !h.opts.Account.Config.PasswordResetByCode {
		h.notFound(w, r)
		return
	}
	h.newPassword(w, r, h.urls.PasswordReset+"complete/")
}

// newPassword shows and takes the new password of the reset flow named by
// the reset cookie; action is the form's URL.
func (h *Handlers) newPassword(w http.ResponseWriter, r *http.Request, action string) {
	acc, ctx, token := h.opts.Account, r.Context(), flowToken(r, resetCookie)
	p := h.page(w, r, "password_reset_key")
	p.Form = &Form{}
	p.Data = ResetKeyData{Valid: true, Action: action}
	if _, err := acc.ResetUser(ctx, token); err != nil {
		h.resetKeyInvalid(w, r, err)
		return
	}
	if r.Method == http.MethodPost {
		if !h.parseForm(w, r) {
			return
		}
		l, err := acc.ResetPassword(ctx, token, r.PostFormValue("password1"), r.PostFormValue("password2"), h.client(r))
		if err != nil {
			if account.HasCode(err, account.CodeResetKeyInvalid) {
				h.resetKeyInvalid(w, r, err)
				return
			}
			h.formError(w, r, p, err, "password reset")
			return
		}
		h.clearFlowCookie(w, resetCookie)
		if l != nil {
			h.continueLogin(w, r, l, "", "flash.password_reset_logged_in")
			return
		}
		http.Redirect(w, r, h.urls.PasswordReset+"key/done/", http.StatusSeeOther)
		return
	}
	h.render(w, r, http.StatusOK, p)
}

// resetKeyInvalid shows the "bad link" page (or the error page for a
// store failure).
func (h *Handlers) resetKeyInvalid(w http.ResponseWriter, r *http.Request, err error) {
	if account.AsErrors(err) == nil {
		h.internalError(w, r, "password reset key", err)
		return
	}
	status := http.StatusOK
	if account.HasCode(err, account.CodeTooManyAttempts) {
		status = http.StatusTooManyRequests
		setRetryAfter(w, err)
	}
	h.clearFlowCookie(w, resetCookie)
	p := h.page(w, r, "password_reset_key")
	p.Data = ResetKeyData{Valid: false}
	h.render(w, r, status, p)
}

// passwordResetCode takes the mailed code (code mode).
func (h *Handlers) passwordResetCode(w http.ResponseWriter, r *http.Request) {
	acc := h.opts.Account
	if !acc.Config.PasswordResetByCode {
		h.notFound(w, r)
		return
	}
	p := h.page(w, r, "password_reset_code")
	p.Form = &Form{}
	if r.Method == http.MethodPost {
		if !h.parseForm(w, r) {
			return
		}
		p.Form = formValues(r, "code") // a wrong code stays in the field, to be corrected
		token := flowToken(r, resetCookie)
		err := acc.ConfirmResetCode(r.Context(), token, r.PostFormValue("code"), h.client(r))
		if err == nil {
			// The flow lives on from now (ConfirmResetCode saved it): so
			// does the cookie naming it.
			h.setFlowCookie(w, resetCookie, token, h.opts.Now().Add(acc.ResetCodeTimeout()))
			http.Redirect(w, r, h.urls.PasswordReset+"complete/", http.StatusSeeOther)
			return
		}
		if account.HasCode(err, account.CodeLoginExpired) {
			h.flash(w, r, "error", "flash.reset_expired")
			http.Redirect(w, r, h.urls.PasswordReset, http.StatusSeeOther)
			return
		}
		h.formError(w, r, p, err, "password reset code")
		return
	}
	h.render(w, r, http.StatusOK, p)
}

// formError renders p again with err's problems (429 with Retry-After for a
// rate limit), or the error page when err is not the user's to fix.
func (h *Handlers) formError(w http.ResponseWriter, r *http.Request, p *Page, err error, where string) {
	if account.AsErrors(err) == nil {
		h.internalError(w, r, where, err)
		return
	}
	status := http.StatusOK
	if account.HasCode(err, account.CodeTooManyAttempts) {
		status = http.StatusTooManyRequests
		setRetryAfter(w, err)
	}
	if p.Form == nil {
		p.Form = &Form{}
	}
	formFromErrors(p.L, p.Form, err)
	h.render(w, r, status, p)
}
