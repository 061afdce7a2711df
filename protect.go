package gatehouse

import (
	"errors"
	"net/http"

	"github.com/gatehouse-auth/gatehouse/user"
)

// Protect wraps a handler (an app's mux with Gatehouse mounted on it) with
// what Gatehouse's own pages get: security headers, a bounded body
// (Config.MaxBodyBytes), cross-origin request protection on unsafe methods
// (a refused request gets a "CSRF verification failed" page and a log
// line), and the signed-in user loaded (Middleware).
func (g *Gatehouse) Protect(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.web.CrossOriginRefused(w, r)
	}))
	inner := cop.Handler(g.Middleware(h))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setSecurityHeaders(w.Header())
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, g.cfg.MaxBodyBytes)
		}
		inner.ServeHTTP(w, r)
	})
}

// setSecurityHeaders sets the headers every response through Protect
// carries (SECURITY.md C4). Pages add their own Content-Security-Policy and
// Cache-Control: no-store.
func setSecurityHeaders(h http.Header) {
	for _, kv := range securityHeaders {
		h[kv.key] = kv.value
	}
}

// securityHeaders are setSecurityHeaders' headers, built once with canonical
// keys: assigning a shared value costs no allocation where Header.Set makes
// one per header per response. Each value has capacity 1, so Header.Add
// appends to a copy and never writes into the shared array.
var securityHeaders = [...]struct {
	key   string
	value []string
}{
	{"Strict-Transport-Security", oneValue("max-age=31536000; includeSubDomains")},
	{"X-Content-Type-Options", oneValue("nosniff")},
	{"Referrer-Policy", oneValue("same-origin")},
	{"X-Frame-Options", oneValue("DENY")},
	{"Cross-Origin-Opener-Policy", oneValue("same-origin")},
	{"Content-Security-Policy", oneValue("default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")},
	{"Permissions-Policy", oneValue("camera=(), microphone=(), geolocation=()")},
}

// oneValue returns a header value slice of length and capacity 1.
func oneValue(v string) []string { return []string{v}[:1:1] }

func isNotFound(err error) bool { return errors.Is(err, user.ErrNotFound) }
