package web

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/internal/safenext"
)

// setLang remembers the visitor's language (POST language=en|ru, next=path),
// like Django's set_language view, and goes back to a safe next.
func (h *Handlers) setLang(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r) {
		return
	}
	lang := r.PostFormValue("language")
	for _, l := range Languages {
		if l == lang {
			http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, Secure: h.opts.SecureCookies, SameSite: http.SameSiteLaxMode})
		}
	}
	next := safenext.Clean(r.PostFormValue("next"))
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
