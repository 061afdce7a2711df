package web

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
)

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
