package loadgen

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

const allauthLogin = `<!DOCTYPE html>
<html><head><title>Sign In</title></head><body>
<form class="search" action="/search/"><input name="q" value="x"></form>
<form class="login" method="POST" action="/accounts/login/?next=%2Fdashboard%2F">
  <input type="hidden" name="csrfmiddlewaretoken" value="abc&amp;123">
  <p><label for="id_login">Login:</label> <input type="text" name="login" placeholder="Username or e-mail" autocomplete="email" required id="id_login"></p>
  <p><label for="id_password">Password:</label> <input type="password" name="password" placeholder="Password" required id="id_password"></p>
  <p><label for="id_remember">Remember Me:</label> <input type="checkbox" name="remember" id="id_remember"></p>
  <input type="hidden" name="next" value="/dashboard/" />
  <input type=HIDDEN name=flag value=on disabled>
  <select name="lang"><option value="en">English<option value="ru" selected>Русский</select>
  <select name="tz"><option>UTC</option><option>CET</option></select>
  <textarea name="note">
line &lt;1&gt;</textarea>
  <button class="primaryAction" type="submit" name="action" value="login">Sign In</button>
  <input type="submit" name="go" value="Go">
</form>
<input type="hidden" name="outside" value="1" form="other">
<form id="other" method="post"></form>
</body></html>`

func TestParseFormsAllauth(t *testing.T) {
	forms, err := ParseForms(strings.NewReader(allauthLogin))
	if err != nil {
		t.Fatal(err)
	}
	if len(forms) != 3 {
		t.Fatalf("got %d forms, want 3", len(forms))
	}
	if f := forms[0]; f.Method != "GET" || f.Action != "/search/" {
		t.Errorf("search form = %+v", f)
	}
	f := FindForm(forms, "login", "password")
	if f != &forms[1] {
		t.Fatalf("FindForm picked %+v", f)
	}
	if f.Method != "POST" {
		t.Errorf("method %q", f.Method)
	}
	want := url.Values{
		"csrfmiddlewaretoken": {"abc&123"},
		"login":               {""},
		"password":            {""},
		"next":                {"/dashboard/"},
		"lang":                {"ru"},
		"tz":                  {"UTC"},
		"note":                {"line <1>"},
	}
	if got := f.Values(); !reflect.DeepEqual(got, want) {
		t.Errorf("Values() =\n%v\nwant\n%v", got, want)
	}
	if got := f.Hidden(); !reflect.DeepEqual(got, url.Values{"csrfmiddlewaretoken": {"abc&123"}, "next": {"/dashboard/"}}) {
		t.Errorf("Hidden() = %v", got)
	}
	page, _ := url.Parse("http://127.0.0.1:8000/accounts/login/?next=/x/")
	action, err := f.ActionURL(page)
	if err != nil || action.String() != "http://127.0.0.1:8000/accounts/login/?next=%2Fdashboard%2F" {
		t.Errorf("ActionURL = %v, %v", action, err)
	}
	if got := forms[2].Values(); !reflect.DeepEqual(got, url.Values{"outside": {"1"}}) {
		t.Errorf("form=\"other\" control: Values() = %v", got)
	}
}

func TestParseFormsEdgeCases(t *testing.T) {
	cases := []struct {
		name, html string
		want       []Form
	}{
		{"none", `<p>no forms</p><input name=x>`, nil},
		{"unclosed", `<form method=post><input name=a value=1>`,
			[]Form{{Method: "POST", Controls: []Control{{Name: "a", Type: "text", Value: "1"}}}}},
		{"nested form ignored", `<form action=/a><form action=/b><input name=x></form><input name=y>`,
			[]Form{{Action: "/a", Method: "GET", Controls: []Control{{Name: "x", Type: "text"}}}}},
		{"checked and default on", `<form><input type=checkbox name=c checked><input type=radio name=r value=2 checked><input type=radio name=r value=3></form>`,
			[]Form{{Method: "GET", Controls: []Control{
				{Name: "c", Type: "checkbox", Checked: true},
				{Name: "r", Type: "radio", Value: "2", Checked: true},
				{Name: "r", Type: "radio", Value: "3"}}}}},
		{"multiple select", `<form><select name=m multiple><option selected>a<option>b<option selected value=c>C</select></form>`,
			[]Form{{Method: "GET", Controls: []Control{{Name: "m", Type: "select-multiple", Selected: []string{"a", "c"}}}}}},
		{"garbage", "<form <<<>>> method='post' <input name=\"a\x00\">", nil},
	}
	for _, c := range cases {
		got, err := ParseForms(strings.NewReader(c.html))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if c.name == "garbage" {
			continue // only must not fail
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
		}
	}
	f := Form{Method: "GET", Controls: []Control{{Name: "c", Type: "checkbox", Checked: true}}}
	if got := f.Values(); got.Get("c") != "on" {
		t.Errorf("checkbox without value submits %q, want on", got.Get("c"))
	}
}

func TestActionURLEmptyIsPage(t *testing.T) {
	page, _ := url.Parse("http://localhost:8000/accounts/signup/?next=%2Fdashboard%2F#top")
	u, err := (&Form{}).ActionURL(page)
	if err != nil || u.String() != "http://localhost:8000/accounts/signup/?next=%2Fdashboard%2F" {
		t.Fatalf("ActionURL = %v, %v", u, err)
	}
	if _, err := (&Form{Action: "http://[::1"}).ActionURL(page); errorKind(err) != KindForm {
		t.Fatalf("bad action: err = %v, want a form error", err)
	}
}

// FuzzParseForms checks that any input parses without panicking and that
// what comes out is well-formed and usable.
func FuzzParseForms(f *testing.F) {
	f.Add(allauthLogin)
	f.Add(`<form method=post action=""><input type=hidden name=csrfmiddlewaretoken value=t><input name=login></form>`)
	f.Add(`<select name=s><option>a</select><form id=f></form><textarea form=f name=t>x`)
	f.Add(`<form><select name=a><option value=1><input name=b form=z><option selected>2</select></form><form id=z>`)
	f.Add("<form\x00><input name=\"\xff\" type=CHECKBOX checked>")
	page, _ := url.Parse("http://127.0.0.1:8000/accounts/login/")
	f.Fuzz(func(t *testing.T, doc string) {
		forms, err := ParseForms(strings.NewReader(doc))
		if err != nil {
			t.Fatalf("error from a strings.Reader: %v", err)
		}
		for i := range forms {
			fm := &forms[i]
			if fm.Method != "GET" && fm.Method != "POST" {
				t.Fatalf("method %q", fm.Method)
			}
			for _, c := range fm.Controls {
				if c.Type == "" || c.Type != strings.ToLower(c.Type) {
					t.Fatalf("control type %q", c.Type)
				}
				if c.Type == "select" && len(c.Selected) > 1 {
					t.Fatalf("single select with %d selected", len(c.Selected))
				}
			}
			vals := fm.Values()
			for name := range vals {
				if name == "" || !fm.HasAll(name) {
					t.Fatalf("Values has %q, not a control of the form", name)
				}
			}
			if _, err := fm.ActionURL(page); err != nil && errorKind(err) != KindForm {
				t.Fatalf("ActionURL error of kind %q", errorKind(err))
			}
		}
	})
}
