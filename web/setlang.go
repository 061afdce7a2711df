package web

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/internal/safenext"
)

// setLang remembers the visitor's language (POST language=en|ru, next=path),
// like Django's set_language view, and goes back to a safe next; a
// signed-in user's mail is sent in it from then on.
func (h *Handlers) setLang(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r) {
		return
	}
	lang := r.PostFormValue("language")
	for _, l := range Languages {
		if l != lang {
			continue
		}
		http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: h.opts.SecureCookies, SameSite: http.SameSiteLaxMode})
		// A signed-in user's mail follows the pages' language.
		if u, _ := current(r); u != nil && u.Language != l {
			if err := h.opts.Account.Users.SetLanguage(r.Context(), u.ID, l); err != nil {
				h.internalError(w, r, "set language", err)
				return
			}
		}
	}
	next := safenext.Clean(r.PostFormValue("next"))
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
