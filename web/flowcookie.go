package web

import (
	"net/http"
	"time"

	"github.com/gatehouse-auth/gatehouse/flow"
)

// Flow cookies name a flow record (see package flow) of the browser: one
// for a login in progress, one for a password reset. They hold only the
// opaque token; HttpOnly, SameSite=Lax, limited to /accounts/.
const (
	loginCookie = "gatehouse_login"
	resetCookie = "gatehouse_reset"
)

// flowToken returns the token of the flow cookie name, or "".
func flowToken(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil || !flow.ValidToken(c.Value) {
		return ""
	}
	return c.Value
}

// setFlowCookie names the flow token in cookie name until expires.
func (h *Handlers) setFlowCookie(w http.ResponseWriter, name, token string, expires time.Time) {
	maxAge := int(expires.Sub(h.opts.Now()) / time.Second)
	if maxAge < 1 {
		maxAge = 1
	}
	http.SetCookie(w, &http.Cookie{Name: name, Value: token, Path: "/accounts/", MaxAge: maxAge,
		HttpOnly: true, Secure: h.opts.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// clearFlowCookie removes cookie name.
func (h *Handlers) clearFlowCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Path: "/accounts/", MaxAge: -1,
		HttpOnly: true, Secure: h.opts.SecureCookies, SameSite: http.SameSiteLaxMode})
}
