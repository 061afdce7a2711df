package web

import (
	"html/template"
	"strings"
	"unicode"
)

// pageFuncs are the functions templates may call besides the built-ins.
var pageFuncs = template.FuncMap{"field": fieldOf, "initial": initial, "hasPrefix": strings.HasPrefix,
	"webauthnControls": webauthnControls}

// WebAuthnControls is what the "webauthn-controls" partial renders: the
// page, for its translations, and the catalog key of its button.
type WebAuthnControls struct {
	P     *Page
	Label string
}

// webauthnControls builds the partial's data: {{template
// "webauthn-controls" (webauthnControls . "webauthn.use_key")}};
// page is the template's data, a *Page (or a Page).
func webauthnControls(page any, label string) WebAuthnControls {
	p, _ := page.(*Page)
	if v, ok := page.(Page); ok {
		p = &v
	}
	return WebAuthnControls{P: p, Label: label}
}

// initial is the first letter of s, upper-cased (a provider's monogram on
// its icon): {{initial .Name}}.
func initial(s string) string {
	for _, r := range s {
		return string(unicode.ToUpper(r))
	}
	return ""
}

// FieldView is what the "field" partial renders: one labelled, required
// input with the value to re-fill and its errors.
type FieldView struct {
	Name         string
	Type         string
	Label        string
	Autocomplete string
	Value        string
	Errors       []string
}

// fieldOf builds the FieldView of input name of p's form, labelled with the
// catalog key label: {{template "field" (field . "email" "email" "password_reset.email" "email")}}.
// Password inputs are never re-filled. page is the template's data, a
// *Page (or a Page).
func fieldOf(page any, name, typ, label, autocomplete string) FieldView {
	var p *Page
	switch v := page.(type) {
	case *Page:
		p = v
	case Page:
		p = &v
	default:
		return FieldView{Name: name, Type: typ, Label: label}
	}
	f := FieldView{Name: name, Type: typ, Label: p.L.T(label), Autocomplete: autocomplete,
		Errors: p.Form.FieldErrors(name)}
	if typ != "password" {
		f.Value = p.Form.Value(name)
	}
	return f
}
