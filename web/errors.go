package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
)

// ErrorData is .Data of the error page.
type ErrorData struct {
	TitleKey   string
	MessageKey string
}

// Error renders the error page with status (400, 403, 404, 405, 429, 500).
func (h *Handlers) Error(w http.ResponseWriter, r *http.Request, status int) {
	p := h.page(w, r, "error")
	p.Status = status
	if http.StatusText(status) == "" {
		status = http.StatusInternalServerError
	}
	p.Status = status
	code := strconv.Itoa(status)
	p.Data = ErrorData{TitleKey: "error.http_" + code + ".title", MessageKey: "error.http_" + code + ".message"}
	h.render(w, r, status, p)
}

// setRetryAfter sets Retry-After to the time left in the limit that refused
// err (CodeTooManyAttempts), in whole seconds.
func setRetryAfter(w http.ResponseWriter, err error) {
	for _, e := range account.AsErrors(err) {
		if e.Code == account.CodeTooManyAttempts && e.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter/time.Second)))
			return
		}
	}
}

// CrossOriginRefused answers a cross-origin POST (or other unsafe method)
// that the CSRF check refused: 403 with a page that says so (Django's "CSRF
// verification failed"), JSON for JSON callers, and a log line naming what
// the browser reported (never the body or cookies).
func (h *Handlers) CrossOriginRefused(w http.ResponseWriter, r *http.Request) {
	h.opts.Log.Warn("cross-origin request refused", "event", "csrf_failed", "method", r.Method,
		"path", loggedPath(r.URL.Path), "origin", r.Header.Get("Origin"), "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"),
		"ip", h.opts.ClientIP.IP(r))
	if WantsJSON(r) {
		writeJSONError(w, http.StatusForbidden, "csrf_failed", "Cross-origin request refused.")
		return
	}
	p := h.page(w, r, "error")
	p.Status = http.StatusForbidden
	p.Data = ErrorData{TitleKey: "error.csrf.title", MessageKey: "error.csrf.message"}
	h.render(w, r, http.StatusForbidden, p)
}

// keyedPaths are the pages whose path carries a mailed key (a
// confirmation, reset or cancel link): logs name them without it.
var keyedPaths = []string{"/accounts/confirm-email/", "/accounts/password/reset/key/", "/accounts/email/cancel/"}

// loggedPath returns path for a log line, with the key of a mailed link
// replaced by "…".
func loggedPath(path string) string {
	for _, prefix := range keyedPaths {
		if rest, ok := strings.CutPrefix(path, prefix); ok && rest != "" && rest != "done/" {
			return prefix + "…/"
		}
	}
	return path
}

// Forbidden renders the 403 page.
func (h *Handlers) Forbidden(w http.ResponseWriter, r *http.Request) {
	h.Error(w, r, http.StatusForbidden)
}

// RedirectToLogin sends an anonymous visitor to the login page with ?next=
// set to the page they asked for.
func (h *Handlers) RedirectToLogin(w http.ResponseWriter, r *http.Request) {
	target := h.opts.LoginURL + "?next=" + url.QueryEscape(r.URL.RequestURI())
	http.Redirect(w, r, target, http.StatusFound)
}

func (h *Handlers) notFound(w http.ResponseWriter, r *http.Request) {
	h.Error(w, r, http.StatusNotFound)
}

func (h *Handlers) internalError(w http.ResponseWriter, r *http.Request, where string, err error) {
	h.opts.Log.Error("web: "+where, "err", err)
	h.Error(w, r, http.StatusInternalServerError)
}

// formFromErrors fills a Form with the translated problems of err.
func formFromErrors(l *Localizer, f *Form, err error) {
	for _, e := range account.AsErrors(err) {
		msg := TranslateError(l, e)
		if e.Field == "" {
			f.NonField = append(f.NonField, msg)
			continue
		}
		if f.Errors == nil {
			f.Errors = map[string][]string{}
		}
		f.Errors[e.Field] = append(f.Errors[e.Field], msg)
	}
}

// TranslateError renders an account error from the catalog key
// "error.<code>", choosing the plural form by a numeric "min"/"max" param.
func TranslateError(l *Localizer, e *account.Error) string {
	key := "error." + e.Code
	pairs := make([]any, 0, 2*len(e.Params))
	count, hasCount := 0, false
	for k, v := range e.Params {
		pairs = append(pairs, k, v)
		if n, ok := v.(int); ok && !hasCount {
			count, hasCount = n, true
		}
	}
	if hasCount {
		return l.N(key, count, pairs...)
	}
	return l.T(key, pairs...)
}
