package loadgen

import (
	"bytes"
	"context"
	"html"
	"net/http"
	"net/url"
)

// submitForm does what a person does with a form: GET page, find the form
// that has all of the fields named in fill, keep what a browser would send
// for it (hidden inputs such as csrfmiddlewaretoken and next included), set
// fill's values, and POST it. It returns the POST's response, not followed.
func submitForm(ctx context.Context, b *Browser, page *url.URL, fill url.Values) (Page, error) {
	p, err := b.Get(ctx, page)
	if err != nil {
		return p, err
	}
	if p.Status != http.StatusOK {
		return p, opErrorf(StatusKind(p.Status), "GET %s: %d, want 200", page, p.Status)
	}
	forms, err := ParseForms(bytes.NewReader(p.Body))
	if err != nil {
		return p, opErrorf(KindForm, "GET %s: parsing HTML: %v", page, err)
	}
	names := make([]string, 0, len(fill))
	for name := range fill {
		names = append(names, name)
	}
	f := FindForm(forms, names...)
	if f == nil {
		return p, opErrorf(KindForm, "GET %s: no form with fields %q among %d forms", page, names, len(forms))
	}
	if f.Method != http.MethodPost {
		return p, opErrorf(KindForm, "GET %s: the form's method is %s, want POST", page, f.Method)
	}
	action, err := f.ActionURL(page)
	if err != nil {
		return p, err
	}
	vals := f.Values()
	for name, v := range fill {
		vals[name] = v
	}
	return b.PostForm(ctx, page, action, vals)
}

// landing checks that a form POST answered by p succeeded: p must be a
// redirect (a form with errors is answered by 200 and the form again, which
// may well echo the username), the redirects must end on a 200 page, and
// that page must contain expect (unless it is "").
func landing(ctx context.Context, b *Browser, p Page, expect string) error {
	if !isRedirect(p.Status) {
		return opErrorf(StatusKind(p.Status), "POST %s: %d, want a redirect (rejected form?)", p.URL, p.Status)
	}
	p, err := b.FollowRedirects(ctx, p)
	if err != nil {
		return err
	}
	if p.Status != http.StatusOK {
		return opErrorf(StatusKind(p.Status), "GET %s after POST: %d, want 200", p.URL, p.Status)
	}
	return checkBody(p, expect)
}

// checkBody checks that p's body contains expect, as is or HTML-escaped;
// "" always passes.
func checkBody(p Page, expect string) error {
	if expect == "" || bytes.Contains(p.Body, []byte(expect)) {
		return nil
	}
	if esc := html.EscapeString(expect); esc != expect && bytes.Contains(p.Body, []byte(esc)) {
		return nil
	}
	return opErrorf(KindBody, "GET %s: page does not contain %q", p.URL, expect)
}
