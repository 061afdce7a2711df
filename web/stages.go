package web

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/internal/safenext"
	"github.com/gatehouse-auth/gatehouse/mfa"
	"github.com/gatehouse-auth/gatehouse/user"
)

// stageURL returns the page of a login stage: the built-in ones', or
// Options.StageURLs' for stages added to account.Service.Stages.
func (h *Handlers) stageURL(name string) string {
	if name == account.StageVerifyEmail {
		return h.urls.ConfirmEmail
	}
	if u := h.opts.StageURLs[name]; u != "" {
		return u
	}
	if h.opts.MFA != nil {
		switch name {
		case mfa.StageEnrol:
			return mfaActivatePath
		case mfa.StageAuthenticate:
			return mfaAuthenticatePath
		case mfa.StageTrust:
			return mfaTrustPath
		case mfa.StagePasskeySignup:
			return webauthnAddPath
		}
	}
	return ""
}

// continueLogin takes a login whose first factor passed on to its next
// stage's page (keeping the login in a flow named by the login cookie), or,
// when no stage is left, starts its session and goes to its next. token
// names the login's flow when it already has one ("" when it has none).
func (h *Handlers) continueLogin(w http.ResponseWriter, r *http.Request, l *account.Login, token, flashKey string) {
	ctx, acc, c := r.Context(), h.opts.Account, h.client(r)
	st, err := acc.NextStage(ctx, l)
	if err != nil {
		h.internalError(w, r, "login: stages", err)
		return
	}
	if st != nil && st.Name() == mfa.StageAuthenticate {
		// A browser its user trusts skips the second factor.
		if ok, err := h.passTrusted(r, l); err != nil {
			h.internalError(w, r, "login: trusted browser", err)
			return
		} else if ok {
			if st, err = acc.NextStage(ctx, l); err != nil {
				h.internalError(w, r, "login: stages", err)
				return
			}
			if token != "" && st == nil {
				// FinishLogin reads the login from its flow: it must hold the pass.
				if _, err := acc.SaveLogin(ctx, token, l); err != nil {
					h.internalError(w, r, "login: save", err)
					return
				}
			}
		}
	}
	if st == nil && !l.Phantom {
		var u *user.User
		if token != "" {
			u, _, err = acc.FinishLogin(ctx, token, c)
		} else {
			u, err = acc.CompleteLogin(ctx, l, c)
		}
		if err != nil {
			h.loginFailed(w, r, err)
			return
		}
		h.clearFlowCookie(w, loginCookie)
		h.startSession(w, r, u, l.Remember, c, l.Next, flashKey)
		return
	}
	name := account.StageVerifyEmail // the stand-in of a taken address waits there
	if st != nil {
		name = st.Name()
	}
	target := h.stageURL(name)
	if target == "" {
		h.internalError(w, r, "login: no page for stage "+name, nil)
		return
	}
	if name == account.StageVerifyEmail && l.MailedAt.IsZero() {
		// A refusal (the cooldown, a user without an address) leaves the
		// login at its stage, whose page can send again.
		if err := acc.SendVerification(ctx, l, c); err != nil && account.AsErrors(err) == nil {
			h.internalError(w, r, "login: verification mail", err)
			return
		}
	}
	if token, err = acc.SaveLogin(ctx, token, l); err != nil {
		h.internalError(w, r, "login: save", err)
		return
	}
	h.setFlowCookie(w, loginCookie, token, acc.LoginExpires(l))
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// loginFailed answers a login that could not complete (the user went
// inactive, the flow expired): back to the login page with the reason.
func (h *Handlers) loginFailed(w http.ResponseWriter, r *http.Request, err error) {
	if account.AsErrors(err) == nil {
		h.internalError(w, r, "login: complete", err)
		return
	}
	h.clearFlowCookie(w, loginCookie)
	h.flash(w, r, "error", "flash.login_expired")
	http.Redirect(w, r, h.urls.Login, http.StatusSeeOther)
}

// pendingLogin returns the login in progress of the browser and its flow
// token; without one it sends the browser to the login page and returns nil.
func (h *Handlers) pendingLogin(w http.ResponseWriter, r *http.Request) (*account.Login, string) {
	token := flowToken(r, loginCookie)
	l, err := h.opts.Account.LoadLogin(r.Context(), token)
	if err != nil {
		h.loginFailed(w, r, err)
		return nil, ""
	}
	return l, token
}

// ContinueLogin answers r with the next step of l, a login whose first
// factor passed outside the pages (the root package's Authenticate): the
// page of its next stage, or, with none left, a new session and a redirect
// to l.Next when it is a local path (internal/safenext, SECURITY.md C3:
// an app may pass a posted next as it is), else Options.LoginRedirect.
func (h *Handlers) ContinueLogin(w http.ResponseWriter, r *http.Request, l *account.Login) {
	l.Next = safenext.Clean(l.Next)
	h.continueLogin(w, r, l, "", "flash.logged_in")
}
