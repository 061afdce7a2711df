package web

import (
	"net/http"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/safenext"
	"github.com/gatehouse-auth/gatehouse/mfa"
)

// Two-factor authentication's pages, at allauth's paths under /accounts/2fa/:
// the overview, the login stages (authenticate, trust, and enrolment for a
// user who must have a factor), reauthentication by a factor, adding and
// removing an authenticator app, and recovery codes. Options.MFA turns
// them on.

// when writes a moment as the account pages do ("2006-01-02 15:04 UTC"),
// "" for the zero time (never).
func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// MFA URLs.
const (
	mfaBase             = "/accounts/2fa/"
	mfaAuthenticatePath = mfaBase + "authenticate/"
	mfaReauthPath       = mfaBase + "reauthenticate/"
	mfaTrustPath        = mfaBase + "trust/"
	mfaActivatePath     = mfaBase + "totp/activate/"
	mfaDeactivatePath   = mfaBase + "totp/deactivate/"
	mfaRecoveryPath     = mfaBase + "recovery-codes/"
	mfaGeneratePath     = mfaRecoveryPath + "generate/"
	mfaDownloadPath     = mfaRecoveryPath + "download/"
)

// registerMFA mounts the two-factor pages when Options.MFA is set.
func (h *Handlers) registerMFA(mux *http.ServeMux) {
	if h.opts.MFA == nil {
		return
	}
	for path, fn := range map[string]http.HandlerFunc{
		mfaBase:             h.requireLogin(h.mfaIndex),
		mfaAuthenticatePath: h.mfaAuthenticate,
		mfaReauthPath:       h.requireLogin(h.mfaReauthenticate),
		mfaTrustPath:        h.mfaTrust,
		mfaActivatePath:     h.mfaActivate,
		mfaDeactivatePath:   h.requireLogin(h.mfaDeactivate),
		mfaRecoveryPath:     h.requireLogin(h.mfaRecoveryCodes),
		mfaGeneratePath:     h.requireLogin(h.mfaGenerate),
		mfaDownloadPath:     h.mfaDownload,
	} {
		mux.HandleFunc("GET "+path, fn)
		mux.HandleFunc("POST "+path, fn)
	}
	h.registerWebAuthn(mux)
}

// MFAIndexData is .Data of the overview, /accounts/2fa/.
type MFAIndexData struct {
	Status *mfa.Status
	// Added and LastUsed are when the app was added and last used
	// ("2006-01-02 15:04 UTC"; LastUsed "" for never).
	Added, LastUsed string
	// RecoverySupported: recovery codes are among the supported factors.
	RecoverySupported bool
	// UnverifiedEmail: the user has an unverified address, which blocks
	// adding a factor (MFA_ALLOW_UNVERIFIED_EMAIL off).
	UnverifiedEmail bool
	// WebAuthn: security keys are among the supported factors.
	WebAuthn bool
}

// mfaIndex shows the user's factors and what can be done with them.
func (h *Handlers) mfaIndex(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Redirect(w, r, mfaBase, http.StatusSeeOther)
		return
	}
	u, _ := current(r)
	st, err := h.opts.MFA.Status(r.Context(), u)
	if err != nil {
		h.internalError(w, r, "2fa: status", err)
		return
	}
	p := h.page(w, r, "mfa_index")
	d := MFAIndexData{Status: st, RecoverySupported: h.opts.MFA.Supports(mfa.TypeRecoveryCodes), WebAuthn: h.webauthnOn()}
	if !h.opts.MFA.Config.AllowUnverifiedEmail {
		if d.UnverifiedEmail, err = h.opts.Account.HasUnverifiedEmail(r.Context(), u.ID); err != nil {
			h.internalError(w, r, "2fa: addresses", err)
			return
		}
	}
	if st.TOTP != nil {
		d.Added, d.LastUsed = when(st.TOTP.CreatedAt), when(st.TOTP.LastUsedAt)
	}
	p.Data = d
	h.render(w, r, http.StatusOK, p)
}

// stagePage returns the login in progress of the browser when its next
// stage is stage; otherwise it sends the browser on (to the stage that is
// next, or to the login page) and returns nil.
func (h *Handlers) stagePage(w http.ResponseWriter, r *http.Request, stage string) (*account.Login, string) {
	l, token := h.pendingLogin(w, r)
	if l == nil {
		return nil, ""
	}
	st, err := h.opts.Account.NextStage(r.Context(), l)
	if err != nil {
		h.internalError(w, r, "2fa: stages", err)
		return nil, ""
	}
	if st == nil || st.Name() != stage {
		h.continueLogin(w, r, l, token, "flash.logged_in")
		return nil, ""
	}
	return l, token
}

// MFAAuthenticateData is .Data of the second factor's login stage.
type MFAAuthenticateData struct {
	// Recovery: the user may type a recovery code instead.
	Recovery bool
	// Code: the page asks for a code (the user has an authenticator app
	// or recovery codes).
	Code bool
	// WebAuthn is the JSON of the security-key ceremony's options ("" when
	// the user has no key).
	WebAuthn string
}

// mfaAuthenticate is the login stage that asks a user with an
// authenticator app for a code from it or a recovery code.
func (h *Handlers) mfaAuthenticate(w http.ResponseWriter, r *http.Request) {
	l, token := h.stagePage(w, r, mfa.StageAuthenticate)
	if l == nil {
		return
	}
	ctx, acc, c := r.Context(), h.opts.Account, h.client(r)
	p := h.page(w, r, "mfa_authenticate")
	p.Form = &Form{}
	st, err := h.opts.MFA.Status(ctx, l.User())
	if err != nil {
		h.internalError(w, r, "2fa: status", err)
		return
	}
	d := MFAAuthenticateData{Recovery: st.Recovery != nil, Code: st.TOTP != nil || st.Recovery != nil}
	// withKey begins a security-key ceremony for the page when the user
	// has a key.
	withKey := func() bool {
		if len(st.Keys) == 0 || !h.webauthnOn() {
			return true
		}
		cer, err := h.opts.MFA.BeginWebAuthnLogin(ctx, l.User())
		if err != nil {
			h.internalError(w, r, "2fa: webauthn", err)
			return false
		}
		h.setCeremony(w, cer)
		d.WebAuthn = string(cer.Options)
		p.Data = d
		return true
	}
	p.Data = d
	if r.Method == http.MethodGet {
		if withKey() {
			h.render(w, r, http.StatusOK, p)
		}
		return
	}
	if !h.parseForm(w, r) {
		return
	}
	if r.PostFormValue("action") == "cancel" {
		h.cancelLogin(w, r, token)
		return
	}
	if r.PostFormValue("action") == "webauthn" {
		ctoken := flowToken(r, webauthnCookie)
		h.clearFlowCookie(w, webauthnCookie)
		err = h.opts.MFA.AuthenticateWebAuthn(ctx, l, ctoken, []byte(r.PostFormValue("credential")), c)
	} else {
		err = h.opts.MFA.Authenticate(ctx, l, r.PostFormValue("code"), c)
	}
	if account.HasCode(err, mfa.CodeTooManyAttempts) {
		// The challenge is dead: the login starts over from the first factor.
		if err := acc.EndFlow(ctx, token); err != nil {
			h.internalError(w, r, "2fa: end login", err)
			return
		}
		h.clearFlowCookie(w, loginCookie)
		h.flash(w, r, "error", "flash.mfa_too_many_attempts")
		http.Redirect(w, r, h.urls.Login, http.StatusSeeOther)
		return
	}
	if _, serr := acc.SaveLogin(ctx, token, l); serr != nil {
		h.internalError(w, r, "2fa: save login", serr)
		return
	}
	if err != nil {
		if account.AsErrors(err) != nil && !withKey() {
			return
		}
		h.formError(w, r, p, err, "2fa: authenticate")
		return
	}
	h.continueLogin(w, r, l, token, "flash.logged_in")
}

// cancelLogin forgets the browser's login in progress and goes back to
// the login page.
func (h *Handlers) cancelLogin(w http.ResponseWriter, r *http.Request, token string) {
	if err := h.opts.Account.EndFlow(r.Context(), token); err != nil {
		h.internalError(w, r, "login: cancel", err)
		return
	}
	h.clearFlowCookie(w, loginCookie)
	http.Redirect(w, r, h.urls.Login, http.StatusSeeOther)
}

// MFATrustData is .Data of the trust page.
type MFATrustData struct {
	// Days is how long the browser would stay trusted.
	Days int
}

// mfaTrust is the login stage that offers, after a code, to trust the
// browser (MFA_TRUST_ENABLED): its next logins then skip the second
// factor until the password or a factor changes.
func (h *Handlers) mfaTrust(w http.ResponseWriter, r *http.Request) {
	l, token := h.stagePage(w, r, mfa.StageTrust)
	if l == nil {
		return
	}
	ctx, svc := r.Context(), h.opts.MFA
	p := h.page(w, r, "mfa_trust")
	p.Data = MFATrustData{Days: int(svc.TrustAge() / (24 * time.Hour))}
	if r.Method == http.MethodGet {
		h.render(w, r, http.StatusOK, p)
		return
	}
	if !h.parseForm(w, r) {
		return
	}
	if r.PostFormValue("trust") == "yes" {
		old := ""
		if ck, err := r.Cookie(mfa.TrustCookieName); err == nil {
			old = ck.Value
		}
		value, expires, err := svc.TrustCookie(ctx, l.User(), old)
		if err != nil {
			h.internalError(w, r, "2fa: trust", err)
			return
		}
		// Path "/": an app's own login handler (gh.Login) reads it too.
		http.SetCookie(w, &http.Cookie{Name: mfa.TrustCookieName, Value: value, Path: "/", Expires: expires,
			MaxAge: int(expires.Sub(h.opts.Now()) / time.Second), HttpOnly: true, Secure: h.opts.SecureCookies, SameSite: http.SameSiteLaxMode})
	}
	svc.AnswerTrust(l)
	if _, err := h.opts.Account.SaveLogin(ctx, token, l); err != nil {
		h.internalError(w, r, "2fa: save login", err)
		return
	}
	h.continueLogin(w, r, l, token, "flash.logged_in")
}

// passTrusted passes the second factor's stage of l when the browser's
// trust cookie holds for its user; it reports whether it did.
func (h *Handlers) passTrusted(r *http.Request, l *account.Login) (bool, error) {
	ck, err := r.Cookie(mfa.TrustCookieName)
	if err != nil || h.opts.MFA == nil {
		return false, nil
	}
	return h.opts.MFA.PassTrusted(r.Context(), l, ck.Value, h.client(r))
}

// MFAReauthData is .Data of reauthentication by a factor.
type MFAReauthData struct {
	Recovery bool
}

// mfaReauthenticate reauthenticates with a code from the authenticator
// app or a recovery code, then resumes the interrupted POST or goes to
// next, as the password's reauthentication does.
func (h *Handlers) mfaReauthenticate(w http.ResponseWriter, r *http.Request) {
	u, sess := current(r)
	p := h.page(w, r, "mfa_reauthenticate")
	p.Form = &Form{}
	p.Data = MFAReauthData{Recovery: h.opts.MFA.Supports(mfa.TypeRecoveryCodes)}
	if r.Method == http.MethodGet {
		p.Next = safenext.Clean(r.URL.Query().Get("next"))
		h.render(w, r, http.StatusOK, p)
		return
	}
	if !h.parseForm(w, r) {
		return
	}
	p.Next = safenext.Clean(r.PostFormValue("next"))
	if err := h.opts.MFA.Reauthenticate(r.Context(), u, sess, r.PostFormValue("code"), h.client(r)); err != nil {
		h.formError(w, r, p, err, "2fa: reauthenticate")
		return
	}
	if h.resume(w, r) {
		return
	}
	next := p.Next
	if next == "" {
		next = mfaBase
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
