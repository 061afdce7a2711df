package web

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/mfa"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/user"
)

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

// enrolling returns who adds a factor on a page that serves two cases: a
// signed-in user (with sess; a GET more than the reauthentication timeout
// after the last authentication goes to reauthenticate first), or a login
// held at stage before any session (l and its flow token; u is its user).
// ok false: the browser was sent elsewhere.
func (h *Handlers) enrolling(w http.ResponseWriter, r *http.Request, stage string) (u *user.User, sess *session.Session, l *account.Login, token string, ok bool) {
	u, sess = current(r)
	if u == nil {
		if l, token = h.stagePage(w, r, stage); l == nil {
			return nil, nil, nil, "", false
		}
		return l.User(), nil, l, token, true
	}
	if r.Method == http.MethodGet && !h.opts.Account.RecentlyAuthenticated(sess) {
		h.flash(w, r, "info", "flash.reauthenticate")
		http.Redirect(w, r, h.urls.Reauthenticate+"?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return nil, nil, nil, "", false
	}
	return u, sess, nil, "", true
}

// mfaActivate adds an authenticator app: GET shows a new secret (QR code
// and text), POST confirms it with a code from the app. A signed-in user
// needs a recent authentication; a login held at StageEnrol (a user who
// must have a second factor) enrols without a session.
func (h *Handlers) mfaActivate(w http.ResponseWriter, r *http.Request) {
	u, sess, l, token, ok := h.enrolling(w, r, mfa.StageEnrol)
	if !ok {
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
