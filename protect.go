package gatehouse

import (
	"errors"
	"net/http"

	"github.com/gatehouse-auth/gatehouse/user"
)

// Protect wraps a handler with what Gatehouse's own pages get: security
// headers, a bounded body,
// cross-origin request protection on unsafe methods, and the user loaded.
func (g *Gatehouse) Protect(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.web.Error(w, r, http.StatusForbidden)
	}))
	inner := cop.Handler(g.Middleware(h))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SecurityHeaders(w.Header())
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, g.cfg.MaxBodyBytes)
		}
		inner.ServeHTTP(w, r)
	})
}

// SecurityHeaders sets the headers every Gatehouse response carries
// (SECURITY.md C4). Pages add their own Content-Security-Policy with a nonce
// and Cache-Control: no-store.
func SecurityHeaders(h http.Header) {
	h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
}

func isNotFound(err error) bool { return errors.Is(err, user.ErrNotFound) }
