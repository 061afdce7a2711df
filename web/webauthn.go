package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/safenext"
	"github.com/gatehouse-auth/gatehouse/mfa"
)

// Security keys and passkeys (WebAuthn) under /accounts/2fa/webauthn/, at
// allauth's paths, when Options.MFA supports them. A ceremony's options go
// to the page in a data attribute, static/webauthn.js hands them to the
// browser and posts its answer back in the form's "credential" field; the
// ceremony's state waits on the server, named by the webauthn cookie.
// Without scripts the pages say a key needs them; every other page works
// as before.

const (
	webauthnCookie       = "gatehouse_webauthn"
	webauthnBase         = mfaBase + "webauthn/"
	webauthnAddPath      = webauthnBase + "add/"
	webauthnKeysPath     = webauthnBase + "keys/"
	webauthnReauthPath   = webauthnBase + "reauthenticate/"
	webauthnLoginPath    = webauthnBase + "login/"
	passkeySignupPath    = "/accounts/signup/passkey/"
	webauthnCeremonyLife = 5 * time.Minute
)

// webauthnOn reports whether security keys are among the supported factors.
func (h *Handlers) webauthnOn() bool {
	return h.opts.MFA != nil && h.opts.MFA.Supports(mfa.TypeWebAuthn)
}

// registerWebAuthn mounts the WebAuthn pages.
func (h *Handlers) registerWebAuthn(mux *http.ServeMux) {
	if !h.webauthnOn() {
		return
	}
	for path, fn := range map[string]http.HandlerFunc{
		webauthnBase:                      h.requireLogin(h.webauthnIndex),
		webauthnAddPath:                   h.webauthnAdd,
		webauthnKeysPath + "{id}/edit/":   h.requireLogin(h.webauthnEdit),
		webauthnKeysPath + "{id}/remove/": h.requireLogin(h.webauthnRemove),
		webauthnReauthPath:                h.requireLogin(h.webauthnReauthenticate),
		webauthnLoginPath:                 h.webauthnLogin,
	} {
		mux.HandleFunc("GET "+path, fn)
		mux.HandleFunc("POST "+path, fn)
	}
	if h.opts.MFA.Config.WebAuthn.PasskeySignup {
		mux.HandleFunc("GET "+passkeySignupPath, h.passkeySignup)
		mux.HandleFunc("POST "+passkeySignupPath, h.passkeySignup)
	}
}

// setCeremony keeps a ceremony's token in the webauthn cookie.
func (h *Handlers) setCeremony(w http.ResponseWriter, c *mfa.Ceremony) {
	h.setFlowCookie(w, webauthnCookie, c.Token, h.opts.Now().Add(webauthnCeremonyLife))
}

// WebAuthnKeysData is .Data of the keys page.
type WebAuthnKeysData struct {
	Keys []WebAuthnKeyRow
	// Passkeys: passkey login is on (the page offers to add one).
	Passkeys bool
}

// WebAuthnKeyRow is a key as the pages show it.
type WebAuthnKeyRow struct {
	ID              int64
	Name            string
	Passkey         bool
	Added, LastUsed string // when(); LastUsed "" for never
}

func keyRows(keys []mfa.WebAuthnKey) []WebAuthnKeyRow {
	rows := make([]WebAuthnKeyRow, len(keys))
	for i, k := range keys {
		rows[i] = WebAuthnKeyRow{ID: k.ID, Name: k.Name, Passkey: k.Passkey, Added: when(k.CreatedAt), LastUsed: when(k.LastUsedAt)}
	}
	return rows
}

// webauthnIndex lists the user's security keys and passkeys.
func (h *Handlers) webauthnIndex(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Redirect(w, r, webauthnBase, http.StatusSeeOther)
		return
	}
	u, _ := current(r)
	keys, err := h.opts.MFA.WebAuthnKeys(r.Context(), u)
	if err != nil {
		h.internalError(w, r, "webauthn: keys", err)
		return
	}
	p := h.page(w, r, "mfa_webauthn")
	p.Data = WebAuthnKeysData{Keys: keyRows(keys), Passkeys: h.opts.MFA.Config.WebAuthn.PasskeyLogin}
	h.render(w, r, http.StatusOK, p)
}

// WebAuthnCeremonyData is .Data of a page that runs a WebAuthn ceremony.
type WebAuthnCeremonyData struct {
	// Options is the JSON of navigator.credentials.create's or get's
	// argument, for static/webauthn.js.
	Options string
	// Passkey: the key made is a passkey (add page).
	Passkey bool
	// AtLogin: a passkey signup makes its passkey before any session.
	AtLogin bool
}

// webauthnAdd adds a security key (or, with ?passkey=1, a passkey): GET
// begins the ceremony, POST (name, credential) finishes it. A signed-in
// user needs a recent authentication; a passkey signup makes its passkey
// here at its login stage, before any session.
func (h *Handlers) webauthnAdd(w http.ResponseWriter, r *http.Request) {
	u, sess, l, token, ok := h.enrolling(w, r, mfa.StagePasskeySignup)
	if !ok {
		return
	}
	ctx, svc, c := r.Context(), h.opts.MFA, h.client(r)
	p := h.page(w, r, "mfa_webauthn_add")
	p.Form = &Form{}
	passkey := l != nil || r.URL.Query().Get("passkey") == "1" || r.PostFormValue("passkey") == "1"
	status := http.StatusOK
	if r.Method == http.MethodPost {
		if !h.parseForm(w, r) {
			return
		}
		passkey = l != nil || r.PostFormValue("passkey") == "1"
		if l != nil && r.PostFormValue("action") == "cancel" {
			h.cancelLogin(w, r, token)
			return
		}
		p.Form = formValues(r, "name")
		name, cred, ctoken := r.PostFormValue("name"), []byte(r.PostFormValue("credential")), flowToken(r, webauthnCookie)
		h.clearFlowCookie(w, webauthnCookie)
		var codes []string
		var err error
		if l != nil {
			codes, err = svc.AddPasskeyAtLogin(ctx, l, ctoken, name, cred, c)
		} else {
			codes, err = svc.AddWebAuthn(ctx, u, sess, ctoken, name, cred, c)
		}
		switch {
		case err == nil && l != nil:
			if _, err := h.opts.Account.SaveLogin(ctx, token, l); err != nil {
				h.internalError(w, r, "webauthn: save login", err)
				return
			}
			if len(codes) == 0 {
				h.continueLogin(w, r, l, token, "flash.signed_up")
				return
			}
			h.showRecoveryCodes(w, r, u.ID, codes, webauthnAddPath, true)
			return
		case err == nil:
			if len(codes) > 0 {
				h.showRecoveryCodes(w, r, u.ID, codes, "", true)
				return
			}
			h.flash(w, r, "success", "flash.webauthn_added")
			http.Redirect(w, r, webauthnBase, http.StatusSeeOther)
			return
		case account.HasCode(err, account.CodeReauthenticationRequired):
			h.requireReauth(w, r)
			return
		case account.AsErrors(err) == nil:
			h.internalError(w, r, "webauthn: add", err)
			return
		case account.HasCode(err, account.CodeTooManyAttempts):
			status = http.StatusTooManyRequests
			setRetryAfter(w, err)
		}
		formFromErrors(p.L, p.Form, err)
	}
	cer, err := svc.BeginWebAuthnRegistration(ctx, u, passkey)
	if err != nil {
		h.internalError(w, r, "webauthn: begin", err)
		return
	}
	h.setCeremony(w, cer)
	if passkey {
		p.TitleKey = "title.mfa_webauthn_add_passkey" // as its heading
	}
	p.Data = WebAuthnCeremonyData{Options: string(cer.Options), Passkey: passkey, AtLogin: l != nil}
	h.render(w, r, status, p)
}

// keyID reads the key id of a /accounts/2fa/webauthn/keys/<id>/… path (a
// resumed POST has no path values, so the path is read).
func keyID(r *http.Request) int64 {
	rest := strings.TrimPrefix(r.URL.Path, webauthnKeysPath)
	idText, _, _ := strings.Cut(rest, "/")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// WebAuthnKeyData is .Data of the rename and remove pages.
type WebAuthnKeyData struct {
	Key WebAuthnKeyRow
}

// userKey returns the user's key of the path, or answers 404.
func (h *Handlers) userKey(w http.ResponseWriter, r *http.Request) (*WebAuthnKeyRow, bool) {
	u, _ := current(r)
	keys, err := h.opts.MFA.WebAuthnKeys(r.Context(), u)
	if err != nil {
		h.internalError(w, r, "webauthn: keys", err)
		return nil, false
	}
	id := keyID(r)
	for _, k := range keyRows(keys) {
		if k.ID == id {
			return &k, true
		}
	}
	h.notFound(w, r)
	return nil, false
}

// webauthnEdit renames a key.
func (h *Handlers) webauthnEdit(w http.ResponseWriter, r *http.Request) {
	k, ok := h.userKey(w, r)
	if !ok {
		return
	}
	p := h.page(w, r, "mfa_webauthn_edit")
	p.Data = WebAuthnKeyData{Key: *k}
	p.Form = &Form{Values: map[string]string{"name": k.Name}}
	if r.Method == http.MethodGet {
		h.render(w, r, http.StatusOK, p)
		return
	}
	if !h.parseForm(w, r) {
		return
	}
	u, _ := current(r)
	p.Form = formValues(r, "name")
	if err := h.opts.MFA.RenameWebAuthn(r.Context(), u, k.ID, r.PostFormValue("name")); err != nil {
		h.formError(w, r, p, err, "webauthn: rename")
		return
	}
	h.flash(w, r, "success", "flash.webauthn_renamed")
	http.Redirect(w, r, webauthnBase, http.StatusSeeOther)
}

// webauthnRemove removes a key (GET asks, POST does it).
func (h *Handlers) webauthnRemove(w http.ResponseWriter, r *http.Request) {
	k, ok := h.userKey(w, r)
	if !ok {
		return
	}
	p := h.page(w, r, "mfa_webauthn_remove")
	p.Data = WebAuthnKeyData{Key: *k}
	p.Form = &Form{}
	if r.Method == http.MethodGet {
		h.render(w, r, http.StatusOK, p)
		return
	}
	if !h.parseForm(w, r) {
		return
	}
	u, sess := current(r)
	err := h.opts.MFA.RemoveWebAuthn(r.Context(), u, sess, k.ID, h.client(r))
	switch {
	case account.HasCode(err, account.CodeReauthenticationRequired):
		h.requireReauth(w, r)
		return
	case err != nil:
		h.formError(w, r, p, err, "webauthn: remove")
		return
	}
	h.flash(w, r, "success", "flash.webauthn_removed")
	http.Redirect(w, r, webauthnBase, http.StatusSeeOther)
}

// webauthnReauthenticate reauthenticates with one of the user's keys,
// then resumes the interrupted POST or goes to next.
func (h *Handlers) webauthnReauthenticate(w http.ResponseWriter, r *http.Request) {
	u, sess := current(r)
	ctx, svc := r.Context(), h.opts.MFA
	p := h.page(w, r, "mfa_webauthn_reauthenticate")
	p.Form = &Form{}
	status := http.StatusOK
	if r.Method == http.MethodGet {
		p.Next = safenext.Clean(r.URL.Query().Get("next"))
	} else {
		if !h.parseForm(w, r) {
			return
		}
		p.Next = safenext.Clean(r.PostFormValue("next"))
		token := flowToken(r, webauthnCookie)
		h.clearFlowCookie(w, webauthnCookie)
		err := svc.ReauthenticateWebAuthn(ctx, u, sess, token, []byte(r.PostFormValue("credential")), h.client(r))
		if err == nil {
			if h.resume(w, r) {
				return
			}
			next := p.Next
			if next == "" {
				next = mfaBase
			}
			http.Redirect(w, r, next, http.StatusSeeOther)
			return
		}
		if account.AsErrors(err) == nil {
			h.internalError(w, r, "webauthn: reauthenticate", err)
			return
		}
		if account.HasCode(err, account.CodeTooManyAttempts) {
			status = http.StatusTooManyRequests
			setRetryAfter(w, err)
		}
		formFromErrors(p.L, p.Form, err)
	}
	cer, err := svc.BeginWebAuthnLogin(ctx, u)
	if account.HasCode(err, mfa.CodeNotActive) {
		http.Redirect(w, r, h.urls.Reauthenticate, http.StatusSeeOther)
		return
	}
	if err != nil {
		h.internalError(w, r, "webauthn: begin", err)
		return
	}
	h.setCeremony(w, cer)
	p.Data = WebAuthnCeremonyData{Options: string(cer.Options)}
	h.render(w, r, status, p)
}

// webauthnLogin signs in with a passkey (Config.WebAuthn.PasskeyLogin): a
// POST without an answer begins the ceremony — JSON {"options": …} for
// the login page's script, else a page with a button — and a POST with
// one ("credential") finishes it and continues the login (any stage left,
// then the session).
func (h *Handlers) webauthnLogin(w http.ResponseWriter, r *http.Request) {
	svc := h.opts.MFA
	if r.Method == http.MethodGet || !svc.Config.WebAuthn.PasskeyLogin {
		http.Redirect(w, r, h.urls.Login, http.StatusSeeOther)
		return
	}
	if !h.parseForm(w, r) {
		return
	}
	ctx, c := r.Context(), h.client(r)
	next := safenext.Clean(r.PostFormValue("next"))
	if cred := r.PostFormValue("credential"); cred != "" {
		token := flowToken(r, webauthnCookie)
		h.clearFlowCookie(w, webauthnCookie)
		l, err := svc.PasskeyLogin(ctx, token, []byte(cred), c)
		switch {
		case err == nil:
			l.Remember, l.Next = h.remember(r), next
			h.continueLogin(w, r, l, "", "flash.logged_in")
			return
		case account.HasCode(err, account.CodeAccountInactive):
			http.Redirect(w, r, h.urls.Inactive, http.StatusSeeOther)
			return
		case account.AsErrors(err) == nil:
			h.internalError(w, r, "passkey login", err)
			return
		}
		if WantsJSON(r) {
			writeJSONError(w, http.StatusBadRequest, account.AsErrors(err)[0].Code, "The passkey could not sign you in.")
			return
		}
		key := "flash.passkey_failed"
		if account.HasCode(err, account.CodeTooManyAttempts) {
			key = "flash.too_many_attempts"
		}
		h.flash(w, r, "error", key)
		http.Redirect(w, r, h.urls.Login, http.StatusSeeOther)
		return
	}
	cer, err := svc.BeginPasskeyLogin(ctx)
	if err != nil {
		h.internalError(w, r, "passkey login: begin", err)
		return
	}
	h.setCeremony(w, cer)
	if WantsJSON(r) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		json.NewEncoder(w).Encode(map[string]json.RawMessage{"options": cer.Options})
		return
	}
	p := h.page(w, r, "mfa_webauthn_login")
	p.Next = next
	p.Form = &Form{}
	p.Data = WebAuthnCeremonyData{Options: string(cer.Options)}
	h.render(w, r, http.StatusOK, p)
}

// PasskeySignupData is .Data of the passkey signup page.
type PasskeySignupData struct {
	Fields account.SignupFields
}

// passkeySignup is the signup with a passkey and no password: the address
// (and a username when the form has one); then the mailed code, then the
// passkey, each a stage of the login it begins.
func (h *Handlers) passkeySignup(w http.ResponseWriter, r *http.Request) {
	acc, c := h.opts.Account, h.client(r)
	if !acc.SignupOpen(r.Context(), c) {
		h.render(w, r, http.StatusOK, h.page(w, r, "signup_closed"))
		return
	}
	p := h.page(w, r, "signup_passkey")
	p.Data = PasskeySignupData{Fields: acc.SignupForm()}
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
	in := account.SignupInput{Username: r.PostFormValue("username"), Email: r.PostFormValue("email"), Language: c.Lang}
	l, err := h.opts.MFA.PasskeySignup(r.Context(), in, c)
	if err != nil {
		h.formError(w, r, p, err, "passkey signup")
		return
	}
	l.Next = p.Next
	h.continueLogin(w, r, l, "", "flash.signed_up")
}
