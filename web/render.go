package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/gatehouse-auth/gatehouse/internal/authctx"
)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// pageCSP is the Content-Security-Policy of every page: templates carry no
// inline script or style, so none is allowed.
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// Header values of every page, built once (see protect.go's securityHeaders:
// capacity 1, so an Add elsewhere copies).
var (
	htmlType     = []string{"text/html; charset=utf-8"}[:1:1]
	pageCSPValue = []string{pageCSP}[:1:1]
	noStore      = []string{"no-store"}[:1:1]
	languages    sync.Map // language tag → []string
)

// languageValue returns the Content-Language value for lang.
func languageValue(lang string) []string {
	if v, ok := languages.Load(lang); ok {
		return v.([]string)
	}
	v, _ := languages.LoadOrStore(lang, []string{lang}[:1:1])
	return v.([]string)
}

// page returns the common Page data for r.
func (h *Handlers) page(w http.ResponseWriter, r *http.Request, name string) *Page {
	p := &Page{
		L:                 h.catalogs.Localizer(h.catalogs.Negotiate(r)),
		Name:              name,
		TitleKey:          "title." + name,
		User:              authctx.User(r.Context()),
		Path:              r.URL.RequestURI(),
		SiteName:          h.opts.SiteName,
		Stylesheets:       h.opts.Stylesheets,
		StaticPrefix:      h.opts.StaticPrefix,
		URLs:              h.urls,
		Demo:              h.opts.Demo,
		PasswordMinLength: h.minLength,
	}
	p.Flashes = h.takeFlashes(w, r, p.L)
	return p
}

// render executes a page with status and writes it.
//
// An anonymous GET without form values, errors or flashes renders bytes that
// depend only on the page, the language and the request URI (see cacheKey),
// so those are kept in one bounded set and served again. Signed-in pages are
// always rendered: what they show (sessions, groups, permissions) is read on
// the request, never kept as HTML that a change elsewhere would not reach.
func (h *Handlers) render(w http.ResponseWriter, r *http.Request, status int, p *Page) {
	hd := w.Header()
	hd["Content-Type"] = htmlType
	hd["Content-Security-Policy"] = pageCSPValue
	hd["Cache-Control"] = noStore
	hd["Content-Language"] = languageValue(p.L.Lang)
	hd.Add("Vary", "Cookie, Accept-Language")

	key, cacheable := cacheKey(r, status, p)
	// The social buttons come from the store, which another instance (or
	// the CLI) changes: those pages are kept only with the generation read
	// before their buttons, and served only while it has not moved.
	gated := cacheable && h.opts.Social != nil && socialPages[p.Name]
	cacheable = cacheable && (!gated || p.genOK)
	if p.kept != nil && (!cacheable || !gated) {
		// Found kept before its buttons were read, but the answer is not
		// the kept page after all: render it with its buttons.
		p.kept = nil
		if d, ok := p.Data.(LoginData); ok {
			d.Social = h.socialButtons(r)
			p.Data = d
		} else if d, ok := p.Data.(SignupData); ok {
			d.Social = h.socialButtons(r)
			p.Data = d
		}
	}
	if cacheable && p.kept != nil {
		h.formActionCSP(hd, p.keptSocial)
		hd.Set("Content-Length", strconv.Itoa(len(p.kept)))
		w.WriteHeader(status)
		w.Write(p.kept)
		return
	}
	if cacheable {
		if v, ok := h.rendered.Load(key); ok {
			b, fresh := v.([]byte)
			social := false // a page kept as []byte has no social forms
			if g, isGen := v.(genPage); isGen {
				b, fresh, social = g.b, gated && g.gen == p.gen, g.social
			}
			if fresh {
				h.formActionCSP(hd, social)
				hd.Set("Content-Length", strconv.Itoa(len(b)))
				w.WriteHeader(status)
				w.Write(b)
				return
			}
		}
	}
	t := h.pages[p.L.Lang][p.Name]
	if t == nil {
		h.opts.Log.Error("web: no such page", "page", p.Name)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := t.ExecuteTemplate(buf, "base", p); err != nil {
		h.opts.Log.Error("web: render", "page", p.Name, "err", err)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	social := h.socialForms(p)
	h.formActionCSP(hd, social)
	if cacheable {
		var v any = bytes.Clone(buf.Bytes())
		if gated {
			v = genPage{gen: p.gen, b: v.([]byte), social: social}
		}
		h.storeAnonymous(key, r, v)
	}
	hd.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// cacheKey says whether a response can come from the page cache, and under
// which key. Only anonymous pages qualify whose content depends on nothing
// but the page, the language and the request URI: the templates and
// catalogs, fixed at New, and the configuration. A query is allowed only as
// a lone "next" (the login page a login-required redirect lands on); the
// number of such pages kept is bounded (see storeAnonymous). Whatever later
// makes an anonymous page show something that can change must call
// forgetPages when it changes.
func cacheKey(r *http.Request, status int, p *Page) (string, bool) {
	if !cacheablePages[p.Name] || p.User != nil || r.Method != http.MethodGet || status != http.StatusOK ||
		len(p.Flashes) > 0 || p.Form != nil && (len(p.Form.Values) > 0 || p.Form.HasErrors()) {
		return "", false
	}
	if r.URL.RawQuery != "" || p.Next != "" {
		if p.Next == "" || !onlyNext(r.URL.RawQuery) {
			return "", false
		}
	}
	return p.L.Lang + "\x00" + p.Name + "\x00" + r.URL.RequestURI(), true
}

// cacheablePages are the pages whose anonymous rendering depends on nothing
// but the language, the request URI and the configuration. Pages that show
// a flow's state (the address a code went to) or take a key in their path
// are never kept: the first would show one visitor's data to another, the
// second would let anyone fill the cache with made-up paths.
var cacheablePages = map[string]bool{
	"home": true, "login": true, "signup": true,
	"password_reset": true, "password_reset_done": true, "password_reset_key_done": true,
}

// socialForms reports whether page p has a form whose POST may redirect to
// a provider, which form-action must then allow: the social_login page's;
// the login, signup and connections pages' only when they show a button
// (with social login on but no app, their password forms keep
// form-action 'self'); and the reauthentication page's whenever social
// login is on, since the reauthentication it asks for may resume a
// connection, on to the provider, even from its password form.
func (h *Handlers) socialForms(p *Page) bool {
	if h.socialCSP == nil {
		return false
	}
	switch d := p.Data.(type) {
	case LoginData:
		return len(d.Social) > 0
	case SignupData:
		return len(d.Social) > 0
	case ConnectionsData:
		return len(d.Buttons) > 0
	}
	return p.Name == "social_login" || p.Name == "reauthenticate"
}

// formActionCSP gives a page with social forms (see socialForms) the
// Content-Security-Policy whose form-action reaches the providers.
func (h *Handlers) formActionCSP(hd http.Header, social bool) {
	if social && h.socialCSP != nil {
		hd["Content-Security-Policy"] = h.socialCSP
	}
}

// socialPageCSP is pageCSP for pages with social forms: form-action also allows
// the providers' https pages (and http ones on an http site, in
// development).
func socialPageCSP(siteURL string) []string {
	allow := "'self' https:"
	if strings.HasPrefix(siteURL, "http://") {
		allow += " http:"
	}
	return []string{strings.Replace(pageCSP, "form-action 'self'", "form-action "+allow, 1)}[:1:1]
}

// genPage is a kept page that is valid for one generation (the pages
// with social buttons).
type genPage struct {
	gen int64
	b   []byte
	// social: the page has social buttons (its CSP lets forms reach the
	// providers).
	social bool
}

// socialPages are the cacheable pages that show the social buttons.
var socialPages = map[string]bool{"login": true, "signup": true}

// onlyNext reports whether a raw query is exactly one "next" parameter.
func onlyNext(raw string) bool {
	v, err := url.ParseQuery(raw)
	return err == nil && len(v) == 1 && len(v["next"]) == 1
}

// maxQueryPages bounds the anonymous pages kept for URIs with a query: the
// next values a site redirects to are few, but anyone can make up more.
const maxQueryPages = 256

// storeAnonymous keeps an anonymous page; one for a URI with a query only
// while fewer than maxQueryPages of those are kept.
func (h *Handlers) storeAnonymous(key string, r *http.Request, v any) {
	if r.URL.RawQuery != "" {
		if _, ok := h.rendered.Load(key); ok {
			h.rendered.Store(key, v) // a newer generation's page replaces its entry
			return
		}
		if h.queryPages.Add(1) > maxQueryPages {
			h.queryPages.Add(-1)
			return
		}
		if _, loaded := h.rendered.LoadOrStore(key, v); loaded {
			h.queryPages.Add(-1)
			h.rendered.Store(key, v)
		}
		return
	}
	h.rendered.Store(key, v)
}
