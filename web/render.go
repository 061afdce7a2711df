package web

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/gatehouse-auth/gatehouse/internal/authctx"
)

// parsePages parses every page under templates/pages/ with the layouts and
// partials, keyed by page name.
func parsePages(fsys overlay) (map[string]*template.Template, error) {
	shared, err := fsys.glob("templates/layouts/*.html")
	if err != nil {
		return nil, err
	}
	partials, err := fsys.glob("templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	shared = append(shared, partials...)
	pages, err := fsys.glob("templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("web: no templates under templates/pages")
	}
	out := make(map[string]*template.Template, len(pages))
	for _, p := range pages {
		name := strings.TrimSuffix(path.Base(p), ".html")
		files := append(append([]string(nil), shared...), p)
		t, err := template.New(name).ParseFS(fsys, files...)
		if err != nil {
			return nil, fmt.Errorf("web: page %s: %w", name, err)
		}
		if t.Lookup("base") == nil {
			return nil, fmt.Errorf("web: page %s: no template named \"base\"", name)
		}
		out[name] = t
	}
	return out, nil
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

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

// render executes a page with status and writes it. The CSP header carries a
// fresh nonce that templates may use for an inline element.
func (h *Handlers) render(w http.ResponseWriter, r *http.Request, status int, p *Page) {
	t := h.pages[p.Name]
	if t == nil {
		h.opts.Log.Error("web: no such page", "page", p.Name)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	var nb [16]byte
	rand.Read(nb[:])
	p.Nonce = base64.RawStdEncoding.EncodeToString(nb[:])
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := t.ExecuteTemplate(buf, "base", p); err != nil {
		h.opts.Log.Error("web: render", "page", p.Name, "err", err)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'nonce-"+p.Nonce+"'; style-src 'self' 'nonce-"+p.Nonce+"'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Language", p.L.Lang)
	hd.Add("Vary", "Cookie, Accept-Language")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
