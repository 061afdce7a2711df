package web

import (
	"errors"
	"mime"
	"net/http"
)

// maxFormMemory is how much of a multipart form is held in memory; bodies
// are bounded before this (Protect's MaxBodyBytes), so a form of text fields
// never reaches the disk.
const maxFormMemory = 1 << 20

// parseForm reads a POSTed form, url-encoded or multipart (the body is
// already bounded by Protect), and answers 413, 415 or 400 itself when it
// cannot: a body in any other encoding is refused rather than read as a
// form with every field missing.
func (h *Handlers) parseForm(w http.ResponseWriter, r *http.Request) bool {
	var err error
	switch ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); {
	case ct == "multipart/form-data":
		err = r.ParseMultipartForm(maxFormMemory)
	case ct == "application/x-www-form-urlencoded" || ct == "" && r.ContentLength == 0:
		err = r.ParseForm()
	default:
		h.Error(w, r, http.StatusUnsupportedMediaType)
		return false
	}
	if err != nil {
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
