package web

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/account"
)

// EmailData is .Data of the email addresses page.
type EmailData struct {
	Emails []EmailRow
	// HasVerified is true when one address is verified.
	HasVerified bool
	// ChangeEmail is true in ChangeEmail mode (one address; a new one
	// replaces it once confirmed).
	ChangeEmail bool
}

// EmailRow is one address as the page shows it.
type EmailRow struct {
	Email    string
	Verified bool
	Primary  bool
}

// email lists the signed-in user's addresses and adds, removes, makes
// primary (each after a recent authentication: an older one sends the POST
// through /accounts/reauthenticate/ and resumes it) or resends a
// confirmation (POST action=add|remove|primary|send, email=…).
func (h *Handlers) email(w http.ResponseWriter, r *http.Request) {
	u, sess := current(r)
	ctx, acc, c := r.Context(), h.opts.Account, h.client(r)
	p := h.page(w, r, "email")
	p.Form = &Form{}
	if r.Method == http.MethodPost {
		if !h.parseForm(w, r) {
			return
		}
		action, addr := r.PostFormValue("action"), r.PostFormValue("email")
		if action != "send" && !acc.RecentlyAuthenticated(sess) {
			h.requireReauth(w, r)
			return
		}
		var err error
		flash := ""
		switch action {
		case "add":
			p.Form = formValues(r, "email")
			err, flash = acc.AddEmail(ctx, u, sess, addr, c), "flash.email_added"
		case "primary":
			err, flash = acc.MakePrimaryEmail(ctx, u, sess, addr, c), "flash.email_primary"
		case "send":
			err, flash = acc.ResendConfirmation(ctx, u, addr, c), "flash.confirmation_sent"
		case "remove":
			err, flash = acc.RemoveEmail(ctx, u, sess, addr, c), "flash.email_removed"
		default:
			h.Error(w, r, http.StatusBadRequest)
			return
		}
		if err == nil {
			h.flash(w, r, "success", flash)
			http.Redirect(w, r, h.urls.Email, http.StatusSeeOther)
			return
		}
		if action != "add" {
			// The field errors of a row's button belong to the whole form.
			for _, e := range account.AsErrors(err) {
				e.Field = ""
			}
		}
		if account.AsErrors(err) == nil {
			h.internalError(w, r, "email", err)
			return
		}
		status := http.StatusOK
		if account.HasCode(err, account.CodeTooManyAttempts) {
			status = http.StatusTooManyRequests
			setRetryAfter(w, err)
		}
		formFromErrors(p.L, p.Form, err)
		if err := h.fillEmailData(r, p); err != nil {
			h.internalError(w, r, "email: list", err)
			return
		}
		h.render(w, r, status, p)
		return
	}
	if err := h.fillEmailData(r, p); err != nil {
		h.internalError(w, r, "email: list", err)
		return
	}
	h.render(w, r, http.StatusOK, p)
}

// fillEmailData sets p.Data to the signed-in user's addresses.
func (h *Handlers) fillEmailData(r *http.Request, p *Page) error {
	u, _ := current(r)
	es, err := h.opts.Account.Emails(r.Context(), u)
	if err != nil {
		return err
	}
	d := EmailData{ChangeEmail: h.opts.Account.Config.ChangeEmail}
	for _, e := range es {
		d.Emails = append(d.Emails, EmailRow{Email: e.Email, Verified: e.Verified, Primary: e.Primary})
		d.HasVerified = d.HasVerified || e.Verified
	}
	p.Data = d
	return nil
}

// emailCancel is the link of a change-of-address notice
// (/accounts/email/cancel/<key>/): GET shows the pending address and a
// button, POST removes it, so the login address stays as it was.
func (h *Handlers) emailCancel(w http.ResponseWriter, r *http.Request) {
	acc, ctx, key := h.opts.Account, r.Context(), r.PathValue("key")
	p := h.page(w, r, "email_cancel")
	if r.Method == http.MethodPost && !h.parseForm(w, r) {
		return
	}
	cf, err := acc.CheckCancelKey(ctx, key)
	if err == nil && r.Method == http.MethodPost {
		if _, err = acc.CancelEmailChange(ctx, key, h.client(r)); err == nil {
			h.flash(w, r, "success", "flash.email_change_cancelled")
			http.Redirect(w, r, h.urls.Login, http.StatusSeeOther)
			return
		}
	}
	if err != nil && account.AsErrors(err) == nil {
		h.internalError(w, r, "email cancel", err)
		return
	}
	d := ConfirmEmailKeyData{}
	if cf != nil {
		d.Email = cf.Email
	}
	p.Data = d
	h.render(w, r, http.StatusOK, p)
}
