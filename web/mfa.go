package web

import (
	"encoding/base64"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
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

// timeFormat is how the account pages write a moment.
const timeFormat = "2006-01-02 15:04 UTC"

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
		d.Added = st.TOTP.CreatedAt.UTC().Format(timeFormat)
		if !st.TOTP.LastUsedAt.IsZero() {
			d.LastUsed = st.TOTP.LastUsedAt.UTC().Format(timeFormat)
		}
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

// MFAActivateData is .Data of adding an authenticator app.
type MFAActivateData struct {
	// Secret is the key to type into an app that cannot scan; QR its
	// otpauth URI as a PNG data URL; State the sealed enrolment the form
	// posts back.
	Secret string
	QR     template.URL
	State  string
	// AtLogin: the enrolment a required second factor asks for during a
	// login (no session yet).
	AtLogin bool
}

// mfaActivate adds an authenticator app: GET shows a new secret (QR code
// and text), POST confirms it with a code from the app. A signed-in user
// needs a recent authentication; a login held at StageEnrol (a user who
// must have a second factor) enrols without a session.
func (h *Handlers) mfaActivate(w http.ResponseWriter, r *http.Request) {
	u, sess := current(r)
	var l *account.Login
	var token string
	if u == nil {
		if l, token = h.stagePage(w, r, mfa.StageEnrol); l == nil {
			return
		}
		u = l.User()
	} else if r.Method == http.MethodGet && !h.opts.Account.RecentlyAuthenticated(sess) {
		h.flash(w, r, "info", "flash.reauthenticate")
		http.Redirect(w, r, h.urls.Reauthenticate+"?next="+url.QueryEscape(mfaActivatePath), http.StatusSeeOther)
		return
	}
	ctx, svc, c := r.Context(), h.opts.MFA, h.client(r)
	p := h.page(w, r, "mfa_totp_activate")
	p.Form = &Form{}
	label := u.Email
	if label == "" {
		label = u.Username
	}
	if r.Method == http.MethodGet {
		if st, err := svc.Status(ctx, u); err != nil {
			h.internalError(w, r, "2fa: status", err)
			return
		} else if st.TOTP != nil {
			http.Redirect(w, r, mfaBase, http.StatusSeeOther)
			return
		}
		e, err := svc.BeginTOTP(u, label)
		if err != nil {
			h.internalError(w, r, "2fa: begin", err)
			return
		}
		p.Data = activateData(e, l != nil)
		h.render(w, r, http.StatusOK, p)
		return
	}
	if !h.parseForm(w, r) {
		return
	}
	if l != nil && r.PostFormValue("action") == "cancel" {
		h.cancelLogin(w, r, token)
		return
	}
	state, code := r.PostFormValue("state"), r.PostFormValue("code")
	var codes []string
	var err error
	if l != nil {
		codes, err = svc.ActivateTOTPAtLogin(ctx, l, state, code, c)
	} else {
		codes, err = svc.ActivateTOTP(ctx, u, sess, state, code, c)
	}
	switch {
	case err == nil:
	case account.HasCode(err, account.CodeReauthenticationRequired):
		h.requireReauth(w, r)
		return
	case account.HasCode(err, mfa.CodeEnrolmentExpired):
		h.flash(w, r, "error", "flash.mfa_enrolment_expired")
		http.Redirect(w, r, mfaActivatePath, http.StatusSeeOther)
		return
	case account.HasCode(err, mfa.CodeAlreadyActive):
		http.Redirect(w, r, mfaBase, http.StatusSeeOther)
		return
	default:
		if account.AsErrors(err) == nil {
			h.internalError(w, r, "2fa: activate", err)
			return
		}
		if e, rerr := svc.ResumeTOTP(u, state, label); rerr == nil {
			p.Data = activateData(e, l != nil)
		} else {
			p.Data = MFAActivateData{AtLogin: l != nil}
		}
		h.formError(w, r, p, err, "2fa: activate")
		return
	}
	if l != nil {
		if _, err := h.opts.Account.SaveLogin(ctx, token, l); err != nil {
			h.internalError(w, r, "2fa: save login", err)
			return
		}
	}
	cont := ""
	if l != nil {
		cont = mfaActivatePath
	}
	h.showRecoveryCodes(w, r, u.ID, codes, cont, true)
}

func activateData(e *mfa.Enrolment, atLogin bool) MFAActivateData {
	return MFAActivateData{Secret: groupSecret(e.Secret), State: e.State, AtLogin: atLogin,
		QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(e.QR))}
}

// groupSecret writes a base32 secret in groups of four, as apps show it.
func groupSecret(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}

// MFARecoveryData is .Data of the recovery-codes page.
type MFARecoveryData struct {
	// Codes are a new set, shown once (empty when the page only counts).
	Codes []string
	// Download is the sealed set the download form posts.
	Download string
	// Left and Total count the codes of the user's set.
	Left, Total int
	// Enabled: the user has an authenticator app.
	Enabled bool
	// Activated: the codes come with a just-added app (the page offers
	// to sign out other sessions).
	Activated bool
	// AtLogin: a login held at enrolment goes on from this page, by a
	// POST to Continue.
	AtLogin  bool
	Continue string
}

// showRecoveryCodes renders a new set of codes, once. continuePath is,
// for a login that made its factor at a stage, where its Continue button
// posts (action=continue); "" for a signed-in user.
func (h *Handlers) showRecoveryCodes(w http.ResponseWriter, r *http.Request, userID int64, codes []string, continuePath string, activated bool) {
	p := h.page(w, r, "mfa_recovery_codes")
	d := MFARecoveryData{Codes: codes, Left: len(codes), Total: len(codes), Enabled: true, Activated: activated,
		AtLogin: continuePath != "", Continue: continuePath}
	if len(codes) > 0 {
		plain, _ := json.Marshal(downloadState{Codes: codes, At: h.opts.Now().Unix()})
		d.Download = base64.RawURLEncoding.EncodeToString(h.keys.Seal("web.mfa_download", plain, downloadAD(userID)))
	}
	p.Data = d
	if !activated && continuePath == "" {
		// New codes replaced the old: said on the page that shows them.
		p.Flashes = append(p.Flashes, Flash{Level: "success", Text: p.L.T("flash.mfa_recovery_generated")})
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.render(w, r, http.StatusOK, p)
}

type downloadState struct {
	Codes []string `json:"c"`
	At    int64    `json:"t"`
}

func downloadAD(userID int64) []byte { return []byte("codes/" + strconv.FormatInt(userID, 10)) }

// mfaRecoveryCodes shows how many recovery codes are left (codes are
// shown once, when made) and, at a login's enrolment, goes on with it.
func (h *Handlers) mfaRecoveryCodes(w http.ResponseWriter, r *http.Request) {
	u, _ := current(r)
	st, err := h.opts.MFA.Status(r.Context(), u)
	if err != nil {
		h.internalError(w, r, "2fa: status", err)
		return
	}
	p := h.page(w, r, "mfa_recovery_codes")
	p.Data = MFARecoveryData{Left: st.RecoveryLeft, Total: st.Total, Enabled: st.Enabled()}
	h.render(w, r, http.StatusOK, p)
}

// mfaGenerate replaces the recovery codes (GET asks, POST does it).
func (h *Handlers) mfaGenerate(w http.ResponseWriter, r *http.Request) {
	u, sess := current(r)
	if r.Method == http.MethodGet {
		p := h.page(w, r, "mfa_recovery_generate")
		h.render(w, r, http.StatusOK, p)
		return
	}
	if !h.parseForm(w, r) {
		return
	}
	codes, err := h.opts.MFA.GenerateRecoveryCodes(r.Context(), u, sess, h.client(r))
	switch {
	case account.HasCode(err, account.CodeReauthenticationRequired):
		h.requireReauth(w, r)
		return
	case err != nil:
		p := h.page(w, r, "mfa_recovery_generate")
		h.formError(w, r, p, err, "2fa: generate")
		return
	}
	h.showRecoveryCodes(w, r, u.ID, codes, "", false)
}

// mfaDownload answers the download form of a page that showed new codes
// with them as a text file. Codes are stored hashed, so only the sealed
// set that page carried (for this user, for an hour) can be downloaded.
func (h *Handlers) mfaDownload(w http.ResponseWriter, r *http.Request) {
	u, _ := current(r)
	if u == nil {
		// A login held at enrolment downloads the codes it was just shown.
		if l, err := h.opts.Account.LoadLogin(r.Context(), flowToken(r, loginCookie)); err == nil && l.User() != nil {
			u = l.User()
		}
	}
	if u == nil {
		h.RedirectToLogin(w, r)
		return
	}
	if r.Method == http.MethodGet || !h.parseForm(w, r) {
		if r.Method == http.MethodGet {
			http.Redirect(w, r, mfaRecoveryPath, http.StatusSeeOther)
		}
		return
	}
	var st downloadState
	sealed, err := base64.RawURLEncoding.DecodeString(r.PostFormValue("codes"))
	if err == nil {
		var plain []byte
		if plain, err = h.keys.Open("web.mfa_download", sealed, downloadAD(u.ID)); err == nil {
			err = json.Unmarshal(plain, &st)
		}
	}
	if err != nil || h.opts.Now().Sub(time.Unix(st.At, 0)) > time.Hour {
		h.flash(w, r, "error", "flash.mfa_download_expired")
		http.Redirect(w, r, mfaRecoveryPath, http.StatusSeeOther)
		return
	}
	p := h.page(w, r, "mfa_recovery_codes")
	var b strings.Builder
	b.WriteString(p.L.T("mfa_recovery.file_heading", "site", h.opts.SiteName) + "\n\n")
	for _, c := range st.Codes {
		b.WriteString(c + "\n")
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/plain; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="recovery-codes.txt"`)
	hd.Set("Cache-Control", "no-store")
	hd.Set("Referrer-Policy", "no-referrer")
	w.Write([]byte(b.String()))
}

// mfaDeactivate removes the authenticator app (GET asks, POST does it):
// other sessions end, a mail tells the user.
func (h *Handlers) mfaDeactivate(w http.ResponseWriter, r *http.Request) {
	u, sess := current(r)
	p := h.page(w, r, "mfa_totp_deactivate")
	p.Form = &Form{}
	if r.Method == http.MethodGet {
		h.render(w, r, http.StatusOK, p)
		return
	}
	if !h.parseForm(w, r) {
		return
	}
	err := h.opts.MFA.DeactivateTOTP(r.Context(), u, sess, h.client(r))
	switch {
	case account.HasCode(err, account.CodeReauthenticationRequired):
		h.requireReauth(w, r)
		return
	case account.HasCode(err, mfa.CodeNotActive):
		http.Redirect(w, r, mfaBase, http.StatusSeeOther)
		return
	case err != nil:
		h.formError(w, r, p, err, "2fa: deactivate")
		return
	}
	h.flash(w, r, "success", "flash.mfa_deactivated")
	http.Redirect(w, r, mfaBase, http.StatusSeeOther)
}
