package web

import (
	"context"
	"encoding/json"
	"mime"
	"net/http"
	"strings"

	"github.com/gatehouse-auth/gatehouse/user"
)

// Guard lets a request through to next when it has a signed-in user for
// whom test is true (a nil test: any signed-in user). Otherwise an anonymous
// visitor goes to the login page with ?next= (Django's login_required) and a
// signed-in user gets the 403 page; a JSON caller (see WantsJSON) gets 401 or
// 403 with a JSON body instead. The user must already be in the context
// (the root package's Middleware).
func (h *Handlers) Guard(test func(*http.Request, *user.User) bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := current(r)
		switch {
		case u == nil && WantsJSON(r):
			writeJSONError(w, http.StatusUnauthorized, "not_authenticated", "Authentication is required.")
		case u == nil:
			h.RedirectToLogin(w, r)
		case test != nil && !test(r, u):
			if WantsJSON(r) {
				writeJSONError(w, http.StatusForbidden, "permission_denied", "You do not have permission for this.")
				return
			}
			h.Forbidden(w, r)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// requireLogin wraps a page that needs a signed-in user.
func (h *Handlers) requireLogin(next http.HandlerFunc) http.HandlerFunc {
	return h.Guard(nil, next).ServeHTTP
}

// requirePerm wraps a page that needs a permission (checked through
// Options.Perms).
func (h *Handlers) requirePerm(perm string, next http.HandlerFunc) http.HandlerFunc {
	return h.Guard(func(r *http.Request, _ *user.User) bool { return h.opts.Perms(r, perm) }, next).ServeHTTP
}

type jsonKey struct{}

// AnswerJSON marks every request through h as a JSON caller's, so that the
// guards inside answer 401 and 403 with JSON whatever the Accept header.
func AnswerJSON(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), jsonKey{}, true)))
	})
}

// WantsJSON reports whether r is a JSON caller's: it went through
// AnswerJSON, or its Accept header names application/json (or a +json
// type) and not text/html, as fetch() and API clients send and browsers
// navigating to a page do not.
func WantsJSON(r *http.Request) bool {
	if v, _ := r.Context().Value(jsonKey{}).(bool); v {
		return true
	}
	jsonOK, htmlOK := false, false
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch {
		case mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"):
			jsonOK = true
		case mt == "text/html" || mt == "application/xhtml+xml":
			htmlOK = true
		}
	}
	return jsonOK && !htmlOK
}

// jsonError is the body of a JSON refusal: a stable code and an English
// message, in the shape of allauth's headless API errors.
type jsonError struct {
	Status int           `json:"status"`
	Errors []jsonProblem `json:"errors"`
}

// jsonProblem is one problem of a jsonError.
type jsonProblem struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// writeJSONError answers status with a jsonError body.
func writeJSONError(w http.ResponseWriter, status int, code, message string) {
	body := jsonError{Status: status, Errors: []jsonProblem{{Code: code, Message: message}}}
	hd := w.Header()
	hd.Set("Content-Type", "application/json")
	hd.Set("Cache-Control", "no-store")
	hd.Add("Vary", "Accept, Cookie")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}
