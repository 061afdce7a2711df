package web

import (
	"errors"
	"net/http"
)

// parseForm reads a POSTed form (the body is already bounded by the root
// middleware) and answers 413/400 itself when it cannot.
func (h *Handlers) parseForm(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.Error(w, r, http.StatusRequestEntityTooLarge)
		} else {
			h.Error(w, r, http.StatusBadRequest)
		}
		return false
	}
	return true
}

// formValues keeps the submitted values of the named fields to re-fill the
// form; passwords are never echoed back.
func formValues(r *http.Request, names ...string) *Form {
	f := &Form{Values: make(map[string]string, len(names))}
	for _, n := range names {
		f.Values[n] = r.PostFormValue(n)
	}
	return f
}
