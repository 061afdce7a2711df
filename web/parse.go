package web

import (
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"path"
	"regexp"
	"strings"
)

// staticT matches a translation of a fixed key with no parameters:
// {{.L.T "key"}} or {{$.L.T "key"}}, with optional trim markers.
var staticT = regexp.MustCompile(`\{\{(-?)\s*\$?\.L\.T\s+"([A-Za-z0-9_.\-]+)"\s*(-?)\}\}`)

// parsePages parses every page under templates/pages/ with the layouts and
// partials, once per language, keyed by language and page name.
//
// Translations of fixed keys are resolved while parsing: {{.L.T "login.title"}}
// becomes the (HTML-escaped) Russian or English text in that language's
// templates, so rendering does no lookup or reflective call for them. Calls
// with parameters or computed keys stay dynamic.
func parsePages(fsys overlay, cats *Catalogs) (map[string]map[string]*template.Template, error) {
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
	sources := map[string]string{}
	for _, f := range append(append([]string(nil), shared...), pages...) {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		sources[f] = string(b)
	}
	out := make(map[string]map[string]*template.Template, len(Languages))
	for _, lang := range Languages {
		l := cats.Localizer(lang)
		out[lang] = make(map[string]*template.Template, len(pages))
		for _, p := range pages {
			name := strings.TrimSuffix(path.Base(p), ".html")
			t := template.New(name).Funcs(pageFuncs)
			for _, f := range append(append([]string(nil), shared...), p) {
				if _, err := t.New(path.Base(f)).Parse(translate(sources[f], l)); err != nil {
					return nil, fmt.Errorf("web: page %s (%s): %w", name, f, err)
				}
			}
			if t.Lookup("base") == nil {
				return nil, fmt.Errorf("web: page %s: no template named \"base\"", name)
			}
			out[lang][name] = t
		}
	}
	return out, nil
}

// translate replaces the fixed-key translations of src with their text in l.
func translate(src string, l *Localizer) string {
	return staticT.ReplaceAllStringFunc(src, func(m string) string {
		g := staticT.FindStringSubmatch(m)
		s := html.EscapeString(l.T(g[2]))
		if g[1] == "-" {
			s = "{{- /**/}}" + s
		}
		if g[3] == "-" {
			s += "{{/**/ -}}"
		}
		return s
	})
}
