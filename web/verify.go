package web

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/account"
)

// ConfirmEmailData is .Data of the email stage's page.
type ConfirmEmailData struct {
	// Email is the address the mail went to.
	Email string
	// ByCode is true in code mode: the page asks for the mailed code.
	ByCode bool
	// Skippable is true when verification is optional: the user may go on
	// without it.
	Skippable bool
}

// confirmEmail is the email stage's page, /accounts/confirm-email/: "we
// sent you a link" or, in code mode, the code form; with resend, skip
// (optional verification) and cancel. POST action=code|resend|skip|cancel.
func (h *Handlers) confirmEmail(w http.ResponseWriter, r *http.Request) {
	l, token := h.pendingLogin(w, r)
	if l == nil {
		return
	}
	ctx, acc, c := r.Context(), h.opts.Account, h.client(r)
	p := h.page(w, r, "confirm_email")
	p.Form = &Form{}
	p.Data = ConfirmEmailData{Email: l.Email, ByCode: acc.Config.EmailVerificationByCode,
		Skippable: acc.StageSkippable(account.StageVerifyEmail) && !l.Phantom}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		if !h.parseForm(w, r) {
			return
		}
		var err error
		flashKey := "flash.email_confirmed_logged_in"
		switch r.PostFormValue("action") {
		case "cancel":
			if err := acc.EndFlow(ctx, token); err != nil {
				h.internalError(w, r, "confirm email: cancel", err)
				return
			}
			h.clearFlowCookie(w, loginCookie)
			http.Redirect(w, r, h.urls.Login, http.StatusSeeOther)
			return
		case "skip":
			// Saved below before the login goes on: FinishLogin reads the
			// login from its flow, which must record the skip.
			err, flashKey = acc.SkipStage(l, account.StageVerifyEmail), "flash.logged_in"
		case "resend":
			if err = acc.SendVerification(ctx, l, c); err == nil {
				h.flash(w, r, "info", "flash.confirmation_sent")
			}
		default:
			p.Form = formValues(r, "code") // a wrong code stays in the field, to be corrected
			err = acc.ConfirmCode(ctx, l, r.PostFormValue("code"), c)
		}
		if _, serr := acc.SaveLogin(ctx, token, l); serr != nil {
			h.internalError(w, r, "confirm email: save", serr)
			return
		}
		switch {
		case err == nil && r.PostFormValue("action") == "resend":
			http.Redirect(w, r, h.urls.ConfirmEmail, http.StatusSeeOther)
			return
		case err == nil:
			h.continueLogin(w, r, l, token, flashKey)
			return
		case account.AsErrors(err) == nil:
			h.internalError(w, r, "confirm email", err)
			return
		case account.HasCode(err, account.CodeTooManyAttempts):
			status = http.StatusTooManyRequests
			setRetryAfter(w, err)
		}
		formFromErrors(p.L, p.Form, err)
	}
	h.render(w, r, status, p)
}

// ConfirmEmailKeyData is .Data of the page a confirmation link opens.
type ConfirmEmailKeyData struct {
	// Email is the address the link confirms; "" when the link is invalid.
	Email string
}

// confirmEmailKey is the page a confirmation link opens,
// /accounts/confirm-email/<key>/: GET shows the address and a button, POST
// confirms it (a GET changes nothing: mail scanners follow links). After
// it the login in progress of this browser, if it is that user's, goes on;
// otherwise the browser goes to the login page, or home when signed in.
func (h *Handlers) confirmEmailKey(w http.ResponseWriter, r *http.Request) {
	acc := h.opts.Account
	if acc.Config.EmailVerificationByCode {
		h.notFound(w, r)
		return
	}
	ctx, key := r.Context(), r.PathValue("key")
	p := h.page(w, r, "confirm_email_key")
	if r.Method == http.MethodPost && !h.parseForm(w, r) {
		return
	}
	cf, err := acc.CheckConfirmation(ctx, key)
	if err == nil && r.Method == http.MethodPost {
		cf, err = acc.ConfirmEmail(ctx, key, h.client(r))
		if err == nil {
			h.afterConfirmation(w, r, cf)
			return
		}
	}
	if err != nil && account.AsErrors(err) == nil {
		h.internalError(w, r, "confirm email key", err)
		return
	}
	d := ConfirmEmailKeyData{}
	if cf != nil {
		d.Email = cf.Email
	}
	p.Data = d
	h.render(w, r, http.StatusOK, p)
}

// afterConfirmation goes on after a confirmed link (see confirmEmailKey).
func (h *Handlers) afterConfirmation(w http.ResponseWriter, r *http.Request, cf *account.Confirmation) {
	if token := flowToken(r, loginCookie); token != "" {
		if l, err := h.opts.Account.LoadLogin(r.Context(), token); err == nil && !l.Phantom && l.UserID == cf.User.ID {
			h.continueLogin(w, r, l, token, "flash.email_confirmed_logged_in")
			return
		}
	}
	h.flash(w, r, "success", "flash.email_confirmed")
	if u, _ := current(r); u != nil {
		http.Redirect(w, r, h.opts.LoginRedirect, http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, h.urls.Login, http.StatusSeeOther)
}
