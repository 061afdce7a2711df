package loadgen

import (
	"net/url"
	"strings"
)

// FindForm returns the first form that has a control named each of names
// (the login form is the one with the login and password fields), or nil.
func FindForm(forms []Form, names ...string) *Form {
	for i := range forms {
		if forms[i].HasAll(names...) {
			return &forms[i]
		}
	}
	return nil
}

// HasAll reports whether f has a control named each of names.
func (f *Form) HasAll(names ...string) bool {
	for _, n := range names {
		found := false
		for _, c := range f.Controls {
			if c.Name == n {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Hidden returns the name/value pairs of f's enabled hidden inputs
// (csrfmiddlewaretoken, next …).
func (f *Form) Hidden() url.Values {
	v := url.Values{}
	for _, c := range f.Controls {
		if c.Type == "hidden" && c.Name != "" && !c.Disabled {
			v.Add(c.Name, c.Value)
		}
	}
	return v
}

// Values returns what a browser would submit for f untouched: every enabled,
// named control's value (hidden inputs included), checked checkboxes and
// radios only, a select's selected options, and no buttons or file inputs.
// A scenario overwrites the fields it fills in.
func (f *Form) Values() url.Values {
	v := url.Values{}
	for _, c := range f.Controls {
		if c.Name == "" || c.Disabled {
			continue
		}
		switch c.Type {
		case "submit", "button", "reset", "image", "file":
		case "checkbox", "radio":
			if c.Checked {
				val := c.Value
				if val == "" {
					val = "on"
				}
				v.Add(c.Name, val)
			}
		case "select", "select-multiple":
			for _, s := range c.Selected {
				v.Add(c.Name, s)
			}
		default:
			v.Add(c.Name, c.Value)
		}
	}
	return v
}

// ActionURL returns where f submits to, resolved against the URL of the
// page it was found on (an empty action is the page itself).
func (f *Form) ActionURL(page *url.URL) (*url.URL, error) {
	if strings.TrimSpace(f.Action) == "" {
		u := *page
		u.Fragment = ""
		return &u, nil
	}
	a, err := url.Parse(f.Action)
	if err != nil {
		return nil, opErrorf(KindForm, "form action %q: %v", f.Action, err)
	}
	return page.ResolveReference(a), nil
}
