package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/flow"
	"github.com/gatehouse-auth/gatehouse/internal/safenext"
	"github.com/gatehouse-auth/gatehouse/social"
)

// Reauthentication, /accounts/reauthenticate/: sensitive actions (ending
// sessions, and later email changes, MFA and connections) need a login or a
// reauthentication within account.ReauthenticationTimeout. A POST that
// needs one is kept in a flow (the reauth cookie names it) while the user
// types their password (or, without a usable one, a mailed code); then it is
// resumed as if posted again.

const (
	reauthCookie     = "gatehouse_reauth"
	reauthCodeCookie = "gatehouse_reauth_code"
	flowKindResume   = "reauthentication_resume"
)

// resumable is a POST interrupted by a reauthentication.
type resumable struct {
	UserID int64      `json:"u"`
	Path   string     `json:"p"`
	Form   url.Values `json:"f"`
}

// ReauthData is .Data of the reauthentication page.
type ReauthData struct {
	// ByCode is true for a user without a usable password: a code is mailed.
	ByCode bool
	// CodeSent is true once a code went out (the code field shows).
	CodeSent bool
	// Email is where the code goes.
	Email string
	// Social are the buttons of the providers connected to the user: a
	// login there reauthenticates too.
	Social []social.Button
	// MFA is the page that reauthenticates with a code from the user's
	// authenticator app ("" when the user has none).
	MFA string
	// WebAuthn is the page that reauthenticates with one of the user's
	// security keys ("" when the user has none).
	WebAuthn string
}

// resumers are the handlers whose POSTs a reauthentication may resume, by
// path: only the pages that ask for one.
func (h *Handlers) resumers() map[string]http.HandlerFunc {
	m := map[string]http.HandlerFunc{h.urls.Sessions: h.sessions, h.urls.Email: h.email, h.urls.PasswordSet: h.passwordSet}
	if h.opts.MFA != nil {
		m[mfaActivatePath], m[mfaDeactivatePath], m[mfaGeneratePath] = h.mfaActivate, h.mfaDeactivate, h.mfaGenerate
	}
	if h.webauthnOn() {
		m[webauthnAddPath] = h.webauthnAdd
	}
	if h.opts.Social != nil {
		m[h.urls.Connections] = h.socialConnections
	}
	return m
}

// requireReauth keeps r (a POST of a signed-in user) for after a
// reauthentication and sends the browser to the reauthentication page.
func (h *Handlers) requireReauth(w http.ResponseWriter, r *http.Request) {
	u, _ := current(r)
	plain, err := json.Marshal(resumable{UserID: u.ID, Path: r.URL.Path, Form: r.PostForm})
	if err != nil {
		h.internalError(w, r, "reauthenticate: keep request", err)
		return
	}
	// Sealed: the kept form may hold a new password (password set).
	data := h.keys.Seal("web.reauth_resume", plain, nil)
	token, id := flow.NewToken()
	now := h.opts.Now().UTC()
	f := flow.Flow{ID: id, Kind: flowKindResume, Data: data, CreatedAt: now, ExpiresAt: now.Add(account.ReauthenticationTimeout)}
	if err := h.opts.Account.Flows.SaveFlow(r.Context(), f); err != nil {
		h.internalError(w, r, "reauthenticate: keep request", err)
		return
	}
	h.setFlowCookie(w, reauthCookie, token, f.ExpiresAt)
	h.flash(w, r, "info", "flash.reauthenticate")
	http.Redirect(w, r, h.urls.Reauthenticate+"?next="+url.QueryEscape(r.URL.Path), http.StatusSeeOther)
}

// reauthenticate asks for the password (or a mailed code) again, records
// it on the session, then resumes the interrupted POST or goes to next.
func (h *Handlers) reauthenticate(w http.ResponseWriter, r *http.Request) {
	u, sess := current(r)
	acc, ctx, c := h.opts.Account, r.Context(), h.client(r)
	p := h.page(w, r, "reauthenticate")
	p.Form = &Form{}
	d := ReauthData{ByCode: !u.HasUsablePassword(), Email: u.Email, CodeSent: flowToken(r, reauthCodeCookie) != "",
		Social: h.reauthButtons(r, u)}
	if h.opts.MFA != nil {
		if st, err := h.opts.MFA.Status(ctx, u); err != nil {
			h.internalError(w, r, "reauthenticate: 2fa", err)
			return
		} else {
			if st.TOTP != nil {
				d.MFA = mfaReauthPath
			}
			if len(st.Keys) > 0 && h.webauthnOn() {
				d.WebAuthn = webauthnReauthPath
			}
		}
	}
	if r.Method == http.MethodGet {
		p.Next = safenext.Clean(r.URL.Query().Get("next"))
		p.Data = d
		h.render(w, r, http.StatusOK, p)
		return
	}
	if !h.parseForm(w, r) {
		return
	}
	p.Next = safenext.Clean(r.PostFormValue("next"))
	if d.ByCode {
		p.Form = formValues(r, "code") // a wrong code stays in the field, to be corrected
	}
	var err error
	switch {
	case d.ByCode && r.PostFormValue("action") == "send":
		var token string
		if token, err = acc.SendReauthenticationCode(ctx, u, c); err == nil {
			h.setFlowCookie(w, reauthCodeCookie, token, h.opts.Now().Add(acc.EmailCodeTimeout()))
			d.CodeSent = true
			http.Redirect(w, r, h.urls.Reauthenticate+"?next="+url.QueryEscape(p.Next), http.StatusSeeOther)
			return
		}
	case d.ByCode:
		err = acc.ReauthenticateByCode(ctx, u, sess, flowToken(r, reauthCodeCookie), r.PostFormValue("code"), c)
		if account.HasCode(err, account.CodeLoginExpired) || account.HasCode(err, account.CodeCodeExpired) {
			h.clearFlowCookie(w, reauthCodeCookie)
			d.CodeSent = false
		}
	default:
		err = acc.Reauthenticate(ctx, u, sess, r.PostFormValue("password"), c)
	}
	if err != nil {
		p.Data = d
		h.formError(w, r, p, err, "reauthenticate")
		return
	}
	h.clearFlowCookie(w, reauthCodeCookie)
	if h.resume(w, r) {
		return
	}
	next := p.Next
	if next == "" {
		next = h.opts.LoginRedirect
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// resume replays the POST the reauthentication interrupted, when the
// browser has one kept for this user; it reports whether it did.
func (h *Handlers) resume(w http.ResponseWriter, r *http.Request) bool {
	token := flowToken(r, reauthCookie)
	if token == "" {
		return false
	}
	h.clearFlowCookie(w, reauthCookie)
	f, ok, err := h.opts.Account.Flows.TakeFlow(r.Context(), flow.HashToken(token), h.opts.Now())
	if err != nil || !ok || f.Kind != flowKindResume {
		return false
	}
	var kept resumable
	u, _ := current(r)
	plain, err := h.keys.Open("web.reauth_resume", f.Data, nil)
	if err != nil || json.Unmarshal(plain, &kept) != nil || kept.UserID != u.ID {
		return false
	}
	handler := h.resumers()[kept.Path]
	if handler == nil && h.webauthnOn() && strings.HasPrefix(kept.Path, webauthnKeysPath) && strings.HasSuffix(kept.Path, "/remove/") {
		handler = h.webauthnRemove // a key's removal, its id in the path
	}
	if handler == nil && h.opts.Social != nil {
		if provider, _, ok := h.socialPath(kept.Path, "login/"); ok && provider != "" {
			handler = h.socialLogin // a connection begun before the reauthentication
		}
	}
	if handler == nil {
		return false
	}
	again := r.Clone(r.Context())
	again.Method = http.MethodPost // a provider's callback (a GET) resumes a POST too
	again.URL = &url.URL{Path: kept.Path}
	again.RequestURI = kept.Path
	again.Body = http.NoBody
	again.ContentLength = 0
	again.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	again.PostForm, again.Form = kept.Form, kept.Form
	handler(w, again)
	return true
}
